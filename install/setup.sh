#!/usr/bin/env bash
# Sets a fresh Debian 12 machine up for slimkit, idempotently:
#   1. Debian packages from install/apt-packages.txt (Fashion-MNIST, fonts, Jupyter, PyTorch peer,
#      Chromium + Selenium for install/browser-test.sh);
#   2. the Maven build (all modules, tests skipped) and the runtime class paths (core's, and the
#      Spark module's in kernel-ext/spark/target/spark-classpath.txt for %%sweep --on spark://);
#   3. the "Java (slimkit)" Jupyter kernelspec, when the kernel module provides one.
# Re-running it skips what is already done. Needs root (or sudo) for apt-get.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

mapfile -t wanted < <(grep -v '^\s*#' "$here/apt-packages.txt" | grep -v '^\s*$')
missing=()
for p in "${wanted[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian packages: ${missing[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

cd "$root"
echo "setup: building with Maven (tests run separately)"
mvn -q -B -Dstyle.color=never -DskipTests install
mvn -q -B -Dstyle.color=never dependency:build-classpath -pl src -Dmdep.includeScope=runtime -Dmdep.outputFile=target/classpath.txt
# The Spark driver's class path (its module jar first): the kernel starts the driver in a child JVM with it,
# install/spark-local.sh starts a loopback cluster with it. Spark stays off the kernel's own class path.
mvn -q -B -Dstyle.color=never dependency:build-classpath -pl kernel-ext/spark -Dmdep.includeScope=runtime \
  -Dmdep.outputFile=target/deps.txt
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
# The module jar as installed in the Maven repository (with its dependencies there), so the kernel's copy of this
# file in ~/.slimkit keeps working when the checkout is moved or deleted.
m2=${SLIMKIT_M2:-$HOME/.m2/repository}
echo "$m2/dev/slimkit/slimkit-spark/$version/slimkit-spark-$version.jar:$(cat kernel-ext/spark/target/deps.txt)" \
  > kernel-ext/spark/target/spark-classpath.txt
mkdir -p "$HOME/.slimkit"
cp kernel-ext/spark/target/spark-classpath.txt "$HOME/.slimkit/spark-classpath.txt"
if [ -x "$here/kernel.sh" ]; then
  "$here/kernel.sh"
fi
echo "setup: done"

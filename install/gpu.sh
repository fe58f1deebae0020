#!/usr/bin/env bash
# Opt-in GPU set-up for slimkit (not part of install/run.sh or install/test.sh):
#   1. fetches DJL's CUDA 12.4 build of libtorch 2.5.1 (ai.djl.pytorch:pytorch-native-cu124:2.5.1,
#      a 2.46 GB jar) and the JNI built for it (ai.djl.pytorch:pytorch-jni:2.5.1-0.33.0) through Maven;
#   2. unpacks libtorch into $SLIMKIT_GPU_HOME/lib (default ~/.slimkit/libtorch-cu124/lib) and the
#      cu124 libdjl_torch.so where DJL 0.36 looks for it (ENGINE_CACHE_DIR/pytorch/2.5.1-cu124-linux-x86_64/);
#   3. moves libcaffe2_nvrtc.so aside when the NVIDIA driver's libcuda.so.1 is missing (DJL loads every
#      library in the folder and that one needs the driver), and back when the driver is there;
#   4. links a plain libcudart.so to the build's hashed CUDA runtime, for DJL's GPU count (JNA);
#   5. writes $SLIMKIT_GPU_HOME/env.sh and installs the kernelspec "Java (slimkit, GPU)" (slimkit-gpu),
#      whose environment points DJL at that folder. The "Java (slimkit)" kernelspec is left as it is.
# Idempotent: a second run only re-checks. Usage:
#   bash install/gpu.sh            set up (needs install/setup.sh first, for the kernel class path)
#   bash install/gpu.sh --check    only report what is in place (exit 1 when something is missing)
#   bash install/gpu.sh --verify   set up, then train cnn-small one epoch with the CPU build and with
#                                  this CUDA build (on whatever device DJL picks) and compare
# SLIMKIT_VERIFY_IMAGES (default 10000) sets the training images of --verify.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
. "$here/java-opts.sh"
. "$here/kernelspec.sh"

mode=install
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  --verify) mode=verify ;;
  -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
  *) echo "gpu.sh: unknown option [$1]; use --check, --verify or nothing" >&2; exit 2 ;;
esac

torch_version=2.5.1
flavor=cu124
classifier=linux-x86_64
jni_version=2.5.1-0.33.0
djl_version=$(sed -n 's:.*<djl.version>\(.*\)</djl.version>.*:\1:p' "$root/pom.xml" | head -1)
m2=${SLIMKIT_M2:-$HOME/.m2/repository}
gpu_home=${SLIMKIT_GPU_HOME:-$HOME/.slimkit/libtorch-cu124}
lib="$gpu_home/lib"
aside="$gpu_home/aside"
jna="$gpu_home/jna"
cache="$gpu_home/cache"
jni_dir="$cache/pytorch/$torch_version-$flavor-$classifier"
jni_file="$jni_dir/$djl_version-libdjl_torch.so"
native_jar="$m2/ai/djl/pytorch/pytorch-native-$flavor/$torch_version/pytorch-native-$flavor-$torch_version-$classifier.jar"
jni_jar="$m2/ai/djl/pytorch/pytorch-jni/$jni_version/pytorch-jni-$jni_version.jar"
stamp="$lib/.slimkit-unpacked"
stamp_text="pytorch-native-$flavor:$torch_version:$classifier"
gpu_java_opts="-Djna.library.path=$jna"

say() { echo "gpu.sh: $*"; }

has_libcuda() {
  ldconfig -p 2>/dev/null | grep -q 'libcuda\.so\.1 ' && return 0
  local d
  for d in ${LD_LIBRARY_PATH:+${LD_LIBRARY_PATH//:/ }} /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/local/nvidia/lib64 /usr/lib/wsl/lib; do
    [ -e "$d/libcuda.so.1" ] && return 0
  done
  return 1
}

size_of() { du -sh "$1" 2>/dev/null | cut -f1; }

report() {
  local missing=0
  if [ -f "$native_jar" ]; then say "native jar: $native_jar ($(size_of "$native_jar"))"
  else say "native jar: missing ($native_jar)"; missing=1; fi
  if [ -f "$jni_jar" ]; then say "JNI jar: $jni_jar ($(size_of "$jni_jar"))"
  else say "JNI jar: missing ($jni_jar)"; missing=1; fi
  if [ -f "$stamp" ] && [ -f "$lib/libtorch.so" ]; then
    say "libtorch $torch_version $flavor: $lib ($(ls "$lib" | wc -l) files, $(size_of "$lib"))"
  else say "libtorch $torch_version $flavor: not unpacked ($lib)"; missing=1; fi
  if [ -f "$jni_file" ]; then say "JNI for DJL $djl_version: $jni_file"
  else say "JNI for DJL $djl_version: missing ($jni_file)"; missing=1; fi
  if has_libcuda; then
    if [ -f "$lib/libcaffe2_nvrtc.so" ]; then say "driver libcuda.so.1 found; libcaffe2_nvrtc.so in place"
    else say "driver libcuda.so.1 found but libcaffe2_nvrtc.so is aside: rerun install/gpu.sh"; missing=1; fi
  else
    if [ -f "$lib/libcaffe2_nvrtc.so" ]; then say "no driver libcuda.so.1 but libcaffe2_nvrtc.so is in $lib: DJL will fail to load; rerun install/gpu.sh"; missing=1
    elif [ -f "$aside/libcaffe2_nvrtc.so" ]; then say "no driver libcuda.so.1: libcaffe2_nvrtc.so is aside in $aside (libtorch runs on its CPU kernels)"
    else say "no driver libcuda.so.1; libcaffe2_nvrtc.so not unpacked yet"; missing=1; fi
  fi
  if [ -e "$jna/libcudart.so" ]; then say "plain CUDA runtime for DJL's GPU count: $jna/libcudart.so -> $(readlink "$jna/libcudart.so")"
  else say "plain CUDA runtime link: missing ($jna/libcudart.so); DJL would count 0 GPUs"; missing=1; fi
  local spec
  spec=$(jupyter --data-dir 2>/dev/null)/kernels/slimkit-gpu/kernel.json
  if [ -f "$spec" ] && grep -q "\"$lib\"" "$spec"; then say "kernelspec slimkit-gpu (Java (slimkit, GPU)): $spec"
  elif [ -f "$spec" ]; then say "kernelspec slimkit-gpu: $spec points elsewhere than $lib"; missing=1
  else say "kernelspec slimkit-gpu: not installed"; missing=1; fi
  if command -v nvidia-smi >/dev/null 2>&1; then
    say "nvidia-smi: $(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>&1 | paste -sd ';' -)"
  else say "nvidia-smi: not on PATH (no NVIDIA driver here)"; fi
  [ -d "$gpu_home" ] && say "disk used: $(size_of "$gpu_home") in $gpu_home, plus $(du -ch "$native_jar" "$jni_jar" 2>/dev/null | tail -1 | cut -f1) of jars in $m2"
  return $missing
}

if [ "$mode" = check ]; then
  report
  exit $?
fi

# 1. The artifacts, through Maven (a no-op when they are already in the local repository).
fetch() {
  local coords=$1 file=$2 size=$3
  if [ -f "$file" ]; then say "have $coords"; return; fi
  say "fetching $coords ($size) through Maven"
  (cd "$root" && mvn -q -B -Dstyle.color=never ${SLIMKIT_M2:+-Dmaven.repo.local="$m2"} dependency:get \
      -Dartifact="$coords" -Dtransitive=false)
  [ -f "$file" ] || { say "Maven did not leave $file" >&2; exit 1; }
}
fetch "ai.djl.pytorch:pytorch-native-$flavor:$torch_version:jar:$classifier" "$native_jar" "2.46 GB"
fetch "ai.djl.pytorch:pytorch-jni:$jni_version" "$jni_jar" "4.9 MB"

# 2. libtorch into lib/ (via a temporary folder, so an interrupted unpack is redone) and the JNI.
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$stamp_text" ]; then
  say "libtorch already unpacked in $lib"
else
  say "unpacking libtorch $torch_version $flavor into $lib"
  if [ -d "$lib" ] && [ ! -f "$stamp" ] && [ -n "$(ls -A "$lib")" ]; then
    say "$lib holds files this script did not unpack; set SLIMKIT_GPU_HOME to a new folder" >&2
    exit 1
  fi
  rm -rf "$lib.tmp" "$lib"
  rm -f "$aside/libcaffe2_nvrtc.so"
  mkdir -p "$lib.tmp"
  unzip -q -j -o "$native_jar" "pytorch/$flavor/$classifier/*" -d "$lib.tmp"
  echo "$stamp_text" > "$lib.tmp/.slimkit-unpacked"
  mv "$lib.tmp" "$lib"
fi
if [ ! -f "$jni_file" ]; then
  mkdir -p "$jni_dir"
  unzip -q -p "$jni_jar" "jnilib/$classifier/$flavor/libdjl_torch.so" > "$jni_file.tmp"
  mv "$jni_file.tmp" "$jni_file"
  say "JNI $jni_version ($flavor) placed as $jni_file"
fi

# 3. libcaffe2_nvrtc.so needs the driver's libcuda.so.1: aside without it, in place with it.
mkdir -p "$aside"
if has_libcuda; then
  if [ -f "$aside/libcaffe2_nvrtc.so" ]; then mv "$aside/libcaffe2_nvrtc.so" "$lib/"; say "driver found: libcaffe2_nvrtc.so moved back into $lib"; fi
else
  if [ -f "$lib/libcaffe2_nvrtc.so" ]; then mv "$lib/libcaffe2_nvrtc.so" "$aside/"; say "no libcuda.so.1 (no NVIDIA driver): libcaffe2_nvrtc.so moved to $aside"; fi
fi

# 4. A plain libcudart.so for JNA (DJL counts GPUs with Native.load("cudart")), outside lib/
#    because DJL loads every file under PYTORCH_LIBRARY_PATH.
cudart=$(cd "$lib" && ls libcudart-*.so.* 2>/dev/null | head -1)
[ -n "$cudart" ] || { say "no libcudart-*.so.* in $lib" >&2; exit 1; }
mkdir -p "$jna"
ln -sfn "$lib/$cudart" "$jna/libcudart.so"

# 5. The environment, for shells (env.sh) and for the GPU kernelspec.
cat > "$gpu_home/env.sh" <<EOF
# Written by slimkit's install/gpu.sh: DJL's PyTorch engine loads the CUDA build in $lib.
# Source it, then pass \$SLIMKIT_GPU_JAVA_OPTS to java (the plain libcudart.so for DJL's GPU count).
export PYTORCH_LIBRARY_PATH="$lib"
export PYTORCH_VERSION=$torch_version
export PYTORCH_FLAVOR=$flavor
export ENGINE_CACHE_DIR="$cache"
export SLIMKIT_GPU_JAVA_OPTS="$gpu_java_opts"
EOF
env_json=$(LIB="$lib" CACHE="$cache" V="$torch_version" F="$flavor" /usr/bin/python3 -c '
import json, os
print(json.dumps({"PYTORCH_LIBRARY_PATH": os.environ["LIB"], "PYTORCH_VERSION": os.environ["V"],
                  "PYTORCH_FLAVOR": os.environ["F"], "ENGINE_CACHE_DIR": os.environ["CACHE"]}))')
if cp=$(slimkit_kernel_classpath); then
  slimkit_install_kernelspec slimkit-gpu "Java (slimkit, GPU)" "$cp" "$SLIMKIT_JAVA_OPTS $gpu_java_opts" "$env_json"
  say "installed kernelspec 'slimkit-gpu' (Java (slimkit, GPU)) in $(jupyter --data-dir)/kernels/slimkit-gpu"
else
  say "kernelspec slimkit-gpu not installed: run install/setup.sh first, then this script again" >&2
  exit 1
fi
say "done; environment for other JVMs: . $gpu_home/env.sh"
report || true

[ "$mode" = verify ] || exit 0

# --verify: the natives the cu124 JNI lacks, then one epoch with each build, in separate JVMs.
engine_jar="$m2/ai/djl/pytorch/pytorch-engine/$djl_version/pytorch-engine-$djl_version.jar"
if command -v nm >/dev/null && command -v javap >/dev/null && [ -f "$engine_jar" ]; then
  missing_natives=$(comm -23 \
    <(javap -p -cp "$engine_jar" ai.djl.pytorch.jni.PyTorchLibrary | sed -n 's/.* native .* \([A-Za-z0-9_]*\)(.*/\1/p' | sort -u) \
    <(nm -D --defined-only "$jni_file" | grep -o 'Java_ai_djl_pytorch_jni_PyTorchLibrary_[A-Za-z0-9]*' \
        | sed 's/^Java_ai_djl_pytorch_jni_PyTorchLibrary_//' | sort -u) | paste -sd ' ' -)
  say "natives of engine $djl_version missing from JNI $jni_version: ${missing_natives:-none}"
  say "(guarded by NativeCallsGuardTest: slimkit must not call them)"
fi
mvn_flags=${SLIMKIT_MVN_FLAGS:-}
(cd "$root" && mvn -q -B -Dstyle.color=never $mvn_flags -pl src test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test >/dev/null)
check_cp="$root/src/target/test-classes:$root/src/target/classes:$(cat "$root/src/target/test-classpath.txt")"
images=${SLIMKIT_VERIFY_IMAGES:-10000}
out=$(mktemp -d)
say "training cnn-small one epoch on $images Fashion-MNIST images with the CPU build (pytorch-native-cpu jar)"
env -u PYTORCH_LIBRARY_PATH -u PYTORCH_VERSION -u PYTORCH_FLAVOR -u ENGINE_CACHE_DIR \
  java $SLIMKIT_JAVA_OPTS -cp "$check_cp" dev.slimkit.measure.GpuBuildCheck "$images" | tee "$out/cpu.txt"
say "the same with the CUDA build ($lib)"
( . "$gpu_home/env.sh"
  java $SLIMKIT_JAVA_OPTS $SLIMKIT_GPU_JAVA_OPTS -cp "$check_cp" dev.slimkit.measure.GpuBuildCheck "$images" ) | tee "$out/gpu.txt"
field() { sed -n "s/^RESULT .*$2=\([^ ]*\).*/\1/p" "$1"; }
cpu_acc=$(field "$out/cpu.txt" accuracy); gpu_acc=$(field "$out/gpu.txt" accuracy)
cpu_s=$(field "$out/cpu.txt" epochSeconds); gpu_s=$(field "$out/gpu.txt" epochSeconds)
gpu_flavor=$(field "$out/gpu.txt" flavor); gpu_version=$(field "$out/gpu.txt" libtorch)
rm -rf "$out"
say "CPU build: accuracy $cpu_acc, $cpu_s s/epoch; CUDA build: flavor $gpu_flavor, libtorch $gpu_version, accuracy $gpu_acc, $gpu_s s/epoch"
ok=$(/usr/bin/python3 -c "print(abs($cpu_acc - $gpu_acc) <= 0.01 and '$gpu_flavor' == '$flavor' and '$gpu_version' == '$torch_version')")
if [ "$ok" = True ]; then
  say "verified: the CUDA build loads under DJL $djl_version, reports flavor $flavor and matches the CPU build's accuracy within 0.01"
else
  say "NOT verified: expected flavor $flavor, libtorch $torch_version and accuracies within 0.01" >&2
  exit 1
fi

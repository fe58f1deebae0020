"""Builds a class-data-sharing archive for an installed slimkit kernelspec and makes the spec use
it, so the kernel JVM maps the classes of its start-up (IJava, JShell's compiler, slimkit, DJL)
from the archive instead of loading and verifying them from jars on every start.

Usage: cds.py [KERNEL_NAME]   (default slimkit; honours JUPYTER_DATA_DIR like jupyter does)

Starts the kernel once with -XX:ArchiveClassesAtExit (via JAVA_TOOL_OPTIONS), runs the cells a
session starts with (the start-up script runs on its own, then a first cell and %slimkit, which
loads the engine), shuts it down cleanly so the JVM writes the archive, then adds
-XX:SharedArchiveFile to the spec's java command. The archive lies in the kernelspec folder and
is valid for that class path and JDK only: kernel.sh rebuilds it at every install. If the JVM
finds it stale it starts without it (-Xshare:auto), silently (-Xlog:cds=off). Prints one line.
"""
import json, os, sys, time
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager

FLAGS = ("-XX:SharedArchiveFile=", "-Xshare:", "-Xlog:cds")
WARM_UP = ["1 + 1", "%slimkit"]


def run(kc, code, timeout=300):
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" \
                and msg["content"]["execution_state"] == "idle":
            return


def main():
    name = sys.argv[1] if len(sys.argv) > 1 else "slimkit"
    spec_dir = KernelSpecManager().get_kernel_spec(name).resource_dir
    spec_file = os.path.join(spec_dir, "kernel.json")
    archive = os.path.join(spec_dir, "slimkit-cds.jsa")
    with open(spec_file) as f:
        spec = json.load(f)
    # build from the plain command (a re-run must not map the archive it is replacing)
    spec["argv"] = [a for a in spec["argv"] if not a.startswith(FLAGS)]
    with open(spec_file, "w") as f:
        json.dump(spec, f, indent=1)
    if os.path.exists(archive):
        os.remove(archive)
    t0 = time.time()
    km = KernelManager(kernel_name=name)
    km.shutdown_wait_time = 120  # the JVM writes the archive on its way out
    env = dict(os.environ)
    env["JAVA_TOOL_OPTIONS"] = (env.get("JAVA_TOOL_OPTIONS", "") + " -XX:ArchiveClassesAtExit=" + archive
                                + " -Xlog:cds=off -Xlog:cds+dynamic=off").strip()
    quiet = open(os.devnull, "w")  # the JVM lists the classes it cannot archive (JFR events, generated accessors)
    km.start_kernel(env=env, stdout=quiet, stderr=quiet)
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        for code in WARM_UP:
            run(kc, code)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=False)
    if not os.path.exists(archive) or os.path.getsize(archive) == 0:
        print(f"cds.py: the kernel wrote no archive; kernelspec '{name}' left without class-data sharing")
        return 1
    java = spec["argv"].index("java") if "java" in spec["argv"] else 0
    spec["argv"][java + 1:java + 1] = ["-XX:SharedArchiveFile=" + archive, "-Xshare:auto", "-Xlog:cds=off",
                                       "-Xlog:cds+dynamic=off"]
    with open(spec_file, "w") as f:
        json.dump(spec, f, indent=1)
    mb = os.path.getsize(archive) / 1e6
    print(f"cds.py: class-data-sharing archive for '{name}' ({mb:.0f} MB, built in {time.time() - t0:.0f} s): {archive}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

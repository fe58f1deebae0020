"""Measures the slimkit kernel's cold start: seconds until it answers kernel_info, then the
first cell (start-up script, imports, magics registration) and the first engine use (%slimkit
loads DJL's PyTorch natives). Prints key=value lines.

Usage: coldstart.py [KERNEL_NAME]   (default slimkit; install/coldstart.sh runs it five times)"""
import sys, time
from jupyter_client.manager import KernelManager

t0 = time.time()
km = KernelManager(kernel_name=sys.argv[1] if len(sys.argv) > 1 else "slimkit")
km.start_kernel()
kc = km.client()
kc.start_channels()
kc.wait_for_ready(timeout=60)
ready = time.time() - t0

def run(code):
    t = time.time()
    msg_id = kc.execute(code)
    while True:
        msg = kc.get_iopub_msg(timeout=120)
        if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status" \
                and msg["content"]["execution_state"] == "idle":
            return time.time() - t

first = run("1 + 1")
engine = run("%slimkit")
print(f"kernel_ready_seconds={ready:.2f}")
print(f"first_cell_seconds={first:.2f}")
print(f"cold_start_plus_first_cell_seconds={ready + first:.2f}")
print(f"first_engine_cell_seconds={engine:.2f}")
kc.stop_channels()
km.shutdown_kernel(now=True)

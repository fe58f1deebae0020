"""End-to-end behaviour of the slimkit kernel over the Jupyter protocol: one-line usage errors,
interrupting %train, and the kernel staying usable afterwards.

Run: python3 -m unittest -v test_kernel_behaviour   (the kernelspec 'slimkit' must be installed)
"""
import os
import re
import time
import unittest

from jupyter_client.manager import start_new_kernel

ANSI = re.compile(r"\x1b\[[0-9;]*m")


class SlimkitKernelBehaviour(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="slimkit")

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel(now=True)

    def collect(self, msg_id, timeout=120):
        outputs = []
        while True:
            msg = self.kc.get_iopub_msg(timeout=timeout)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind = msg["msg_type"]
            if kind == "status" and msg["content"]["execution_state"] == "idle":
                return outputs
            if kind in ("error", "stream", "execute_result", "display_data"):
                outputs.append((kind, msg["content"]))

    def run_cell(self, code, timeout=120):
        return self.collect(self.kc.execute(code), timeout)

    def stdout(self, code):
        return "".join(c["text"] for k, c in self.run_cell(code) if k == "stream" and c["name"] == "stdout")

    def test_1_bad_input_is_one_line(self):
        self.run_cell("%data fm --source synthetic --limit 2000 --test-limit 100")
        self.run_cell("%model m --arch cnn-small --data fm")
        fixture = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                                "../../../../src/test/resources/torchscript/tiny_classifier.pt"))
        loaded = self.run_cell("%model ts --from " + fixture)
        self.assertFalse([c for k, c in loaded if k == "error"], loaded)
        cases = {
            "%model x --from /no/such.pt": "%model: no TorchScript file at [/no/such.pt]; check the path",
            "%trim ts --channels 0.5": "%trim: model [ts] has TorchScript layer [net] (from tiny_classifier.pt) whose graph"
                                       " slimkit cannot see, so it cannot be trimmed; use %prune for sparsity, or"
                                       " rebuild the network as a slimkit architecture",
            "%train m --data nope": "%train: no data named [nope]; known: fm; create it with %data nope --source fashion-mnist",
            "%train m --data fm --epochs -1": "%train: --epochs must be >= 1, got [-1]; pass e.g. 1",
            "%train m --data fm --bogus 3": "%train: unknown option [--bogus]; options: --data, --epochs, --batch, --lr,"
                                            " --optimizer, --schedule, --weight-decay, --seed, --as (see %train --help)",
            "%model x --arch vgg": "%model: unknown architecture [vgg]; choose one of mlp, lenet5, cnn-small, resnet20",
            "%load x /no/such/file.slim": "%load: no model file at [/no/such/file.slim]; check the path (save with %save or Slim.save)",
            "%eval": "%eval: missing NAME (session model); usage: %eval NAME [--data D]",
        }
        for code, message in cases.items():
            with self.subTest(code=code):
                errors = [c for k, c in self.run_cell(code) if k == "error"]
                self.assertEqual(1, len(errors))
                self.assertEqual([message], [ANSI.sub("", line) for line in errors[0]["traceback"]])
        self.assertEqual("0\n", self.stdout('System.out.println(Slim.session().model("m").history().epochCount());'))

    def test_2_interrupt_stops_training_and_keeps_the_model(self):
        self.run_cell("%data big --source synthetic --test-limit 100")
        self.run_cell("%model w --arch cnn-small --data big")
        msg_id = self.kc.execute("%train w --data big --epochs 50 --batch 16")
        time.sleep(6)
        self.km.interrupt_kernel()
        outputs = self.collect(msg_id, timeout=60)
        errors = [ANSI.sub("", "\n".join(c["traceback"])) for k, c in outputs if k == "error"]
        self.assertEqual(1, len(errors))
        self.assertRegex(errors[0], r"^interrupted after \d+ batches; the model keeps the steps trained so far and its history$")
        batches = int(re.search(r"after (\d+) batches", errors[0]).group(1))
        self.assertGreater(batches, 0)
        steps = "System.out.println(Slim.session().model(\"w\").history().totalBatches());"
        first = self.stdout(steps)
        time.sleep(3)
        self.assertEqual(first, self.stdout(steps), "no training thread runs on after the interrupt")
        self.assertEqual(str(batches) + "\n", first)
        accuracy = float(self.stdout('System.out.println(Slim.evaluate(Slim.session().model("w"), Slim.session().data("big")).accuracy());'))
        self.assertGreaterEqual(accuracy, 0.0)


if __name__ == "__main__":
    unittest.main()

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
            "%trim ts --remove 0.5": "%trim: model [ts] has TorchScript layer [net] (from tiny_classifier.pt) whose graph"
                                       " slimkit cannot see, so it cannot be trimmed; use %prune for sparsity, or"
                                       " rebuild the network as a slimkit architecture",
            "%train m --data nope": "%train: no data named [nope]; known: fm; create it with %data nope --source fashion-mnist",
            "%train m --data fm --epochs -1": "%train: --epochs must be >= 1, got [-1]; pass e.g. 1",
            "%train m --data fm --bogus 3": "%train: unknown option [--bogus]; options: --data, --epochs, --batch, --lr,"
                                            " --optimizer, --schedule, --weight-decay, --seed, --bn-l1, --as (see %train --help)",
            "%model x --arch vgg": "%model: unknown architecture [vgg]; choose one of mlp, lenet5, cnn-small, resnet20",
            "%load x /no/such/file.slim": "%load: no model file at [/no/such/file.slim]; check the path (save with %save or Slim.save)",
            "%eval": "%eval: missing NAME (session model); usage: %eval NAME [--data D] [--worst N]",
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

    # Bad input across every magic (each at least twice): one line that starts with the magic and
    # names what was typed, the session unchanged, the kernel still answering.
    BAD_INPUTS = [
        ("%slimkit --bogus", "[--bogus]"), ("%slimkit extra", "[extra]"),
        ("%data x --source cifar", "[cifar]"), ("%data x --source synthetic --classes 3-99", "3-99"),
        ("%data x --source synthetic --val 0", "[0"), ("%data x --source synthetic --limit -5", "[-5]"),
        ("%data 1x --source synthetic", "[1x]"),
        ("%model x --arch vgg", "[vgg]"), ("%model x --arch mlp --width 0", "[0]"),
        ("%model x --arch mlp --classes 7 --data fz", "7"), ("%model x --from /no/such.pt", "/no/such.pt"),
        ("%train mz --data fz --epochs 0", "[0]"), ("%train mz --data fz --lr NaN", "[NaN]"),
        ("%train mz --data nope", "[nope]"), ("%train mz --data fz --optimizer rmsprop", "[rmsprop]"),
        ("%train mz --data fz --epochs 99999999999", "[99999999999]"),
        ("%transfer mz --data fz --freeze 99999999999", "[99999999999]"),
        ("%transfer mz --data fz --freeze most", "[most]"), ("%transfer mz --data fz --backbone-lr-mult -3", "-3"),
        ("%distill mz --student mz --data fz", "[mz]"), ("%distill mz --student mlp --data fz --temperature -1", "-1"),
        ("%distill mz --data fz", "--student"),
        ("%prune mz --sparsity 1.5", "[1.5]"), ("%prune mz --scope all", "[all]"), ("%prune mz --mode agp", "agp"),
        ("%sensitivity mz --data fz --levels 0.5,x", "[x]"), ("%sensitivity mz --data fz --levels 1.2", "[1.2]"),
        ("%trim mz --remove 1.5", "[1.5]"), ("%trim mz --remove 0.5 --macs 0.5", "--macs"),
        ("%trim mz --remove 0.5 --round 0", "[0]"), ("%trim mz --remove 0.5 --criterion l3", "[l3]"),
        ("%trim mz --latency 2", "[2.0]"), ("%trim mz --remove 0.5 --cuts 0", "[0]"),
        ("%trim mz --remove 0.5 --max-per-layer 0.5", "--max-per-layer"),
        ("%trim mz --remove 0.5 --criterion taylor", "--data"), ("%train mz --data fz --bn-l1 1e-4", "[mz]"),
        ("%eval mz --data nope", "[nope]"), ("%eval mz --data fz --worst -1", "[-1]"),
        ("%summary nope", "[nope]"), ("%summary mz extra", "[extra]"),
        ("%compare mz mz --data fz --no-latency", "[mz]"), ("%compare nope", "[nope]"),
        ("%save mz", "PATH"), ("%save nope /tmp/slimkit-x.slim", "[nope]"),
        ("%load y /no/such.slim", "/no/such.slim"), ("%load mz /no/such.slim", "[mz]"),
        ("%drop nope", "[nope]"), ("%drop", "NAME"),
        ("%lr-find mz --data fz --start 1 --end 0.5", "--end [0.5]"), ("%lr-find mz --data fz --steps 2", "[2]"),
        ("%lr-find nope --data fz", "[nope]"), ("%train mz --data fz --lr quick", "[quick]"),
        ("%%pipeline mz --data fz\nsquash --hard", "[squash]"), ("%%pipeline mz --data fz\nprune --sparsity 7", "7"),
        ("%export nope /tmp/slimkit-bad.onnx", "[nope]"),
        ("%%sweep mz --data fz\nprune --sparsity {0.5,}", "{0.5,}"), ("%%sweep nope --data fz\nprune --sparsity {0.5,0.8}", "[nope]"),
        ("%%pipeline mz --data fz\n# nothing", "no stages"), ("%%pipeline mz --data fz\ndistill --width 0.5", "--student"),
    ]

    def test_3_every_magic_answers_bad_input_in_one_line(self):
        self.run_cell("%data fz --source synthetic --limit 200 --test-limit 50 --classes 0-3")
        self.run_cell("%model mz --arch mlp --data fz --width 0.25")
        state = ('System.out.println(Slim.session().allModels().keySet() + " " + Slim.session().allData().keySet()'
                 ' + " " + Slim.session().model("mz").history().totalBatches() + " " + Slim.stats(Slim.session()'
                 '.model("mz")).params());')
        before = self.stdout(state)
        magics = set()
        for code, token in self.BAD_INPUTS:
            with self.subTest(code=code):
                errors = [c for k, c in self.run_cell(code) if k == "error"]
                self.assertEqual(1, len(errors), code)
                lines = [ANSI.sub("", line) for line in errors[0]["traceback"]]
                self.assertEqual(1, len(lines), lines)
                magic = code.split()[0]
                magics.add(magic)
                self.assertTrue(lines[0].startswith(magic + ": "), lines[0])
                self.assertIn(token, lines[0])
        self.assertGreaterEqual(len(self.BAD_INPUTS), 40)
        self.assertEqual(19, len(magics), magics)
        self.assertEqual(before, self.stdout(state), "the session is unchanged")
        self.assertEqual("2\n", self.stdout("System.out.println(1 + 1);"), "the kernel still answers")


if __name__ == "__main__":
    unittest.main()

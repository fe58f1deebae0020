"""Tests of nbrun.py's progress lines and stderr filter, without a kernel."""
import asyncio, io, os, sys, time, unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import nbformat
import nbrun


class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def msg(kind, **content):
    return {"msg_type": kind, "content": content, "header": {"msg_type": kind}, "parent_header": {}}


class NbrunTest(unittest.TestCase):

    def test_output_text_reads_streams_html_and_plain_text(self):
        self.assertEqual(nbrun.output_text(msg("stream", name="stdout", text="a\nepoch 1/2 done\n\n")), "epoch 1/2 done")
        bar = '<div class="slimkit-bar"><div style="width:40%"></div><span>epoch 1/2 · batch 3/9 · loss 0.4100</span></div>'
        self.assertEqual(nbrun.output_text(msg("update_display_data", data={"text/html": bar}, metadata={})),
                         "epoch 1/2 · batch 3/9 · loss 0.4100")
        self.assertEqual(nbrun.output_text(msg("display_data", data={"text/html": "<style>x{}</style>a &lt; b"})), "a < b")
        self.assertIsNone(nbrun.output_text(msg("display_data", data={"image/png": "iVBOR", "text/plain": "XYChart"})),
                          "a chart has no progress text")
        self.assertIsNone(nbrun.output_text(msg("status", execution_state="busy")))

    def test_first_line_skips_blank_lines_and_cuts_long_ones(self):
        self.assertEqual(nbrun.first_line("\n  %train cnn --data fmnist\nmore"), "%train cnn --data fmnist")
        self.assertEqual(len(nbrun.first_line("x" * 200)), 72)
        self.assertEqual(nbrun.first_line(""), "")

    def test_progress_at_most_every_ten_seconds_with_the_latest_text(self):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# t"), nbformat.v4.new_code_cell("%train m"),
                                             nbformat.v4.new_code_cell("  ")])
        out, clock = io.StringIO(), FakeClock()
        client = nbrun.ProgressClient(nb, out=out, clock=clock, kernel_name="none")
        self.assertEqual(client._total, 1, "blank and markdown cells are not counted")
        client._started = client._last = 0.0
        cell = nb.cells[1]
        for t, text in [(1, "batch 1"), (5, "batch 2"), (9.9, "batch 3"), (10.5, "batch 4"), (12, "batch 5"), (21, "batch 6")]:
            clock.now = t
            client.process_message(msg("update_display_data", data={"text/html": f"<span>{text}</span>"}, metadata={},
                                       transient={}), cell, 1)
        lines = out.getvalue().splitlines()
        self.assertEqual(len(lines), 2, lines)
        self.assertTrue(lines[0].endswith("batch 4") and " 10 s " in lines[0], lines[0])
        self.assertTrue(lines[1].endswith("batch 6") and "21 s" in lines[1], lines[1])

    def test_one_line_per_code_cell_with_its_seconds_and_error(self):
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("%eval cnn --data fmnist\n// more")])
        out, clock = io.StringIO(), FakeClock()
        client = nbrun.ProgressClient(nb, out=out, clock=clock, kernel_name="none")

        async def fake_super(self, cell, cell_index, execution_count=None, store_history=True):
            clock.now += 2.5
            cell.outputs = [nbformat.v4.new_output("error", ename="UsageError", evalue="no model [cnn]", traceback=[])]
            return cell

        original = nbrun.NotebookClient.async_execute_cell
        nbrun.NotebookClient.async_execute_cell = fake_super
        try:
            asyncio.run(client.async_execute_cell(nb.cells[0], 0))
        finally:
            nbrun.NotebookClient.async_execute_cell = original
        self.assertEqual(out.getvalue().strip(), "[1/1] %eval cnn --data fmnist (2.5 s) — UsageError: no model [cnn]")

    def test_stderr_filter_drops_the_libtorch_notice_only(self):
        target = io.StringIO()
        w, pump = nbrun.filtered_stderr(target)
        w.write("SLF4J: one\n")
        w.write("[W1201 08:34:21.616968949 LegacyTypeDispatch.h:74] Warning: AutoNonVariableTypeMode is deprecated "
                "and will be removed in 1.10 release. (function operator())\n")
        w.write("Exception in thread main\n")
        w.close()
        pump.join(timeout=5)
        self.assertEqual(target.getvalue(), "SLF4J: one\nException in thread main\n")


if __name__ == "__main__":
    unittest.main()

"""Executes Jupyter notebooks headless with nbclient and checks their outputs.

Usage: nbrun.py [--out DIR] [--allow-errors] [--html] [--timeout S] [--quiet] NOTEBOOK...
Exit status 1 when a notebook has an error output (unless --allow-errors), or lacks a chart
(image/png) or a table (text/html) output. Prints one line per code cell as it finishes
('  [k/N] first line of the cell (seconds)'), for a cell still running the latest progress it
displayed (e.g. the training bar's text) at most every 10 s, then one line per notebook and a
closing 'N passed, N failed' line. --quiet keeps only the per-notebook lines.

The kernel process's own stdout and stderr (native code writes there, not into the notebook)
pass through, less libtorch's "AutoNonVariableTypeMode is deprecated" warning, which the PyTorch
engine's native code prints once per JVM and which says nothing to a notebook user.
"""
import argparse, html, os, re, sys, threading, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

PROGRESS_EVERY = 10.0  # seconds between progress lines of one running cell
NATIVE_NOISE = re.compile(r"AutoNonVariableTypeMode is deprecated")


def first_line(source, width=72):
    """The cell's first non-blank line, cut to width characters."""
    for line in source.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= width else line[:width - 1] + "…"
    return ""


def output_text(msg):
    """Readable text of a stream, display or display-update message: the last non-blank line of a
    stream, else text/plain, else text/html with tags removed; None for other messages."""
    kind = msg.get("msg_type")
    content = msg.get("content", {})
    if kind == "stream":
        lines = [l for l in content.get("text", "").splitlines() if l.strip()]
        return lines[-1].strip() if lines else None
    if kind in ("display_data", "update_display_data"):  # not execute_result: that is the end
        data = content.get("data", {})
        if "text/html" in data:
            text = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", data["text/html"], flags=re.S)
            text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        elif "text/plain" in data and not any(k.startswith("image/") for k in data):
            text = data["text/plain"]
        else:
            return None
        text = " ".join(text.split())
        return text[:160] if text else None
    return None


class ProgressClient(NotebookClient):
    """A NotebookClient that reports each code cell as it finishes and, while a cell runs,
    the latest text it displayed, at most every PROGRESS_EVERY seconds."""

    def __init__(self, nb, out=sys.stdout, quiet=False, clock=time.monotonic, **kw):
        super().__init__(nb, **kw)
        self._out, self._quiet, self._clock = out, quiet, clock
        self._total = sum(1 for c in nb.cells if c.cell_type == "code" and c.source.strip())
        self._done = 0
        self._started = self._last = 0.0
        self._pending = None

    def _say(self, line):
        if not self._quiet:
            print(line, file=self._out, flush=True)

    async def async_execute_cell(self, cell, cell_index, execution_count=None, store_history=True):
        if cell.cell_type != "code" or not cell.source.strip():
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        self._done += 1
        self._started = self._last = self._clock()
        self._pending = None
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count, store_history)
        finally:
            seconds = self._clock() - self._started
            errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
            tail = f" — {errors[0].get('ename')}: {first_line(str(errors[0].get('evalue', '')), 100)}" if errors else ""
            self._say(f"  [{self._done}/{self._total}] {first_line(cell.source)} ({seconds:.1f} s){tail}")

    def process_message(self, msg, cell, cell_index):
        try:
            return super().process_message(msg, cell, cell_index)
        finally:
            text = output_text(msg)
            if text:
                self._pending = text
            now = self._clock()
            if self._pending and now - self._last >= PROGRESS_EVERY:
                self._say(f"        {now - self._started:5.0f} s  {self._pending}")
                self._last = now
                self._pending = None


def filtered_stderr(target=None):
    """A writable file for a kernel's output stream: a thread copies its lines to target (this
    process's stderr by default) except libtorch's deprecation notice. Returns (file, thread)."""
    target = target or sys.stderr
    r, w = os.pipe()

    def pump():
        with os.fdopen(r, "r", errors="replace") as lines:
            for line in lines:
                if not NATIVE_NOISE.search(line):
                    target.write(line)
                    target.flush()

    thread = threading.Thread(target=pump, daemon=True)
    thread.start()
    return os.fdopen(w, "w"), thread


def summarize(nb):
    errors, pngs, htmls = [], 0, 0
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(f"{out.get('ename')}: {out.get('evalue')}")
            data = out.get("data", {})
            pngs += "image/png" in data
            htmls += "text/html" in data
    return errors, pngs, htmls


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("notebooks", nargs="+")
    ap.add_argument("--out", help="folder for the executed notebooks")
    ap.add_argument("--html", action="store_true", help="also write an HTML copy")
    ap.add_argument("--allow-errors", action="store_true")
    ap.add_argument("--timeout", type=int, default=1800)
    ap.add_argument("--kernel", default="slimkit")
    ap.add_argument("--quiet", action="store_true", help="no per-cell and progress lines")
    args = ap.parse_args()
    passed = failed = 0
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        client = ProgressClient(nb, quiet=args.quiet, timeout=args.timeout, kernel_name=args.kernel,
                                allow_errors=True, resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
        if not args.quiet:
            print(f"{path}: {client._total} code cells", flush=True)
        t0 = time.time()
        problem = None
        stderr, pump = filtered_stderr(sys.stderr)
        stdout, pump_out = filtered_stderr(sys.stdout)
        try:
            client.execute(stderr=stderr, stdout=stdout)
        except CellExecutionError as e:
            problem = str(e).splitlines()[0]
        except Exception as e:  # kernel died, timeout
            problem = f"{type(e).__name__}: {e}"
        finally:
            for stream, thread in ((stderr, pump), (stdout, pump_out)):
                stream.close()  # the kernel has exited: the pump reads to the end and stops
                thread.join(timeout=5)
        seconds = time.time() - t0
        errors, pngs, htmls = summarize(nb)
        if args.out:
            os.makedirs(args.out, exist_ok=True)
            target = os.path.join(args.out, os.path.basename(path))
            nbformat.write(nb, target)
            if args.html:
                from nbconvert import HTMLExporter
                body, _ = HTMLExporter().from_notebook_node(nb)
                with open(target[:-len(".ipynb")] + ".html", "w") as f:
                    f.write(body)
        if problem is None and errors and not args.allow_errors:
            problem = f"{len(errors)} error output(s), first: {errors[0][:300]}"
        if problem is None and (pngs == 0 or htmls == 0):
            problem = f"missing outputs: {pngs} chart(s) image/png, {htmls} table(s) text/html"
        if problem:
            failed += 1
            print(f"FAIL {path} ({seconds:.0f} s): {problem}", flush=True)
        else:
            passed += 1
            print(f"ok   {path} ({seconds:.0f} s, {pngs} charts, {htmls} HTML outputs)", flush=True)
    print(f"notebooks: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

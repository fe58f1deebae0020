"""Executes Jupyter notebooks headless with nbclient and checks their outputs.

Usage: nbrun.py [--out DIR] [--allow-errors] [--html] [--timeout S] NOTEBOOK...
Exit status 1 when a notebook has an error output (unless --allow-errors), or lacks a chart
(image/png) or a table (text/html) output. Prints one line per notebook and a closing
'N passed, N failed' line.
"""
import argparse, os, sys, time
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


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
    args = ap.parse_args()
    passed = failed = 0
    for path in args.notebooks:
        nb = nbformat.read(path, as_version=4)
        client = NotebookClient(nb, timeout=args.timeout, kernel_name=args.kernel,
                                allow_errors=True, resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}})
        t0 = time.time()
        problem = None
        try:
            client.execute()
        except CellExecutionError as e:
            problem = str(e).splitlines()[0]
        except Exception as e:  # kernel died, timeout
            problem = f"{type(e).__name__}: {e}"
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

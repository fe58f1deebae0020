"""Every committed tutorial ends with a "What this shows" cell, and every figure its markdown quotes
occurs in that notebook's own outputs (as printed, digit for digit), so a conclusion cannot drift
away from what the run showed. A setting the markdown names ("sparsity 0.9", "width 0.25") may
instead occur in a code cell's source. Reads the committed notebooks only; runs nothing."""
import glob
import json
import os
import re
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "..", ".."))
NOTEBOOKS = sorted(glob.glob(os.path.join(ROOT, "notebooks", "*.ipynb")))
NUMBER = re.compile(r"(?<![\d.])\d+\.\d+(?![\d])")
TAG = re.compile(r"<[^>]+>")


def text(cell_source):
    return "".join(cell_source) if isinstance(cell_source, list) else cell_source


def output_text(nb):
    parts = []
    for cell in nb["cells"]:
        for out in cell.get("outputs", []):
            if "text" in out:
                parts.append(text(out["text"]))
            for kind in ("text/plain", "text/html", "text/markdown"):
                if kind in out.get("data", {}):
                    parts.append(TAG.sub(" ", text(out["data"][kind])))
    return "\n".join(parts)


def occurs(number, haystack):
    return re.search(r"(?<![\d.])" + re.escape(number) + r"(?![\d])", haystack) is not None


def unbacked(nb):
    """The decimal figures the notebook's markdown quotes that neither its outputs nor its code show."""
    outputs = output_text(nb)
    code = "\n".join(text(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
    missing = []
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for number in NUMBER.findall(text(cell["source"])):
            if occurs(number, outputs) or occurs(number, code):
                continue
            missing.append(number)
    return sorted(set(missing), key=missing.index)


class NotebookConclusionsTest(unittest.TestCase):

    def test_the_checker_catches_a_figure_that_no_output_shows(self):
        nb = {"cells": [
            {"cell_type": "code", "source": "%prune m --sparsity 0.9", "outputs": [
                {"output_type": "stream", "name": "stdout", "text": "accuracy 0.9123, 13.8x fewer MACs"}]},
            {"cell_type": "markdown", "source": "At sparsity 0.9: 0.9123 and 13.8x, but 0.9124 and 0.91 and 7.5x."},
        ]}
        self.assertEqual(["0.9124", "0.91", "7.5"], unbacked(nb))

    def test_every_notebook_ends_with_what_this_shows_and_quotes_only_its_outputs(self):
        self.assertGreaterEqual(len(NOTEBOOKS), 6)
        for path in NOTEBOOKS:
            name = os.path.basename(path)
            with self.subTest(notebook=name):
                with open(path, encoding="utf-8") as f:
                    nb = json.load(f)
                markdown = [c for c in nb["cells"] if c["cell_type"] == "markdown"]
                self.assertTrue(markdown, name + " has no markdown")
                last = text(markdown[-1]["source"]).lstrip()
                self.assertRegex(last.splitlines()[0], r"(?i)^(#+\s*|\*\*)what this shows",
                                 name + ": the last markdown cell must be the 'What this shows' conclusion")
                self.assertEqual([], unbacked(nb), name + ": markdown quotes figures its outputs do not show")


if __name__ == "__main__":
    unittest.main()

#!/usr/bin/env python3
"""Compares the figures of two runs of the same notebooks (executed copies, e.g. nbrun.py --out DIR).

Same seed, same data, same code path: accuracy, parameters, MACs and recipes must come out equal; what
a clock decides (latency, speed-ups, seconds, throughput, process ids, a latency-target search's choice)
may not. Every output line with a digit is compared after dropping lines that name a timing; the
differing lines are printed, and the exit status is 1 when any remain.

    python3 nbfigures.py BEFORE_DIR AFTER_DIR
"""
import json
import os
import re
import sys

# A saved file's size moves by a few bytes too: the zipped history holds each epoch's seconds.
TIMING = re.compile(r"(latency|\bms\b|speed|faster|slower|elapsed|ETA|throughput|thread|IQR|Chart@|BufferedImage@"
                    r"|\(\d+\.\d s\)|images/s|\d+ s\b|seconds|bytes\)|file bytes|/tmp/|spark|measured|median"
                    r"|pid \d+)", re.I)


def untimed(lines):
    """The lines of one output; in a table (a header line above a line of dashes) the timing columns dropped."""
    keep = None  # column indexes to keep while inside a table
    out = []
    for k, line in enumerate(lines):
        if k + 1 < len(lines) and "|" in line and set(lines[k + 1].strip()) == {"-"}:
            keep = [c for c, name in enumerate(line.split("|")) if not TIMING.search(name)]
            out.append(line)
        elif keep is not None and "|" in line:
            cells = line.split("|")
            out.append("|".join(cells[c] for c in keep if c < len(cells)))
        else:
            if set(line.strip()) != {"-"}:
                keep = None
            out.append(line)
    return out


def figure_lines(notebook):
    """(cell index, whitespace-collapsed line) for every plain-text output line with a digit and no timing."""
    out = []
    for i, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        for o in cell.get("outputs", []):
            text = o.get("data", {}).get("text/plain") or o.get("text") or ""
            if isinstance(text, list):
                text = "".join(text)
            for line in untimed(text.split("\n")):
                if re.search(r"\d", line) and not TIMING.search(line):
                    out.append((i, re.sub(r"\s+", " ", line.strip())))
    return out


def differences(before, after):
    """Pairs of differing figure lines, plus a count mismatch when the runs printed different numbers of lines."""
    a, b = figure_lines(before), figure_lines(after)
    diffs = [(x, y) for x, y in zip(a, b) if x != y]
    if len(a) != len(b):
        diffs.append(((-1, f"{len(a)} figure lines"), (-1, f"{len(b)} figure lines")))
    return diffs


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip().splitlines()[-1].strip())
        return 2
    status = 0
    for name in sorted(os.listdir(argv[1])):
        other = os.path.join(argv[2], name)
        if not name.endswith(".ipynb") or not os.path.exists(other):
            continue
        with open(os.path.join(argv[1], name)) as f, open(other) as g:
            diffs = differences(json.load(f), json.load(g))
        print(f"{name}: {'same figures' if not diffs else str(len(diffs)) + ' differing line(s)'}")
        for x, y in diffs:
            print(f"  - cell {x[0]}: {x[1]}\n  + cell {y[0]}: {y[1]}")
        status |= 1 if diffs else 0
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))

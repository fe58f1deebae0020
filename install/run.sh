#!/usr/bin/env bash
# The main job: sets the machine up (install/setup.sh), then runs the quickstart notebook headless
# with the "Java (slimkit)" kernel on the full Fashion-MNIST, and writes the executed notebook and
# an HTML copy (with its charts) to out/. Pass other notebooks as arguments to run those instead.
# Prints one line per cell as it finishes ([k/N], the cell's first line, seconds) and, for a long
# cell such as %train, its latest progress at most every 10 s.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
"$here/setup.sh"
cd "$root"
[ $# -gt 0 ] || set -- notebooks/00-quickstart.ipynb
/usr/bin/python3 kernel-ext/src/test/python/nbrun.py --out out --html --timeout 3600 "$@"
echo "run: executed notebooks and HTML copies are in $root/out/"

#!/usr/bin/env bash
# Notebook-level tests (needs a prior install/setup.sh): installs the kernelspec into a temporary
# Jupyter data dir, executes every notebook under notebooks/ headless in quick mode
# (SLIMKIT_QUICK=1), failing on any error output or a missing chart or table, then runs Jupyter's
# kernel conformance suite (jupyter_kernel_test) and slimkit's own kernel behaviour tests
# (one-line errors, interrupt) against the kernel, and the notebook runner's own tests (progress
# lines, stderr filter).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
export JUPYTER_DATA_DIR
JUPYTER_DATA_DIR=$(mktemp -d)
trap 'rm -rf "$JUPYTER_DATA_DIR" "$root/notebooks/models" "$root/notebooks/runs" "$root/notebooks/photos"' EXIT
"$here/kernel.sh" >/dev/null
status=0
SLIMKIT_QUICK=1 /usr/bin/python3 kernel-ext/src/test/python/nbrun.py --timeout 900 notebooks/*.ipynb 2>/dev/null || status=1
log=$(mktemp)
if (cd kernel-ext/src/test/python && /usr/bin/python3 -m unittest -v test_nbrun test_nbfigures test_notebook_conclusions test_kernel_conformance test_kernel_behaviour test_stock_ijava >"$log" 2>&1); then
  conformance=ok
else
  conformance=failed; status=1
fi
grep -E '^(test_|Ran |OK|FAILED|ERROR:|FAIL:|AssertionError)' "$log" || true
echo "kernel conformance (jupyter_kernel_test), behaviour (errors, interrupt) and stock-IJava loading: $conformance"
rm -f "$log"
exit $status

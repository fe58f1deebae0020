#!/usr/bin/env bash
# Measures the installed slimkit kernel's cold start: starts it N times (default 5), each time
# timing kernel_info (the JVM up, IJava answering) and the first cell (the start-up script:
# imports, magics and renderers registered), and prints each start and the medians. Goal: cold
# start + first cell < 3 s. Uses the kernelspec named by SLIMKIT_KERNEL (default slimkit) in the
# Jupyter data dir (JUPYTER_DATA_DIR when set, as install/test-notebooks.sh does).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
n=${1:-5}
kernel=${SLIMKIT_KERNEL:-slimkit}
runs=$(mktemp)
trap 'rm -f "$runs"' EXIT
for i in $(seq "$n"); do
  /usr/bin/python3 "$root/kernel-ext/src/test/python/coldstart.py" "$kernel" 2>/dev/null | tr '\n' ' ' | tee -a "$runs"
  echo | tee -a "$runs"
done
/usr/bin/python3 - "$runs" "$kernel" <<'PY'
import statistics, sys
rows = [dict(kv.split("=") for kv in line.split()) for line in open(sys.argv[1]) if line.strip()]
med = lambda k: statistics.median(float(r[k]) for r in rows)
print(f"coldstart ({sys.argv[2]}): cold start + first cell median {med('cold_start_plus_first_cell_seconds'):.2f} s "
      f"of {len(rows)} (kernel_info {med('kernel_ready_seconds'):.2f} s, first cell {med('first_cell_seconds'):.2f} s; "
      f"first engine cell {med('first_engine_cell_seconds'):.2f} s)")
PY

#!/usr/bin/env bash
# Opt-in browser test (needs a prior install/setup.sh, so that the kernelspec "slimkit" is
# installed): starts Debian's Jupyter Notebook server with the slimkit kernel, opens a copy of the
# quickstart in headless Chromium (Debian's chromium + chromium-driver, driven by python3-selenium)
# and checks what a person sees while %train runs: one progress bar and one chart updated in place,
# %summary as an HTML table, the stop button ending training with the one-line message.
# Screenshots go to out/browser/; train-chart.png (the finished %train cell down to its chart) is
# the README's picture (--update-readme-image copies it to notebooks/images/quickstart-training.png;
# the committed one was taken with --limit 20000 --test-limit 1000 for a fuller curve).
# About 45 s on 2 busy cores with the defaults; prints "N passed, N failed" last, exits 1 on a failure.
# Other arguments go to kernel-ext/src/test/python/test_browser.py (--limit, --test-limit,
# --interrupt-after, --out).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
cd "$root"
update=0
args=()
for a in "$@"; do
  if [ "$a" = --update-readme-image ]; then update=1; else args+=("$a"); fi
done
missing=()
for tool in /usr/bin/chromium /usr/bin/chromedriver /usr/bin/jupyter-notebook; do
  [ -x "$tool" ] || missing+=("$tool")
done
/usr/bin/python3 -c 'import selenium' 2>/dev/null || missing+=(python3-selenium)
if [ ${#missing[@]} -gt 0 ]; then
  echo "browser-test: missing ${missing[*]}; install the packages in install/apt-packages.txt (install/setup.sh)" >&2
  exit 2
fi
status=0
/usr/bin/python3 kernel-ext/src/test/python/test_browser.py "${args[@]}" || status=$?
if [ $status -eq 0 ] && [ $update -eq 1 ]; then
  cp out/browser/train-chart.png notebooks/images/quickstart-training.png
  echo "browser-test: copied out/browser/train-chart.png to notebooks/images/quickstart-training.png"
fi
exit $status

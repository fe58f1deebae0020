#!/usr/bin/env bash
# Sets up (install/setup.sh), then runs every test: the JUnit suites of all modules, the notebooks
# headless in quick mode, Jupyter's kernel conformance suite, and the browser test (headless
# Chromium against the Jupyter Notebook server).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
"$here/setup.sh"
cd "$root"
mvn -B -Dstyle.color=never test
status=0
"$here/test-notebooks.sh" || status=1
# What a person sees in a real browser (headless Chromium): ~1 minute.
"$here/browser-test.sh" || status=1
exit $status

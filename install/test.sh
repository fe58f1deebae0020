#!/usr/bin/env bash
# Sets up (install/setup.sh), then runs every test: the JUnit suites of all modules, the notebooks
# headless in quick mode, and Jupyter's kernel conformance suite.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
"$here/setup.sh"
cd "$root"
mvn -B -Dstyle.color=never test
"$here/test-notebooks.sh"

#!/usr/bin/env bash
# Sets up, then runs every test: the JUnit suites of all modules (and, once present, the notebook
# and kernel conformance tests of kernel-ext).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
"$here/setup.sh"
cd "$root"
mvn -B test

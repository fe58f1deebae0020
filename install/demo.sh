#!/usr/bin/env bash
# Sets up, then runs the headless quickstart demo: trains cnn-small on Fashion-MNIST, writes charts
# (PNG) and tables (HTML) to out/quickstart. Arguments: [epochs] [train-limit].
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
"$here/setup.sh"
. "$here/java-opts.sh"
cd "$root"
# shellcheck disable=SC2086
java $SLIMKIT_JAVA_OPTS -cp "src/target/classes:$(cat src/target/classpath.txt)" \
  dev.slimkit.bench.Demo out/quickstart "${1:-1}" "${2:-0}"

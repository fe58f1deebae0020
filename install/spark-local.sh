#!/usr/bin/env bash
# A Spark standalone cluster on 127.0.0.1 from the Maven jars (no Spark download, no internet):
#   install/spark-local.sh start N   master + N one-core workers; prints the master URL and the log folder
#   install/spark-local.sh stop      stops the workers (and their executors) and the master
#   install/spark-local.sh status    running (URL, workers, executors) or stopped; exit 3 when stopped
# State and logs live in $SLIMKIT_SPARK_DIR (default target/spark-local): master.log, worker-N.log,
# each executor's stdout/stderr under work-N/. Needs install/setup.sh first (it builds kernel-ext/spark
# and writes its class path to kernel-ext/spark/target/spark-classpath.txt).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
dir=${SLIMKIT_SPARK_DIR:-$root/target/spark-local}
cp_file=$root/kernel-ext/spark/target/spark-classpath.txt
if [ -n "${SLIMKIT_SPARK_CLASSPATH:-}" ]; then
  cp=${SLIMKIT_SPARK_CLASSPATH#@}
  [ "$cp" != "$SLIMKIT_SPARK_CLASSPATH" ] && cp=$(cat "$cp")
elif [ -f "$cp_file" ]; then
  cp=$(cat "$cp_file")
else
  echo "spark-local: $cp_file is missing; run install/setup.sh first" >&2
  exit 1
fi
case "${1:-}" in
  start)
    n=${2:-2}
    [[ "$n" =~ ^[1-9][0-9]*$ ]] || { echo "spark-local: start N needs a worker count >= 1, got [$n]" >&2; exit 2; }
    exec java -cp "$cp" dev.slimkit.spark.LocalCluster start "$n" "$dir" ;;
  stop) exec java -cp "$cp" dev.slimkit.spark.LocalCluster stop "$dir" ;;
  status) exec java -cp "$cp" dev.slimkit.spark.LocalCluster status "$dir" ;;
  *) echo "usage: install/spark-local.sh start N | stop | status" >&2; exit 2 ;;
esac

#!/usr/bin/env bash
# Benchmarks that print figures (never timed unit tests). Usage:
#   install/bench.sh train [epochs] [seeds]  cnn-small on Fashion-MNIST: slimkit vs Debian's PyTorch,
#                                     same network, init (PyTorch's default), data, batch 128, Adam and
#                                     thread count; accuracy per seed (default 3).
#   install/bench.sh trim [latency|recovery] per channel-trim ratio: MACs ratio and measured latency ratio
#                                     at batch 1 and 32 (cnn-small and resnet20); then --latency 0.5
#                                     re-measured in a fresh process (with "latency": only that;
#                                     "recovery": accuracy after a cut, recalibration, fine-tune).
#   install/bench.sh latency [reps]   the same network twice in one comparison (must read 1.00×):
#                                     twin/original latency ratio, interleaved vs one after the other.
#   install/bench.sh transfer [epochs] frozen-backbone transfer of cnn-small to classes 5-9 (30k
#                                     images): backbone run every batch vs cached features.
#   install/bench.sh folder [DIR]     writes Fashion-MNIST as 70,000 PNGs (DIR/train, DIR/test; a temporary
#                                     folder by default) and loads them as an image folder: images per
#                                     second beside the IDX reader on the same images, max pixel difference.
#   install/bench.sh distill [rounds] [images] [live]  epoch seconds of the same student (cnn-small
#                                     x0.25), plain vs distilled with cached teacher logits, interleaved
#                                     rounds, median ratio; "live" adds one KD epoch running the teacher
#                                     on every batch (20k images by default).
#   install/bench.sh quantize [epochs] [images]  cnn-small and resnet20 trained on Fashion-MNIST, quantized to
#                                     int8 (min-max and percentile, 512 calibration images): float vs int8
#                                     accuracy, file size and ONNX Runtime latency at batch 1 and 32, interleaved.
#   install/bench.sh sweep            8 prune x trim trials one after another in one JVM (1 thread) vs on a
#                                     loopback Spark cluster of 2 one-core workers: wall times, ratio,
#                                     per-trial overhead (executor set-up, start and scheduling).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
what=${1:-train}
"$here/setup.sh" >/dev/null
. "$here/java-opts.sh"
cd "$root"
# The benchmarks live in core's test scope (src/test/java/dev/slimkit/bench), not in the library.
mvn -q -B -Dstyle.color=never dependency:build-classpath -pl src -Dmdep.includeScope=test \
  -Dmdep.outputFile=target/test-classpath.txt >/dev/null
bench_cp="src/target/test-classes:src/target/classes:$(cat src/target/test-classpath.txt)"
case "$what" in
  train)
    epochs=${2:-1}; seeds=${3:-3}
    echo "== slimkit (DJL $(grep -o '<djl.version>[^<]*' pom.xml | cut -d'>' -f2), PyTorch engine)"
    # shellcheck disable=SC2086
    java $SLIMKIT_JAVA_OPTS -cp "$bench_cp" \
      dev.slimkit.bench.TrainBench "$epochs" "$seeds" | tee /tmp/slimkit-bench-java.txt
    echo "== PyTorch peer (Debian python3-torch)"
    /usr/bin/python3 "$here/bench_torch.py" "$epochs" "$seeds" | tee /tmp/slimkit-bench-torch.txt
    get() { grep "^$2=" "$1" | cut -d= -f2; }
    j=$(get /tmp/slimkit-bench-java.txt epoch_seconds); p=$(get /tmp/slimkit-bench-torch.txt epoch_seconds)
    echo "== result"
    echo "epoch seconds: slimkit $j, pytorch $p, ratio slimkit/pytorch $(/usr/bin/python3 -c "print(round($j/$p, 3))")"
    echo "test accuracy (mean of $seeds seeds): slimkit $(get /tmp/slimkit-bench-java.txt test_accuracy), pytorch $(get /tmp/slimkit-bench-torch.txt test_accuracy)"
    echo "  per seed: slimkit $(get /tmp/slimkit-bench-java.txt test_accuracy_seeds); pytorch $(get /tmp/slimkit-bench-torch.txt test_accuracy_seeds)"
    echo "data load (70k images): slimkit $(get /tmp/slimkit-bench-java.txt load_seconds) s, pytorch $(get /tmp/slimkit-bench-torch.txt load_seconds) s"
    echo "peak RSS: slimkit $(get /tmp/slimkit-bench-java.txt peak_rss_mb) MiB, pytorch $(get /tmp/slimkit-bench-torch.txt peak_rss_mb) MiB"
    ;;
  trim)
    # shellcheck disable=SC2086
    java $SLIMKIT_JAVA_OPTS -cp "$bench_cp" dev.slimkit.bench.TrimBench ${2:+"$2"} ${3:+"$3"}
    ;;
  transfer)
    # shellcheck disable=SC2086
    java $SLIMKIT_JAVA_OPTS -cp "$bench_cp" \
      dev.slimkit.bench.TransferBench "${2:-3}"
    ;;
  distill)
    # shellcheck disable=SC2086
    java $SLIMKIT_JAVA_OPTS -cp "$bench_cp" \
      dev.slimkit.bench.DistillBench "${2:-3}" "${3:-20000}" ${4:-}
    ;;
  latency)
    # shellcheck disable=SC2086
    java $SLIMKIT_JAVA_OPTS -cp "$bench_cp" dev.slimkit.bench.LatencyBench "${2:-3}"
    ;;
  folder)
    # shellcheck disable=SC2086
    java $SLIMKIT_JAVA_OPTS -cp "$bench_cp" dev.slimkit.bench.FolderBench ${2:+"$2"}
    ;;
  quantize)
    # shellcheck disable=SC2086
    java $SLIMKIT_JAVA_OPTS -cp "$bench_cp" dev.slimkit.bench.QuantizeBench "${2:-4}" "${3:-12000}"
    ;;
  sweep)
    # The Spark benchmark lives in the Spark module's test scope (kernel-ext/spark/src/test/java/.../bench).
    mvn -q -B -Dstyle.color=never dependency:build-classpath -pl kernel-ext/spark -Dmdep.includeScope=test \
      -Dmdep.outputFile=target/test-classpath.txt >/dev/null
    mvn -q -B -Dstyle.color=never test-compile -pl kernel-ext/spark >/dev/null
    spark_cp="kernel-ext/spark/target/test-classes:kernel-ext/spark/target/classes:$(cat kernel-ext/spark/target/test-classpath.txt)"
    # shellcheck disable=SC2086
    java ${SLIMKIT_JAVA_OPTS/num_threads=${SLIMKIT_THREADS:-2}/num_threads=1} -XX:+IgnoreUnrecognizedVMOptions \
      --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED \
      -cp "$spark_cp" dev.slimkit.spark.bench.SweepBench
    ;;
  *) echo "unknown benchmark [$what]; choose train, trim, transfer, latency, folder, distill, quantize or sweep" >&2; exit 2 ;;
esac

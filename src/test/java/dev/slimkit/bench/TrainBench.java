package dev.slimkit.bench;

import dev.slimkit.Slim;
import dev.slimkit.step.StepResult;
import dev.slimkit.data.ImageData;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.SlimModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Training benchmark (run by {@code install/bench.sh train}): loads Fashion-MNIST, trains {@code
 * cnn-small} for {@code epochs} (default 1) with Adam 1e-3, batch 128, once per seed (default 3 seeds,
 * 0, 1, 2, each its own initialisation and shuffle), and prints machine-readable
 * lines {@code key=value}: data-load seconds, seconds per epoch, test accuracy (mean, and per seed), peak RSS. The
 * PyTorch peer ({@code install/bench_torch.py}) prints the same keys.
 */
public final class TrainBench {

    private TrainBench() {}

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int seeds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long t0 = System.nanoTime();
        ImageData data = Slim.data("fashion-mnist");
        double load = (System.nanoTime() - t0) / 1e9;
        double seconds = 0;
        double[] accuracies = new double[seeds];
        for (int seed = 0; seed < seeds; seed++) {
            try (SlimModel model = Slim.model("cnn-small").classes(10).seed(seed).build()) {
                StepResult r = Slim.train(model, data).epochs(epochs).batch(128).lr(1e-3).seed(seed).run();
                seconds += r.epochs().stream().mapToDouble(e -> e.seconds()).average().orElse(Double.NaN);
                accuracies[seed] = r.accuracy();
            }
        }
        System.out.printf(Locale.ROOT, "impl=slimkit%n");
        System.out.printf(Locale.ROOT, "threads=%d%n", Latency.threads());
        System.out.printf(Locale.ROOT, "load_seconds=%.3f%n", load);
        System.out.printf(Locale.ROOT, "images=%d%n", data.train().size() + data.test().size());
        System.out.printf(Locale.ROOT, "epoch_seconds=%.2f%n", seconds / seeds);
        System.out.printf(Locale.ROOT, "test_accuracy=%.4f%n", java.util.Arrays.stream(accuracies).average().orElse(Double.NaN));
        System.out.printf(Locale.ROOT, "test_accuracy_seeds=%s%n", java.util.Arrays.stream(accuracies)
                .mapToObj(a -> String.format(Locale.ROOT, "%.4f", a)).collect(java.util.stream.Collectors.joining(",")));
        System.out.printf(Locale.ROOT, "peak_rss_mb=%.0f%n", peakRssMb());
    }

    /** VmHWM from /proc/self/status, in MiB (NaN where unavailable). */
    static double peakRssMb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
                }
            }
        } catch (Exception e) {
            // not Linux
        }
        return Double.NaN;
    }
}

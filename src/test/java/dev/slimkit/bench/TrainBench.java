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
 * cnn-small} for {@code epochs} (default 1) with Adam 1e-3, batch 128, and prints machine-readable
 * lines {@code key=value}: data-load seconds, seconds per epoch, test accuracy, peak RSS. The
 * PyTorch peer ({@code install/bench_torch.py}) prints the same keys.
 */
public final class TrainBench {

    private TrainBench() {}

    public static void main(String[] args) throws Exception {
        int epochs = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        long t0 = System.nanoTime();
        ImageData data = Slim.data("fashion-mnist");
        double load = (System.nanoTime() - t0) / 1e9;
        try (SlimModel model = Slim.model("cnn-small", 10, 1.0, 0)) {
            StepResult r = Slim.train(model, data).epochs(epochs).batch(128).lr(1e-3).run();
            double perEpoch = r.epochs().stream().mapToDouble(e -> e.seconds()).average().orElse(Double.NaN);
            System.out.printf(Locale.ROOT, "impl=slimkit%n");
            System.out.printf(Locale.ROOT, "threads=%d%n", Latency.threads());
            System.out.printf(Locale.ROOT, "load_seconds=%.3f%n", load);
            System.out.printf(Locale.ROOT, "images=%d%n", data.train().size() + data.test().size());
            System.out.printf(Locale.ROOT, "epoch_seconds=%.2f%n", perEpoch);
            System.out.printf(Locale.ROOT, "test_accuracy=%.4f%n", r.accuracy());
            System.out.printf(Locale.ROOT, "peak_rss_mb=%.0f%n", peakRssMb());
        }
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

package dev.slimkit.bench;

import dev.slimkit.Slim;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.SlimModel;
import java.util.Locale;

/**
 * Trimming benchmark (run by {@code install/bench.sh trim}): for {@code cnn-small} and {@code
 * resnet20} (random weights: latency does not depend on their values), trims channels at several
 * ratios (rounded to 8) and prints, per ratio, the MACs ratio and the measured latency ratio at
 * batch 1 and 32 (median of 100 runs after 20 warm-up runs, same process, same threads).
 */
public final class TrimBench {

    private TrimBench() {}

    public static void main(String[] args) {
        System.out.printf(Locale.ROOT, "threads=%d%n", Latency.threads());
        System.out.printf(Locale.ROOT, "%-10s %6s %10s %10s %12s %12s %9s %9s%n",
                "model", "ratio", "MACs", "MACs x", "ms b1", "ms b32", "speed b1", "speed b32");
        for (String arch : new String[] {"cnn-small", "resnet20"}) {
            try (SlimModel base = Slim.model(arch, 10)) {
                Latency.measure(base, 32); // warm the engine and its threads before the figures that count
                Latency.Stats b1 = Latency.measure(base, 1);
                Latency.Stats b32 = Latency.measure(base, 32);
                print(arch, 0, base.spec().macs(), 1, b1.medianMs(), b32.medianMs(), 1, 1);
                for (double ratio : new double[] {0.25, 0.5, 0.75}) {
                    try (SlimModel t = Slim.trim(base).channels(ratio).round(8).cut()) {
                        Latency.Stats t1 = Latency.measure(t, 1);
                        Latency.Stats t32 = Latency.measure(t, 32);
                        print(arch, ratio, t.spec().macs(), (double) base.spec().macs() / t.spec().macs(),
                                t1.medianMs(), t32.medianMs(), b1.medianMs() / t1.medianMs(), b32.medianMs() / t32.medianMs());
                    }
                }
            }
        }
    }

    private static void print(String arch, double ratio, long macs, double macsX, double ms1, double ms32, double s1, double s32) {
        System.out.printf(Locale.ROOT, "%-10s %6.2f %10d %9.2fx %12.3f %12.3f %8.2fx %8.2fx%n",
                arch, ratio, macs, macsX, ms1, ms32, s1, s32);
    }
}

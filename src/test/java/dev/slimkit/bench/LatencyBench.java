package dev.slimkit.bench;

import dev.slimkit.Slim;
import dev.slimkit.measure.Comparison;
import dev.slimkit.measure.ComparisonRow;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.SlimModel;
import java.util.List;
import java.util.Locale;

/**
 * Latency-noise benchmark (run by {@code install/bench.sh latency}): the same network twice (two
 * models of one spec and seed, so identical weights) in one comparison, which should read a 1.00×
 * "speed-up". Per network and repetition it prints the twin / original ratio at batch 1 and 32,
 * measured interleaved (what {@code %compare} does now) and one after the other (what it did
 * before), with each figure's IQR. The goal: interleaved ratios inside 0.9–1.1×.
 */
public final class LatencyBench {

    private LatencyBench() {}

    public static void main(String[] args) {
        int reps = args.length > 0 ? Integer.parseInt(args[0]) : 3;
        System.out.printf(Locale.ROOT, "threads=%d%n", Latency.threads());
        System.out.printf(Locale.ROOT, "%-10s %4s %-12s %22s %22s %9s %9s%n", "model", "rep", "order",
                "b1 ms a | b (IQR)", "b32 ms a | b (IQR)", "b|a b1", "b|a b32");
        double worst = 0;
        for (String arch : new String[] {"cnn-small", "resnet20"}) {
            try (SlimModel a = Slim.model(arch).classes(10).build(); SlimModel b = Slim.model(arch).classes(10).build()) {
                b.rename(arch + "-twin");
                Latency.measure(a, 32); // warm the engine and its threads once
                for (int rep = 1; rep <= reps; rep++) {
                    Comparison c = Comparison.of(List.of(a, b), null, true);
                    ComparisonRow ra = c.rows().get(0);
                    ComparisonRow rb = c.rows().get(1);
                    worst = Math.max(worst, Math.max(Math.abs(Math.log(ra.latencyMsBatch1() / rb.latencyMsBatch1())),
                            Math.abs(Math.log(ra.latencyMsBatch32() / rb.latencyMsBatch32()))));
                    print(arch, rep, "interleaved", ra.latencyMsBatch1(), ra.iqrMsBatch1(), rb.latencyMsBatch1(),
                            rb.iqrMsBatch1(), ra.latencyMsBatch32(), ra.iqrMsBatch32(), rb.latencyMsBatch32(),
                            rb.iqrMsBatch32());
                    Latency.Stats a1 = Latency.measure(a, 1);
                    Latency.Stats b1 = Latency.measure(b, 1);
                    Latency.Stats a32 = Latency.measure(a, 32);
                    Latency.Stats b32 = Latency.measure(b, 32);
                    print(arch, rep, "sequential", a1.medianMs(), a1.iqrMs(), b1.medianMs(), b1.iqrMs(), a32.medianMs(),
                            a32.iqrMs(), b32.medianMs(), b32.iqrMs());
                }
            }
        }
        System.out.printf(Locale.ROOT, "interleaved_worst_ratio=%.3f (goal: within 0.9-1.1)%n", Math.exp(worst));
    }

    private static void print(String arch, int rep, String order, double a1, double qa1, double b1, double qb1,
            double a32, double qa32, double b32, double qb32) {
        System.out.printf(Locale.ROOT, "%-10s %4d %-12s %22s %22s %8.3f× %8.3f×%n", arch, rep, order,
                String.format(Locale.ROOT, "%.3f (%.3f) | %.3f (%.3f)", a1, qa1, b1, qb1),
                String.format(Locale.ROOT, "%.2f (%.2f) | %.2f (%.2f)", a32, qa32, b32, qb32), b1 / a1, b32 / a32);
    }
}

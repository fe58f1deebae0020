package dev.slimkit.measure;

import dev.slimkit.data.ImageData;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToDoubleFunction;

/**
 * Models side by side: parameters, non-zero parameters, MACs, measured latency at batch 1 and 32,
 * test accuracy; and the accuracy-vs-cost frontier (Pareto data). What {@code %compare} and the
 * distillation table show.
 *
 * @param rows one row per model, in the order given
 * @param data the data set accuracy was measured on, or null
 * @param latencyMeasured whether latency was measured
 * @param threads the engine's intra-op threads when it was measured
 */
public record Comparison(List<ComparisonRow> rows, String data, boolean latencyMeasured, int threads) {

    public Comparison {
        rows = List.copyOf(rows);
    }

    /**
     * Measures {@code models}: accuracy on {@code data}'s test split when data is given, latency
     * when asked.
     *
     * @throws IllegalArgumentException for an empty list, a model listed twice, or data that does
     *     not fit a model
     */
    public static Comparison of(List<SlimModel> models, ImageData data, boolean latency) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("compare needs at least one model");
        }
        Set<SlimModel> seen = new HashSet<>();
        for (SlimModel m : models) {
            if (!seen.add(m)) {
                throw new IllegalArgumentException("model [" + m.name() + "] is listed twice; list each model once");
            }
            if (data != null) {
                Evaluator.checkCompatible(m, data.test());
            }
        }
        List<ComparisonRow> rows = new ArrayList<>();
        for (SlimModel m : models) {
            ModelStats s = ModelStats.of(m);
            double ms1 = latency ? Latency.measure(m, 1).medianMs() : Double.NaN;
            double ms32 = latency ? Latency.measure(m, 32).medianMs() : Double.NaN;
            double acc = data == null ? Double.NaN : Evaluator.evaluate(m, data.test(), 256).accuracy();
            rows.add(new ComparisonRow(m.name(), s.params(), s.nonzeroParams(), s.macs(), ms1, ms32, acc));
        }
        return new Comparison(rows, data == null ? null : data.name(), latency, Latency.threads());
    }

    /**
     * The rows no other row dominates (at most the cost and at least the accuracy, better in one),
     * by ascending cost; rows whose cost or accuracy is unknown are left out.
     */
    public static List<ComparisonRow> frontier(List<ComparisonRow> rows, ToDoubleFunction<ComparisonRow> cost) {
        List<ComparisonRow> known = rows.stream()
                .filter(r -> Double.isFinite(cost.applyAsDouble(r)) && cost.applyAsDouble(r) >= 0
                        && Double.isFinite(r.accuracy()))
                .sorted(Comparator.comparingDouble(cost).thenComparing(r -> -r.accuracy()))
                .toList();
        List<ComparisonRow> out = new ArrayList<>();
        double best = Double.NEGATIVE_INFINITY;
        for (ComparisonRow r : known) {
            if (r.accuracy() > best) {
                out.add(r);
                best = r.accuracy();
            }
        }
        return out;
    }

    /** The table's title: what accuracy and latency mean here. */
    public String title() {
        return "comparison" + (data == null ? "" : " (accuracy on " + data + " test)")
                + (latencyMeasured ? " — latency: median of " + Latency.DEFAULT_RUNS + " runs, " + threads + " threads" : "");
    }
}

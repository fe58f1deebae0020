package dev.slimkit.step;

import dev.slimkit.data.ImageData;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluation;
import dev.slimkit.train.Evaluator;

/**
 * What a step measures of a model before and after it: its figures ({@link ModelStats}), its
 * evaluation on the data's test split, and its latency at batch 1 and 32 — each only when asked.
 */
public final class Probe {

    /** The batch sizes latency is measured at. */
    public static final int[] LATENCY_BATCHES = {1, 32};

    /** Batch size of evaluation passes. */
    public static final int EVALUATION_BATCH = 256;

    /**
     * One model's figures.
     *
     * @param stats parameters, MACs, bytes
     * @param evaluation test evaluation, or null when not measured
     * @param latency latency per entry of {@link #LATENCY_BATCHES}, or null when not measured
     */
    public record Figures(ModelStats stats, Evaluation evaluation, Latency.Stats[] latency) {
        /** Median latency in ms at {@link #LATENCY_BATCHES}[i]. */
        public double latencyMs(int i) {
            return latency == null ? Double.NaN : latency[i].medianMs();
        }

        /** Inter-quartile range of the timings in ms at {@link #LATENCY_BATCHES}[i]. */
        public double latencyIqrMs(int i) {
            return latency == null ? Double.NaN : latency[i].iqrMs();
        }

        /**
         * Whether this model's median at {@link #LATENCY_BATCHES}[i] differs from {@code other}'s
         * by less than half the sum of their IQRs (the rule of {@link
         * dev.slimkit.measure.ComparisonRow#withinNoiseOf}): no evidence of a speed difference.
         */
        public boolean withinNoiseOf(Figures other, int i) {
            double spread = (latencyIqrMs(i) + other.latencyIqrMs(i)) / 2;
            return !Double.isNaN(spread) && Math.abs(latencyMs(i) - other.latencyMs(i)) <= spread;
        }
    }

    private Probe() {}

    /** Measures {@code model}: evaluation when {@code data} is given, latency when asked. */
    public static Figures measure(SlimModel model, ImageData data, boolean latency) {
        ModelStats stats = ModelStats.of(model);
        Evaluation evaluation = data == null ? null : Evaluator.evaluate(model, data.test(), EVALUATION_BATCH);
        Latency.Stats[] ms = null;
        if (latency) {
            ms = new Latency.Stats[LATENCY_BATCHES.length];
            for (int i = 0; i < ms.length; i++) {
                ms[i] = Latency.measure(model, LATENCY_BATCHES[i]);
            }
        }
        return new Figures(stats, evaluation, ms);
    }

    /**
     * Puts the latency of {@code before} and {@code after} side by side in {@code result}: per
     * latency batch the medians, the speed-up and the IQRs, with a note when the change is within
     * the timings' noise.
     */
    static void compareLatency(StepResult.Builder result, Figures before, Figures after) {
        for (int i = 0; i < LATENCY_BATCHES.length; i++) {
            int b = LATENCY_BATCHES[i];
            result.metric("latency ms batch " + b + " before", before.latencyMs(i));
            result.metric("latency ms batch " + b + " after", after.latencyMs(i));
            result.metric("speed-up batch " + b, before.latencyMs(i) / after.latencyMs(i));
            result.metric("latency IQR ms batch " + b + " before", before.latencyIqrMs(i));
            result.metric("latency IQR ms batch " + b + " after", after.latencyIqrMs(i));
            if (after.withinNoiseOf(before, i)) {
                result.note(String.format(java.util.Locale.ROOT, "the latency change at batch %d (%.3f → %.3f"
                        + " ms) is within the timings' noise (IQR %.3f and %.3f ms)", b, before.latencyMs(i),
                        after.latencyMs(i), before.latencyIqrMs(i), after.latencyIqrMs(i)));
            }
        }
    }
}

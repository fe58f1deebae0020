package dev.slimkit.measure;

/**
 * One model's figures in a comparison table or Pareto chart. Latency, its spread and accuracy may
 * be NaN when not measured.
 *
 * @param model the model's name
 * @param params learnable parameters
 * @param nonzeroParams of those, non-zero
 * @param macs per image
 * @param latencyMsBatch1 median ms at batch 1
 * @param latencyMsBatch32 median ms at batch 32
 * @param accuracy test accuracy in [0, 1]
 * @param iqrMsBatch1 inter-quartile range of the batch-1 timings, ms
 * @param iqrMsBatch32 inter-quartile range of the batch-32 timings, ms
 */
public record ComparisonRow(
        String model,
        long params,
        long nonzeroParams,
        long macs,
        double latencyMsBatch1,
        double latencyMsBatch32,
        double accuracy,
        double iqrMsBatch1,
        double iqrMsBatch32) {

    /** A row whose latency spread is unknown. */
    public ComparisonRow(String model, long params, long nonzeroParams, long macs, double latencyMsBatch1,
            double latencyMsBatch32, double accuracy) {
        this(model, params, nonzeroParams, macs, latencyMsBatch1, latencyMsBatch32, accuracy, Double.NaN, Double.NaN);
    }

    /** A row from measured latency figures (either may be null: not measured). */
    public static ComparisonRow of(String model, dev.slimkit.model.ModelStats stats, Latency.Stats batch1,
            Latency.Stats batch32, double accuracy) {
        return new ComparisonRow(model, stats.params(), stats.nonzeroParams(), stats.macs(),
                batch1 == null ? Double.NaN : batch1.medianMs(), batch32 == null ? Double.NaN : batch32.medianMs(),
                accuracy, batch1 == null ? Double.NaN : batch1.iqrMs(), batch32 == null ? Double.NaN : batch32.iqrMs());
    }

    /**
     * How much faster this row runs than {@code reference} at the batch size given (1 or 32):
     * reference median / this median, NaN when either is unmeasured.
     */
    public double speedUpOver(ComparisonRow reference, int batch) {
        return batch == 1 ? reference.latencyMsBatch1 / latencyMsBatch1 : reference.latencyMsBatch32 / latencyMsBatch32;
    }

    /**
     * Whether the two medians at {@code batch} differ by less than the timings' own spread (half
     * the sum of the two inter-quartile ranges, i.e. the quartile boxes overlap for symmetric
     * timings): a speed-up that small is not evidence. False when a spread is unknown.
     */
    public boolean withinNoiseOf(ComparisonRow reference, int batch) {
        double a = batch == 1 ? latencyMsBatch1 : latencyMsBatch32;
        double b = batch == 1 ? reference.latencyMsBatch1 : reference.latencyMsBatch32;
        double spread = batch == 1 ? (iqrMsBatch1 + reference.iqrMsBatch1) / 2 : (iqrMsBatch32 + reference.iqrMsBatch32) / 2;
        return !Double.isNaN(spread) && Math.abs(a - b) <= spread;
    }
}

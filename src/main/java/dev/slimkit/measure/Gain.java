package dev.slimkit.measure;

/**
 * What a model gained against a reference in one comparison: the figures a notebook's conclusion
 * quotes. Ratios are "times fewer/smaller/faster" (reference ÷ model), so 2.0× means half the
 * MACs, half the file, twice the speed; NaN where a figure was not measured.
 *
 * @param model the model
 * @param against the reference model
 * @param accuracyDelta model accuracy − reference accuracy, in points (NaN without data)
 * @param fewerMacs reference MACs ÷ model MACs
 * @param smallerFile reference file bytes ÷ model file bytes
 * @param speedupBatch1 reference latency ÷ model latency at batch 1
 * @param speedupBatch32 reference latency ÷ model latency at batch 32
 */
public record Gain(String model, String against, double accuracyDelta, double fewerMacs, double smallerFile,
        double speedupBatch1, double speedupBatch32) {

    /** The gain of {@code row} (file {@code bytes}) against {@code reference} (file {@code referenceBytes}). */
    public static Gain of(ComparisonRow row, long bytes, ComparisonRow reference, long referenceBytes) {
        return new Gain(row.model(), reference.model(), 100 * (row.accuracy() - reference.accuracy()),
                (double) reference.macs() / row.macs(), (double) referenceBytes / bytes,
                reference.latencyMsBatch1() / row.latencyMsBatch1(), reference.latencyMsBatch32() / row.latencyMsBatch32());
    }
}

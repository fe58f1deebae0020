package dev.slimkit.trim;

/**
 * One cut of an iterative trim.
 *
 * @param step 1..K
 * @param macs MACs after the cut
 * @param params parameters after the cut
 * @param accuracyAfterCut accuracy right after the cut (NaN without data)
 * @param accuracyAfterRecalibration accuracy after re-estimating the batch norms' statistics
 *     (NaN without data or with {@code recalibrate(false)})
 * @param accuracyAfterTune accuracy after the fine-tuning that follows (NaN when none)
 * @param split the split those accuracies are on (validation when the data has one, else test)
 */
public record Cut(int step, long macs, long params, double accuracyAfterCut, double accuracyAfterRecalibration,
        double accuracyAfterTune, String split) {}

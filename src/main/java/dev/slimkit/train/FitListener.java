package dev.slimkit.train;

import dev.slimkit.model.History;

/**
 * Called by the fit loop after every batch and every epoch, on the training thread; use it for
 * live charts and progress bars. Both methods default to doing nothing, so implement only what
 * you need. Keep them quick: they run between batches.
 */
public interface FitListener {

    /** After each optimizer step. */
    default void onBatch(BatchProgress progress) {}

    /** After each epoch (and its validation), with the history so far. */
    default void onEpoch(History.Epoch epoch, History history) {}

    /**
     * Where training stands after a batch.
     *
     * @param epoch 1-based epoch of this fit call
     * @param epochs epochs planned
     * @param batch 1-based batch within the epoch
     * @param batchesPerEpoch batches per epoch
     * @param step global step number (continuing across fit calls)
     * @param loss this batch's loss
     * @param runningAccuracy training accuracy over the epoch so far
     * @param learningRate the rate used for this step
     * @param elapsedSeconds since the fit call started
     * @param etaSeconds estimated seconds left in this fit call
     */
    record BatchProgress(
            int epoch,
            int epochs,
            int batch,
            int batchesPerEpoch,
            long step,
            double loss,
            double runningAccuracy,
            double learningRate,
            double elapsedSeconds,
            double etaSeconds) {
        /** Fraction of the fit call done, in [0, 1]. */
        public double progress() {
            return ((epoch - 1) * (double) batchesPerEpoch + batch) / (epochs * (double) batchesPerEpoch);
        }
    }
}

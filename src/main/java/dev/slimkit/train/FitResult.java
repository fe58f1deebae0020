package dev.slimkit.train;

import dev.slimkit.model.History;
import java.util.List;

/**
 * What one fit call did: its epochs, whether it was interrupted, how many batches ran and how
 * long it took. Plain Java data.
 *
 * @param epochs the epochs this call completed (an interrupted epoch is included, marked by its
 *     batch count)
 * @param interrupted true when the thread's interrupt flag stopped training early
 * @param batches optimizer steps taken
 * @param seconds wall time of the call
 */
public record FitResult(List<History.Epoch> epochs, boolean interrupted, long batches, double seconds) {

    public FitResult {
        epochs = List.copyOf(epochs);
    }

    /** The last epoch's record, or null if no batch ran. */
    public History.Epoch lastEpoch() {
        return epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    }
}

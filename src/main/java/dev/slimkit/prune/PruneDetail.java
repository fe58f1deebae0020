package dev.slimkit.prune;

import dev.slimkit.step.StepDetail;
import java.util.List;

/**
 * What a prune did beyond the common figures: the sparsity schedule as run.
 *
 * @param schedule {optimizer step, target sparsity} pairs in order
 */
public record PruneDetail(List<double[]> schedule) implements StepDetail {

    public PruneDetail {
        schedule = List.copyOf(schedule);
    }
}

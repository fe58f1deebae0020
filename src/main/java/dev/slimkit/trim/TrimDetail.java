package dev.slimkit.trim;

import dev.slimkit.step.StepDetail;
import java.util.List;

/**
 * What a trim did beyond the common figures: each cut (MACs, parameters, accuracy right after it
 * and after its fine-tuning) and, for a latency target, the measured latency table.
 *
 * @param cuts the cuts in order (one for a single cut)
 * @param latencyTable the table of candidate widths a latency target measured, or null
 */
public record TrimDetail(List<Cut> cuts, LatencyTable latencyTable) implements StepDetail {

    public TrimDetail {
        cuts = List.copyOf(cuts);
    }
}

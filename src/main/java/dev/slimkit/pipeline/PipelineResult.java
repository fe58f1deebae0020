package dev.slimkit.pipeline;

import dev.slimkit.model.SlimModel;
import dev.slimkit.step.StepResult;
import java.nio.file.Path;
import java.util.List;

/**
 * What a pipeline did: the base's yardsticks, one row per stage (in order), the control's when one
 * was trained, and the final model.
 *
 * @param base the base model's row (stage "base")
 * @param stages one row per stage, in order; stages after an interruption are absent
 * @param control the final architecture trained from scratch on the same total budget, or null
 * @param finalModel the last stage's model (the base when no stage ran)
 * @param interrupted true when a stage was interrupted (its model is in {@link #stages})
 */
public record PipelineResult(Row base, List<Row> stages, Row control, SlimModel finalModel, boolean interrupted) {

    public PipelineResult {
        stages = List.copyOf(stages);
    }

    /** What happened to a stage. */
    public enum Status {
        /** Running now (only seen by listeners). */
        RUNNING,
        /** Ran in this call. */
        RAN,
        /** Reused from its artifact: recipe and input matched. */
        REUSED,
        /** Stopped by an interrupt; its model holds what it trained. */
        INTERRUPTED
    }

    /**
     * One model of the pipeline.
     *
     * @param index 0 for the base, then 1, 2, … per stage
     * @param kind base, train, transfer, distill, prune, trim or control
     * @param model the session name of its model
     * @param status what happened
     * @param seconds wall time of the stage (0 for the base and reused stages)
     * @param epochs epochs the stage trained
     * @param artifact its saved file, or null
     * @param key the hash of its recipe and input
     * @param result the step's result (null for the base and reused stages)
     * @param yardsticks its figures (null while running)
     */
    public record Row(int index, String kind, String model, Status status, double seconds, int epochs, Path artifact,
            String key, StepResult result, Yardsticks yardsticks) {}

    /** The rows of the stages that ran in this call (not reused). */
    public List<Row> ran() {
        return stages.stream().filter(r -> r.status() == Status.RAN).toList();
    }
}

package dev.slimkit.pipeline;

/** Told when a stage starts and when it ends (for a live stage table); runs on the pipeline's thread. */
public interface PipelineListener {

    /** A stage's row changed: it started (status RUNNING, no yardsticks yet) or it ended. */
    void onStage(PipelineResult.Row row);
}

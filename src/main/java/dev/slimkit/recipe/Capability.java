package dev.slimkit.recipe;

/** What a step can do; the pipeline, sweep, reports and magics ask these instead of comparing step names. */
public enum Capability {
    /** It trains (takes the training options). */
    TRAINS,
    /** It cannot run without {@code --data}. */
    NEEDS_DATA,
    /** Its result may have another shape than its input (fewer channels, blocks, a new architecture). */
    CHANGES_SHAPE,
    /** Its result holds zeroed weights kept by masks. */
    SPARSIFIES,
    /** It measures latency before and after unless told {@code --no-latency}. */
    MEASURES_LATENCY,
    /** Its result is a fresh slimkit architecture (a student), whatever its input was. */
    MAKES_ARCHITECTURE,
    /** It needs a slimkit graph it can see into (TorchScript layers are opaque to it). */
    NEEDS_GRAPH,
    /** Its result answers another task (a new head for the data's classes). */
    NEW_TASK
}

package dev.slimkit.pipeline;

import dev.slimkit.model.SlimModel;
import dev.slimkit.recipe.StepKind;
import dev.slimkit.recipe.Steps;
import dev.slimkit.step.Step;
import java.util.function.Function;

/**
 * One stage of a pipeline: its kind (a step's name in {@link Steps}), where it came from (a line
 * of a {@code %%pipeline} cell, or a Java call), and how to build its step on the previous stage's
 * model (data and name are set by the pipeline).
 *
 * @param kind the step's name
 * @param line 1-based line in the cell (0 for a Java call)
 * @param text the line as written, or a description of the Java call
 * @param factory builds the configured step on the input model
 */
public record Stage(String kind, int line, String text, Function<SlimModel, Step<?>> factory) {

    public Stage {
        if (Steps.named(kind) == null) {
            throw new IllegalArgumentException((line > 0 ? "line " + line + ": " : "") + "unknown stage [" + kind
                    + "]; choose " + Steps.names());
        }
    }

    /** The step's descriptor in the registry (what it can do). */
    public StepKind<?> step() {
        return Steps.named(kind);
    }

    /** "line 3: prune: " for a cell's stage, "prune stage: " for a Java one: the prefix of its errors. */
    public String where() {
        return line > 0 ? "line " + line + ": " + kind + ": " : kind + " stage: ";
    }
}

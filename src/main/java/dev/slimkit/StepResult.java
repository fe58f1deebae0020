package dev.slimkit;

import dev.slimkit.model.ModelStats;
import dev.slimkit.train.Evaluation;
import dev.slimkit.train.History;
import java.util.List;
import java.util.Map;

/**
 * What one step (train, transfer, distill, prune, trim) did, as plain Java data (no NDArrays):
 * the model's figures before and after, its evaluation before (when measured) and after, the
 * epochs trained, the recipe that reproduces it, notes for the reader, and whether it was
 * interrupted.
 *
 * @param step the step's name, e.g. {@code train}
 * @param model the resulting model's name
 * @param before figures of the input model
 * @param after figures of the resulting model
 * @param evaluationBefore test evaluation before the step, or null when not measured
 * @param evaluationAfter test evaluation after the step, or null when not measured
 * @param epochs epochs the step trained
 * @param recipe settings, seed and versions, as text
 * @param notes remarks for the reader (e.g. "interrupted after 12 batches")
 * @param seconds wall time
 * @param interrupted true when the thread's interrupt flag stopped it early
 * @param comparison models side by side (e.g. teacher, distilled student, scratch student);
 *     empty when the step compares nothing
 * @param metrics step-specific figures by name (e.g. teacher-student agreement)
 */
public record StepResult(
        String step,
        String model,
        ModelStats before,
        ModelStats after,
        Evaluation evaluationBefore,
        Evaluation evaluationAfter,
        List<History.Epoch> epochs,
        Map<String, String> recipe,
        List<String> notes,
        double seconds,
        boolean interrupted,
        List<dev.slimkit.report.ComparisonRow> comparison,
        Map<String, Double> metrics) {

    public StepResult {
        comparison = List.copyOf(comparison);
        // ordered, as the step reported them
        metrics = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(metrics));
        epochs = List.copyOf(epochs);
        recipe = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(recipe));
        notes = List.copyOf(notes);
    }

    /** Test accuracy after the step, NaN when not measured. */
    public double accuracy() {
        return evaluationAfter == null ? Double.NaN : evaluationAfter.accuracy();
    }
}

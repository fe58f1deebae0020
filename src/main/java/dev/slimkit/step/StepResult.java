package dev.slimkit.step;

import dev.slimkit.measure.ComparisonRow;
import dev.slimkit.model.History;
import dev.slimkit.model.ModelStats;
import dev.slimkit.train.Evaluation;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one step (train, transfer, distill, prune, trim) did, as plain Java data (no NDArrays):
 * the model's figures before and after, its evaluation before (when measured) and after, the
 * epochs trained, the recipe that reproduces it, notes for the reader, and whether it was
 * interrupted. Steps make it with {@link #builder}.
 *
 * @param step the step's name, e.g. {@code train}
 * @param model the resulting model's name
 * @param before figures of the input model
 * @param after figures of the resulting model
 * @param evaluationBefore evaluation before the step, or null when not measured
 * @param evaluationAfter evaluation after the step, or null when not measured (or interrupted)
 * @param epochs epochs the step trained
 * @param recipe settings, seed and versions, as text
 * @param notes remarks for the reader (e.g. "interrupted after 12 batches")
 * @param seconds wall time
 * @param interrupted true when the thread's interrupt flag stopped it early
 * @param comparison models side by side (e.g. teacher, distilled student, scratch student);
 *     empty when the step compares nothing
 * @param metrics step-specific figures by name (e.g. teacher-student agreement)
 * @param device where the step ran, e.g. {@code cpu()}
 * @param detail the step's own typed record (trim's cuts and latency table, prune's schedule), or
 *     null for steps that have none; reports render from it, so a pipeline stage shows what the
 *     step's own magic shows
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
        List<ComparisonRow> comparison,
        Map<String, Double> metrics,
        String device,
        StepDetail detail) {

    public StepResult {
        comparison = List.copyOf(comparison);
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics)); // ordered as reported
        epochs = List.copyOf(epochs);
        recipe = Collections.unmodifiableMap(new LinkedHashMap<>(recipe));
        notes = List.copyOf(notes);
    }

    /** The step's detail record when it is a {@code type}. */
    public <T extends StepDetail> java.util.Optional<T> detail(Class<T> type) {
        return type.isInstance(detail) ? java.util.Optional.of(type.cast(detail)) : java.util.Optional.empty();
    }

    /** Accuracy after the step, NaN when not measured. */
    public double accuracy() {
        return evaluationAfter == null ? Double.NaN : evaluationAfter.accuracy();
    }

    /** Optimizer steps taken over all of the step's training. */
    public long batches() {
        return epochs.stream().mapToLong(History.Epoch::batches).sum();
    }

    /** Starts the result of step {@code step}, whose resulting model is {@code model}. */
    public static Builder builder(String step, String model) {
        return new Builder(step, model);
    }

    /** Collects a result's parts as a step runs; {@link #build} makes the record. */
    public static final class Builder {
        private final String step;
        private String model;
        private ModelStats before;
        private ModelStats after;
        private Evaluation evaluationBefore;
        private Evaluation evaluationAfter;
        private final List<History.Epoch> epochs = new ArrayList<>();
        private final Map<String, String> recipe = new LinkedHashMap<>();
        private final List<String> notes = new ArrayList<>();
        private final List<ComparisonRow> comparison = new ArrayList<>();
        private final Map<String, Double> metrics = new LinkedHashMap<>();
        private boolean interrupted;
        private String device = "";
        private StepDetail detail;
        private final long start = System.nanoTime();

        private Builder(String step, String model) {
            this.step = step;
            this.model = model;
        }

        public Builder model(String value) {
            model = value;
            return this;
        }

        public Builder before(ModelStats value, Evaluation evaluation) {
            before = value;
            evaluationBefore = evaluation;
            return this;
        }

        public Builder after(ModelStats value, Evaluation evaluation) {
            after = value;
            evaluationAfter = evaluation;
            return this;
        }

        public Builder epochs(List<History.Epoch> value) {
            epochs.addAll(value);
            return this;
        }

        public Builder recipe(String key, String value) {
            recipe.put(key, value);
            return this;
        }

        public Builder note(String value) {
            notes.add(value);
            return this;
        }

        public Builder metric(String key, double value) {
            metrics.put(key, value);
            return this;
        }

        public Builder row(ComparisonRow value) {
            comparison.add(value);
            return this;
        }

        public Builder interrupted(boolean value) {
            interrupted |= value;
            return this;
        }

        /** The step's typed detail record. */
        public Builder detail(StepDetail value) {
            detail = value;
            return this;
        }

        public Builder device(String value) {
            device = value;
            return this;
        }

        /** True once any part of the step was interrupted. */
        public boolean isInterrupted() {
            return interrupted;
        }

        /** Optimizer steps of the epochs recorded so far. */
        public long batches() {
            return epochs.stream().mapToLong(History.Epoch::batches).sum();
        }

        /** A figure recorded so far, or NaN. */
        public double metric(String key) {
            return metrics.getOrDefault(key, Double.NaN);
        }

        /** The recipe so far (read-only view). */
        public Map<String, String> recipe() {
            return Collections.unmodifiableMap(recipe);
        }

        /** The record, its wall time counted from this builder's creation. */
        public StepResult build() {
            return new StepResult(step, model, before, after == null ? before : after, evaluationBefore,
                    evaluationAfter, epochs, recipe, notes, (System.nanoTime() - start) / 1e9, interrupted,
                    comparison, metrics, device, detail);
        }
    }
}

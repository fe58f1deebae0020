package dev.slimkit.train;

import dev.slimkit.StepResult;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.schedule.Schedule;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fluent "train" step: {@code Slim.train(model, data).epochs(2).learningRate(1e-3).run()}.
 * Trains in place, then evaluates on the test split and returns a {@link StepResult}. Setters
 * check their value at once.
 */
public final class TrainStep {

    private final SlimModel model;
    private final ImageData data;
    private TrainConfig config = TrainConfig.defaults();
    private final List<FitListener> listeners = new ArrayList<>();
    private boolean evaluate = true;

    /** Starts a step for {@code model} on {@code data} with {@link TrainConfig#defaults()}. */
    public TrainStep(SlimModel model, ImageData data) {
        if (model == null || data == null) {
            throw new IllegalArgumentException("train needs a model and data, got [" + model + "] and [" + data + "]");
        }
        this.model = model;
        this.data = data;
    }

    public TrainStep epochs(int epochs) {
        config = config.epochs(epochs);
        return this;
    }

    public TrainStep batchSize(int batchSize) {
        config = config.batchSize(batchSize);
        return this;
    }

    public TrainStep learningRate(double lr) {
        config = config.learningRate(lr);
        return this;
    }

    public TrainStep optimizer(TrainConfig.Optimizer optimizer) {
        config = config.optimizer(optimizer);
        return this;
    }

    /** Learning-rate multiplier over progress, e.g. {@code Schedule.cosine(1, 0)}. */
    public TrainStep schedule(Schedule schedule) {
        config = config.schedule(schedule);
        return this;
    }

    public TrainStep weightDecay(double weightDecay) {
        config = config.weightDecay(weightDecay);
        return this;
    }

    public TrainStep seed(long seed) {
        config = config.seed(seed);
        return this;
    }

    /** Replaces the whole configuration. */
    public TrainStep config(TrainConfig newConfig) {
        config = newConfig;
        return this;
    }

    /** Adds a listener (live charts, progress). */
    public TrainStep listener(FitListener listener) {
        listeners.add(listener);
        return this;
    }

    /** Whether to evaluate on the test split afterwards (default true). */
    public TrainStep evaluate(boolean value) {
        evaluate = value;
        return this;
    }

    /** The configuration as set so far. */
    public TrainConfig config() {
        return config;
    }

    /** Trains, evaluates and reports. */
    public StepResult run() {
        Evaluator.checkCompatible(model, data.train());
        ModelStats before = ModelStats.of(model);
        FitResult fit = FitLoop.fit(model, data, config, listeners);
        Evaluation after = evaluate && !fit.interrupted() ? Evaluator.evaluate(model, data.test(), 256) : null;
        Map<String, String> recipe = new LinkedHashMap<>();
        recipe.put("config", config.describe());
        recipe.put("data", data.toString());
        recipe.put("model", model.spec().arch() + " (seed " + model.seed() + ")");
        List<String> notes = new ArrayList<>();
        if (fit.interrupted()) {
            notes.add("interrupted after " + fit.batches() + " batches");
        }
        return new StepResult(
                "train",
                model.name(),
                before,
                ModelStats.of(model),
                null,
                after,
                fit.epochs(),
                recipe,
                notes,
                fit.seconds(),
                fit.interrupted(),
                List.of(),
                Map.of());
    }
}

package dev.slimkit.step;

import dev.slimkit.model.SlimModel;

/**
 * The "train" step: {@code Slim.train(model, data).epochs(2).lr(1e-3).run()}. Trains in place (or
 * a copy, with {@link #as}), then evaluates on the test split. Defaults: 1 epoch, the settings of
 * {@link dev.slimkit.train.TrainConfig#defaults()}, no latency measurement.
 */
public final class TrainStep extends Step<TrainStep> {

    /** Starts a training step for {@code model}. */
    public TrainStep(SlimModel model) {
        super("train", model, 1, 1, false);
    }

    @Override
    protected String defaultName() {
        return source.name();
    }

    @Override
    protected void check() {
        if (data() == null) {
            throw new IllegalArgumentException("train needs data; pass data(...)");
        }
    }

    @Override
    protected boolean evaluatesBefore() {
        return false;
    }

    @Override
    protected SlimModel execute(Run run) {
        SlimModel model = run.output(sourceOrCopy());
        run.fit(model);
        return model;
    }

    @Override
    protected void recipe(StepResult.Builder result) {
        result.recipe("data", data().toString());
        result.recipe("model", source.spec().arch() + " (seed " + source.seed() + ")");
    }
}

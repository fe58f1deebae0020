package dev.slimkit.step;

import dev.slimkit.model.SlimModel;

/**
 * The "train" step: {@code Slim.train(model, data).epochs(2).lr(1e-3).run()}. Trains in place (or
 * a copy, with {@link #as}), then evaluates on the test split. Defaults: 1 epoch, the settings of
 * {@link dev.slimkit.train.TrainConfig#defaults()}, no latency measurement.
 */
public final class TrainStep extends Step<TrainStep> {

    /** Epochs of training unless told otherwise. */
    public static final int DEFAULT_EPOCHS = 1;

    /** Starts a training step for {@code model}. */
    public TrainStep(SlimModel model) {
        super("train", model, DEFAULT_EPOCHS, 1, false);
    }

    private double bnL1;

    /**
     * Network Slimming sparse training: adds {@code lambda}·Σ|γ| over every batch norm to the
     * loss, so that γ become sparse before a trim by |γ| (criterion bn); 0 (the default) is plain
     * cross-entropy.
     */
    public TrainStep bnL1(double lambda) {
        if (!(lambda >= 0) || lambda > 1) {
            throw new IllegalArgumentException("bnL1(...) must be in [0, 1], got [" + lambda + "]; pass e.g. 1e-4");
        }
        bnL1 = lambda;
        return this;
    }

    /** The sparsity weight of {@link #bnL1}. */
    public double bnL1() {
        return bnL1;
    }

    /** Every batch norm's γ of {@code model}, concatenated in forward order (for sparsity charts). */
    public static double[] gammas(SlimModel model) {
        return model.parameters().entrySet().stream().filter(e -> e.getKey().endsWith(".gamma"))
                .flatMapToDouble(e -> {
                    float[] f = e.getValue().getArray().toFloatArray();
                    return java.util.stream.IntStream.range(0, f.length).mapToDouble(i -> f[i]);
                }).toArray();
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
        if (bnL1 > 0 && source.parameters().keySet().stream().noneMatch(k -> k.endsWith(".gamma"))) {
            throw new IllegalArgumentException("bnL1(...) needs batch norms, but model [" + source.name() + "] ("
                    + source.spec().arch() + ") has none; drop bnL1(...)");
        }
    }

    @Override
    protected boolean evaluatesBefore() {
        return false;
    }

    @Override
    protected SlimModel execute(Run run) {
        SlimModel model = run.output(sourceOrCopy());
        if (bnL1 > 0) {
            run.fit(model, epochs(), dev.slimkit.train.BatchLoss.withBnL1(dev.slimkit.train.BatchLoss.crossEntropy(),
                    model, bnL1), java.util.List.of());
        } else {
            run.fit(model, epochs(), dev.slimkit.train.BatchLoss.crossEntropy(), java.util.List.of());
        }
        return model;
    }

    @Override
    protected void recipe(StepResult.Builder result) {
        result.recipe("data", data().toString());
        result.recipe("model", source.spec().arch() + " (seed " + source.seed() + ")");
        if (bnL1 > 0) {
            result.recipe("bn-l1", Double.toString(bnL1));
        }
    }
}

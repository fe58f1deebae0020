package dev.slimkit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.HashMap;
import java.util.Map;

/**
 * Adam and SGD with momentum as DJL computes them (the same native update calls and defaults),
 * but with their state arrays kept in a manager the caller owns. DJL's own optimizers allocate
 * state on each weight's manager, so every fit left twice the parameter count of arrays on the
 * model; the fit loop closes this manager when the fit ends.
 */
final class Optimizers {

    private Optimizers() {}

    /** The optimizer {@code config} names, at {@code rate}, with its state in {@code state}. */
    static Optimizer of(TrainConfig config, Tracker rate, NDManager state) {
        float wd = (float) config.weightDecay();
        return switch (config.optimizer()) {
            case ADAM -> new ScopedAdam(new Builder().optWeightDecays(wd), rate, state);
            case SGD -> new ScopedSgd(new Builder().optWeightDecays(wd), rate, state, 0.9f);
        };
    }

    /** DJL's optimizer builder, for the common settings (weight decay, rescale, clip). */
    private static final class Builder extends Optimizer.OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }

    private abstract static class Scoped extends Optimizer {
        final Tracker rate;
        private final NDManager state;
        private final Map<String, NDArray> arrays = new HashMap<>();

        Scoped(Builder builder, Tracker rate, NDManager state) {
            super(builder);
            this.rate = rate;
            this.state = state;
        }

        /** The state array {@code kind} of a parameter, zeros like the weight on first use. */
        NDArray state(String kind, String parameterId, NDArray weight) {
            return arrays.computeIfAbsent(kind + ":" + parameterId,
                    k -> state.zeros(weight.getShape(), weight.getDataType(), weight.getDevice()));
        }
    }

    /** Adam (β1 0.9, β2 0.999, ε 1e-8, bias-corrected), as {@code ai.djl.training.optimizer.Adam}. */
    private static final class ScopedAdam extends Scoped {
        private static final float BETA1 = 0.9f;
        private static final float BETA2 = 0.999f;
        private static final float EPSILON = 1e-8f;

        ScopedAdam(Builder builder, Tracker rate, NDManager state) {
            super(builder, rate, state);
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            int t = updateCount(parameterId);
            double coef1 = 1.0 - Math.pow(BETA1, t);
            double coef2 = 1.0 - Math.pow(BETA2, t);
            float lr = rate.getNewValue(parameterId, t);
            float corrected = (float) (lr * Math.sqrt(coef2) / coef1);
            float wd = getWeightDecay();
            if (!Float.isFinite(corrected) || !Float.isFinite(wd)) {
                throw new IllegalStateException("learning rate or weight decay is NaN or infinite at update " + t);
            }
            NDList inputs = new NDList(weight, grad, state("mean", parameterId, weight),
                    state("variance", parameterId, weight));
            weight.getNDArrayInternal().adamUpdate(inputs, new NDList(weight), lr, corrected, wd, rescaleGrad,
                    clipGrad, BETA1, BETA2, EPSILON, true, false);
        }
    }

    /** SGD with momentum, as {@code ai.djl.training.optimizer.Sgd}. */
    private static final class ScopedSgd extends Scoped {
        private final float momentum;

        ScopedSgd(Builder builder, Tracker rate, NDManager state, float momentum) {
            super(builder, rate, state);
            this.momentum = momentum;
        }

        @Override
        public void update(String parameterId, NDArray weight, NDArray grad) {
            float lr = rate.getNewValue(parameterId, updateCount(parameterId));
            NDList inputs = new NDList(weight, grad, state("momentum", parameterId, weight));
            weight.getNDArrayInternal().sgdUpdate(inputs, new NDList(weight), lr, getWeightDecay(), rescaleGrad,
                    clipGrad, momentum, true);
        }
    }
}

package dev.slimkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Convolution;
import ai.djl.nn.core.Linear;

/**
 * PyTorch's default initialisation, applied to a freshly built model so that a slimkit network
 * starts where the same network in PyTorch starts: convolution and linear weights drawn from
 * Kaiming-uniform with a = √5, which is U(−1/√fan_in, 1/√fan_in), their biases from the same
 * fan-in uniform, batch-norm γ = 1 and β = 0 (DJL's own defaults for batch norm already). DJL's
 * default (Xavier) gives larger first-epoch steps and a lower one-epoch accuracy (see
 * {@code install/bench.sh train}). Draws come from the engine's seeded generator, so the same seed
 * gives the same weights.
 */
final class PyTorchInit {

    private PyTorchInit() {}

    /** Re-draws the weights and biases of every convolution and linear layer under {@code block}. */
    static void apply(Block block) {
        if (block instanceof Convolution || block instanceof Linear) {
            NDArray weight = block.getParameters().get("weight").getArray();
            long fanIn = weight.getShape().size() / weight.getShape().get(0);
            float bound = (float) (1.0 / Math.sqrt(fanIn));
            redraw(weight, bound);
            for (var pair : block.getParameters()) {
                if (pair.getValue().getType() == Parameter.Type.BIAS) {
                    redraw(pair.getValue().getArray(), bound);
                }
            }
        }
        for (var child : block.getChildren()) {
            apply(child.getValue());
        }
    }

    private static void redraw(NDArray target, float bound) {
        try (NDArray drawn = target.getManager().randomUniform(-bound, bound, target.getShape(),
                target.getDataType(), target.getDevice())) {
            target.set(drawn.toByteBuffer());
        }
    }
}

package dev.slimkit.model;

import dev.slimkit.model.Layer;

/**
 * Multiply-accumulate counts per layer type, for one image. Convolutions count {@code out_c ×
 * out_h × out_w × in_c × k × k}; linear layers {@code in × out}; normalization, activations,
 * pooling and residual additions count 0 (they are not multiply-accumulates), as torchinfo and
 * fvcore do. A TorchScript layer's MACs are unknown ({@code -1}): slimkit cannot see its graph.
 */
public final class Macs {

    private Macs() {}

    /** MACs of {@code layer} given its per-image input and output shapes. */
    public static long of(Layer layer, long[] inputShape, long[] outputShape) {
        return switch (layer.kind()) {
            case CONV -> outputShape[0] * outputShape[1] * outputShape[2]
                    * inputShape[0] * layer.kernel() * layer.kernel();
            case LINEAR -> inputShape[0] * outputShape[0];
            case TORCHSCRIPT -> -1L;
            default -> 0L;
        };
    }
}

package dev.slimkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Optional;

/**
 * A named residual unit: {@code relu(body(x) + shortcut(x))}, where the shortcut is identity or
 * a projection (1×1 conv + BN). Being a real type rather than an opaque lambda, it lets the
 * trimmer see which channels a residual join ties together and drop whole blocks.
 */
public final class ResidualBlock extends AbstractBlock {

    private final SequentialLayers body;
    private final SequentialLayers shortcut;

    /** Builds the block of a {@link Layer.Kind#RESIDUAL} spec layer. */
    public ResidualBlock(Layer layer) {
        super((byte) 1);
        body = addChildBlock("body", new SequentialLayers(layer.body()));
        shortcut =
                layer.shortcut().isEmpty()
                        ? null
                        : addChildBlock("shortcut", new SequentialLayers(layer.shortcut()));
    }

    /** The main path. */
    public SequentialLayers body() {
        return body;
    }

    /** The projection path; empty for an identity shortcut. */
    public Optional<SequentialLayers> shortcut() {
        return Optional.ofNullable(shortcut);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDArray main = body.forward(parameterStore, inputs, training, params).singletonOrThrow();
        NDArray skip =
                shortcut == null
                        ? inputs.singletonOrThrow()
                        : shortcut.forward(parameterStore, inputs, training, params)
                                .singletonOrThrow();
        return new NDList(main.add(skip).maximum(0f));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return body.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        body.initialize(manager, dataType, inputShapes);
        if (shortcut != null) {
            shortcut.initialize(manager, dataType, inputShapes);
        }
    }
}

package dev.slimkit.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Blocks;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A DJL block that runs the layers of a spec in order. Unlike DJL's {@code SequentialBlock} it
 * keeps each child under the spec's layer name, so slimkit can find a layer's weights by path
 * ({@code s2b1.conv1.weight}) for summaries, pruning and trimming.
 */
public final class SequentialLayers extends AbstractBlock {

    /** BatchNorm settings every spec uses (DJL keeps them private, so we fix them here). */
    public static final float BN_EPSILON = 1e-5f;

    public static final float BN_MOMENTUM = 0.9f;

    private final Map<String, Block> layers = new LinkedHashMap<>();
    private volatile java.util.Set<String> inferenceOnly = java.util.Set.of();

    /** Builds the blocks of {@code specLayers}, children of this block, in order. */
    public SequentialLayers(List<Layer> specLayers) {
        this(specLayers, layer -> {
            throw new IllegalArgumentException("layer [" + layer.name() + "] is TorchScript but no module was given for it");
        });
    }

    /**
     * Builds the blocks of {@code specLayers}; {@code torchScript} supplies the loaded module of
     * each TorchScript layer (the spec only names where it came from).
     */
    public SequentialLayers(List<Layer> specLayers, java.util.function.Function<Layer, Block> torchScript) {
        super((byte) 1);
        for (Layer layer : specLayers) {
            Block block = layer.kind() == Layer.Kind.TORCHSCRIPT ? torchScript.apply(layer) : create(layer);
            layers.put(layer.name(), addChildBlock(layer.name(), block));
        }
    }

    /**
     * Layers (by name) that always run in inference mode, even in a training forward pass: a
     * frozen backbone must not move its batch-norm statistics.
     */
    public void setInferenceOnly(java.util.Set<String> names) {
        inferenceOnly = java.util.Set.copyOf(names);
    }

    /** The layers that always run in inference mode. */
    public java.util.Set<String> inferenceOnly() {
        return inferenceOnly;
    }

    /** The child blocks by spec layer name, in order. */
    public Map<String, Block> layers() {
        return Collections.unmodifiableMap(layers);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore parameterStore,
            NDList inputs,
            boolean training,
            PairList<String, Object> params) {
        NDList current = inputs;
        java.util.Set<String> fixed = inferenceOnly;
        for (Map.Entry<String, Block> e : layers.entrySet()) {
            boolean train = training && !fixed.contains(e.getKey());
            current = e.getValue().forward(parameterStore, current, train, params);
            if (!train && e.getValue() instanceof ai.djl.pytorch.engine.PtSymbolBlock) {
                // In inference mode a TorchScript module runs under PyTorch's inference guard, whose
                // outputs autograd refuses downstream (a trainable head, a distillation loss); a copy
                // made outside the guard is an ordinary tensor.
                current = new NDList(current.stream().map(ai.djl.ndarray.NDArray::duplicate).toList());
            }
        }
        return current;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] current = inputShapes;
        for (Block block : layers.values()) {
            current = block.getOutputShapes(current);
        }
        return current;
    }

    @Override
    protected void initializeChildBlocks(
            NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape[] shapes = inputShapes;
        for (Block block : layers.values()) {
            block.initialize(manager, dataType, shapes);
            shapes = block.getOutputShapes(shapes);
        }
    }

    /** Builds the DJL block for one spec layer. */
    static Block create(Layer layer) {
        return switch (layer.kind()) {
            case CONV -> Conv2d.builder()
                    .setKernelShape(new Shape(layer.kernel(), layer.kernel()))
                    .optStride(new Shape(layer.stride(), layer.stride()))
                    .optPadding(new Shape(layer.padding(), layer.padding()))
                    .setFilters(layer.out())
                    .optBias(layer.bias())
                    .build();
            case BATCH_NORM -> BatchNorm.builder()
                    .optEpsilon(BN_EPSILON)
                    .optMomentum(BN_MOMENTUM)
                    .build();
            case RELU -> Activation.reluBlock();
            case MAX_POOL -> Pool.maxPool2dBlock(
                    new Shape(layer.kernel(), layer.kernel()),
                    new Shape(layer.stride(), layer.stride()));
            case AVG_POOL -> Pool.avgPool2dBlock(
                    new Shape(layer.kernel(), layer.kernel()),
                    new Shape(layer.stride(), layer.stride()));
            case GLOBAL_AVG_POOL -> Pool.globalAvgPool2dBlock();
            case FLATTEN -> Blocks.batchFlattenBlock();
            case LINEAR -> Linear.builder().setUnits(layer.out()).optBias(layer.bias()).build();
            case RESIDUAL -> new ResidualBlock(layer);
            case TORCHSCRIPT -> throw new IllegalArgumentException(
                    "TorchScript layer [" + layer.name() + "] must be top-level");
        };
    }
}

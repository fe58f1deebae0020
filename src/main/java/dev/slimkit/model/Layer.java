package dev.slimkit.model;

import java.util.List;

/**
 * One layer of a {@link ModelSpec}: its kind, a name unique among its siblings, and the settings
 * that kind uses (output width, kernel, stride, padding, bias; body and shortcut for a residual
 * block). Plain data, serialized to JSON as part of the spec; {@link SequentialLayers} turns it
 * into a DJL block.
 *
 * @param kind what the layer does
 * @param name unique among siblings, e.g. {@code conv1}
 * @param out output channels (conv) or units (linear); 0 for other kinds
 * @param kernel kernel side (conv, max pool); 0 otherwise
 * @param stride stride (conv, max pool); 0 otherwise
 * @param padding zero padding on each side (conv); 0 otherwise
 * @param bias whether a conv or linear layer has a bias
 * @param body a residual block's main path; empty otherwise
 * @param shortcut a residual block's projection path; empty means identity
 * @param source where an opaque TorchScript layer came from (a file name); null otherwise
 * @param shape a TorchScript layer's output shape per image (its graph cannot be traced, so it is
 *     measured once at load); empty otherwise
 */
public record Layer(
        Kind kind,
        String name,
        int out,
        int kernel,
        int stride,
        int padding,
        boolean bias,
        List<Layer> body,
        List<Layer> shortcut,
        String source,
        List<Long> shape) {

    /** The kinds of layer a spec can hold. */
    public enum Kind {
        CONV,
        BATCH_NORM,
        RELU,
        MAX_POOL,
        /** Square average pooling without padding (read from ONNX {@code AveragePool}). */
        AVG_POOL,
        GLOBAL_AVG_POOL,
        FLATTEN,
        LINEAR,
        /** relu(body(x) + shortcut(x)); the shortcut is identity when empty. */
        RESIDUAL,
        /**
         * An opaque TorchScript module (DJL {@code PtSymbolBlock}): trainable and prunable, but its
         * graph is not visible to slimkit, so it cannot be trimmed and its MACs are unknown.
         */
        TORCHSCRIPT
    }

    /** Normalizes null lists (as Gson may give) to empty ones. */
    public Layer {
        body = body == null ? List.of() : List.copyOf(body);
        shortcut = shortcut == null ? List.of() : List.copyOf(shortcut);
        shape = shape == null ? List.of() : List.copyOf(shape);
    }

    /** A layer of the given kind with no residual paths, source or fixed shape. */
    private static Layer plain(Kind kind, String name, int out, int kernel, int stride, int padding, boolean bias) {
        return new Layer(kind, name, out, kernel, stride, padding, bias, null, null, null, null);
    }

    /** A square 2-D convolution. */
    public static Layer conv(String name, int out, int kernel, int stride, int padding, boolean bias) {
        return plain(Kind.CONV, name, out, kernel, stride, padding, bias);
    }

    /** Batch normalization over channels. */
    public static Layer batchNorm(String name) {
        return plain(Kind.BATCH_NORM, name, 0, 0, 0, 0, false);
    }

    public static Layer relu(String name) {
        return plain(Kind.RELU, name, 0, 0, 0, 0, false);
    }

    /** Square max pooling. */
    public static Layer maxPool(String name, int kernel, int stride) {
        return plain(Kind.MAX_POOL, name, 0, kernel, stride, 0, false);
    }

    /** Square average pooling without padding. */
    public static Layer avgPool(String name, int kernel, int stride) {
        return plain(Kind.AVG_POOL, name, 0, kernel, stride, 0, false);
    }

    /** Global average pooling: (N, C, H, W) → (N, C). */
    public static Layer globalAvgPool(String name) {
        return plain(Kind.GLOBAL_AVG_POOL, name, 0, 0, 0, 0, false);
    }

    /** (N, ...) → (N, product of the rest). */
    public static Layer flatten(String name) {
        return plain(Kind.FLATTEN, name, 0, 0, 0, 0, false);
    }

    /** A fully connected layer with a bias. */
    public static Layer linear(String name, int out) {
        return plain(Kind.LINEAR, name, out, 0, 0, 0, true);
    }

    /** A residual block: relu(body(x) + shortcut(x)); an empty shortcut is identity. */
    public static Layer residual(String name, List<Layer> body, List<Layer> shortcut) {
        return new Layer(Kind.RESIDUAL, name, 0, 0, 0, 0, false, body, shortcut, null, null);
    }

    /**
     * An opaque TorchScript module loaded from {@code source}, whose output per image has
     * {@code outputShape} (e.g. {@code [512]} or {@code [64, 7, 7]}).
     */
    public static Layer torchScript(String name, String source, long[] outputShape) {
        List<Long> shape = java.util.Arrays.stream(outputShape).boxed().toList();
        return new Layer(Kind.TORCHSCRIPT, name, 0, 0, 0, 0, false, null, null, source, shape);
    }

    /** A TorchScript layer's output shape per image, as an array. */
    public long[] shapeArray() {
        return shape.stream().mapToLong(Long::longValue).toArray();
    }

    /** True for kinds that hold weights (conv, batch norm, linear). */
    public boolean hasWeights() {
        return kind == Kind.CONV || kind == Kind.BATCH_NORM || kind == Kind.LINEAR;
    }

    /** This layer with another output width (conv or linear). */
    public Layer withOut(int newOut) {
        return new Layer(kind, name, newOut, kernel, stride, padding, bias, body, shortcut, source, shape);
    }

    /** This residual block with another body and shortcut. */
    public Layer withPaths(List<Layer> newBody, List<Layer> newShortcut) {
        return new Layer(kind, name, out, kernel, stride, padding, bias, newBody, newShortcut, source, shape);
    }

    /** A short type name for tables: Conv2d, BatchNorm, ReLU, MaxPool, ... */
    public String typeName() {
        return switch (kind) {
            case CONV -> "Conv2d";
            case BATCH_NORM -> "BatchNorm";
            case RELU -> "ReLU";
            case MAX_POOL -> "MaxPool2d";
            case AVG_POOL -> "AvgPool2d";
            case GLOBAL_AVG_POOL -> "GlobalAvgPool";
            case FLATTEN -> "Flatten";
            case LINEAR -> "Linear";
            case RESIDUAL -> "Residual";
            case TORCHSCRIPT -> "TorchScript";
        };
    }
}

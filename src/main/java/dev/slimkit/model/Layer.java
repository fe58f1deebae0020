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
        List<Layer> shortcut) {

    /** The kinds of layer a spec can hold. */
    public enum Kind {
        CONV,
        BATCH_NORM,
        RELU,
        MAX_POOL,
        GLOBAL_AVG_POOL,
        FLATTEN,
        LINEAR,
        /** relu(body(x) + shortcut(x)); the shortcut is identity when empty. */
        RESIDUAL
    }

    /** Normalizes null lists (as Gson may give) to empty ones. */
    public Layer {
        body = body == null ? List.of() : List.copyOf(body);
        shortcut = shortcut == null ? List.of() : List.copyOf(shortcut);
    }

    /** A square 2-D convolution. */
    public static Layer conv(String name, int out, int kernel, int stride, int padding, boolean bias) {
        return new Layer(Kind.CONV, name, out, kernel, stride, padding, bias, null, null);
    }

    /** Batch normalization over channels. */
    public static Layer batchNorm(String name) {
        return new Layer(Kind.BATCH_NORM, name, 0, 0, 0, 0, false, null, null);
    }

    public static Layer relu(String name) {
        return new Layer(Kind.RELU, name, 0, 0, 0, 0, false, null, null);
    }

    /** Square max pooling. */
    public static Layer maxPool(String name, int kernel, int stride) {
        return new Layer(Kind.MAX_POOL, name, 0, kernel, stride, 0, false, null, null);
    }

    /** Global average pooling: (N, C, H, W) → (N, C). */
    public static Layer globalAvgPool(String name) {
        return new Layer(Kind.GLOBAL_AVG_POOL, name, 0, 0, 0, 0, false, null, null);
    }

    /** (N, ...) → (N, product of the rest). */
    public static Layer flatten(String name) {
        return new Layer(Kind.FLATTEN, name, 0, 0, 0, 0, false, null, null);
    }

    /** A fully connected layer with a bias. */
    public static Layer linear(String name, int out) {
        return new Layer(Kind.LINEAR, name, out, 0, 0, 0, true, null, null);
    }

    /** A residual block: relu(body(x) + shortcut(x)); an empty shortcut is identity. */
    public static Layer residual(String name, List<Layer> body, List<Layer> shortcut) {
        return new Layer(Kind.RESIDUAL, name, 0, 0, 0, 0, false, body, shortcut);
    }

    /** True for kinds that hold weights (conv, batch norm, linear). */
    public boolean hasWeights() {
        return kind == Kind.CONV || kind == Kind.BATCH_NORM || kind == Kind.LINEAR;
    }

    /** This layer with another output width (conv or linear). */
    public Layer withOut(int newOut) {
        return new Layer(kind, name, newOut, kernel, stride, padding, bias, body, shortcut);
    }

    /** This residual block with another body and shortcut. */
    public Layer withPaths(List<Layer> newBody, List<Layer> newShortcut) {
        return new Layer(kind, name, out, kernel, stride, padding, bias, newBody, newShortcut);
    }

    /** A short type name for tables: Conv2d, BatchNorm, ReLU, MaxPool, ... */
    public String typeName() {
        return switch (kind) {
            case CONV -> "Conv2d";
            case BATCH_NORM -> "BatchNorm";
            case RELU -> "ReLU";
            case MAX_POOL -> "MaxPool2d";
            case GLOBAL_AVG_POOL -> "GlobalAvgPool";
            case FLATTEN -> "Flatten";
            case LINEAR -> "Linear";
            case RESIDUAL -> "Residual";
        };
    }
}

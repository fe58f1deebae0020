package dev.slimkit.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * An architecture as data: input shape, class count and the ordered layers (residual blocks
 * nest their own). A spec is what makes a model rebuildable: a trimmed model is simply a spec with
 * narrower widths or fewer blocks, and the saved artifact carries it as JSON.
 *
 * @param arch the architecture it was made from, e.g. {@code cnn-small}
 * @param channels input channels
 * @param height input height
 * @param width input width
 * @param classes output classes (the last linear layer's width)
 * @param widthMultiplier the multiplier the widths were made with (informational)
 * @param layers the layers in order
 */
public record ModelSpec(
        String arch,
        int channels,
        int height,
        int width,
        int classes,
        double widthMultiplier,
        List<Layer> layers) {

    /** Copies the layer list. */
    public ModelSpec {
        layers = List.copyOf(layers);
    }

    /** One row of {@link #trace()}: a layer with its full path, shapes and MACs at batch 1. */
    public record LayerTrace(
            String path, Layer layer, long[] inputShape, long[] outputShape, long macs, int depth) {
        /** True for a residual block row, whose children follow it in the trace. */
        public boolean isContainer() {
            return layer.kind() == Layer.Kind.RESIDUAL;
        }
    }

    /** This spec as pretty-printed JSON. */
    public String toJson() {
        return SpecJson.write(this);
    }

    /**
     * Reads a spec from JSON and validates it.
     *
     * @throws IllegalArgumentException if the JSON is not a valid spec
     */
    public static ModelSpec fromJson(String json) {
        ModelSpec spec = SpecJson.read(json);
        spec.trace(); // validates shapes and names
        return spec;
    }

    /** This spec with other layers (same input, classes, arch name). */
    public ModelSpec withLayers(List<Layer> newLayers) {
        return new ModelSpec(arch, channels, height, width, classes, widthMultiplier, newLayers);
    }

    /** Walks the layers at batch 1 and returns every layer with its path, shapes and MACs. */
    public List<LayerTrace> trace() {
        List<LayerTrace> rows = new ArrayList<>();
        long[] out = traceList(layers, "", new long[] {channels, height, width}, rows, 0);
        if (out.length != 1 || out[0] != classes) {
            throw new IllegalArgumentException(
                    "spec '" + arch + "' ends with shape " + Arrays.toString(out) + " but has "
                            + classes + " classes; the last layer must be linear with " + classes
                            + " outputs");
        }
        return rows;
    }

    /** The output shape of one image: {classes}. */
    public long[] outputShape() {
        return new long[] {classes};
    }

    /** Every layer in order, residual blocks followed by their children. */
    public List<LayerTrace> weightLayers() {
        return trace().stream().filter(t -> t.layer().hasWeights()).toList();
    }

    /**
     * Total multiply-accumulates of one image's forward pass, or -1 when unknown (the spec holds a
     * TorchScript layer, whose graph slimkit cannot see).
     */
    public long macs() {
        List<LayerTrace> rows = trace();
        if (rows.stream().anyMatch(t -> t.macs() < 0)) {
            return -1;
        }
        return rows.stream().filter(t -> !t.isContainer()).mapToLong(LayerTrace::macs).sum();
    }

    /**
     * Learnable parameters computed from the spec alone (no weights needed): conv and linear
     * weights and biases, batch-norm γ and β.
     */
    public long params() {
        long n = 0;
        for (LayerTrace t : trace()) {
            Layer l = t.layer();
            long in = t.inputShape()[0];
            switch (l.kind()) {
                case CONV -> n += (long) l.out() * in * l.kernel() * l.kernel() + (l.bias() ? l.out() : 0);
                case LINEAR -> n += (long) l.out() * Arrays.stream(t.inputShape()).reduce(1, (a, b) -> a * b) + l.out();
                case BATCH_NORM -> n += 2 * in;
                default -> { }
            }
        }
        return n;
    }

    /** True when a layer is an opaque TorchScript module (see {@link Layer.Kind#TORCHSCRIPT}). */
    public boolean hasTorchScript() {
        return layers.stream().anyMatch(l -> l.kind() == Layer.Kind.TORCHSCRIPT);
    }

    /** The TorchScript layers, top level only (the only place they may be). */
    public List<Layer> torchScriptLayers() {
        return layers.stream().filter(l -> l.kind() == Layer.Kind.TORCHSCRIPT).toList();
    }

    private static long[] traceList(
            List<Layer> list, String prefix, long[] in, List<LayerTrace> rows, int depth) {
        Set<String> names = new HashSet<>();
        long[] shape = in;
        for (Layer layer : list) {
            if (layer.name() == null || layer.name().isBlank() || !names.add(layer.name())) {
                throw new IllegalArgumentException(
                        "layer name [" + layer.name() + "] under '" + prefix
                                + "' is missing or repeated; give each layer a unique name");
            }
            String path = prefix.isEmpty() ? layer.name() : prefix + "." + layer.name();
            if (layer.kind() == Layer.Kind.TORCHSCRIPT && depth > 0) {
                throw new IllegalArgumentException("TorchScript layer [" + path
                        + "] sits inside a residual block; TorchScript layers must be top-level");
            }
            if (layer.kind() == Layer.Kind.RESIDUAL) {
                Set<String> bodyNames = new HashSet<>();
                layer.body().forEach(l -> bodyNames.add(l.name()));
                for (Layer s : layer.shortcut()) {
                    if (bodyNames.contains(s.name())) {
                        throw new IllegalArgumentException(
                                "residual block [" + path + "]: layer name [" + s.name()
                                        + "] is used in both body and shortcut; rename one");
                    }
                }
                int at = rows.size();
                rows.add(null); // placeholder, filled once the children are traced
                long[] body = traceList(layer.body(), path, shape, rows, depth + 1);
                long[] skip =
                        layer.shortcut().isEmpty()
                                ? shape
                                : traceList(layer.shortcut(), path, shape, rows, depth + 1);
                if (!Arrays.equals(body, skip)) {
                    throw new IllegalArgumentException(
                            "residual block [" + path + "]: body gives " + Arrays.toString(body)
                                    + " but shortcut gives " + Arrays.toString(skip)
                                    + "; both paths must end in the same shape");
                }
                rows.set(at, new LayerTrace(path, layer, shape, body, 0, depth));
                shape = body;
            } else {
                long[] out = outputShape(layer, shape, path);
                rows.add(new LayerTrace(path, layer, shape, out, Macs.of(layer, shape, out), depth));
                shape = out;
            }
        }
        return shape;
    }

    private static long[] outputShape(Layer layer, long[] in, String path) {
        switch (layer.kind()) {
            case CONV -> {
                requireRank(layer, in, 3, path);
                requirePositive(layer.out(), "output channels", path);
                requirePositive(layer.kernel(), "kernel", path);
                requirePositive(layer.stride(), "stride", path);
                long h = (in[1] + 2L * layer.padding() - layer.kernel()) / layer.stride() + 1;
                long w = (in[2] + 2L * layer.padding() - layer.kernel()) / layer.stride() + 1;
                if (h < 1 || w < 1) {
                    throw new IllegalArgumentException(
                            "conv [" + path + "] gets an input of " + Arrays.toString(in)
                                    + ", smaller than its kernel " + layer.kernel());
                }
                return new long[] {layer.out(), h, w};
            }
            case BATCH_NORM, RELU -> {
                return in;
            }
            case MAX_POOL, AVG_POOL -> {
                requireRank(layer, in, 3, path);
                requirePositive(layer.kernel(), "kernel", path);
                requirePositive(layer.stride(), "stride", path);
                long h = (in[1] - layer.kernel()) / layer.stride() + 1;
                long w = (in[2] - layer.kernel()) / layer.stride() + 1;
                if (h < 1 || w < 1) {
                    throw new IllegalArgumentException(
                            (layer.kind() == Layer.Kind.MAX_POOL ? "max" : "average") + " pool [" + path + "] gets an input of " + Arrays.toString(in)
                                    + ", smaller than its kernel " + layer.kernel());
                }
                return new long[] {in[0], h, w};
            }
            case GLOBAL_AVG_POOL -> {
                requireRank(layer, in, 3, path);
                return new long[] {in[0]};
            }
            case FLATTEN -> {
                return new long[] {Arrays.stream(in).reduce(1, (a, b) -> a * b)};
            }
            case TORCHSCRIPT -> {
                if (layer.shape().isEmpty() || layer.shape().stream().anyMatch(d -> d < 1)) {
                    throw new IllegalArgumentException("TorchScript layer [" + path + "] has output shape "
                            + layer.shape() + "; it must be measured at load (all sizes >= 1)");
                }
                return layer.shapeArray();
            }
            case LINEAR -> {
                requireRank(layer, in, 1, path);
                requirePositive(layer.out(), "units", path);
                return new long[] {layer.out()};
            }
            default -> throw new IllegalArgumentException("unknown layer kind " + layer.kind());
        }
    }

    private static void requireRank(Layer layer, long[] in, int rank, String path) {
        if (in.length != rank) {
            throw new IllegalArgumentException(
                    layer.typeName() + " [" + path + "] needs a " + rank + "-D input per image but"
                            + " gets " + Arrays.toString(in)
                            + (rank == 1 ? "; put a flatten layer before it" : ""));
        }
    }

    private static void requirePositive(int value, String what, String path) {
        if (value < 1) {
            throw new IllegalArgumentException(
                    "layer [" + path + "] has " + what + " [" + value + "]; it must be >= 1");
        }
    }
}

package dev.slimkit.trim;

import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Derives the {@link ChannelGroup}s of a spec by following the data flow: a conv or linear layer
 * starts a group; batch norms after it join; activations and pooling pass channels through; a
 * flatten multiplies them by the spatial size; the next conv or linear layer consumes them and
 * closes the group. Channels that reach the model's output or a residual addition are tied to
 * other layers and are not offered for cutting, except inside a residual block, where the inner
 * conv's filters form a group of their own (Li et al., 2017: cut only the inner conv of each
 * block, so that residual joins keep their shapes).
 */
public final class Groups {

    private Groups() {}

    /** The trimmable groups of {@code spec}, in forward order. */
    public static List<ChannelGroup> of(ModelSpec spec) {
        List<ChannelGroup> groups = new ArrayList<>();
        long[] shape = {spec.channels(), spec.height(), spec.width()};
        walk(spec.layers(), "", shape, groups);
        return groups;
    }

    /**
     * Follows one list of layers and returns its output shape. A group still open at the end of
     * the list is never cut: its channels are the model's outputs or feed a residual addition.
     */
    private static long[] walk(List<Layer> layers, String prefix, long[] in, List<ChannelGroup> groups) {
        String producer = null;
        List<String> norms = new ArrayList<>();
        int positions = 1;
        int width = 0;
        long[] shape = in;
        for (Layer layer : layers) {
            String path = prefix.isEmpty() ? layer.name() : prefix + "." + layer.name();
            switch (layer.kind()) {
                case CONV, LINEAR -> {
                    if (producer != null) {
                        groups.add(new ChannelGroup(producer, norms,
                                List.of(new ChannelGroup.Consumer(path, positions)), width));
                    }
                    producer = path;
                    norms = new ArrayList<>();
                    positions = 1;
                    width = layer.out();
                    shape = layer.kind() == Layer.Kind.CONV ? convOut(layer, shape) : new long[] {layer.out()};
                }
                case BATCH_NORM -> norms.add(path);
                case RELU -> { }
                case MAX_POOL, AVG_POOL -> shape = new long[] {shape[0], (shape[1] - layer.kernel()) / layer.stride() + 1,
                        (shape[2] - layer.kernel()) / layer.stride() + 1};
                case GLOBAL_AVG_POOL -> shape = new long[] {shape[0]};
                case FLATTEN -> {
                    if (shape.length == 3) {
                        positions *= (int) (shape[1] * shape[2]);
                    }
                    shape = new long[] {java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)};
                }
                case RESIDUAL -> {
                    // The block's input and output channels are tied by the addition: the open
                    // group (if any) cannot be cut. Inside, the body's inner groups can.
                    producer = null;
                    norms = new ArrayList<>();
                    positions = 1;
                    long[] out = walk(layer.body(), path, shape, groups);
                    if (!layer.shortcut().isEmpty()) {
                        walk(layer.shortcut(), path, shape, new ArrayList<>());
                    }
                    shape = out;
                }
            }
        }
        return shape;
    }

    private static long[] convOut(Layer l, long[] in) {
        long h = (in[1] + 2L * l.padding() - l.kernel()) / l.stride() + 1;
        long w = (in[2] + 2L * l.padding() - l.kernel()) / l.stride() + 1;
        return new long[] {l.out(), h, w};
    }
}

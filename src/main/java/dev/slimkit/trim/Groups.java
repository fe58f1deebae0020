package dev.slimkit.trim;

import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Derives the {@link ChannelGroup}s of a spec by following the data flow, as Torch-Pruning's
 * dependency graph does: a conv or linear layer starts a group of channels; batch norms after it
 * join; activations and pooling pass channels through; a flatten multiplies them by the spatial
 * size; the next conv or linear layer consumes them. A residual addition ties the channels of its
 * two inputs together (the block's last conv and its shortcut: the block's input for an identity
 * shortcut, the projection conv otherwise), so all the layers of one stage width become one
 * {@link ChannelGroup.Kind#RESIDUAL residual} group, cut with the same indices everywhere. Channels
 * that reach the model's output, come from its input or pass through an opaque TorchScript layer
 * are not offered for cutting.
 */
public final class Groups {

    private Groups() {}

    /** The trimmable groups of {@code spec}, ordered by their first producer in forward order. */
    public static List<ChannelGroup> of(ModelSpec spec) {
        List<Builder> all = new ArrayList<>();
        Builder input = new Builder(all, null, 0);
        input.dead = true;
        Flow out = walk(spec.layers(), "", new Flow(input, 1, new long[] {spec.channels(), spec.height(), spec.width()}), all);
        out.group.find().dead = true; // the model's outputs
        List<ChannelGroup> groups = new ArrayList<>();
        all.stream().filter(b -> b.parent == null && !b.dead && !b.producers.isEmpty() && !b.consumers.isEmpty())
                .sorted(Comparator.comparingInt(b -> b.id))
                .forEach(b -> groups.add(new ChannelGroup(b.producers.get(0), b.producers, b.norms, b.consumers, b.width,
                        b.residual ? ChannelGroup.Kind.RESIDUAL
                                : b.producers.get(0).contains(".") ? ChannelGroup.Kind.BLOCK_INNER
                                : ChannelGroup.Kind.SEQUENTIAL)));
        return groups;
    }

    /** The channels flowing at one point: their group, input features per channel, and the shape. */
    private record Flow(Builder group, int positions, long[] shape) {}

    /** A group being collected; merged groups point at one root (union-find). */
    private static final class Builder {
        final int id;
        final List<String> producers = new ArrayList<>();
        final List<String> norms = new ArrayList<>();
        final List<ChannelGroup.Consumer> consumers = new ArrayList<>();
        final int width;
        boolean residual;
        boolean dead;
        Builder parent;

        Builder(List<Builder> all, String producer, int width) {
            this.id = all.size();
            this.width = width;
            if (producer != null) {
                producers.add(producer);
            }
            all.add(this);
        }

        Builder find() {
            return parent == null ? this : parent.find();
        }

        /** Ties {@code a} and {@code b} (a residual addition); the earlier group stays the root. */
        static Builder union(Builder a, Builder b) {
            Builder ra = a.find();
            Builder rb = b.find();
            if (ra == rb) {
                return ra;
            }
            if (rb.id < ra.id) {
                Builder t = ra;
                ra = rb;
                rb = t;
            }
            rb.parent = ra;
            ra.producers.addAll(rb.producers);
            ra.norms.addAll(rb.norms);
            ra.consumers.addAll(rb.consumers);
            ra.dead |= rb.dead;
            ra.residual = true;
            return ra;
        }
    }

    /** Follows one list of layers from {@code in} and returns what flows out of it. */
    private static Flow walk(List<Layer> layers, String prefix, Flow in, List<Builder> all) {
        Flow flow = in;
        for (Layer layer : layers) {
            String path = prefix.isEmpty() ? layer.name() : prefix + "." + layer.name();
            long[] shape = flow.shape();
            switch (layer.kind()) {
                case CONV, LINEAR -> {
                    flow.group().find().consumers.add(new ChannelGroup.Consumer(path, flow.positions()));
                    flow = new Flow(new Builder(all, path, layer.out()), 1,
                            layer.kind() == Layer.Kind.CONV ? convOut(layer, shape) : new long[] {layer.out()});
                }
                case BATCH_NORM -> flow.group().find().norms.add(path);
                case RELU -> { }
                case MAX_POOL, AVG_POOL -> flow = new Flow(flow.group(), flow.positions(), new long[] {shape[0],
                        (shape[1] - layer.kernel()) / layer.stride() + 1, (shape[2] - layer.kernel()) / layer.stride() + 1});
                case GLOBAL_AVG_POOL -> flow = new Flow(flow.group(), flow.positions(), new long[] {shape[0]});
                case FLATTEN -> flow = new Flow(flow.group(),
                        shape.length == 3 ? flow.positions() * (int) (shape[1] * shape[2]) : flow.positions(),
                        new long[] {java.util.Arrays.stream(shape).reduce(1, (a, b) -> a * b)});
                case RESIDUAL -> {
                    Flow body = walk(layer.body(), path, flow, all);
                    Flow skip = layer.shortcut().isEmpty() ? flow : walk(layer.shortcut(), path, flow, all);
                    flow = new Flow(Builder.union(body.group(), skip.group()), 1, body.shape());
                }
                case TORCHSCRIPT -> {
                    flow.group().find().dead = true;
                    Builder opaque = new Builder(all, null, 0);
                    opaque.dead = true;
                    flow = new Flow(opaque, 1, layer.shapeArray());
                }
            }
        }
        return flow;
    }

    private static long[] convOut(Layer l, long[] in) {
        long h = (in[1] + 2L * l.padding() - l.kernel()) / l.stride() + 1;
        long w = (in[2] + 2L * l.padding() - l.kernel()) / l.stride() + 1;
        return new long[] {l.out(), h, w};
    }

    /**
     * The groups of {@code spec} that may be cut: every group none of whose producers matches one
     * of the comma-separated globs in {@code exclude} (null: none excluded).
     */
    public static List<ChannelGroup> cuttable(ModelSpec spec, String exclude) {
        List<ChannelGroup> all = of(spec);
        List<String> names = all.stream().flatMap(g -> g.producers().stream()).toList();
        java.util.Set<String> excluded = dev.slimkit.model.LayerPatterns.select(names, exclude, "trimmable layer");
        return all.stream().filter(g -> g.producers().stream().noneMatch(excluded::contains)).toList();
    }

    /** The identity residual blocks of {@code spec} (the removable ones), in order. */
    public static List<String> removableBlocks(ModelSpec spec) {
        List<String> out = new ArrayList<>();
        for (Layer l : spec.layers()) {
            if (l.kind() == Layer.Kind.RESIDUAL && l.shortcut().isEmpty()) {
                out.add(l.name());
            }
        }
        return out;
    }
}

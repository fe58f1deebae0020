package dev.slimkit.trim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;

/**
 * Rebuild-and-copy surgery on spec-built models: a narrower spec (fewer channels per group, or
 * fewer residual blocks) is built as a fresh dense model, and the kept slices of every weight,
 * bias and batch-norm statistic are copied into it. Nothing is masked: the result is simply a
 * smaller network. Every copy stays on the models' device: slices are gathered there with index
 * arrays, and removed channels are zeroed by a row mask, so nothing goes through host memory.
 */
public final class Trimmer {

    private Trimmer() {}

    /**
     * A copy of {@code model} in which every member of each group keeps only the channels listed
     * for the group (sorted, distinct, at least one): the same indices in every producer, norm and
     * consumer of a residual group.
     *
     * @param keep kept channel indices by the group's first producer; groups not listed keep everything
     */
    public static SlimModel trimChannels(SlimModel model, List<ChannelGroup> groups, Map<String, int[]> keep, String name) {
        Map<String, int[]> outKeep = new HashMap<>();
        Map<String, int[]> inKeep = new HashMap<>();
        Map<String, int[]> normKeep = new HashMap<>();
        for (ChannelGroup g : groups) {
            int[] k = keep.get(g.producer());
            if (k == null) {
                continue;
            }
            if (k.length < 1) {
                throw new IllegalArgumentException("trimming would empty layer [" + g.producer() + "]; keep at least one channel");
            }
            g.producers().forEach(p -> outKeep.put(p, k));
            g.norms().forEach(n -> normKeep.put(n, k));
            for (ChannelGroup.Consumer c : g.consumers()) {
                int[] features = new int[k.length * c.positions()];
                for (int i = 0; i < k.length; i++) {
                    for (int p = 0; p < c.positions(); p++) {
                        features[i * c.positions() + p] = k[i] * c.positions() + p;
                    }
                }
                inKeep.put(c.path(), features);
            }
        }
        ModelSpec spec = model.spec().withLayers(mapLayers(model.spec().layers(), "", (path, layer) ->
                outKeep.containsKey(path) ? layer.withOut(outKeep.get(path).length) : layer));
        SlimModel trimmed = SlimModel.create(name, spec, model.seed());
        Map<String, Parameter> src = model.parameters();
        for (Map.Entry<String, Parameter> e : trimmed.parameters().entrySet()) {
            String path = e.getKey();
            String layer = path.substring(0, path.lastIndexOf('.'));
            String kind = path.substring(path.lastIndexOf('.') + 1);
            NDArray from = src.get(path).getArray();
            int[] rows = normKeep.containsKey(layer) ? normKeep.get(layer) : outKeep.get(layer);
            int[] cols = kind.equals("weight") ? inKeep.get(layer) : null;
            try (NDManager tmp = trimmed.manager().newSubManager(from.getDevice())) {
                copyInto(e.getValue().getArray(), slice(tmp, from, rows, cols));
            }
        }
        return trimmed;
    }

    /** A copy of {@code model} without the named residual blocks (identity-shortcut blocks only). */
    public static SlimModel dropBlocks(SlimModel model, Set<String> blocks, String name) {
        List<Layer> kept = new ArrayList<>();
        for (Layer l : model.spec().layers()) {
            if (!blocks.contains(l.name())) {
                kept.add(l);
            }
        }
        SlimModel out = SlimModel.create(name, model.spec().withLayers(kept), model.seed());
        Map<String, Parameter> src = model.parameters();
        for (Map.Entry<String, Parameter> e : out.parameters().entrySet()) {
            copyInto(e.getValue().getArray(), src.get(e.getKey()).getArray());
        }
        return out;
    }

    /**
     * A copy of {@code model} (same shape) with the channels not listed in {@code keep} zeroed:
     * producer rows and biases, and batch-norm scale and shift. The trimmed model must compute the
     * same function as this one.
     */
    public static SlimModel zeroRemoved(SlimModel model, List<ChannelGroup> groups, Map<String, int[]> keep) {
        SlimModel copy = model.copy(model.name() + "-zeroed");
        Map<String, Parameter> params = copy.parameters();
        for (ChannelGroup g : groups) {
            int[] k = keep.get(g.producer());
            if (k == null) {
                continue;
            }
            float[] kept = new float[g.width()];
            for (int c : k) {
                kept[c] = 1f;
            }
            List<String> rowsToZero = new ArrayList<>();
            g.producers().forEach(p -> rowsToZero.addAll(List.of(p + ".weight", p + ".bias")));
            g.norms().forEach(n -> rowsToZero.addAll(List.of(n + ".gamma", n + ".beta")));
            for (String path : rowsToZero) {
                Parameter p = params.get(path);
                if (p == null) {
                    continue;
                }
                NDArray array = p.getArray();
                long[] maskShape = new long[array.getShape().dimension()];
                java.util.Arrays.fill(maskShape, 1);
                maskShape[0] = g.width();
                try (NDManager tmp = copy.manager().newSubManager(array.getDevice())) {
                    array.muli(tmp.create(kept, new Shape(maskShape))); // zeroes whole rows, on the device
                }
            }
        }
        return copy;
    }

    /** Applies {@code f(path, layer)} to every layer, residual bodies and shortcuts included. */
    static List<Layer> mapLayers(List<Layer> layers, String prefix, BiFunction<String, Layer, Layer> f) {
        List<Layer> out = new ArrayList<>();
        for (Layer l : layers) {
            String path = prefix.isEmpty() ? l.name() : prefix + "." + l.name();
            Layer mapped = f.apply(path, l);
            if (mapped.kind() == Layer.Kind.RESIDUAL) {
                mapped = mapped.withPaths(mapLayers(mapped.body(), path, f), mapLayers(mapped.shortcut(), path, f));
            }
            out.add(mapped);
        }
        return out;
    }

    /**
     * {@code array[rows, cols, ...]} on the array's device, owned by {@code manager}; null keeps the
     * axis whole.
     */
    static NDArray slice(NDManager manager, NDArray array, int[] rows, int[] cols) {
        NDArray out = array;
        if (rows != null) {
            out = out.get(manager, new NDIndex("{}", manager.create(toLong(rows))));
        }
        if (cols != null) {
            out = out.get(manager, new NDIndex(":, {}", manager.create(toLong(cols))));
        }
        return out;
    }

    /** Copies {@code from} into {@code to} (same shape) without leaving the device. */
    static void copyInto(NDArray to, NDArray from) {
        if (!to.getShape().equals(from.getShape())) {
            throw new IllegalStateException("cannot copy " + from.getShape() + " into " + to.getShape());
        }
        if (from.getDevice().equals(to.getDevice())) {
            to.set(new NDIndex(":"), from);
        } else {
            try (NDArray moved = from.toDevice(to.getDevice(), true)) {
                to.set(new NDIndex(":"), moved);
            }
        }
    }

    private static long[] toLong(int[] values) {
        long[] out = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = values[i];
        }
        return out;
    }


    /**
     * {@link #trimChannels}, checked: the result must compute what {@code model} computes with the
     * removed channels zeroed, to {@code tolerance} on a fixed random batch.
     *
     * @return the trimmed model and the largest difference seen
     * @throws IllegalStateException when the check fails (nothing is changed; the trimmed copy is closed)
     */
    static Checked trimChecked(SlimModel model, List<ChannelGroup> groups, Map<String, int[]> keep, String name,
            double tolerance) {
        SlimModel trimmed = trimChannels(model, groups, keep, name);
        double error;
        try (SlimModel zeroed = zeroRemoved(model, groups, keep)) {
            dev.slimkit.train.Interrupted.check("trimming");
            error = maxDifference(trimmed, zeroed);
        } catch (RuntimeException e) {
            trimmed.close();
            throw e;
        }
        if (!(error <= tolerance)) {
            trimmed.close();
            throw new IllegalStateException(String.format(java.util.Locale.ROOT,
                    "trim equivalence check failed: outputs differ by %.3g (> %.0e) from the original with the"
                            + " removed channels zeroed; the model was not changed", error, tolerance));
        }
        return new Checked(trimmed, error);
    }

    /** A trimmed model and its equivalence check's max |Δ|. */
    record Checked(SlimModel model, double error) {}

    /** Max |a(x) − b(x)| on a fixed random batch, in inference mode. */
    static double maxDifference(SlimModel a, SlimModel b) {
        dev.slimkit.train.GradMode.disableOnThisThread();
        try (NDManager m = a.manager().newSubManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(1234);
            NDArray x = m.randomNormal(a.inputShape(8));
            NDArray ya = a.forward(x, false);
            NDArray yb = b.forward(x.toDevice(b.device(), true), false).toDevice(ya.getDevice(), false);
            return ya.sub(yb).abs().max().getFloat();
        }
    }

    /** {@code spec} with every producer of each listed group at its kept count. */
    static ModelSpec specFor(ModelSpec spec, List<ChannelGroup> groups, Map<String, Integer> counts) {
        Map<String, Integer> width = new HashMap<>();
        for (ChannelGroup g : groups) {
            Integer n = counts.get(g.producer());
            if (n != null) {
                g.producers().forEach(p -> width.put(p, n));
            }
        }
        return spec.withLayers(mapLayers(spec.layers(), "", (path, layer) ->
                width.containsKey(path) ? layer.withOut(width.get(path)) : layer));
    }

    /** A pruned source's zeros stay zeros in the channels {@code trimmed} kept, through fine-tuning too. */
    static void keepZeros(SlimModel trimmed, Set<String> maskedPaths) {
        Set<String> paths = new java.util.LinkedHashSet<>(maskedPaths);
        paths.retainAll(trimmed.parameters().keySet());
        if (!paths.isEmpty()) {
            trimmed.setMask(dev.slimkit.model.WeightMask.fromZeros(trimmed, paths));
        }
    }
}

package dev.slimkit.trim;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.Layer;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Interrupted;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Channel importance of a {@link ChannelGroup}, one score per channel, by a {@link
 * Criterion}. A group's members are the slices channel {@code c} owns: row {@code c} of
 * every producer's weight and bias, entry {@code c} of every batch norm's γ and β, and the input
 * slice {@code c} of every consumer's weight (H×W columns after a flatten).
 *
 * <ul>
 *   <li>{@code l1}: Σ |w| over the producers' rows (Li et al. 2017);
 *   <li>{@code bn}: Σ |γ| over the group's batch norms (Network Slimming);
 *   <li>{@code l2-group}: √(Σ x²) over every member slice (Torch-Pruning's group magnitude);
 *   <li>{@code taylor}: Σ |x · ∂L/∂x| over every member slice, the gradient of the mean
 *       cross-entropy over calibration batches (Molchanov et al.).
 * </ul>
 */
final class Importance {

    private Importance() {}

    /** Parameter values (and gradients, for Taylor) on the host, by parameter path. */
    private record Values(Map<String, float[]> value, Map<String, long[]> shape, Map<String, float[]> grad) {}

    /**
     * Scores of every group's channels, by the group's first producer.
     *
     * @param calibration training images for {@code taylor} (null otherwise)
     * @param batches calibration batches, each of {@code batchSize} images
     */
    static Map<String, float[]> scores(SlimModel model, List<ChannelGroup> groups, Criterion criterion,
            ImageSplit calibration, int batches, int batchSize, long seed) {
        Values v = values(model, criterion == Criterion.TAYLOR
                ? gradients(model, calibration, batches, batchSize, seed) : null);
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            double[] s = new double[g.width()];
            switch (criterion) {
                case L1 -> g.producers().forEach(p -> rows(v, p + ".weight", s, Math::abs));
                case BN -> g.norms().forEach(n -> rows(v, n + ".gamma", s, Math::abs));
                case L2_GROUP, TAYLOR -> {
                    boolean taylor = criterion == Criterion.TAYLOR;
                    for (String p : g.producers()) {
                        member(v, p + ".weight", s, taylor, -1);
                        member(v, p + ".bias", s, taylor, -1);
                    }
                    for (String n : g.norms()) {
                        member(v, n + ".gamma", s, taylor, -1);
                        member(v, n + ".beta", s, taylor, -1);
                    }
                    for (ChannelGroup.Consumer c : g.consumers()) {
                        member(v, c.path() + ".weight", s, taylor, c.positions());
                    }
                    if (!taylor) {
                        for (int c = 0; c < s.length; c++) {
                            s[c] = Math.sqrt(s[c]);
                        }
                    }
                }
            }
            float[] f = new float[s.length];
            for (int c = 0; c < s.length; c++) {
                f[c] = (float) s[c];
            }
            out.put(g.producer(), f);
        }
        return out;
    }

    private static void rows(Values v, String path, double[] s, java.util.function.DoubleUnaryOperator f) {
        float[] a = v.value().get(path);
        int row = a.length / s.length;
        for (int c = 0; c < s.length; c++) {
            for (int i = 0; i < row; i++) {
                s[c] += f.applyAsDouble(a[c * row + i]);
            }
        }
    }

    /**
     * Adds Σ x² (or Σ |x·g| for Taylor) over channel slices of one parameter: rows when {@code
     * positions < 0}, else input columns of a consumer weight ({@code positions} per channel).
     */
    private static void member(Values v, String path, double[] s, boolean taylor, int positions) {
        float[] a = v.value().get(path);
        if (a == null) {
            return; // no bias
        }
        float[] g = taylor ? v.grad().get(path) : null;
        if (taylor && g == null) {
            return; // a frozen or gradient-less parameter adds nothing
        }
        long[] shape = v.shape().get(path);
        if (positions < 0) {
            int row = a.length / s.length;
            for (int c = 0; c < s.length; c++) {
                for (int i = c * row; i < (c + 1) * row; i++) {
                    s[c] += taylor ? Math.abs((double) a[i] * g[i]) : (double) a[i] * a[i];
                }
            }
            return;
        }
        int outs = (int) shape[0];
        int ins = (int) shape[1];
        int rest = a.length / (outs * ins);
        for (int o = 0; o < outs; o++) {
            for (int in = 0; in < ins; in++) {
                int c = in / positions;
                int base = (o * ins + in) * rest;
                for (int r = base; r < base + rest; r++) {
                    s[c] += taylor ? Math.abs((double) a[r] * g[r]) : (double) a[r] * a[r];
                }
            }
        }
    }

    private static Values values(SlimModel model, Map<String, float[]> grads) {
        Map<String, float[]> value = new HashMap<>();
        Map<String, long[]> shape = new HashMap<>();
        for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
            NDArray a = e.getValue().getArray();
            value.put(e.getKey(), a.toFloatArray());
            shape.put(e.getKey(), a.getShape().getShape());
        }
        return new Values(value, shape, grads);
    }

    /**
     * The gradient of the mean cross-entropy over {@code batches} seeded batches of {@code split},
     * averaged, by parameter path; computed on a copy, so the model's weights, statistics and
     * gradients are untouched.
     */
    static Map<String, float[]> gradients(SlimModel model, ImageSplit split, int batches, int batchSize, long seed) {
        Map<String, float[]> sum = new HashMap<>();
        int[] order = split.shuffledOrder(new java.util.Random(seed));
        int n = Math.min(batches, (split.size() + batchSize - 1) / batchSize);
        Loss loss = Loss.softmaxCrossEntropyLoss();
        try (SlimModel copy = model.copy(model.name() + "-calibration")) {
            Map<String, Parameter> params = copy.parameters();
            for (int b = 0; b < n; b++) {
                Interrupted.check("taylor calibration");
                int from = b * batchSize;
                int to = Math.min(split.size(), from + batchSize);
                try (NDManager m = copy.manager().newSubManager()) {
                    NDArray images = split.batchImages(m, order, from, to);
                    NDArray labels = split.batchLabels(m, order, from, to);
                    try (GradientCollector tape = Engine.getInstance().newGradientCollector()) {
                        NDArray logits = copy.forward(images, false);
                        tape.backward(loss.evaluate(new NDList(labels), new NDList(logits)));
                    }
                    for (Map.Entry<String, Parameter> e : params.entrySet()) {
                        NDArray a = e.getValue().getArray();
                        if (!a.hasGradient()) {
                            continue;
                        }
                        NDArray grad = a.getGradient();
                        float[] g = grad.toFloatArray();
                        grad.muli(0); // the next batch starts from zero
                        float[] acc = sum.computeIfAbsent(e.getKey(), k -> new float[g.length]);
                        for (int i = 0; i < g.length; i++) {
                            acc[i] += g[i] / n;
                        }
                    }
                }
            }
        }
        return sum;
    }

    /** The most important {@code counts} channels of each group, in ascending index order (ties keep the lower index). */
    static Map<String, int[]> keep(List<ChannelGroup> groups, Map<String, float[]> scores, Map<String, Integer> counts) {
        Map<String, int[]> keep = new java.util.LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            int n = counts.getOrDefault(g.producer(), g.width());
            if (n >= g.width()) {
                continue;
            }
            float[] s = scores.get(g.producer());
            Integer[] order = new Integer[g.width()];
            for (int c = 0; c < order.length; c++) {
                order[c] = c;
            }
            java.util.Arrays.sort(order, java.util.Comparator.<Integer>comparingDouble(c -> -s[c]).thenComparingInt(c -> c));
            int[] kept = new int[n];
            for (int i = 0; i < n; i++) {
                kept[i] = order[i];
            }
            java.util.Arrays.sort(kept);
            keep.put(g.producer(), kept);
        }
        return keep;
    }

    /** The {@code k} identity residual blocks whose last batch norm has the smallest mean |γ|. */
    static java.util.Set<String> leastImportantBlocks(SlimModel model, int k) {
        var params = model.parameters();
        Map<String, Double> score = new java.util.LinkedHashMap<>();
        for (Layer block : model.spec().layers()) {
            if (block.kind() != Layer.Kind.RESIDUAL || !block.shortcut().isEmpty()) {
                continue;
            }
            String lastNorm = null;
            for (Layer inner : block.body()) {
                if (inner.kind() == Layer.Kind.BATCH_NORM) {
                    lastNorm = block.name() + "." + inner.name();
                }
            }
            float[] gamma = params.get(lastNorm + ".gamma").getArray().toFloatArray();
            double s = 0;
            for (float g : gamma) {
                s += Math.abs(g);
            }
            score.put(block.name(), s / gamma.length);
        }
        List<String> sorted = new java.util.ArrayList<>(score.keySet());
        sorted.sort(java.util.Comparator.comparingDouble(score::get));
        return new java.util.LinkedHashSet<>(sorted.subList(0, k));
    }
}

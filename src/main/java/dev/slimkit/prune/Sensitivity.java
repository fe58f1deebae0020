package dev.slimkit.prune;

import ai.djl.nn.Parameter;
import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Sensitivity analysis (as NNI's): prunes one layer at a time, by magnitude, at each sparsity
 * level, and measures accuracy, restoring the layer's weights after each trial. Layers whose
 * accuracy falls fast are the ones to exclude or prune less. The scan is a choice, so {@link
 * #scan(SlimModel, ImageData, double[], String)} reads the data's validation split ({@link
 * ImageData#choiceSplit()}), never its test split.
 */
public final class Sensitivity {

    /**
     * Accuracy per layer and level.
     *
     * @param levels the sparsity levels tried
     * @param baseline accuracy of the unpruned model
     * @param accuracy accuracy per layer path, one value per level
     * @param split what the accuracies were measured on, e.g. {@code validation}
     * @param note one line for the user about that split (a carved validation split), or null
     */
    public record Result(double[] levels, double baseline, Map<String, double[]> accuracy, String split, String note) {
        /** The largest level at which a layer stays within {@code drop} of the baseline (0 if none). */
        public double safeLevel(String layer, double drop) {
            double best = 0;
            double[] acc = accuracy.get(layer);
            for (int i = 0; i < levels.length; i++) {
                if (acc[i] >= baseline - drop) {
                    best = Math.max(best, levels[i]);
                }
            }
            return best;
        }
    }

    /** The levels scanned when none are given. */
    public static final String DEFAULT_LEVELS = "0.1,0.3,0.5,0.7,0.9";

    private Sensitivity() {}

    /**
     * Scans on {@code data}'s validation split (a seeded tenth of its training images, with a note,
     * when it has none); see {@link #scan(SlimModel, ImageSplit, double[], String)}.
     */
    public static Result scan(SlimModel model, ImageData data, double[] levels, String exclude) {
        ImageData.ChoiceSplit on = data.choiceSplit();
        Result r = scan(model, on.split(), levels, exclude);
        return new Result(r.levels(), r.baseline(), r.accuracy(), on.name(), on.note());
    }

    /**
     * Scans every prunable layer (see {@link Prunable}) of {@code model} on {@code split}. The
     * model is left exactly as it was.
     *
     * @throws IllegalArgumentException for an empty level list or a level outside [0, 1)
     */
    public static Result scan(SlimModel model, ImageSplit split, double[] levels, String exclude) {
        if (levels.length == 0) {
            throw new IllegalArgumentException("sensitivity needs at least one level; pass e.g. 0.1,0.3,0.5,0.7,0.9");
        }
        for (double level : levels) {
            MaskSelector.checkSparsity(level);
        }
        Evaluator.checkCompatible(model, split);
        try (SlimModel.Lease lease = model.lock("sensitivity")) {
            return scanLocked(model, split, levels, exclude);
        }
    }

    private static Result scanLocked(SlimModel model, ImageSplit split, double[] levels, String exclude) {
        double baseline = Evaluator.evaluate(model, split, 256).accuracy();
        Map<String, double[]> accuracy = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : Prunable.weights(model, exclude).entrySet()) {
            float[] original = e.getValue().getArray().toFloatArray();
            double[] acc = new double[levels.length];
            try {
                for (int i = 0; i < levels.length; i++) {
                    boolean[] keep = MaskSelector.select(
                            Map.of(e.getKey(), Importance.l1().scores(e.getKey(), original)), levels[i],
                            MaskSelector.Scope.LAYER).get(e.getKey());
                    float[] pruned = original.clone();
                    for (int j = 0; j < pruned.length; j++) {
                        if (!keep[j]) {
                            pruned[j] = 0f;
                        }
                    }
                    e.getValue().getArray().set(pruned);
                    acc[i] = Evaluator.evaluate(model, split, 256).accuracy();
                }
            } finally {
                e.getValue().getArray().set(original);
            }
            accuracy.put(e.getKey().substring(0, e.getKey().length() - ".weight".length()), acc);
        }
        return new Result(levels.clone(), baseline, accuracy, "given split", null);
    }

    /** Parses a comma-separated list of levels such as {@code 0.1,0.3,0.5}. */
    public static double[] parseLevels(String text) {
        List<Double> out = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                out.add(MaskSelector.checkSparsity(Double.parseDouble(part.strip())));
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException("cannot read level [" + part.strip() + "] in [" + text
                        + "]; pass fractions such as 0.1,0.3,0.5");
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).toArray();
    }
}

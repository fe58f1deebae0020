package dev.slimkit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.SlimModel;

/**
 * Runs a model over a split in inference mode (BN running statistics, no gradient recording)
 * and counts the confusion matrix and mean loss. Each batch lives in a sub-manager that is closed
 * at once, so memory stays flat.
 */
public final class Evaluator {

    private Evaluator() {}

    /**
     * Evaluates {@code model} on {@code split}.
     *
     * @throws IllegalArgumentException if the split's class count or image shape does not match
     *     the model
     */
    public static Evaluation evaluate(SlimModel model, ImageSplit split, int batchSize) {
        checkCompatible(model, split);
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "batch size must be >= 1, got [" + batchSize + "]; pass e.g. 256");
        }
        GradMode.disableOnThisThread();
        int classes = model.spec().classes();
        int[][] confusion = new int[classes][classes];
        int[] order = split.identityOrder();
        double lossSum = 0;
        BatchLoss loss = BatchLoss.crossEntropy();
        for (int from = 0; from < split.size(); from += batchSize) {
            Interrupted.check("evaluation");
            int to = Math.min(split.size(), from + batchSize);
            try (NDManager batch = model.manager().newSubManager()) {
                NDArray images = split.batchImages(batch, order, from, to);
                NDArray labels = split.batchLabels(batch, order, from, to);
                NDArray logits = model.forward(images, false);
                lossSum += loss.compute(logits, labels, images).getFloat() * (to - from);
                long[] predicted = logits.argMax(1).toLongArray();
                for (int i = 0; i < predicted.length; i++) {
                    confusion[split.label(order[from + i])][(int) predicted[i]]++;
                }
            }
        }
        return new Evaluation(confusion, split.size() == 0 ? Double.NaN : lossSum / split.size());
    }

    /**
     * The logits of every image of {@code split} under {@code model} in inference mode (no tape,
     * batch-norm running statistics), row after row: {@code split.size() × classes} values. Stops at
     * the next batch when the thread is interrupted.
     *
     * @throws Interrupted when interrupted
     */
    public static float[] logits(SlimModel model, ImageSplit split, int batchSize) {
        checkCompatible(model, split);
        GradMode.disableOnThisThread();
        int classes = model.spec().classes();
        float[] out = new float[split.size() * classes];
        int[] order = split.identityOrder();
        for (int from = 0; from < split.size(); from += batchSize) {
            Interrupted.check("teacher logits");
            int to = Math.min(split.size(), from + batchSize);
            try (NDManager batch = model.manager().newSubManager()) {
                float[] rows = model.forward(split.batchImages(batch, order, from, to), false)
                        .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
                System.arraycopy(rows, 0, out, from * classes, rows.length);
            }
        }
        return out;
    }

    /**
     * The {@code n} images of {@code split} with the highest loss under {@code model}, highest
     * first (ties: lower index first), in batches of 256; see {@link #worst(SlimModel, ImageSplit,
     * int, int)}.
     */
    public static java.util.List<TopLoss> worst(SlimModel model, ImageSplit split, int n) {
        return worst(model, split, n, 256);
    }

    /**
     * The {@code n} images of {@code split} with the highest cross-entropy loss under {@code
     * model} (all of them when the split is smaller), highest first, ties broken by lower index:
     * each with its true class, the predicted class and its softmax probability. Runs in inference
     * mode like {@link #evaluate}; keeps only {@code n} records while it goes.
     *
     * @throws IllegalArgumentException if {@code n} or the batch size is below 1, or the split
     *     does not fit the model
     */
    public static java.util.List<TopLoss> worst(SlimModel model, ImageSplit split, int n, int batchSize) {
        checkCompatible(model, split);
        if (n < 1) {
            throw new IllegalArgumentException("need n >= 1 images, got [" + n + "]; pass e.g. 16");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "batch size must be >= 1, got [" + batchSize + "]; pass e.g. 256");
        }
        GradMode.disableOnThisThread();
        java.util.Comparator<TopLoss> order = java.util.Comparator.comparingDouble(TopLoss::loss).reversed()
                .thenComparingInt(TopLoss::index);
        // the head of the queue is the record that leaves first: the lowest loss kept so far
        java.util.PriorityQueue<TopLoss> kept = new java.util.PriorityQueue<>(order.reversed());
        int classes = model.spec().classes();
        int[] identity = split.identityOrder();
        for (int from = 0; from < split.size(); from += batchSize) {
            int to = Math.min(split.size(), from + batchSize);
            float[] logits;
            try (NDManager batch = model.manager().newSubManager()) {
                NDArray images = split.batchImages(batch, identity, from, to);
                logits = model.forward(images, false).toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray();
            }
            for (int i = 0; i < to - from; i++) {
                TopLoss t = topLoss(from + i, split.label(from + i), logits, i * classes, classes);
                kept.add(t);
                if (kept.size() > n) {
                    kept.poll();
                }
            }
        }
        java.util.List<TopLoss> out = new java.util.ArrayList<>(kept);
        out.sort(order);
        return out;
    }

    /** Loss, prediction and probability of one image from its logits, computed stably. */
    public static TopLoss topLoss(int index, int label, float[] logits, int offset, int classes) {
        int best = 0;
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            if (logits[offset + c] > max) {
                max = logits[offset + c];
                best = c;
            }
        }
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            sum += Math.exp(logits[offset + c] - max);
        }
        double logSumExp = max + Math.log(sum);
        return new TopLoss(index, label, best, Math.exp(max - logSumExp), logSumExp - logits[offset + label]);
    }

    /**
     * The fraction of {@code split}'s images on which two models predict the same class (e.g.
     * teacher and distilled student).
     */
    public static double agreement(SlimModel a, SlimModel b, ImageSplit split, int batchSize) {
        checkCompatible(a, split);
        checkCompatible(b, split);
        GradMode.disableOnThisThread();
        int[] order = split.identityOrder();
        long same = 0;
        for (int from = 0; from < split.size(); from += batchSize) {
            Interrupted.check("agreement");
            int to = Math.min(split.size(), from + batchSize);
            try (NDManager batch = a.manager().newSubManager()) {
                NDArray images = split.batchImages(batch, order, from, to);
                long[] pa = a.forward(images, false).argMax(1).toLongArray();
                NDArray imagesB = images.toDevice(b.device(), true);
                long[] pb = b.forward(imagesB, false).argMax(1).toLongArray();
                for (int i = 0; i < pa.length; i++) {
                    if (pa[i] == pb[i]) {
                        same++;
                    }
                }
            }
        }
        return split.size() == 0 ? Double.NaN : (double) same / split.size();
    }

    /**
     * Checks that a split fits a model: same image shape and class count.
     *
     * @throws IllegalArgumentException naming both values and the fix
     */
    public static void checkCompatible(SlimModel model, ImageSplit split) {
        var spec = model.spec();
        if (split.numClasses() != spec.classes()) {
            throw new IllegalArgumentException(
                    "model [" + model.name() + "] has " + spec.classes() + " classes but the data has ["
                            + split.numClasses() + "]; build the model with classes(...) "
                            + split.numClasses() + " or filter the data to " + spec.classes()
                            + " classes");
        }
        if (split.channels() != spec.channels()
                || split.height() != spec.height()
                || split.width() != spec.width()) {
            throw new IllegalArgumentException(
                    "model [" + model.name() + "] takes " + spec.channels() + "x" + spec.height() + "x"
                            + spec.width() + " images but the data has [" + split.channels() + "x"
                            + split.height() + "x" + split.width()
                            + "]; build the model for the data's image shape");
        }
    }
}

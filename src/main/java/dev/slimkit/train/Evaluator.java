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

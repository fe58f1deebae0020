package dev.slimkit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * The training objective of one batch: from the model's logits, the labels and the input images
 * to a scalar loss. The fit loop uses cross-entropy by default; distillation plugs in its own.
 */
@FunctionalInterface
public interface BatchLoss {

    /**
     * Computes the mean loss of a batch, inside the gradient tape.
     *
     * @param logits (N, classes), produced in training mode
     * @param labels (N) int64 class indices
     * @param images (N, C, H, W), for losses that need the input (e.g. a teacher's forward)
     */
    NDArray compute(NDArray logits, NDArray labels, NDArray images);

    /**
     * Called before each batch's forward pass, outside the gradient tape, with the training
     * progress in [0, 1]: the place for work whose gradients must not be recorded (a teacher's
     * forward pass) and for schedules. Does nothing by default.
     */
    default void beforeBatch(NDArray images, NDArray labels, double progress) {}

    /**
     * As {@link #beforeBatch(NDArray, NDArray, double)}, also told which images of the training
     * split the batch holds ({@code order[from..to)}), for losses that look up per-image values
     * computed once (a teacher's cached logits, which images are labelled). The fit loop calls
     * this one; by default it calls the shorter form.
     */
    default void beforeBatch(NDArray images, NDArray labels, int[] order, int from, int to, double progress) {
        beforeBatch(images, labels, progress);
    }

    /**
     * Named parts of the last batch's loss (e.g. soft and hard terms), recorded in the history
     * next to the total; empty by default.
     */
    default java.util.Map<String, Double> components() {
        return java.util.Map.of();
    }

    /**
     * Which images of the last batch carry a real label, as a 0/1 float mask of shape (N), for
     * the training accuracy the fit loop reports (images of a transfer set have none); null, the
     * default, means all of them. Read after {@link #compute}, before the batch's arrays close.
     */
    default NDArray labelledMask() {
        return null;
    }

    /** Softmax cross-entropy with integer labels, averaged over the batch. */
    static BatchLoss crossEntropy() {
        Loss loss = Loss.softmaxCrossEntropyLoss();
        return (logits, labels, images) -> loss.evaluate(new NDList(labels), new NDList(logits));
    }

    /**
     * {@code base} plus {@code lambda}·Σ|γ| over every batch norm's scale (Network Slimming's
     * sparsity term, Liu et al. 2017), so that unimportant channels' γ shrink towards zero before
     * a cut. The term is recorded as the component {@code bn-l1}.
     */
    static BatchLoss withBnL1(BatchLoss base, dev.slimkit.model.SlimModel model, double lambda) {
        java.util.List<ai.djl.nn.Parameter> gammas = model.parameters().entrySet().stream()
                .filter(e -> e.getKey().endsWith(".gamma")).map(java.util.Map.Entry::getValue).toList();
        return new BatchLoss() {
            private double last;

            @Override
            public NDArray compute(NDArray logits, NDArray labels, NDArray images) {
                NDArray loss = base.compute(logits, labels, images);
                NDArray sum = null;
                for (ai.djl.nn.Parameter g : gammas) {
                    NDArray a = g.getArray().abs().sum();
                    sum = sum == null ? a : sum.add(a);
                }
                if (sum == null) {
                    return loss;
                }
                NDArray term = sum.mul((float) lambda);
                last = term.getFloat();
                return loss.add(term);
            }

            @Override
            public void beforeBatch(NDArray images, NDArray labels, double progress) {
                base.beforeBatch(images, labels, progress);
            }

            @Override
            public java.util.Map<String, Double> components() {
                java.util.Map<String, Double> out = new java.util.LinkedHashMap<>(base.components());
                out.put("bn-l1", last);
                return out;
            }
        };
    }
}

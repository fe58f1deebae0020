package dev.slimkit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.SequentialLayers;
import dev.slimkit.model.SlimModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Re-estimates every batch norm's running mean and variance of a model from training batches,
 * forward passes only: after a cut the kept channels' statistics no longer match what the layer
 * sees, and accuracy right after the cut falls towards chance until they are re-estimated. Each
 * statistic becomes the plain average of its per-batch values (PyTorch's {@code momentum=None}),
 * read back from the exponential update the engine applies in training mode. No weight changes.
 */
public final class BatchNormRecalibration {

    /** Training batches read unless told otherwise. */
    public static final int DEFAULT_BATCHES = 20;

    private BatchNormRecalibration() {}

    /**
     * Re-estimates {@code model}'s batch-norm statistics on up to {@code batches} batches of
     * {@code batchSize} images of {@code split}, drawn in a seeded order.
     *
     * @return the images read (0 when the model has no batch norm)
     * @throws Interrupted when the thread is interrupted (the statistics are then as they were)
     */
    public static int recalibrate(SlimModel model, ImageSplit split, int batches, int batchSize, long seed) {
        if (batches < 1 || batchSize < 1) {
            throw new IllegalArgumentException("recalibration needs at least 1 batch of 1 image, got " + batches
                    + " batch(es) of " + batchSize + "; pass e.g. " + DEFAULT_BATCHES + " batches");
        }
        List<NDArray> stats = new ArrayList<>();
        for (Map.Entry<String, ai.djl.nn.Parameter> e : model.parameters().entrySet()) {
            if (e.getKey().endsWith(".runningMean") || e.getKey().endsWith(".runningVar")) {
                stats.add(e.getValue().getArray());
            }
        }
        if (stats.isEmpty() || split.size() == 0) {
            return 0;
        }
        List<float[]> before = stats.stream().map(NDArray::toFloatArray).toList();
        List<double[]> sums = before.stream().map(a -> new double[a.length]).toList();
        // The engine's update in training mode: running = momentum * running + (1 - momentum) * batch.
        double fresh = 1 - SequentialLayers.BN_MOMENTUM;
        int[] order = split.shuffledOrder(new Random(seed));
        int used = 0;
        int read = 0;
        try {
            for (int from = 0; from < split.size() && read < batches; from += batchSize, read++) {
                Interrupted.check("batch-norm recalibration");
                int to = Math.min(split.size(), from + batchSize);
                for (NDArray s : stats) {
                    s.set(new float[(int) s.size()]);
                }
                try (NDManager batch = model.manager().newSubManager()) {
                    model.forward(split.batchImages(batch, order, from, to), true);
                }
                for (int i = 0; i < stats.size(); i++) {
                    float[] v = stats.get(i).toFloatArray();
                    double[] sum = sums.get(i);
                    for (int j = 0; j < v.length; j++) {
                        sum[j] += v[j] / fresh;
                    }
                }
                used += to - from;
            }
        } catch (RuntimeException e) {
            for (int i = 0; i < stats.size(); i++) {
                stats.get(i).set(before.get(i));
            }
            throw e;
        }
        for (int i = 0; i < stats.size(); i++) {
            double[] sum = sums.get(i);
            float[] mean = new float[sum.length];
            for (int j = 0; j < sum.length; j++) {
                mean[j] = (float) (sum[j] / read);
            }
            stats.get(i).set(mean);
        }
        return used;
    }
}

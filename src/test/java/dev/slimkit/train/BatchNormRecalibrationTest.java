package dev.slimkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.SlimModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Batch-norm statistics re-estimated from forward passes: exactly the batch's own, weights untouched. */
class BatchNormRecalibrationTest {

    private static final ImageData DATA = Datasets.synthetic(4, 96, 32, 5);

    @Test
    void oneWholeBatchMakesInferenceComputeWhatTrainingModeComputes() {
        try (SlimModel m = SlimModel.create("cnn-small", 4, 0.25, 2)) {
            ImageSplit split = DATA.train();
            // Wrong statistics, as after a cut: every running mean 3, every running variance 9.
            for (Map.Entry<String, ai.djl.nn.Parameter> e : m.parameters().entrySet()) {
                NDArray a = e.getValue().getArray();
                if (e.getKey().endsWith(".runningMean")) {
                    a.set(filled((int) a.size(), 3f));
                } else if (e.getKey().endsWith(".runningVar")) {
                    a.set(filled((int) a.size(), 9f));
                }
            }
            float[] weightBefore = m.parameters().get("conv1.weight").getArray().toFloatArray();
            double gapBefore = gap(m, split);
            assertEquals(split.size(), BatchNormRecalibration.recalibrate(m, split, 1, split.size(), 0));
            double gapAfter = gap(m, split);
            assertTrue(gapBefore > 0.1, "wrong statistics change the output: " + gapBefore);
            // Training mode normalizes by the biased variance, the running one is unbiased: a 1/n difference.
            assertTrue(gapAfter < 1e-3, "running statistics now equal the batch's: " + gapAfter);
            assertTrue(java.util.Arrays.equals(weightBefore, m.parameters().get("conv1.weight").getArray().toFloatArray()),
                    "weights untouched");
        }
    }

    @Test
    void severalBatchesAverageTheirStatisticsAndBadCountsAreOneLine() {
        try (SlimModel a = SlimModel.create("cnn-small", 4, 0.25, 2); SlimModel b = a.copy("b")) {
            ImageSplit split = DATA.train();
            assertEquals(96, BatchNormRecalibration.recalibrate(a, split, 3, 32, 7));
            assertEquals(64, BatchNormRecalibration.recalibrate(b, split, 2, 32, 7));
            float[] meanA = a.parameters().get("bn1.runningMean").getArray().toFloatArray();
            float[] meanB = b.parameters().get("bn1.runningMean").getArray().toFloatArray();
            assertTrue(maxDiff(meanA, meanB) > 0, "a third batch moves the average");
            assertEquals("recalibration needs at least 1 batch of 1 image, got 0 batch(es) of 32; pass e.g. 20 batches",
                    assertThrows(IllegalArgumentException.class,
                            () -> BatchNormRecalibration.recalibrate(a, split, 0, 32, 0)).getMessage());
        }
    }

    private static float[] filled(int n, float v) {
        float[] out = new float[n];
        java.util.Arrays.fill(out, v);
        return out;
    }

    /** Largest |inference logits − training-mode logits| over the split as one batch. */
    private static double gap(SlimModel m, ImageSplit split) {
        try (NDManager batch = m.manager().newSubManager()) {
            NDArray images = split.batchImages(batch, split.identityOrder(), 0, split.size());
            float[] eval = m.forward(images, false).toFloatArray();
            // Forward in training mode changes the running statistics: keep and restore them.
            Map<String, float[]> saved = new java.util.HashMap<>();
            m.parameters().forEach((k, p) -> saved.put(k, p.getArray().toFloatArray()));
            float[] train = m.forward(images, true).toFloatArray();
            m.parameters().forEach((k, p) -> p.getArray().set(saved.get(k)));
            return maxDiff(eval, train);
        }
    }

    private static double maxDiff(float[] a, float[] b) {
        double max = 0;
        for (int i = 0; i < a.length; i++) {
            max = Math.max(max, Math.abs(a[i] - b[i]));
        }
        return max;
    }
}

package dev.slimkit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PyTorchInitTest {

    /** Conv and linear weights and biases follow U(−1/√fan_in, 1/√fan_in); BN starts at γ = 1, β = 0. */
    @Test
    void weightsAndBiasesFollowPyTorchsFanInUniformAndBatchNormStartsAtIdentity() {
        try (SlimModel model = SlimModel.create("resnet20", 10, 0.5, 3)) {
            int checked = 0;
            for (Map.Entry<String, Parameter> e : model.parameters().entrySet()) {
                String path = e.getKey();
                NDArray a = e.getValue().getArray();
                float[] v = a.toFloatArray();
                if (path.endsWith("gamma")) {
                    for (float x : v) assertEquals(1f, x, 0f, path);
                    continue;
                }
                if (path.endsWith("beta")) {
                    for (float x : v) assertEquals(0f, x, 0f, path);
                    continue;
                }
                if (!path.endsWith(".weight") || a.getShape().dimension() < 2) {
                    continue;
                }
                long fanIn = a.getShape().size() / a.getShape().get(0);
                double bound = 1.0 / Math.sqrt(fanIn);
                double sumSq = 0;
                double max = 0;
                for (float x : v) {
                    sumSq += x * (double) x;
                    max = Math.max(max, Math.abs(x));
                }
                double std = Math.sqrt(sumSq / v.length);
                assertTrue(max <= bound + 1e-7, path + ": |w| max " + max + " > bound " + bound);
                if (v.length >= 1000) { // a uniform's std is bound/√3; loose enough for ~1k draws
                    assertEquals(bound / Math.sqrt(3), std, 0.08 * bound / Math.sqrt(3), path + " std");
                    checked++;
                }
                String bias = path.substring(0, path.length() - "weight".length()) + "bias";
                Parameter b = model.parameters().get(bias);
                if (b != null) {
                    for (float x : b.getArray().toFloatArray()) {
                        assertTrue(Math.abs(x) <= bound + 1e-7, bias + " " + x + " outside ±" + bound);
                    }
                }
            }
            assertTrue(checked >= 10, "only " + checked + " large weight arrays checked");
        }
    }

    @Test
    void theSameSeedGivesTheSameWeightsAndAnotherSeedOthers() {
        try (SlimModel a = SlimModel.create("cnn-small", 10, 0.5, 7);
                SlimModel b = SlimModel.create("cnn-small", 10, 0.5, 7);
                SlimModel c = SlimModel.create("cnn-small", 10, 0.5, 8)) {
            String first = a.parameters().keySet().iterator().next();
            assertArrayEquals(a.parameters().get(first).getArray().toFloatArray(),
                    b.parameters().get(first).getArray().toFloatArray());
            float[] other = c.parameters().get(first).getArray().toFloatArray();
            float[] same = a.parameters().get(first).getArray().toFloatArray();
            int equal = 0;
            for (int i = 0; i < same.length; i++) if (same[i] == other[i]) equal++;
            assertTrue(equal < same.length / 10, equal + " of " + same.length + " equal across seeds");
        }
    }
}

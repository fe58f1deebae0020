package dev.slimkit.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WeightMaskTest {

    @Test
    void fromZerosKeepsExactlyTheNonZeroEntriesOnTheModelsDevice() {
        try (SlimModel model = SlimModel.create("mlp", 10, 0.25, 0)) {
            String path = model.parameters().keySet().stream().filter(p -> p.endsWith(".weight")).findFirst().orElseThrow();
            NDArray w = model.parameters().get(path).getArray();
            float[] v = w.toFloatArray();
            int zeros = 0;
            for (int i = 0; i < v.length; i += 3) {
                v[i] = 0f;
                zeros++;
            }
            w.set(v);
            WeightMask mask = WeightMask.fromZeros(model, Set.of(path));
            assertEquals(Map.of(path, (long) zeros), mask.prunedCounts());
            w.addi(1f); // an optimizer step would move the pruned weights too
            mask.apply();
            float[] after = w.toFloatArray();
            for (int i = 0; i < v.length; i++) {
                assertEquals(i % 3 == 0 ? 0f : v[i] + 1f, after[i], 1e-6, "entry " + i);
            }
            mask.close();
        }
    }
}

package dev.slimkit.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.model.SlimModel;
import org.junit.jupiter.api.Test;

class LatencyTest {

    @Test
    void quantilesInterpolate() {
        double[] sorted = {1, 2, 3, 4, 5};
        assertEquals(3, Latency.quantile(sorted, 0.5));
        assertEquals(2, Latency.quantile(sorted, 0.25));
        assertEquals(4.5, Latency.quantile(new double[] {4, 5}, 0.5));
    }

    @Test
    void measuresAndLeavesNoArraysBehind() {
        try (SlimModel model = SlimModel.create("mlp", 10, 0.25, 0)) {
            int before = model.manager().getManagedArrays().size();
            Latency.Stats s = Latency.measure(model, 4, 2, 7);
            assertEquals(4, s.batchSize());
            assertEquals(7, s.runs());
            assertTrue(s.medianMs() > 0 && s.q1Ms() <= s.medianMs() && s.medianMs() <= s.q3Ms());
            assertEquals(before, model.manager().getManagedArrays().size());
            assertEquals("batch size must be >= 1, got [0]; pass e.g. 1 or 32",
                    assertThrows(IllegalArgumentException.class, () -> Latency.measure(model, 0)).getMessage());
        }
    }
}

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

    /** Interleaved: stats in the order given, each from every round, no arrays left behind; a bigger net is slower. */
    @Test
    void interleavedMeasurementKeepsTheOrderAndSeparatesABigFromASmallModel() {
        try (SlimModel small = SlimModel.create("mlp", 10, 0.25, 0); SlimModel big = SlimModel.create("resnet20", 10, 1.0, 0)) {
            int smallArrays = small.manager().getManagedArrays().size();
            java.util.List<Latency.Stats> s = Latency.measureInterleaved(java.util.List.of(small, big), 8, 2, 9);
            assertEquals(2, s.size());
            for (Latency.Stats x : s) {
                assertEquals(8, x.batchSize());
                assertEquals(9, x.runs());
                assertTrue(x.q1Ms() <= x.medianMs() && x.medianMs() <= x.q3Ms(), x.toString());
            }
            // resnet20 does ~400× the MACs of the quarter-width MLP: far outside any timing noise.
            assertTrue(s.get(1).medianMs() > 5 * s.get(0).medianMs(), s.toString());
            assertEquals(smallArrays, small.manager().getManagedArrays().size());
            assertEquals("no models to measure; pass at least one", assertThrows(IllegalArgumentException.class,
                    () -> Latency.measureInterleaved(java.util.List.of(), 1, 1, 1)).getMessage());
        }
    }
}

package dev.slimkit.step;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.measure.Latency;
import org.junit.jupiter.api.Test;

class ProbeTest {

    private static Probe.Figures figures(double median1, double q1, double q3) {
        Latency.Stats b1 = new Latency.Stats(1, median1, q1, q3, 100, 2, "cpu()");
        Latency.Stats b32 = new Latency.Stats(32, 10 * median1, 10 * q1, 10 * q3, 100, 2, "cpu()");
        return new Probe.Figures(null, null, new Latency.Stats[] {b1, b32});
    }

    /** A change smaller than half the two IQRs is noise; a larger one is not; unmeasured is never noise. */
    @Test
    void aLatencyChangeIsNoiseOnlyWhenSmallerThanTheTimingsSpread() {
        Probe.Figures before = figures(1.00, 0.90, 1.10); // IQR 0.20
        Probe.Figures slightlyFaster = figures(0.87, 0.82, 0.92); // IQR 0.10: |Δ| 0.13 <= 0.15
        Probe.Figures faster = figures(0.80, 0.78, 0.82); // IQR 0.04: |Δ| 0.20 > 0.12
        assertEquals(0.2, before.latencyIqrMs(0), 1e-12);
        assertTrue(slightlyFaster.withinNoiseOf(before, 0));
        assertTrue(slightlyFaster.withinNoiseOf(before, 1));
        assertFalse(faster.withinNoiseOf(before, 0));
        assertFalse(faster.withinNoiseOf(before, 1));
        assertFalse(new Probe.Figures(null, null, null).withinNoiseOf(before, 0));
    }
}

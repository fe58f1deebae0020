package dev.slimkit.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class ScheduleTest {

    @Test
    void valuesAtZeroHalfOne() {
        assertValues(Schedule.constant(0.3), 0.3, 0.3, 0.3);
        assertValues(Schedule.linear(1, 0), 1, 0.5, 0);
        assertValues(Schedule.cosine(1, 0), 1, 0.5, 0);
        assertValues(Schedule.polynomial(1, 0, 2), 1, 0.25, 0);
        // AGP from 0 to 0.8 sparsity: s = 0.8 + (0 − 0.8)(1 − p)^3
        assertValues(Schedule.polynomial(0, 0.8, 3), 0, 0.8 - 0.8 * 0.125, 0.8);
        Schedule oneCycle = Schedule.oneCycle(1.0, 0.25, 25, 1e5);
        assertEquals(1.0 / 25, oneCycle.valueAt(0), 1e-12);
        assertEquals(1.0, oneCycle.valueAt(0.25), 1e-12);
        assertEquals(1e-5, oneCycle.valueAt(1), 1e-12);
        assertEquals(0.5 * (1 + 1e-5), Schedule.oneCycle(1.0).valueAt(0.625), 1e-9);
    }

    @Test
    void clampsProgressAndNamesBadInput() {
        assertEquals(0, Schedule.linear(1, 0).valueAt(7), 1e-12);
        assertEquals("unknown schedule [step]; choose one of constant, linear, cosine, polynomial, one-cycle",
                assertThrows(IllegalArgumentException.class, () -> Schedule.named("step")).getMessage());
        assertEquals("cosine(1 → 0)", Schedule.named("cosine").describe());
    }

    private static void assertValues(Schedule s, double at0, double atHalf, double at1) {
        assertEquals(at0, s.valueAt(0), 1e-12, s.describe());
        assertEquals(atHalf, s.valueAt(0.5), 1e-12, s.describe());
        assertEquals(at1, s.valueAt(1), 1e-12, s.describe());
    }
}

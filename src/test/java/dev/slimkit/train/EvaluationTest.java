package dev.slimkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void figuresFromFixedConfusion() {
        // rows = true class, columns = predicted
        Evaluation e = Evaluation.fromConfusion(new int[][] {
            {5, 1, 0},
            {2, 3, 1},
            {0, 0, 4}});
        assertEquals(16, e.total());
        assertEquals(12.0 / 16, e.accuracy(), 1e-12);
        assertEquals(5.0 / 7, e.precision(0), 1e-12);
        assertEquals(5.0 / 6, e.recall(0), 1e-12);
        assertEquals(3.0 / 4, e.precision(1), 1e-12);
        assertEquals(3.0 / 6, e.recall(1), 1e-12);
        assertEquals(4.0 / 5, e.precision(2), 1e-12);
        assertEquals(1.0, e.recall(2), 1e-12);
        double f1 = 2 * (5.0 / 7) * (5.0 / 6) / (5.0 / 7 + 5.0 / 6);
        assertEquals(f1, e.f1(0), 1e-12);
        assertEquals(6, e.support(1));
        assertEquals((e.f1(0) + e.f1(1) + e.f1(2)) / 3, e.macroF1(), 1e-12);
    }

    @Test
    void emptyClassHasZeroPrecisionAndRecall() {
        Evaluation e = Evaluation.fromConfusion(new int[][] {{3, 0}, {0, 0}});
        assertEquals(0, e.precision(1));
        assertEquals(0, e.recall(1));
        assertEquals(0, e.f1(1));
        assertEquals(1.0, e.accuracy());
    }
}

package dev.slimkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EvaluationTest {

    @Test
    void mostConfusedListsTheLargestMistakesFirstWithTheirShare() {
        Evaluation e = Evaluation.fromConfusion(new int[][] {
            {5, 3, 0},
            {1, 6, 2},
            {0, 4, 4}});
        var top = e.mostConfused(3, 1);
        assertEquals(java.util.List.of(new Evaluation.Confusion(2, 1, 4, 0.5), new Evaluation.Confusion(0, 1, 3, 3.0 / 8),
                new Evaluation.Confusion(1, 2, 2, 2.0 / 9)), top);
        assertEquals(2, e.mostConfused(10, 3).size(), "min count 3 keeps the 4 and the 3");
        assertEquals(java.util.List.of(), Evaluation.fromConfusion(new int[][] {{2, 0}, {0, 3}}).mostConfused(5, 1),
                "no mistakes, no pairs");
    }

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

package dev.slimkit.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.Slim;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import dev.slimkit.step.StepResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LrFinderTest {

    private static final ImageData DATA = Datasets.synthetic(4, 256, 64, 5);

    private static Map<String, byte[]> bytes(SlimModel m) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        m.parameters().forEach((k, p) -> out.put(k, p.getArray().toByteArray()));
        return out;
    }

    @Test
    void everyParameterIncludingBatchNormStatisticsIsRestoredBitForBit() {
        try (SlimModel m = SlimModel.create("cnn-small", 4, 0.25, 3)) {
            FitLoop.fit(m, DATA, TrainConfig.defaults().batchSize(32), List.of());
            try (SlimModel twin = m.copy("twin")) {
                Map<String, byte[]> before = bytes(m);
                int epochs = m.history().epochCount();
                int steps = m.history().steps().size();
                LrFinder.Result r = Slim.lrFind(m, DATA).steps(30).config(TrainConfig.defaults().batchSize(32)).run();
                Map<String, byte[]> after = bytes(m);
                assertEquals(before.keySet(), after.keySet());
                assertTrue(before.keySet().stream().anyMatch(k -> k.contains("runningMean")), before.keySet().toString());
                for (String k : before.keySet()) {
                    assertArrayEquals(before.get(k), after.get(k), "restored: " + k);
                }
                assertEquals(epochs, m.history().epochCount(), "history untouched");
                assertEquals(steps, m.history().steps().size(), "history untouched");
                assertTrue(r.learningRates().length > 5, "the test trained: " + r.learningRates().length + " steps");
                // optimizer state and shuffling: the next fit is the same as on a twin that never had the test
                TrainConfig next = TrainConfig.defaults().batchSize(32).seed(4);
                FitLoop.fit(m, DATA, next, List.of());
                FitLoop.fit(twin, DATA, next, List.of());
                Map<String, byte[]> a = bytes(m);
                Map<String, byte[]> b = bytes(twin);
                for (String k : a.keySet()) {
                    assertArrayEquals(b.get(k), a.get(k), "same next fit: " + k);
                }
            }
        }
    }

    @Test
    void theRateGrowsExponentiallyAndTheTestStopsWhenTheLossBlowsUp() {
        try (SlimModel m = SlimModel.create("mlp", 4, 0.25, 1)) {
            LrFinder.Result r = Slim.lrFind(m, DATA).start(1e-5).end(100).steps(60)
                    .config(TrainConfig.defaults().batchSize(16)).run();
            double[] lrs = r.learningRates();
            assertEquals(1e-5, lrs[0], 1e-10);
            double ratio = Math.pow(100 / 1e-5, 1.0 / 59);
            for (int i = 1; i < lrs.length; i++) {
                assertEquals(ratio, lrs[i] / lrs[i - 1], 1e-4 * ratio, "step " + i);
            }
            assertTrue(r.diverged(), "Adam at lr 100 blows up");
            assertTrue(lrs.length < 60, "stopped early at " + lrs.length);
            double s = r.suggestion();
            assertTrue(s > 1e-5 && s < lrs[lrs.length - 1], "suggestion " + s);
            // the suggestion sits on the falling part: its smoothed loss is below the start's
            int at = 0;
            while (lrs[at] < s) {
                at++;
            }
            assertTrue(r.smoothed()[at] < r.smoothed()[0], r.describe());
            assertEquals(r.losses().length, r.smoothed().length);
        }
    }

    @Test
    void valleyAndSteepestReadTheCurve() {
        // flat, then falling from step 10 to 40, then rising: 50 steps from 1e-6 by factors of 10^(1/10)
        int n = 50;
        double[] lrs = new double[n];
        double[] loss = new double[n];
        for (int i = 0; i < n; i++) {
            lrs[i] = 1e-6 * Math.pow(10, i / 10.0);
            loss[i] = i < 10 ? 2.0 : i <= 40 ? 2.0 - (i - 10) * (i - 10) / 900.0 * 1.5 + 0 : 0.5 + (i - 40) * 0.3;
        }
        loss[9] = 2.0001; // the flat part does not descend strictly
        // longest strictly descending run: steps 9..40 (length 32, start 9 - 1 = 8 as fastai counts) →
        // index 8 + int(32/3) + int(32/3/2) = 8 + 10 + 5 = 23
        assertEquals(lrs[23], LrFinder.Result.valley(lrs, loss, 0), 1e-15);
        // the parabola falls fastest at its end, step 39 (central difference 38..40)
        assertEquals(lrs[39], LrFinder.Result.steepest(lrs, loss, 0), 1e-15);
        double[] rising = {1, 2, 3, 4, 5, 6};
        assertTrue(Double.isNaN(LrFinder.Result.valley(lrs, rising, 0)));
        assertTrue(Double.isNaN(LrFinder.Result.steepest(lrs, rising, 0)));
    }

    @Test
    void badInputsAreOneLineEach() {
        try (SlimModel m = SlimModel.create("mlp", 4, 0.25, 1)) {
            assertEquals("start(...) [10.0] must be below end(...) [1.0]; pass a smaller start(...) or a larger end(...)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.lrFind(m, DATA).start(10).end(1).run())
                            .getMessage());
            assertEquals("steps(...) must be >= 5, got [4]; pass e.g. 100",
                    assertThrows(IllegalArgumentException.class, () -> Slim.lrFind(m, DATA).steps(4)).getMessage());
            assertEquals("start(...) must be > 0, got [0.0]; pass e.g. 1e-7",
                    assertThrows(IllegalArgumentException.class, () -> Slim.lrFind(m, DATA).start(0)).getMessage());
            assertEquals("end(...) must be > 0, got [NaN]; pass e.g. 10",
                    assertThrows(IllegalArgumentException.class, () -> Slim.lrFind(m, DATA).end(Double.NaN)).getMessage());
            assertEquals("lr-find needs data; pass data(...)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.lrFind(m, null)).getMessage());
            ImageData six = Datasets.synthetic(6, 32, 8, 1);
            assertThrows(IllegalArgumentException.class, () -> Slim.lrFind(m, six).run());
        }
    }

    @Test
    void aStepWithLrFindTrainsAtTheSuggestion() {
        try (SlimModel m = SlimModel.create("mlp", 4, 0.25, 1)) {
            var step = Slim.train(m, DATA).batch(32).epochs(1).lrFind(true);
            assertEquals("found by a range test on the training split (valley suggestion)", step.recipe().get("lr"));
            StepResult r = step.run();
            double found = step.lrFinding().suggestion();
            assertEquals(found, r.metrics().get("lr found"), 0);
            assertEquals((float) found, m.history().epochs().get(0).learningRate(), 1e-12);
            assertFalse(found == TrainConfig.defaults().learningRate());
            assertTrue(r.notes().stream().anyMatch(n -> n.startsWith("learning rate by range test: suggested lr")),
                    r.notes().toString());
        }
    }
}

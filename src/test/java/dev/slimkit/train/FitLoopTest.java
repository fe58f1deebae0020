package dev.slimkit.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import java.util.List;
import org.junit.jupiter.api.Test;

class FitLoopTest {

    private static final ImageData DATA = Datasets.synthetic(4, 512, 128, 7);

    @Test
    void reachesHighAccuracyOnSeparableData() {
        try (SlimModel model = SlimModel.create("cnn-small", 4, 0.25, 1)) {
            FitResult fit = FitLoop.fit(model, DATA, TrainConfig.defaults().epochs(2).batchSize(32), List.of());
            assertFalse(fit.interrupted());
            assertEquals(2, fit.epochs().size());
            assertEquals(32, fit.batches());
            Evaluation eval = Evaluator.evaluate(model, DATA.test(), 64);
            assertTrue(eval.accuracy() >= 0.95, "accuracy " + eval.accuracy());
            assertEquals(2, model.history().epochCount());
            assertTrue(model.history().epochs().get(1).trainLoss() < model.history().epochs().get(0).trainLoss());
        }
    }

    @Test
    void interruptStopsBetweenBatchesAndKeepsHistory() throws Exception {
        try (SlimModel model = SlimModel.create("mlp", 4, 0.25, 1)) {
            FitListener stopAfterFive =
                    new FitListener() {
                        @Override
                        public void onBatch(BatchProgress p) {
                            if (p.step() == 5) {
                                Thread.currentThread().interrupt();
                            }
                        }
                    };
            FitResult[] result = new FitResult[1];
            Thread worker =
                    new Thread(
                            () -> result[0] = FitLoop.fit(
                                    model, DATA, TrainConfig.defaults().epochs(3).batchSize(16), List.of(stopAfterFive)));
            worker.start();
            worker.join(60_000);
            assertFalse(worker.isAlive());
            assertTrue(result[0].interrupted());
            assertEquals(5, result[0].batches());
            assertEquals(1, model.history().epochCount());
            assertEquals(5, model.history().epochs().get(0).batches());
            // the model is still usable
            Evaluation eval = Evaluator.evaluate(model, DATA.test(), 64);
            assertEquals(128, eval.total());
        }
    }

    @Test
    void managerArraysStayFlatOverTwoHundredSteps() {
        ImageData data = Datasets.synthetic(4, 16 * 220, 16, 3);
        try (SlimModel model = SlimModel.create("cnn-small", 4, 0.25, 1)) {
            int[] counts = new int[2];
            FitListener counter =
                    new FitListener() {
                        @Override
                        public void onBatch(BatchProgress p) {
                            if (p.step() == 10) {
                                counts[0] = model.manager().getManagedArrays().size();
                            } else if (p.step() == 210) {
                                counts[1] = model.manager().getManagedArrays().size();
                            }
                        }
                    };
            FitLoop.fit(model, data, TrainConfig.defaults().batchSize(16), List.of(counter));
            assertTrue(counts[0] > 0);
            assertEquals(counts[0], counts[1], "arrays on the model's manager at step 10 vs 210");
        }
    }

    @Test
    void rejectsDataWithOtherClassCount() {
        try (SlimModel model = SlimModel.create("mlp", 10, 0.25, 1)) {
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class,
                            () -> FitLoop.fit(model, DATA, TrainConfig.defaults(), List.of()));
            assertEquals(
                    "model [mlp] has 10 classes but the data has [4]; build the model with classes(...) 4"
                            + " or filter the data to 10 classes",
                    e.getMessage());
        }
    }

    @Test
    void configRejectsBadValuesWithTheValueAndFix() {
        assertEquals("epochs must be >= 1, got [-1]; pass e.g. 2",
                assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults().epochs(-1)).getMessage());
        assertEquals("batch size must be >= 1, got [0]; pass e.g. 128",
                assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults().batchSize(0)).getMessage());
        assertEquals("learning rate must be > 0, got [0.0]; pass e.g. 0.001",
                assertThrows(IllegalArgumentException.class, () -> TrainConfig.defaults().learningRate(0)).getMessage());
        assertEquals("unknown optimizer [rmsprop]; choose adam or sgd",
                assertThrows(IllegalArgumentException.class, () -> TrainConfig.Optimizer.parse("rmsprop")).getMessage());
    }
}

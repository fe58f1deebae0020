package dev.slimkit.transfer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import dev.slimkit.Slim;
import dev.slimkit.step.StepResult;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.FitLoop;
import dev.slimkit.model.History;
import dev.slimkit.train.TrainConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TransferTest {

    private static final ImageData SOURCE = Datasets.synthetic(6, 192, 48, 3);
    private static final ImageData TARGET = SOURCE.classes(3, 4, 5); // the same kind of images, a new label set

    private static SlimModel trainedBase() {
        SlimModel base = SlimModel.create("cnn-small", 6, 0.25, 1);
        FitLoop.fit(base, SOURCE, TrainConfig.defaults().batchSize(32), List.of());
        return base;
    }

    private static Map<String, float[]> snapshot(SlimModel m) {
        Map<String, float[]> out = new HashMap<>();
        m.parameters().forEach((k, p) -> out.put(k, p.getArray().toFloatArray()));
        return out;
    }

    @Test
    void frozenBackboneIsBitIdenticalIncludingBatchNormStatistics() {
        try (SlimModel base = trainedBase()) {
            TransferStep step = Slim.transfer(base).data(TARGET).freeze("backbone")
                    .config(TrainConfig.defaults().batchSize(16).learningRate(0.01).weightDecay(0.01)).epochs(3).as("tuned");
            ModelStats frozen = step.freezeNow();
            SlimModel tuned = step.model();
            // head-only trainable: fc2 with 32·0.25 = 32 inputs → 3 classes: 32·3 + 3
            int fcIn = base.spec().layers().get(9).out();
            assertEquals((long) fcIn * 3 + 3, frozen.trainableParams());
            assertEquals(frozen.params() - frozen.trainableParams(), frozen.frozenParams());
            Map<String, float[]> before = snapshot(tuned);
            StepResult r = step.run();
            Map<String, float[]> after = snapshot(tuned);
            for (String key : before.keySet()) {
                if (key.startsWith("fc2.")) {
                    assertFalse(java.util.Arrays.equals(before.get(key), after.get(key)), "head trained: " + key);
                } else {
                    assertArrayEquals(before.get(key), after.get(key), 0f, "frozen (incl. BN running stats): " + key);
                }
            }
            assertEquals(new ai.djl.ndarray.types.Shape(3, fcIn), tuned.parameters().get("fc2.weight").getArray().getShape());
            assertTrue(r.accuracy() > 0.6, "accuracy " + r.accuracy());
            assertTrue(tuned.frozenLayers().isEmpty(), "the freeze holds for the step only");
            // --as left the base untouched
            assertEquals(6, base.spec().classes());
        }
    }

    @Test
    void cachedFeaturesTrainTheSameHeadAsRunningTheFrozenBackboneEachBatch() {
        try (SlimModel base = trainedBase()) {
            TrainConfig config = TrainConfig.defaults().batchSize(16).learningRate(0.01);
            TransferStep plain = Slim.transfer(base).data(TARGET).epochs(3).unfreezeAfter(2).config(config).as("plain");
            TransferStep cached = Slim.transfer(base).data(TARGET).epochs(3).unfreezeAfter(2).config(config).as("cached")
                    .cacheFeatures(true);
            StepResult p = plain.run();
            StepResult c = cached.run();
            try (SlimModel a = plain.model(); SlimModel b = cached.model()) {
                Map<String, float[]> wa = snapshot(a);
                Map<String, float[]> wb = snapshot(b);
                for (String key : wa.keySet()) {
                    assertArrayEquals(wa.get(key), wb.get(key), 1e-4f, key);
                }
                assertEquals(p.accuracy(), c.accuracy(), 1e-9);
                // a new head starts a new history; both ways record the same epochs and step numbers
                assertEquals(3, a.history().epochCount());
                assertEquals(3, b.history().epochCount());
                assertEquals(a.history().steps().stream().map(History.Step::step).toList(),
                        b.history().steps().stream().map(History.Step::step).toList());
                assertTrue(c.metrics().get("feature cache seconds") > 0);
                assertTrue(cached.phases().get(0).contains("head trained on cached features"), cached.phases().get(0));
            }
        }
    }

    /**
     * The case in small: a target with the base's class count but another task (here the
     * same five kinds of images under rotated labels: the base's class 1 is the target's 0, …),
     * backbone frozen, three epochs. With the base's head kept and trained at lr (the old
     * behaviour) the head still points at the old classes; a fresh head at the frozen phase's
     * higher rate learns the new task from the same features.
     */
    @Test
    void aNewTaskWithTheSameClassCountGetsAFreshHeadThatLearns() {
        ImageData source = Datasets.synthetic(5, 600, 200, 1, 28, 28, 1.0f, 11);
        ImageData target = source.classes(1, 2, 3, 4, 0).limit(256); // 8 steps an epoch, as 1,000 images at 128
        try (SlimModel base = SlimModel.create("cnn-small", 5, 0.25, 1)) {
            FitLoop.fit(base, source, TrainConfig.defaults().batchSize(32).epochs(2), List.of());
            TransferStep fresh = Slim.transfer(base).data(target).freeze("backbone").epochs(3).batch(32).as("fresh");
            TransferStep old = Slim.transfer(base).data(target).freeze("backbone").epochs(3).batch(32).as("old")
                    .keepHead(true).headLrMult(1);
            StepResult f = fresh.run();
            StepResult o = old.run();
            try (SlimModel a = fresh.model(); SlimModel b = old.model()) {
                System.out.printf("same-count transfer, frozen backbone, 3 epochs: fresh head %.4f, kept head at lr %.4f%n",
                        f.accuracy(), o.accuracy());
                assertTrue(fresh.headReplaced());
                assertEquals(0.01, f.metrics().get("frozen-phase lr"), 1e-12, "lr × 10");
                assertEquals(0.001, o.metrics().get("frozen-phase lr"), 1e-12);
                assertTrue(f.accuracy() >= 0.6, "fresh head " + f.accuracy());
                assertTrue(o.accuracy() < 0.45, "kept head " + o.accuracy());
                assertTrue(f.recipe().get("head").startsWith("new: 5 → 5 classes"), f.recipe().get("head"));
                // the fresh head is not the base's head
                assertFalse(java.util.Arrays.equals(base.parameters().get("fc2.weight").getArray().toFloatArray(),
                        a.parameters().get("fc2.weight").getArray().toFloatArray()));
            }
        }
    }

    @Test
    void keepingAHeadOfAnotherClassCountIsRefused() {
        try (SlimModel base = SlimModel.create("mlp", 6, 0.25, 0)) {
            assertEquals("keepHead(true) needs the base's head to have the data's 3 classes, but it has 6; drop"
                    + " keepHead(...) for a new head", assertThrows(IllegalArgumentException.class,
                            () -> Slim.transfer(base).data(TARGET).keepHead(true).validate()).getMessage());
            assertEquals("headLrMult(...) must be in [1, 1000], got [0.5]; pass e.g. 10 (1 trains the head at lr)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.transfer(base).headLrMult(0.5)).getMessage());
        }
    }

    @Test
    void aCopyWithTheHeadKeptStartsItsOwnHistory() {
        ImageData sameCount = SOURCE.classes(0, 1, 2, 3, 4, 5); // six classes, as the base's head
        try (SlimModel base = trainedBase()) {
            int baseEpochs = base.history().epochCount();
            TransferStep step = Slim.transfer(base).data(sameCount).epochs(1).batch(32).as("kept").keepHead(true);
            StepResult r = step.run();
            try (SlimModel kept = step.model()) {
                assertFalse(step.headReplaced());
                assertEquals(1, kept.history().epochCount(), "the target task only");
                assertEquals(baseEpochs, base.history().epochCount(), "the base keeps its own");
                assertTrue(r.metrics().containsKey("accuracy before (the base's head)"), r.metrics().toString());
                assertEquals("kept (6 classes, as the base)", r.recipe().get("head"));
            }
        }
    }

    @Test
    void cachingFeaturesNeedsAFrozenBackbone() {
        try (SlimModel base = SlimModel.create("cnn-small", 6, 0.25, 1)) {
            var e = assertThrows(IllegalArgumentException.class,
                    () -> Slim.transfer(base).data(TARGET).freeze("none").cacheFeatures(true).run());
            assertEquals("cacheFeatures(true) needs a frozen backbone, but freeze is [none]; pass freeze(backbone) (or K)"
                    + " or drop cacheFeatures(...)", e.getMessage());
        }
    }

    @Test
    void unfreezeAfterSwitchesAtTheRightEpoch() {
        try (SlimModel base = trainedBase()) {
            Map<Integer, Long> trainableAt = new HashMap<>();
            TransferStep step = Slim.transfer(base).data(TARGET).epochs(3).unfreezeAfter(1).batch(32).as("t");
            SlimModel tuned = step.prepare();
            step.listener(new FitListener() {
                @Override
                public void onEpoch(History.Epoch e, History h) {
                    trainableAt.put(e.epoch(), ModelStats.of(tuned).trainableParams()); // a new head starts a new history
                }
            });
            step.run();
            long all = ModelStats.of(tuned).params();
            assertTrue(trainableAt.get(1) < all, "epoch 1 frozen");
            assertEquals(all, trainableAt.get(2));
            assertEquals(all, trainableAt.get(3));
            assertEquals(List.of("epochs 1-1: 11 layers frozen, lr 0.0100",
                    "epochs 2-3: all trainable at lr 0.00100, backbone at lr × 0.1"), step.phases());
        }
    }

    @Test
    void discriminativeLearningRateScalesTheBackboneStep() {
        // one SGD step from the same weights, once at multiplier 1 and once at 0.1: the backbone moves 10× less
        ImageData one = TARGET.limit(8);
        float[][] deltas = new float[2][];
        double[] factors = {1.0, 0.1};
        for (int i = 0; i < 2; i++) {
            try (SlimModel m = SlimModel.create("mlp", 3, 0.25, 7)) {
                float[] w0 = m.parameters().get("fc1.weight").getArray().toFloatArray();
                m.setLearningRateMultiplier(Set.of("fc1"), factors[i]);
                FitLoop.fit(m, one, TrainConfig.defaults().batchSize(8).optimizer(TrainConfig.Optimizer.SGD).learningRate(0.1),
                        List.of());
                float[] w1 = m.parameters().get("fc1.weight").getArray().toFloatArray();
                deltas[i] = new float[w0.length];
                for (int j = 0; j < w0.length; j++) {
                    deltas[i][j] = w1[j] - w0[j];
                }
            }
        }
        double full = 0;
        double scaled = 0;
        for (int j = 0; j < deltas[0].length; j++) {
            full += Math.abs(deltas[0][j]);
            scaled += Math.abs(deltas[1][j]);
        }
        assertTrue(full > 0);
        assertEquals(0.1, scaled / full, 1e-3);
    }

    @Test
    void badInputNamesTheValue() {
        try (SlimModel base = SlimModel.create("mlp", 6, 0.25, 0)) {
            assertEquals("epochs(...) must be >= 1, got [-1]; pass e.g. 1",
                    assertThrows(IllegalArgumentException.class, () -> Slim.transfer(base).epochs(-1)).getMessage());
            assertEquals("unknown freeze mode [all]; choose backbone, none, or a number of first layers such as 3",
                    assertThrows(IllegalArgumentException.class, () -> Slim.transfer(base).freeze("all")).getMessage());
            assertEquals("transfer needs target data; pass data(...)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.transfer(base).validate()).getMessage());
            assertEquals("unfreezeAfter(...) [2] must be less than the epochs [2]",
                    assertThrows(IllegalArgumentException.class,
                            () -> Slim.transfer(base).data(TARGET).epochs(2).unfreezeAfter(2).validate()).getMessage());
            assertEquals("freeze [9] must be between 1 and 5 (the model has 6 top-level layers, the last is the head)",
                    assertThrows(IllegalArgumentException.class, () -> Slim.transfer(base).data(TARGET).freeze("9").validate()).getMessage());
        }
    }
}

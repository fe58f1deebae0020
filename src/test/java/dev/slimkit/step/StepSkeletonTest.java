package dev.slimkit.step;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.Session;
import dev.slimkit.Slim;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import dev.slimkit.prune.Sensitivity;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** What the shared step skeleton guarantees: memory, locking, interrupts, session ownership. */
class StepSkeletonTest {

    private static final ImageData DATA = Datasets.synthetic(4, 256, 64, 7);

    /** Stops the training thread after {@code n} batches, as the notebook's stop button does. */
    private static FitListener interruptAfter(int n) {
        return new FitListener() {
            private int seen;

            @Override
            public void onBatch(BatchProgress p) {
                if (++seen == n) {
                    Thread.currentThread().interrupt();
                }
            }
        };
    }

    private static Map<String, float[]> weights(SlimModel m) {
        Map<String, float[]> out = new HashMap<>();
        m.parameters().forEach((k, p) -> out.put(k, p.getArray().toFloatArray()));
        return out;
    }

    @Test
    void optimizerStateIsFreedAfterEachFit() {
        try (SlimModel m = SlimModel.create("cnn-small", 4, 0.25, 1)) {
            TrainConfig config = TrainConfig.defaults().batchSize(64);
            FitLoop.fit(m, DATA, config, List.of());
            int afterOne = m.manager().getManagedArrays().size();
            for (int i = 0; i < 4; i++) {
                FitLoop.fit(m, DATA, config, List.of());
            }
            assertEquals(afterOne, m.manager().getManagedArrays().size(), "arrays on the model after 5 fits vs 1");
            FitLoop.fit(m, DATA, config.optimizer(TrainConfig.Optimizer.SGD), List.of());
            assertEquals(afterOne, m.manager().getManagedArrays().size(), "SGD's momentum is freed too");
        }
    }

    @Test
    void aBusyModelRefusesOtherThreads() throws Exception {
        try (SlimModel m = SlimModel.create("mlp", 4, 0.25, 1)) {
            CountDownLatch locked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            Thread holder = new Thread(() -> {
                try (SlimModel.Lease lease = m.lock("sensitivity")) {
                    locked.countDown();
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            holder.start();
            locked.await();
            String expected = "model [mlp] is busy with sensitivity; wait for it or interrupt it";
            assertEquals(expected, assertThrows(IllegalStateException.class,
                    () -> Slim.train(m, DATA).run()).getMessage());
            assertEquals(expected, assertThrows(IllegalStateException.class, () -> m.copy("c")).getMessage());
            assertEquals(expected, assertThrows(IllegalStateException.class, m::close).getMessage());
            java.nio.file.Path file = java.nio.file.Files.createTempFile("busy", ".slim");
            try {
                assertEquals(expected, assertThrows(IllegalStateException.class, () -> Slim.save(m, file)).getMessage());
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
            release.countDown();
            holder.join();
            assertEquals(1, Slim.train(m, DATA).batch(64).run().epochs().size(), "free again once released");
        }
    }

    @Test
    void anInterruptedSensitivityScanRestoresTheModelAndStops() throws Exception {
        try (SlimModel m = SlimModel.create("cnn-small", 4, 0.25, 1)) {
            Map<String, float[]> before = weights(m);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            ImageData big = Datasets.synthetic(4, 16, 4000, 3);
            Thread scan = new Thread(() -> {
                try {
                    Sensitivity.scan(m, big.test(), new double[] {0.1, 0.3, 0.5, 0.7, 0.9}, null);
                } catch (Throwable t) {
                    thrown.set(t);
                }
            });
            scan.start();
            Thread.sleep(300);
            scan.interrupt();
            scan.join(3000);
            assertFalse(scan.isAlive(), "the scan stopped within a batch");
            assertEquals("interrupted during evaluation", thrown.get().getMessage());
            Thread.sleep(500);
            weights(m).forEach((k, w) -> assertArrayEquals(before.get(k), w, 0f, k));
            assertEquals(null, m.busyWith(), "the lock is released");
        }
    }

    @Test
    void anInterruptedPruneFineTuneKeepsItsModelAndClearsTheFlag() {
        try (SlimModel m = SlimModel.create("cnn-small", 4, 0.25, 1)) {
            var step = Slim.prune(m).sparsity(0.7).epochs(2).data(DATA).batch(16).measureLatency(false)
                    .as("sparse").listener(interruptAfter(3));
            StepResult r = step.run();
            assertTrue(r.interrupted());
            assertFalse(Thread.currentThread().isInterrupted(), "the step consumed the interrupt");
            assertEquals(3, r.batches());
            SlimModel sparse = step.outputs().get("sparse");
            assertNotNull(sparse);
            assertTrue(sparse.mask().isPresent(), "the mask stays through the interrupt");
            assertTrue(r.notes().get(0).startsWith("interrupted during training of [sparse] after 3 batches"),
                    r.notes().toString());
            assertFalse(m.mask().isPresent(), "the source is untouched");
            sparse.close();
        }
    }

    @Test
    void anInterruptedTrimFineTuneKeepsTheTrimmedModel() {
        try (SlimModel m = SlimModel.create("cnn-small", 4, 0.25, 1)) {
            var step = Slim.trim(m).remove(0.5).round(2).epochs(1).data(DATA).batch(16).measureLatency(false)
                    .listener(interruptAfter(2));
            StepResult r = step.run();
            assertTrue(r.interrupted());
            SlimModel trimmed = step.outputs().get("cnn-small-trimmed");
            assertEquals(4, trimmed.spec().layers().get(0).out(), "8 → 4 channels");
            assertEquals(2, trimmed.history().totalBatches());
            trimmed.close();
        }
    }

    @Test
    void sessionClosesWhatItReplacesOrDrops() {
        Session session = new Session();
        SlimModel a = session.putModel("a", SlimModel.create("mlp", 4, 0.25, 1));
        session.putModel("b", a); // a second name for the same model
        session.putModel("a", SlimModel.create("mlp", 4, 0.25, 2));
        assertTrue(a.manager().isOpen(), "still held by [b]");
        session.dropModel("b");
        assertFalse(a.manager().isOpen(), "dropped by its last name: closed");
        assertEquals("no model named [b]; known: a; create it with %model b --arch cnn-small",
                assertThrows(IllegalArgumentException.class, () -> session.dropModel("b")).getMessage());
        session.dropModel("a");
        assertTrue(session.allModels().isEmpty());
    }
}

package dev.slimkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.Slim;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import dev.slimkit.step.StepResult;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Each step's magic and its Java chain give the same recipe (same defaults, same result name). */
class StepMagicsTest extends MagicsTestSupport {

    private ImageData data;
    private SlimModel base;

    @BeforeEach
    void setUp() {
        magics.data(args("fm --source synthetic --limit 128 --test-limit 32 --classes 0-3"));
        magics.model(args("m --arch cnn-small --data fm --width 0.25 --seed 1"));
        data = session.data("fm");
        base = session.model("m");
    }

    private void assertSameRecipe(StepResult viaMagic, StepResult viaJava) {
        assertEquals(viaJava.step(), viaMagic.step());
        assertEquals(viaJava.model(), viaMagic.model(), "result name");
        assertEquals(viaJava.recipe(), viaMagic.recipe());
    }

    @Test
    void trainRecipeMatches() {
        magics.train(args("m --data fm --epochs 1 --batch 32 --as t1"));
        StepResult java = Slim.train(base, data).epochs(1).batch(32).as("t1").run();
        assertSameRecipe(session.last(dev.slimkit.step.StepResult.class), java);
        assertTrue(session.hasModel("t1"));
    }

    @Test
    void transferRecipeMatches() {
        magics.data(args("two --source synthetic --limit 64 --test-limit 16 --classes 4,5"));
        magics.transfer(args("m --data two --epochs 2 --unfreeze-after 1 --batch 32 --as t2"));
        StepResult java = Slim.transfer(base).data(session.data("two")).epochs(2).unfreezeAfter(1).batch(32).as("t2").run();
        assertSameRecipe(session.last(dev.slimkit.step.StepResult.class), java);
    }

    @Test
    void transferWithKeepHeadAndHeadRateMatchesJava() {
        magics.transfer(args("m --data fm --epochs 1 --batch 32 --keep-head --head-lr-mult 3 --as k"));
        StepResult java = Slim.transfer(base).data(data).epochs(1).batch(32).keepHead(true).headLrMult(3).as("k").run();
        assertSameRecipe(session.last(dev.slimkit.step.StepResult.class), java);
        assertEquals("kept (4 classes, as the base)", session.last(dev.slimkit.step.StepResult.class).recipe().get("head"));
        assertEquals(0.003, session.last(dev.slimkit.step.StepResult.class).metrics().get("frozen-phase lr"), 1e-12);
    }

    @Test
    void lrFindChartsTheCurveAndLeavesTheModelAsItWas() {
        float[] before = base.parameters().get("conv1.weight").getArray().toFloatArray();
        magics.lrFind(args("m --data fm --steps 12 --batch 16 --start 1e-5 --end 1"));
        var charts = sink.of(org.knowm.xchart.XYChart.class);
        assertEquals(1, charts.size());
        assertTrue(charts.get(0).getSeriesMap().containsKey(dev.slimkit.report.TrainingCharts.LR_LOSS));
        assertEquals(12, charts.get(0).getSeriesMap().get(dev.slimkit.report.TrainingCharts.LR_LOSS).getXData().length);
        String line = sink.values().get(sink.values().size() - 1).toString();
        assertTrue(line.contains("m: suggested lr") && line.contains("weights restored"), line);
        assertTrue(Arrays.equals(before, base.parameters().get("conv1.weight").getArray().toFloatArray()));
        assertEquals(0, base.history().epochCount());
    }

    @Test
    void lrFindBadInputIsOneLine() {
        UsageError e = assertThrows(UsageError.class, () -> magics.lrFind(args("m --data fm --start 1 --end 0.1")));
        assertEquals("%lr-find: --start [1.0] must be below --end [0.1]; pass a smaller --start or a larger --end", e.getMessage());
        e = assertThrows(UsageError.class, () -> magics.lrFind(args("m --data fm --steps 2")));
        assertEquals("%lr-find: --steps must be >= 5, got [2]; pass e.g. 100", e.getMessage());
        e = assertThrows(UsageError.class, () -> magics.train(args("m --data fm --lr fast")));
        assertEquals("%train: --lr must be a number, got [fast]", e.getMessage());
    }

    @Test
    void trainWithLrFindUsesTheSuggestionAndMatchesJava() {
        magics.train(args("m --data fm --epochs 1 --batch 32 --lr find --as f1"));
        StepResult viaMagic = session.last(dev.slimkit.step.StepResult.class);
        StepResult java = Slim.train(base, data).epochs(1).batch(32).lrFind(true).as("f1").run();
        assertSameRecipe(viaMagic, java);
        assertEquals(java.metrics().get("lr found"), viaMagic.metrics().get("lr found"), 0);
        assertEquals((float) (double) viaMagic.metrics().get("lr found"),
                session.model("f1").history().epochs().get(0).learningRate(), 0);
        assertTrue(sink.of(org.knowm.xchart.XYChart.class).stream().anyMatch(c -> c.getTitle().contains("--lr find")));
    }

    @Test
    void distillRecipeMatches() {
        magics.distill(args("m --student mlp --width 0.25 --data fm --batch 32 --no-latency --control"));
        assertTrue(session.hasModel("m-student") && session.hasModel("m-student-scratch"));
        StepResult java = Slim.distill(base).student("mlp").width(0.25).data(data).batch(32).measureLatency(false)
                .control(true).run();
        assertSameRecipe(session.last(dev.slimkit.step.StepResult.class), java);
    }

    @Test
    void pruneRecipeMatches() {
        magics.prune(args("m --sparsity 0.6 --mode agp --prune-steps 3 --epochs 1 --batch 32 --data fm --no-latency --as p"));
        StepResult java = Slim.prune(base).sparsity(0.6).mode("agp").pruneSteps(3).epochs(1).batch(32).data(data)
                .measureLatency(false).as("p").run();
        assertSameRecipe(session.last(dev.slimkit.step.StepResult.class), java);
    }

    @Test
    void trimRecipeMatchesWithTheSameDefaults() {
        magics.trim(args("m --remove 0.5 --no-latency"));
        StepResult java = Slim.trim(base).remove(0.5).measureLatency(false).run();
        assertSameRecipe(session.last(dev.slimkit.step.StepResult.class), java);
        assertEquals("8", java.recipe().get("round to"), "one default for --round and round(...)");
        assertTrue(session.hasModel("m-trimmed"));
    }

    @Test
    void anInterruptedMagicLeavesItsModelInTheSessionAndStops() throws Exception {
        magics.data(args("big --source synthetic --limit 4000 --test-limit 32 --classes 0-3"));
        java.util.concurrent.atomic.AtomicReference<Throwable> error = new java.util.concurrent.atomic.AtomicReference<>();
        Thread cell = new Thread(() -> {
            try {
                magics.prune(args("m --sparsity 0.5 --epochs 20 --batch 16 --data big --no-latency --as sparse"));
            } catch (Throwable t) {
                error.set(t);
            }
        });
        cell.start();
        while (cell.isAlive() && base.busyWith() == null) {
            Thread.sleep(20);
        }
        Thread.sleep(2500); // well into fine-tuning
        cell.interrupt();
        cell.join(3000);
        assertFalse(cell.isAlive(), "the step stopped within a batch");
        assertTrue(error.get().getMessage().startsWith("%prune: interrupted during training of [sparse] after"),
                error.get().getMessage());
        SlimModel sparse = session.model("sparse");
        long steps = sparse.history().totalBatches();
        Thread.sleep(500);
        assertEquals(steps, sparse.history().totalBatches(), "nothing trains on after the interrupt");
        assertTrue(sparse.mask().isPresent());
        assertEquals(null, base.busyWith(), "the source is free again");
        magics.train(args("m --data fm --batch 32")); // the next cell runs at once
    }

    @Test
    void dropFreesAModelAndBusyModelsAnswerInOneLine() throws Exception {
        magics.model(args("x --arch mlp --data fm --width 0.25"));
        SlimModel x = session.model("x");
        magics.drop(args("x"));
        assertFalse(session.hasModel("x"));
        assertFalse(x.manager().isOpen());
        assertEquals("%drop: no model named [x]; known: m; create it with %model x --arch cnn-small",
                assertThrows(UsageError.class, () -> magics.drop(args("x"))).getMessage());
        CountDownLatch locked = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread holder = new Thread(() -> {
            try (SlimModel.Lease lease = base.lock("sensitivity")) {
                locked.countDown();
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        holder.start();
        locked.await();
        try {
            String busy = "model [m] is busy with sensitivity; wait for it or interrupt it";
            assertEquals("%train: " + busy, assertThrows(UsageError.class,
                    () -> magics.train(args("m --data fm --batch 32"))).getMessage());
            assertEquals("%drop: " + busy, assertThrows(UsageError.class, () -> magics.drop(args("m"))).getMessage());
        } finally {
            release.countDown();
            holder.join();
        }
        assertEquals(0, base.history().epochCount(), "the refused training did not run");
    }
}

package dev.slimkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.sweep.Sweep;
import dev.slimkit.sweep.SweepExecutor;
import dev.slimkit.sweep.SweepResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sweeps on a real Spark standalone cluster of two one-core workers on 127.0.0.1, started by the
 * test from the Maven jars: the rows of a 4-trial sweep come from both executors and match the same
 * trials run in this JVM; a killed executor's trial is rerun elsewhere; the stop button's interrupt
 * cancels the job and keeps the finished rows; a failing trial is a row with its error.
 */
class SparkSweepTest {

    @TempDir
    static Path tmp;

    static LocalCluster cluster;
    static ImageData data;
    static SlimModel base;

    @BeforeAll
    static void startCluster() {
        System.setProperty("slimkit.spark.classpath", System.getProperty("java.class.path"));
        cluster = LocalCluster.start(2, tmp.resolve("cluster"), 0);
        data = Datasets.synthetic(4, 240, 80, 3).validationSplit(0.25, 0);
        base = SlimModel.create("base", Architectures.spec("cnn-small", 4, 0.5, 1, 28, 28), 1);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.stop();
        }
        if (base != null) {
            base.close();
        }
    }

    private static Sweep sweep(String recipe) {
        return new Sweep(base).data(data).recipe(recipe).measureLatency(false)
                .reader(dev.slimkit.pipeline.StageLines.detached());
    }

    @Test
    void fourTrialsRunOnBothExecutorsAndMatchTheSameTrialsRunLocally() throws Exception {
        String recipe = "prune --sparsity {0.5,0.8} --epochs 1\ntrim --remove {0.25,0.5} --epochs 1";
        Path dir = tmp.resolve("four");
        SweepResult spark = sweep(recipe).on(SweepExecutor.spark(cluster.url())).dir(dir).run();
        SweepResult local = sweep(recipe).on(SweepExecutor.local()).run();
        assertEquals(4, spark.rows().size(), () -> spark.rows().toString());
        assertFalse(spark.cancelled());
        Set<String> executors = spark.rows().stream().map(r -> r.where().replaceAll(" \\(pid.*", ""))
                .collect(Collectors.toSet());
        assertTrue(executors.size() >= 2, "rows from " + executors);
        for (int i = 0; i < 4; i++) {
            SweepResult.Row s = spark.rows().get(i);
            SweepResult.Row l = local.rows().get(i);
            assertEquals(SweepResult.Status.DONE, s.status(), s.error());
            assertTrue(s.where().startsWith("executor "), s.where());
            assertEquals(l.trial(), s.trial());
            assertEquals(l.yardsticks().params(), s.yardsticks().params());
            assertEquals(l.yardsticks().nonzeroParams(), s.yardsticks().nonzeroParams());
            assertEquals(l.yardsticks().macs(), s.yardsticks().macs());
            // The artifact is the final model: reloaded, it has the row's figures.
            try (SlimModel m = ModelIO.load(s.artifact())) {
                assertEquals(s.yardsticks().params(), ModelStats.of(m).params());
                assertEquals(s.yardsticks().macs(), ModelStats.of(m).macs());
            }
        }
        // Wider trims leave fewer MACs; more sparsity leaves fewer non-zero weights.
        assertTrue(spark.rows().get(1).yardsticks().macs() < spark.rows().get(0).yardsticks().macs());
        assertTrue(spark.rows().get(2).yardsticks().nonzeroParams() < spark.rows().get(0).yardsticks().nonzeroParams());
        assertTrue(Files.readString(dir.resolve("sweep.json")).contains("\"executor\": \"" + cluster.url() + "\""));
    }

    @Test
    void aKilledExecutorsTrialIsRerunElsewhereAndEveryRowArrives() throws Exception {
        // Trials long enough to be killed in the middle: the kill comes 2 s after a task starts, and 12 epochs
        // took 3.5 s a trial on an idle machine, too close; 40 epochs take about 10 s.
        String recipe = "train --epochs 40 --batch 16\nprune --sparsity {0.5,0.7}";
        AtomicReference<Long> killed = new AtomicReference<>();
        Thread killer = new Thread(() -> {
            try {
                killed.set(killWhenRunning());
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        killer.start();
        SweepResult r = sweep(recipe).on(SweepExecutor.spark(cluster.url())).run();
        killer.join(5_000);
        assertNotNull(killed.get(), "no executor was killed");
        assertEquals(2, r.rows().size(), () -> r.rows().toString());
        assertTrue(r.rows().stream().allMatch(x -> x.status() == SweepResult.Status.DONE), () -> r.rows().toString());
        assertTrue(r.rows().stream().anyMatch(x -> x.attempt() >= 1), () -> "no rerun in " + r.rows());
        assertTrue(r.rows().stream().noneMatch(x -> x.where().contains("pid " + killed.get() + ")")),
                () -> "a row from the killed executor " + killed.get() + ": " + r.rows());
    }

    /** Waits until an executor of this app logs that it runs a task, lets it train a little, and kills it; its pid. */
    private static long killWhenRunning() throws Exception {
        long until = System.nanoTime() + 180_000_000_000L;
        while (System.nanoTime() < until) {
            for (ProcessHandle h : cluster.executors()) {
                String command = LocalCluster.commandLine(h);
                String id = command.replaceAll(".*--executor-id (\\S+).*", "$1");
                String app = command.replaceAll(".*--app-id (\\S+).*", "$1");
                if (runsTask(app, id)) {
                    Thread.sleep(2_000);
                    h.destroyForcibly();
                    return h.pid();
                }
            }
            Thread.sleep(200);
        }
        return -1;
    }

    /** Whether the executor's log (work-N/APP/ID/stderr) says it started a task. */
    private static boolean runsTask(String app, String executorId) {
        for (int w = 1; w <= 2; w++) {
            Path log = cluster.logs().resolve("work-" + w).resolve(app).resolve(executorId).resolve("stderr");
            try {
                if (Files.isRegularFile(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains("Running task")) {
                    return true;
                }
            } catch (Exception e) {
                // being written: look again
            }
        }
        return false;
    }

    @Test
    void anInterruptCancelsTheJobAndKeepsTheFinishedRows() throws Exception {
        // Three quick trials and three long ones: the long ones are still running when the stop comes.
        String recipe = "train --epochs {1,40} --batch 16\nprune --sparsity {0.3,0.5,0.7}";
        AtomicReference<SweepResult> result = new AtomicReference<>();
        int[] seen = {0};
        Thread runner = new Thread(() -> result.set(sweep(recipe).on(SweepExecutor.spark(cluster.url()))
                .listener(row -> seen[0]++).run()));
        runner.start();
        long until = System.nanoTime() + 240_000_000_000L;
        while (seen[0] < 2 && System.nanoTime() < until) {
            Thread.sleep(200);
        }
        long stop = System.nanoTime();
        runner.interrupt();
        runner.join(60_000);
        assertFalse(runner.isAlive(), "the sweep did not stop");
        double stopSeconds = (System.nanoTime() - stop) / 1e9;
        SweepResult r = result.get();
        assertTrue(r.cancelled());
        assertEquals(6, r.planned());
        assertTrue(r.rows().size() >= 2 && r.rows().size() < 6, () -> r.rows().toString());
        assertTrue(stopSeconds < 40, "stopping took " + stopSeconds + " s");
    }

    @Test
    void aFailingTrialIsARowWithItsError() {
        // 0.0001 of the MACs cannot be reached by cutting channels: that trial fails when it runs.
        SweepResult r = sweep("trim --macs {0.6,0.0001} --epochs 1").on(SweepExecutor.spark(cluster.url())).run();
        assertEquals(2, r.rows().size());
        assertEquals(SweepResult.Status.DONE, r.rows().get(0).status(), r.rows().get(0).error());
        SweepResult.Row failed = r.rows().get(1);
        assertEquals(SweepResult.Status.FAILED, failed.status());
        assertNull(failed.yardsticks());
        assertTrue(failed.error().startsWith("line 1: trim: cannot reach [1.0E-4] of the MACs"), failed.error());
        assertFalse(failed.error().contains("\n"));
        assertEquals(List.of(failed), r.failed());
        assertEquals(Map.of("trim --macs", "0.0001"), failed.trial().settings());
    }
}

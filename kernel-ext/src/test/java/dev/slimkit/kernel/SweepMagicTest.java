package dev.slimkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.Slim;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.pipeline.PipelineResult;
import dev.slimkit.sweep.SweepExecutor;
import dev.slimkit.sweep.SweepResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

/** %%sweep with the local executor, end to end: in the kernel's JVM and in two worker JVMs. */
class SweepMagicTest extends MagicsTestSupport {

    private static final String RECIPE = "prune --sparsity {0.5,0.8}\n# width\ntrim --remove {0.25,0.5} --round 2";

    @TempDir Path dir;

    @BeforeEach
    void setUp() {
        magics.data(args("fm --source synthetic --limit 160 --test-limit 40 --classes 0-3 --val 0.25"));
        magics.model(args("m --arch cnn-small --data fm --width 0.25 --seed 1"));
    }

    @Test
    void aLocalSweepRunsEveryTrialAsAPipelineAndSavesItsModel() throws Exception {
        Set<String> before = session.allModels().keySet();
        magics.sweep(args("m --data fm --dir " + dir + " --no-latency"), RECIPE);
        SweepResult r = session.last(dev.slimkit.sweep.SweepResult.class);
        assertEquals(4, r.rows().size());
        assertEquals("local", r.executor());
        assertFalse(r.cancelled());
        for (SweepResult.Row row : r.rows()) {
            assertEquals(SweepResult.Status.DONE, row.status(), row.error());
            assertEquals("kernel", row.where());
            assertTrue(Files.isRegularFile(dir.resolve(String.format("trial-%02d.slim", row.trial().index()))));
            assertTrue(row.validationAccuracy() >= 0 && row.validationAccuracy() <= 1);
        }
        assertEquals("sparsity=0.8, remove=0.5", r.rows().get(3).trial().label());
        assertEquals(before, session.allModels().keySet(), "trial models stay out of the session");
        assertTrue(Files.readString(dir.resolve("sweep.json")).contains("\"planned\": 4"));
        int charts = sink.of(XYChart.class).size();
        // A trial is a pipeline run: the same lines through %%pipeline give the same model.
        magics.pipeline(args("m --data fm --no-latency --as p"), r.rows().get(3).trial().body());
        PipelineResult p = session.last(dev.slimkit.pipeline.PipelineResult.class);
        ModelStats s = ModelStats.of(p.finalModel());
        assertEquals(s.params(), r.rows().get(3).yardsticks().params());
        assertEquals(s.nonzeroParams(), r.rows().get(3).yardsticks().nonzeroParams());
        assertEquals(s.macs(), r.rows().get(3).yardsticks().macs());
        assertEquals(p.stages().get(1).yardsticks().accuracy(), r.rows().get(3).yardsticks().accuracy(), 1e-9);
        // The best trial (chosen on validation accuracy) is marked, its file reloads to its figures.
        SweepResult.Row best = r.best("accuracy").orElseThrow();
        assertEquals(r.rows().stream().mapToDouble(SweepResult.Row::validationAccuracy).max().orElseThrow(),
                best.validationAccuracy());
        Table table = sink.of(Table.class).get(0);
        assertEquals(4, table.rowCount());
        assertEquals(List.of("trial", "prune --sparsity", "trim --remove", "status", "ran on"),
                table.columnNames().subList(0, 5));
        assertTrue(table.stringColumn("trial").asList().contains(best.trial().index() + " (best)"));
        assertTrue(table.name().contains("4 finished"), table.name());
        assertEquals(1, charts, "one Pareto chart, updated in place");
        assertTrue(sink.updates.size() >= 8, "table and chart updated as trials finished: " + sink.updates.size());
        SweepResult back = SweepResult.read(dir);
        assertEquals(r.rows().stream().map(SweepResult.Row::trial).toList(), back.rows().stream().map(SweepResult.Row::trial).toList());
        assertEquals(best.artifact(), back.best("accuracy").orElseThrow().artifact());
        assertEquals(best.yardsticks(), back.best("accuracy").orElseThrow().yardsticks());
        try (SlimModel reloaded = Slim.load(best.artifact())) {
            assertEquals(best.yardsticks().macs(), ModelStats.of(reloaded).macs());
        }
    }

    @Test
    void twoWorkerJvmsGiveTheSameModelsAsTheKernel() {
        magics.sweep(args("m --data fm --workers 2 --no-latency --dir " + dir), RECIPE);
        SweepResult workers = session.last(dev.slimkit.sweep.SweepResult.class);
        SweepResult kernel = Slim.sweep(session.model("m")).data(session.data("fm")).recipe(RECIPE).measureLatency(false)
                .on(SweepExecutor.local()).run();
        assertEquals("local, 2 workers", workers.executor());
        assertEquals(4, workers.rows().size());
        Set<String> where = workers.rows().stream().map(r -> r.where().replaceAll(" \\(pid.*", ""))
                .collect(Collectors.toSet());
        assertEquals(Set.of("worker 1", "worker 2"), where);
        for (int i = 0; i < 4; i++) {
            SweepResult.Row w = workers.rows().get(i);
            SweepResult.Row k = kernel.rows().get(i);
            assertEquals(SweepResult.Status.DONE, w.status(), w.error());
            assertEquals(k.yardsticks().params(), w.yardsticks().params());
            assertEquals(k.yardsticks().nonzeroParams(), w.yardsticks().nonzeroParams());
            assertEquals(k.yardsticks().macs(), w.yardsticks().macs());
            assertTrue(Files.isRegularFile(w.artifact()));
        }
    }

    @Test
    void aFailingTrialIsARowAndAnInterruptKeepsTheFinishedRows() {
        magics.sweep(args("m --data fm --no-latency"), "trim --macs {0.6,0.0001}");
        SweepResult r = session.last(dev.slimkit.sweep.SweepResult.class);
        assertEquals(SweepResult.Status.DONE, r.rows().get(0).status());
        assertEquals(SweepResult.Status.FAILED, r.rows().get(1).status());
        assertTrue(r.rows().get(1).error().startsWith("line 1: trim: cannot reach [1.0E-4] of the MACs"),
                r.rows().get(1).error());
        Table table = sink.of(Table.class).get(0);
        assertEquals(r.rows().get(1).error(), table.stringColumn("error").get(1));

        for (int workers : new int[] {0, 2}) {
            SweepResult stopped = Slim.sweep(session.model("m")).data(session.data("fm")).measureLatency(false)
                    .recipe("prune --sparsity {0.1,0.2,0.3,0.4,0.5}").on(SweepExecutor.local(workers))
                    .listener(row -> Thread.currentThread().interrupt()).run();
            assertTrue(Thread.interrupted(), "the interrupt stays visible to the caller");
            assertTrue(stopped.cancelled());
            assertEquals(5, stopped.planned());
            assertTrue(stopped.rows().size() >= 1 && stopped.rows().size() < 5, () -> stopped.rows().toString());
        }
    }

    @Test
    void badInputGetsOneLineAndRunsNothing() {
        String[][] bad = {
            {"m --data fm", "prune --sparsity {0.5,1.5}", "%%sweep: line 1: prune: sparsity must be in [0, 1), got"
                    + " [1.5]; pass a fraction such as 0.8 (trial 1: sparsity=1.5)"},
            {"m --data fm", "prune --sparsity {0.5,,0.8}", "%%sweep: line 1: the set [{0.5,,0.8}] has an empty value;"
                    + " list values separated by single commas, e.g. {0.5,0.8}"},
            {"m --data fm", "prune --sparsity 0.5\nsquash --x {1,2}", "%%sweep: line 2: unknown stage [squash]; choose"
                    + " train, transfer, distill, prune, trim (trial 0: x=1)"},
            {"m --data fm", "# nothing", "%%sweep: the sweep has no stages; write one stage a line with sets of values,"
                    + " e.g. prune --sparsity {0.5,0.8} --epochs 1"},
            {"m --data fm --on yarn", "prune", "%%sweep: --on must be local or spark://HOST:PORT, got [yarn]"},
            {"m --data fm --on spark://h:7077 --workers 2", "prune", "%%sweep: --workers applies to --on local; a Spark"
                    + " cluster has its own workers"},
            {"m --data fm --on spark://nohost", "prune", "%%sweep: --on needs a Spark master URL spark://HOST:PORT, got"
                    + " [spark://nohost]; install/spark-local.sh start 2 prints one for this machine"},
            {"m --data fm --sample 5", "prune --sparsity {0.5,0.8}", "%%sweep: --sample [5] is larger than the 2 trials"
                    + " the sets make; pass at most 2"},
            {"m --data fm --metric loss", "prune", "%%sweep: --metric must be one of accuracy, got [loss]"},
            {"m --data fm --seed 3", "prune", "%%sweep: --seed applies to --sample N; pass --sample too or drop --seed"},
        };
        List<String> wrong = new java.util.ArrayList<>();
        for (String[] c : bad) {
            String got = assertThrows(UsageError.class, () -> magics.sweep(args(c[0]), c[1])).getMessage();
            if (!c[2].equals(got)) {
                wrong.add(c[0] + " | " + c[1] + "\n  want " + c[2] + "\n  got  " + got);
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals("no SweepResult yet: run a step, %%pipeline or %%sweep magic first", assertThrows(
                IllegalStateException.class, () -> session.last(dev.slimkit.sweep.SweepResult.class)).getMessage());
        assertEquals(0, sink.of(Table.class).size());
    }
}

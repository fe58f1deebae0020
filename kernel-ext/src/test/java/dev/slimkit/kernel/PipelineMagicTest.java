package dev.slimkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.Slim;
import dev.slimkit.model.SlimModel;
import dev.slimkit.pipeline.Pipeline;
import dev.slimkit.pipeline.PipelineResult;
import dev.slimkit.pipeline.Stage;
import dev.slimkit.pipeline.StageLines;
import dev.slimkit.recipe.RecipeError;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tech.tablesaw.api.Table;

class PipelineMagicTest extends MagicsTestSupport {

    @TempDir Path dir;

    @BeforeEach
    void setUp() {
        magics.data(args("fm --source synthetic --limit 128 --test-limit 32 --classes 0-3"));
        magics.model(args("m --arch cnn-small --data fm --width 0.25 --seed 1"));
    }

    @Test
    void stageLinesParseWithLineNumbersAndComments() {
        List<Stage> stages = new StageLines(session).read("# a comment\n\nprune --sparsity 0.5\n  trim --remove 0.5 --round 2\n");
        assertEquals(List.of("prune", "trim"), stages.stream().map(Stage::kind).toList());
        assertEquals(List.of(3, 4), stages.stream().map(Stage::line).toList());
        String[][] bad = {
            {"prune --sparsity 0.5\nsquash --hard", "line 2: unknown stage [squash]; choose train, transfer,"
                    + " distill, prune, trim"},
            {"trim --bogus 3", "line 1: trim: unknown option [--bogus]; options: --remove, --macs,"
                    + " --params, --latency, --latency-batch, --criterion, --calibration, --global, --max-per-layer, --round,"
                    + " --cuts, --epochs-per-cut, --blocks, --recalibration-batches, --no-recalibrate, --teacher, --data,"
                    + " --exclude, --epochs, --batch, --lr, --optimizer,"
                    + " --schedule, --weight-decay, --seed, --no-latency, --as (see %trim --help)"},
            {"trim --channels 0.5", "line 1: trim: --channels is now --remove (the fraction of channels removed); write"
                    + " --remove 0.5"},
            {"prune --schedule agp", "--schedule is the learning-rate schedule (constant, linear, cosine, polynomial,"
                    + " one-cycle); the pruning mode [agp] is now --mode agp"},
            {"distill --width 0.5", "line 1: distill needs --student ARCH|NAME; pass an architecture (e.g. cnn-small) or a"
                    + " session model"},
            {"\nprune --data fm", "line 2: prune takes its data from the pipeline's --data; drop --data"},
            {"prune --as p", "line 1: prune takes its name from the pipeline (--as PREFIX); drop --as"},
        };
        for (String[] c : bad) {
            assertEquals(c[1], assertThrows(RecipeError.class,
                    () -> new StageLines(session).read(c[0]).forEach(s -> s.factory().apply(session.model("m"))))
                    .getMessage());
        }
    }

    @Test
    void badCellsAreOneLineAndRunNothing() {
        assertEquals("%%pipeline: the pipeline has no stages; write one stage a line, e.g. prune --sparsity 0.8 --epochs 1",
                assertThrows(UsageError.class, () -> magics.pipeline(args("m --data fm"), "# nothing\n")).getMessage());
        assertEquals("%%pipeline: line 2: prune: sparsity must be in [0, 1), got [1.5]; pass a fraction such as 0.8",
                assertThrows(UsageError.class, () -> magics.pipeline(args("m --data fm"),
                        "train --epochs 1\nprune --sparsity 1.5")).getMessage());
        assertFalse(session.hasModel("m-slim-train"), "nothing ran");
    }

    @Test
    void theCellAndItsJavaTwinGiveTheSameRecipesAndNames() {
        String body = "prune --sparsity 0.5 --epochs 1 --batch 32\ntrim --remove 0.5 --round 2";
        magics.pipeline(args("m --data fm --dir " + dir.resolve("cell") + " --no-latency --as cell"), body);
        PipelineResult cell = session.last(dev.slimkit.pipeline.PipelineResult.class);
        assertTrue(session.hasModel("cell-prune") && session.hasModel("cell-trim") && session.hasModel("cell"));
        Table yard = sink.of(Table.class).stream().filter(t -> t.name().startsWith("pipeline: the four")).findFirst()
                .orElseThrow();
        assertEquals(3, yard.rowCount(), "base, prune, trim");
        Pipeline java = Slim.pipeline(session.model("m")).data(session.data("fm")).dir(dir.resolve("java"))
                .measureLatency(false).as("cell")
                .prune(p -> p.sparsity(0.5).epochs(1).batch(32))
                .trim(t -> t.remove(0.5).round(2));
        PipelineResult twin = java.run();
        for (int i = 0; i < 2; i++) {
            assertEquals(twin.stages().get(i).result().recipe(), cell.stages().get(i).result().recipe());
            assertEquals(twin.stages().get(i).model(), cell.stages().get(i).model());
            assertEquals(twin.stages().get(i).key(), cell.stages().get(i).key(), "same recipe and input, same hash");
        }
        java.outputs().values().forEach(SlimModel::close);
    }
}

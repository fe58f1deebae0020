package dev.slimkit.kernel;

import dev.slimkit.report.Html;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

/** {@code %data --labels}, {@code %distill --unlabelled}, {@code %sensitivity} on the validation split. */
class TransferSetMagicsTest extends MagicsTestSupport {

    private static void assertError(String expected, Runnable action) {
        UsageError e = assertThrows(UsageError.class, action::run);
        assertEquals(expected, e.getMessage());
    }

    @Test
    void labelsPoolTheRestAndDistillUsesThemWithTheCacheReported() {
        magics.data(args("d --source synthetic --classes 0-3 --labels 80 --val 0.25 --seed 2"));
        assertEquals(60, session.data("d").train().size());
        assertEquals(20, session.data("d").validation().orElseThrow().size());
        assertEquals(720, session.data("d").unlabelled().orElseThrow().size());
        assertTrue(sink.of(Html.class).get(0).html().contains("60 train (labelled) + 720 unlabelled"));
        magics.model(args("t --arch mlp --data d --width 0.5"));
        magics.train(args("t --data d --batch 32"));
        sink.clear();
        magics.distill(args("t --student mlp --width 0.25 --data d --unlabelled d --epochs 1 --batch 64 --control"
                + " --no-latency --as s"));
        assertTrue(session.hasModel("s") && session.hasModel("s-scratch"));
        String title = sink.of(Table.class).get(0).name();
        assertTrue(title.contains("teacher logits computed once for 780 images (0.0 MiB"), title);
        assertTrue(title.contains("control trained 13 epoch(s) on the 60 labelled images"), title);
        assertEquals(13, session.model("s").history().totalBatches(), "780 images in batches of 64");
    }

    @Test
    void badLabelsAndUnlabelledGetOneLine() {
        assertError("%data: --labels must keep between 1 and 1999 of the 2000 training images labelled, got [2000];"
                + " pass e.g. 200",
                () -> magics.data(args("d --source synthetic --labels 2000")));
        assertError("%data: --labels must be a whole number, got [x]", () -> magics.data(args("d --source synthetic --labels x")));
        assertFalse(session.hasData("d"));
        magics.data(args("d --source synthetic --limit 200"));
        magics.model(args("t --arch mlp --data d --width 0.25"));
        assertError("%distill: no data named [nope]; known: d; create it with %data nope --source fashion-mnist",
                () -> magics.distill(args("t --student mlp --data d --unlabelled nope")));
        assertError("%distill: --alpha is 0, so the --unlabelled images would teach nothing; pass alpha > 0, e.g. 0.7",
                () -> magics.distill(args("t --student mlp --data d --unlabelled d --alpha 0")));
        assertFalse(session.hasModel("t-student"));
    }

    @Test
    void sensitivityReadsTheValidationSplitOrSaysItCarvedOne() {
        magics.data(args("d --source synthetic --limit 300 --classes 0-3"));
        magics.model(args("m --arch mlp --data d --width 0.25"));
        sink.clear();
        magics.sensitivity(args("m --data d --levels 0.5"));
        assertTrue(sink.of(Html.class).get(0).html().startsWith("<div>synthetic has no validation split: this choice read 30"
                + " of its training images"), sink.of(Html.class).get(0).html());
        assertTrue(sink.of(Html.class).get(0).html().contains("(%data --val 0.1)"), sink.of(Html.class).get(0).html());
        assertTrue(sink.of(Table.class).get(0).name().startsWith("m sensitivity (carved validation accuracy) — baseline"));
        magics.data(args("v --source synthetic --limit 300 --classes 0-3 --val 0.2"));
        sink.clear();
        magics.sensitivity(args("m --data v --levels 0.5"));
        assertEquals(0, sink.of(Html.class).size(), "a real validation split needs no note");
        assertEquals("validation accuracy", sink.of(XYChart.class).get(0).getYAxisTitle());
        assertTrue(sink.of(Table.class).get(0).name().startsWith("m sensitivity (validation accuracy) — baseline"));
    }

    @Test
    void aPipelineStageTakesUnlabelledDataFromTheSessionAndADetachedJvmSaysItCannot() {
        magics.data(args("d --source synthetic --classes 0-3 --labels 80 --seed 2"));
        magics.model(args("t --arch mlp --data d --width 0.5"));
        magics.pipeline(args("t --data d --no-latency --as p"), "distill --student mlp --width 0.25 --unlabelled d --batch 64");
        assertEquals(13, session.model("p").history().totalBatches(), "80 labelled + 720 unlabelled images in batches of 64");
        assertEquals("line 1: distill: data [d] cannot reach this JVM (only the sweep's --data travels); run the sweep"
                + " with --on local", assertThrows(IllegalArgumentException.class, () -> {
                    var stage = dev.slimkit.pipeline.StageLines.detached().read("distill --student mlp --unlabelled d").get(0);
                    try {
                        stage.factory().apply(session.model("t"));
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(stage.where() + e.getMessage(), e);
                    }
                }).getMessage());
    }
}

package dev.slimkit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.measure.ComparisonRow;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluation;
import dev.slimkit.model.History;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.Table;

class ReportTest {

    @TempDir Path dir;

    private static History history() {
        History h = new History();
        for (int s = 1; s <= 6; s++) {
            h.addStep(new History.Step(s, 1.0 / s));
        }
        h.addEpoch(new History.Epoch(1, 0.8, 0.6, 0.7, 0.65, 1e-3, 1, 3));
        h.addEpoch(new History.Epoch(2, 0.4, 0.8, 0.5, 0.75, 1e-3, 1, 3));
        return h;
    }

    @Test
    void trainingCurvesCarryTheHistory() throws Exception {
        XYChart chart = TrainingCharts.trainingCurves(history(), "t");
        assertEquals(List.of(Charts.TRAIN_LOSS, Charts.TRAIN_ACCURACY, Charts.VALIDATION_LOSS, Charts.VALIDATION_ACCURACY, Charts.BOUNDS),
                List.copyOf(chart.getSeriesMap().keySet()));
        assertEquals(6, chart.getSeriesMap().get(Charts.TRAIN_LOSS).getXData().length);
        double[] valX = chart.getSeriesMap().get(Charts.VALIDATION_ACCURACY).getXData();
        assertEquals(List.of(3.0, 6.0), List.of(valX[0], valX[1]));
        History more = history();
        more.addStep(new History.Step(7, 0.1));
        TrainingCharts.updateTrainingCurves(chart, more);
        assertEquals(7, chart.getSeriesMap().get(Charts.TRAIN_LOSS).getXData().length);
        Path png = Charts.savePng(chart, dir.resolve("c.png"));
        byte[] bytes = Files.readAllBytes(png);
        assertTrue(bytes.length > 1000);
        assertEquals((byte) 0x89, bytes[0]);
        assertEquals('P', bytes[1]);
    }

    @Test
    void layerChartAndTablesFromStats() throws Exception {
        try (SlimModel model = SlimModel.create("lenet5", 10, 1.0, 0)) {
            ModelStats stats = ModelStats.of(model);
            CategoryChart bars = Charts.layerParams(stats, "p");
            assertEquals(5, bars.getSeriesMap().get("parameters").getXData().size()); // 2 conv + 3 fc
            assertEquals(1, bars.getSeriesMap().size(), "no non-zero series for a dense model");
            assertTrue(Charts.pngBytes(bars).length > 1000, "renders");
            Table summary = Tables.summary(stats, "s");
            assertEquals(stats.layers().size() + 1, summary.rowCount());
            assertEquals(stats.params(), summary.longColumn("params").get(summary.rowCount() - 1));
            String html = Tables.toHtml(summary);
            assertTrue(html.startsWith("<table class=\"slimkit\"><caption"));
            assertTrue(html.contains("<td style=\"text-align:right\">61,706</td>"), html); // LeNet-5 total
        }
    }

    @Test
    void evaluationAndComparisonTables() {
        Evaluation e = Evaluation.fromConfusion(new int[][] {{3, 1}, {0, 4}});
        Table t = Tables.evaluation(e, List.of("a<b", "c"), "eval");
        assertEquals(2, t.rowCount());
        assertEquals(0.75, t.doubleColumn("recall").get(0), 1e-9);
        assertTrue(Tables.toHtml(t).contains("a&lt;b"));
        assertTrue(t.name().contains("accuracy 0.8750"));
        Table c = Tables.comparison(List.of(new ComparisonRow("m", 10, 5, 100, 1.5, Double.NaN, 0.9)), "cmp");
        assertTrue(Tables.toHtml(c).contains("<td style=\"text-align:right\">–</td>"));
        assertEquals(1, Charts.confusion(e, List.of("a", "c"), "cm").getSeriesMap().size());
    }

    /** Latency cells read "median (IQR)"; a speed-up smaller than the timings' spread is labelled so. */
    @Test
    void comparisonShowsLatencySpreadAndLabelsSpeedUpsInsideTheNoise() {
        Table c = Tables.comparison(List.of(
                new ComparisonRow("base", 10, 10, 100, 1.0, 8.0, 0.9, 0.1, 0.5),
                new ComparisonRow("same", 10, 10, 100, 1.0, 7.6, 0.9, 0.1, 0.4),
                new ComparisonRow("slim", 5, 5, 50, 0.5, 4.0, 0.88, 0.05, 0.2)), "cmp");
        assertEquals(List.of("1.000 (0.100)", "1.000 (0.100)", "0.500 (0.050)"), c.stringColumn("ms batch 1 (IQR)").asList());
        assertEquals(List.of("8.000 (0.500)", "7.600 (0.400)", "4.000 (0.200)"), c.stringColumn("ms batch 32 (IQR)").asList());
        // same: 8.0 / 7.6 = 1.05×, |8.0 − 7.6| = 0.4 <= (0.5 + 0.4) / 2 = 0.45; slim: 2.00×, 4.0 > 0.35.
        assertEquals(List.of("reference", "1.05× within noise", "2.00×"), c.stringColumn("speed-up").asList());
        Table noLatency = Tables.comparison(List.of(new ComparisonRow("m", 10, 5, 100, Double.NaN, Double.NaN, 0.9)), "cmp");
        assertFalse(noLatency.columnNames().contains("speed-up"));
    }
}

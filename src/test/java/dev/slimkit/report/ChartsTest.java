package dev.slimkit.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.measure.ComparisonRow;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluation;
import dev.slimkit.model.History;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/** Charts checked by their data: formatter outputs, bounds, frontier points, labels, series. */
class ChartsTest {

    @Test
    void lrFinderPlotsLossAgainstLog10RateAndMarksTheSuggestions() {
        double[] lrs = {1e-4, 1e-3, 1e-2, 1e-1, 1};
        double[] raw = {2.3, 2.1, 1.2, 0.9, 9};
        double[] smooth = {2.3, 2.2, 1.8, 1.4, 3.0};
        var r = new dev.slimkit.train.LrFinder.Result(lrs, raw, smooth, 1e-2, 1.1e-3, true);
        XYChart chart = TrainingCharts.lrFinder(r, "m");
        XYSeries loss = chart.getSeriesMap().get(TrainingCharts.LR_LOSS);
        assertEquals(List.of(-4.0, -3.0, -2.0, -1.0, 0.0), java.util.Arrays.stream(loss.getXData()).boxed()
                .map(v -> Math.rint(v * 1e9) / 1e9).toList());
        XYSeries valley = chart.getSeriesMap().get(TrainingCharts.LR_SUGGESTION + ": 0.010");
        assertEquals(-2.0, valley.getXData()[0], 1e-12);
        assertEquals(1.8, valley.getYData()[0], 1e-12, "on the smoothed curve");
        XYSeries steep = chart.getSeriesMap().get(TrainingCharts.LR_STEEPEST + ": 0.0011");
        assertEquals(-3.0, steep.getXData()[0], 1e-12, "the nearest step");
        assertEquals("1e-3", chart.getStyler().getxAxisTickLabelsFormattingFunction().apply(-3.0));
        assertEquals(" ", chart.getStyler().getxAxisTickLabelsFormattingFunction().apply(-2.5));
        assertEquals(3.0 * 0 + 2.3 * 1.1, chart.getStyler().getYAxisMax(), 1e-6, "clipped above the start");
    }

    @Test
    void countsReadAsHumansWriteThem() {
        assertEquals("4.2 M", AxisFormat.count(4_241_152));
        assertEquals("1.1 M", AxisFormat.count(1_117_056));
        assertEquals("420 k", AxisFormat.count(420_000));
        assertEquals("61.7 k", AxisFormat.count(61_706));
        assertEquals("1 k", AxisFormat.count(1_000));
        assertEquals("950", AxisFormat.count(950));
        assertEquals("1 M", AxisFormat.count(999_999), "rounds up into the next unit, not '1000 k'");
        assertEquals("-2.5 k", AxisFormat.count(-2_500));
        assertEquals("0", AxisFormat.count(0));
        // ticks keep three significant digits, so neighbours never print alike
        assertEquals("1.25 M", AxisFormat.countTick(1_250_000));
        assertEquals("400 k", AxisFormat.countTick(4E5));
        assertEquals("4.24 M", AxisFormat.countTick(4.241152E6));
        assertEquals("1 M", AxisFormat.countTick(999_999.9999));
        assertEquals("0", AxisFormat.countTick(0));
        assertEquals("250", AxisFormat.countTick(250.00000000001));
    }

    @Test
    void millisecondsAndPercentages() {
        assertEquals("0.5 ms", AxisFormat.ms(0.5));
        assertEquals("12.3 ms", AxisFormat.ms(12.34));
        assertEquals("0.042 ms", AxisFormat.ms(0.04213));
        assertEquals("1.5 s", AxisFormat.ms(1500));
        assertEquals("2.5 ms", AxisFormat.msTick(2.5));
        assertEquals("0 ms", AxisFormat.msTick(0));
        assertEquals("89.5%", AxisFormat.percent(0.8954));
        assertEquals("100%", AxisFormat.percent(1));
        assertEquals("88.25%", AxisFormat.percentTick(0.8825));
        assertEquals("87%", AxisFormat.percentTick(0.87000000001));
        assertEquals("–", AxisFormat.percent(Double.NaN));
        assertEquals("0.35", AxisFormat.plainTick(0.35000000000000003));
        assertEquals("12 k", AxisFormat.plainTick(12_000));
    }

    @Test
    void accuracyBoundsShowTheDifferences() {
        // the quickstart's two accuracies: 88.23 % and 89.54 %
        double[] b = AxisFormat.fractionBounds(0.8823, 0.8954);
        assertTrue(b[0] < 0.8823 && b[1] > 0.8954, java.util.Arrays.toString(b));
        assertTrue(b[1] - b[0] <= 0.05, "zoomed in: " + java.util.Arrays.toString(b));
        assertEquals(0, Math.round(b[0] * 1000) % 5, "lower bound on a round half percent");
        double[] top = AxisFormat.fractionBounds(0.99, 1.0);
        assertEquals(1.0, top[1], "never past 100 %");
        double[] one = AxisFormat.fractionBounds(0.5);
        assertTrue(one[1] - one[0] >= 0.02, "a single value still gets a 2-point range");
        assertEquals(List.of(0.0, 1.0), List.of(AxisFormat.fractionBounds()[0], AxisFormat.fractionBounds()[1]));
    }

    @Test
    void logScaleWhenValuesSpanMoreThanTwoDecades() {
        assertTrue(AxisFormat.spansDecades(new double[] {156, 2416, 48120}, 2));
        assertFalse(AxisFormat.spansDecades(new double[] {1_117_056, 4_241_152}, 2));
        assertFalse(AxisFormat.spansDecades(new double[] {0, 5}, 2), "zeros are ignored");
        double[] e = AxisFormat.logScale(156, 48120);
        assertEquals(List.of(2.0, 5.0), List.of(e[0], e[1]));
        var tick = Charts.Measure.COUNT.log10Tick();
        assertEquals("1 k", tick.apply(3.0));
        assertEquals("100 k", tick.apply(5.0));
        assertEquals(" ", tick.apply(2.5), "no label between decades");
        assertEquals("10 ms", Charts.Measure.MS.log10Tick().apply(1.0));
    }

    @Test
    void frontierKeepsTheModelsNothingBeats() {
        List<Pareto.Point> points = List.of(
                new Pareto.Point("big", 10, 0.90),
                new Pareto.Point("mid", 5, 0.88),
                new Pareto.Point("worse", 6, 0.87), // mid is cheaper and better
                new Pareto.Point("small", 1, 0.80),
                new Pareto.Point("copy", 10, 0.90), // ties do not dominate each other
                new Pareto.Point("slow", 12, 0.90), // big is as good and cheaper
                new Pareto.Point("unknown", Double.NaN, 0.99));
        List<Pareto.Point> f = Pareto.frontier(points);
        assertEquals(List.of("small", "mid", "big", "copy"), f.stream().map(Pareto.Point::name).toList());
        double[][] steps = Pareto.steps(Pareto.frontier(points.subList(0, 4)));
        assertEquals(List.of(1.0, 5.0, 5.0, 10.0, 10.0), boxed(steps[0]));
        assertEquals(List.of(0.80, 0.80, 0.88, 0.88, 0.90), boxed(steps[1]));
        assertEquals(1, Pareto.steps(List.of(points.get(0)))[0].length);
        assertEquals(0, Pareto.frontier(List.of()).size());
    }

    @Test
    void paretoLabelsPointsMarksTheReferenceAndStatesTheMeasurement() throws Exception {
        List<ComparisonRow> rows = List.of(
                new ComparisonRow("cnn", 4_241_152, 4_241_152, 4_241_152, 1.2, 9.0, 0.8954),
                new ComparisonRow("cnn_loaded", 4_241_152, 4_241_152, 4_241_152, 1.2, 9.1, 0.8954),
                new ComparisonRow("narrow", 1_117_056, 1_117_056, 1_117_056, 0.5, 3.1, 0.8823));
        XYChart macs = ParetoCharts.pareto(rows, "MACs", "accuracy vs MACs");
        assertEquals(List.of(Charts.BOUNDS, Charts.FRONTIER, Charts.MODELS, "reference (cnn)"),
                List.copyOf(macs.getSeriesMap().keySet()), "first row is the reference by default");
        assertFalse(macs.getSeriesMap().get(Charts.BOUNDS).isShowInLegend());
        XYSeries frontier = macs.getSeriesMap().get(Charts.FRONTIER);
        assertEquals(List.of(1_117_056.0, 4_241_152.0, 4_241_152.0), boxed(frontier.getXData()));
        assertEquals(List.of(0.8823, 0.8823, 0.8954), boxed(frontier.getYData()));
        assertEquals(List.of("cnn, cnn_loaded", "narrow"),
                ParetoCharts.paretoLabels(macs).stream().map(Charts.PointLabel::text).toList(),
                "models at the same figures share one label");
        assertTrue(ParetoCharts.paretoLabels(macs).get(1).y() > 0.8823, "narrow's label sits above its point");
        assertEquals("4 M", macs.getStyler().getxAxisTickLabelsFormattingFunction().apply(4E6));
        assertEquals("89.5%", macs.getStyler().getyAxisTickLabelsFormattingFunction().apply(0.895));
        assertEquals("MACs per image", macs.getXAxisTitle());
        assertTrue(macs.getStyler().getYAxisMin() < 0.8823 && macs.getStyler().getYAxisMax() > 0.8954);

        XYChart ms = ParetoCharts.pareto(rows, "latency", "accuracy vs latency", "narrow",
                ParetoCharts.latencyTitle(32, 100, 2), "accuracy on fmnist test");
        assertEquals("ms at batch 32, median of 100, 2 threads", ms.getXAxisTitle());
        assertEquals("accuracy on fmnist test", ms.getYAxisTitle());
        assertTrue(ms.getSeriesMap().containsKey("reference (narrow)"));
        assertEquals(List.of(9.0, 9.1), boxed(ms.getSeriesMap().get(Charts.MODELS).getXData()));
        assertEquals("2.5 ms", ms.getStyler().getxAxisTickLabelsFormattingFunction().apply(2.5));
        assertEquals(3, ParetoCharts.paretoLabels(ms).size(), "9.0 and 9.1 ms are apart");
        assertTrue(Charts.pngBytes(ms).length > 1000, "renders");

        XYChart none = ParetoCharts.pareto(rows, "MACs", "t", null, null, null);
        assertFalse(none.getSeriesMap().keySet().stream().anyMatch(k -> k.startsWith("reference")));
        assertEquals(3, none.getSeriesMap().get(Charts.MODELS).getXData().length);
        assertThrows(IllegalArgumentException.class, () -> ParetoCharts.pareto(rows, "joules", "t"));
    }

    @Test
    void paretoTurnsLogarithmicForCostsApartByDecades() throws Exception {
        List<ComparisonRow> rows = List.of(
                new ComparisonRow("resnet", 272_000, 272_000, 41_000_000, 1, 30, 0.91),
                new ComparisonRow("mlp", 100_000, 100_000, 100_000, 0.1, 0.2, 0.85),
                new ComparisonRow("nomacs", 1, 1, -1, 0.1, 0.2, 0.5));
        XYChart chart = ParetoCharts.pareto(rows, "MACs", "t");
        assertEquals("MACs per image (log scale)", chart.getXAxisTitle());
        assertEquals(List.of(5.0), boxed(chart.getSeriesMap().get(Charts.MODELS).getXData()), "log10(100 k)");
        assertEquals("10 M", chart.getStyler().getxAxisTickLabelsFormattingFunction().apply(7.0));
        assertEquals(List.of("resnet", "mlp"), ParetoCharts.paretoLabels(chart).stream().map(Charts.PointLabel::text).toList(),
                "the model without MACs is left out");
        assertTrue(Charts.pngBytes(chart).length > 1000);
    }

    @Test
    void layerParamsOnALogAxisWhenLayersDifferByDecades() {
        try (SlimModel model = SlimModel.create("lenet5", 10, 1.0, 0)) {
            ModelStats stats = ModelStats.of(model);
            CategoryChart bars = Charts.layerParams(stats, "p");
            assertEquals("parameters (log scale)", bars.getYAxisTitle());
            List<? extends Number> y = List.copyOf(bars.getSeriesMap().get("parameters").getYData());
            long conv1 = stats.layers().stream().filter(l -> l.params() > 0).findFirst().orElseThrow().params();
            assertEquals(Math.log10(conv1), y.get(0).doubleValue(), 1e-9);
            assertEquals("10 k", bars.getStyler().getyAxisTickLabelsFormattingFunction().apply(4.0));
            assertEquals(2.0, bars.getStyler().getYAxisMin(), "LeNet-5's smallest layer (conv1, 156) sits above 100");
        }
    }

    @Test
    void trainingCurvesShowAccuracyInPercentZoomedToTheFigures() {
        History h = new History();
        for (int s = 10; s <= 60; s += 10) {
            h.addStep(new History.Step(s, 1.0 / s));
        }
        h.addEpoch(new History.Epoch(1, 0.4, 0.84, 0.3, 0.878, 1e-3, 1, 30));
        h.addEpoch(new History.Epoch(2, 0.3, 0.889, 0.28, 0.89, 1e-3, 1, 30));
        XYChart chart = TrainingCharts.trainingCurves(h, "t");
        assertEquals(List.of(84.0, 88.9), boxed(chart.getSeriesMap().get(Charts.TRAIN_ACCURACY).getYData()));
        assertEquals("accuracy (%)", chart.getYAxisGroupTitle(1));
        double lo = chart.getStyler().getYAxisMin(1);
        double hi = chart.getStyler().getYAxisMax(1);
        assertTrue(lo > 70 && lo < 84 && hi > 89 && hi <= 100, lo + " to " + hi);
        assertEquals("1.5 k", chart.getStyler().getxAxisTickLabelsFormattingFunction().apply(1500.0));
        XYSeries bounds = chart.getSeriesMap().get(Charts.BOUNDS);
        assertEquals(0.0, bounds.getXData()[0], "the step axis starts at 0");
        assertFalse(bounds.isShowInLegend());
    }

    @Test
    void perClassAccuracyBarsAndOverallLine() {
        Evaluation e = Evaluation.fromConfusion(new int[][] {{3, 1}, {0, 4}});
        CategoryChart chart = Charts.perClassAccuracy(e, List.of("cat", "dog"), "per class");
        assertEquals(List.of(Charts.PER_CLASS, "overall 87.5%"), List.copyOf(chart.getSeriesMap().keySet()));
        assertEquals(List.of(0.75, 1.0), List.copyOf(chart.getSeriesMap().get(Charts.PER_CLASS).getYData()));
        assertEquals("75%", chart.getStyler().getyAxisTickLabelsFormattingFunction().apply(0.75));
        assertEquals(1.0, chart.getStyler().getYAxisMax());
        assertThrows(IllegalArgumentException.class, () -> Charts.perClassAccuracy(e, List.of("cat"), "t"));
    }

    @Test
    void linesReadAccuracyAndSparsityAsPercentages() throws Exception {
        Map<String, double[][]> series = new LinkedHashMap<>();
        series.put("conv1", new double[][] {{0.1, 0.5, 0.9}, {0.89, 0.88, 0.71}});
        XYChart accuracy = Charts.lines("t", "sparsity of that layer", "test accuracy", series);
        assertEquals("71%", accuracy.getStyler().getyAxisTickLabelsFormattingFunction().apply(0.71));
        assertEquals("50%", accuracy.getStyler().getxAxisTickLabelsFormattingFunction().apply(0.5));
        assertTrue(accuracy.getStyler().getYAxisMin() < 0.71);
        series.put("conv2", new double[][] {{0.1, 0.5, 0.9}, {0.89, 0.885, 0.86}});
        XYChart two = Charts.lines("t", "sparsity", "test accuracy", series);
        assertTrue(two.getSeriesMap().get("conv1").getLineStyle() != two.getSeriesMap().get("conv2").getLineStyle(),
                "lines differ by dash pattern, not only colour");
        Charts.pngBytes(two); // XChart hands out markers while painting
        assertTrue(two.getSeriesMap().get("conv1").getMarker() != two.getSeriesMap().get("conv2").getMarker());
        XYChart temperature = Charts.lines("t", "temperature", "loss", Map.of("a", new double[][] {{1, 4}, {2.5, 1.25}}));
        assertEquals("2.5", temperature.getStyler().getyAxisTickLabelsFormattingFunction().apply(2.5));
        assertFalse(temperature.getStyler().isLegendVisible(), "one series needs no legend");
    }

    @Test
    void everyBuilderUsesTheOneStyle() {
        Evaluation e = Evaluation.fromConfusion(new int[][] {{3, 1}, {0, 4}});
        List<org.knowm.xchart.internal.chartpart.Chart<?, ?>> charts = List.of(
                Charts.confusion(e, List.of("a", "b"), "c"),
                Charts.perClassAccuracy(e, List.of("a", "b"), "p"),
                Charts.lines("l", "x", "y", Map.of("a", new double[][] {{1, 2}, {3, 4}})),
                ParetoCharts.pareto(List.of(new ComparisonRow("m", 1, 1, 1, 1, 1, 0.5)), "MACs", "p"));
        for (var chart : charts) {
            assertEquals(java.awt.Color.WHITE, chart.getStyler().getPlotBackgroundColor(), chart.getTitle());
            assertEquals(java.awt.Color.WHITE, chart.getStyler().getChartBackgroundColor(), chart.getTitle());
            assertTrue(chart.getStyler().getLegendPosition().name().startsWith("Outside"), "legend off the data: " + chart.getTitle());
            assertTrue(chart.getStyler().getChartTitleFont().getSize() >= 14);
        }
    }

    @Test
    void paletteSurvivesGreyscale() {
        // neighbouring series differ in lightness by a visible step, and all differ in marker
        for (int i = 0; i + 1 < ChartStyle.PALETTE.length; i++) {
            assertTrue(Math.abs(luma(ChartStyle.PALETTE[i]) - luma(ChartStyle.PALETTE[i + 1])) >= 25,
                    "colours " + i + " and " + (i + 1));
        }
        assertEquals(ChartStyle.MARKERS.length, java.util.Set.of(ChartStyle.MARKERS).size());
    }

    private static double luma(java.awt.Color c) {
        return 0.299 * c.getRed() + 0.587 * c.getGreen() + 0.114 * c.getBlue();
    }

    private static List<Double> boxed(double[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }
}

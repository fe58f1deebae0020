package dev.slimkit.report;

import dev.slimkit.measure.ComparisonRow;
import dev.slimkit.model.ModelStats;
import dev.slimkit.train.Evaluation;
import dev.slimkit.model.History;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** XChart builders for slimkit's results. Charts are tested by their data, not their pixels. */
public final class Charts {

    /** Series names of {@link #trainingCurves}. */
    public static final String TRAIN_LOSS = "train loss";

    public static final String VALIDATION_LOSS = "validation loss";
    public static final String TRAIN_ACCURACY = "train accuracy";
    public static final String VALIDATION_ACCURACY = "validation accuracy";

    private static final int WIDTH = 720;
    private static final int HEIGHT = 400;

    private Charts() {}

    /**
     * Loss (left axis) and accuracy (right axis) against the training step: the per-step training
     * loss, and the per-epoch figures placed at each epoch's last step. Validation series appear
     * when the history has validation figures. Safe to call while training runs (it reads a
     * snapshot) and again to refresh with {@link #updateTrainingCurves}.
     */
    public static XYChart trainingCurves(History history, String title) {
        XYChart chart =
                new XYChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(title)
                        .xAxisTitle("step")
                        .yAxisTitle("loss")
                        .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.getStyler().setYAxisMin(1, 0.0);
        chart.getStyler().setYAxisMax(1, 1.0);
        chart.setYAxisGroupTitle(1, "accuracy");
        chart.getStyler().setToolTipsEnabled(false);
        Curves c = Curves.of(history);
        addSeries(chart, TRAIN_LOSS, c.stepX, c.stepLoss, 0, false);
        addExtraSeries(chart, history);
        addSeries(chart, TRAIN_ACCURACY, c.epochX, c.trainAcc, 1, true);
        if (!c.valLoss.isEmpty()) {
            addSeries(chart, VALIDATION_LOSS, c.valX, c.valLoss, 0, true);
            addSeries(chart, VALIDATION_ACCURACY, c.valX, c.valAcc, 1, true);
        }
        return chart;
    }

    /** Refreshes a chart made by {@link #trainingCurves} with the history's current data. */
    public static void updateTrainingCurves(XYChart chart, History history) {
        Curves c = Curves.of(history);
        update(chart, TRAIN_LOSS, c.stepX, c.stepLoss, 0, false);
        addExtraSeries(chart, history);
        update(chart, TRAIN_ACCURACY, c.epochX, c.trainAcc, 1, true);
        if (!c.valLoss.isEmpty()) {
            update(chart, VALIDATION_LOSS, c.valX, c.valLoss, 0, true);
            update(chart, VALIDATION_ACCURACY, c.valX, c.valAcc, 1, true);
        }
    }

    /**
     * Bars of learnable parameters per layer (layers without parameters are left out); a second series of non-zero parameters appears once more than 1 % of all parameters
     * are zero (pruned models), so a fresh model's zero biases do not clutter it.
     */
    public static CategoryChart layerParams(ModelStats stats, String title) {
        List<String> names = new ArrayList<>();
        List<Number> params = new ArrayList<>();
        List<Number> nonzero = new ArrayList<>();
        for (ModelStats.LayerStats layer : stats.layers()) {
            if (layer.params() > 0) {
                names.add(layer.path());
                params.add(layer.params());
                nonzero.add(layer.nonzeroParams());
            }
        }
        CategoryChart chart =
                new CategoryChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(title)
                        .xAxisTitle("layer")
                        .yAxisTitle("parameters")
                        .build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setOverlapped(true);
        boolean showNonzero = stats.sparsity() > 0.01;
        chart.addSeries("parameters", names, params);
        if (showNonzero) {
            chart.addSeries("non-zero", names, nonzero);
        }
        return chart;
    }

    /** Bars of sparsity per layer with weights, before and after a pruning step. */
    public static CategoryChart layerSparsity(ModelStats before, ModelStats after, String title) {
        List<String> names = new ArrayList<>();
        List<Number> b = new ArrayList<>();
        List<Number> a = new ArrayList<>();
        for (int i = 0; i < after.layers().size(); i++) {
            ModelStats.LayerStats la = after.layers().get(i);
            if (la.params() == 0) {
                continue;
            }
            ModelStats.LayerStats lb = before.layers().get(i);
            names.add(la.path());
            b.add(1 - (double) lb.nonzeroParams() / lb.params());
            a.add(1 - (double) la.nonzeroParams() / la.params());
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("layer").yAxisTitle("sparsity").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.addSeries("before", names, b);
        chart.addSeries("after", names, a);
        return chart;
    }

    /** Bars of output width (channels or units) per conv and linear layer, before and after a trim. */
    public static CategoryChart layerWidths(ModelStats before, ModelStats after, String title) {
        java.util.Map<String, Number> b = widths(before);
        java.util.Map<String, Number> a = widths(after);
        List<String> names = new ArrayList<>(b.keySet());
        List<Number> bv = new ArrayList<>();
        List<Number> av = new ArrayList<>();
        for (String n : names) {
            bv.add(b.get(n));
            av.add(a.getOrDefault(n, 0));
        }
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle("layer").yAxisTitle("output channels / units").build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.addSeries("before", names, bv);
        chart.addSeries("after", names, av);
        return chart;
    }

    private static java.util.Map<String, Number> widths(ModelStats stats) {
        java.util.Map<String, Number> out = new java.util.LinkedHashMap<>();
        for (ModelStats.LayerStats l : stats.layers()) {
            if (l.type().equals("Conv2d") || l.type().equals("Linear")) {
                String shape = l.outputShape();
                out.put(l.path(), Long.parseLong(shape.substring(1, shape.indexOf(',') > 0 ? shape.indexOf(',') : shape.length() - 1).strip()));
            }
        }
        return out;
    }

    /** The confusion matrix as a heatmap: true class (rows) against predicted class (columns). */
    public static HeatMapChart confusion(Evaluation evaluation, List<String> classNames, String title) {
        int n = evaluation.numClasses();
        int[][] m = evaluation.confusion();
        List<Number[]> cells = new ArrayList<>();
        for (int actual = 0; actual < n; actual++) {
            for (int predicted = 0; predicted < n; predicted++) {
                cells.add(new Number[] {predicted, n - 1 - actual, m[actual][predicted]});
            }
        }
        List<String> reversed = new ArrayList<>(classNames);
        java.util.Collections.reverse(reversed);
        HeatMapChart chart =
                new HeatMapChartBuilder()
                        .width(Math.max(WIDTH, 60 * n))
                        .height(Math.max(HEIGHT + 100, 50 * n + 150))
                        .title(title)
                        .xAxisTitle("predicted")
                        .yAxisTitle("true")
                        .build();
        chart.getStyler().setShowValue(true);
        chart.getStyler().setXAxisLabelRotation(45);
        chart.getStyler().setPlotContentSize(1.0);
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setRangeColors(new java.awt.Color[] {java.awt.Color.WHITE, new java.awt.Color(0x2c7fb8)});
        chart.addSeries("confusion", classNames, reversed, cells);
        return chart;
    }

    /**
     * A Pareto scatter of accuracy against cost, one series (and legend entry) per model. {@code
     * cost} is {@code "MACs"} or {@code "latency"} (ms at batch 32, or batch 1 when that is all
     * that was measured); models without the figure are left out.
     */
    public static XYChart pareto(List<ComparisonRow> rows, String cost, String title) {
        boolean macs = cost.equals("MACs");
        XYChart chart =
                new XYChartBuilder()
                        .width(WIDTH)
                        .height(HEIGHT)
                        .title(title)
                        .xAxisTitle(macs ? "MACs per image" : "latency (ms)")
                        .yAxisTitle("accuracy")
                        .build();
        chart.getStyler().setDefaultSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        chart.getStyler().setMarkerSize(12);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (ComparisonRow row : rows) {
            double x = macs ? row.macs()
                    : !Double.isNaN(row.latencyMsBatch32()) ? row.latencyMsBatch32() : row.latencyMsBatch1();
            if (Double.isNaN(x) || x < 0 || Double.isNaN(row.accuracy())) { // x < 0: MACs unknown
                continue;
            }
            String name = row.model();
            for (int n = 2; chart.getSeriesMap().containsKey(name); n++) {
                name = row.model() + " (" + n + ")";
            }
            chart.addSeries(name, new double[] {x}, new double[] {row.accuracy()});
        }
        if (chart.getSeriesMap().isEmpty()) {
            chart.addSeries("no data", new double[] {0}, new double[] {0});
        }
        return chart;
    }

    /** Writes {@code chart} as a PNG file (parent folders are created). */
    public static Path savePng(Chart<?, ?> chart, Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        String name = file.toString();
        return name.endsWith(".png") ? file : Path.of(name + ".png");
    }

    /** The chart as PNG bytes. */
    public static byte[] pngBytes(Chart<?, ?> chart) throws IOException {
        return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    }

    /**
     * The history's named per-step series: loss terms (e.g. distillation's soft and hard loss) on
     * the loss axis, fractions (names containing "sparsity") on the right axis with accuracy.
     */
    private static void addExtraSeries(XYChart chart, History history) {
        for (var e : history.series().entrySet()) {
            int axis = e.getKey().contains("sparsity") ? 1 : 0;
            if (axis == 1) {
                chart.setYAxisGroupTitle(1, "accuracy / sparsity");
            }
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (History.Step s : e.getValue()) {
                x.add((double) s.step());
                y.add(s.loss());
            }
            update(chart, e.getKey(), x, y, axis, axis == 1);
        }
    }

    /**
     * A plain line chart: one series per entry, each given as x values and y values of equal
     * length (e.g. accuracy against distillation temperature).
     */
    public static XYChart lines(String title, String xTitle, String yTitle, java.util.Map<String, double[][]> series) {
        XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        // A row below the plot holds up to three names; more would run off the edge, so they stack on the right.
        boolean row = series.size() <= 3;
        chart.getStyler().setLegendPosition(row ? Styler.LegendPosition.OutsideS : Styler.LegendPosition.OutsideE);
        chart.getStyler().setLegendLayout(row ? Styler.LegendLayout.Horizontal : Styler.LegendLayout.Vertical);
        for (var e : series.entrySet()) {
            chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]).setMarker(SeriesMarkers.CIRCLE);
        }
        return chart;
    }

    private static void addSeries(
            XYChart chart, String name, List<Double> x, List<Double> y, int axis, boolean markers) {
        XYSeries s = chart.addSeries(name, placeholder(x), placeholder(y));
        s.setYAxisGroup(axis);
        s.setMarker(markers ? SeriesMarkers.CIRCLE : SeriesMarkers.NONE);
    }

    private static void update(
            XYChart chart, String name, List<Double> x, List<Double> y, int axis, boolean markers) {
        if (chart.getSeriesMap().containsKey(name)) {
            chart.updateXYSeries(name, placeholder(x), placeholder(y), null);
        } else {
            addSeries(chart, name, x, y, axis, markers);
        }
    }

    /** XChart refuses empty series: an empty list becomes a single NaN-free placeholder at 0. */
    private static List<Double> placeholder(List<Double> values) {
        return values.isEmpty() ? List.of(0.0) : values;
    }

    /** The chart's series data, read from one history snapshot. */
    private record Curves(
            List<Double> stepX,
            List<Double> stepLoss,
            List<Double> epochX,
            List<Double> trainAcc,
            List<Double> valX,
            List<Double> valLoss,
            List<Double> valAcc) {
        static Curves of(History history) {
            Curves c =
                    new Curves(
                            new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                            new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                            new ArrayList<>());
            for (History.Step s : history.steps()) {
                c.stepX.add((double) s.step());
                c.stepLoss.add(s.loss());
            }
            long end = 0;
            for (History.Epoch e : history.epochs()) {
                end += e.batches();
                c.epochX.add((double) end);
                c.trainAcc.add(e.trainAccuracy());
                if (!Double.isNaN(e.validationLoss())) {
                    c.valX.add((double) end);
                    c.valLoss.add(e.validationLoss());
                    c.valAcc.add(e.validationAccuracy());
                }
            }
            return c;
        }
    }
}

package dev.slimkit.report;

import dev.slimkit.model.ModelStats;
import dev.slimkit.train.Evaluation;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * XChart builders for slimkit's results, all in {@link ChartStyle}'s one style, with numbers
 * written by {@link AxisFormat}. Charts are tested by their data (series, axis formatters,
 * bounds, labels), not their pixels.
 */
public final class Charts {

    /** Series names of {@link #trainingCurves}. */
    public static final String TRAIN_LOSS = "train loss";

    public static final String VALIDATION_LOSS = "validation loss";
    public static final String TRAIN_ACCURACY = "train accuracy";
    public static final String VALIDATION_ACCURACY = "validation accuracy";

    /** Series names of {@link #pareto}. */
    public static final String MODELS = "models";

    public static final String FRONTIER = "Pareto frontier";
    public static final String REFERENCE = "reference";

    /**
     * Name of the invisible series that carries a chart's axis bounds (not in the legend). XChart
     * puts ticks only at the data values when these are evenly spaced (always so for two
     * models); the two corner points break that, so the axis gets round ticks.
     */
    public static final String BOUNDS = "axis bounds";

    /** Series names of {@link #perClassAccuracy}. */
    public static final String PER_CLASS = "accuracy per class";

    public static final String OVERALL = "overall";

    static final int WIDTH = ChartStyle.WIDTH;
    static final int HEIGHT = ChartStyle.HEIGHT;

    private Charts() {}

    /** What an axis measures, which decides how its ticks are written and its bounds chosen. */
    public enum Measure {
        /** Plain numbers (loss, temperature): up to three significant digits. */
        PLAIN(AxisFormat::plainTick),
        /** Counts (parameters, MACs, steps): {@code 1.2 M}, {@code 420 k}. */
        COUNT(AxisFormat::countTick),
        /** Fractions in [0, 1] (accuracy, sparsity), shown as percentages. */
        FRACTION(AxisFormat::percentTick),
        /** Milliseconds: {@code 0.5 ms}. */
        MS(AxisFormat::msTick);

        private final Function<Double, String> tick;

        Measure(Function<Double, String> tick) {
            this.tick = tick;
        }

        /** The tick formatter of this measure. */
        public Function<Double, String> tick() {
            return tick;
        }

        /** The tick formatter for an axis that plots {@code log10} of values of this measure. */
        public Function<Double, String> log10Tick() {
            return exponent -> {
                double rounded = Math.rint(exponent);
                return Math.abs(exponent - rounded) > 1e-6 ? " " : tick.apply(Math.pow(10, rounded));
            };
        }
    }

    /**
     * Bars of learnable parameters per layer (layers without parameters are left out); a second
     * series of non-zero parameters appears once more than 1 % of all parameters are zero (pruned
     * models), so a fresh model's zero biases do not clutter it. When the counts span more than
     * two decades the axis is logarithmic: the bars then hold {@code log10} of the counts, and the
     * ticks at whole exponents read {@code 100}, {@code 1 k}, {@code 10 k}.
     */
    public static CategoryChart layerParams(ModelStats stats, String title) {
        List<String> names = new ArrayList<>();
        List<Double> params = new ArrayList<>();
        List<Double> nonzero = new ArrayList<>();
        for (ModelStats.LayerStats layer : stats.layers()) {
            if (layer.params() > 0) {
                names.add(layer.path());
                params.add((double) layer.params());
                nonzero.add((double) layer.nonzeroParams());
            }
        }
        boolean showNonzero = stats.sparsity() > 0.01;
        List<Double> all = new ArrayList<>(params);
        if (showNonzero) {
            all.addAll(nonzero);
        }
        double[] values = all.stream().mapToDouble(Double::doubleValue).toArray();
        boolean log = AxisFormat.spansDecades(values, 2);
        CategoryChart chart = ChartStyle.category(title, "layer", "parameters" + (log ? " (log scale)" : ""));
        chart.getStyler().setOverlapped(true);
        rotateLongNames(chart, names);
        if (log) {
            double[] e = AxisFormat.logScale(values);
            chart.getStyler().setYAxisMin(e[0]);
            chart.getStyler().setYAxisMax(e[1]);
            chart.getStyler().setyAxisTickLabelsFormattingFunction(Measure.COUNT.log10Tick());
            chart.addSeries("parameters", names, log10(params, e[0]));
            if (showNonzero) {
                chart.addSeries("non-zero", names, log10(nonzero, e[0]));
            }
        } else {
            chart.getStyler().setyAxisTickLabelsFormattingFunction(Measure.COUNT.tick());
            chart.getStyler().setYAxisMin(0.0);
            chart.addSeries("parameters", names, params);
            if (showNonzero) {
                chart.addSeries("non-zero", names, nonzero);
            }
        }
        ChartStyle.placeLegend(chart);
        return chart;
    }

    /** Bars of sparsity (in percent) per layer with weights, before and after a pruning step. */
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
        CategoryChart chart = ChartStyle.category(title, "layer", "sparsity");
        rotateLongNames(chart, names);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(Measure.FRACTION.tick());
        chart.addSeries("before", names, b);
        chart.addSeries("after", names, a);
        ChartStyle.placeLegend(chart);
        return chart;
    }

    /** Grouped bars: one group per category (e.g. a layer), one bar per series. */
    public static CategoryChart bars(String title, String xTitle, String yTitle, List<String> categories,
            Map<String, List<Number>> series) {
        CategoryChart chart = ChartStyle.category(title, xTitle, yTitle);
        rotateLongNames(chart, categories);
        series.forEach((name, values) -> chart.addSeries(name, categories, values));
        ChartStyle.placeLegend(chart);
        return chart;
    }

    /** Bars of output width (channels or units) per conv and linear layer, before and after a trim. */
    public static CategoryChart layerWidths(ModelStats before, ModelStats after, String title) {
        Map<String, Number> b = widths(before);
        Map<String, Number> a = widths(after);
        List<String> names = new ArrayList<>(b.keySet());
        List<Number> bv = new ArrayList<>();
        List<Number> av = new ArrayList<>();
        for (String n : names) {
            bv.add(b.get(n));
            av.add(a.getOrDefault(n, 0));
        }
        CategoryChart chart = ChartStyle.category(title, "layer", "output channels / units");
        rotateLongNames(chart, names);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(Measure.COUNT.tick());
        chart.addSeries("before", names, bv);
        chart.addSeries("after", names, av);
        ChartStyle.placeLegend(chart);
        return chart;
    }

    static Map<String, Number> widths(ModelStats stats) {
        Map<String, Number> out = new LinkedHashMap<>();
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
        HeatMapChart chart = ChartStyle.heatMap(title, "predicted", "true",
                Math.max(WIDTH, 60 * n), Math.max(HEIGHT + 100, 50 * n + 150));
        chart.getStyler().setShowValue(true);
        chart.getStyler().setHeatMapDecimalValueFormatter(v -> AxisFormat.countTick(v));
        if (longest(classNames) > 3) {
            chart.getStyler().setXAxisLabelRotation(45);
        }
        chart.getStyler().setPlotContentSize(1.0);
        chart.addSeries("confusion", classNames, reversed, cells);
        return chart;
    }

    /**
     * Bars of accuracy per class (recall: of the images of a class, the fraction predicted as it),
     * in percent on a 0–100 % axis, with the overall accuracy as a dashed line across. Each bar
     * carries its figure.
     */
    public static CategoryChart perClassAccuracy(Evaluation evaluation, List<String> classNames, String title) {
        if (classNames.size() != evaluation.numClasses()) {
            throw new IllegalArgumentException("the evaluation has " + evaluation.numClasses()
                    + " classes but [" + classNames.size() + "] names were given; pass one name per class");
        }
        List<Double> recall = new ArrayList<>();
        List<Double> overall = new ArrayList<>();
        for (int c = 0; c < evaluation.numClasses(); c++) {
            recall.add(evaluation.recall(c));
            overall.add(evaluation.accuracy());
        }
        CategoryChart chart = ChartStyle.category(title, "true class", "accuracy (recall)");
        rotateLongNames(chart, classNames);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(1.0);
        // the bars' labels use the tick formatter too: one decimal suits both on a 0–100 % axis
        chart.getStyler().setyAxisTickLabelsFormattingFunction(AxisFormat::percent);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setLabelsPosition(0.5); // mid-bar, clear of the overall line near the tops
        chart.getStyler().setLabelsFontColor(Color.WHITE);
        CategorySeries bars = chart.addSeries(PER_CLASS, classNames, recall);
        bars.setFillColor(ChartStyle.PALETTE[0]);
        CategorySeries line = chart.addSeries(OVERALL + " " + AxisFormat.percent(evaluation.accuracy()), classNames, overall);
        line.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
        line.setLineColor(ChartStyle.TEXT);
        line.setLineStyle(SeriesLines.DASH_DASH);
        line.setMarker(SeriesMarkers.NONE);
        chart.getStyler().setOverlapped(true);
        ChartStyle.placeLegend(chart);
        return chart;
    }

    /**
     * A label drawn at a point, centred on {@code (x, y)} in the chart's data coordinates (on a
     * log axis, {@code x} is {@code log10} of the cost).
     *
     * @param text model names sharing the point, joined with ", "
     */
    public record PointLabel(String text, double x, double y) {}

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
     * A line chart: one series per entry, each given as x values and y values of equal length
     * (e.g. accuracy against distillation temperature). The y axis is read as {@link
     * Measure#FRACTION} (percent ticks, zoomed bounds) when its title names accuracy or sparsity
     * and every value lies in [0, 1], as {@link Measure#PLAIN} otherwise (the x axis likewise
     * shows percentages when its title names sparsity); see {@link
     * #lines(String, String, String, Map, Measure)} to say so.
     */
    public static XYChart lines(String title, String xTitle, String yTitle, Map<String, double[][]> series) {
        boolean fraction = (yTitle.contains("accuracy") || yTitle.contains("sparsity"))
                && series.values().stream().allMatch(xy -> java.util.Arrays.stream(xy[1]).allMatch(v -> v >= 0 && v <= 1));
        return lines(title, xTitle, yTitle, series, fraction ? Measure.FRACTION : Measure.PLAIN);
    }

    /** A line chart whose y axis measures {@code y}; see {@link #lines(String, String, String, Map)}. */
    public static XYChart lines(String title, String xTitle, String yTitle, Map<String, double[][]> series, Measure y) {
        XYChart chart = ChartStyle.xy(title, xTitle, yTitle);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(y.tick());
        boolean xFraction = xTitle.contains("sparsity")
                && series.values().stream().allMatch(xy -> java.util.Arrays.stream(xy[0]).allMatch(v -> v >= 0 && v <= 1));
        chart.getStyler().setxAxisTickLabelsFormattingFunction(xFraction ? Measure.FRACTION.tick() : Measure.PLAIN.tick());
        for (var e : series.entrySet()) {
            chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]);
        }
        ChartStyle.dashByPosition(chart);
        if (y == Measure.FRACTION) {
            double[] b = AxisFormat.fractionBounds(series.values().stream()
                    .flatMapToDouble(xy -> java.util.Arrays.stream(xy[1])).toArray());
            chart.getStyler().setYAxisMin(b[0]);
            chart.getStyler().setYAxisMax(b[1]);
        }
        ChartStyle.placeLegend(chart);
        return chart;
    }

    /**
     * Histogram lines of |γ| (batch-norm scales), one series per entry (e.g. before and after
     * sparse training): the fraction of channels per bin of 25 equal bins from 0 to the largest
     * value of all series.
     */
    public static XYChart gammaDistribution(String title, Map<String, double[]> gammas) {
        double max = gammas.values().stream().flatMapToDouble(java.util.Arrays::stream).map(Math::abs).max().orElse(1);
        int bins = 25;
        double width = max > 0 ? max / bins : 1;
        Map<String, double[][]> series = new LinkedHashMap<>();
        for (var e : gammas.entrySet()) {
            double[] x = new double[bins];
            double[] y = new double[bins];
            for (int b = 0; b < bins; b++) {
                x[b] = (b + 0.5) * width;
            }
            for (double g : e.getValue()) {
                y[Math.min(bins - 1, (int) (Math.abs(g) / width))] += 1.0 / e.getValue().length;
            }
            series.put(e.getKey(), new double[][] {x, y});
        }
        return lines(title, "|gamma|", "fraction of channels", series, Measure.PLAIN);
    }

    /** Turns the x labels 45° when the longest name would crowd its neighbours. */
    static void rotateLongNames(CategoryChart chart, List<String> names) {
        int room = (WIDTH - 150) / Math.max(1, names.size()) / 7; // characters per category
        if (longest(names) > room) {
            chart.getStyler().setXAxisLabelRotation(45);
        }
    }

    static int longest(List<String> names) {
        return names.stream().mapToInt(String::length).max().orElse(0);
    }

    static List<Double> log10(List<Double> values, double floorExponent) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v > 0 ? Math.log10(v) : floorExponent);
        }
        return out;
    }

    static List<Double> percent(List<Double> fractions) {
        List<Double> out = new ArrayList<>();
        for (double f : fractions) {
            out.add(f * 100);
        }
        return out;
    }

    static double[] map(double[] values, Function<Double, Double> f) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = f.apply(values[i]);
        }
        return out;
    }

    static void addSeries(
            XYChart chart, String name, List<Double> x, List<Double> y, int axis, boolean markers) {
        XYSeries s = chart.addSeries(name, placeholder(x), placeholder(y));
        s.setYAxisGroup(axis);
        if (!markers) {
            s.setMarker(SeriesMarkers.NONE);
        }
    }

    static void update(
            XYChart chart, String name, List<Double> x, List<Double> y, int axis, boolean markers) {
        if (chart.getSeriesMap().containsKey(name)) {
            chart.updateXYSeries(name, placeholder(x), placeholder(y), null);
        } else {
            addSeries(chart, name, x, y, axis, markers);
        }
    }

    /** XChart refuses empty series: an empty list becomes a single NaN-free placeholder at 0. */
    static List<Double> placeholder(List<Double> values) {
        return values.isEmpty() ? List.of(0.0) : values;
    }

    static XYSeries hidden(XYSeries s) {
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(SeriesLines.NONE);
        s.setShowInLegend(false);
        return s;
    }
}

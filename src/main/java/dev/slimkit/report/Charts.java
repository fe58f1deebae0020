package dev.slimkit.report;

import dev.slimkit.measure.ComparisonRow;
import dev.slimkit.model.ModelStats;
import dev.slimkit.train.Evaluation;
import dev.slimkit.model.History;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;
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

    private static final int WIDTH = ChartStyle.WIDTH;
    private static final int HEIGHT = ChartStyle.HEIGHT;

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
     * Loss (left axis) and accuracy in percent (right axis, titled "accuracy (%)") against the
     * training step: the per-step training loss, and the per-epoch figures placed at each epoch's
     * last step. Validation series appear when the history has validation figures. The accuracy
     * axis is zoomed to the figures ({@link AxisFormat#fractionBounds}). Safe to call while
     * training runs (it reads a snapshot) and again to refresh with {@link #updateTrainingCurves}.
     *
     * <p>XChart gives all y axes of a chart one tick formatter, so the accuracy series hold
     * percentages (0–100) rather than fractions, written plainly under a "(%)" title.
     */
    public static XYChart trainingCurves(History history, String title) {
        XYChart chart = ChartStyle.xy(title, "step", "loss");
        chart.getStyler().setYAxisGroupPosition(1, Styler.YAxisPosition.Right);
        chart.setYAxisGroupTitle(1, "accuracy (%)");
        chart.getStyler().setxAxisTickLabelsFormattingFunction(Measure.COUNT.tick());
        chart.getStyler().setyAxisTickLabelsFormattingFunction(Measure.PLAIN.tick());
        chart.getStyler().setYAxisMin(0, 0.0);
        Curves c = Curves.of(history);
        addSeries(chart, TRAIN_LOSS, c.stepX, c.stepLoss, 0, false);
        addExtraSeries(chart, history);
        addSeries(chart, TRAIN_ACCURACY, c.epochX, percent(c.trainAcc), 1, true);
        if (!c.valLoss.isEmpty()) {
            addSeries(chart, VALIDATION_LOSS, c.valX, c.valLoss, 0, true);
            addSeries(chart, VALIDATION_ACCURACY, c.valX, percent(c.valAcc), 1, true);
        }
        accuracyAxis(chart, c);
        stepAxisFromZero(chart, c);
        ChartStyle.dashByPosition(chart);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        return chart;
    }

    /** Refreshes a chart made by {@link #trainingCurves} with the history's current data. */
    public static void updateTrainingCurves(XYChart chart, History history) {
        Curves c = Curves.of(history);
        update(chart, TRAIN_LOSS, c.stepX, c.stepLoss, 0, false);
        addExtraSeries(chart, history);
        update(chart, TRAIN_ACCURACY, c.epochX, percent(c.trainAcc), 1, true);
        if (!c.valLoss.isEmpty()) {
            update(chart, VALIDATION_LOSS, c.valX, c.valLoss, 0, true);
            update(chart, VALIDATION_ACCURACY, c.valX, percent(c.valAcc), 1, true);
        }
        accuracyAxis(chart, c);
        stepAxisFromZero(chart, c);
        ChartStyle.dashByPosition(chart);
    }

    /**
     * Starts the step axis at 0 with a hidden {@link #BOUNDS} point: logged steps are evenly
     * spaced, and XChart would put ticks at every few of them (10, 50, 90...) rather than at round
     * numbers; a point at 0 after them breaks the even spacing.
     */
    private static void stepAxisFromZero(XYChart chart, Curves c) {
        double y = c.stepLoss.isEmpty() ? 0 : c.stepLoss.get(0);
        if (chart.getSeriesMap().containsKey(BOUNDS)) {
            chart.updateXYSeries(BOUNDS, new double[] {0}, new double[] {y}, null);
        } else {
            hidden(chart.addSeries(BOUNDS, new double[] {0}, new double[] {y}));
        }
    }

    private static XYSeries hidden(XYSeries s) {
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(SeriesLines.NONE);
        s.setShowInLegend(false);
        return s;
    }

    /** Zooms the right axis to the accuracy (and sparsity) figures, in percent. */
    private static void accuracyAxis(XYChart chart, Curves c) {
        List<Double> fractions = new ArrayList<>(c.trainAcc);
        fractions.addAll(c.valAcc);
        if (chart.getYAxisGroupTitle(1).contains("sparsity")) {
            fractions.add(0.0);
            fractions.add(1.0);
        }
        double[] b = AxisFormat.fractionBounds(fractions.stream().mapToDouble(Double::doubleValue).toArray());
        chart.getStyler().setYAxisMin(1, b[0] * 100);
        chart.getStyler().setYAxisMax(1, b[1] * 100);
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

    private static Map<String, Number> widths(ModelStats stats) {
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
     * A Pareto chart of accuracy against cost with the first row as the reference model and
     * default axis titles; see {@link #pareto(List, String, String, String, String, String)}.
     */
    public static XYChart pareto(List<ComparisonRow> rows, String cost, String title) {
        return pareto(rows, cost, title, rows.isEmpty() ? null : rows.get(0).model(), null, null);
    }

    /**
     * A Pareto chart of accuracy against cost, one point per model, each labelled with its name.
     * {@code cost} is {@code "MACs"}, {@code "latency"} (ms at batch 32, or batch 1 for a model
     * measured only there) or {@code "params"}; models without the figure are left out. The
     * non-dominated models ({@link Pareto#frontier}) are joined by a step line, the reference
     * model is drawn apart with dashed lines through it (models up and to the left of it beat
     * it on both counts), accuracy is in percent zoomed to the figures, and the cost axis is
     * logarithmic when the costs span more than two decades.
     *
     * @param reference the reference model's name, or null for none
     * @param costTitle the cost axis title, stating the measurement (e.g. {@link
     *     #latencyTitle}); null for a default
     * @param accuracyTitle the accuracy axis title (e.g. "accuracy on fmnist test, 10,000
     *     images"); null for "test accuracy"
     */
    public static XYChart pareto(
            List<ComparisonRow> rows, String cost, String title, String reference, String costTitle, String accuracyTitle) {
        Measure measure = switch (cost) {
            case "MACs" -> Measure.COUNT;
            case "latency" -> Measure.MS;
            case "params" -> Measure.COUNT;
            default -> throw new IllegalArgumentException(
                    "unknown cost [" + cost + "]; pass MACs, latency or params");
        };
        List<Pareto.Point> points = new ArrayList<>();
        for (ComparisonRow row : rows) {
            double x = switch (cost) {
                case "MACs" -> row.macs() < 0 ? Double.NaN : row.macs(); // < 0: MACs unknown
                case "params" -> row.params();
                default -> !Double.isNaN(row.latencyMsBatch32()) ? row.latencyMsBatch32() : row.latencyMsBatch1();
            };
            points.add(new Pareto.Point(row.model(), x, row.accuracy()));
        }
        String defaultTitle = switch (cost) {
            case "MACs" -> "MACs per image";
            case "params" -> "learnable parameters";
            default -> "ms per batch of 32 (median)";
        };
        return pareto(points, measure, title, reference,
                costTitle == null ? defaultTitle : costTitle,
                accuracyTitle == null ? "test accuracy" : accuracyTitle);
    }

    /**
     * A cost axis title that states the latency measurement: {@code latencyTitle(32, 100, 2)} →
     * {@code "ms at batch 32, median of 100, 2 threads"}.
     */
    public static String latencyTitle(int batch, int runs, int threads) {
        return "ms at batch " + batch + ", median of " + runs + (threads > 0 ? ", " + threads + " thread" + (threads == 1 ? "" : "s") : "");
    }

    /**
     * A Pareto chart of any points: see {@link #pareto(List, String, String, String, String,
     * String)}. Points with a NaN (or, on a log axis, non-positive) figure are left out.
     */
    public static XYChart pareto(
            List<Pareto.Point> all, Measure cost, String title, String reference, String costTitle, String accuracyTitle) {
        List<Pareto.Point> points = new ArrayList<>();
        for (Pareto.Point p : all) {
            if (!Double.isNaN(p.cost()) && !Double.isNaN(p.accuracy())) {
                points.add(p);
            }
        }
        double[] costs = points.stream().mapToDouble(Pareto.Point::cost).toArray();
        boolean log = AxisFormat.spansDecades(costs, 2);
        if (log) {
            points.removeIf(p -> p.cost() <= 0);
        }
        XYChart chart = ChartStyle.xy(title, costTitle + (log ? " (log scale)" : ""), accuracyTitle);
        chart.getStyler().setyAxisTickLabelsFormattingFunction(Measure.FRACTION.tick());
        chart.getStyler().setxAxisTickLabelsFormattingFunction(log ? cost.log10Tick() : cost.tick());
        chart.getStyler().setMarkerSize(10);
        if (points.isEmpty()) {
            chart.addSeries("no data", new double[] {0}, new double[] {0});
            return chart;
        }
        Function<Double, Double> x = log ? Math::log10 : v -> v;
        double[] xb;
        if (log) {
            xb = AxisFormat.logScale(costs);
        } else {
            double max = points.stream().mapToDouble(Pareto.Point::cost).max().orElse(1);
            double min = points.stream().mapToDouble(Pareto.Point::cost).min().orElse(0);
            xb = new double[] {Math.min(0, min), max <= 0 ? 1 : max * 1.15};
        }
        double[] yb = AxisFormat.fractionBounds(points.stream().mapToDouble(Pareto.Point::accuracy).toArray());
        chart.getStyler().setXAxisMin(xb[0]);
        chart.getStyler().setXAxisMax(xb[1]);
        chart.getStyler().setYAxisMin(yb[0]);
        chart.getStyler().setYAxisMax(yb[1]);
        hidden(chart.addSeries(BOUNDS, new double[] {xb[0], xb[1]}, new double[] {yb[0], yb[1]}));

        double[][] steps = Pareto.steps(Pareto.frontier(points));
        XYSeries frontier = chart.addSeries(FRONTIER, map(steps[0], x), steps[1]);
        frontier.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        frontier.setMarker(SeriesMarkers.NONE);
        frontier.setLineColor(ChartStyle.PALETTE[1]);
        frontier.setLineStyle(ChartStyle.LINES[0]);
        frontier.setLineWidth(2.5f);

        List<Pareto.Point> others = points.stream().filter(p -> !p.name().equals(reference)).toList();
        Pareto.Point ref = points.stream().filter(p -> p.name().equals(reference)).findFirst().orElse(null);
        if (!others.isEmpty()) {
            XYSeries models = chart.addSeries(MODELS,
                    others.stream().mapToDouble(p -> x.apply(p.cost())).toArray(),
                    others.stream().mapToDouble(Pareto.Point::accuracy).toArray());
            models.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            models.setMarker(SeriesMarkers.CIRCLE);
            models.setMarkerColor(ChartStyle.PALETTE[0]);
        }
        if (ref != null) {
            XYSeries r = chart.addSeries(REFERENCE + " (" + ref.name() + ")",
                    new double[] {x.apply(ref.cost())}, new double[] {ref.accuracy()});
            r.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
            r.setMarker(SeriesMarkers.DIAMOND);
            r.setMarkerColor(ChartStyle.TEXT);
            chart.getStyler().setAnnotationLineColor(new Color(0xAAAAAA));
            chart.getStyler().setAnnotationLineStroke(ChartStyle.LINES[1]);
            chart.addAnnotation(new AnnotationLine(x.apply(ref.cost()), true, false));
            chart.addAnnotation(new AnnotationLine(ref.accuracy(), false, false));
        }
        List<PointLabel> labels = labels(points, x, xb, yb);
        for (PointLabel l : labels) {
            chart.addAnnotation(new AnnotationText(l.text(), l.x(), l.y(), false));
        }
        labelsByChart.put(chart, labels);
        ChartStyle.placeLegend(chart);
        return chart;
    }

    /**
     * The name labels {@link #pareto} placed on a chart it made, in placement order (empty for
     * other charts). For tests and notebooks that add their own annotations.
     */
    public static List<PointLabel> paretoLabels(XYChart chart) {
        return labelsByChart.getOrDefault(chart, List.of());
    }

    /**
     * A label drawn at a point, centred on {@code (x, y)} in the chart's data coordinates (on a
     * log axis, {@code x} is {@code log10} of the cost).
     *
     * @param text model names sharing the point, joined with ", "
     */
    public record PointLabel(String text, double x, double y) {}

    private static final Map<XYChart, List<PointLabel>> labelsByChart = java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>());

    /** Approximate plot area of a default-size chart, for placing labels in data units. */
    private static final double PLOT_W = WIDTH - 150;

    private static final double PLOT_H = HEIGHT - 140;

    /**
     * One label per distinct point (models at the same figures share it), above the point, or
     * below, right or left of it when that spot would overlap a label already placed, a marker or
     * the plot's edge.
     */
    static List<PointLabel> labels(List<Pareto.Point> points, Function<Double, Double> x, double[] xb, double[] yb) {
        Map<String, List<String>> byPosition = new LinkedHashMap<>();
        Map<String, double[]> position = new LinkedHashMap<>();
        for (Pareto.Point p : points) {
            double px = (x.apply(p.cost()) - xb[0]) / (xb[1] - xb[0]) * PLOT_W;
            double py = (p.accuracy() - yb[0]) / (yb[1] - yb[0]) * PLOT_H;
            String key = Math.round(px) + "," + Math.round(py);
            byPosition.computeIfAbsent(key, k -> new ArrayList<>()).add(p.name());
            position.putIfAbsent(key, new double[] {px, py});
        }
        List<double[]> boxes = new ArrayList<>(); // {x0, y0, x1, y1} in plot pixels, y up
        for (double[] p : position.values()) {
            boxes.add(new double[] {p[0] - 6, p[1] - 6, p[0] + 6, p[1] + 6});
        }
        FontMetrics fm = metrics();
        List<PointLabel> out = new ArrayList<>();
        for (var e : byPosition.entrySet()) {
            String text = String.join(", ", e.getValue());
            double[] p = position.get(e.getKey());
            double w = fm.stringWidth(text) + 4;
            double h = fm.getHeight();
            double[][] candidates = {
                {p[0], p[1] + 8 + h / 2}, {p[0], p[1] - 8 - h / 2},
                {p[0] + 10 + w / 2, p[1]}, {p[0] - 10 - w / 2, p[1]},
                {p[0] + 8 + w / 2, p[1] + 8 + h / 2}, {p[0] - 8 - w / 2, p[1] - 8 - h / 2},
            };
            double[] chosen = candidates[0];
            for (double[] c : candidates) {
                double[] box = {c[0] - w / 2, c[1] - h / 2, c[0] + w / 2, c[1] + h / 2};
                boolean inside = box[0] >= 0 && box[2] <= PLOT_W && box[1] >= 0 && box[3] <= PLOT_H;
                if (inside && boxes.stream().noneMatch(b -> overlap(b, box))) {
                    chosen = c;
                    break;
                }
            }
            boxes.add(new double[] {chosen[0] - w / 2, chosen[1] - h / 2, chosen[0] + w / 2, chosen[1] + h / 2});
            out.add(new PointLabel(text,
                    xb[0] + chosen[0] / PLOT_W * (xb[1] - xb[0]),
                    yb[0] + chosen[1] / PLOT_H * (yb[1] - yb[0])));
        }
        return out;
    }

    private static boolean overlap(double[] a, double[] b) {
        return a[0] < b[2] && b[0] < a[2] && a[1] < b[3] && b[1] < a[3];
    }

    private static FontMetrics metrics() {
        Graphics2D g = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics();
        try {
            return g.getFontMetrics(ChartStyle.ANNOTATION_FONT);
        } finally {
            g.dispose();
        }
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
     * the loss axis, fractions (names containing "sparsity") in percent on the right axis with
     * accuracy.
     */
    private static void addExtraSeries(XYChart chart, History history) {
        for (var e : history.series().entrySet()) {
            int axis = e.getKey().contains("sparsity") ? 1 : 0;
            if (axis == 1) {
                chart.setYAxisGroupTitle(1, "accuracy / sparsity (%)");
            }
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            for (History.Step s : e.getValue()) {
                x.add((double) s.step());
                y.add(axis == 1 ? s.loss() * 100 : s.loss());
            }
            update(chart, e.getKey(), x, y, axis, false);
        }
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

    /** Series names of {@link #lrFinder}. */
    public static final String LR_LOSS = "loss (smoothed)";

    /** Series of the suggested rate on {@link #lrFinder}. */
    public static final String LR_SUGGESTION = "suggested (valley)";

    /** Series of the steepest descent on {@link #lrFinder}. */
    public static final String LR_STEEPEST = "steepest descent";

    /**
     * A learning-rate range test: the smoothed loss against the learning rate on a log axis (ticks
     * at powers of ten, written 1e-4), the raw batch losses faint behind it, the valley suggestion
     * and the steepest descent marked on the curve with their rates in the legend.
     */
    public static XYChart lrFinder(dev.slimkit.train.LrFinder.Result r, String title) {
        XYChart chart = ChartStyle.xy(title, "learning rate (log scale)", "loss");
        chart.getStyler().setxAxisTickLabelsFormattingFunction(e -> {
            double rounded = Math.rint(e);
            return Math.abs(e - rounded) > 1e-6 ? " " : "1e" + (int) rounded;
        });
        chart.getStyler().setyAxisTickLabelsFormattingFunction(Measure.PLAIN.tick());
        double[] x = map(r.learningRates(), Math::log10);
        if (x.length == 0) {
            chart.addSeries("no data", new double[] {0}, new double[] {0});
            return chart;
        }
        double[] xb = {Math.floor(x[0]), Math.ceil(x[x.length - 1] + 1e-9)};
        // the y range: from just under the best loss to just over the first (the blow-up is clipped)
        double best = java.util.Arrays.stream(r.smoothed()).filter(Double::isFinite).min().orElse(0);
        double first = r.smoothed()[0];
        double top = Math.max(first, best) * 1.1 + 1e-9;
        chart.getStyler().setXAxisMin(xb[0]);
        chart.getStyler().setXAxisMax(xb[1]);
        chart.getStyler().setYAxisMin(Math.max(0, best - 0.1 * (top - best)));
        chart.getStyler().setYAxisMax(top);
        double[] raw = map(r.losses(), v -> Double.isFinite(v) ? Math.min(v, top) : top);
        XYSeries batches = chart.addSeries("loss (each batch)", x, raw);
        batches.setMarker(SeriesMarkers.NONE);
        batches.setLineColor(new Color(0xCCCCCC));
        batches.setLineWidth(1f);
        double[] smooth = map(r.smoothed(), v -> Double.isFinite(v) ? Math.min(v, top) : top);
        XYSeries curve = chart.addSeries(LR_LOSS, x, smooth);
        curve.setMarker(SeriesMarkers.NONE);
        curve.setLineColor(ChartStyle.PALETTE[0]);
        curve.setLineWidth(2.5f);
        mark(chart, r, r.valley(), LR_SUGGESTION, SeriesMarkers.CIRCLE, ChartStyle.PALETTE[1]);
        mark(chart, r, r.steepest(), LR_STEEPEST, SeriesMarkers.DIAMOND, ChartStyle.TEXT);
        ChartStyle.placeLegend(chart);
        return chart;
    }

    private static void mark(XYChart chart, dev.slimkit.train.LrFinder.Result r, double lr, String name,
            org.knowm.xchart.style.markers.Marker marker, Color color) {
        if (!Double.isFinite(lr)) {
            return;
        }
        double[] lrs = r.learningRates();
        int at = 0;
        for (int i = 0; i < lrs.length; i++) {
            if (Math.abs(lrs[i] - lr) < Math.abs(lrs[at] - lr)) {
                at = i;
            }
        }
        XYSeries s = chart.addSeries(String.format(java.util.Locale.ROOT, "%s: %.2g", name, lr),
                new double[] {Math.log10(lrs[at])}, new double[] {r.smoothed()[at]});
        s.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(marker);
        s.setMarkerColor(color);
    }

    /** Turns the x labels 45° when the longest name would crowd its neighbours. */
    private static void rotateLongNames(CategoryChart chart, List<String> names) {
        int room = (WIDTH - 150) / Math.max(1, names.size()) / 7; // characters per category
        if (longest(names) > room) {
            chart.getStyler().setXAxisLabelRotation(45);
        }
    }

    private static int longest(List<String> names) {
        return names.stream().mapToInt(String::length).max().orElse(0);
    }

    private static List<Double> log10(List<Double> values, double floorExponent) {
        List<Double> out = new ArrayList<>();
        for (double v : values) {
            out.add(v > 0 ? Math.log10(v) : floorExponent);
        }
        return out;
    }

    private static List<Double> percent(List<Double> fractions) {
        List<Double> out = new ArrayList<>();
        for (double f : fractions) {
            out.add(f * 100);
        }
        return out;
    }

    private static double[] map(double[] values, Function<Double, Double> f) {
        double[] out = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = f.apply(values[i]);
        }
        return out;
    }

    private static void addSeries(
            XYChart chart, String name, List<Double> x, List<Double> y, int axis, boolean markers) {
        XYSeries s = chart.addSeries(name, placeholder(x), placeholder(y));
        s.setYAxisGroup(axis);
        if (!markers) {
            s.setMarker(SeriesMarkers.NONE);
        }
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

package dev.slimkit.report;

import static dev.slimkit.report.Charts.*;

import dev.slimkit.measure.ComparisonRow;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Accuracy-vs-cost charts: the models as points, the Pareto frontier as steps, labels placed so they do not overlap. */
public final class ParetoCharts {

    private ParetoCharts() {}

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
        double[] xb = xBounds(points, costs, log);
        double[] yb = AxisFormat.fractionBounds(points.stream().mapToDouble(Pareto.Point::accuracy).toArray());
        chart.getStyler().setXAxisMin(xb[0]);
        chart.getStyler().setXAxisMax(xb[1]);
        chart.getStyler().setYAxisMin(yb[0]);
        chart.getStyler().setYAxisMax(yb[1]);
        hidden(chart.addSeries(BOUNDS, new double[] {xb[0], xb[1]}, new double[] {yb[0], yb[1]}));
        addFrontier(chart, points, x);
        addPoints(chart, points, x, reference);
        List<PointLabel> labels = labels(points, x, xb, yb);
        for (PointLabel l : labels) {
            chart.addAnnotation(new AnnotationText(l.text(), l.x(), l.y(), false));
        }
        labelsByChart.put(chart, labels);
        ChartStyle.placeLegend(chart);
        return chart;
    }

    private static double[] xBounds(List<Pareto.Point> points, double[] costs, boolean log) {
        if (log) {
            return AxisFormat.logScale(costs);
        }
        double max = points.stream().mapToDouble(Pareto.Point::cost).max().orElse(1);
        double min = points.stream().mapToDouble(Pareto.Point::cost).min().orElse(0);
        return new double[] {Math.min(0, min), max <= 0 ? 1 : max * 1.15};
    }

    /** The frontier as a staircase line. */
    private static void addFrontier(XYChart chart, List<Pareto.Point> points, Function<Double, Double> x) {
        double[][] steps = Pareto.steps(Pareto.frontier(points));
        XYSeries frontier = chart.addSeries(FRONTIER, map(steps[0], x), steps[1]);
        frontier.setXYSeriesRenderStyle(XYSeries.XYSeriesRenderStyle.Line);
        frontier.setMarker(SeriesMarkers.NONE);
        frontier.setLineColor(ChartStyle.PALETTE[1]);
        frontier.setLineStyle(ChartStyle.LINES[0]);
        frontier.setLineWidth(2.5f);
    }

    /** The models as circles, the reference as a diamond with cross-hairs. */
    private static void addPoints(XYChart chart, List<Pareto.Point> points, Function<Double, Double> x,
            String reference) {
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
    }

    /**
     * The name labels {@link #pareto} placed on a chart it made, in placement order (empty for
     * other charts). For tests and notebooks that add their own annotations.
     */
    public static List<PointLabel> paretoLabels(XYChart chart) {
        return labelsByChart.getOrDefault(chart, List.of());
    }

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
}

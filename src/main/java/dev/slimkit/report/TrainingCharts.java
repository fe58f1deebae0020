package dev.slimkit.report;

import static dev.slimkit.report.Charts.*;

import dev.slimkit.model.History;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Charts of training: loss and accuracy curves drawn live and redrawn in place, and the learning-rate range test. */
public final class TrainingCharts {

    private TrainingCharts() {}

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

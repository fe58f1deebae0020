package dev.slimkit.kernel;

import dev.slimkit.report.Html;
import dev.slimkit.report.TrainingCharts;
import dev.slimkit.train.FitListener;
import dev.slimkit.model.History;
import java.util.Locale;
import org.knowm.xchart.XYChart;

/**
 * Live output of a training run: one loss/accuracy chart and one HTML progress bar, each shown
 * once and then updated in place (by display id) every epoch and every few seconds of batches, so
 * that the finished cell holds one final chart and one final bar.
 */
public final class LiveTraining implements FitListener {

    private final DisplaySink sink;
    private final History history;
    private final String title;
    private final long minMillisBetweenUpdates;
    private XYChart chart;
    private String chartId;
    private String barId;
    private long lastUpdate;
    private BatchProgress last;

    /**
     * @param sink where to show the outputs
     * @param history the model's history (read for the chart)
     * @param title the chart's title
     * @param minMillisBetweenUpdates throttle for per-batch updates (epochs always update)
     */
    public LiveTraining(DisplaySink sink, History history, String title, long minMillisBetweenUpdates) {
        this.sink = sink;
        this.history = history;
        this.title = title;
        this.minMillisBetweenUpdates = minMillisBetweenUpdates;
    }

    /** Shows the initial (empty) bar and chart. */
    public void start() {
        barId = sink.display(Html.of(bar(0, "starting…")));
        chart = TrainingCharts.trainingCurves(history, title);
        chartId = sink.display(chart);
        lastUpdate = System.currentTimeMillis();
    }

    @Override
    public void onBatch(BatchProgress p) {
        if (chart == null) {
            start(); // started lazily when nobody started it before training
        }
        last = p;
        long now = System.currentTimeMillis();
        if (now - lastUpdate >= minMillisBetweenUpdates) {
            lastUpdate = now;
            refresh(p);
        }
    }

    @Override
    public void onEpoch(History.Epoch epoch, History h) {
        if (last != null) {
            refresh(last);
        }
    }

    /** Final state: the bar at its end (or where training stopped) and the full chart. */
    public void finish(String note) {
        if (chart == null) {
            return;
        }
        TrainingCharts.updateTrainingCurves(chart, history);
        sink.update(chartId, chart);
        double progress = last == null ? 0 : last.progress();
        String text = last == null ? note : describe(last) + " — " + note;
        sink.update(barId, Html.of(bar(progress, text)));
    }

    private void refresh(BatchProgress p) {
        TrainingCharts.updateTrainingCurves(chart, history);
        sink.update(chartId, chart);
        sink.update(barId, Html.of(bar(p.progress(), describe(p))));
    }

    private static String describe(BatchProgress p) {
        return String.format(
                Locale.ROOT,
                "epoch %d/%d · batch %d/%d · loss %.4f · acc %.4f · %.0f s elapsed · ETA %.0f s",
                p.epoch(), p.epochs(), p.batch(), p.batchesPerEpoch(), p.loss(), p.runningAccuracy(),
                p.elapsedSeconds(), p.etaSeconds());
    }

    static String bar(double progress, String text) {
        return String.format(
                Locale.ROOT,
                "<div><progress value=\"%.4f\" max=\"1\" style=\"width:320px\"></progress> "
                        + "<span style=\"font-family:monospace\">%3.0f%% %s</span></div>",
                progress, progress * 100, text.replace("<", "&lt;"));
    }
}

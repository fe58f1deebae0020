package dev.slimkit.kernel;

import dev.slimkit.Session;
import dev.slimkit.pipeline.Pipeline;
import dev.slimkit.pipeline.PipelineResult;
import dev.slimkit.report.PipelineTables;
import dev.slimkit.report.SweepTables;
import dev.slimkit.sweep.Sweep;
import dev.slimkit.sweep.SweepResult;
import dev.slimkit.step.Step;
import dev.slimkit.step.StepResult;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs what a magic asks for, the same way for every magic: a {@link Step} with one live chart
 * and progress bar per model it trains (finished in {@code finally}), tracked for the interrupt
 * button; the models it made put into the session even when it was interrupted; errors and
 * interruptions turned into one line.
 */
final class StepRunner {

    private final Session session;
    private final DisplaySink sink;
    private final RunTracker runs;
    private final UsageErrors errors;

    StepRunner(Session session, DisplaySink sink, RunTracker runs, UsageErrors errors) {
        this.session = session;
        this.sink = sink;
        this.runs = runs;
        this.errors = errors;
    }

    /**
     * Runs {@code step} for {@code %magic}.
     *
     * @throws UsageError for bad settings, or when the step was interrupted (after its models
     *     reached the session)
     */
    <S extends Step<S>> StepResult run(String magic, S step) {
        errors.run(magic, step::validate);
        List<LiveTraining> live = new ArrayList<>();
        step.listeners(model -> liveChart(live, model, step.name()));
        RunTracker.Run tracked = runs.begin(step.name());
        step.listener(tracked);
        StepResult result = null;
        try {
            result = errors.call(magic, step::run);
        } finally {
            boolean stopped = result == null || result.interrupted();
            live.forEach(l -> l.finish(stopped ? "interrupted" : "done"));
            step.outputs().forEach(session::putModel);
            runs.end(tracked);
        }
        session.putResult(result);
        if (step.lrFinding() != null) {
            sink.display(dev.slimkit.report.TrainingCharts.lrFinder(step.lrFinding(), result.model()
                    + ": loss against learning rate (range test for --lr find)"));
        }
        if (result.interrupted()) {
            throw errors.remember(new UsageError(magic + ": " + String.join("; ", result.notes()) + "; model ["
                    + result.model() + "] keeps the steps trained so far"));
        }
        return result;
    }

    /**
     * Runs {@code pipeline} for {@code %%pipeline}: a stage table updated in place, one live chart
     * per model a stage trains, every model made put into the session (also when interrupted).
     *
     * @throws UsageError for bad settings, or when a stage was interrupted
     */
    PipelineResult pipeline(String magic, Pipeline pipeline) {
        List<PipelineResult.Row> rows = new ArrayList<>();
        String table = sink.display(PipelineTables.stages(rows, "pipeline stages"));
        pipeline.listener(row -> {
            rows.removeIf(r -> r.index() == row.index());
            rows.add(row);
            sink.update(table, PipelineTables.stages(rows, "pipeline stages"));
        });
        List<LiveTraining> live = new ArrayList<>();
        pipeline.listeners(model -> liveChart(live, model, "training"));
        RunTracker.Run tracked = runs.begin("pipeline");
        pipeline.listeners(model -> tracked);
        PipelineResult result = null;
        try {
            result = errors.call(magic, pipeline::run);
        } finally {
            boolean stopped = result == null || result.interrupted();
            live.forEach(l -> l.finish(stopped ? "interrupted" : "done"));
            pipeline.outputs().forEach(session::putModel);
            runs.end(tracked);
        }
        session.putResult(result);
        if (result.interrupted()) {
            throw errors.remember(new UsageError(magic + ": interrupted in stage " + rows.get(rows.size() - 1).index()
                    + "; finished stages are in the session and on disk, the stopped stage's model ["
                    + rows.get(rows.size() - 1).model() + "] keeps what it trained"));
        }
        return result;
    }

    /**
     * Runs {@code sweep} for {@code %%sweep}: the results table and the Pareto chart redrawn as each
     * trial finishes; the stop button stops the trials still running (on Spark: cancels the job
     * group) and keeps the finished rows.
     *
     * @throws UsageError for bad settings, or when the sweep was stopped (after showing its rows)
     */
    SweepResult sweep(String magic, Sweep sweep, int planned) {
        List<SweepResult.Row> rows = new ArrayList<>();
        String title = "sweep on " + sweep.executor().describe() + ": " + planned + " trials";
        String table = sink.display(SweepTables.trials(rows, -1, title + " (running…)"));
        String[] chart = {null};
        sweep.listener(row -> {
            rows.add(row);
            sink.update(table, SweepTables.trials(rows, -1, title + " (" + rows.size() + " finished)"));
            var c = SweepTables.pareto(rows, "sweep: accuracy vs MACs");
            if (c != null) {
                if (chart[0] == null) {
                    chart[0] = sink.display(c);
                } else {
                    sink.update(chart[0], c);
                }
            }
        });
        RunTracker.Run tracked = runs.begin("sweep");
        sweep.listeners(model -> tracked);
        SweepResult result;
        try {
            result = errors.call(magic, sweep::run);
        } finally {
            runs.end(tracked);
        }
        session.putResult(result);
        int best = result.rows().stream().anyMatch(r -> !Double.isNaN(r.validationAccuracy()))
                ? result.best(sweep.metric()).map(r -> r.trial().index()).orElse(-1) : -1;
        sink.update(table, SweepTables.trials(result.rows(), best, title + String.format(java.util.Locale.ROOT,
                " (%d finished in %.1f s%s)", result.rows().size(), result.seconds(), best >= 0
                        ? "; best on validation " + sweep.metric() + ": trial " + best : "")));
        if (result.cancelled()) {
            Thread.interrupted(); // consumed: the message says so, the next cell runs normally
            throw errors.remember(new UsageError(magic + ": stopped; " + result.rows().size() + " of " + planned
                    + " trials finished and their rows are kept"));
        }
        return result;
    }

    /** A live chart and progress bar for {@code model}, shown now and kept in {@code live} to finish later. */
    private LiveTraining liveChart(List<LiveTraining> live, dev.slimkit.model.SlimModel model, String what) {
        LiveTraining l = new LiveTraining(sink, model.history(), model.name() + " " + what, 1500);
        l.start();
        live.add(l);
        return l;
    }

    /** Runs a long task that is not a step (e.g. a sensitivity scan), tracked for the interrupt button. */
    <T> T task(String magic, String activity, Supplier<T> action) {
        RunTracker.Run tracked = runs.begin(activity);
        try {
            return errors.call(magic, action);
        } finally {
            runs.end(tracked);
        }
    }

}

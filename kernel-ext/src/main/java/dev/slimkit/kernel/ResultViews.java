package dev.slimkit.kernel;

import dev.slimkit.measure.Comparison;
import dev.slimkit.model.ModelStats;
import dev.slimkit.prune.PruneStep;
import dev.slimkit.report.Charts;
import dev.slimkit.report.Tables;
import dev.slimkit.step.StepResult;
import dev.slimkit.train.Evaluation;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What each magic shows of a result: the report builders' tables and charts, in order. */
final class ResultViews {

    private ResultViews() {}

    static void train(DisplaySink sink, StepResult r) {
        sink.display(Tables.stepResult(r));
    }

    static void transfer(DisplaySink sink, StepResult r) {
        sink.display(Tables.stepResult(r));
        sink.display(Tables.metrics(r.metrics(), "transfer figures"));
    }

    static void distill(DisplaySink sink, StepResult r, String teacher) {
        sink.display(Tables.comparison(r.comparison(), String.format(Locale.ROOT,
                "distillation %s → %s — teacher/student agreement %.4f; %s", teacher, r.model(),
                r.metrics().get("agreement"), String.join("; ", r.notes()))));
    }

    static void prune(DisplaySink sink, StepResult r, PruneStep step) {
        sink.display(Tables.layerSparsity(r.before(), r.after(), r.model() + ": sparsity per layer"));
        sink.display(Charts.layerSparsity(r.before(), r.after(), r.model() + ": sparsity per layer"));
        List<double[]> log = step.scheduleLog();
        Map<String, double[][]> schedule = new LinkedHashMap<>();
        schedule.put("target sparsity", new double[][] {log.stream().mapToDouble(p -> p[0]).toArray(),
                log.stream().mapToDouble(p -> p[1]).toArray()});
        sink.display(Charts.lines(r.model() + ": sparsity schedule", "step", "sparsity", schedule));
        sink.display(Tables.stepResult(r));
        sink.display(Tables.metrics(r.metrics(), "pruning figures"));
    }

    static void trim(DisplaySink sink, StepResult r, String source) {
        sink.display(Charts.layerWidths(r.before(), r.after(), source + " → " + r.model() + ": output width per layer"));
        sink.display(Tables.stepResult(r));
        sink.display(Tables.metrics(r.metrics(), "trimming figures"));
    }

    static void evaluation(DisplaySink sink, Evaluation e, List<String> classes, String title) {
        sink.display(Tables.evaluation(e, classes, title + " (test)"));
        sink.display(Charts.confusion(e, classes, title.replaceFirst(" on .*", "") + " confusion matrix (test)"));
    }

    static void summary(DisplaySink sink, ModelStats stats, String name, String arch) {
        sink.display(Tables.summary(stats, name + " (" + arch + ")"));
        sink.display(Charts.layerParams(stats, name + ": parameters per layer"));
    }

    static void comparison(DisplaySink sink, Comparison c) {
        sink.display(Tables.comparison(c.rows(), c.title()));
        if (c.data() != null) {
            sink.display(Charts.pareto(c.rows(), "MACs", "accuracy vs MACs"));
            if (c.latencyMeasured()) {
                sink.display(Charts.pareto(c.rows(), "latency", "accuracy vs latency (batch 32)"));
            }
        }
    }

    /** One line of HTML. */
    static Html line(String html) {
        return Html.of("<div>" + html + "</div>");
    }
}

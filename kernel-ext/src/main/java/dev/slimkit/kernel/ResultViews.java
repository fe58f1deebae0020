package dev.slimkit.kernel;

import dev.slimkit.report.TrainingCharts;
import dev.slimkit.report.ParetoCharts;
import dev.slimkit.recipe.Grammar;
import ai.djl.engine.Engine;
import dev.slimkit.Slim;
import dev.slimkit.measure.Comparison;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.ModelStats;
import dev.slimkit.prune.PruneDetail;
import dev.slimkit.report.Charts;
import dev.slimkit.report.Tables;
import dev.slimkit.trim.TrimDetail;
import dev.slimkit.trim.Cut;
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

    /** With sparse training ({@code --bn-l1}): also the |gamma| distribution before and after. */
    static void train(DisplaySink sink, StepResult r, double[] gammasBefore, dev.slimkit.model.SlimModel trained) {
        train(sink, r);
        if (gammasBefore != null && trained != null) {
            Map<String, double[]> g = new LinkedHashMap<>();
            g.put("before", gammasBefore);
            g.put("after", dev.slimkit.step.TrainStep.gammas(trained));
            sink.display(Charts.gammaDistribution(r.model() + ": batch-norm |gamma| before and after sparse training", g));
        }
    }

    static void lrFind(DisplaySink sink, dev.slimkit.train.LrFinder.Result r, String model) {
        sink.display(TrainingCharts.lrFinder(r, model + ": loss against learning rate (range test)"));
        sink.display(line(Html.escape(model + ": " + r.describe() + "; weights restored")));
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

    static void prune(DisplaySink sink, StepResult r) {
        sink.display(Tables.layerSparsity(r.before(), r.after(), r.model() + ": sparsity per layer"));
        sink.display(Charts.layerSparsity(r.before(), r.after(), r.model() + ": sparsity per layer"));
        pruneSchedule(sink, r);
        sink.display(Tables.stepResult(r));
        sink.display(Tables.metrics(r.metrics(), "pruning figures"));
    }

    private static void pruneSchedule(DisplaySink sink, StepResult r) {
        List<double[]> log = r.detail(PruneDetail.class).map(PruneDetail::schedule).orElse(List.of());
        if (log.size() < 3) {
            return; // one shot: the target sparsity is in the figures table; a chart needs a schedule
        }
        Map<String, double[][]> schedule = new LinkedHashMap<>();
        schedule.put("target sparsity", new double[][] {log.stream().mapToDouble(p -> p[0]).toArray(),
                log.stream().mapToDouble(p -> p[1]).toArray()});
        sink.display(Charts.lines(r.model() + ": sparsity schedule", "step", "sparsity", schedule));
    }

    static void trim(DisplaySink sink, StepResult r, String source) {
        sink.display(Charts.layerWidths(r.before(), r.after(), source + " → " + r.model() + ": output width per layer"));
        sink.display(Tables.stepResult(r));
        sink.display(Tables.metrics(r.metrics(), "trimming figures"));
        trimDetail(sink, r, source);
    }

    /** The latency table and the per-cut charts of a trim, from its {@link TrimDetail}. */
    private static void trimDetail(DisplaySink sink, StepResult r, String source) {
        TrimDetail detail = r.detail(TrimDetail.class).orElse(null);
        if (detail == null) {
            return;
        }
        if (detail.latencyTable() != null) {
            sink.display(Tables.latencyTable(detail.latencyTable(), source + ": measured latency of candidate widths"
                    + " (one group cut, the rest whole)"));
        }
        List<Cut> cuts = detail.cuts();
        if (cuts.size() > 1 && cuts.stream().noneMatch(c -> Double.isNaN(c.accuracyAfterCut()))) {
            double[] k = cuts.stream().mapToDouble(c -> c.step()).toArray();
            Map<String, double[][]> acc = new LinkedHashMap<>();
            acc.put("after the cut", new double[][] {k, cuts.stream().mapToDouble(c -> c.accuracyAfterCut()).toArray()});
            if (cuts.stream().noneMatch(c -> Double.isNaN(c.accuracyAfterRecalibration()))) {
                acc.put("after batch-norm recalibration", new double[][] {k,
                        cuts.stream().mapToDouble(c -> c.accuracyAfterRecalibration()).toArray()});
            }
            if (cuts.stream().noneMatch(c -> Double.isNaN(c.accuracyAfterTune()))) {
                acc.put("after fine-tuning", new double[][] {k, cuts.stream().mapToDouble(c -> c.accuracyAfterTune()).toArray()});
            }
            String split = cuts.get(0).split();
            sink.display(Charts.lines(r.model() + ": " + split + " accuracy per step", "step", split + " accuracy", acc));
            long base = r.before().macs();
            sink.display(Charts.lines(r.model() + ": MACs per step (fraction of the original)", "step", "MACs / original",
                    Map.of("MACs", new double[][] {k, cuts.stream().mapToDouble(c -> (double) c.macs() / base).toArray()})));
        }
    }

    /** Pairs of classes %eval lists under its confusion matrix. */
    static final int MOST_CONFUSED = 5;

    static void evaluation(DisplaySink sink, Evaluation e, List<String> classes, String model, String data) {
        sink.display(Tables.evaluation(e, classes, model + " on " + data + " (test)"));
        sink.display(Charts.confusion(e, classes, model + " confusion matrix (test)"));
        var pairs = e.mostConfused(MOST_CONFUSED, 1);
        if (!pairs.isEmpty()) {
            sink.display(Tables.mostConfused(pairs, classes, model + ": the " + pairs.size() + " most confused pairs"
                    + " (test)"));
        }
        sink.display(Charts.perClassAccuracy(e, classes, model + " accuracy per class (test)"));
    }

    /** The test images with the highest loss, captioned "true → predicted (p)". */
    static void worst(DisplaySink sink, dev.slimkit.data.ImageSplit split, List<dev.slimkit.train.TopLoss> worst,
            List<String> classes, String model) {
        if (!worst.isEmpty()) {
            sink.display(dev.slimkit.report.ImageGrid.worst(split, worst, classes, model + ": the " + worst.size()
                    + " test images with the highest loss"));
        }
    }

    static void summary(DisplaySink sink, ModelStats stats, String name, String arch) {
        sink.display(Tables.summary(stats, name + " (" + arch + ")"));
        sink.display(Charts.layerParams(stats, name + ": parameters per layer"));
    }

    static void comparison(DisplaySink sink, Comparison c) {
        sink.display(Tables.comparison(c.rows(), c.title()));
        if (!c.runtimes().isEmpty()) {
            sink.display(Tables.runtimes(c.runtimes(), "latency per runtime (median (IQR) of " + Latency.DEFAULT_RUNS
                    + " interleaved rounds, " + c.threads() + " threads in each)"));
        }
        if (c.data() != null) {
            String reference = c.rows().get(0).model();
            String accuracy = "accuracy on " + c.data() + " test";
            sink.display(ParetoCharts.pareto(c.rows(), "MACs", "accuracy vs MACs", reference, null, accuracy));
            if (c.latencyMeasured()) {
                sink.display(ParetoCharts.pareto(c.rows(), "latency", "accuracy vs latency (batch 32)", reference,
                        ParetoCharts.latencyTitle(32, Latency.DEFAULT_RUNS, c.threads()), accuracy));
            }
        }
    }

    static void sensitivity(DisplaySink sink, dev.slimkit.prune.Sensitivity.Result r, String model) {
        if (r.note() != null) {
            sink.display(line(Html.escape(r.note().replace("validationSplit(...)", "%data --val 0.1"))));
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        r.accuracy().forEach((layer, acc) -> series.put(layer, new double[][] {r.levels(), acc}));
        sink.display(Charts.lines(model + ": accuracy when one layer is pruned (baseline " + String.format(
                Locale.ROOT, "%.4f", r.baseline()) + ")", "sparsity of that layer", r.split() + " accuracy", series));
        sink.display(Tables.sensitivity(r.levels(), r.baseline(), r.accuracy(), model + " sensitivity (" + r.split()
                + " accuracy)"));
    }

    /** What %model shows of a new model: origin, classes, input, size, MACs, device. */
    static Html model(dev.slimkit.model.SlimModel m) {
        ModelStats s = ModelStats.of(m);
        var spec = m.spec();
        String origin = spec.hasTorchScript() ? "TorchScript from " + spec.torchScriptLayers().get(0).source()
                : spec.arch() + " width " + spec.widthMultiplier() + ", seed " + m.seed();
        return line(String.format(Locale.ROOT, "<b>%s</b>: %s, %d classes, input %dx%dx%d — %,d params, %s, on %s",
                Html.escape(m.name()), Html.escape(origin), spec.classes(), spec.channels(),
                spec.height(), spec.width(), s.params(), s.macs() < 0 ? "MACs unknown (opaque graph)"
                        : String.format(Locale.ROOT, "%,d MACs per image", s.macs()), m.device()));
    }

    /** %slimkit: version, engine, device, threads, the session's objects and every command. */
    static Html overview(dev.slimkit.Session session) {
        dev.slimkit.measure.Devices d = Slim.devices();
        StringBuilder html = new StringBuilder("<div><b>slimkit ").append(Slim.VERSION).append("</b> · DJL ")
                .append(Engine.getDjlVersion()).append(" · libtorch ").append(d.libtorchVersion()).append(" (")
                .append(d.flavor()).append(d.cudaBuild() ? ", CUDA build" : ", CPU build").append(") · device ")
                .append(d.defaultDevice()).append(" · GPUs: ").append(d.gpuCount()).append(" · ")
                .append(Latency.threads()).append(" threads</div>");
        d.gpus().forEach(g -> html.append("<div>").append(Html.escape(g.toString())).append("</div>"));
        if (d.warning() != null) {
            html.append("<div><b>warning:</b> ").append(Html.escape(d.warning())).append("</div>");
        }
        html.append("<div>data: ").append(names(session.allData().keySet())).append(" · models: ")
                .append(names(session.allModels().keySet())).append("</div>")
                .append("<table><thead><tr><th>command</th><th>what it does</th></tr></thead><tbody>");
        for (Grammar m : MagicSchemas.ALL) {
            html.append("<tr><td style=\"text-align:left\"><code>").append(Html.escape(m.usage().lines().findFirst().orElse("")))
                    .append("</code></td><td style=\"text-align:left\">").append(Html.escape(m.summary())).append("</td></tr>");
        }
        return Html.of(html.append("</tbody></table><div>Each command prints its options with <code>--help</code>.</div>").toString());
    }

    private static String names(java.util.Collection<String> names) {
        return names.isEmpty() ? "none" : Html.escape(String.join(", ", names));
    }

    /**
     * %%pipeline: the four yardsticks of every model, then accuracy against MACs and against
     * latency. A base whose first stage is a transfer answers another task, so its accuracy on this
     * data means nothing: it stays in the table (its size and speed do mean something) but not in
     * the charts, whose reference is then the transferred model.
     */
    static void pipeline(DisplaySink sink, dev.slimkit.pipeline.PipelineResult r) {
        List<dev.slimkit.pipeline.PipelineResult.Row> all = new java.util.ArrayList<>();
        all.add(r.base());
        all.addAll(r.stages());
        if (r.control() != null) {
            all.add(r.control());
        }
        boolean otherTask = !r.stages().isEmpty() && dev.slimkit.recipe.Steps.named(r.stages().get(0).kind())
                .can(dev.slimkit.recipe.Capability.NEW_TASK);
        sink.display(dev.slimkit.report.PipelineTables.yardsticks(all, "pipeline: the four yardsticks (test split; latency"
                + " median of " + Latency.DEFAULT_RUNS + " runs on " + Latency.threads() + " threads, IQR in brackets)"
                + (otherTask ? "; the base's accuracy is its old head's on the new task" : "")));
        var rows = dev.slimkit.report.PipelineTables.comparisonRows(otherTask ? all.subList(1, all.size()) : all);
        String reference = rows.isEmpty() ? null : rows.get(0).model();
        sink.display(ParetoCharts.pareto(rows, "MACs", "pipeline: accuracy vs MACs", reference, null, null));
        if (rows.stream().anyMatch(x -> !Double.isNaN(x.latencyMsBatch32()))) {
            sink.display(ParetoCharts.pareto(rows, "latency", "pipeline: accuracy vs latency (batch 32)", reference,
                    ParetoCharts.latencyTitle(32, Latency.DEFAULT_RUNS, Latency.threads()), null));
        }
        // Each stage's own charts, as its magic draws them (from the result's typed detail).
        for (var stage : r.stages()) {
            if (stage.result() != null) {
                trimDetail(sink, stage.result(), stage.model());
                pruneSchedule(sink, stage.result());
            }
        }
    }

    /** What %load shows: the model, and the file's notices (TorchScript code that will run, no checksums). */
    static Html loaded(dev.slimkit.model.SlimModel m, java.nio.file.Path path) {
        StringBuilder html = new StringBuilder(String.format(Locale.ROOT, "loaded <b>%s</b> from <code>%s</code>: %s, %d"
                + " classes, %,d params, %d epochs of history", Html.escape(m.name()), Html.escape(path.toString()),
                m.spec().arch(), m.spec().classes(), ModelStats.of(m).params(), m.history().epochCount()));
        dev.slimkit.io.ModelIO.notices(m).forEach(n -> html.append("<br>note: ").append(Html.escape(n)));
        return line(html.toString());
    }

    /** One line of HTML. */
    static Html line(String html) {
        return Html.of("<div>" + html + "</div>");
    }
}

package dev.slimkit.view;

import dev.slimkit.report.TrainingCharts;
import dev.slimkit.report.ParetoCharts;
import dev.slimkit.measure.Comparison;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.ModelStats;
import dev.slimkit.prune.PruneDetail;
import dev.slimkit.report.Charts;
import dev.slimkit.report.Tables;
import dev.slimkit.trim.TrimDetail;
import dev.slimkit.trim.ChannelGroup;
import dev.slimkit.trim.Cut;
import dev.slimkit.trim.LatencyTable;
import dev.slimkit.step.StepResult;
import dev.slimkit.onnx.OnnxRunner;
import dev.slimkit.quant.QuantizeResult;
import dev.slimkit.train.Evaluation;
import tech.tablesaw.api.Table;
import dev.slimkit.report.Html;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What each command shows of its result, in order: the report builders' tables, charts and HTML
 * lines, as a list a notebook displays one by one (the kernel's magics display exactly these; a
 * Java cell can too). A pipeline stage shows what its step's own command shows, from the result's
 * typed detail.
 */
public final class Views {

    private Views() {}

    /** A step's before/after figures: parameters, non-zero, trainable, MACs, bytes, test accuracy. */
    public static Table summary(StepResult r) {
        double before = r.evaluationBefore() == null ? Double.NaN : r.evaluationBefore().accuracy();
        String title = String.format(Locale.ROOT, "%s → %s (%.1f s)%s", r.step(), r.model(), r.seconds(),
                r.notes().isEmpty() ? "" : " — " + String.join("; ", r.notes()));
        return Tables.beforeAfter(r.before(), r.after(), before, r.accuracy(), title);
    }

    public static List<Object> train(StepResult r) {
        List<Object> out = new ArrayList<>();
        out.add(summary(r));
        return out;
    }

    /** With sparse training ({@code --bn-l1}): also the |gamma| distribution before and after. */
    public static List<Object> train(StepResult r, double[] gammasBefore, dev.slimkit.model.SlimModel trained) {
        List<Object> out = new ArrayList<>(train(r));
        if (gammasBefore != null && trained != null) {
            Map<String, double[]> g = new LinkedHashMap<>();
            g.put("before", gammasBefore);
            g.put("after", dev.slimkit.step.TrainStep.gammas(trained));
            out.add(Charts.gammaDistribution(r.model() + ": batch-norm |gamma| before and after sparse training", g));
        }
        return out;
    }

    public static List<Object> lrFind(dev.slimkit.train.LrFinder.Result r, String model) {
        List<Object> out = new ArrayList<>();
        out.add(TrainingCharts.lrFinder(r, model + ": loss against learning rate (range test)"));
        out.add(line(Html.escape(model + ": " + r.describe() + "; weights restored")));
        return out;
    }

    public static List<Object> transfer(StepResult r) {
        List<Object> out = new ArrayList<>();
        out.add(summary(r));
        out.add(Tables.metrics(r.metrics(), "transfer figures"));
        return out;
    }

    public static List<Object> distill(StepResult r, String teacher) {
        List<Object> out = new ArrayList<>();
        out.add(Tables.comparison(r.comparison(), String.format(Locale.ROOT,
                "distillation %s → %s — teacher/student agreement %.4f; %s", teacher, r.model(),
                r.metrics().get("agreement"), String.join("; ", r.notes()))));
        return out;
    }

    public static List<Object> prune(StepResult r) {
        List<Object> out = new ArrayList<>();
        out.add(Tables.layerSparsity(r.before(), r.after(), r.model() + ": sparsity per layer"));
        out.add(Charts.layerSparsity(r.before(), r.after(), r.model() + ": sparsity per layer"));
        pruneSchedule(out, r);
        out.add(summary(r));
        out.add(Tables.metrics(r.metrics(), "pruning figures"));
        return out;
    }

    private static void pruneSchedule(List<Object> out, StepResult r) {
        List<double[]> log = r.detail(PruneDetail.class).map(PruneDetail::schedule).orElse(List.of());
        if (log.size() < 3) {
            return; // one shot: the target sparsity is in the figures table; a chart needs a schedule
        }
        Map<String, double[][]> schedule = new LinkedHashMap<>();
        schedule.put("target sparsity", new double[][] {log.stream().mapToDouble(p -> p[0]).toArray(),
                log.stream().mapToDouble(p -> p[1]).toArray()});
        out.add(Charts.lines(r.model() + ": sparsity schedule", "step", "sparsity", schedule));
    }

    public static List<Object> trim(StepResult r, String source) {
        List<Object> out = new ArrayList<>();
        out.add(Charts.layerWidths(r.before(), r.after(), source + " → " + r.model() + ": output width per layer"));
        out.add(summary(r));
        out.add(Tables.metrics(r.metrics(), "trimming figures"));
        trimDetail(out, r, source);
        return out;
    }

    /** The latency table and the per-cut charts of a trim, from its {@link TrimDetail}. */
    private static void trimDetail(List<Object> out, StepResult r, String source) {
        TrimDetail detail = r.detail(TrimDetail.class).orElse(null);
        if (detail == null) {
            return;
        }
        if (detail.latencyTable() != null) {
            out.add(latencyTable(detail.latencyTable(), source + ": measured latency of candidate widths"
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
            out.add(Charts.lines(r.model() + ": " + split + " accuracy per step", "step", split + " accuracy", acc));
            long base = r.before().macs();
            out.add(Charts.lines(r.model() + ": MACs per step (fraction of the original)", "step", "MACs / original",
                    Map.of("MACs", new double[][] {k, cuts.stream().mapToDouble(c -> (double) c.macs() / base).toArray()})));
        }
    }

    /** Pairs of classes %eval lists under its confusion matrix. */
    public static final int MOST_CONFUSED = 5;

    public static List<Object> evaluation(Evaluation e, List<String> classes, String model, String data) {
        List<Object> out = new ArrayList<>();
        out.add(Tables.evaluation(e, classes, model + " on " + data + " (test)"));
        out.add(Charts.confusion(e, classes, model + " confusion matrix (test)"));
        var pairs = e.mostConfused(MOST_CONFUSED, 1);
        if (!pairs.isEmpty()) {
            out.add(Tables.mostConfused(pairs, classes, model + ": the " + pairs.size() + " most confused pairs"
                    + " (test)"));
        }
        out.add(Charts.perClassAccuracy(e, classes, model + " accuracy per class (test)"));
        return out;
    }

    /** The test images with the highest loss, captioned "true → predicted (p)". */
    public static List<Object> worst(dev.slimkit.data.ImageSplit split, List<dev.slimkit.train.TopLoss> worst,
            List<String> classes, String model) {
        List<Object> out = new ArrayList<>();
        if (!worst.isEmpty()) {
            out.add(dev.slimkit.report.ImageGrid.worst(split, worst, classes, model + ": the " + worst.size()
                    + " test images with the highest loss"));
        }
        return out;
    }

    public static List<Object> summary(ModelStats stats, String name, String arch) {
        List<Object> out = new ArrayList<>();
        out.add(Tables.summary(stats, name + " (" + arch + ")"));
        out.add(Charts.layerParams(stats, name + ": parameters per layer"));
        return out;
    }

    public static List<Object> comparison(Comparison c) {
        List<Object> out = new ArrayList<>();
        out.add(Tables.comparison(c.rows(), c.title()));
        if (!c.runtimes().isEmpty()) {
            out.add(Tables.runtimes(c.runtimes(), "latency per runtime (median (IQR) of " + Latency.DEFAULT_RUNS
                    + " interleaved rounds, " + c.threads() + " threads in each)"));
        }
        if (c.data() != null) {
            String reference = c.rows().get(0).model();
            String accuracy = "accuracy on " + c.data() + " test";
            out.add(ParetoCharts.pareto(c.rows(), "MACs", "accuracy vs MACs", reference, null, accuracy));
            if (c.latencyMeasured()) {
                out.add(ParetoCharts.pareto(c.rows(), "latency", "accuracy vs latency (batch 32)", reference,
                        ParetoCharts.latencyTitle(32, Latency.DEFAULT_RUNS, c.threads()), accuracy));
            }
        }
        return out;
    }

    public static List<Object> sensitivity(dev.slimkit.prune.Sensitivity.Result r, String model) {
        List<Object> out = new ArrayList<>();
        if (r.note() != null) {
            out.add(line(Html.escape(r.note().replace("validationSplit(...)", "%data --val 0.1"))));
        }
        Map<String, double[][]> series = new LinkedHashMap<>();
        r.accuracy().forEach((layer, acc) -> series.put(layer, new double[][] {r.levels(), acc}));
        out.add(Charts.lines(model + ": accuracy when one layer is pruned (baseline " + String.format(
                Locale.ROOT, "%.4f", r.baseline()) + ")", "sparsity of that layer", r.split() + " accuracy", series));
        out.add(Tables.sensitivity(r.levels(), r.baseline(), r.accuracy(), model + " sensitivity (" + r.split()
                + " accuracy)"));
        return out;
    }

    /** What %model shows of a new model: origin, classes, input, size, MACs, device. */
    public static Html model(dev.slimkit.model.SlimModel m) {
        ModelStats s = ModelStats.of(m);
        var spec = m.spec();
        String origin = spec.hasTorchScript() ? "TorchScript from " + spec.torchScriptLayers().get(0).source()
                : spec.arch() + " width " + spec.widthMultiplier() + ", seed " + m.seed();
        return line(String.format(Locale.ROOT, "<b>%s</b>: %s, %d classes, input %dx%dx%d — %,d params, %s, on %s",
                Html.escape(m.name()), Html.escape(origin), spec.classes(), spec.channels(),
                spec.height(), spec.width(), s.params(), s.macs() < 0 ? "MACs unknown (opaque graph)"
                        : String.format(Locale.ROOT, "%,d MACs per image", s.macs()), m.device()));
    }

    /**
     * %%pipeline: the four yardsticks of every model, then accuracy against MACs and against
     * latency. A base whose first stage is a transfer answers another task, so its accuracy on this
     * data means nothing: it stays in the table (its size and speed do mean something) but not in
     * the charts, whose reference is then the transferred model.
     */
    public static List<Object> pipeline(dev.slimkit.pipeline.PipelineResult r) {
        List<Object> out = new ArrayList<>();
        List<dev.slimkit.pipeline.PipelineResult.Row> all = new java.util.ArrayList<>();
        all.add(r.base());
        all.addAll(r.stages());
        if (r.control() != null) {
            all.add(r.control());
        }
        boolean otherTask = !r.stages().isEmpty() && dev.slimkit.recipe.Steps.named(r.stages().get(0).kind())
                .can(dev.slimkit.recipe.Capability.NEW_TASK);
        out.add(dev.slimkit.report.PipelineTables.yardsticks(all, "pipeline: the four yardsticks (test split; latency"
                + " median of " + Latency.DEFAULT_RUNS + " runs on " + Latency.threads() + " threads, IQR in brackets)"
                + (otherTask ? "; the base's accuracy is its old head's on the new task" : "")));
        var rows = dev.slimkit.report.PipelineTables.comparisonRows(otherTask ? all.subList(1, all.size()) : all);
        String reference = rows.isEmpty() ? null : rows.get(0).model();
        out.add(ParetoCharts.pareto(rows, "MACs", "pipeline: accuracy vs MACs", reference, null, null));
        if (rows.stream().anyMatch(x -> !Double.isNaN(x.latencyMsBatch32()))) {
            out.add(ParetoCharts.pareto(rows, "latency", "pipeline: accuracy vs latency (batch 32)", reference,
                    ParetoCharts.latencyTitle(32, Latency.DEFAULT_RUNS, Latency.threads()), null));
        }
        // Each stage's own charts, as its magic draws them (from the result's typed detail).
        for (var stage : r.stages()) {
            if (stage.result() != null) {
                trimDetail(out, stage.result(), stage.model());
                pruneSchedule(out, stage.result());
            }
        }
        return out;
    }

    /** What %load shows: the model, and the file's notices (TorchScript code that will run, no checksums). */
    public static Html loaded(dev.slimkit.model.SlimModel m, java.nio.file.Path path) {
        StringBuilder html = new StringBuilder(String.format(Locale.ROOT, "loaded <b>%s</b> from <code>%s</code>: %s, %d"
                + " classes, %,d params, %d epochs of history", Html.escape(m.name()), Html.escape(path.toString()),
                m.spec().arch(), m.spec().classes(), ModelStats.of(m).params(), m.history().epochCount()));
        dev.slimkit.io.ModelIO.notices(m).forEach(n -> html.append("<br>note: ").append(Html.escape(n)));
        return line(html.toString());
    }

    /** One line of HTML. */
    public static Html line(String html) {
        return Html.of("<div>" + html + "</div>");
    }

    /**
     * The channel groups of a trim, one per row: the first producer, the kind (sequential,
     * block-inner, residual), width, and every other layer cut with it (other producers, norms,
     * consumers' inputs).
     */
    public static Table groups(List<ChannelGroup> groups, String title) {
        List<List<Object>> rows = new ArrayList<>();
        for (ChannelGroup g : groups) {
            List<String> parts = new ArrayList<>();
            g.producers().stream().skip(1).forEach(p -> parts.add(p + ".out"));
            parts.addAll(g.norms());
            g.consumers().forEach(c -> parts.add(c.toString()));
            rows.add(List.of(g.producer() + ".out", g.kind().label(), (long) g.width(), String.join(", ", parts)));
        }
        return Tables.rows(title, List.of("producer", "kind", "channels", "cut together with"), rows);
    }

    /** A latency table of a latency target: group, candidate width, measured ms, against the original. */
    public static Table latencyTable(LatencyTable t, String title) {
        List<List<Object>> rows = new ArrayList<>();
        rows.add(java.util.Arrays.asList("(original)", null, String.format(Locale.ROOT, "%.3f", t.baseMs()), "1.000"));
        for (var r : t.rows()) {
            rows.add(List.of(r.group(), (long) r.width(), String.format(Locale.ROOT, "%.3f", r.ms()),
                    String.format(Locale.ROOT, "%.3f", r.ms() / t.baseMs())));
        }
        return Tables.rows(title, List.of("group", "channels kept", "ms", "of the original"), rows);
    }

    /**
     * %quantize: float against int8 in ONNX Runtime (accuracy, file size, latency with IQR), the
     * per-layer table and chart of weight and output SQNR.
     */
    public static List<Object> quantize(QuantizeResult r) {
        List<Object> out = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        rows.add(row("validation accuracy", r.validationFp32(), r.validationInt8(), "%.4f", true));
        rows.add(row("test accuracy", r.testFp32(), r.testInt8(), "%.4f", true));
        rows.add(row("ONNX file bytes", r.fp32Bytes(), r.int8Bytes(), "%,.0f", false));
        for (int batch : new int[] {1, 32}) {
            OnnxRunner.Latency f = r.latency(batch, false);
            OnnxRunner.Latency q = r.latency(batch, true);
            if (f != null && q != null) {
                rows.add(List.of("ms batch " + batch + " (IQR)", String.format(Locale.ROOT, "%.3f (%.3f)", f.medianMs(),
                        f.iqrMs()), String.format(Locale.ROOT, "%.3f (%.3f)", q.medianMs(), q.iqrMs()),
                        speed(f.medianMs() / q.medianMs())));
            }
        }
        out.add(Tables.rows(String.format(Locale.ROOT, "%s → %s (%.1f s): int8 in ONNX Runtime, calibrated on %d training"
                + " images (%s, weights per %s)", r.model().source(), r.model().name(), r.seconds(), r.calibrationImages(),
                r.method().label(), r.perChannel() ? "output channel" : "tensor"),
                List.of("", "float (ONNX Runtime)", "int8 (ONNX Runtime)", "int8 against float"), rows));
        if (!Double.isNaN(r.maxDrop())) {
            out.add(fallbacks(r));
        }
        List<List<Object>> layers = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<Number> weight = new ArrayList<>();
        List<Number> output = new ArrayList<>();
        for (QuantizeResult.Layer l : r.layers()) {
            boolean returned = r.fallbacks().stream().anyMatch(f -> f.node().equals(l.node()));
            layers.add(List.of(l.node(), l.op(), l.quantized() ? "int8" : returned ? "float (accuracy bound)"
                    : "float (excluded)", db(l.weightSqnrDb()),
                    db(l.outputSqnrDb())));
            names.add(l.node());
            weight.add(finite(l.weightSqnrDb()));
            output.add(finite(l.outputSqnrDb()));
        }
        out.add(Tables.rows(r.model().name() + ": per layer (SQNR: signal-to-quantization-noise ratio; output: the"
                + " int8 model against the float one, every layer up to it)", List.of("layer", "op", "weights",
                        "weight SQNR dB", "output SQNR dB"), layers));
        Map<String, List<Number>> series = new LinkedHashMap<>();
        series.put("weights", weight);
        series.put("output", output);
        out.add(Charts.bars(r.model().name() + ": SQNR per layer (higher is closer to float)", "layer", "SQNR (dB)",
                names, series));
        return out;
    }

    /** The layers the accuracy bound returned to float, in order, with the validation accuracy after each. */
    private static Table fallbacks(QuantizeResult r) {
        List<List<Object>> rows = new ArrayList<>();
        for (QuantizeResult.Fallback f : r.fallbacks()) {
            rows.add(List.of(f.node(), db(f.addedSqnrDb()), String.format(Locale.ROOT, "%.4f", f.validationAfter()),
                    String.format(Locale.ROOT, "%+.2f", 100 * (f.validationAfter() - r.validationFp32()))));
        }
        String title = String.format(Locale.ROOT, "%s: at most %.2f points of validation accuracy lost; all layers"
                + " int8: %.4f against %.4f in float (%+.2f points) — %s", r.model().name(), r.maxDrop(),
                r.validationAllInt8(), r.validationFp32(), 100 * (r.validationAllInt8() - r.validationFp32()),
                rows.isEmpty() ? "within the bound, nothing back to float" : rows.size() + " layer(s) back to float,"
                        + " noisiest first (SQNR of the noise each added)");
        return Tables.rows(title, List.of("layer back to float", "added-noise SQNR dB", "validation accuracy after",
                "points against float"), rows);
    }

    private static List<Object> row(String what, double fp32, double int8, String format, boolean points) {
        String change = Double.isNaN(fp32) || Double.isNaN(int8) ? "–" : points
                ? String.format(Locale.ROOT, "%+.2f points", 100 * (int8 - fp32))
                : String.format(Locale.ROOT, "%.3f×", int8 / fp32);
        return List.of(what, Double.isNaN(fp32) ? "–" : String.format(Locale.ROOT, format, fp32),
                Double.isNaN(int8) ? "–" : String.format(Locale.ROOT, format, int8), change);
    }

    /** A speed ratio in words: {@code 1.95× faster}, or {@code 1.25× slower} for 0.8. */
    static String speed(double ratio) {
        return ratio >= 1 ? String.format(Locale.ROOT, "%.2f× faster", ratio)
                : String.format(Locale.ROOT, "%.2f× slower", 1 / ratio);
    }

    private static String db(double v) {
        return Double.isNaN(v) ? "–" : Double.isInfinite(v) ? "exact" : String.format(Locale.ROOT, "%.1f", v);
    }

    private static double finite(double v) {
        return Double.isFinite(v) ? v : 0;
    }
}

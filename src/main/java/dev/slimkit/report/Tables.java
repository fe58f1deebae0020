package dev.slimkit.report;

import dev.slimkit.measure.ComparisonRow;
import dev.slimkit.model.ModelStats;
import dev.slimkit.train.Evaluation;
import java.util.List;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/** Tablesaw builders for slimkit's results, and a plain HTML writer for notebooks and files. */
public final class Tables {

    private Tables() {}

    /**
     * The per-layer summary, torchinfo style: layer path (indented by depth), type, output shape
     * per image, parameters, non-zero parameters, MACs and whether the layer trains; a last row
     * holds the totals.
     */
    public static Table summary(ModelStats stats, String title) {
        StringColumn layer = StringColumn.create("layer");
        StringColumn type = StringColumn.create("type");
        StringColumn shape = StringColumn.create("output shape");
        LongColumn params = LongColumn.create("params");
        LongColumn nonzero = LongColumn.create("non-zero");
        LongColumn macs = LongColumn.create("MACs");
        StringColumn trainable = StringColumn.create("trainable");
        for (ModelStats.LayerStats row : stats.layers()) {
            layer.append("  ".repeat(row.depth()) + row.path());
            type.append(row.type());
            shape.append(row.outputShape());
            params.append(row.params());
            nonzero.append(row.nonzeroParams());
            appendMacs(macs, row.macs());
            trainable.append(row.trainable());
        }
        layer.append("total");
        type.append("");
        shape.append("");
        params.append(stats.params());
        nonzero.append(stats.nonzeroParams());
        appendMacs(macs, stats.macs());
        trainable.append(stats.trainableParams() + " trainable, " + stats.frozenParams() + " frozen");
        return Table.create(title, layer, type, shape, params, nonzero, macs, trainable);
    }

    /** Per-class precision, recall, F1 and support, with accuracy and macro F1 in the title. */
    public static Table evaluation(Evaluation evaluation, List<String> classNames, String title) {
        StringColumn name = StringColumn.create("class");
        DoubleColumn precision = DoubleColumn.create("precision");
        DoubleColumn recall = DoubleColumn.create("recall");
        DoubleColumn f1 = DoubleColumn.create("F1");
        LongColumn support = LongColumn.create("support");
        for (int c = 0; c < evaluation.numClasses(); c++) {
            name.append(c < classNames.size() ? classNames.get(c) : "class " + c);
            precision.append(round(evaluation.precision(c)));
            recall.append(round(evaluation.recall(c)));
            f1.append(round(evaluation.f1(c)));
            support.append(evaluation.support(c));
        }
        String fullTitle =
                String.format(
                        java.util.Locale.ROOT,
                        "%s — accuracy %.4f, macro F1 %.4f, %d images",
                        title,
                        evaluation.accuracy(),
                        evaluation.macroF1(),
                        evaluation.total());
        return Table.create(fullTitle, name, precision, recall, f1, support);
    }

    /**
     * Several models side by side: params, non-zero, MACs, latency at batch 1 and 32 as "median
     * (IQR)" in ms, the speed-up at batch 32 (batch 1 when 32 was not measured) against the first
     * row, labelled "within noise" when the medians differ by less than the timings' spread (see
     * {@link ComparisonRow#withinNoiseOf}), and accuracy.
     */
    public static Table comparison(List<ComparisonRow> rows, String title) {
        StringColumn model = StringColumn.create("model");
        LongColumn params = LongColumn.create("params");
        LongColumn nonzero = LongColumn.create("non-zero");
        LongColumn macs = LongColumn.create("MACs");
        StringColumn ms1 = StringColumn.create("ms batch 1 (IQR)");
        StringColumn ms32 = StringColumn.create("ms batch 32 (IQR)");
        StringColumn speedUp = StringColumn.create("speed-up");
        DoubleColumn accuracy = DoubleColumn.create("accuracy");
        ComparisonRow reference = rows.isEmpty() ? null : rows.get(0);
        int batch = reference != null && Double.isNaN(reference.latencyMsBatch32()) ? 1 : 32;
        for (ComparisonRow row : rows) {
            model.append(row.model());
            params.append(row.params());
            nonzero.append(row.nonzeroParams());
            appendMacs(macs, row.macs());
            ms1.append(latencyCell(row.latencyMsBatch1(), row.iqrMsBatch1()));
            ms32.append(latencyCell(row.latencyMsBatch32(), row.iqrMsBatch32()));
            speedUp.append(speedUpCell(row, reference, batch));
            accuracy.append(round(row.accuracy()));
        }
        boolean anyLatency = rows.stream().anyMatch(r -> !Double.isNaN(r.latencyMsBatch1()) || !Double.isNaN(r.latencyMsBatch32()));
        return anyLatency ? Table.create(title, model, params, nonzero, macs, ms1, ms32, speedUp, accuracy)
                : Table.create(title, model, params, nonzero, macs, accuracy);
    }

    /**
     * Each model's latency per runtime, "median (IQR)" in ms at batch 1 and 32, with the speed-up of each
     * row over the same model's first runtime at batch 32 and a note (the export check, or why not timed).
     */
    public static Table runtimes(List<dev.slimkit.measure.RuntimeRow> rows, String title) {
        StringColumn model = StringColumn.create("model");
        StringColumn runtime = StringColumn.create("runtime");
        StringColumn ms1 = StringColumn.create("ms batch 1 (IQR)");
        StringColumn ms32 = StringColumn.create("ms batch 32 (IQR)");
        StringColumn vs = StringColumn.create("speed-up at batch 32");
        StringColumn note = StringColumn.create("note");
        java.util.Map<String, Double> first = new java.util.HashMap<>();
        for (dev.slimkit.measure.RuntimeRow r : rows) {
            model.append(r.model());
            runtime.append(r.runtime());
            ms1.append(latencyCell(r.msBatch1(), r.iqrBatch1()));
            ms32.append(latencyCell(r.msBatch32(), r.iqrBatch32()));
            Double base = first.putIfAbsent(r.model(), r.msBatch32());
            double ratio = base == null ? Double.NaN : base / r.msBatch32();
            vs.append(base == null ? "reference" : Double.isNaN(ratio) ? "–"
                    : String.format(java.util.Locale.ROOT, "%.2f×", ratio));
            note.append(r.note());
        }
        return Table.create(title, model, runtime, ms1, ms32, vs, note);
    }

    /** "0.79 (0.05)": median and IQR in ms; "–" when not measured. */
    static String latencyCell(double median, double iqr) {
        if (Double.isNaN(median)) {
            return "–";
        }
        return Double.isNaN(iqr) ? String.format(java.util.Locale.ROOT, "%.3f", median)
                : String.format(java.util.Locale.ROOT, "%.3f (%.3f)", median, iqr);
    }

    private static String speedUpCell(ComparisonRow row, ComparisonRow reference, int batch) {
        if (row == reference) {
            return "reference";
        }
        double ratio = row.speedUpOver(reference, batch);
        if (Double.isNaN(ratio) || Double.isInfinite(ratio)) {
            return "–";
        }
        String cell = String.format(java.util.Locale.ROOT, "%.2f×", ratio) + (batch == 1 ? " (batch 1)" : "");
        return row.withinNoiseOf(reference, batch) ? cell + " within noise" : cell;
    }

    /**
     * Before/after figures of a model: parameters, non-zero, trainable, MACs, size in memory and
     * test accuracy (NaN: not measured, shown as –), with the change as a ratio.
     */
    public static Table beforeAfter(ModelStats b, ModelStats a, double accBefore, double accAfter, String title) {
        StringColumn metric = StringColumn.create("");
        StringColumn before = StringColumn.create("before");
        StringColumn after = StringColumn.create("after");
        StringColumn change = StringColumn.create("after / before");
        addRow(metric, before, after, change, "params", b.params(), a.params());
        addRow(metric, before, after, change, "non-zero params", b.nonzeroParams(), a.nonzeroParams());
        addRow(metric, before, after, change, "trainable params", b.trainableParams(), a.trainableParams());
        addRow(metric, before, after, change, "MACs", b.macs(), a.macs());
        addRow(metric, before, after, change, "bytes in memory", b.bytes(), a.bytes());
        metric.append("test accuracy");
        before.append(Double.isNaN(accBefore) ? "–" : String.format(java.util.Locale.ROOT, "%.4f", accBefore));
        after.append(Double.isNaN(accAfter) ? "–" : String.format(java.util.Locale.ROOT, "%.4f", accAfter));
        change.append(Double.isNaN(accBefore) || Double.isNaN(accAfter) ? "–"
                : String.format(java.util.Locale.ROOT, "%+.4f", accAfter - accBefore));
        return Table.create(title, metric, before, after, change);
    }

    /**
     * A table of plain rows: a column is whole numbers when every non-null cell in it is a {@code
     * Long} (a null is a missing cell), else text.
     */
    public static Table rows(String title, List<String> headers, List<List<Object>> rows) {
        Table t = Table.create(title);
        for (int c = 0; c < headers.size(); c++) {
            int col = c;
            boolean numbers = rows.stream().map(r -> r.get(col)).allMatch(v -> v == null || v instanceof Long);
            if (numbers) {
                LongColumn column = LongColumn.create(headers.get(c));
                rows.forEach(r -> {
                    if (r.get(col) == null) {
                        column.appendMissing();
                    } else {
                        column.append((Long) r.get(col));
                    }
                });
                t.addColumns(column);
            } else {
                StringColumn column = StringColumn.create(headers.get(c));
                rows.forEach(r -> column.append(r.get(col) == null ? "" : r.get(col).toString()));
                t.addColumns(column);
            }
        }
        return t;
    }

    private static void addRow(StringColumn metric, StringColumn before, StringColumn after, StringColumn change,
            String name, long b, long a) {
        metric.append(name);
        // Negative means unknown (MACs of a TorchScript graph).
        before.append(b < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%,d", b));
        after.append(a < 0 ? "unknown" : String.format(java.util.Locale.ROOT, "%,d", a));
        change.append(b <= 0 || a < 0 ? "–" : String.format(java.util.Locale.ROOT, "%.3f×", (double) a / b));
    }

    /** MACs, left empty when unknown (a TorchScript graph, whose MACs are -1). */
    private static void appendMacs(LongColumn column, long macs) {
        if (macs < 0) {
            column.appendMissing();
        } else {
            column.append(macs);
        }
    }

    /** Per prunable layer: parameters and sparsity before and after (layers with weights only). */
    public static Table layerSparsity(ModelStats before, ModelStats after, String title) {
        StringColumn layer = StringColumn.create("layer");
        LongColumn params = LongColumn.create("params");
        DoubleColumn sb = DoubleColumn.create("sparsity before");
        DoubleColumn sa = DoubleColumn.create("sparsity after");
        LongColumn nonzero = LongColumn.create("non-zero after");
        for (int i = 0; i < after.layers().size(); i++) {
            ModelStats.LayerStats a = after.layers().get(i);
            if (a.params() == 0) {
                continue;
            }
            ModelStats.LayerStats b = before.layers().get(i);
            layer.append(a.path());
            params.append(a.params());
            sb.append(round(1 - (double) b.nonzeroParams() / b.params()));
            sa.append(round(1 - (double) a.nonzeroParams() / a.params()));
            nonzero.append(a.nonzeroParams());
        }
        layer.append("total");
        params.append(after.params());
        sb.append(round(before.sparsity()));
        sa.append(round(after.sparsity()));
        nonzero.append(after.nonzeroParams());
        return Table.create(title, layer, params, sb, sa, nonzero);
    }

    /** The most frequent mistakes under a confusion matrix: true class, predicted as, images, share. */
    public static Table mostConfused(List<dev.slimkit.train.Evaluation.Confusion> pairs, List<String> classNames,
            String title) {
        StringColumn actual = StringColumn.create("true class");
        StringColumn predicted = StringColumn.create("predicted as");
        LongColumn images = LongColumn.create("images");
        StringColumn share = StringColumn.create("share of the true class");
        for (dev.slimkit.train.Evaluation.Confusion c : pairs) {
            actual.append(classNames.get(c.actual()));
            predicted.append(classNames.get(c.predicted()));
            images.append(c.count());
            share.append(String.format(java.util.Locale.ROOT, "%.1f%%", 100 * c.shareOfActual()));
        }
        return Table.create(title, actual, predicted, images, share);
    }

    public static Table gains(List<dev.slimkit.measure.Gain> gains, String title) {
        StringColumn model = StringColumn.create("model");
        StringColumn acc = StringColumn.create("Δ accuracy (points, n = 1)");
        StringColumn macs = StringColumn.create("MACs ×");
        StringColumn file = StringColumn.create("file ×");
        StringColumn b1 = StringColumn.create("latency × batch 1");
        StringColumn b32 = StringColumn.create("latency × batch 32");
        for (dev.slimkit.measure.Gain g : gains) {
            model.append(g.model());
            acc.append(Double.isNaN(g.accuracyDelta()) ? "–" : String.format(java.util.Locale.ROOT, "%+.2f", g.accuracyDelta()));
            macs.append(times(g.fewerMacs()));
            file.append(times(g.smallerFile()));
            b1.append(times(g.speedupBatch1()));
            b32.append(times(g.speedupBatch32()));
        }
        return Table.create(title, model, acc, macs, file, b1, b32);
    }

    private static String times(double ratio) {
        return Double.isNaN(ratio) || Double.isInfinite(ratio) ? "–" : String.format(java.util.Locale.ROOT, "%.2f×", ratio);
    }

    public static Table metrics(java.util.Map<String, Double> metrics, String title) {
        StringColumn name = StringColumn.create("figure");
        StringColumn value = StringColumn.create("value");
        metrics.forEach((k, v) -> {
            name.append(k);
            value.append(v == Math.rint(v) && Math.abs(v) > 100 ? String.format(java.util.Locale.ROOT, "%,d", v.longValue())
                    : String.format(java.util.Locale.ROOT, "%.4f", v));
        });
        return Table.create(title, name, value);
    }

    /** Accuracy per layer (rows) and sparsity level (columns), with the baseline in the title. */
    public static Table sensitivity(double[] levels, double baseline, java.util.Map<String, double[]> accuracy, String title) {
        Table t = Table.create(String.format(java.util.Locale.ROOT, "%s — baseline %.4f", title, baseline),
                StringColumn.create("layer", accuracy.keySet()));
        for (int i = 0; i < levels.length; i++) {
            DoubleColumn c = DoubleColumn.create("sparsity " + levels[i]);
            for (double[] acc : accuracy.values()) {
                c.append(round(acc[i]));
            }
            t.addColumns(c);
        }
        return t;
    }

    /** The table as an HTML {@code <table>} with its name as caption; values are escaped. */
    public static String toHtml(Table table) {
        StringBuilder html = new StringBuilder(256 + table.rowCount() * 96);
        html.append("<table class=\"slimkit\">");
        if (table.name() != null && !table.name().isEmpty()) {
            html.append("<caption style=\"text-align:left;font-weight:bold\">")
                    .append(escape(table.name()))
                    .append("</caption>");
        }
        html.append("<thead><tr>");
        for (Column<?> column : table.columns()) {
            html.append("<th>").append(escape(column.name())).append("</th>");
        }
        html.append("</tr></thead><tbody>");
        for (int r = 0; r < table.rowCount(); r++) {
            html.append("<tr>");
            for (Column<?> column : table.columns()) {
                boolean numeric =
                        column instanceof LongColumn
                                || column instanceof IntColumn
                                || column instanceof DoubleColumn;
                String text = format(column, r);
                // Figures kept as text ("0.790 (0.050)", "1.55×") line up like numbers.
                boolean right = numeric || text.equals("–") || (!text.isEmpty() && Character.isDigit(text.charAt(0)));
                html.append(right ? "<td style=\"text-align:right\">" : "<td style=\"text-align:left\">")
                        .append(escape(text))
                        .append("</td>");
            }
            html.append("</tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    private static String format(Column<?> column, int row) {
        if (column.isMissing(row)) {
            return "–";
        }
        if (column instanceof LongColumn longs) {
            return String.format(java.util.Locale.ROOT, "%,d", longs.getLong(row));
        }
        return column.getString(row);
    }

    private static double round(double value) {
        return Double.isNaN(value) ? Double.NaN : Math.round(value * 10000) / 10000.0;
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                .replace("\"", "&quot;");
    }
}

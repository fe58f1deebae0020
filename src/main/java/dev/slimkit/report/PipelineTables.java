package dev.slimkit.report;

import dev.slimkit.measure.ComparisonRow;
import dev.slimkit.measure.Latency;
import dev.slimkit.pipeline.PipelineResult;
import dev.slimkit.pipeline.Yardsticks;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** Tables of a pipeline: the live stage table and the four yardsticks of every model. */
public final class PipelineTables {

    private PipelineTables() {}

    /** Stage, model, status, seconds, params, MACs, accuracy: what the live view updates in place. */
    public static Table stages(List<PipelineResult.Row> rows, String title) {
        StringColumn stage = StringColumn.create("stage");
        StringColumn model = StringColumn.create("model");
        StringColumn status = StringColumn.create("status");
        StringColumn seconds = StringColumn.create("seconds");
        StringColumn params = StringColumn.create("params");
        StringColumn macs = StringColumn.create("MACs");
        StringColumn accuracy = StringColumn.create("accuracy");
        for (PipelineResult.Row r : rows) {
            Yardsticks y = r.yardsticks();
            stage.append(r.index() + " " + r.kind());
            model.append(r.model());
            status.append(r.status().name().toLowerCase(Locale.ROOT));
            seconds.append(r.status() == PipelineResult.Status.RUNNING ? "…" : String.format(Locale.ROOT, "%.1f", r.seconds()));
            params.append(y == null ? "" : AxisFormat.count(y.params()));
            macs.append(y == null ? "" : y.macs() < 0 ? "unknown" : AxisFormat.count(y.macs()));
            accuracy.append(y == null ? "" : f4(y.accuracy()));
        }
        return Table.create(title, stage, model, status, seconds, params, macs, accuracy);
    }

    /** Every model on the four yardsticks: complexity, performance, efficiency, scalability. */
    public static Table yardsticks(List<PipelineResult.Row> rows, String title) {
        String[] names = {"stage", "model", "params", "non-zero", "MACs", "accuracy", "macro recall", "worst class recall",
            "ms batch 1 (IQR)", "ms batch 32 (IQR)", "file", "memory (est.)", "ms batch 32, 1 thread", "images/s batch 128"};
        List<StringColumn> cols = new ArrayList<>();
        for (String n : names) {
            cols.add(StringColumn.create(n));
        }
        for (PipelineResult.Row r : rows) {
            Yardsticks y = r.yardsticks();
            if (y == null) {
                continue;
            }
            String[] v = {r.index() + " " + r.kind() + (r.status() == PipelineResult.Status.REUSED ? " (reused)" : ""),
                r.model(), AxisFormat.count(y.params()), AxisFormat.count(y.nonzeroParams()),
                y.macs() < 0 ? "unknown" : AxisFormat.count(y.macs()), f4(y.accuracy()), f4(y.macroRecall()),
                y.worstClass() < 0 ? "–" : f4(y.worstRecall()) + " (class " + y.worstClass() + ")", ms(y.batch1()),
                ms(y.batch32()),
                kb(y.fileBytes()), kb(y.memoryBytes()), y.batch32OneThread() == null ? "–"
                        : String.format(Locale.ROOT, "%.2f", y.batch32OneThread().medianMs()),
                Double.isNaN(y.imagesPerSecond128()) ? "–" : String.format(Locale.ROOT, "%,.0f", y.imagesPerSecond128())};
            for (int i = 0; i < v.length; i++) {
                cols.get(i).append(v[i]);
            }
        }
        return Table.create(title, cols.toArray(StringColumn[]::new));
    }

    /** The models as comparison rows, for the Pareto charts. */
    public static List<ComparisonRow> comparisonRows(List<PipelineResult.Row> rows) {
        return rows.stream().filter(r -> r.yardsticks() != null).map(r -> {
            Yardsticks y = r.yardsticks();
            return new ComparisonRow(r.model(), y.params(), y.nonzeroParams(), y.macs(), y.ms1(), y.ms32(), y.accuracy());
        }).toList();
    }

    private static String f4(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String ms(Latency.Stats s) {
        return s == null ? "–" : String.format(Locale.ROOT, "%.2f (%.2f)", s.medianMs(), s.iqrMs());
    }

    private static String kb(long bytes) {
        return String.format(Locale.ROOT, "%,.1f KB", bytes / 1024.0);
    }
}

package dev.slimkit.report;

import dev.slimkit.pipeline.Yardsticks;
import dev.slimkit.sweep.SweepResult;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/** A sweep's results table (one row per trial) and its Pareto chart, both redrawn as trials finish. */
public final class SweepTables {

    private SweepTables() {}

    /**
     * One row per finished trial, in trial order: its settings (a column per set), where and how
     * long it ran, the final model's figures (validation and test accuracy, params, non-zero, MACs,
     * latency, file), or its error. {@code best} (a trial index, or -1) is marked.
     */
    public static Table trials(List<SweepResult.Row> rows, int best, String title) {
        List<SweepResult.Row> sorted = rows.stream()
                .sorted(java.util.Comparator.comparingInt(r -> r.trial().index())).toList();
        Map<String, StringColumn> settings = new LinkedHashMap<>();
        sorted.forEach(r -> r.trial().settings().keySet().forEach(k -> settings.computeIfAbsent(k, StringColumn::create)));
        String[] names = {"trial", "status", "ran on", "attempt", "seconds", "params", "non-zero", "MACs",
            "val accuracy", "test accuracy", "ms batch 32", "file", "error"};
        List<StringColumn> cols = new ArrayList<>();
        for (String n : names) {
            cols.add(StringColumn.create(n));
        }
        for (SweepResult.Row r : sorted) {
            settings.forEach((k, c) -> c.append(r.trial().settings().getOrDefault(k, "")));
            Yardsticks y = r.yardsticks();
            String[] v = {r.trial().index() + (r.trial().index() == best ? " (best)" : ""),
                r.status().name().toLowerCase(Locale.ROOT), r.where(), String.valueOf(r.attempt()),
                String.format(Locale.ROOT, "%.1f", r.seconds()),
                y == null ? "" : AxisFormat.count(y.params()), y == null ? "" : AxisFormat.count(y.nonzeroParams()),
                y == null ? "" : y.macs() < 0 ? "unknown" : AxisFormat.count(y.macs()), f4(r.validationAccuracy()),
                y == null ? "" : f4(y.accuracy()),
                y == null || y.batch32() == null ? "–" : String.format(Locale.ROOT, "%.2f", y.batch32().medianMs()),
                y == null ? "" : String.format(Locale.ROOT, "%,.1f KB", y.fileBytes() / 1024.0),
                r.error() == null ? "" : r.error()};
            for (int i = 0; i < v.length; i++) {
                cols.get(i).append(v[i]);
            }
        }
        List<StringColumn> all = new ArrayList<>();
        all.add(cols.get(0));
        all.addAll(settings.values());
        all.addAll(cols.subList(1, cols.size()));
        return Table.create(title, all.toArray(StringColumn[]::new));
    }

    /**
     * Accuracy against MACs, one point per finished trial (labelled {@code #INDEX}), with the Pareto
     * frontier; validation accuracy when the data had a validation split (what picks the best
     * trial), else test accuracy. Null while no trial has figures.
     */
    public static XYChart pareto(List<SweepResult.Row> rows, String title) {
        List<SweepResult.Row> done = rows.stream().filter(r -> r.yardsticks() != null && r.yardsticks().macs() >= 0)
                .toList();
        if (done.isEmpty()) {
            return null;
        }
        boolean validation = done.stream().anyMatch(r -> !Double.isNaN(r.validationAccuracy()));
        List<Pareto.Point> points = done.stream().map(r -> new Pareto.Point("#" + r.trial().index(),
                r.yardsticks().macs(), validation ? r.validationAccuracy() : r.yardsticks().accuracy())).toList();
        return ParetoCharts.pareto(points, Charts.Measure.COUNT, title, null, "MACs per image",
                validation ? "validation accuracy" : "test accuracy");
    }

    private static String f4(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.4f", v);
    }
}

package dev.slimkit.sweep;

import dev.slimkit.pipeline.Yardsticks;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a sweep did: one row per finished trial (in trial order), how many were planned, whether it
 * was cancelled, where it ran and how long it took.
 *
 * @param rows one row per trial that finished (ran or failed), by trial index
 * @param planned the number of trials the recipe asked for
 * @param cancelled true when the sweep was stopped before every trial finished
 * @param executor where it ran ({@code local}, {@code local, 2 workers}, {@code spark://…})
 * @param seconds the sweep's wall time
 */
public record SweepResult(List<Row> rows, int planned, boolean cancelled, String executor, double seconds) {

    public SweepResult {
        rows = rows.stream().sorted(Comparator.comparingInt(r -> r.trial().index())).toList();
    }

    /** How a trial ended. */
    public enum Status {
        /** Its pipeline ran and its final model was measured. */
        DONE,
        /** It failed; {@link Row#error} says why in one line. */
        FAILED
    }

    /**
     * One trial.
     *
     * @param trial its settings and lines
     * @param status done or failed
     * @param yardsticks the four-yardstick figures of its final model (test split), null when failed
     * @param validationAccuracy the final model's accuracy on the validation split (NaN without one)
     * @param where the JVM that ran it: {@code kernel}, {@code worker 1 (pid 123)}, {@code executor 0 @ host}
     * @param attempt 0 for the first attempt; Spark's rerun after a lost executor counts up
     * @param seconds the trial's wall time (pipeline and measurements)
     * @param setupSeconds time to get ready in that JVM before the trial (base model load, data open)
     * @param artifact the final model's file, or null (no dir or failed)
     * @param error the one-line error of a failed trial, else null
     */
    public record Row(Trial trial, Status status, Yardsticks yardsticks, double validationAccuracy, String where,
            int attempt, double seconds, double setupSeconds, Path artifact, String error) {

        /** The row with its artifact set. */
        public Row withArtifact(Path file) {
            return new Row(trial, status, yardsticks, validationAccuracy, where, attempt, seconds, setupSeconds, file, error);
        }
    }

    /** The metrics a sweep ranks trials by. */
    public static final List<String> METRICS = List.of("accuracy");

    /** Checks a metric name. */
    public static String checkMetric(String metric) {
        if (!METRICS.contains(metric)) {
            throw new IllegalArgumentException("metric(...) must be one of " + String.join(", ", METRICS) + ", got ["
                    + metric + "]");
        }
        return metric;
    }

    /**
     * The best finished trial on {@code metric} measured on the validation split (the test split
     * only reports); empty when no trial finished.
     *
     * @throws IllegalArgumentException when the data had no validation split
     */
    public Optional<Row> best(String metric) {
        checkMetric(metric);
        List<Row> done = rows.stream().filter(r -> r.status() == Status.DONE).toList();
        if (!done.isEmpty() && done.stream().allMatch(r -> Double.isNaN(r.validationAccuracy()))) {
            throw new IllegalArgumentException("choosing the best trial needs a validation split; open the data with"
                    + " validationSplit(...) (%data --val 0.1)");
        }
        return done.stream().filter(r -> !Double.isNaN(r.validationAccuracy()))
                .max(Comparator.comparingDouble(Row::validationAccuracy));
    }

    /**
     * A sweep's result read back from the {@code sweep.json} it wrote into {@code dir}; each
     * row's artifact resolves in {@code dir}.
     *
     * @throws java.io.UncheckedIOException naming the file when it cannot be read
     */
    public static SweepResult read(Path dir) {
        Path file = dir.resolve("sweep.json");
        try {
            com.google.gson.JsonObject o = dev.slimkit.io.JsonRead.object(java.nio.file.Files.readString(file));
            List<Row> rows = new java.util.ArrayList<>();
            for (com.google.gson.JsonElement e : o.getAsJsonArray("rows")) {
                Row r = SweepWire.row(e.toString()).row();
                rows.add(e.getAsJsonObject().has("artifact")
                        ? r.withArtifact(dir.resolve(e.getAsJsonObject().get("artifact").getAsString())) : r);
            }
            return new SweepResult(rows, o.get("planned").getAsInt(), o.get("cancelled").getAsBoolean(),
                    o.get("executor").getAsString(), o.get("seconds").getAsDouble());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot read [" + file + "]: " + e.getMessage()
                    + "; a sweep with dir(...) writes it", e);
        }
    }

    /** The rows of failed trials. */
    public List<Row> failed() {
        return rows.stream().filter(r -> r.status() == Status.FAILED).toList();
    }
}

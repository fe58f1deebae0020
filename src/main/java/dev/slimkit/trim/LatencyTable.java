package dev.slimkit.trim;

import dev.slimkit.measure.Latency;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Interrupted;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * A measured latency table for a latency target: the latency of the model with one group cut to
 * each of a few candidate widths (every other group whole), at one batch size. The latency of a
 * combination is predicted as the original's plus the sum of each group's change (an additive
 * model, checked afterwards by measuring the chosen model). Measurements of the real timer are
 * cached per machine, thread count, batch size and spec, in memory and in {@code
 * ~/.cache/slimkit/latency.properties}, so a second trim of the same model measures only its result.
 */
public final class LatencyTable {

    /** Measures a model's latency in ms at a batch size; injectable so tests can use a fake clock. */
    @FunctionalInterface
    public interface Timer {
        double ms(SlimModel model, int batch);
    }

    /** The real timer: median of 30 runs after 5 warm-up runs ({@link Latency#measure}). */
    public static final Timer MEASURED = (m, b) -> Latency.measure(m, b, 5, 30).medianMs();

    /**
     * One measured entry.
     *
     * @param group the group's first producer
     * @param width channels kept in that group (the others whole)
     * @param ms measured latency of that model
     */
    public record Row(String group, int width, double ms) {}

    private static final Map<String, Double> CACHE = new java.util.concurrent.ConcurrentHashMap<>();
    private static final Path FILE = Path.of(System.getProperty("user.home"), ".cache", "slimkit", "latency.properties");
    private static boolean loaded;

    private final Timer timer;
    private final int batch;
    private final double baseMs;
    private final Map<String, Map<Integer, Double>> table = new LinkedHashMap<>();
    private final List<Row> rows = new ArrayList<>();
    private int measurements;

    private LatencyTable(Timer timer, int batch, double baseMs) {
        this.timer = timer;
        this.batch = batch;
        this.baseMs = baseMs;
    }

    /**
     * Measures {@code model} and, per group, the model with that group cut to each candidate width.
     *
     * @param candidates candidate widths per group (below its current width)
     */
    static LatencyTable build(SlimModel model, List<ChannelGroup> groups, Map<String, int[]> candidates, Timer timer,
            int batch) {
        LatencyTable t = new LatencyTable(timer, batch, 0);
        double base = t.time(model.spec(), model.seed());
        LatencyTable out = new LatencyTable(timer, batch, base);
        out.measurements = t.measurements;
        for (ChannelGroup g : groups) {
            Map<Integer, Double> byWidth = new LinkedHashMap<>();
            byWidth.put(g.width(), base);
            for (int w : candidates.get(g.producer())) {
                Interrupted.check("latency table");
                double ms = out.time(TrimStep.specFor(model.spec(), List.of(g), Map.of(g.producer(), w)), model.seed());
                byWidth.put(w, ms);
                out.rows.add(new Row(g.producer(), w, ms));
            }
            out.table.put(g.producer(), byWidth);
        }
        return out;
    }

    /** Latency of the unchanged model. */
    public double baseMs() {
        return baseMs;
    }

    /** The measured entries, in group order. */
    public List<Row> rows() {
        return List.copyOf(rows);
    }

    /** How many models were actually timed (the rest came from the cache). */
    public int measurements() {
        return measurements;
    }

    /** The additive prediction for kept widths by group (groups not listed stay whole). */
    public double predict(Map<String, Integer> widths) {
        double ms = baseMs;
        for (var e : widths.entrySet()) {
            Map<Integer, Double> byWidth = table.get(e.getKey());
            if (byWidth != null && byWidth.containsKey(e.getValue())) {
                ms += byWidth.get(e.getValue()) - baseMs;
            }
        }
        return ms;
    }

    /**
     * Kept widths meeting a predicted latency of at most {@code targetMs}, chosen greedily: each
     * move cuts one group to its next candidate width, the move removing the least importance
     * (normalized scores of the channels it drops) per millisecond it saves first.
     *
     * @param sortedScores per group, its channel scores divided by their mean, ascending
     * @return the widths, or null when even the narrowest candidates do not reach the target
     */
    Map<String, Integer> choose(List<ChannelGroup> groups, Map<String, double[]> sortedScores, double targetMs) {
        Map<String, Integer> widths = new LinkedHashMap<>();
        groups.forEach(g -> widths.put(g.producer(), g.width()));
        while (predict(widths) > targetMs) {
            String best = null;
            int bestWidth = 0;
            double bestRate = Double.POSITIVE_INFINITY;
            for (ChannelGroup g : groups) {
                Map<Integer, Double> byWidth = table.get(g.producer());
                int w = widths.get(g.producer());
                int next = byWidth.keySet().stream().filter(x -> x < w).max(Integer::compare).orElse(-1);
                if (next < 0) {
                    continue;
                }
                double saved = byWidth.get(w) - byWidth.get(next);
                double[] s = sortedScores.get(g.producer());
                double lost = 0;
                for (int i = g.width() - w; i < g.width() - next; i++) {
                    lost += s[i];
                }
                double rate = saved > 0 ? lost / saved : Double.MAX_VALUE / 4 + lost;
                if (rate < bestRate) {
                    bestRate = rate;
                    best = g.producer();
                    bestWidth = next;
                }
            }
            if (best == null) {
                return null;
            }
            widths.put(best, bestWidth);
        }
        return widths;
    }

    /** Times a model built from {@code spec} (latency does not depend on weight values). */
    double time(ModelSpec spec, long seed) {
        String key = timer == MEASURED ? machineKey() + "|" + batch + "|" + Integer.toHexString(spec.toJson().hashCode())
                + Integer.toHexString(spec.toJson().length()) : null;
        if (key != null) {
            loadOnce();
            Double cached = CACHE.get(key);
            if (cached != null) {
                return cached;
            }
        }
        double ms;
        try (SlimModel m = SlimModel.create("latency-candidate", spec, seed)) {
            ms = timer.ms(m, batch);
        }
        measurements++;
        if (key != null) {
            CACHE.put(key, ms);
            save();
        }
        return ms;
    }

    /** This machine and the engine's thread count. */
    static String machineKey() {
        String host = System.getenv("HOSTNAME");
        try {
            host = java.net.InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            // keep the environment's name
        }
        return host + "|" + Latency.threads() + " threads|" + Runtime.getRuntime().availableProcessors() + " cpus";
    }

    private static synchronized void loadOnce() {
        if (loaded) {
            return;
        }
        loaded = true;
        if (Files.isRegularFile(FILE)) {
            Properties p = new Properties();
            try (InputStream in = Files.newInputStream(FILE)) {
                p.load(in);
                p.forEach((k, v) -> CACHE.put((String) k, Double.parseDouble((String) v)));
            } catch (IOException | RuntimeException e) {
                // an unreadable cache is remeasured
            }
        }
    }

    private static synchronized void save() {
        Properties p = new Properties();
        CACHE.forEach((k, v) -> p.setProperty(k, Double.toString(v)));
        try {
            Files.createDirectories(FILE.getParent());
            try (OutputStream out = Files.newOutputStream(FILE)) {
                p.store(out, "slimkit latency table cache: machine|threads|cpus|batch|spec -> median ms");
            }
        } catch (IOException e) {
            // caching is an optimization only
        }
    }

    /** Clears the in-memory cache (tests; the file stays). */
    static void clearMemoryCache() {
        CACHE.clear();
        loaded = true;
    }

    @Override
    public String toString() {
        return "latency table at batch " + batch + ": base " + baseMs + " ms, " + rows.size() + " entries "
                + Arrays.toString(rows.toArray());
    }
}

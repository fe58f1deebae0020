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
 * each of a few candidate widths (every other group whole), at one batch size. It orders the cuts
 * of a latency target ({@link #path}); the target itself is met by measuring models along that
 * order, never by adding up single-group savings. Measurements of the real timer are cached per
 * machine, thread count, batch size and spec, in memory and in {@code
 * ~/.cache/slimkit/latency.properties}, so a second trim of the same model measures only what is
 * new; the base is always measured afresh, and when it differs from its cached value by more than
 * 10 % (the machine's load changed) this machine's cached entries are dropped and remeasured.
 */
public final class LatencyTable {

    /** Measures a model's latency in ms at a batch size; injectable so tests can use a fake clock. */
    @FunctionalInterface
    public interface Timer {
        double ms(SlimModel model, int batch);

        /** Latencies of several models measured together, so that drift of the machine hits them alike. */
        default double[] interleaved(List<SlimModel> models, int batch) {
            return models.stream().mapToDouble(m -> ms(m, batch)).toArray();
        }
    }

    /**
     * The real timer: median of 30 runs after 10 warm-up runs ({@link Latency#measure}); several
     * models are measured in 40 interleaved rounds ({@link Latency#measureInterleaved}).
     */
    public static final Timer MEASURED = new Timer() {
        @Override
        public double ms(SlimModel model, int batch) {
            return Latency.measure(model, batch, 10, 30).medianMs();
        }

        @Override
        public double[] interleaved(List<SlimModel> models, int batch) {
            return Latency.measureInterleaved(models, batch, 10, 40).stream().mapToDouble(Latency.Stats::medianMs)
                    .toArray();
        }
    };

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
    private String staleCache;

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
        double base = t.time(model.spec(), model.seed(), true);
        LatencyTable out = new LatencyTable(timer, batch, base);
        out.measurements = t.measurements;
        out.staleCache = t.staleCache;
        for (ChannelGroup g : groups) {
            Map<Integer, Double> byWidth = new LinkedHashMap<>();
            byWidth.put(g.width(), base);
            for (int w : candidates.get(g.producer())) {
                Interrupted.check("latency table");
                double ms = out.time(Trimmer.specFor(model.spec(), List.of(g), Map.of(g.producer(), w)), model.seed());
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

    /**
     * The order in which a latency target cuts: starting from every group whole, each move cuts one
     * group to its next narrower candidate, the move removing the least importance (normalized
     * scores of the channels it drops) per millisecond its single-group entry saved coming first.
     * The target's search then measures models along this path: the table orders the cuts, it does
     * not predict a combination's latency (on CPU, cuts of adjacent groups interact: a convolution
     * between two cut groups shrinks by both).
     *
     * @param sortedScores per group, its channel scores divided by their mean, ascending
     * @return the widths after each move, the last with every group at its narrowest candidate
     */
    List<Map<String, Integer>> path(List<ChannelGroup> groups, Map<String, double[]> sortedScores) {
        Map<String, Integer> widths = new LinkedHashMap<>();
        groups.forEach(g -> widths.put(g.producer(), g.width()));
        List<Map<String, Integer>> out = new ArrayList<>();
        while (true) {
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
                return out;
            }
            widths.put(best, bestWidth);
            out.add(new LinkedHashMap<>(widths));
        }
    }

    /** Times a model built from {@code spec} (latency does not depend on weight values). */
    double time(ModelSpec spec, long seed) {
        return time(spec, seed, false);
    }

    /**
     * Times a model built from {@code spec}; {@code fresh} measures even when cached, and drops this
     * machine's other cached entries at this batch when the new figure moved by more than 10 %.
     */
    private double time(ModelSpec spec, long seed, boolean fresh) {
        String prefix = timer == MEASURED ? machineKey() + "|" + batch + "|" : null;
        String key = prefix == null ? null : prefix + Integer.toHexString(spec.toJson().hashCode())
                + Integer.toHexString(spec.toJson().length());
        if (key != null) {
            loadOnce();
            Double cached = CACHE.get(key);
            if (cached != null && !fresh) {
                return cached;
            }
        }
        double ms;
        try (SlimModel m = SlimModel.create("latency-candidate", spec, seed)) {
            ms = timer.ms(m, batch);
        }
        measurements++;
        if (key != null) {
            Double old = CACHE.put(key, ms);
            if (old != null && Math.abs(ms / old - 1) > 0.10) {
                CACHE.keySet().removeIf(k -> k.startsWith(prefix) && !k.equals(key));
                staleCache = String.format(java.util.Locale.ROOT,
                        "cached timings dropped: the base now measures %.3f ms, %.3f ms when cached", ms, old);
            }
            save();
        }
        return ms;
    }

    /** Why this machine's cached timings were dropped, or null when they were kept. */
    public String staleCache() {
        return staleCache;
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

    @Override
    public String toString() {
        return "latency table at batch " + batch + ": base " + baseMs + " ms, " + rows.size() + " entries "
                + Arrays.toString(rows.toArray());
    }
}

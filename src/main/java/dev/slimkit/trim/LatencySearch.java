package dev.slimkit.trim;

import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Interrupted;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.IntPredicate;
import java.util.function.ToDoubleFunction;

/**
 * The widths of a latency target: a {@link LatencyTable} of candidate widths per group orders the
 * cuts, then a bisection along that path measures each probe interleaved with the original (so that
 * drift of the machine hits both alike) and stops at the first whose latency is at most the target
 * (aiming {@link #AIM_MARGIN} under it); after the cut, {@link #measure} times the result afresh.
 */
final class LatencySearch {

    /** The search aims at this fraction of the target, a margin for the timings' noise. */
    static final double AIM_MARGIN = 0.95;

    private final SlimModel source;
    private final double target;
    private final int batch;
    private final LatencyTable.Timer timer;
    private final int roundTo;
    private LatencyTable table;
    private double originalMs = Double.NaN;
    private double predictedMs = Double.NaN;
    private double measuredMs = Double.NaN;
    private int probes;

    /**
     * @param source the untrimmed model, the reference of every ratio
     * @param target fraction of its latency to keep at most, in (0, 1)
     * @param batch batch size the latency is measured at
     * @param timer the clock
     * @param roundTo widths are multiples of this
     */
    LatencySearch(SlimModel source, double target, int batch, LatencyTable.Timer timer, int roundTo) {
        this.source = source;
        this.target = target;
        this.batch = batch;
        this.timer = timer;
        this.roundTo = roundTo;
    }

    /** Kept channel count per group for the cut of {@code model} at {@code progress} (k/K) of the way. */
    Map<String, Integer> counts(SlimModel model, List<ChannelGroup> groups, Map<String, float[]> scores, double progress) {
        Map<String, int[]> candidates = new LinkedHashMap<>();
        Map<String, double[]> sorted = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            Set<Integer> c = new TreeSet<>(Comparator.reverseOrder());
            for (double r : new double[] {0.25, 0.5, 0.75}) {
                int n = WidthTarget.keptCount(g.width(), r, roundTo);
                if (n < g.width()) {
                    c.add(n);
                }
            }
            candidates.put(g.producer(), c.stream().mapToInt(Integer::intValue).toArray());
            sorted.put(g.producer(), WidthTarget.normalizedSorted(scores.get(g.producer())));
        }
        table = LatencyTable.build(model, groups, candidates, timer, batch);
        originalMs = model == source ? table.baseMs() : table.time(source.spec(), source.seed());
        double wanted = 1 - (1 - target) * progress; // of the original's latency
        List<Map<String, Integer>> path = table.path(groups, sorted);
        ModelSpec spec = model.spec();
        Map<Map<String, Integer>, Double> probed = new HashMap<>();
        ToDoubleFunction<Map<String, Integer>> ratio = w -> probed.computeIfAbsent(w, k -> {
            Interrupted.check("latency search");
            try (SlimModel candidate = SlimModel.create("latency-candidate", Trimmer.specFor(spec, groups, k),
                    model.seed())) {
                double[] ms = timer.interleaved(List.of(source, candidate), batch);
                return ms[1] / ms[0];
            }
        });
        double narrowest = path.isEmpty() ? 1 : ratio.applyAsDouble(path.get(path.size() - 1));
        if (narrowest > wanted) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "cannot reach [%s] of the measured latency"
                    + " (%.3f ms at batch %d): with every group at its narrowest candidate it measured %.2f of it;"
                    + " pass a larger fraction", target, originalMs, batch, narrowest));
        }
        // aim 5 % under the target: on a 2-core VM the same pair's ratio moves by about that much
        Map<String, Integer> best = firstMeeting(path, groups, ratio, wanted * AIM_MARGIN);
        predictedMs = originalMs * ratio.applyAsDouble(best);
        probes = probed.size();
        return best;
    }

    /** Times {@code trimmed} afresh, never from the table's cache, interleaved with the original. */
    void measure(SlimModel trimmed) {
        double[] ms = timer.interleaved(List.of(source, trimmed), batch);
        measuredMs = originalMs * ms[1] / ms[0];
    }

    /**
     * The first widths along {@code path} whose measured latency (a fraction of the original's) is at
     * most {@code threshold}, found by bisection; the path's last move is then refined to the rounded
     * widths between its two ends.
     */
    private Map<String, Integer> firstMeeting(List<Map<String, Integer>> path, List<ChannelGroup> groups,
            ToDoubleFunction<Map<String, Integer>> measure, double threshold) {
        int at = firstMeeting(path.size() - 1, i -> measure.applyAsDouble(path.get(i)) <= threshold);
        Map<String, Integer> chosen = new LinkedHashMap<>(path.get(at));
        Map<String, Integer> before = new LinkedHashMap<>();
        groups.forEach(g -> before.put(g.producer(), g.width()));
        if (at > 0) {
            before.putAll(path.get(at - 1));
        }
        String moved = chosen.keySet().stream().filter(k -> !chosen.get(k).equals(before.get(k))).findFirst().orElseThrow();
        List<Integer> between = new ArrayList<>(); // widest first, then the move's own end
        for (int w = before.get(moved) - 1; w > chosen.get(moved); w--) {
            if (w % Math.max(1, roundTo) == 0) {
                between.add(w);
            }
        }
        between.add(chosen.get(moved));
        int width = between.get(firstMeeting(between.size() - 1, i -> {
            Map<String, Integer> w = new LinkedHashMap<>(chosen);
            w.put(moved, between.get(i));
            return measure.applyAsDouble(w) <= threshold;
        }));
        chosen.put(moved, width);
        return chosen;
    }

    /** The smallest index in [0, last] that {@code meets}, by bisection; {@code last} is taken to meet. */
    private static int firstMeeting(int last, IntPredicate meets) {
        int lo = -1;
        int hi = last;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (meets.test(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** The table of the last search, or null before one. */
    LatencyTable table() {
        return table;
    }

    /** The original's latency (ms, from the table). */
    double originalMs() {
        return originalMs;
    }

    /** The search's probe of the widths it chose, in ms; NaN before a search. */
    double predictedMs() {
        return predictedMs;
    }

    /** The last {@link #measure}, in ms; NaN before one. */
    double measuredMs() {
        return measuredMs;
    }

    /** Models measured against the original in the last search. */
    int probes() {
        return probes;
    }
}

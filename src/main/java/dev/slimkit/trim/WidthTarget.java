package dev.slimkit.trim;

import dev.slimkit.model.ModelSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * How many channels each group keeps at one cut, for every target but latency (see {@link
 * LatencySearch}): a fraction removed from each group (or from all channels, ranked globally), or a
 * budget of MACs or parameters as a fraction of the original's. Counts are multiples of {@code
 * roundTo}; a global ranking removes at most {@code cap} of one group.
 *
 * @param remove fraction of channels to remove (0 when a budget is given)
 * @param macs fraction of the original's MACs to keep at most (0 when not the target)
 * @param params fraction of the original's parameters to keep at most (0 when not the target)
 * @param global rank channels across groups (each score divided by its group's mean)
 * @param cap with {@code global}: the largest fraction of one group removed
 * @param roundTo kept counts are multiples of this (never more than the group had, never 0)
 */
record WidthTarget(double remove, double macs, double params, boolean global, double cap, int roundTo) {

    /**
     * Kept channel count per group key for the cut at {@code progress} (k/K) of the way to the
     * target; {@code original} is the untrimmed model's spec, {@code current} the one being cut.
     */
    Map<String, Integer> counts(ModelSpec original, ModelSpec current, List<ChannelGroup> groups,
            Map<String, float[]> scores, double progress) {
        Map<String, Integer> widths = new LinkedHashMap<>();
        Groups.of(original).forEach(g -> widths.put(g.producer(), g.width()));
        if (remove > 0) {
            return removing(widths, groups, scores, remove * progress);
        }
        boolean byMacs = macs > 0;
        double target = 1 - (1 - (byMacs ? macs : params)) * progress;
        double budget = target * (byMacs ? original.macs() : original.params());
        Function<Map<String, Integer>, Double> cost = c -> {
            ModelSpec spec = Trimmer.specFor(current, groups, c);
            return (double) (byMacs ? spec.macs() : spec.params());
        };
        if (global) {
            int removable = groups.stream().mapToInt(g -> g.width() - minimumKept(g.width())).sum();
            for (int n = 0; n <= removable; n++) {
                Map<String, Integer> c = globalCounts(groups, scores, n);
                if (cost.apply(c) <= budget) {
                    return c;
                }
            }
            return globalCounts(groups, scores, removable);
        }
        Map<String, Integer> c = null;
        for (int step = 0; step < 100; step++) {
            c = perGroup(widths, groups, step / 100.0);
            if (cost.apply(c) <= budget) {
                return c;
            }
        }
        return c;
    }

    private Map<String, Integer> removing(Map<String, Integer> widths, List<ChannelGroup> groups,
            Map<String, float[]> scores, double ratio) {
        if (!global) {
            return perGroup(widths, groups, ratio);
        }
        int total = groups.stream().mapToInt(g -> widths.getOrDefault(g.producer(), g.width())).sum();
        int now = groups.stream().mapToInt(ChannelGroup::width).sum();
        return globalCounts(groups, scores, Math.max(0, now - (int) Math.round(total * (1 - ratio))));
    }

    private Map<String, Integer> perGroup(Map<String, Integer> widths, List<ChannelGroup> groups, double ratio) {
        Map<String, Integer> out = new LinkedHashMap<>();
        groups.forEach(g -> out.put(g.producer(), Math.min(g.width(),
                keptCount(widths.getOrDefault(g.producer(), g.width()), ratio, roundTo))));
        return out;
    }

    /**
     * Global ranking: the {@code remove} channels with the lowest scores, each divided by its
     * group's mean, across all groups; a group loses at most {@link #cap} of its channels and keeps
     * at least one; kept counts are then rounded up to multiples of {@link #roundTo}.
     */
    Map<String, Integer> globalCounts(List<ChannelGroup> groups, Map<String, float[]> scores, int remove) {
        record Entry(String group, double score) {}
        List<Entry> all = new ArrayList<>();
        Map<String, Integer> removed = new LinkedHashMap<>();
        Map<String, Integer> limit = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            for (double v : normalizedSorted(scores.get(g.producer()))) {
                all.add(new Entry(g.producer(), v));
            }
            removed.put(g.producer(), 0);
            limit.put(g.producer(), Math.min(g.width() - 1, (int) Math.floor(cap * g.width() + 1e-9)));
        }
        all.sort(Comparator.comparingDouble(Entry::score));
        int done = 0;
        for (Entry e : all) {
            if (done >= remove) {
                break;
            }
            if (removed.get(e.group()) < limit.get(e.group())) {
                removed.merge(e.group(), 1, Integer::sum);
                done++;
            }
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            int kept = g.width() - removed.get(g.producer());
            out.put(g.producer(), kept == g.width() ? kept : roundUp(kept, g.width()));
        }
        return out;
    }

    /** The fewest channels a group of {@code width} may keep: a round multiple, and with global the cap. */
    int minimumKept(int width) {
        int n = keptCount(width, 1 - 1e-9, roundTo);
        if (global) {
            n = Math.max(n, roundUp(Math.max(1, (int) Math.ceil((1 - cap) * width - 1e-9)), width));
        }
        return n;
    }

    /**
     * The fraction of the original's MACs (or parameters, when that is the target) that the
     * narrowest allowed cut keeps: a budget below it cannot be reached by cutting channels.
     */
    double narrowestReach(ModelSpec original, List<ChannelGroup> groups) {
        Map<String, Integer> least = new LinkedHashMap<>();
        groups.forEach(g -> least.put(g.producer(), minimumKept(g.width())));
        ModelSpec narrowest = Trimmer.specFor(original, groups, least);
        return macs > 0 ? (double) narrowest.macs() / original.macs() : (double) narrowest.params() / original.params();
    }

    private int roundUp(int n, int width) {
        int r = (int) Math.ceil((double) n / roundTo) * roundTo;
        return Math.min(width, Math.max(r, Math.min(roundTo, width)));
    }

    /** Scores divided by their mean (all ones when the mean is 0), ascending. */
    static double[] normalizedSorted(float[] scores) {
        double mean = 0;
        for (float s : scores) {
            mean += s;
        }
        mean /= scores.length;
        double[] out = new double[scores.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = mean > 0 ? scores[i] / mean : 1;
        }
        Arrays.sort(out);
        return out;
    }

    /** Channels kept out of {@code width} when removing {@code ratio}, rounded to a multiple of {@code round}. */
    static int keptCount(int width, double ratio, int round) {
        double target = width * (1 - ratio);
        int n = (int) Math.round(target / round) * round;
        if (n < round) {
            n = round;
        }
        if (n > width) {
            n = width;
        }
        return Math.max(1, n);
    }
}

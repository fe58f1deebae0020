package dev.slimkit.sweep;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A sweep's recipe: pipeline stage lines ({@code prune --sparsity 0.8 --epochs 1}) in which any
 * value may be a set {@code {a,b,c}}. {@link #trials()} is the Cartesian product of the sets (the
 * first set varies slowest), optionally a seeded random {@link #sample} of it, optionally capped by
 * {@link #maxTrials}. Blank lines and {@code #} comments are kept, so a trial's line numbers are the
 * cell's. Only the set syntax is checked here; each trial's lines are pipeline lines, checked by
 * the {@link dev.slimkit.pipeline.StageLines}.
 */
public final class Recipe {

    /** One set in the recipe: where it is, its key and its values. */
    private record SetAt(int line, int token, String prefix, String suffix, String key, List<String> values) {}

    private final List<String> lines;
    private final List<List<String>> tokens = new ArrayList<>();
    private final List<SetAt> sets = new ArrayList<>();
    private int maxTrials;
    private int sample;
    private long seed;

    private Recipe(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    /**
     * Reads {@code lines} (a cell body split at line ends).
     *
     * @throws IllegalArgumentException naming the line and the set that cannot be read
     */
    public static Recipe of(List<String> lines) {
        Recipe r = new Recipe(lines);
        Map<String, Integer> keys = new LinkedHashMap<>();
        for (int n = 1; n <= lines.size(); n++) {
            String line = lines.get(n - 1).strip();
            List<String> t = line.isEmpty() || line.startsWith("#") ? List.of() : Arrays.asList(line.split("\\s+"));
            r.tokens.add(t);
            for (int k = 0; k < t.size(); k++) {
                SetAt s = parseSet(n, k, t, keys);
                if (s != null) {
                    r.sets.add(s);
                }
            }
        }
        if (r.tokens.stream().allMatch(List::isEmpty)) {
            throw new IllegalArgumentException("the sweep has no stages; write one stage a line with sets of values,"
                    + " e.g. prune --sparsity {0.5,0.8} --epochs 1");
        }
        return r;
    }

    /** Reads a cell body. */
    public static Recipe of(String body) {
        return of(Arrays.asList((body == null ? "" : body).split("\n", -1)));
    }

    private static SetAt parseSet(int n, int k, List<String> t, Map<String, Integer> keys) {
        String token = t.get(k);
        int open = token.indexOf('{');
        int close = token.indexOf('}');
        if (open < 0 && close < 0) {
            return null;
        }
        String where = "line " + n + ": ";
        if (open < 0 || close < open || token.indexOf('{', open + 1) >= 0 || token.indexOf('}', close + 1) >= 0) {
            throw new IllegalArgumentException(where + "cannot read the set in [" + token + "]; write one set a value"
                    + " as {a,b,c}, without spaces, e.g. --sparsity {0.5,0.8}");
        }
        List<String> values = Arrays.asList(token.substring(open + 1, close).split(",", -1));
        for (String v : values) {
            if (v.isEmpty()) {
                throw new IllegalArgumentException(where + "the set [" + token + "] has an empty value; list values"
                        + " separated by single commas, e.g. {0.5,0.8}");
            }
        }
        if (values.stream().distinct().count() < values.size()) {
            throw new IllegalArgumentException(where + "the set [" + token + "] lists a value twice; list each value once");
        }
        String prefix = token.substring(0, open);
        String option = prefix.startsWith("--") && prefix.endsWith("=") ? prefix.substring(0, prefix.length() - 1)
                : k > 0 && t.get(k - 1).startsWith("--") ? t.get(k - 1) : "token " + (k + 1);
        String key = (k == 0 ? "stage" : t.get(0) + " " + option);
        int seen = keys.merge(key, 1, Integer::sum);
        if (seen > 1) {
            key = key + " (line " + n + ")";
        }
        return new SetAt(n, k, prefix, token.substring(close + 1), key, List.copyOf(values));
    }

    /** Keeps at most the first {@code n} trials (after sampling); 0 keeps all. */
    public Recipe maxTrials(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("maxTrials(...) must be >= 1 (0 for no cap), got [" + n + "]");
        }
        maxTrials = n;
        return this;
    }

    /** Draws {@code n} distinct trials at random (seeded) instead of running the whole product; 0 for all. */
    public Recipe sample(int n, long seed) {
        if (n < 0) {
            throw new IllegalArgumentException("sample(...) must be >= 1 (0 for the whole product), got [" + n + "]");
        }
        this.sample = n;
        this.seed = seed;
        return this;
    }

    /** The size of the full Cartesian product. */
    public long productSize() {
        long size = 1;
        for (SetAt s : sets) {
            size = Math.multiplyExact(size, s.values().size());
        }
        return size;
    }

    /** The keys of the recipe's sets, in order ({@code "prune --sparsity"}). */
    public List<String> keys() {
        return sets.stream().map(SetAt::key).toList();
    }

    /**
     * The trials to run, in product order.
     *
     * @throws IllegalArgumentException when the sample is larger than the product
     */
    public List<Trial> trials() {
        long size = productSize();
        if (size > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("the recipe's sets make " + size + " trials; pass sample(...) to draw"
                    + " a subset");
        }
        List<Integer> indices = new ArrayList<>();
        if (sample > 0) {
            if (sample > size) {
                throw new IllegalArgumentException("sample(...) [" + sample + "] is larger than the " + size
                        + " trials the sets make; pass at most " + size);
            }
            // Floyd's algorithm: sample distinct indices without listing the product.
            Random random = new Random(seed);
            java.util.TreeSet<Integer> chosen = new java.util.TreeSet<>();
            for (long j = size - sample; j < size; j++) {
                int t = random.nextInt((int) j + 1);
                chosen.add(chosen.contains(t) ? (int) j : t);
            }
            indices.addAll(chosen);
        } else {
            for (int i = 0; i < size; i++) {
                indices.add(i);
            }
        }
        if (maxTrials > 0 && indices.size() > maxTrials) {
            indices = indices.subList(0, maxTrials);
        }
        List<Trial> out = new ArrayList<>();
        for (int index : indices) {
            out.add(trial(index));
        }
        return out;
    }

    /** The trial at {@code index} of the product (the last set varies fastest). */
    Trial trial(int index) {
        int[] choice = new int[sets.size()];
        int rest = index;
        for (int s = sets.size() - 1; s >= 0; s--) {
            int n = sets.get(s).values().size();
            choice[s] = rest % n;
            rest /= n;
        }
        List<List<String>> concrete = new ArrayList<>();
        tokens.forEach(t -> concrete.add(new ArrayList<>(t)));
        Map<String, String> settings = new LinkedHashMap<>();
        for (int s = 0; s < sets.size(); s++) {
            SetAt set = sets.get(s);
            String value = set.values().get(choice[s]);
            concrete.get(set.line() - 1).set(set.token(), set.prefix() + value + set.suffix());
            settings.put(set.key(), value);
        }
        List<String> out = new ArrayList<>();
        for (int n = 0; n < lines.size(); n++) {
            out.add(tokens.get(n).isEmpty() ? lines.get(n) : String.join(" ", concrete.get(n)));
        }
        return new Trial(index, settings, out);
    }
}

package dev.slimkit.prune;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Chooses which weights to prune from their scores: the {@code round(sparsity × n)} lowest
 * scores go, counted over all parameters together ({@link Scope#GLOBAL}, as {@code
 * torch.nn.utils.prune.global_unstructured}) or within each parameter ({@link Scope#LAYER}).
 * Rounding is half-to-even, as Python's {@code round}. Ties are broken deterministically: among
 * equal scores the earlier parameter (in forward order) and the earlier index go first.
 */
public final class MaskSelector {

    /** Where the sparsity target applies. */
    public enum Scope {
        /** One threshold across all pruned parameters: layers end up with different sparsities. */
        GLOBAL,
        /** The same sparsity in every pruned parameter. */
        LAYER;

        /**
         * Parses {@code global} or {@code layer}.
         *
         * @throws IllegalArgumentException naming the value and the choices
         */
        public static Scope parse(String name) {
            if ("global".equals(name) || "layer".equals(name)) {
                return valueOf(name.toUpperCase(java.util.Locale.ROOT));
            }
            throw new IllegalArgumentException("scope must be global or layer, got [" + name + "]");
        }
    }

    private MaskSelector() {}

    /**
     * Keep-flags per parameter path (true = keep).
     *
     * @param scores scores per parameter path, in forward order
     * @param sparsity fraction to prune, in [0, 1)
     */
    public static Map<String, boolean[]> select(Map<String, float[]> scores, double sparsity, Scope scope) {
        checkSparsity(sparsity);
        Map<String, boolean[]> keep = new LinkedHashMap<>();
        if (scope == Scope.LAYER) {
            for (Map.Entry<String, float[]> e : scores.entrySet()) {
                keep.put(e.getKey(), keepTop(new float[][] {e.getValue()}, sparsity)[0]);
            }
            return keep;
        }
        float[][] all = scores.values().toArray(new float[0][]);
        boolean[][] flags = keepTop(all, sparsity);
        int i = 0;
        for (String path : scores.keySet()) {
            keep.put(path, flags[i++]);
        }
        return keep;
    }

    /**
     * @throws IllegalArgumentException unless {@code sparsity} is in [0, 1)
     */
    public static double checkSparsity(double sparsity) {
        if (!(sparsity >= 0 && sparsity < 1)) {
            throw new IllegalArgumentException(
                    "sparsity must be in [0, 1), got [" + sparsity + "]; pass a fraction such as 0.8");
        }
        return sparsity;
    }

    /** Prunes the round(s·n) lowest of all arrays together; returns keep-flags per array. */
    private static boolean[][] keepTop(float[][] arrays, double sparsity) {
        long total = 0;
        for (float[] a : arrays) {
            total += a.length;
        }
        long prune = Math.round(Math.rint(sparsity * total));
        // Sort (score, array, index) triples by score, then position: deterministic ties.
        long[] order = new long[(int) total];
        float[] flat = new float[(int) total];
        int k = 0;
        for (float[] a : arrays) {
            for (float v : a) {
                flat[k] = v;
                order[k] = k;
                k++;
            }
        }
        Long[] boxed = Arrays.stream(order).boxed().toArray(Long[]::new);
        Arrays.sort(boxed, (x, y) -> {
            int c = Float.compare(flat[(int) (long) x], flat[(int) (long) y]);
            return c != 0 ? c : Long.compare(x, y);
        });
        boolean[] keepFlat = new boolean[(int) total];
        Arrays.fill(keepFlat, true);
        for (int i = 0; i < prune; i++) {
            keepFlat[(int) (long) boxed[i]] = false;
        }
        boolean[][] out = new boolean[arrays.length][];
        int offset = 0;
        for (int a = 0; a < arrays.length; a++) {
            out[a] = Arrays.copyOfRange(keepFlat, offset, offset + arrays[a].length);
            offset += arrays[a].length;
        }
        return out;
    }
}

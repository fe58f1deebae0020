package dev.slimkit.prune;

import java.util.Locale;

/**
 * How important each weight of one parameter is: higher scores are kept, the lowest pruned. One
 * call per parameter; implementations are pure functions of the weights.
 */
@FunctionalInterface
public interface Importance {

    /** Scores of {@code weights} (same length, same order). */
    float[] scores(String path, float[] weights);

    /** Magnitude |w| (as {@code torch.nn.utils.prune.L1Unstructured}). */
    static Importance l1() {
        return (path, w) -> {
            float[] s = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                s[i] = Math.abs(w[i]);
            }
            return s;
        };
    }

    /**
     * Squared magnitude w². For single weights it ranks exactly as L1 does; it differs once
     * scores are summed over groups (structured pruning).
     */
    static Importance l2() {
        return (path, w) -> {
            float[] s = new float[w.length];
            for (int i = 0; i < w.length; i++) {
                s[i] = w[i] * w[i];
            }
            return s;
        };
    }

    /**
     * Parses {@code l1} or {@code l2}.
     *
     * @throws IllegalArgumentException naming the value and the allowed names
     */
    static Importance named(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "l1" -> l1();
            case "l2" -> l2();
            default -> throw new IllegalArgumentException("unknown criterion [" + name + "]; choose l1 or l2");
        };
    }
}

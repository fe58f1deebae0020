package dev.slimkit.trim;

import java.util.Locale;

/** How channel importance is scored (see {@link Importance}). */
public enum Criterion {
    /** L1 norm of each producer filter (Li et al. 2017). */
    L1,
    /** L2 norm over every member slice of the group (Torch-Pruning's group magnitude). */
    L2_GROUP,
    /** First-order Taylor |w · ∂L/∂w| over the group, from calibration batches (Molchanov et al.). */
    TAYLOR,
    /** |γ| of the group's batch norms (Network Slimming). */
    BN;

    /** The flag spelling: {@code l1}, {@code l2-group}, {@code taylor}, {@code bn}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /**
     * Parses {@code l1}, {@code l2-group}, {@code taylor} or {@code bn}.
     *
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static Criterion parse(String name) {
        for (Criterion c : values()) {
            if (c.label().equals(name)) {
                return c;
            }
        }
        throw new IllegalArgumentException("criterion must be l1, l2-group, taylor or bn, got [" + name + "]");
    }
}

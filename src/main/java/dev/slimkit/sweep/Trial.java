package dev.slimkit.sweep;

import java.util.List;
import java.util.Map;

/**
 * One point of a sweep: the values it chose for the recipe's sets and the concrete pipeline lines
 * they give.
 *
 * @param index 0-based position in the full Cartesian product (stable under capping and sampling)
 * @param settings the chosen value of each set, keyed as {@code "prune --sparsity"}, in recipe order
 * @param lines the recipe's stage lines with every set replaced by its chosen value
 */
public record Trial(int index, Map<String, String> settings, List<String> lines) {

    public Trial {
        settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
        lines = List.copyOf(lines);
    }

    /** The lines as a pipeline cell body (one stage a line). */
    public String body() {
        return String.join("\n", lines);
    }

    /** {@code sparsity=0.5, channels=0.25}: the settings in one short line. */
    public String label() {
        StringBuilder b = new StringBuilder();
        settings.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ")
                .append(k.contains("--") ? k.substring(k.indexOf("--") + 2) : k).append('=').append(v));
        return b.length() == 0 ? "trial " + index : b.toString();
    }
}

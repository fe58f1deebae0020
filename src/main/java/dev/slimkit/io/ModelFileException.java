package dev.slimkit.io;

import java.io.IOException;

/**
 * The one checked error of saving and loading a model file: its message is a single line that
 * names the file, says what is wrong and, where there is one, the fix. Control characters (a
 * damaged file can put newlines into the names it holds) are shown as {@code \\uXXXX}, so the
 * message stays one line whatever the file holds.
 */
public final class ModelFileException extends IOException {

    private static final long serialVersionUID = 1L;

    /** A one-line error; {@code message} is made one line if it is not. */
    public ModelFileException(String message) {
        super(oneLine(message));
    }

    /** A one-line error with its cause (kept for debugging; the message does not depend on it). */
    public ModelFileException(String message, Throwable cause) {
        super(oneLine(message), cause);
    }

    /** {@code text} with every control character (newlines, tabs, NUL, ...) escaped as \\uXXXX. */
    static String oneLine(String text) {
        if (text == null) {
            return "model file error";
        }
        StringBuilder out = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean bad = Character.isISOControl(c) || c == '\u2028' || c == '\u2029' || c == '\u0085';
            if (bad && out == null) {
                out = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (out != null) {
                if (bad) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
        }
        return out == null ? text : out.toString();
    }

    /**
     * A value read from a file, shortened for a message: at most 80 characters (a damaged file
     * can hold a name thousands of characters long).
     */
    static String shown(String value) {
        if (value == null) {
            return "null";
        }
        return value.length() <= 80 ? value : value.substring(0, 77) + "...";
    }
}

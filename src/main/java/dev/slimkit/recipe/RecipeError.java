package dev.slimkit.recipe;

/**
 * A user's mistake in a command or stage line (unknown option, bad value, old spelling): one line
 * that names the command, the value and the fix, without a stack trace.
 */
public final class RecipeError extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** An error whose message is already one line for the user. */
    public RecipeError(String message) {
        super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }
}

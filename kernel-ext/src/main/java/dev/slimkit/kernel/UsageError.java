package dev.slimkit.kernel;

/**
 * A user's mistake in a magic (unknown option, bad value, unknown name): shown in the notebook as
 * one line, without a stack trace, because the message already says what is wrong and how to fix
 * it. Messages start with the magic, e.g. {@code %data: ...}.
 */
public final class UsageError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public UsageError(String message) {
        super(message, null, false, false);
    }
}

package dev.slimkit.kernel;

/**
 * A user's mistake in a magic (unknown option, bad value, unknown name): shown in the notebook as
 * one line, without a stack trace, because the message already says what is wrong and how to fix
 * it.
 */
public final class UsageError extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * The message of the latest usage error. IJava rethrows a magic's exception as a new
     * RuntimeException that keeps only the message, so the kernel recognizes a usage error by it.
     */
    private static volatile String latest;

    public UsageError(String message) {
        super(message, null, false, false);
        latest = message;
    }

    /** The message of the latest usage error raised in this JVM, or null. */
    static String latestMessage() {
        return latest;
    }
}

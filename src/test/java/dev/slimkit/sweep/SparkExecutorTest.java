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

    @Test
    void aMissingPieceIsOneLineNamingItAndTheCommandThatRestoresIt(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path jar = java.nio.file.Files.writeString(dir.resolve("a.jar"), "");
        Path file = java.nio.file.Files.writeString(dir.resolve("cp.txt"), jar + ":" + dir.resolve("gone.jar") + "\n");
        assertEquals(jar + ":" + dir.resolve("gone.jar"), SparkExecutor.read("@" + file));
        assertEquals(jar.toString(), SparkExecutor.present(jar.toString()));
        assertEquals("the Spark class path names 1 missing file(s), first [" + dir.resolve("gone.jar") + "] (a moved or"
                + " deleted checkout, or a cleaned Maven repository); run bash install/setup.sh in a slimkit checkout to"
                + " restore them", org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                        () -> SparkExecutor.present(SparkExecutor.read("@" + file))).getMessage());
        assertEquals("cannot read the Spark class path file [" + dir.resolve("nope.txt") + "] (NoSuchFileException);"
                + " run bash install/setup.sh in a slimkit checkout to write it again",
                org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                        () -> SparkExecutor.read("@" + dir.resolve("nope.txt"))).getMessage());
    }
}

package dev.slimkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.model.SlimModel;
import java.io.IOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Durable, atomic saving: what survives an interrupt or a failure at each step of a save. */
class ModelSaveTest {

    @TempDir Path dir;

    @AfterEach
    void noFaults() {
        DurableFile.faults = null;
        Thread.interrupted();
    }

    private List<Path> files() throws IOException {
        try (var list = Files.list(dir)) {
            return list.sorted().toList();
        }
    }

    @Test
    void aSaveFromAnInterruptedThreadWorksAndKeepsTheFlag() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            Thread.currentThread().interrupt();
            long size;
            try {
                size = ModelIO.save(model, file);
            } finally {
                assertTrue(Thread.interrupted(), "the interrupt is still the caller's to handle");
            }
            assertEquals(Files.size(file), size);
            try (SlimModel back = ModelIO.load(file)) {
                assertArrayEquals(model.parameters().get("fc1.weight").getArray().toFloatArray(),
                        back.parameters().get("fc1.weight").getArray().toFloatArray(), 0f);
            }
            assertEquals(List.of(file), files());
        }
    }

    @Test
    void aFailureAtAnyStepLeavesTheOldFileWhole() throws IOException {
        try (SlimModel old = SlimModel.create("mlp", 3, 0.25, 0); SlimModel fresh = SlimModel.create("mlp", 3, 0.25, 1)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(old, file);
            byte[] before = Files.readAllBytes(file);
            for (DurableFile.Stage stage : List.of(DurableFile.Stage.CREATE_TEMP, DurableFile.Stage.WRITE,
                    DurableFile.Stage.FORCE, DurableFile.Stage.MOVE)) {
                for (Exception failure : List.of(new IOException("Input/output error"), new IllegalStateException("boom"))) {
                    DurableFile.faults = s -> {
                        if (s == stage) {
                            if (failure instanceof IOException io) {
                                throw io;
                            }
                            throw (RuntimeException) failure;
                        }
                    };
                    ModelFileException e = assertThrows(ModelFileException.class, () -> ModelIO.save(fresh, file), stage.name());
                    assertEquals("cannot save [" + file + "]: " + failure.getMessage() + "; the old file is unchanged",
                            e.getMessage(), stage.name());
                    assertArrayEquals(before, Files.readAllBytes(file), stage + ": the old file is whole");
                    assertEquals(List.of(file), files(), stage + ": no temporary file is left");
                }
            }
            DurableFile.faults = null;
            ModelIO.save(fresh, file);
            assertNotEquals(List.of(before.length), List.of(0));
            assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(file)), "without a fault the save goes through");
        }
    }

    @Test
    void anInterruptDuringTheWriteStopsItAndKeepsTheOldFile() throws IOException {
        try (SlimModel old = SlimModel.create("mlp", 3, 0.25, 0); SlimModel fresh = SlimModel.create("mlp", 3, 0.25, 1)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(old, file);
            byte[] before = Files.readAllBytes(file);
            for (DurableFile.Stage stage : List.of(DurableFile.Stage.WRITE, DurableFile.Stage.FORCE)) {
                // Another thread's interrupt arriving just before the channel writes or forces.
                DurableFile.faults = s -> {
                    if (s == stage) {
                        Thread.currentThread().interrupt();
                    }
                };
                ModelFileException e = assertThrows(ModelFileException.class, () -> ModelIO.save(fresh, file));
                assertTrue(Thread.interrupted(), "the interrupt is kept");
                assertEquals("saving [" + file + "] was interrupted; the old file is unchanged", e.getMessage());
                assertTrue(e.getCause() instanceof ClosedByInterruptException);
                assertArrayEquals(before, Files.readAllBytes(file));
                assertEquals(List.of(file), files());
            }
            // An interrupt after the rename, while the folder is flushed: the save is done and says nothing.
            DurableFile.faults = s -> {
                if (s == DurableFile.Stage.SYNC_FOLDER) {
                    Thread.currentThread().interrupt();
                }
            };
            ModelIO.save(fresh, file);
            assertTrue(Thread.interrupted());
            try (SlimModel back = ModelIO.load(file)) {
                assertArrayEquals(fresh.parameters().get("fc1.weight").getArray().toFloatArray(),
                        back.parameters().get("fc1.weight").getArray().toFloatArray(), 0f);
            }
        }
    }

    @Test
    void diskFullPermissionAndNoAtomicRenameAreOneLineWithAFix() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            DurableFile.faults = s -> {
                if (s == DurableFile.Stage.WRITE) {
                    throw new IOException("No space left on device");
                }
            };
            assertEquals("cannot save [" + file + "]: the disk is full (No space left on device); free some space or"
                    + " save to another disk; nothing was written",
                    assertThrows(ModelFileException.class, () -> ModelIO.save(model, file)).getMessage());

            DurableFile.faults = s -> {
                if (s == DurableFile.Stage.CREATE_TEMP) {
                    throw new AccessDeniedException(dir.toString());
                }
            };
            assertEquals("cannot save [" + file + "]: permission denied for [" + dir + "]; save to a folder you can"
                    + " write to, or give yourself write permission there (chmod u+w); nothing was written",
                    assertThrows(ModelFileException.class, () -> ModelIO.save(model, file)).getMessage());

            DurableFile.faults = s -> {
                if (s == DurableFile.Stage.CREATE_TEMP) {
                    throw new FileSystemException(dir.toString(), null, "Read-only file system");
                }
            };
            assertEquals("cannot save [" + file + "]: [" + dir + "] is on a read-only file system; save to a writable"
                    + " folder; nothing was written",
                    assertThrows(ModelFileException.class, () -> ModelIO.save(model, file)).getMessage());

            DurableFile.faults = s -> {
                if (s == DurableFile.Stage.MOVE) {
                    throw new AtomicMoveNotSupportedException(dir + "/.m.slim.tmp", file.toString(), "Invalid cross-device link");
                }
            };
            assertEquals("cannot save [" + file + "] safely: its file system cannot replace a file atomically (Invalid"
                    + " cross-device link); save to a folder on a local disk; nothing was written",
                    assertThrows(ModelFileException.class, () -> ModelIO.save(model, file)).getMessage());
            assertEquals(List.of(), files(), "no temporary file is left");
        }
    }

    @Test
    void aFolderThatIsAFileIsOneLine() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path notAFolder = dir.resolve("plain");
            Files.writeString(notAFolder, "x");
            Path file = notAFolder.resolve("m.slim");
            ModelFileException e = assertThrows(ModelFileException.class, () -> ModelIO.save(model, file));
            assertEquals("cannot save [" + file + "]: FileAlreadyExistsException (" + notAFolder + "); nothing was written",
                    e.getMessage());
        }
    }

    @Test
    void theEncodedSizeIsTheSavedSize() throws IOException {
        try (SlimModel model = SlimModel.create("cnn-small", 3, 0.25, 0)) {
            long predicted = ModelIO.encodedSize(model);
            assertEquals(predicted, ModelIO.save(model, dir.resolve("m.slim")));
            assertEquals(predicted, Files.size(dir.resolve("m.slim")));
        }
    }

    @Test
    void savingAnUnchangedModelAgainGivesTheSameBytes() throws Exception {
        try (SlimModel model = SlimModel.create("lenet5", 3, 0.25, 0)) {
            Path a = dir.resolve("a.slim");
            Path b = dir.resolve("b.slim");
            ModelIO.save(model, a, Map.of("recipe", "x"));
            Thread.sleep(5); // a later time: a new provenance would show in the bytes
            ModelIO.save(model, b);
            assertArrayEquals(Files.readAllBytes(a), Files.readAllBytes(b), "unchanged: same provenance, same bytes");

            float[] w = model.parameters().get("fc3.weight").getArray().toFloatArray();
            w[0] += 1f;
            model.parameters().get("fc3.weight").getArray().set(w);
            ModelIO.save(model, b);
            assertFalse(java.util.Arrays.equals(Files.readAllBytes(a), Files.readAllBytes(b)), "changed weights: new file");
            String manifest = new String(Zips.entries(Files.readAllBytes(b)).get("manifest.json"),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertFalse(manifest.contains("recipe"), "a changed model gets a new provenance: " + manifest);
        }
    }
}

package dev.slimkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelIOTest {

    @TempDir Path dir;

    @Test
    void saveLoadIsBitExactWithSpecAndHistory() throws IOException {
        ImageData data = Datasets.synthetic(3, 96, 12, 1);
        try (SlimModel model = SlimModel.create("resnet20", 3, 0.25, 4)) {
            FitLoop.fit(model, data, TrainConfig.defaults().batchSize(32), List.of());
            Path file = dir.resolve("m.slim");
            long size = ModelIO.save(model, file);
            assertEquals(Files.size(file), size);
            try (SlimModel back = ModelIO.load(file)) {
                assertEquals(model.spec(), back.spec());
                assertEquals("resnet20", back.name());
                Map<String, Parameter> a = model.parameters();
                Map<String, Parameter> b = back.parameters();
                assertEquals(a.keySet(), b.keySet());
                for (String key : a.keySet()) {
                    assertArrayEquals(a.get(key).getArray().toFloatArray(), b.get(key).getArray().toFloatArray(), 0f, key);
                }
                assertEquals(model.history().epochs(), back.history().epochs());
                assertEquals(model.history().steps(), back.history().steps());
            }
            try (var files = Files.list(dir)) {
                assertEquals(List.of(file), files.toList(), "no temporary files left");
            }
        }
    }

    @Test
    void corruptTruncatedAndForeignFilesAreRejected() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(model, file);
            byte[] bytes = Files.readAllBytes(file);
            Path truncated = dir.resolve("truncated.slim");
            Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
            IOException e = assertThrows(IOException.class, () -> ModelIO.load(truncated));
            assertTrue(e.getMessage().startsWith("model file [" + truncated + "] is corrupt or truncated"), e.getMessage());
            assertTrue(e.getMessage().endsWith("; save the model again"), e.getMessage());

            Path text = dir.resolve("text.slim");
            Files.writeString(text, "not a model");
            assertTrue(assertThrows(IOException.class, () -> ModelIO.load(text)).getMessage()
                    .startsWith("model file [" + text + "] is corrupt or truncated"));

            Path missing = dir.resolve("missing.slim");
            assertEquals("no model file at [" + missing + "]; check the path (save with %save or Slim.save)",
                    assertThrows(IOException.class, () -> ModelIO.load(missing)).getMessage());
        }
    }

    @Test
    void mismatchedShapesAreRejected() throws IOException {
        try (SlimModel narrow = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(narrow, file);
            // Rewrite the artifact with a wider spec but the narrow weights.
            Path forged = dir.resolve("forged.slim");
            try (var zip = new java.util.zip.ZipFile(file.toFile());
                    OutputStream out = Files.newOutputStream(forged);
                    ZipOutputStream z = new ZipOutputStream(out)) {
                for (String name : List.of("manifest.json", "params.bin", "history.json")) {
                    z.putNextEntry(new ZipEntry(name));
                    z.write(zip.getInputStream(zip.getEntry(name)).readAllBytes());
                }
                z.putNextEntry(new ZipEntry("spec.json"));
                z.write(Architectures.spec("mlp", 3, 0.5).toJson().getBytes());
            }
            IOException e = assertThrows(IOException.class, () -> ModelIO.load(forged));
            assertEquals("model file [" + forged + "]: parameter [fc1.weight] has shape (64, 784) but the spec needs (128, 784)",
                    e.getMessage());
        }
    }
}

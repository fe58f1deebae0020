package dev.slimkit.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.nn.Parameter;
import com.google.gson.JsonArray;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.FitLoop;
import dev.slimkit.model.History;
import dev.slimkit.train.TrainConfig;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelIOTest {

    @TempDir Path dir;

    private static void assertOneLine(String message) {
        assertFalse(message.contains("\n") || message.contains("\r"), message);
    }

    private static IOException loadFails(Path file) {
        IOException e = assertThrows(ModelFileException.class, () -> ModelIO.load(file));
        assertOneLine(e.getMessage());
        return e;
    }

    @Test
    void saveLoadIsBitExactWithSpecAndHistory() throws IOException {
        ImageData data = Datasets.synthetic(3, 96, 12, 1);
        try (SlimModel model = SlimModel.create("resnet20", 3, 0.25, 4)) {
            FitLoop.fit(model, data, TrainConfig.defaults().batchSize(32), List.of());
            Path file = dir.resolve("m.slim");
            long size = ModelIO.save(model, file);
            assertEquals(Files.size(file), size);
            ModelIO.Loaded loaded = ModelIO.open(file, null);
            try (SlimModel back = loaded.model()) {
                assertEquals(List.of(), loaded.notices(), "a checksummed slimkit-only file has nothing to tell");
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
    void theManifestChecksumsEveryEntry() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(model, file);
            Map<String, byte[]> entries = Zips.entries(Files.readAllBytes(file));
            assertEquals(List.of("manifest.json", "spec.json", "params.bin", "history.json"), List.copyOf(entries.keySet()));
            var sha = com.google.gson.JsonParser.parseString(new String(entries.get("manifest.json"), StandardCharsets.UTF_8))
                    .getAsJsonObject().getAsJsonObject("sha256");
            assertEquals(Set.of("spec.json", "params.bin", "history.json"), sha.keySet());
            assertEquals(Entries.sha256(entries.get("params.bin")), sha.get("params.bin").getAsString());
            assertEquals(64, sha.get("params.bin").getAsString().length());
            assertEquals(2, com.google.gson.JsonParser.parseString(new String(entries.get("manifest.json"),
                    StandardCharsets.UTF_8)).getAsJsonObject().get("format").getAsInt(), "checksums came with format 2");
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
            IOException e = loadFails(truncated);
            assertTrue(e.getMessage().startsWith("model file [" + truncated + "] is corrupt or truncated"), e.getMessage());
            assertTrue(e.getMessage().endsWith("; save the model again"), e.getMessage());

            Path text = dir.resolve("text.slim");
            Files.writeString(text, "not a model");
            assertTrue(loadFails(text).getMessage().startsWith("model file [" + text + "] is corrupt or truncated"));

            Path missing = dir.resolve("missing.slim");
            assertEquals("no model file at [" + missing + "]; check the path (save with %save or Slim.save)",
                    loadFails(missing).getMessage());

            Path foreign = dir.resolve("foreign.slim");
            Files.write(foreign, Zips.zip(Map.of("hello.txt", "hi".getBytes(StandardCharsets.UTF_8))));
            assertEquals("model file [" + foreign + "] lacks manifest.json; it is not a slimkit model or it is damaged"
                    + " (save with %save or Slim.save)", loadFails(foreign).getMessage());
        }
    }

    @Test
    void aFlippedWeightFailsItsChecksum() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(model, file);
            Map<String, byte[]> entries = Zips.entries(Files.readAllBytes(file));
            byte[] params = entries.get("params.bin");
            params[params.length / 2] ^= 0x10; // one bit of one weight; the zip's CRCs are rebuilt to match
            Path damaged = dir.resolve("damaged.slim");
            Files.write(damaged, Zips.zip(entries));
            assertEquals("the weights in [" + damaged + "] do not match their checksum: the file is damaged",
                    loadFails(damaged).getMessage());

            entries = Zips.entries(Files.readAllBytes(file));
            entries.put("spec.json", new String(entries.get("spec.json"), StandardCharsets.UTF_8)
                    .replace("\"fc2\"", "\"fc9\"").getBytes(StandardCharsets.UTF_8));
            Files.write(damaged, Zips.zip(entries));
            assertEquals("the spec in [" + damaged + "] does not match its checksum: the file is damaged",
                    loadFails(damaged).getMessage());
        }
    }

    @Test
    void aFlippedByteInTheZipFailsItsCrc() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(model, file);
            byte[] bytes = Files.readAllBytes(file);
            Map<String, byte[]> entries = Zips.entries(bytes);
            // A byte well inside the weights' deflated data, past their local header.
            int at = indexOf(bytes, "params.bin".getBytes(StandardCharsets.US_ASCII)) + 5000;
            bytes[at] ^= 0x01;
            Path damaged = dir.resolve("damaged.slim");
            Files.write(damaged, bytes);
            String m = loadFails(damaged).getMessage();
            assertTrue(m.startsWith("model file [" + damaged + "] is corrupt or truncated ("), m);
            assertTrue(m.endsWith("); save the model again"), m);
            assertTrue(entries.get("params.bin").length > 5000);
        }
    }

    static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("not found");
    }

    @Test
    void mismatchedShapesAreRejectedEvenWhenTheChecksumsHold() throws IOException {
        try (SlimModel narrow = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(narrow, file);
            // A wider spec with the narrow weights, its checksum updated: a forgery, not damage.
            Path forged = dir.resolve("forged.slim");
            Files.write(forged, Zips.forge(Files.readAllBytes(file), "spec.json",
                    Architectures.spec("mlp", 3, 0.5).toJson().getBytes(StandardCharsets.UTF_8)));
            assertEquals("model file [" + forged + "]: parameter [fc1.weight] has shape (64, 784) but the spec needs (128, 784)",
                    loadFails(forged).getMessage());
            // The same in a file without checksums (as an older slimkit wrote them).
            Files.write(forged, Zips.withoutChecksums(Files.readAllBytes(forged)));
            assertEquals("model file [" + forged + "]: parameter [fc1.weight] has shape (64, 784) but the spec needs (128, 784)",
                    loadFails(forged).getMessage());
        }
    }

    @Test
    void declaredShapesAreCheckedBeforeAnyArrayIsMade() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(model, file);
            // A parameter block whose first tensor claims 2^31 x 2^31 values (16 EiB as floats).
            ByteArrayOutputStream block = new ByteArrayOutputStream();
            try (DataOutputStream out = new DataOutputStream(block)) {
                out.write("SLIMPRM1".getBytes(StandardCharsets.US_ASCII));
                out.writeInt(model.parameters().size());
                out.writeUTF("fc1.weight");
                out.writeInt(2);
                out.writeLong(1L << 31);
                out.writeLong(1L << 31);
                out.writeInt(Integer.MAX_VALUE);
                out.writeByte(0);
            }
            Path forged = dir.resolve("forged.slim");
            Files.write(forged, Zips.forge(Files.readAllBytes(file), "params.bin", block.toByteArray()));
            assertEquals("model file [" + forged + "]: parameter [fc1.weight] has shape (2147483648, 2147483648) but the"
                    + " spec needs (64, 784)", loadFails(forged).getMessage());

            // A name with a newline in it stays on one line in the message.
            block.reset();
            try (DataOutputStream out = new DataOutputStream(block)) {
                out.write("SLIMPRM1".getBytes(StandardCharsets.US_ASCII));
                out.writeInt(model.parameters().size());
                out.writeUTF("fc1.weight\nat dev.slimkit.Evil");
            }
            Files.write(forged, Zips.forge(Files.readAllBytes(file), "params.bin", block.toByteArray()));
            assertEquals("model file [" + forged + "] holds parameter [fc1.weight\\u000aat dev.slimkit.Evil] that its"
                    + " spec does not have; the file is damaged", loadFails(forged).getMessage());

            // Fewer tensors than the spec has.
            block.reset();
            try (DataOutputStream out = new DataOutputStream(block)) {
                out.write("SLIMPRM1".getBytes(StandardCharsets.US_ASCII));
                out.writeInt(Integer.MAX_VALUE);
            }
            Files.write(forged, Zips.forge(Files.readAllBytes(file), "params.bin", block.toByteArray()));
            assertEquals("model file [" + forged + "] holds 2147483647 parameters but its spec has "
                    + model.parameters().size() + "; the file is damaged", loadFails(forged).getMessage());
        }
    }

    @Test
    void aHugeSpecIsRefusedBeforeAllocating() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(model, file);
            ModelSpec huge = new ModelSpec("mlp", 1, 28, 28, 3, 1.0, List.of(Layer.flatten("flatten"),
                    Layer.linear("fc1", 100_000_000), Layer.relu("relu"), Layer.linear("fc2", 3)));
            Path forged = dir.resolve("huge.slim");
            Files.write(forged, Zips.forge(Files.readAllBytes(file), "spec.json", huge.toJson().getBytes(StandardCharsets.UTF_8)));
            long start = System.nanoTime();
            assertEquals("model file [" + forged + "]: its spec declares 78800000003 parameters, more than slimkit loads"
                    + " (268435456); the file is damaged or not a slimkit model", loadFails(forged).getMessage());
            assertTrue(System.nanoTime() - start < 2_000_000_000L, "refused at once");

            // Sizes whose product overflows a long.
            ModelSpec overflow = new ModelSpec("x", 1, 28, 28, 3, 1.0, List.of(
                    Layer.conv("conv", 2_000_000_000, 1, 1, 1_000_000_000, false),
                    Layer.globalAvgPool("gap"), Layer.linear("fc", 3)));
            Files.write(forged, Zips.forge(Files.readAllBytes(file), "spec.json",
                    overflow.toJson().getBytes(StandardCharsets.UTF_8)));
            assertEquals("model file [" + forged + "]: its spec declares sizes too large to count; the file is damaged"
                    + " or not a slimkit model", loadFails(forged).getMessage());
        }
    }

    @Test
    void aZipBombFailsFast() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(model, file);
            byte[] zeros = new byte[80 << 20]; // 80 MiB of zeros: 80 KiB deflated
            Path bomb = dir.resolve("bomb.slim");
            Files.write(bomb, Zips.forge(Files.readAllBytes(file), "history.json", zeros));
            assertTrue(Files.size(bomb) < 1 << 20);
            long start = System.nanoTime();
            assertEquals("model file [" + bomb + "]: history.json holds 83886080 bytes, more than a training history can"
                    + " need (67108864); the file is damaged or not a slimkit model", loadFails(bomb).getMessage());
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "refused before inflating");
            Files.write(bomb, Zips.forge(Files.readAllBytes(file), "params.bin", zeros));
            start = System.nanoTime();
            String m = loadFails(bomb).getMessage();
            assertTrue(m.startsWith("model file [" + bomb + "]: params.bin holds 83886080 bytes, more than weights for its"
                    + " spec can need ("), m);
            assertTrue(System.nanoTime() - start < 1_000_000_000L, "refused before inflating");

            // A zip directory that under-declares the size: inflating stops just past the declared size.
            byte[] lying = Zips.forge(Files.readAllBytes(file), "history.json", zeros);
            int cen = lastIndexOf(lying, "history.json".getBytes(StandardCharsets.US_ASCII)) - 46;
            assertEquals(0x02014b50, ByteBuffer.wrap(lying, cen, 4).order(ByteOrder.LITTLE_ENDIAN).getInt());
            ByteBuffer.wrap(lying, cen + 24, 4).order(ByteOrder.LITTLE_ENDIAN).putInt(1000);
            Files.write(bomb, lying);
            start = System.nanoTime();
            assertEquals("model file [" + bomb + "] is corrupt or truncated (history.json holds more than the 1000 bytes"
                    + " its zip entry declares); save the model again", loadFails(bomb).getMessage());
            assertTrue(System.nanoTime() - start < 1_000_000_000L);
        }
    }

    private static int lastIndexOf(byte[] haystack, byte[] needle) {
        for (int i = haystack.length - needle.length; i >= 0; i--) {
            if (java.util.Arrays.equals(haystack, i, i + needle.length, needle, 0, needle.length)) {
                return i;
            }
        }
        throw new AssertionError("not found");
    }

    @Test
    void aFileFromANewerFormatSaysSo() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(model, file);
            Files.write(file, Zips.editManifest(Files.readAllBytes(file), m -> m.addProperty("format", 3)));
            assertEquals("model file [" + file + "] was written by a newer slimkit (format 3; this one reads formats 1"
                    + " to 2); update slimkit to load it", loadFails(file).getMessage());
            Files.write(file, Zips.editManifest(Files.readAllBytes(file), m -> {
                m.addProperty("format", 2);
                m.remove("sha256");
            }));
            assertEquals("model file [" + file + "] has no checksums, though its format (2) always has them: the file is"
                    + " damaged", loadFails(file).getMessage());
            Files.write(file, Zips.editManifest(Files.readAllBytes(file), m -> m.addProperty("format", 0)));
            assertEquals("model file [" + file + "] has format [0]; this slimkit reads formats 1 to 2; the file is"
                    + " damaged or not a slimkit model", loadFails(file).getMessage());
            Files.write(file, Zips.editManifest(Files.readAllBytes(file), m -> m.addProperty("format", "one")));
            assertEquals("model file [" + file + "] has no format number in its manifest; it is not a slimkit model or it"
                    + " is damaged", loadFails(file).getMessage());
        }
    }

    @Test
    void anInvalidMaskListIsOneLineNotAStackTrace() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(model, file);
            Files.write(file, Zips.editManifest(Files.readAllBytes(file), m -> {
                JsonArray masked = new JsonArray();
                masked.add("fc7.weight");
                m.add("masked", masked);
            }));
            assertEquals("model file [" + file + "] marks parameter [fc7.weight] as pruned, but its spec has no such"
                    + " parameter; the file is damaged", loadFails(file).getMessage());
        }
    }

    /**
     * The tiny model {@code src/test/resources/io/main-c3214b4-tiny.slim} holds: its spec, with the
     * weights that main's seeded (DJL-default, Xavier) initialisation gave it, kept beside the file in
     * {@code main-c3214b4-tiny.weights} since slimkit now initialises as PyTorch does.
     */
    static SlimModel tinyAsSavedByMain() throws java.io.IOException {
        ModelSpec spec = new ModelSpec("tiny", 1, 4, 4, 3, 1.0, List.of(
                Layer.conv("conv", 2, 3, 1, 1, true), Layer.batchNorm("bn"), Layer.relu("relu"),
                Layer.flatten("flatten"), Layer.linear("fc", 3)));
        SlimModel m = SlimModel.create("tiny", spec, 3);
        try (var in = ModelIOTest.class.getResourceAsStream("/io/main-c3214b4-tiny.weights")) {
            for (String line : new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\n")) {
                String[] parts = line.trim().split(" ");
                float[] values = new float[parts.length - 1];
                for (int i = 1; i < parts.length; i++) {
                    values[i - 1] = Float.parseFloat(parts[i]);
                }
                m.parameters().get(parts[0]).getArray().set(values);
            }
        }
        return m;
    }

    /**
     * A file saved by the ModelIO of main at c3214b4 (before checksums), made from {@link
     * #tinyAsSavedByMain} with a mask on fc.weight, one epoch and one step of history and the note
     * recipe=fixture: it still loads, with a notice, and saving it again adds the checksums.
     */
    @Test
    void aFileSavedByTheOlderMainStillLoads() throws Exception {
        Path file = dir.resolve("old.slim");
        Files.copy(Path.of(ModelIOTest.class.getResource("/io/main-c3214b4-tiny.slim").toURI()), file);
        ModelIO.Loaded loaded = ModelIO.open(file, null);
        try (SlimModel back = loaded.model(); SlimModel expected = tinyAsSavedByMain()) {
            assertEquals(List.of("model file [" + file + "] has no checksums (an older slimkit saved it), so damage to it"
                    + " cannot be detected; save it again to add them"), loaded.notices());
            assertEquals(loaded.notices(), ModelIO.notices(back));
            assertEquals("tiny", back.name());
            assertEquals(expected.spec(), back.spec());
            for (String key : expected.parameters().keySet()) {
                assertArrayEquals(expected.parameters().get(key).getArray().toFloatArray(),
                        back.parameters().get(key).getArray().toFloatArray(), 0f, key);
            }
            assertEquals(Set.of("fc.weight"), back.mask().orElseThrow().paths());
            assertEquals(List.of(new History.Epoch(1, 1.5, 0.25, Double.NaN, Double.NaN, 0.01, 2.0, 4)), back.history().epochs());
            assertEquals(List.of(new History.Step(4, 1.25)), back.history().steps());

            Path again = dir.resolve("again.slim");
            ModelIO.save(back, again);
            ModelIO.Loaded reloaded = ModelIO.open(again, null);
            try (SlimModel third = reloaded.model()) {
                assertEquals(List.of(), reloaded.notices(), "saved again: checksummed");
                var manifest = com.google.gson.JsonParser.parseString(new String(
                        Zips.entries(Files.readAllBytes(again)).get("manifest.json"), StandardCharsets.UTF_8)).getAsJsonObject();
                assertEquals("fixture", manifest.getAsJsonObject("provenance").getAsJsonObject("notes").get("recipe").getAsString());
                assertEquals(3, third.seed());
            }
        }
    }

    @Test
    void theCallerOwnsANotNamedFileAndARename() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(model, file);
            try (SlimModel renamed = ModelIO.load(file, "other")) {
                assertEquals("other", renamed.name());
            }
            Files.write(file, Zips.editManifest(Files.readAllBytes(file), m -> m.remove("name")));
            try (SlimModel unnamed = ModelIO.load(file)) {
                assertEquals("m", unnamed.name(), "a file without a name gives the file's");
            }
        }
    }

    @Test
    void loadingWithTheInterruptFlagSetWorks() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            Path file = dir.resolve("m.slim");
            ModelIO.save(model, file);
            Thread.currentThread().interrupt();
            try (SlimModel back = ModelIO.load(file)) {
                assertEquals(model.spec(), back.spec());
            } finally {
                assertTrue(Thread.interrupted(), "the flag is the caller's: still set");
            }
        }
    }

    /**
     * Found by the fuzz suite: a pruned model failed to load on any thread but the one that
     * loaded the engine ("a leaf Variable that requires grad is being used in an in-place
     * operation"), as PyTorch records autograd per thread; a notebook's magics may run on another.
     */
    @Test
    void aPrunedModelLoadsOnAnotherThread() throws Exception {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            dev.slimkit.Slim.prune(model).sparsity(0.5).measureLatency(false).run();
            Path file = dir.resolve("p.slim");
            ModelIO.save(model, file);
            java.util.concurrent.atomic.AtomicReference<Object> result = new java.util.concurrent.atomic.AtomicReference<>();
            Thread worker = new Thread(() -> {
                try (SlimModel back = ModelIO.load(file)) {
                    result.set(back.mask().orElseThrow().paths());
                    result.set(ai.djl.pytorch.jni.JniUtils.isGradMode() ? result.get() : "grad mode left off");
                } catch (Exception e) {
                    result.set(e.getMessage());
                }
            });
            worker.start();
            worker.join();
            assertEquals(model.mask().orElseThrow().paths(), result.get());
        }
    }

    /**
     * Found by the fuzz suite: pruning multiplies by a 0/1 mask, so a negative weight becomes
     * -0.0; the sparse encoding stored only "non-zero" values and -0.0 came back as +0.0.
     */
    @Test
    void negativeZerosKeepTheirSign() throws IOException {
        try (SlimModel model = SlimModel.create("mlp", 3, 0.25, 0)) {
            float[] w = model.parameters().get("fc1.weight").getArray().toFloatArray();
            for (int i = 0; i < w.length; i++) {
                w[i] = i % 10 == 0 ? w[i] : (i % 2 == 0 ? 0f : -0f); // sparse: 90 % zeros, half of them -0.0
            }
            w[3] = Float.intBitsToFloat(0x7fc00123); // a NaN with a payload
            model.parameters().get("fc1.weight").getArray().set(w);
            Path file = dir.resolve("z.slim");
            ModelIO.save(model, file);
            try (SlimModel back = ModelIO.load(file)) {
                float[] got = back.parameters().get("fc1.weight").getArray().toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    assertEquals(Float.floatToRawIntBits(w[i]), Float.floatToRawIntBits(got[i]), "value " + i);
                }
            }
        }
    }

    @Test
    void aFileHoldingTorchScriptSaysItHoldsCodeThatWillRun() throws IOException {
        try (SlimModel ts = SlimModel.fromTorchScript("ts", Samples.torchScriptFixture("tiny_backbone.pt"),
                new int[] {1, 28, 28}, 3, 0)) {
            Path file = dir.resolve("ts.slim");
            ModelIO.save(ts, file);
            ModelIO.Loaded loaded = ModelIO.open(file, "again");
            try (SlimModel back = loaded.model()) {
                assertEquals(List.of("model file [" + file + "] holds TorchScript code (layer [backbone], from"
                        + " [tiny_backbone.pt]) that runs inside this process when the model is used; load only files"
                        + " you trust"), loaded.notices());
                assertEquals(loaded.notices(), ModelIO.notices(back), "kept for callers that use load()");
            }
            assertEquals(List.of(), ModelIO.notices(ts), "the model it was saved from has no notice");
            // The module is checksummed like the weights: a flip inside it never reaches PyTorch.
            Map<String, byte[]> entries = Zips.entries(Files.readAllBytes(file));
            entries.get("torchscript/backbone.pt")[100] ^= 0x40;
            Files.write(file, Zips.zip(entries));
            assertEquals("the TorchScript module [backbone] in [" + file + "] does not match its checksum: the file is"
                    + " damaged", loadFails(file).getMessage());
        }
    }

    /**
     * Found by the fuzz suite: in a file without checksums, one flipped byte in the module's
     * pickle (PyTorch does not check its records' CRCs) kept PyTorch's loader busy 1.5 s before it
     * failed; the module's zip is now checked record by record before PyTorch sees it.
     */
    @Test
    void aDamagedModuleInAFileWithoutChecksumsNeverReachesPyTorch() throws IOException {
        try (SlimModel ts = SlimModel.fromTorchScript("ts", Samples.torchScriptFixture("tiny_backbone.pt"),
                new int[] {1, 28, 28}, 3, 0)) {
            Path file = dir.resolve("ts.slim");
            ModelIO.save(ts, file);
            Map<String, byte[]> entries = Zips.entries(Zips.withoutChecksums(Files.readAllBytes(file)));
            byte[] module = entries.get("torchscript/backbone.pt");
            module[indexOf(module, "archive/data.pkl".getBytes(StandardCharsets.US_ASCII)) + 300] ^= (byte) 164;
            Files.write(file, Zips.zip(entries));
            long start = System.nanoTime();
            assertEquals("the TorchScript module [backbone] in [" + file + "] is damaged: it holds a record that fails"
                    + " its CRC-32 check; save the model again", loadFails(file).getMessage());
            assertTrue(System.nanoTime() - start < 500_000_000L);

            // A module that is a zip bomb stops at the cap.
            entries.put("torchscript/backbone.pt", Zips.zip(Map.of("archive/data.pkl", new byte[100 << 20])));
            Files.write(file, Zips.zip(entries));
            String m = loadFails(file).getMessage();
            assertTrue(m.startsWith("the TorchScript module [backbone] in [" + file + "] is damaged: it holds records that"
                    + " inflate to more than "), m);
        }
    }
}

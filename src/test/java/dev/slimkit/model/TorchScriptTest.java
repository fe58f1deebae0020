package dev.slimkit.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.slimkit.Slim;
import dev.slimkit.step.StepResult;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.train.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bases from PyTorch: the fixtures in {@code src/test/resources/torchscript} were made by Debian's
 * PyTorch 1.13 ({@code make_fixture.py}): a tiny CNN with batch norm, whole (3 classes) and as a
 * backbone (8x7x7 per image).
 */
class TorchScriptTest {

    private static final int[] IMAGE = {1, 28, 28};
    private static final ImageData DATA = Datasets.synthetic(5, 160, 40, 7);

    @TempDir
    Path dir;

    private static Path fixture(String name) throws Exception {
        return Path.of(TorchScriptTest.class.getResource("/torchscript/" + name).toURI());
    }

    private static JsonObject expected() throws Exception {
        return JsonParser.parseString(Files.readString(fixture("tiny_expected.json"))).getAsJsonObject();
    }

    /** (arange(2*28*28) % 17) / 17, as make_fixture.py feeds PyTorch. */
    private static NDArray fixedInput(NDManager manager) {
        float[] x = new float[2 * 28 * 28];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 17) / 17f;
        }
        return manager.create(x, new Shape(2, 1, 28, 28));
    }

    private static float[] evalOutput(SlimModel m) {
        try (NDManager batch = m.manager().newSubManager()) {
            return m.forward(fixedInput(batch), false).toFloatArray();
        }
    }

    private static float[] backboneOutput(SlimModel m) {
        try (NDManager batch = m.manager().newSubManager()) {
            return m.block().layers().get(TorchScript.BACKBONE)
                    .forward(new ParameterStore(batch, false), new NDList(fixedInput(batch)), false)
                    .singletonOrThrow().toFloatArray();
        }
    }

    private static Map<String, float[]> snapshot(SlimModel m) {
        Map<String, float[]> out = new HashMap<>();
        m.parameters().forEach((k, p) -> out.put(k, p.getArray().toFloatArray()));
        return out;
    }

    @Test
    void classifierLoadsWholeAndComputesWhatPyTorchComputes() throws Exception {
        try (SlimModel m = SlimModel.fromTorchScript("ts", fixture("tiny_classifier.pt"), IMAGE, 0, 0)) {
            assertEquals(List.of(TorchScript.NET), m.spec().layers().stream().map(Layer::name).toList());
            assertEquals(3, m.spec().classes());
            assertEquals("torchscript (tiny_classifier.pt)", m.origin());
            ModelStats stats = ModelStats.of(m);
            // conv 1→4 (40) + BN 4 (8) + conv 4→8 (296) + BN 8 (16) + linear 392→3 (1179), as torch counts
            assertEquals(1539, stats.params());
            assertEquals(1539, stats.trainableParams());
            assertEquals(-1, stats.macs(), "MACs of an opaque graph are unknown");
            assertTrue(m.parameters().containsKey("net.features.0.weight"), m.parameters().keySet().toString());
            float[] want = new float[6];
            var list = expected().getAsJsonArray("classifier");
            for (int i = 0; i < 6; i++) {
                want[i] = list.get(i).getAsFloat();
            }
            assertArrayEquals(want, evalOutput(m), 1e-5f);
            try (SlimModel viaFacade = Slim.fromTorchScript(fixture("tiny_classifier.pt"), 0)) {
                assertEquals("tiny_classifier", viaFacade.name());
                assertArrayEquals(want, evalOutput(viaFacade), 1e-5f);
            }
        }
    }

    @Test
    void backboneGetsAFreshHeadForTheNewClasses() throws Exception {
        try (SlimModel m = SlimModel.fromTorchScript("b", fixture("tiny_backbone.pt"), IMAGE, 5, 0)) {
            assertEquals(List.of("backbone", "flatten", "head"), m.spec().layers().stream().map(Layer::name).toList());
            assertEquals(List.of(8L, 7L, 7L), m.spec().layers().get(0).shape());
            assertEquals(new Shape(5, 392), m.parameters().get("head.weight").getArray().getShape());
            assertEquals(new Shape(2, 5), new Shape(2, evalOutput(m).length / 2));
            float sum = 0;
            for (float v : backboneOutput(m)) {
                sum += v;
            }
            assertEquals(expected().get("backbone_sum").getAsFloat(), sum, 1e-3f);
        }
    }

    @Test
    void transferFreezesTheTorchScriptBackboneThenFineTunesIt() throws Exception {
        try (SlimModel base = SlimModel.fromTorchScript("b", fixture("tiny_backbone.pt"), IMAGE, 5, 0)) {
            Map<String, float[]> before = snapshot(base);
            float[] featuresBefore = backboneOutput(base);
            var step = Slim.transfer(base).data(DATA).freeze("backbone").epochs(2)
                    .config(TrainConfig.defaults().batchSize(16).learningRate(0.01).weightDecay(0.01));
            StepResult frozen = step.run();
            SlimModel m = step.model(); // a new head: the result is a new model under the base's name
            assertEquals("b", m.name());
            assertEquals(392 * 5 + 5, frozen.before().trainableParams());
            Map<String, float[]> after = snapshot(m);
            for (String key : before.keySet()) {
                if (key.startsWith("head.")) {
                    assertFalse(java.util.Arrays.equals(before.get(key), after.get(key)), "head trained: " + key);
                } else {
                    assertArrayEquals(before.get(key), after.get(key), 0f, "frozen: " + key);
                }
            }
            // Batch-norm buffers are not parameters; the frozen module ran in eval mode, so they held too.
            assertArrayEquals(featuresBefore, backboneOutput(m), 0f);
            assertTrue(frozen.accuracy() > 0.5, "accuracy " + frozen.accuracy());

            var unfrozen = Slim.transfer(m).data(DATA).freeze("none").epochs(1).batch(16).keepHead(true);
            unfrozen.run();
            assertFalse(java.util.Arrays.equals(before.get("backbone.0.weight"),
                    m.parameters().get("backbone.0.weight").getArray().toFloatArray()), "unfrozen backbone trained");
            assertTrue(unfrozen.model() == m, "with the head kept the model itself is tuned");
            m.close();
        }
    }

    @Test
    void cachedBackboneFeaturesGiveTheSameHead() throws Exception {
        try (SlimModel m = SlimModel.fromTorchScript("b", fixture("tiny_backbone.pt"), IMAGE, 5, 0)) {
            var plain = Slim.transfer(m).data(DATA).epochs(2).batch(16).as("plain");
            var cached = Slim.transfer(m).data(DATA).epochs(2).batch(16).as("cached").cacheFeatures(true);
            plain.run();
            cached.run();
            try (SlimModel a = plain.model(); SlimModel b = cached.model()) {
                assertArrayEquals(a.parameters().get("head.weight").getArray().toFloatArray(),
                        b.parameters().get("head.weight").getArray().toFloatArray(), 1e-5f);
            }
        }
    }

    @Test
    void saveLoadAndCopyKeepWeightsAndBatchNormStatistics() throws Exception {
        try (SlimModel m = SlimModel.fromTorchScript("b", fixture("tiny_backbone.pt"), IMAGE, 5, 0)) {
            float[] untrained = evalOutput(m);
            Slim.train(m, DATA).epochs(1).batch(16).run(); // train mode: BN running statistics move
            float[] trained = evalOutput(m);
            assertFalse(java.util.Arrays.equals(untrained, trained));
            Path file = dir.resolve("b.slim");
            ModelIO.save(m, file);
            try (ZipFile zip = new ZipFile(file.toFile())) {
                assertTrue(zip.getEntry("torchscript/backbone.pt") != null, "module stored in the artifact");
            }
            try (SlimModel loaded = ModelIO.load(file); SlimModel copy = m.copy("c")) {
                assertEquals(m.spec(), loaded.spec());
                assertArrayEquals(trained, evalOutput(loaded), 0f);
                assertArrayEquals(trained, evalOutput(copy), 0f);
                assertEquals(m.history().epochCount(), loaded.history().epochCount());
                Slim.train(copy, DATA).epochs(1).batch(16).run();
                assertFalse(java.util.Arrays.equals(trained, evalOutput(copy)), "the copy trained");
                assertArrayEquals(trained, evalOutput(m), 0f, "the original did not move with its copy");
            }
        }
    }

    @Test
    void pruningReachesWeightsInsideTheGraphAndTheMaskSurvivesSaving() throws Exception {
        try (SlimModel m = SlimModel.fromTorchScript("ts", fixture("tiny_classifier.pt"), IMAGE, 0, 0)) {
            Slim.prune(m).sparsity(0.5).measureLatency(false).run();
            var pruned = m.mask().orElseThrow().paths();
            assertEquals(List.of("net.features.0.weight", "net.features.4.weight", "net.classifier.weight"),
                    List.copyOf(pruned));
            long zeros = 0;
            long total = 0;
            for (String p : pruned) {
                for (float v : m.parameters().get(p).getArray().toFloatArray()) {
                    zeros += v == 0f ? 1 : 0;
                    total++;
                }
            }
            assertEquals(total / 2, zeros);
            var scan = dev.slimkit.prune.Sensitivity.scan(m, Datasets.synthetic(3, 16, 30, 2).test(),
                    new double[] {0.5, 0.9}, "net.classifier");
            assertEquals(List.of("net.features.0", "net.features.4"), List.copyOf(scan.accuracy().keySet()));
            Path file = dir.resolve("p.slim");
            ModelIO.save(m, file);
            try (SlimModel loaded = ModelIO.load(file)) {
                assertEquals(pruned, loaded.mask().orElseThrow().paths());
                assertArrayEquals(evalOutput(m), evalOutput(loaded), 0f);
            }
        }
    }

    @Test
    void aTorchScriptTeacherDistilsIntoASlimkitStudent() throws Exception {
        ImageData three = Datasets.synthetic(3, 96, 30, 5);
        try (SlimModel teacher = SlimModel.fromTorchScript("teacher", fixture("tiny_classifier.pt"), IMAGE, 0, 0)) {
            float[] before = evalOutput(teacher);
            StepResult r = Slim.distill(teacher).student("mlp").width(0.25).data(three).epochs(1).batch(16)
                    .measureLatency(false).run();
            assertTrue(Double.isFinite(r.accuracy()), "student trained and evaluated");
            assertArrayEquals(before, evalOutput(teacher), 0f, "the teacher did not move");
        }
    }

    @Test
    void badInputsAreRefusedWithTheValueAndTheFix() throws Exception {
        var missing = assertThrows(IllegalArgumentException.class,
                () -> SlimModel.fromTorchScript("x", dir.resolve("none.pt"), IMAGE, 0, 0));
        assertEquals("no TorchScript file at [" + dir.resolve("none.pt") + "]; check the path", missing.getMessage());
        Path text = dir.resolve("notes.pt");
        Files.writeString(text, "not a model");
        var notTs = assertThrows(IllegalArgumentException.class, () -> SlimModel.fromTorchScript("x", text, IMAGE, 0, 0));
        assertEquals("[" + text + "] is not a TorchScript file; export one in Python with"
                + " torch.jit.script(model).save('notes.pt')", notTs.getMessage());
        var stateDict = assertThrows(IllegalArgumentException.class,
                () -> SlimModel.fromTorchScript("x", fixture("state_dict.pt"), IMAGE, 0, 0));
        assertEquals("[state_dict.pt] is not a TorchScript module PyTorch can load (it holds no TorchScript code:"
                + " torch.save writes such files, a state_dict or a pickled model); export it with"
                + " torch.jit.script(model).save(...)", stateDict.getMessage());
        var shape = assertThrows(IllegalArgumentException.class,
                () -> SlimModel.fromTorchScript("x", fixture("tiny_classifier.pt"), new int[] {3, 32, 32}, 0, 0));
        assertEquals("TorchScript model [tiny_classifier.pt] fails on a 3x32x32 input (Given groups=1, weight of size"
                + " [4, 1, 3, 3], expected input[2, 3, 32, 32] to have 1 channels, but got 3 channels instead); pass"
                + " input(...) CxHxW with the image size it expects", shape.getMessage());
        var features = assertThrows(IllegalArgumentException.class,
                () -> SlimModel.fromTorchScript("x", fixture("tiny_backbone.pt"), IMAGE, 0, 0));
        assertEquals("TorchScript model [tiny_backbone.pt] outputs [8, 7, 7] per image, not class scores; pass"
                + " classes(...) N to put a linear head of N classes on it", features.getMessage());
        try (SlimModel whole = SlimModel.fromTorchScript("ts", fixture("tiny_classifier.pt"), IMAGE, 0, 0)) {
            var trim = assertThrows(IllegalArgumentException.class, () -> Slim.trim(whole).remove(0.5).run());
            assertEquals("model [ts] has TorchScript layer [net] (from tiny_classifier.pt) whose graph slimkit cannot"
                    + " see, so it cannot be trimmed; use %prune for sparsity, or rebuild the network as a slimkit"
                    + " architecture", trim.getMessage());
            var transfer = assertThrows(IllegalArgumentException.class, () -> Slim.transfer(whole).data(DATA).run());
            assertEquals("model [ts] is one TorchScript graph (tiny_classifier.pt), so its head cannot be replaced;"
                    + " export the network without its classifier and load it with %model NAME --from FILE.pt"
                    + " --classes N", transfer.getMessage());
        }
    }
}

package dev.slimkit.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.Slim;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import dev.slimkit.prune.PruneStep;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.TrainConfig;
import dev.slimkit.trim.TrimStep;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * ONNX import against PyTorch's own outputs (fixtures written by src/test/resources/onnx/make_fixtures.py with
 * Debian's torch 1.13), export checked in ONNX Runtime for every architecture, and the round trip import →
 * trim → export → ONNX Runtime.
 */
class OnnxTest {

    private static final ImageData DATA = Datasets.synthetic(10, 96, 32, 3);

    @TempDir Path dir;

    static Path fixture(String name) throws URISyntaxException {
        return Path.of(OnnxTest.class.getResource("/onnx/" + name).toURI());
    }

    static float[] floats(String name) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(fixture(name))).order(ByteOrder.LITTLE_ENDIAN);
        float[] out = new float[b.remaining() / 4];
        b.asFloatBuffer().get(out);
        return out;
    }

    /** The largest |a - b| over slimkit's logits on a fixture's input and PyTorch's saved logits. */
    static double diffToPyTorch(SlimModel model, String fixture) throws Exception {
        float[] x = floats(fixture + "-input.bin");
        float[] want = floats(fixture + "-output.bin");
        int n = x.length / (28 * 28);
        float[][] got = OnnxExport.slimkitLogits(model, x, n);
        double max = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < 10; j++) {
                max = Math.max(max, Math.abs(got[i][j] - want[i * 10 + j]));
            }
        }
        return max;
    }

    @Test
    void plainCnnImportMatchesPyTorch() throws Exception {
        try (SlimModel m = OnnxImport.load("cnn", fixture("plain-cnn.onnx"), 0)) {
            ModelSpec s = m.spec();
            assertEquals(List.of("conv1", "relu1", "bn1", "pool1", "conv2", "relu2", "avgpool1", "flatten1", "fc1",
                    "relu3", "fc2"), s.layers().stream().map(Layer::name).toList());
            assertEquals(Layer.Kind.AVG_POOL, s.layers().get(6).kind());
            assertTrue(s.layers().get(4).bias(), "conv2's BN was folded into it by torch's exporter");
            assertEquals(10, s.classes());
            double d = diffToPyTorch(m, "plain-cnn");
            assertTrue(d <= 1e-4, "max |slimkit - PyTorch| " + d);
        }
    }

    @Test
    void residualImportMatchesPyTorchAndFindsBlocks() throws Exception {
        try (SlimModel m = OnnxImport.load("res", fixture("tiny-resnet.onnx"), 0)) {
            List<Layer> layers = m.spec().layers();
            assertEquals(List.of("conv1", "relu1", "res1", "res2", "gap1", "fc1"),
                    layers.stream().map(Layer::name).toList());
            Layer res1 = layers.get(2);
            Layer res2 = layers.get(3);
            assertEquals(Layer.Kind.RESIDUAL, res1.kind());
            assertEquals(List.of(), res1.shortcut(), "identity shortcut");
            assertEquals(List.of("conv1", "relu1", "conv2"), res2.body().stream().map(Layer::name).toList());
            assertEquals(List.of("sc_conv1"), res2.shortcut().stream().map(Layer::name).toList());
            assertEquals(2, res2.body().get(0).stride());
            double d = diffToPyTorch(m, "tiny-resnet");
            assertTrue(d <= 1e-4, "max |slimkit - PyTorch| " + d);
        }
    }

    @Test
    void unsupportedOpIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> OnnxImport.load("s", fixture("sigmoid.onnx"), 0));
        assertEquals("[sigmoid.onnx] node [/Sigmoid] (op Sigmoid) cannot be read: an op slimkit does not read; it"
                + " reads " + String.join(", ", OnnxImport.OPS), e.getMessage());
    }

    @Test
    void notOnnxIsOneLine() throws IOException {
        Path junk = dir.resolve("junk.onnx");
        Files.writeString(junk, "hello, not protobuf");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> OnnxImport.load("j", junk, 0));
        assertTrue(e.getMessage().startsWith("[junk.onnx] is not an ONNX model"), e.getMessage());
        assertTrue(!e.getMessage().contains("\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"mlp", "lenet5", "cnn-small", "resnet20"})
    void everyArchitectureExportsAndMatchesInOnnxRuntime(String arch) throws Exception {
        try (SlimModel m = SlimModel.create(arch, 10, arch.equals("resnet20") ? 0.5 : 1.0, 1)) {
            // move BN statistics off their defaults so the exported BatchNormalization means something
            FitLoop.fit(m, DATA.limit(32), TrainConfig.defaults().batchSize(16), List.of());
            Path file = dir.resolve(arch + ".onnx");
            OnnxExport.Result r = OnnxExport.export(m, file, DATA.test(), "test images");
            assertTrue(r.maxAbsDiff() <= 1e-4, r.toString());
            assertEquals(32, r.checkedImages());
            assertEquals(Files.size(file), r.bytes());
            if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
                assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
                        Files.getPosixFilePermissions(file)), "an ordinary file, not owner-only");
            }
            // dynamic batch: another batch size runs too
            try (OnnxRunner ort = new OnnxRunner(Files.readAllBytes(file), 1)) {
                assertEquals(-1, ort.inputShape()[0]);
                assertEquals(3, ort.run(new float[3 * 28 * 28], new long[] {3, 1, 28, 28}).length);
            }
            // and slimkit reads its own export back to the same outputs
            try (SlimModel back = OnnxImport.load("back", file, 0)) {
                assertEquals(m.spec().macs(), back.spec().macs());
                float[] x = DATA.test().image(0);
                float[] a = OnnxExport.slimkitLogits(m, x, 1)[0];
                float[] b = OnnxExport.slimkitLogits(back, x, 1)[0];
                for (int j = 0; j < a.length; j++) {
                    assertEquals(a[j], b[j], 1e-5);
                }
            }
        }
    }

    @Test
    void maskedModelExportsWithItsZeros() throws Exception {
        try (SlimModel m = SlimModel.create("cnn-small", 10, 0.5, 2)) {
            PruneStep p = Slim.prune(m).sparsity(0.8).epochs(0).measureLatency(false).as("sparse");
            p.run();
            try (SlimModel sparse = p.model()) {
                OnnxExport.Result r = OnnxExport.export(sparse, dir.resolve("sparse.onnx"), DATA.test(), "test");
                assertTrue(r.maxAbsDiff() <= 1e-4, r.toString());
                try (SlimModel back = OnnxImport.load("back", r.file(), 0)) {
                    long zerosBefore = zeros(sparse);
                    assertEquals(zerosBefore, zeros(back), "every pruned zero survives the export");
                    long weights = sparse.parameters().entrySet().stream().filter(e -> e.getKey().endsWith(".weight"))
                            .mapToLong(e -> e.getValue().getArray().size()).sum();
                    assertTrue(zerosBefore >= 0.75 * weights, zerosBefore + " zeros of " + weights);
                }
            }
        }
    }

    private static long zeros(SlimModel m) {
        long zeros = 0;
        for (var e : m.parameters().entrySet()) {
            if (e.getKey().endsWith(".weight")) {
                for (float v : e.getValue().getArray().toFloatArray()) {
                    zeros += v == 0f ? 1 : 0;
                }
            }
        }
        return zeros;
    }

    @Test
    void torchScriptLayerIsRefusedInOneLine() throws Exception {
        Path ts = Path.of(OnnxTest.class.getResource("/torchscript/tiny_classifier.pt").toURI());
        try (SlimModel m = SlimModel.fromTorchScript("ts", ts, new int[] {1, 28, 28}, 0, 0)) {
            Path out = dir.resolve("ts.onnx");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> OnnxExport.export(m, out, null, null));
            assertTrue(e.getMessage().matches("model \\[ts\\] holds TorchScript layer \\[.+\\] \\(tiny_classifier.pt\\),"
                    + " whose graph slimkit cannot see, so it cannot be written as ONNX; export the PyTorch module"
                    + " with torch.onnx.export and import that file instead"), e.getMessage());
            assertTrue(!Files.exists(out));
        }
    }

    @Test
    void aWrongGraphFailsTheCheck() throws Exception {
        // the check is not a tautology: another model's graph disagrees with this model
        try (SlimModel a = SlimModel.create("lenet5", 10, 1.0, 1); SlimModel b = SlimModel.create("lenet5", 10, 1.0, 2)) {
            float[] x = new float[28 * 28 * 4];
            java.util.Arrays.fill(x, 0.5f);
            OnnxExport.Check c = OnnxExport.check(a, OnnxExport.toBytes(b), x, 4);
            assertTrue(c.maxAbsDiff() > 1e-3, "diff " + c.maxAbsDiff());
        }
    }

    @Test
    void importTrimExportRoundTrip() throws Exception {
        try (SlimModel m = OnnxImport.load("res", fixture("tiny-resnet.onnx"), 0)) {
            TrimStep step = Slim.trim(m).remove(0.5).round(4);
            try (SlimModel trimmed = step.cut()) {
                assertTrue(step.equivalenceError() <= 1e-4, "trim check " + step.equivalenceError());
                assertTrue(trimmed.spec().macs() < m.spec().macs());
                Layer res2 = trimmed.spec().layers().get(3);
                assertEquals(8, res2.body().get(0).out(), "inner conv of the imported block 16 → 8");
                OnnxExport.Result r = OnnxExport.export(trimmed, dir.resolve("trimmed.onnx"), DATA.test(), "test");
                assertTrue(r.maxAbsDiff() <= 1e-4, r.toString());
                assertTrue(r.bytes() < Files.size(fixture("tiny-resnet.onnx")));
            }
        }
    }

    @Test
    void importedModelPrunesAndTeaches() throws Exception {
        try (SlimModel m = OnnxImport.load("res", fixture("tiny-resnet.onnx"), 0)) {
            PruneStep p = Slim.prune(m).sparsity(0.5).epochs(0).measureLatency(false).as("sparse");
            p.run();
            try (SlimModel sparse = p.model()) {
                assertTrue(sparse.mask().isPresent());
                OnnxExport.Result r = OnnxExport.export(sparse, dir.resolve("res-sparse.onnx"), DATA.test(), "test");
                assertTrue(r.maxAbsDiff() <= 1e-4, r.toString());
            }
            var d = Slim.distill(m).student("mlp").width(0.25).data(DATA).epochs(1).measureLatency(false);
            d.run();
            try (SlimModel student = d.model()) {
                assertEquals(10, student.spec().classes(), "a student learned from the imported teacher");
                assertTrue(student.history().epochCount() == 1);
            }
        }
    }

    @Test
    void importedModelTrains() throws Exception {
        try (SlimModel m = OnnxImport.load("cnn", fixture("plain-cnn.onnx"), 0)) {
            double before = Slim.evaluate(m, DATA).accuracy();
            FitLoop.fit(m, DATA, TrainConfig.defaults().batchSize(16).epochs(3), List.of());
            double after = Slim.evaluate(m, DATA).accuracy();
            assertTrue(after > before + 0.2, "accuracy " + before + " → " + after);
        }
    }
}

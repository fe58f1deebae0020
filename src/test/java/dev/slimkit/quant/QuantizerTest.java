package dev.slimkit.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.slimkit.Slim;
import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import dev.slimkit.onnx.OnnxExport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** End to end on a trained cnn-small (synthetic images), plus calibration and bad input. */
class QuantizerTest {

    static final ImageData DATA = Datasets.synthetic(4, 400, 120, 11).validationSplit(0.2, 0);

    @Test
    void foldingBatchNormsKeepsTheOutputs() throws Exception {
        try (SlimModel m = Slim.model("resnet20").classes(4).width(0.25).build()) {
            Slim.train(m, DATA).epochs(1).measureLatency(false).run(); // non-trivial running statistics
            byte[] fp32 = OnnxExport.toBytes(m);
            OnnxMl.ModelProto folded = BatchNormFolding.fold(OnnxMl.ModelProto.parseFrom(fp32));
            assertEquals(0, folded.getGraph().getNodeList().stream()
                    .filter(n -> n.getOpType().equals("BatchNormalization")).count(), "every conv's batch norm folded");
            float[] x = new float[8 * 784];
            for (int i = 0; i < 8; i++) {
                System.arraycopy(DATA.test().image(i), 0, x, i * 784, 784);
            }
            try (var a = new dev.slimkit.onnx.OnnxRunner(fp32, 1);
                    var b = new dev.slimkit.onnx.OnnxRunner(folded.toByteArray(), 1)) {
                float[][] ya = a.run(x, new long[] {8, 1, 28, 28});
                float[][] yb = b.run(x, new long[] {8, 1, 28, 28});
                for (int i = 0; i < 8; i++) {
                    assertArrayEquals(ya[i], yb[i], 1e-3f, "image " + i);
                }
            }
        }
    }

    @Test
    void percentileClipsTheTailsOfAKnownHistogram() {
        long[] h = new long[100];
        h[0] = 1; // one outlier at the bottom
        for (int i = 10; i < 90; i++) {
            h[i] = 125; // 10,000 values in the middle
        }
        h[99] = 1; // and one at the top
        double[] r = Calibration.percentileRange(h, new double[] {-50, 50});
        assertEquals(-40, r[0], 1e-9, "the single value below is clipped (1 ≤ 10,002 · 1e-4)");
        assertEquals(40, r[1], 1e-9, "and the single value above");
        long[] bulk = new long[100];
        bulk[0] = 50;
        bulk[50] = 10_000;
        assertEquals(-50, Calibration.percentileRange(bulk, new double[] {-50, 50})[0], 1e-9,
                "50 values are more than the tail: kept");
    }

    @Test
    void aTrainedModelQuantizesWithinAPointAtAThirdOfTheFileSize(@TempDir Path dir) throws Exception {
        try (SlimModel m = Slim.model("cnn-small").data(DATA).build()) {
            Slim.train(m, DATA).epochs(2).measureLatency(false).run();
            QuantizeResult r = Slim.quantize(m).data(DATA).calibration(128).measureLatency(false).run();
            assertEquals(128, r.calibrationImages());
            assertEquals(m.name() + "-int8", r.model().name());
            assertEquals(m.name(), r.model().source());
            assertTrue(r.int8Bytes() < 0.3 * r.fp32Bytes(), r.int8Bytes() + " vs " + r.fp32Bytes());
            assertTrue(r.testFp32() > 0.5, "the float model learned something: " + r.testFp32());
            assertTrue(Math.abs(r.testInt8() - r.testFp32()) <= 0.02, r.testFp32() + " → " + r.testInt8());
            assertFalse(Double.isNaN(r.validationInt8()));
            List<String> layers = r.layers().stream().map(QuantizeResult.Layer::node).toList();
            assertEquals(List.of("conv1", "conv2", "fc1", "fc2"), layers);
            for (QuantizeResult.Layer l : r.layers()) {
                assertTrue(l.quantized() && l.weightSqnrDb() > 30, l.toString());
                assertTrue(l.outputSqnrDb() > 15, l.toString());
            }
            Path file = dir.resolve("m-int8.onnx");
            assertEquals(r.int8Bytes(), r.model().save(file));
            assertEquals(r.int8Bytes(), Files.size(file));
            assertEquals(r.testInt8(), r.model().accuracy(DATA.test(), 1), 1e-12, "the saved model is the one measured");
            QuantizedModel.Scored s = r.model().score(DATA.test(), 5, 1);
            assertEquals(r.testInt8(), s.evaluation().accuracy(), 1e-12);
            assertTrue(Double.isFinite(s.evaluation().loss()) && s.evaluation().loss() > 0);
            assertEquals(5, s.worst().size());
            for (int i = 1; i < 5; i++) {
                assertTrue(s.worst().get(i - 1).loss() >= s.worst().get(i).loss(), "highest loss first");
            }
            ImageData other = Datasets.synthetic(3, 16, 8, 1);
            assertEquals("int8 model [" + m.name() + "-int8] takes 1x28x28 images of 4 classes, but the data has"
                    + " 1x28x28 images of 3 classes; pass the data it was quantized on", assertThrows(
                            IllegalArgumentException.class, () -> r.model().score(other.test(), 0, 1)).getMessage());
        }
    }

    @Test
    void excludedLayersStayFloat() {
        try (SlimModel m = Slim.model("cnn-small").data(DATA).build()) {
            QuantizeResult r = Slim.quantize(m).data(DATA).calibration(32).exclude("fc2").measureLatency(false).run();
            QuantizeResult.Layer fc2 = r.layers().get(r.layers().size() - 1);
            assertEquals("fc2", fc2.node());
            assertFalse(fc2.quantized());
            assertTrue(Double.isNaN(fc2.weightSqnrDb()));
        }
    }

    @Test
    void badInputIsOneLineNamingTheValue() {
        try (SlimModel m = Slim.model("cnn-small").data(DATA).build()) {
            assertEquals("calibration(...) must be >= 1, got [0]; pass the number of training images to read ranges"
                    + " on, e.g. 512", assertThrows(IllegalArgumentException.class,
                            () -> Slim.quantize(m).calibration(0)).getMessage());
            assertEquals("method must be minmax or percentile, got [entropy]", assertThrows(
                    IllegalArgumentException.class, () -> Slim.quantize(m).method("entropy")).getMessage());
            assertEquals("quantize needs data(...): calibration reads its training images", assertThrows(
                    IllegalArgumentException.class, () -> Slim.quantize(m).run()).getMessage());
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Slim.quantize(m).data(DATA).exclude("nope*").run());
            assertTrue(e.getMessage().contains("[nope*]"), e.getMessage());
        }
    }

    @Test
    void anInt8ModelInTheSessionIsRefusedByStepsWithOneLine() {
        dev.slimkit.Session session = new dev.slimkit.Session();
        try (SlimModel m = Slim.model("cnn-small").data(DATA).build()) {
            session.putModel("cnn", m);
            QuantizeResult r = Slim.quantize(m).data(DATA).calibration(16).measureLatency(false).run();
            session.putQuantized(r.model().name(), r.model());
            assertEquals("[cnn-int8] is an int8 model: it runs in ONNX Runtime, has no gradients and no DJL form, so it"
                    + " cannot be trained, pruned, trimmed, summarized or quantized again; use its float model [cnn], or"
                    + " save it with %quantize --save FILE.onnx", assertThrows(IllegalArgumentException.class,
                            () -> session.model("cnn-int8")).getMessage());
            assertEquals("a float model is named [cnn]; name the int8 model otherwise (--as NAME)", assertThrows(
                    IllegalArgumentException.class, () -> session.putQuantized("cnn", r.model())).getMessage());
        }
    }

    @Test
    void theAccuracyBoundIsNeverExceededOnValidation() {
        try (SlimModel m = Slim.model("cnn-small").data(DATA).build()) {
            Slim.train(m, DATA).epochs(2).measureLatency(false).run();
            double before = Slim.evaluate(m, DATA).accuracy();
            outlierUnit(m, 1000f);
            assertEquals(before, Slim.evaluate(m, DATA).accuracy(), 1e-9, "the same function in float");
            // one fc1 unit 1000x larger (fc2 reads it 1000x smaller): one scale per tensor starves every other unit
            Quantizer crude = Slim.quantize(m).data(DATA).calibration(64).perChannel(false).measureLatency(false);
            QuantizeResult loose = crude.run();
            assertTrue(loose.validationFp32() - loose.validationInt8() > 0.05, "int8 loses here: " + loose);
            QuantizeResult bounded = crude.maxDrop(0.5).run();
            assertFalse(bounded.fallbacks().isEmpty(), "the bound gave layers back");
            // fc2 reads the starved activations and quantizes the shrunken column to zero: it adds the most noise
            assertEquals("fc2", bounded.fallbacks().get(0).node(), bounded.fallbacks().toString());
            assertTrue(bounded.validationFp32() - bounded.validationInt8() <= 0.005, bounded.toString());
            for (double points : new double[] {0, 0.5, 100}) {
                QuantizeResult r = crude.maxDrop(points).run();
                assertTrue(r.validationFp32() - r.validationInt8() <= points / 100 + 1e-12,
                        points + ": " + r.validationFp32() + " → " + r.validationInt8());
                assertEquals(r.fallbacks().size(), r.layers().stream().filter(l -> !l.quantized()).count());
                if (loose.validationFp32() - loose.validationInt8() <= points / 100) {
                    assertEquals(List.of(), r.fallbacks(), "already within " + points + ": nothing given back");
                }
                for (int i = 1; i < r.fallbacks().size(); i++) {
                    assertTrue(r.fallbacks().get(i - 1).addedSqnrDb() <= r.fallbacks().get(i).addedSqnrDb(),
                            "noisiest first: " + r.fallbacks());
                }
            }
        }
    }

    /**
     * Makes fc1's first unit {@code k} times larger and fc2 read it {@code k} times smaller: ReLU is
     * positively homogeneous, so the float model computes the same, but a single weight scale per
     * tensor is then set by that one row.
     */
    private static void outlierUnit(SlimModel m, float k) {
        var w1 = m.parameters().get("fc1.weight").getArray();
        var b1 = m.parameters().get("fc1.bias").getArray();
        var w2 = m.parameters().get("fc2.weight").getArray();
        float[] a = w1.toFloatArray();
        int in = (int) w1.getShape().get(1);
        for (int j = 0; j < in; j++) {
            a[j] *= k;
        }
        w1.set(a);
        float[] b = b1.toFloatArray();
        b[0] *= k;
        b1.set(b);
        float[] c = w2.toFloatArray();
        int units = (int) w2.getShape().get(1);
        for (int o = 0; o < w2.getShape().get(0); o++) {
            c[o * units] /= k;
        }
        w2.set(c);
    }

    @Test
    void withEveryLayerInFloatNothingIsQuantized() {
        try (SlimModel m = Slim.model("cnn-small").data(DATA).build()) {
            QuantizeResult r = Slim.quantize(m).data(DATA).calibration(8).exclude("*").measureLatency(false).run();
            assertEquals(r.testFp32(), r.testInt8(), 1e-12);
            assertTrue(r.layers().stream().noneMatch(QuantizeResult.Layer::quantized));
        }
    }

    @Test
    void theBoundIsCheckedAndNeedsAValidationSplit() {
        try (SlimModel m = Slim.model("cnn-small").data(DATA).build()) {
            assertEquals("maxDrop(...) must be >= 0 points of validation accuracy, got [-1.0]; pass e.g. 0.5",
                    assertThrows(IllegalArgumentException.class, () -> Slim.quantize(m).maxDrop(-1)).getMessage());
            ImageData noVal = Datasets.synthetic(4, 64, 32, 3);
            assertEquals("maxDrop(...) chooses layers on a validation split and the data has none; pass data with one"
                    + " (%data --val 0.1)", assertThrows(IllegalArgumentException.class, () -> Slim.quantize(m)
                            .data(noVal).calibration(4).maxDrop(0.5).measureLatency(false).run()).getMessage());
        }
    }
}

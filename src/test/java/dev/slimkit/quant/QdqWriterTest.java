package dev.slimkit.quant;

import dev.slimkit.onnx.OnnxTensors;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl;
import dev.slimkit.onnx.OnnxRunner;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The QDQ form of a hand-made two-layer classifier (input 4 → Gemm 3 → Relu → Gemm 2), with
 * hand-computed activation ranges: checked op by op, then run in ONNX Runtime against a Java
 * simulation of the same int8 arithmetic.
 */
class QdqWriterTest {

    static final float[] W1 = {0.5f, -0.25f, 0.125f, 1.0f, -0.8f, 0.3f, 0.2f, -0.1f, 0.05f, 0.6f, -0.7f, 0.9f};
    static final float[] B1 = {0.1f, -0.2f, 0.05f};
    static final float[] W2 = {1.2f, -0.4f, 0.7f, -0.9f, 0.35f, 0.15f};
    static final float[] B2 = {0.02f, -0.03f};

    /** input (N, 4) → Gemm(W1 (3, 4), B1, transB) → Relu → Gemm(W2 (2, 3), B2, transB) → logits. */
    static OnnxMl.ModelProto twoLayers() {
        OnnxMl.TypeProto.Tensor.Builder t = OnnxMl.TypeProto.Tensor.newBuilder()
                .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber());
        OnnxMl.AttributeProto transB = OnnxMl.AttributeProto.newBuilder().setName("transB")
                .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(1).build();
        OnnxMl.GraphProto graph = OnnxMl.GraphProto.newBuilder().setName("two")
                .addInput(valueInfo("input", t.clone(), -1, 4)).addOutput(valueInfo("logits", t.clone(), -1, 2))
                .addInitializer(OnnxTensors.floats("fc1.weight", W1, 3, 4)).addInitializer(OnnxTensors.floats("fc1.bias", B1, 3))
                .addInitializer(OnnxTensors.floats("fc2.weight", W2, 2, 3)).addInitializer(OnnxTensors.floats("fc2.bias", B2, 2))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gemm").setName("fc1/Gemm").addInput("input")
                        .addInput("fc1.weight").addInput("fc1.bias").addOutput("h").addAttribute(transB))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName("relu/Relu").addInput("h").addOutput("r"))
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Gemm").setName("fc2/Gemm").addInput("r")
                        .addInput("fc2.weight").addInput("fc2.bias").addOutput("logits").addAttribute(transB))
                .build();
        return OnnxMl.ModelProto.newBuilder().setIrVersion(7).setGraph(graph)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, OnnxMl.TypeProto.Tensor.Builder type, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder();
        for (long d : dims) {
            shape.addDim(d < 0 ? OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam("batch")
                    : OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name)
                .setType(OnnxMl.TypeProto.newBuilder().setTensorType(type.setShape(shape))).build();
    }

    /** Hand-chosen ranges: input in [−2, 2], the first Gemm's output in [−3, 3], the Relu's in [0, 3]. */
    static Map<String, Affine> ranges() {
        Map<String, Affine> r = new LinkedHashMap<>();
        r.put("input", Affine.uint8(-2, 2));
        r.put("h", Affine.uint8(-3, 3));
        r.put("r", Affine.uint8(0, 3));
        return r;
    }

    @Test
    void affineMapsAreTheHandComputedOnes() {
        Affine in = Affine.uint8(-1, 3);
        assertEquals(4f / 255, in.scale(), 1e-9);
        assertEquals(64, in.zeroPoint(), "round(1 / (4/255)) = round(63.75) = 64");
        assertEquals(64, in.quantize(0f), "zero is exact");
        assertEquals(0f, in.roundTrip(0f));
        assertEquals(255, in.quantize(3f));
        assertEquals(0, in.quantize(-5f), "clamped below");
        assertEquals(255, in.quantize(5f), "clamped above");
        Affine relu = Affine.uint8(0, 3);
        assertEquals(0, relu.zeroPoint());
        Affine w = Affine.int8Symmetric(1.0);
        assertEquals(1f / 127, w.scale(), 1e-9);
        assertEquals(0, w.zeroPoint());
        assertEquals(64, w.quantize(0.5f), "0.5 · 127 = 63.5 rounds half to even: 64");
        assertEquals(-127, w.quantize(-3f), "symmetric clamp");
        assertEquals(0, Affine.uint8(0, 0).quantize(0f), "an empty range still maps 0 to 0");
    }

    @Test
    void theGraphIsCheckedOpByOp() {
        QdqWriter writer = new QdqWriter(ranges(), Set.of(), true);
        OnnxMl.ModelProto q = writer.write(twoLayers());
        List<String> ops = q.getGraph().getNodeList().stream().map(n -> n.getOpType() + ":" + n.getName()).toList();
        assertEquals(List.of("QuantizeLinear:input/Q", "DequantizeLinear:input/DQ",
                "DequantizeLinear:fc1.weight/DQ", "DequantizeLinear:fc1.bias/DQ", "Gemm:fc1/Gemm",
                "QuantizeLinear:h/Q", "DequantizeLinear:h/DQ", "Relu:relu/Relu", "QuantizeLinear:r/Q",
                "DequantizeLinear:r/DQ", "DequantizeLinear:fc2.weight/DQ", "DequantizeLinear:fc2.bias/DQ",
                "Gemm:fc2/Gemm"), ops);
        Map<String, OnnxMl.TensorProto> init = new LinkedHashMap<>();
        q.getGraph().getInitializerList().forEach(t -> init.put(t.getName(), t));
        Affine input = Affine.uint8(-2, 2);
        assertEquals(4f / 255, OnnxTensors.floats(init.get("input_scale"))[0], 1e-9);
        assertArrayEquals(new int[] {(int) Math.rint(2 / (double) input.scale())},
                OnnxTensors.integers(init.get("input_zero_point")));
        assertEquals(OnnxMl.TensorProto.DataType.UINT8.getNumber(), init.get("input_zero_point").getDataType());
        // per output channel: scale = max |row| / 127, int8 weights = round(w / scale)
        float[] s1 = OnnxTensors.floats(init.get("fc1.weight_scale"));
        assertArrayEquals(new float[] {1.0f / 127, 0.8f / 127, 0.9f / 127}, s1, 1e-9f);
        int[] q1 = OnnxTensors.integers(init.get("fc1.weight_q"));
        for (int i = 0; i < W1.length; i++) {
            assertEquals((int) Math.max(-127, Math.min(127, Math.rint(W1[i] / s1[i / 4]))), q1[i], "weight " + i);
        }
        assertEquals(OnnxMl.TensorProto.DataType.INT8.getNumber(), init.get("fc1.weight_q").getDataType());
        assertArrayEquals(new int[] {0, 0, 0}, OnnxTensors.integers(init.get("fc1.weight_zero_point")));
        // biases: int32 at scale s_input · s_weight
        float[] sb = OnnxTensors.floats(init.get("fc1.bias_scale"));
        int[] qb = OnnxTensors.integers(init.get("fc1.bias_q"));
        for (int c = 0; c < 3; c++) {
            assertEquals((4f / 255) * s1[c], sb[c], 1e-12);
            assertEquals((int) Math.rint(B1[c] / sb[c]), qb[c]);
        }
        OnnxMl.NodeProto dq = q.getGraph().getNodeList().stream().filter(n -> n.getName().equals("fc1.weight/DQ"))
                .findFirst().orElseThrow();
        assertEquals(0, dq.getAttribute(0).getI(), "per-channel along the output axis");
        assertTrue(!init.containsKey("fc1.weight") && !init.containsKey("fc2.bias"), "no float weights left");
        assertEquals(2, writer.weights().size());
    }

    @Test
    void aReluWhoseInputSharesItsMapIsDroppedAndStillClips() {
        Map<String, Affine> shared = ranges();
        Calibration.share(twoLayers().getGraph(), shared);
        assertEquals(shared.get("r"), shared.get("h"), "the Relu's input takes the Relu output's map");
        OnnxMl.ModelProto q = new QdqWriter(shared, Set.of(), true).write(twoLayers());
        List<String> ops = q.getGraph().getNodeList().stream().map(OnnxMl.NodeProto::getOpType).toList();
        assertTrue(!ops.contains("Relu"), ops.toString());
        OnnxMl.NodeProto fc2 = q.getGraph().getNodeList().stream().filter(n -> n.getName().equals("fc2/Gemm"))
                .findFirst().orElseThrow();
        assertEquals("h_dq", fc2.getInput(0), "the second layer reads the clipped first layer's output");
        float[] x = {1.5f, -0.5f, 0.25f, -1.0f};
        float[][] y;
        try (OnnxRunner runner = new OnnxRunner(q.toByteArray(), 1)) {
            y = runner.run(x, new long[] {1, 4});
        }
        float[][] w1 = dequantized(W1, 3, 4);
        float[][] w2 = dequantized(W2, 2, 3);
        Affine in = shared.get("input");
        float[] xi = new float[4];
        for (int j = 0; j < 4; j++) {
            xi[j] = in.roundTrip(x[j]);
        }
        float[] h = gemm(xi, w1, biases(B1, in.scale(), W1, 3, 4));
        float[] rq = new float[3];
        for (int c = 0; c < 3; c++) {
            rq[c] = shared.get("r").roundTrip(h[c]); // zero point 0: negatives clip to 0, the Relu
            assertTrue(rq[c] >= 0);
        }
        float[] logits = gemm(rq, w2, biases(B2, shared.get("r").scale(), W2, 2, 3));
        assertArrayEquals(logits, y[0], 2 * shared.get("r").scale());
    }

    @Test
    void onnxRuntimeComputesWhatTheJavaSimulationComputes() {
        OnnxMl.ModelProto q = new QdqWriter(ranges(), Set.of(), true).write(twoLayers());
        Random random = new Random(3);
        int n = 64;
        float[] x = new float[n * 4];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) (random.nextGaussian() * 1.2);
        }
        float[][] ort;
        try (OnnxRunner runner = new OnnxRunner(q.toByteArray(), 1)) {
            ort = runner.run(x, new long[] {n, 4});
        }
        Map<String, Affine> r = ranges();
        float[][] w1 = dequantized(W1, 3, 4);
        float[][] w2 = dequantized(W2, 2, 3);
        double worst = 0;
        double sum = 0;
        for (int i = 0; i < n; i++) {
            float[] in = new float[4];
            for (int j = 0; j < 4; j++) {
                in[j] = r.get("input").roundTrip(x[i * 4 + j]);
            }
            float[] h = gemm(in, w1, biases(B1, r.get("input").scale(), W1, 3, 4));
            float[] rq = new float[3];
            for (int c = 0; c < 3; c++) {
                rq[c] = r.get("r").roundTrip(Math.max(0, r.get("h").roundTrip(h[c])));
            }
            float[] logits = gemm(rq, w2, biases(B2, r.get("r").scale(), W2, 2, 3));
            for (int c = 0; c < 2; c++) {
                double step = r.get("r").scale() * (Math.abs(w2[c][0]) + Math.abs(w2[c][1]) + Math.abs(w2[c][2]));
                double d = Math.abs(ort[i][c] - logits[c]);
                assertTrue(d <= step + 1e-5, "image " + i + " class " + c + ": |ORT − simulation| " + d
                        + " > one step of the last quantized tensor " + step);
                worst = Math.max(worst, d);
                sum += d;
            }
        }
        assertTrue(sum / (2 * n) < 1e-3, "mostly exact, mean |Δ| " + sum / (2 * n) + ", worst " + worst);
    }

    /** Per-row symmetric int8 round trip of a (rows, cols) weight. */
    private static float[][] dequantized(float[] w, int rows, int cols) {
        float[][] out = new float[rows][cols];
        for (int o = 0; o < rows; o++) {
            double max = 0;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, Math.abs(w[o * cols + j]));
            }
            Affine a = Affine.int8Symmetric(max);
            for (int j = 0; j < cols; j++) {
                out[o][j] = a.roundTrip(w[o * cols + j]);
            }
        }
        return out;
    }

    private static float[] biases(float[] b, float inputScale, float[] w, int rows, int cols) {
        float[] out = new float[rows];
        for (int o = 0; o < rows; o++) {
            double max = 0;
            for (int j = 0; j < cols; j++) {
                max = Math.max(max, Math.abs(w[o * cols + j]));
            }
            float s = inputScale * Affine.int8Symmetric(max).scale();
            out[o] = (float) (Math.rint(b[o] / s) * s);
        }
        return out;
    }

    private static float[] gemm(float[] x, float[][] w, float[] b) {
        float[] y = new float[w.length];
        for (int o = 0; o < w.length; o++) {
            double s = b[o];
            for (int j = 0; j < x.length; j++) {
                s += (double) w[o][j] * x[j];
            }
            y[o] = (float) s;
        }
        return y;
    }
}

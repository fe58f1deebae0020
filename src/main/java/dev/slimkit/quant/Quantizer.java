package dev.slimkit.quant;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.LayerPatterns;
import dev.slimkit.model.SlimModel;
import dev.slimkit.onnx.OnnxExport;
import dev.slimkit.onnx.OnnxRunner;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Post-training static int8 quantization: {@code Slim.quantize(model).data(d).run()}. The model's
 * ONNX export has its batch norms folded, its activations calibrated on {@link #calibration}
 * training images (never test images), and QDQ pairs written ({@link QdqWriter}); the int8 model is
 * then checked against the float one in ONNX Runtime: accuracy on the validation and test splits,
 * file size, latency at batch 1 and 32 (interleaved), and per layer the SQNR of the weights and of
 * the output.
 */
public final class Quantizer {

    /** Calibration images unless told otherwise. */
    public static final int DEFAULT_CALIBRATION = 512;
    /** Validation images the per-layer output SQNR is measured on. */
    static final int SQNR_IMAGES = 64;
    /** Batch sizes the latency is measured at. */
    static final int[] LATENCY_BATCHES = {1, 32};
    /** Interleaved timing rounds per batch size. */
    static final int LATENCY_RUNS = 60;
    /** ONNX Runtime threads for timing: the machine's cores, as DJL's measurements use. */
    static final int THREADS = Runtime.getRuntime().availableProcessors();

    private final SlimModel model;
    private ImageData data;
    private int calibration = DEFAULT_CALIBRATION;
    private Calibration.Method method = Calibration.Method.MINMAX;
    private boolean perChannel = true;
    private String exclude;
    private String as;
    private long seed;
    private boolean measureLatency = true;
    private double maxDrop = Double.NaN;

    /** Starts a quantization of {@code model} (only read). */
    public Quantizer(SlimModel model) {
        if (model == null) {
            throw new IllegalArgumentException("quantize needs a model, got [null]");
        }
        this.model = model;
    }

    /** The data: calibration reads its training split, accuracy its validation and test splits. */
    public Quantizer data(ImageData value) {
        data = value;
        return this;
    }

    /** Training images the activation ranges are read on; default {@value #DEFAULT_CALIBRATION}. */
    public Quantizer calibration(int images) {
        if (images < 1) {
            throw new IllegalArgumentException("calibration(...) must be >= 1, got [" + images + "]; pass the number"
                    + " of training images to read ranges on, e.g. " + DEFAULT_CALIBRATION);
        }
        calibration = images;
        return this;
    }

    /** {@code minmax} (default) or {@code percentile}. */
    public Quantizer method(String value) {
        method = Calibration.Method.parse(value);
        return this;
    }

    /** One weight scale per output channel (default true) or one per tensor. */
    public Quantizer perChannel(boolean value) {
        perChannel = value;
        return this;
    }

    /** Layers to keep in float: comma-separated globs on layer paths. */
    public Quantizer exclude(String patterns) {
        exclude = patterns;
        return this;
    }

    /** The int8 model's name; default the model's name + {@code -int8}. */
    public Quantizer as(String name) {
        as = name;
        return this;
    }

    /** Seed of the calibration images' draw; default 0. */
    public Quantizer seed(long value) {
        seed = value;
        return this;
    }

    /**
     * Accuracy-bounded mixed precision: when the int8 model loses more than {@code points} of
     * validation accuracy, layers go back to float one at a time — the one adding the most
     * quantization noise first (from the per-layer output SQNR) — until it is within the bound.
     * Needs a validation split; the test split only reports.
     */
    public Quantizer maxDrop(double points) {
        if (!(points >= 0) || Double.isInfinite(points)) {
            throw new IllegalArgumentException("maxDrop(...) must be >= 0 points of validation accuracy, got [" + points
                    + "]; pass e.g. 0.5");
        }
        maxDrop = points;
        return this;
    }

    /** Whether to time the float and int8 models (default true). */
    public Quantizer measureLatency(boolean value) {
        measureLatency = value;
        return this;
    }

    /**
     * Quantizes, checks and measures.
     *
     * @throws IllegalArgumentException naming the value and the fix (no data, a TorchScript layer, ...)
     */
    public QuantizeResult run() {
        if (data == null) {
            throw new IllegalArgumentException("quantize needs data(...): calibration reads its training images");
        }
        dev.slimkit.train.Evaluator.checkCompatible(model, data.train());
        long start = System.nanoTime();
        byte[] fp32 = OnnxExport.toBytes(model);
        OnnxMl.ModelProto folded = BatchNormFolding.fold(parse(fp32));
        Map<String, Affine> ranges = Calibration.calibrate(folded, data.train(), calibration, method, seed);
        Set<String> keep = keptFloat(folded);
        QdqWriter writer = new QdqWriter(ranges, keep, perChannel);
        OnnxMl.ModelProto qdq = writer.write(folded);
        List<QuantizeResult.Fallback> fallbacks = new ArrayList<>();
        double allInt8 = Double.NaN;
        if (!Double.isNaN(maxDrop)) {
            ImageSplit bound = data.validation().orElseThrow(() -> new IllegalArgumentException("maxDrop(...) chooses"
                    + " layers on a validation split and the data has none; pass data with one (%data --val 0.1)"));
            double reference = QuantizedModel.accuracy(fp32, bound, THREADS);
            double now = QuantizedModel.accuracy(qdq.toByteArray(), bound, THREADS);
            allInt8 = now;
            for (QuantizeResult.Layer l : noisiestFirst(layers(folded, qdq, writer, bound))) {
                if (reference - now <= maxDrop / 100) {
                    break;
                }
                keep.add(l.nodeName());
                writer = new QdqWriter(ranges, keep, perChannel);
                qdq = writer.write(folded);
                now = QuantizedModel.accuracy(qdq.toByteArray(), bound, THREADS);
                fallbacks.add(new QuantizeResult.Fallback(l.node(), l.addedSqnrDb(), now));
            }
        }
        byte[] int8 = qdq.toByteArray();
        int[] shape = {model.spec().channels(), model.spec().height(), model.spec().width()};
        QuantizedModel q = new QuantizedModel(as == null ? model.name() + "-int8" : as, model.name(), int8, shape,
                model.spec().classes());
        ImageSplit val = data.validation().orElse(null);
        double valFp32 = val == null ? Double.NaN : QuantizedModel.accuracy(fp32, val, THREADS);
        double valInt8 = val == null ? Double.NaN : q.accuracy(val, THREADS);
        double testFp32 = QuantizedModel.accuracy(fp32, data.test(), THREADS);
        double testInt8 = q.accuracy(data.test(), THREADS);
        List<QuantizeResult.Layer> layers = layers(folded, qdq, writer, val == null ? data.train() : val);
        List<OnnxRunner.Latency> latency = measureLatency ? latency(fp32, int8, shape) : List.of();
        return new QuantizeResult(q, Math.min(calibration, data.train().size()), method, perChannel, valFp32, valInt8,
                testFp32, testInt8, fp32.length, int8.length, latency, layers, maxDrop, allInt8, fallbacks,
                (System.nanoTime() - start) / 1e9);
    }

    private static OnnxMl.ModelProto parse(byte[] onnx) {
        try {
            return OnnxMl.ModelProto.parseFrom(onnx);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("slimkit's own export did not parse: " + e.getMessage(), e);
        }
    }

    /** The Conv and Gemm nodes whose layer path matches {@link #exclude}. */
    private Set<String> keptFloat(OnnxMl.ModelProto folded) {
        Map<String, String> nodeByPath = new HashMap<>();
        for (OnnxMl.NodeProto n : folded.getGraph().getNodeList()) {
            if (n.getOpType().equals("Conv") || n.getOpType().equals("Gemm")) {
                nodeByPath.put(layerPath(n), n.getName());
            }
        }
        Set<String> out = new LinkedHashSet<>();
        LayerPatterns.select(new ArrayList<>(nodeByPath.keySet()), exclude, "quantizable layer")
                .forEach(p -> out.add(nodeByPath.get(p)));
        return out;
    }

    /** The slimkit layer path of a node slimkit's export named {@code path/Op}. */
    static String layerPath(OnnxMl.NodeProto n) {
        int slash = n.getName().lastIndexOf('/');
        return slash < 0 ? n.getName() : n.getName().substring(0, slash);
    }

    /** One row per Conv and Gemm: weight SQNR, and output SQNR of the int8 model against the float one. */
    private static List<QuantizeResult.Layer> layers(OnnxMl.ModelProto folded, OnnxMl.ModelProto qdq,
            QdqWriter writer, ImageSplit on) {
        Map<String, Double> weightSqnr = new HashMap<>();
        writer.weights().forEach(w -> weightSqnr.put(w.node(), w.sqnrDb()));
        List<OnnxMl.NodeProto> weighted = folded.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("Conv") || n.getOpType().equals("Gemm")).toList();
        Map<String, String> afterRelu = new HashMap<>(); // a layer read only by a Relu is measured after it
        Map<String, Integer> readers = GraphReaders.counts(folded.getGraph());
        for (OnnxMl.NodeProto x : folded.getGraph().getNodeList()) {
            if (x.getOpType().equals("Relu") && readers.getOrDefault(x.getInput(0), 0) == 1) {
                afterRelu.put(x.getInput(0), x.getOutput(0));
            }
        }
        List<String> outputs = weighted.stream().map(x -> afterRelu.getOrDefault(x.getOutput(0), x.getOutput(0)))
                .toList();
        Map<String, double[]> sums = new HashMap<>(); // signal, noise per tensor
        Map<String, float[]> reference = new HashMap<>();
        int n = Math.min(SQNR_IMAGES, on.size());
        int[] order = on.identityOrder();
        Map<String, String> inQdq = new HashMap<>(); // the dequantized tensor each float tensor becomes
        outputs.forEach(t -> inQdq.put(writer.dequantized(t), t));
        try (Calibration.Probe f = new Calibration.Probe(folded, outputs);
                Calibration.Probe q = new Calibration.Probe(qdq, new ArrayList<>(inQdq.keySet()))) {
            f.forEachBatch(on, order, n, (t, v) -> reference.merge(t, toArray(v), Quantizer::concat));
            Map<String, Integer> at = new HashMap<>();
            q.forEachBatch(on, order, n, (qt, v) -> {
                String t = inQdq.get(qt);
                float[] ref = reference.get(t);
                int offset = at.getOrDefault(t, 0);
                double[] s = sums.computeIfAbsent(t, k -> new double[2]);
                for (int i = 0; i < v.remaining(); i++) {
                    double x = ref[offset + i];
                    double e = x - v.get(i);
                    s[0] += x * x;
                    s[1] += e * e;
                }
                at.put(t, offset + v.remaining());
            });
        }
        List<QuantizeResult.Layer> rows = new ArrayList<>();
        for (OnnxMl.NodeProto node : weighted) {
            double[] s = sums.get(afterRelu.getOrDefault(node.getOutput(0), node.getOutput(0)));
            double out = s == null ? Double.NaN : s[1] == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(s[0] / s[1]);
            Double w = weightSqnr.get(node.getName());
            rows.add(new QuantizeResult.Layer(layerPath(node), node.getName(), node.getOpType(), w != null,
                    w == null ? Double.NaN : w, out, Double.NaN));
        }
        // the noise each layer adds: its output's noise power (relative to the signal) less its predecessor's
        double before = 0;
        for (int i = 0; i < rows.size(); i++) {
            QuantizeResult.Layer l = rows.get(i);
            double noise = Math.pow(10, -l.outputSqnrDb() / 10);
            double added = Double.isNaN(noise) ? Double.NaN : Math.max(noise - before, 1e-30);
            rows.set(i, new QuantizeResult.Layer(l.node(), l.nodeName(), l.op(), l.quantized(), l.weightSqnrDb(),
                    l.outputSqnrDb(), Double.isNaN(added) ? Double.NaN : -10 * Math.log10(added)));
            before = Double.isNaN(noise) ? before : noise;
        }
        return rows;
    }

    /** The quantized layers, the one adding the most noise (lowest added-noise SQNR) first. */
    static List<QuantizeResult.Layer> noisiestFirst(List<QuantizeResult.Layer> layers) {
        return layers.stream().filter(QuantizeResult.Layer::quantized)
                .sorted(java.util.Comparator.comparingDouble(QuantizeResult.Layer::addedSqnrDb)).toList();
    }

    private static float[] toArray(FloatBuffer v) {
        float[] a = new float[v.remaining()];
        v.duplicate().get(a);
        return a;
    }

    private static float[] concat(float[] a, float[] b) {
        float[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Float then int8 at each latency batch, timed interleaved in ONNX Runtime. */
    private static List<OnnxRunner.Latency> latency(byte[] fp32, byte[] int8, int[] shape) {
        List<OnnxRunner.Latency> out = new ArrayList<>();
        try (OnnxRunner f = new OnnxRunner(fp32, THREADS); OnnxRunner q = new OnnxRunner(int8, THREADS)) {
            for (int batch : LATENCY_BATCHES) {
                out.addAll(OnnxRunner.measureInterleaved(List.of(f, q), batch, shape, 5, LATENCY_RUNS));
            }
        }
        return out;
    }
}

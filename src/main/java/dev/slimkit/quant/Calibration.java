package dev.slimkit.quant;

import ai.onnx.proto.OnnxMl;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.slimkit.data.ImageSplit;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * The range of every activation tensor of a float ONNX model, read in ONNX Runtime on calibration
 * images (the model is run with each intermediate tensor as an extra output): {@link
 * Method#MINMAX} takes the smallest and largest value seen, {@link Method#PERCENTILE} clips the
 * {@value #PERCENTILE_TAIL} tails of a {@value #BINS}-bin histogram of them (a second pass).
 */
public final class Calibration {

    /** How a range is chosen from what calibration saw. */
    public enum Method {
        /** The smallest and largest value seen. */
        MINMAX,
        /** The 0.01 % and 99.99 % points of each tensor's histogram (outliers clipped). */
        PERCENTILE;

        /** The flag spelling. */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }

        /**
         * Parses {@code minmax} or {@code percentile}.
         *
         * @throws IllegalArgumentException naming the value and the choices
         */
        public static Method parse(String text) {
            for (Method m : values()) {
                if (m.label().equals(text)) {
                    return m;
                }
            }
            throw new IllegalArgumentException("method must be minmax or percentile, got [" + text + "]");
        }
    }

    /** Histogram bins of the percentile method. */
    static final int BINS = 2048;
    /** The share of values clipped at each end by the percentile method. */
    static final double PERCENTILE_TAIL = 1e-4;
    /** Images per calibration batch. */
    static final int BATCH = 32;

    private Calibration() {}

    /** The tensors a QDQ model quantizes: the graph input and every node output but the graph's outputs. */
    static List<String> activationTensors(OnnxMl.GraphProto graph) {
        java.util.Set<String> outputs = new java.util.HashSet<>();
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
        List<String> out = new ArrayList<>();
        graph.getInputList().forEach(i -> out.add(i.getName()));
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            n.getOutputList().stream().filter(o -> !o.isEmpty() && !outputs.contains(o)).forEach(out::add);
        }
        return out;
    }

    /**
     * The uint8 map of every activation tensor of {@code model}, from its first {@code count} images
     * of {@code images} in a seeded order, shared where the values allow ({@link #share}).
     */
    static Map<String, Affine> calibrate(OnnxMl.ModelProto model, ImageSplit images, int count, Method method,
            long seed) {
        List<String> tensors = activationTensors(model.getGraph());
        int[] order = images.shuffledOrder(new Random(seed));
        int n = Math.min(count, images.size());
        Map<String, double[]> minMax = new LinkedHashMap<>();
        try (Probe probe = new Probe(model, tensors)) {
            probe.forEachBatch(images, order, n, (name, values) -> {
                double[] r = minMax.computeIfAbsent(name, k -> new double[] {Double.POSITIVE_INFINITY,
                        Double.NEGATIVE_INFINITY});
                for (int i = 0; i < values.remaining(); i++) {
                    float v = values.get(i);
                    r[0] = Math.min(r[0], v);
                    r[1] = Math.max(r[1], v);
                }
            });
            if (method == Method.PERCENTILE) {
                Map<String, long[]> hist = new LinkedHashMap<>();
                probe.forEachBatch(images, order, n, (name, values) -> {
                    double[] r = minMax.get(name);
                    long[] h = hist.computeIfAbsent(name, k -> new long[BINS]);
                    for (int i = 0; i < values.remaining(); i++) {
                        h[bin(values.get(i), r[0], r[1])]++;
                    }
                });
                hist.forEach((name, h) -> minMax.put(name, percentileRange(h, minMax.get(name))));
            }
        }
        Map<String, Affine> out = new LinkedHashMap<>();
        for (String t : tensors) {
            double[] r = minMax.get(t);
            out.put(t, Affine.uint8(r[0], r[1]));
        }
        share(model.getGraph(), out);
        return out;
    }

    /** Ops whose output takes its input's map: they only move or select values. */
    static final java.util.Set<String> SAME_RANGE_OPS = java.util.Set.of("MaxPool", "Flatten", "Reshape", "Identity");

    /**
     * Shares maps where the values allow, so that ONNX Runtime needs no requantization between
     * two integer kernels: a tensor read only by a Relu takes the Relu output's map (its zero point
     * is 0, so quantizing clips the negatives: the Relu itself, which ONNX Runtime then drops), and
     * the output of a MaxPool, Flatten or Reshape takes its input's (in graph order).
     */
    static void share(OnnxMl.GraphProto graph, Map<String, Affine> maps) {
        Map<String, Integer> readers = GraphReaders.counts(graph);
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            if (n.getOpType().equals("Relu") && readers.getOrDefault(n.getInput(0), 0) == 1
                    && maps.containsKey(n.getInput(0)) && maps.containsKey(n.getOutput(0))) {
                maps.put(n.getInput(0), maps.get(n.getOutput(0)));
            }
        }
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            if (SAME_RANGE_OPS.contains(n.getOpType()) && maps.containsKey(n.getInput(0))
                    && maps.containsKey(n.getOutput(0))) {
                maps.put(n.getOutput(0), maps.get(n.getInput(0)));
            }
        }
    }

    private static int bin(float v, double lo, double hi) {
        if (hi <= lo) {
            return 0;
        }
        return (int) Math.min(BINS - 1, Math.max(0, Math.floor((v - lo) / (hi - lo) * BINS)));
    }

    /** The edges of the bins holding the {@link #PERCENTILE_TAIL} and 1 − tail points of histogram {@code h}. */
    static double[] percentileRange(long[] h, double[] minMax) {
        long total = 0;
        for (long c : h) {
            total += c;
        }
        double width = (minMax[1] - minMax[0]) / h.length;
        long cut = (long) Math.floor(total * PERCENTILE_TAIL);
        long seen = 0;
        int lo = 0;
        while (lo < h.length - 1 && seen + h[lo] <= cut) {
            seen += h[lo++];
        }
        seen = 0;
        int hi = h.length - 1;
        while (hi > lo && seen + h[hi] <= cut) {
            seen += h[hi--];
        }
        return new double[] {minMax[0] + lo * width, minMax[0] + (hi + 1) * width};
    }

    /** Receives each calibrated tensor's values for one batch. */
    interface Sink {
        void accept(String tensor, FloatBuffer values);
    }

    /** An ONNX Runtime session on the model with every listed tensor as an output. */
    static final class Probe implements AutoCloseable {
        private final OrtEnvironment env = OrtEnvironment.getEnvironment();
        private final OrtSession session;
        private final String input;
        private final List<String> tensors;

        Probe(OnnxMl.ModelProto model, List<String> tensors) {
            this.tensors = tensors;
            OnnxMl.GraphProto.Builder g = model.getGraph().toBuilder();
            java.util.Set<String> declared = new java.util.HashSet<>();
            g.getOutputList().forEach(o -> declared.add(o.getName()));
            OnnxMl.TypeProto floatTensor = OnnxMl.TypeProto.newBuilder().setTensorType(OnnxMl.TypeProto.Tensor
                    .newBuilder().setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber())).build();
            String inputName = model.getGraph().getInput(0).getName();
            for (String t : tensors) {
                if (!declared.contains(t) && !t.equals(inputName)) {
                    g.addOutput(OnnxMl.ValueInfoProto.newBuilder().setName(t).setType(floatTensor));
                }
            }
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                this.session = env.createSession(model.toBuilder().setGraph(g).build().toByteArray(), options);
                this.input = model.getGraph().getInput(0).getName();
            } catch (OrtException e) {
                throw new IllegalArgumentException("ONNX Runtime cannot load the model for calibration: "
                        + e.getMessage().replaceAll("\\s+", " ").strip(), e);
            }
        }

        /** Runs the first {@code n} images of {@code order} in batches, passing every tensor to {@code sink}. */
        void forEachBatch(ImageSplit images, int[] order, int n, Sink sink) {
            int size = images.itemSize();
            for (int from = 0; from < n; from += BATCH) {
                int to = Math.min(n, from + BATCH);
                float[] pixels = new float[(to - from) * size];
                for (int i = from; i < to; i++) {
                    System.arraycopy(images.image(order[i]), 0, pixels, (i - from) * size, size);
                }
                long[] shape = {to - from, images.channels(), images.height(), images.width()};
                try (OnnxTensor in = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape);
                        OrtSession.Result result = session.run(Map.of(input, in))) {
                    for (String t : tensors) {
                        if (t.equals(input)) {
                            sink.accept(t, FloatBuffer.wrap(pixels));
                            continue;
                        }
                        OnnxValue v = result.get(t).orElseThrow();
                        sink.accept(t, ((OnnxTensor) v).getFloatBuffer());
                    }
                } catch (OrtException e) {
                    throw new IllegalStateException("calibration run failed: " + e.getMessage(), e);
                }
            }
        }

        @Override
        public void close() {
            try {
                session.close();
            } catch (OrtException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }
    }
}

package dev.slimkit.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * One ONNX Runtime session on a model (CPU, a fixed intra-op thread count, graph optimisations on):
 * runs float batches and measures latency. Close it to free the native session.
 */
public final class OnnxRunner implements AutoCloseable {

    /**
     * Median and interquartile range of one forward pass in ONNX Runtime.
     *
     * @param batchSize images per run
     * @param medianMs median milliseconds per run
     * @param q1Ms first quartile
     * @param q3Ms third quartile
     * @param runs timed runs
     * @param threads intra-op threads of the session
     */
    public record Latency(int batchSize, double medianMs, double q1Ms, double q3Ms, int runs, int threads) {
        /** The interquartile range in milliseconds. */
        public double iqrMs() {
            return q3Ms - q1Ms;
        }
    }

    private final OrtEnvironment env;
    private final OrtSession session;
    private final String inputName;
    private final int threads;

    /**
     * Opens a session on the serialized model {@code onnx} with {@code threads} intra-op threads (0: ONNX
     * Runtime's default).
     *
     * @throws IllegalArgumentException with ONNX Runtime's reason when it refuses the model
     */
    public OnnxRunner(byte[] onnx, int threads) {
        this.env = OrtEnvironment.getEnvironment();
        this.threads = threads;
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            if (threads > 0) {
                options.setIntraOpNumThreads(threads);
                options.setInterOpNumThreads(1);
            }
            this.session = env.createSession(onnx, options);
            this.inputName = session.getInputNames().iterator().next();
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load the model: " + oneLine(e.getMessage()), e);
        }
    }

    /** The session's input shape as the file declares it (-1 for a dynamic dimension). */
    public long[] inputShape() {
        try {
            return ((ai.onnxruntime.TensorInfo) session.getInputInfo().get(inputName).getInfo()).getShape();
        } catch (OrtException e) {
            throw new IllegalStateException(oneLine(e.getMessage()), e);
        }
    }

    /**
     * Runs a batch: {@code pixels} holds {@code shape[0]} images of {@code shape[1..]} in channel-first
     * order; returns the first output, one row per image.
     */
    public float[][] run(float[] pixels, long[] shape) {
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape);
                OrtSession.Result result = session.run(Map.of(inputName, input))) {
            Object value = result.get(0).getValue();
            if (value instanceof float[][] rows) {
                return rows;
            }
            throw new IllegalStateException("the model's output is not a (batch, classes) float tensor but "
                    + value.getClass().getSimpleName());
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime failed to run the model: " + oneLine(e.getMessage()), e);
        }
    }

    /**
     * Median and IQR of a forward pass at {@code batchSize} on seeded random images of {@code imageShape}
     * (C, H, W), after {@code warmup} untimed runs.
     */
    public Latency latency(int batchSize, int[] imageShape, int warmup, int runs) {
        long[] shape = {batchSize, imageShape[0], imageShape[1], imageShape[2]};
        float[] pixels = new float[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
        java.util.Random random = new java.util.Random(0);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        try (OnnxTensor input = OnnxTensor.createTensor(env, FloatBuffer.wrap(pixels), shape)) {
            Map<String, OnnxTensor> feed = Map.of(inputName, input);
            for (int i = 0; i < warmup; i++) {
                session.run(feed).close();
            }
            double[] ms = new double[runs];
            for (int i = 0; i < runs; i++) {
                long t0 = System.nanoTime();
                session.run(feed).close();
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            return new Latency(batchSize, quantile(ms, 0.5), quantile(ms, 0.25), quantile(ms, 0.75), runs, threads);
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime failed to run the model: " + oneLine(e.getMessage()), e);
        }
    }

    /**
     * Measures several sessions at {@code batchSize} interleaved (as {@code Latency.measureInterleaved} does
     * for DJL): {@code warmup} untimed runs each, then {@code runs} rounds in which each session runs once,
     * the first session rotating from round to round. Each gets its own seeded random input of {@code
     * imageShape}.
     *
     * @return one {@link Latency} per session, in the order given
     */
    public static List<Latency> measureInterleaved(List<OnnxRunner> runners, int batchSize, int[] imageShape,
            int warmup, int runs) {
        int n = runners.size();
        long[] shape = {batchSize, imageShape[0], imageShape[1], imageShape[2]};
        List<OnnxTensor> inputs = new java.util.ArrayList<>();
        double[][] ms = new double[n][runs];
        try {
            java.util.Random random = new java.util.Random(0);
            for (OnnxRunner r : runners) {
                float[] pixels = new float[(int) (shape[0] * shape[1] * shape[2] * shape[3])];
                for (int i = 0; i < pixels.length; i++) {
                    pixels[i] = (float) random.nextGaussian();
                }
                inputs.add(OnnxTensor.createTensor(r.env, FloatBuffer.wrap(pixels), shape));
            }
            for (int m = 0; m < n; m++) {
                for (int i = 0; i < warmup; i++) {
                    runners.get(m).session.run(Map.of(runners.get(m).inputName, inputs.get(m))).close();
                }
            }
            for (int round = 0; round < runs; round++) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new IllegalStateException("latency measurement interrupted");
                }
                for (int k = 0; k < n; k++) {
                    int m = (round + k) % n;
                    OnnxRunner r = runners.get(m);
                    long t0 = System.nanoTime();
                    r.session.run(Map.of(r.inputName, inputs.get(m))).close();
                    ms[m][round] = (System.nanoTime() - t0) / 1e6;
                }
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime failed to run a model: " + oneLine(e.getMessage()), e);
        } finally {
            inputs.forEach(OnnxTensor::close);
        }
        List<Latency> out = new java.util.ArrayList<>();
        for (int m = 0; m < n; m++) {
            Arrays.sort(ms[m]);
            out.add(new Latency(batchSize, quantile(ms[m], 0.5), quantile(ms[m], 0.25), quantile(ms[m], 0.75), runs,
                    runners.get(m).threads));
        }
        return out;
    }

    private static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = Math.min(sorted.length - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s+", " ").strip();
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException(oneLine(e.getMessage()), e);
        }
    }
}

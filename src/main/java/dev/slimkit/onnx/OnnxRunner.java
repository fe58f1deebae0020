package dev.slimkit.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.FloatBuffer;
import java.util.Arrays;
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

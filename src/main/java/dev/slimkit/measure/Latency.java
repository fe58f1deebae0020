package dev.slimkit.measure;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.GradMode;
import dev.slimkit.train.Interrupted;
import java.util.Arrays;
import java.util.Locale;

/**
 * Measures inference latency of a model: eval mode, no gradient recording, a fixed random input,
 * {@code warmup} untimed runs, then {@code runs} timed ones, each ending when the output is copied
 * back to the host (so GPU work is finished). Reports the median and the quartiles, with the
 * engine's thread count, because these figures depend on it.
 */
public final class Latency {

    /** Warm-up runs used by {@link #measure(SlimModel, int)}. */
    public static final int DEFAULT_WARMUP = 20;

    /** Timed runs used by {@link #measure(SlimModel, int)}. */
    public static final int DEFAULT_RUNS = 100;

    private Latency() {}

    /**
     * Latency figures of one batch size.
     *
     * @param batchSize images per forward pass
     * @param medianMs median milliseconds per forward pass
     * @param q1Ms first quartile
     * @param q3Ms third quartile
     * @param runs timed runs
     * @param threads intra-op threads of the engine (0 when unknown)
     * @param device where it ran, e.g. {@code cpu()}
     */
    public record Stats(
            int batchSize, double medianMs, double q1Ms, double q3Ms, int runs, int threads, String device) {
        /** Inter-quartile range in milliseconds. */
        public double iqrMs() {
            return q3Ms - q1Ms;
        }

        @Override
        public String toString() {
            return String.format(
                    Locale.ROOT,
                    "batch %d: median %.3f ms (IQR %.3f–%.3f, %d runs, %d threads, %s)",
                    batchSize, medianMs, q1Ms, q3Ms, runs, threads, device);
        }
    }

    /** Measures with the defaults: 20 warm-up and 100 timed runs. */
    public static Stats measure(SlimModel model, int batchSize) {
        return measure(model, batchSize, DEFAULT_WARMUP, DEFAULT_RUNS);
    }

    /**
     * Measures {@code model} at {@code batchSize}.
     *
     * @throws IllegalArgumentException for a batch size below 1, negative warm-up or fewer than 1
     *     timed run
     */
    public static Stats measure(SlimModel model, int batchSize, int warmup, int runs) {
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "batch size must be >= 1, got [" + batchSize + "]; pass e.g. 1 or 32");
        }
        if (warmup < 0 || runs < 1) {
            throw new IllegalArgumentException(
                    "need warm-up >= 0 and runs >= 1, got [" + warmup + "] and [" + runs + "]");
        }
        GradMode.disableOnThisThread();
        double[] ms = new double[runs];
        try (NDManager manager = model.manager().newSubManager()) {
            NDArray input = manager.randomNormal(model.inputShape(batchSize));
            for (int i = 0; i < warmup; i++) {
                Interrupted.check("latency measurement");
                runOnce(model, manager, input);
            }
            for (int i = 0; i < runs; i++) {
                Interrupted.check("latency measurement");
                long t0 = System.nanoTime();
                runOnce(model, manager, input);
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
        }
        return stats(model, batchSize, ms);
    }

    /**
     * Measures several models at {@code batchSize} interleaved, so that the order in which they are
     * listed does not bias them (a CPU warms up, clocks and caches drift over a cell): every model
     * first gets {@code warmup} untimed runs, then {@code runs} rounds follow in which each model
     * runs once, the starting model rotating from round to round. Each model gets the same input
     * shape and its own fixed random input.
     *
     * @return one {@link Stats} per model, in the order given
     * @throws IllegalArgumentException as {@link #measure(SlimModel, int, int, int)}, or for no models
     */
    public static java.util.List<Stats> measureInterleaved(java.util.List<SlimModel> models, int batchSize,
            int warmup, int runs) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("no models to measure; pass at least one");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "batch size must be >= 1, got [" + batchSize + "]; pass e.g. 1 or 32");
        }
        if (warmup < 0 || runs < 1) {
            throw new IllegalArgumentException(
                    "need warm-up >= 0 and runs >= 1, got [" + warmup + "] and [" + runs + "]");
        }
        GradMode.disableOnThisThread();
        int n = models.size();
        double[][] ms = new double[n][runs];
        java.util.List<NDManager> managers = new java.util.ArrayList<>();
        try {
            NDArray[] inputs = new NDArray[n];
            for (int m = 0; m < n; m++) {
                NDManager manager = models.get(m).manager().newSubManager();
                managers.add(manager);
                inputs[m] = manager.randomNormal(models.get(m).inputShape(batchSize));
            }
            for (int m = 0; m < n; m++) {
                for (int i = 0; i < warmup; i++) {
                    Interrupted.check("latency measurement");
                    runOnce(models.get(m), managers.get(m), inputs[m]);
                }
            }
            for (int round = 0; round < runs; round++) {
                for (int k = 0; k < n; k++) {
                    int m = (round + k) % n;
                    Interrupted.check("latency measurement");
                    long t0 = System.nanoTime();
                    runOnce(models.get(m), managers.get(m), inputs[m]);
                    ms[m][round] = (System.nanoTime() - t0) / 1e6;
                }
            }
        } finally {
            managers.forEach(NDManager::close);
        }
        java.util.List<Stats> out = new java.util.ArrayList<>();
        for (int m = 0; m < n; m++) {
            out.add(stats(models.get(m), batchSize, ms[m]));
        }
        return out;
    }

    /** Median and quartiles of {@code ms} (sorted in place). */
    private static Stats stats(SlimModel model, int batchSize, double[] ms) {
        Arrays.sort(ms);
        return new Stats(batchSize, quantile(ms, 0.5), quantile(ms, 0.25), quantile(ms, 0.75), ms.length, threads(),
                model.device().toString());
    }

    private static void runOnce(SlimModel model, NDManager manager, NDArray input) {
        try (NDManager run = manager.newSubManager()) {
            NDArray view = input.duplicate();
            view.attach(run);
            model.forward(view, false).toFloatArray();
        }
    }

    /** Linear-interpolated quantile of sorted values. */
    static double quantile(double[] sorted, double q) {
        double pos = q * (sorted.length - 1);
        int lo = (int) Math.floor(pos);
        int hi = (int) Math.ceil(pos);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    /** The engine's intra-op thread count (PyTorch), 0 when unknown. */
    public static int threads() {
        if ("PyTorch".equals(Engine.getInstance().getEngineName())) {
            return JniUtils.getNumThreads();
        }
        return 0;
    }
}

package dev.slimkit.measure;

import dev.slimkit.data.ImageData;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Models side by side: parameters, non-zero parameters, MACs, measured latency at batch 1 and 32
 * (median and IQR, the models measured in interleaved rounds), test accuracy: what {@code %compare} shows ({@link dev.slimkit.report.Pareto} draws its
 * accuracy-vs-cost frontier).
 *
 * @param rows one row per model, in the order given
 * @param data the data set accuracy was measured on, or null
 * @param latencyMeasured whether latency was measured
 * @param threads the engine's intra-op threads when it was measured
 */
public record Comparison(List<ComparisonRow> rows, String data, boolean latencyMeasured, int threads,
        List<RuntimeRow> runtimes) {

    /** The runtimes {@link #of(List, ImageData, boolean, List)} can time a model in. */
    public static final List<String> RUNTIMES = List.of("djl", "onnx");

    public Comparison {
        rows = List.copyOf(rows);
        runtimes = List.copyOf(runtimes);
    }

    /** A comparison timed in DJL only. */
    public Comparison(List<ComparisonRow> rows, String data, boolean latencyMeasured, int threads) {
        this(rows, data, latencyMeasured, threads, List.of());
    }

    /**
     * Parses a runtime list such as {@code djl,onnx}.
     *
     * @throws IllegalArgumentException naming an unknown or repeated runtime
     */
    public static List<String> parseRuntimes(String text) {
        List<String> out = new ArrayList<>();
        for (String part : (text == null ? "" : text).split(",", -1)) {
            String r = part.strip().toLowerCase(java.util.Locale.ROOT);
            if (!RUNTIMES.contains(r) || out.contains(r)) {
                throw new IllegalArgumentException((out.contains(r) ? "runtime [" + part.strip() + "] is listed twice"
                        : "unknown runtime [" + part.strip() + "]") + "; choose djl, onnx or both as djl,onnx");
            }
            out.add(r);
        }
        return out;
    }

    /**
     * Like {@link #of(List, ImageData, boolean)}; with {@code onnx} among {@code runtimes}, each model is also
     * exported to ONNX in memory, checked against slimkit on 8 seeded images and timed in ONNX Runtime
     * (interleaved, DJL's thread count), and {@link #runtimes()} lists each model's latency per runtime.
     *
     * @throws IllegalArgumentException for an unknown runtime, or onnx without latency
     */
    public static Comparison of(List<SlimModel> models, ImageData data, boolean latency, List<String> runtimes) {
        if (!runtimes.contains("onnx")) {
            return of(models, data, latency);
        }
        if (!latency) {
            throw new IllegalArgumentException("runtime(onnx) times the models; it needs latency, so drop"
                    + " noLatency(true)");
        }
        Comparison c = of(models, data, true);
        List<RuntimeRow> onnx = OnnxLatency.measure(models);
        List<RuntimeRow> out = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            ComparisonRow r = c.rows().get(i);
            if (runtimes.contains("djl")) {
                out.add(new RuntimeRow(r.model(), "DJL (PyTorch)", r.latencyMsBatch1(), r.iqrMsBatch1(),
                        r.latencyMsBatch32(), r.iqrMsBatch32(), ""));
            }
            out.add(onnx.get(i));
        }
        return new Comparison(c.rows(), c.data(), true, c.threads(), out);
    }

    /**
     * Measures {@code models}: accuracy on {@code data}'s test split when data is given, latency
     * when asked.
     *
     * @throws IllegalArgumentException for an empty list, a model listed twice, or data that does
     *     not fit a model
     */
    public static Comparison of(List<SlimModel> models, ImageData data, boolean latency) {
        if (models.isEmpty()) {
            throw new IllegalArgumentException("compare needs at least one model");
        }
        Set<SlimModel> seen = new HashSet<>();
        for (SlimModel m : models) {
            if (!seen.add(m)) {
                throw new IllegalArgumentException("model [" + m.name() + "] is listed twice; list each model once");
            }
            if (data != null) {
                Evaluator.checkCompatible(m, data.test());
            }
        }
        // Interleaved rounds after a shared warm-up: the order of the list does not bias latency.
        List<Latency.Stats> b1 = latency ? Latency.measureInterleaved(models, 1, Latency.DEFAULT_WARMUP,
                Latency.DEFAULT_RUNS) : null;
        List<Latency.Stats> b32 = latency ? Latency.measureInterleaved(models, 32, Latency.DEFAULT_WARMUP,
                Latency.DEFAULT_RUNS) : null;
        List<ComparisonRow> rows = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            SlimModel m = models.get(i);
            double acc = data == null ? Double.NaN : Evaluator.evaluate(m, data.test(), 256).accuracy();
            rows.add(ComparisonRow.of(m.name(), ModelStats.of(m), latency ? b1.get(i) : null,
                    latency ? b32.get(i) : null, acc));
        }
        return new Comparison(rows, data == null ? null : data.name(), latency, Latency.threads());
    }

    /** The table's title: what accuracy and latency mean here. */
    public String title() {
        return "comparison" + (data == null ? "" : " (accuracy on " + data + " test)")
                + (latencyMeasured ? " — latency: median (IQR) of " + Latency.DEFAULT_RUNS + " interleaved rounds, "
                        + threads + " threads; speed-up against the first model" : "");
    }
}

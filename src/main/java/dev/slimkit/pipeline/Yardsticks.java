package dev.slimkit.pipeline;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.slimkit.data.ImageData;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluation;
import dev.slimkit.train.Evaluator;

/**
 * One model judged on the four yardsticks: complexity (parameters, non-zero parameters, MACs),
 * performance (test accuracy, macro recall, the worst class's recall), efficiency (latency at
 * batch 1 and 32 with its spread, saved file size, an inference-memory estimate) and scalability
 * (latency at batch 32 on one thread and on all threads, throughput at batch 128). Latency figures
 * are NaN when latency was not measured.
 *
 * @param params learnable parameters
 * @param nonzeroParams of those, non-zero
 * @param macs multiply-accumulates per image (-1 when unknown)
 * @param accuracy test accuracy (NaN for a model of another class count, e.g. a base before transfer)
 * @param macroRecall mean recall over classes
 * @param worstRecall the lowest class recall
 * @param worstClass that class's index
 * @param batch1 latency at batch 1, or null
 * @param batch32 latency at batch 32 on all threads, or null
 * @param batch32OneThread latency at batch 32 on one thread, or null
 * @param imagesPerSecond128 throughput at batch 128 on all threads, NaN when not measured
 * @param fileBytes size of the saved model file
 * @param memoryBytes parameters plus the two largest activations of one layer at batch 32 (an estimate)
 * @param threads the engine's threads for the "all threads" figures
 */
public record Yardsticks(
        long params,
        long nonzeroParams,
        long macs,
        double accuracy,
        double macroRecall,
        double worstRecall,
        int worstClass,
        Latency.Stats batch1,
        Latency.Stats batch32,
        Latency.Stats batch32OneThread,
        double imagesPerSecond128,
        long fileBytes,
        long memoryBytes,
        int threads) {

    /** Timed runs of the batch-128 throughput measurement (fewer than the default: each run is long). */
    static final int THROUGHPUT_RUNS = 20;

    /** Measures {@code model} on {@code data}'s test split; {@code fileBytes} is its saved size. */
    public static Yardsticks measure(SlimModel model, ImageData data, long fileBytes, boolean latency) {
        ModelStats stats = ModelStats.of(model);
        // A base for another task (other classes) has no accuracy on this data; its other figures stand.
        boolean sameTask = model.spec().classes() == data.numClasses();
        Evaluation e = sameTask ? Evaluator.evaluate(model, data.test(), 256) : null;
        double macro = sameTask ? 0 : Double.NaN;
        double worst = sameTask ? Double.POSITIVE_INFINITY : Double.NaN;
        int worstClass = -1;
        for (int c = 0; sameTask && c < e.numClasses(); c++) {
            double r = e.recall(c);
            macro += r;
            if (r < worst) {
                worst = r;
                worstClass = c;
            }
        }
        macro = sameTask ? macro / e.numClasses() : macro;
        Latency.Stats b1 = null;
        Latency.Stats b32 = null;
        Latency.Stats b32one = null;
        double throughput = Double.NaN;
        int threads = Latency.threads();
        if (latency) {
            b1 = Latency.measure(model, 1);
            b32 = Latency.measure(model, 32);
            Latency.Stats b128 = Latency.measure(model, 128, 5, THROUGHPUT_RUNS);
            throughput = 128 / (b128.medianMs() / 1000);
            b32one = oneThread(model);
        }
        return new Yardsticks(stats.params(), stats.nonzeroParams(), stats.macs(), sameTask ? e.accuracy() : Double.NaN,
                macro, worst,
                worstClass, b1, b32, b32one, throughput, fileBytes, memoryEstimate(model.spec(), stats), threads);
    }

    /** Latency at batch 32 with the engine on one intra-op thread, the thread count restored after. */
    private static Latency.Stats oneThread(SlimModel model) {
        if (!"PyTorch".equals(Engine.getInstance().getEngineName())) {
            return null;
        }
        int before = JniUtils.getNumThreads();
        try {
            JniUtils.setNumThreads(1);
            return Latency.measure(model, 32);
        } finally {
            JniUtils.setNumThreads(before);
        }
    }

    /** Parameter bytes plus the largest input + output of one layer at batch 32, as float32. */
    static long memoryEstimate(ModelSpec spec, ModelStats stats) {
        long peak = 0;
        for (ModelSpec.LayerTrace t : spec.trace()) {
            long in = 1;
            long out = 1;
            for (long d : t.inputShape()) {
                in *= d;
            }
            for (long d : t.outputShape()) {
                out *= d;
            }
            peak = Math.max(peak, in + out);
        }
        return stats.bytes() + peak * 32 * Float.BYTES;
    }

    /** These figures as JSON (for a stage's saved record, so a reused stage keeps its measurements). */
    public com.google.gson.JsonObject toJson() {
        com.google.gson.JsonObject o = new com.google.gson.JsonObject();
        o.addProperty("params", params);
        o.addProperty("nonzeroParams", nonzeroParams);
        o.addProperty("macs", macs);
        o.addProperty("accuracy", accuracy);
        o.addProperty("macroRecall", macroRecall);
        o.addProperty("worstRecall", worstRecall);
        o.addProperty("worstClass", worstClass);
        o.addProperty("imagesPerSecond128", imagesPerSecond128);
        o.addProperty("fileBytes", fileBytes);
        o.addProperty("memoryBytes", memoryBytes);
        o.addProperty("threads", threads);
        put(o, "batch1", batch1);
        put(o, "batch32", batch32);
        put(o, "batch32OneThread", batch32OneThread);
        return o;
    }

    /** Figures saved by {@link #toJson}. */
    public static Yardsticks fromJson(com.google.gson.JsonObject o) {
        return new Yardsticks(o.get("params").getAsLong(), o.get("nonzeroParams").getAsLong(), o.get("macs").getAsLong(),
                o.get("accuracy").getAsDouble(), o.get("macroRecall").getAsDouble(), o.get("worstRecall").getAsDouble(),
                o.get("worstClass").getAsInt(), stats(o, "batch1"), stats(o, "batch32"), stats(o, "batch32OneThread"),
                o.get("imagesPerSecond128").getAsDouble(), o.get("fileBytes").getAsLong(), o.get("memoryBytes").getAsLong(),
                o.get("threads").getAsInt());
    }

    private static void put(com.google.gson.JsonObject o, String key, Latency.Stats s) {
        if (s != null) {
            com.google.gson.JsonObject j = new com.google.gson.JsonObject();
            j.addProperty("batchSize", s.batchSize());
            j.addProperty("medianMs", s.medianMs());
            j.addProperty("q1Ms", s.q1Ms());
            j.addProperty("q3Ms", s.q3Ms());
            j.addProperty("runs", s.runs());
            j.addProperty("threads", s.threads());
            j.addProperty("device", s.device());
            o.add(key, j);
        }
    }

    private static Latency.Stats stats(com.google.gson.JsonObject o, String key) {
        if (!o.has(key)) {
            return null;
        }
        com.google.gson.JsonObject j = o.getAsJsonObject(key);
        return new Latency.Stats(j.get("batchSize").getAsInt(), j.get("medianMs").getAsDouble(), j.get("q1Ms").getAsDouble(),
                j.get("q3Ms").getAsDouble(), j.get("runs").getAsInt(), j.get("threads").getAsInt(), j.get("device").getAsString());
    }

    /** Median ms at batch 32, NaN when not measured. */
    public double ms32() {
        return batch32 == null ? Double.NaN : batch32.medianMs();
    }

    /** Median ms at batch 1, NaN when not measured. */
    public double ms1() {
        return batch1 == null ? Double.NaN : batch1.medianMs();
    }
}

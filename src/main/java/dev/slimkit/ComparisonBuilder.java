package dev.slimkit;

import dev.slimkit.data.ImageData;
import dev.slimkit.measure.Comparison;
import dev.slimkit.model.SlimModel;
import java.util.List;

/**
 * Models side by side, named setters instead of positional flags:
 * {@code Slim.compare(a, b).data(fmnist).runtimes("djl", "onnx").run()}. Defaults: no accuracy
 * (no data), latency measured, in DJL only. {@code %compare} runs through this.
 */
public final class ComparisonBuilder {

    private final List<SlimModel> models;
    private ImageData data;
    private boolean measureLatency = true;
    private List<String> runtimes = List.of("djl");

    ComparisonBuilder(List<SlimModel> models) {
        this.models = List.copyOf(models);
    }

    /** Also reports accuracy on {@code value}'s test split. */
    public ComparisonBuilder data(ImageData value) {
        data = value;
        return this;
    }

    /** Whether to time the models (batch 1 and 32, interleaved); default true. */
    public ComparisonBuilder measureLatency(boolean value) {
        measureLatency = value;
        return this;
    }

    /** The runtimes to time each model in: {@code djl} (default), {@code onnx} (ONNX Runtime), or both. */
    public ComparisonBuilder runtimes(String... values) {
        runtimes = List.of(values);
        return this;
    }

    /** As {@link #runtimes(String...)}. */
    public ComparisonBuilder runtimes(List<String> values) {
        runtimes = List.copyOf(values);
        return this;
    }

    /** The comparison: rows, Pareto frontier; {@code %compare} shows it. */
    public Comparison run() {
        return Comparison.of(models, data, measureLatency, runtimes);
    }
}

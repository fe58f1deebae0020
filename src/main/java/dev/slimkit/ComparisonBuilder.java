package dev.slimkit;

import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.measure.Comparison;
import dev.slimkit.measure.Gain;
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
    private String against;

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

    /** Also sums up every other model's gain against the model named {@code value} ({@link #gains}). */
    public ComparisonBuilder against(String value) {
        against = value;
        return this;
    }

    /** The comparison: rows, Pareto frontier; {@code %compare} shows it. */
    public Comparison run() {
        reference();
        return Comparison.of(models, data, measureLatency, runtimes);
    }

    /**
     * Each other model's gain against {@link #against}'s model in {@code comparison} (made by
     * {@link #run}): Δ accuracy in points, MACs, file size (as {@code %save} writes it) and latency
     * as "× fewer/smaller/faster".
     *
     * @throws IllegalArgumentException when no reference was named, or it is not among the models
     */
    public List<Gain> gains(Comparison comparison) {
        SlimModel ref = reference();
        if (ref == null) {
            throw new IllegalArgumentException("gains need a reference; pass against(NAME) with one of the models");
        }
        int r = models.indexOf(ref);
        long refBytes = size(ref);
        List<Gain> out = new java.util.ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            if (i != r) {
                out.add(Gain.of(comparison.rows().get(i), size(models.get(i)), comparison.rows().get(r),
                        refBytes));
            }
        }
        return out;
    }

    private static long size(SlimModel model) {
        try {
            return ModelIO.encodedSize(model);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private SlimModel reference() {
        if (against == null) {
            return null;
        }
        return models.stream().filter(m -> m.name().equals(against)).findFirst().orElseThrow(() ->
                new IllegalArgumentException("against(...) [" + against + "] is not among the models compared ("
                        + String.join(", ", models.stream().map(SlimModel::name).toList()) + "); name one of them"));
    }
}

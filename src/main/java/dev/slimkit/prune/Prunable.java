package dev.slimkit.prune;

import ai.djl.nn.Parameter;
import dev.slimkit.model.Layer;
import dev.slimkit.model.LayerPatterns;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which parameters pruning may touch: the weights of convolution and linear layers (biases and
 * batch-norm parameters are left alone), minus the layers an exclude list names. An exclude list
 * is comma-separated glob patterns on layer paths ({@code conv1}, {@code fc*}, {@code s1b*}), plus
 * the words {@code first} and {@code last} for the first and last weight layers.
 */
public final class Prunable {

    private Prunable() {}

    /**
     * Paths of all conv and linear layers, in forward order. Inside a TorchScript layer, whose
     * graph is opaque, these are the modules with a weight of two or more dimensions (conv and
     * linear weights; batch-norm weights are vectors), e.g. {@code backbone.features.0}.
     */
    public static List<String> weightLayers(ModelSpec spec, Map<String, Parameter> params) {
        List<String> out = new ArrayList<>();
        for (ModelSpec.LayerTrace t : spec.trace()) {
            if (t.layer().kind() == Layer.Kind.CONV || t.layer().kind() == Layer.Kind.LINEAR) {
                out.add(t.path());
            } else if (t.layer().kind() == Layer.Kind.TORCHSCRIPT) {
                for (Map.Entry<String, Parameter> e : params.entrySet()) {
                    String key = e.getKey();
                    if (key.startsWith(t.path() + ".") && key.endsWith(".weight")
                            && e.getValue().getArray().getShape().dimension() >= 2) {
                        out.add(key.substring(0, key.length() - ".weight".length()));
                    }
                }
            }
        }
        return out;
    }

    /**
     * The weight parameters to prune, by path ({@code layer.weight}), in forward order.
     *
     * @param exclude comma-separated patterns, or null / empty for none
     * @throws IllegalArgumentException when a pattern matches no layer, naming it and the layers
     */
    public static Map<String, Parameter> weights(SlimModel model, String exclude) {
        Map<String, Parameter> params = model.parameters();
        List<String> layers = weightLayers(model.spec(), params);
        Set<String> excluded = LayerPatterns.select(layers, exclude, "layer");
        Map<String, Parameter> out = new LinkedHashMap<>();
        for (String layer : layers) {
            if (!excluded.contains(layer)) {
                out.put(layer + ".weight", params.get(layer + ".weight"));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("exclude list [" + exclude + "] leaves no layer to prune; layers: "
                    + String.join(", ", layers));
        }
        return out;
    }
}

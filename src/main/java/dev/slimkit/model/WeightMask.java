package dev.slimkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Binary masks over some of a model's parameters (1 = keep, 0 = pruned), applied in place. A
 * model that carries a mask has it re-applied after every optimizer step by the fit loop, so
 * pruned weights stay zero through fine-tuning; saving records which parameters are masked, and
 * loading rebuilds the mask from their zeros.
 */
public final class WeightMask {

    private final Map<String, NDArray> masks = new LinkedHashMap<>();
    private final Map<String, Parameter> targets = new LinkedHashMap<>();

    /**
     * Builds a mask from keep-flags per parameter path (arrays of the parameter's size, in its
     * element order). The mask arrays live on the model's manager, on its device (one copy each,
     * here), so {@link #apply()} multiplies on the device.
     *
     * @throws IllegalArgumentException for an unknown path or a size that does not match
     */
    public WeightMask(SlimModel model, Map<String, boolean[]> keep) {
        Map<String, Parameter> params = model.parameters();
        for (Map.Entry<String, boolean[]> e : keep.entrySet()) {
            Parameter p = params.get(e.getKey());
            if (p == null) {
                throw new IllegalArgumentException("model [" + model.name() + "] has no parameter [" + e.getKey() + "]");
            }
            NDArray array = p.getArray();
            if (array.size() != e.getValue().length) {
                throw new IllegalArgumentException("mask for [" + e.getKey() + "] has " + e.getValue().length
                        + " entries but the parameter has " + array.size());
            }
            float[] values = new float[e.getValue().length];
            for (int i = 0; i < values.length; i++) {
                values[i] = e.getValue()[i] ? 1f : 0f;
            }
            NDArray mask = model.manager().create(values, array.getShape());
            masks.put(e.getKey(), mask);
            targets.put(e.getKey(), p);
        }
    }

    /**
     * A mask that keeps exactly the non-zero entries of {@code paths} (used after loading and
     * copying). Computed on the parameters' device: nothing is copied to the host.
     */
    public static WeightMask fromZeros(SlimModel model, Set<String> paths) {
        Map<String, Parameter> params = model.parameters();
        WeightMask out = new WeightMask();
        for (String path : paths) {
            Parameter p = params.get(path);
            if (p == null) {
                out.close();
                throw new IllegalArgumentException("model [" + model.name() + "] has no parameter [" + path + "]");
            }
            NDArray nonZero = p.getArray().neq(0f);
            NDArray mask = nonZero.toType(DataType.FLOAT32, true);
            nonZero.close();
            mask.attach(model.manager());
            out.masks.put(path, mask);
            out.targets.put(path, p);
        }
        return out;
    }

    private WeightMask() {}

    /** Zeroes the pruned entries, in place (runs after every optimizer step: no lookups). */
    public void apply() {
        for (Map.Entry<String, NDArray> e : masks.entrySet()) {
            targets.get(e.getKey()).getArray().muli(e.getValue());
        }
    }

    /** The masked parameter paths, in order. */
    public Set<String> paths() {
        return Collections.unmodifiableSet(masks.keySet());
    }

    /** Entries pruned (mask 0) per masked parameter (counted on the device; one number comes back). */
    public Map<String, Long> prunedCounts() {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Map.Entry<String, NDArray> e : masks.entrySet()) {
            NDArray mask = e.getValue();
            try (NDArray kept = mask.countNonzero()) {
                out.put(e.getKey(), mask.size() - kept.getLong());
            }
        }
        return out;
    }

    /** Frees the mask arrays. */
    void close() {
        masks.values().forEach(NDArray::close);
        masks.clear();
        targets.clear();
    }
}

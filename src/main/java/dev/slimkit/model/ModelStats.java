package dev.slimkit.model;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Size figures of a model: parameters (learnable weights, as torchinfo counts them; BN running
 * statistics are buffers, not parameters), non-zero parameters, trainable and frozen parameters,
 * MACs per image, and bytes of all arrays; plus one {@link LayerStats} row per layer.
 *
 * @param params learnable parameters
 * @param nonzeroParams learnable parameters that are not exactly zero
 * @param trainableParams parameters that receive gradients
 * @param frozenParams parameters that do not
 * @param macs multiply-accumulates of one image's forward pass; -1 when unknown (TorchScript)
 * @param bytes bytes of every array (parameters and buffers) held in memory
 * @param layers per-layer rows in forward order
 */
public record ModelStats(
        long params,
        long nonzeroParams,
        long trainableParams,
        long frozenParams,
        long macs,
        long bytes,
        List<LayerStats> layers) {

    /**
     * One row of a per-layer summary.
     *
     * @param path e.g. {@code s2b1.conv1}
     * @param type e.g. {@code Conv2d}
     * @param outputShape per image, e.g. {@code [32, 28, 28]}
     * @param params learnable parameters of the layer itself (0 for a residual container row)
     * @param nonzeroParams of those, not exactly zero
     * @param trainableParams of those, trainable
     * @param macs of the layer itself (a container row shows its children's sum)
     * @param depth nesting depth (0 = top level)
     */
    public record LayerStats(
            String path,
            String type,
            String outputShape,
            long params,
            long nonzeroParams,
            long trainableParams,
            long macs,
            int depth) {
        /** "yes", "no", "partly" or "-" (no parameters). */
        public String trainable() {
            if (params == 0) {
                return "-";
            }
            return trainableParams == params ? "yes" : trainableParams == 0 ? "no" : "partly";
        }
    }

    /** Fraction of parameters that are zero. */
    public double sparsity() {
        return params == 0 ? 0 : 1.0 - (double) nonzeroParams / params;
    }

    /** Computes the figures of {@code model} from its spec and its current arrays. */
    public static ModelStats of(SlimModel model) {
        Map<String, Parameter> parameters = model.parameters();
        List<LayerStats> rows = new ArrayList<>();
        long params = 0;
        long nonzero = 0;
        long trainable = 0;
        long bytes = 0;
        for (Parameter p : parameters.values()) {
            bytes += p.getArray().size() * p.getArray().getDataType().getNumOfBytes();
        }
        List<ModelSpec.LayerTrace> trace = model.spec().trace();
        for (int i = 0; i < trace.size(); i++) {
            ModelSpec.LayerTrace t = trace.get(i);
            long lp = 0;
            long lnz = 0;
            long ltr = 0;
            long macs = t.macs();
            if (t.isContainer()) {
                for (int j = i + 1; j < trace.size() && trace.get(j).path().startsWith(t.path() + "."); j++) {
                    if (!trace.get(j).isContainer()) {
                        macs += trace.get(j).macs();
                    }
                }
            } else {
                String prefix = t.path() + ".";
                for (Map.Entry<String, Parameter> e : parameters.entrySet()) {
                    Parameter p = e.getValue();
                    if (!e.getKey().startsWith(prefix)
                            || (e.getKey().indexOf('.', prefix.length()) >= 0
                                    && t.layer().kind() != Layer.Kind.TORCHSCRIPT) // its parameters nest
                            || !isLearnable(p)) {
                        continue;
                    }
                    long size = p.getArray().size();
                    lp += size;
                    lnz += countNonzero(p.getArray());
                    if (p.requiresGradient()) {
                        ltr += size;
                    }
                }
                params += lp;
                nonzero += lnz;
                trainable += ltr;
            }
            rows.add(
                    new LayerStats(
                            t.path(),
                            t.layer().typeName(),
                            Arrays.toString(t.outputShape()),
                            lp,
                            lnz,
                            ltr,
                            macs,
                            t.depth()));
        }
        return new ModelStats(
                params, nonzero, trainable, params - trainable, model.spec().macs(), bytes, rows);
    }

    /** True for weights, biases and BN gamma/beta; false for running statistics. */
    public static boolean isLearnable(Parameter p) {
        return p.getType() != Parameter.Type.RUNNING_MEAN
                && p.getType() != Parameter.Type.RUNNING_VAR;
    }

    static long countNonzero(NDArray array) {
        long count = 0;
        for (float v : array.toFloatArray()) {
            if (v != 0f) {
                count++;
            }
        }
        return count;
    }
}

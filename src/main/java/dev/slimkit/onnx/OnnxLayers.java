package dev.slimkit.onnx;

import ai.onnx.proto.OnnxMl;
import dev.slimkit.model.Layer;
import dev.slimkit.model.SequentialLayers;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * One ONNX node of an imported chain read as slimkit layers: Conv, BatchNormalization (its epsilon
 * folded into the running variance), pools, Flatten/Reshape, Gemm and MatMul (+ bias Add) as a
 * linear layer, and the no-ops (Identity, Dropout, zero Pad). The weights read are filed by
 * parameter path with their ONNX shapes.
 */
final class OnnxLayers {

    private final OnnxNodes nodes;
    private final Map<String, OnnxMl.TensorProto> constants;
    private final Map<String, List<OnnxMl.NodeProto>> consumers;
    private final Predicate<OnnxMl.NodeProto> isJoin;
    private final Map<String, float[]> weights;
    private final Map<String, long[]> weightShapes;

    /**
     * @param nodes attribute and weight reading, refusals
     * @param constants the stored weights by value name
     * @param consumers the nodes reading each value
     * @param isJoin whether a node is a residual join (an Add of two computed values)
     * @param weights receives the weights read, by parameter path
     * @param weightShapes receives their ONNX shapes
     */
    OnnxLayers(OnnxNodes nodes, Map<String, OnnxMl.TensorProto> constants,
            Map<String, List<OnnxMl.NodeProto>> consumers, Predicate<OnnxMl.NodeProto> isJoin,
            Map<String, float[]> weights, Map<String, long[]> weightShapes) {
        this.nodes = nodes;
        this.constants = constants;
        this.consumers = consumers;
        this.isJoin = isJoin;
        this.weights = weights;
        this.weightShapes = weightShapes;
    }

    /** The value after a node and the rank of one image there. */
    record Step(String value, int rank) {}

    /** Reads node {@code n} (its input {@code in}, one image of rank {@code rank} there) into {@code out}. */
    Step translate(OnnxMl.NodeProto n, String in, List<Layer> out, OnnxImport.Namer names, String prefix, int rank) {
        String op = n.getOpType();
        String y = n.getOutputCount() > 0 ? n.getOutput(0) : "";
        return switch (op) {
            case "Identity", "Dropout", "Pad" -> {
                checkNoOp(n);
                yield new Step(y, rank);
            }
            case "Relu" -> {
                out.add(Layer.relu(names.next("relu")));
                yield new Step(y, rank);
            }
            case "Conv" -> conv(n, rank, out, names, prefix, y);
            case "BatchNormalization" -> batchNorm(n, rank, out, names, prefix, y);
            case "MaxPool", "AveragePool" -> pool(n, op, rank, out, names, y);
            case "GlobalAveragePool" -> {
                nodes.requireRank(n, rank, 3);
                out.add(Layer.globalAvgPool(names.next("gap")));
                yield new Step(y, 1); // slimkit's global pool gives (N, C); a Flatten after it is a no-op
            }
            case "Flatten", "Reshape" -> {
                checkFlatten(n);
                if (rank > 1) {
                    out.add(Layer.flatten(names.next("flatten")));
                }
                yield new Step(y, 1);
            }
            case "Gemm" -> gemm(n, rank, out, names, prefix, y);
            case "MatMul" -> matMul(n, rank, out, names, prefix, y);
            default -> throw nodes.refuse(n, "an op slimkit does not read; it reads " + String.join(", ", OnnxImport.OPS));
        };
    }

    /** Identity passes; a Dropout whose mask is unused and a Pad of zeros are skipped; anything else is refused. */
    private void checkNoOp(OnnxMl.NodeProto n) {
        if (n.getOpType().equals("Dropout") && n.getOutputCount() > 1 && consumers.containsKey(n.getOutput(1))) {
            throw nodes.refuse(n, "a Dropout whose mask is used");
        }
        if (n.getOpType().equals("Pad")) {
            long[] pads = n.getInputCount() > 1 ? nodes.longs(n, n.getInput(1)) : OnnxNodes.ints(n, "pads");
            if (Arrays.stream(pads).anyMatch(p -> p != 0)) {
                throw nodes.refuse(n, "a Pad with pads " + Arrays.toString(pads) + " (only zero pads are skipped;"
                        + " put padding in the Conv)");
            }
        }
    }

    /** A Flatten from axis 1, or a Reshape to (batch, -1): slimkit's flatten. */
    private void checkFlatten(OnnxMl.NodeProto n) {
        if (n.getOpType().equals("Flatten")) {
            if (OnnxNodes.intAttr(n, "axis", 1) != 1) {
                throw nodes.refuse(n, "a Flatten with axis " + OnnxNodes.intAttr(n, "axis", 1)
                        + " (slimkit flattens from axis 1)");
            }
            return;
        }
        long[] shape = nodes.longs(n, n.getInput(1));
        if (shape.length != 2 || !(shape[0] == 0 || shape[0] == -1 || shape[0] == 1) || shape[1] == 0) {
            throw nodes.refuse(n, "a Reshape to " + Arrays.toString(shape) + " (slimkit reads a Reshape to"
                    + " (batch, -1) as a flatten)");
        }
    }

    private Step conv(OnnxMl.NodeProto n, int rank, List<Layer> out, OnnxImport.Namer names, String prefix, String y) {
        nodes.requireRank(n, rank, 3);
        long[] w = nodes.shapeOf(n, n.getInput(1));
        int k = nodes.square(n, "kernel_shape", w.length == 4 ? new long[] {w[2], w[3]} : null);
        int stride = nodes.square(n, "strides", new long[] {1, 1});
        int pad = nodes.uniformPads(n);
        if (OnnxNodes.intAttr(n, "group", 1) != 1 || Arrays.stream(OnnxNodes.ints(n, "dilations")).anyMatch(d -> d != 1)) {
            throw nodes.refuse(n, "a grouped or dilated Conv");
        }
        nodes.checkAutoPad(n);
        boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
        String name = names.next("conv");
        String path = path(prefix, name);
        put(path + ".weight", n, n.getInput(1));
        if (bias) {
            put(path + ".bias", n, n.getInput(2));
        }
        out.add(Layer.conv(name, (int) w[0], k, stride, pad, bias));
        return new Step(y, 3);
    }

    private Step batchNorm(OnnxMl.NodeProto n, int rank, List<Layer> out, OnnxImport.Namer names, String prefix, String y) {
        nodes.requireRank(n, rank, 3);
        if (n.getOutputCount() > 1 && n.getOutputList().subList(1, n.getOutputCount()).stream()
                .anyMatch(o -> !o.isEmpty()) || OnnxNodes.intAttr(n, "training_mode", 0) != 0) {
            throw nodes.refuse(n, "a BatchNormalization in training mode (export the model in eval mode)");
        }
        float eps = OnnxNodes.floatAttr(n, "epsilon", 1e-5f);
        String name = names.next("bn");
        String path = path(prefix, name);
        put(path + ".gamma", n, n.getInput(1));
        put(path + ".beta", n, n.getInput(2));
        put(path + ".runningMean", n, n.getInput(3));
        put(path + ".runningVar", n, n.getInput(4));
        if (eps != SequentialLayers.BN_EPSILON) {
            // slimkit's BN uses one epsilon; var + eps is what the op divides by, so move the difference
            // into the running variance (exact).
            float[] var = weights.get(path + ".runningVar");
            for (int i = 0; i < var.length; i++) {
                var[i] += eps - SequentialLayers.BN_EPSILON;
            }
        }
        out.add(Layer.batchNorm(name));
        return new Step(y, 3);
    }

    private Step pool(OnnxMl.NodeProto n, String op, int rank, List<Layer> out, OnnxImport.Namer names, String y) {
        nodes.requireRank(n, rank, 3);
        int k = nodes.square(n, "kernel_shape", null);
        int stride = nodes.square(n, "strides", new long[] {1, 1});
        if (nodes.uniformPads(n) != 0 || OnnxNodes.intAttr(n, "ceil_mode", 0) != 0
                || Arrays.stream(OnnxNodes.ints(n, "dilations")).anyMatch(d -> d != 1)) {
            throw nodes.refuse(n, "a padded, ceil-mode or dilated " + op);
        }
        nodes.checkAutoPad(n);
        out.add(op.equals("MaxPool") ? Layer.maxPool(names.next("pool"), k, stride)
                : Layer.avgPool(names.next("avgpool"), k, stride));
        return new Step(y, 3);
    }

    private Step gemm(OnnxMl.NodeProto n, int rank, List<Layer> out, OnnxImport.Namer names, String prefix, String y) {
        nodes.requireRank(n, rank, 1);
        if (OnnxNodes.intAttr(n, "transA", 0) != 0) {
            throw nodes.refuse(n, "a Gemm with transA");
        }
        float[] w = nodes.constant(n, n.getInput(1));
        long[] ws = nodes.shapeOf(n, n.getInput(1));
        if (OnnxNodes.intAttr(n, "transB", 0) == 0) {
            w = OnnxNodes.transpose(w, (int) ws[0], (int) ws[1]);
            ws = new long[] {ws[1], ws[0]};
        }
        float alpha = OnnxNodes.floatAttr(n, "alpha", 1f);
        float beta = OnnxNodes.floatAttr(n, "beta", 1f);
        for (int i = 0; i < w.length; i++) {
            w[i] *= alpha;
        }
        float[] b = n.getInputCount() > 2 && !n.getInput(2).isEmpty() ? nodes.constant(n, n.getInput(2))
                : new float[(int) ws[0]];
        if (b.length != ws[0]) {
            throw nodes.refuse(n, "a Gemm whose bias has " + b.length + " values for " + ws[0] + " outputs");
        }
        for (int i = 0; i < b.length; i++) {
            b[i] *= beta;
        }
        return linear(names, prefix, out, w, ws, b, y);
    }

    private Step matMul(OnnxMl.NodeProto n, int rank, List<Layer> out, OnnxImport.Namer names, String prefix, String y) {
        nodes.requireRank(n, rank, 1);
        long[] ws = nodes.shapeOf(n, n.getInput(1));
        if (ws.length != 2 || constants.containsKey(n.getInput(0))) {
            throw nodes.refuse(n, "a MatMul that is not (batch, in) x a constant (in, out) matrix");
        }
        float[] w = OnnxNodes.transpose(nodes.constant(n, n.getInput(1)), (int) ws[0], (int) ws[1]);
        long[] shape = {ws[1], ws[0]};
        float[] b = new float[(int) ws[1]];
        List<OnnxMl.NodeProto> after = consumers.getOrDefault(y, List.of());
        if (after.size() == 1 && after.get(0).getOpType().equals("Add") && !isJoin.test(after.get(0))) {
            OnnxMl.NodeProto add = after.get(0);
            String bias = add.getInput(0).equals(y) ? add.getInput(1) : add.getInput(0);
            b = nodes.constant(add, bias);
            if (b.length != ws[1]) {
                throw nodes.refuse(add, "an Add of " + b.length + " values after a MatMul of " + ws[1] + " outputs");
            }
            y = add.getOutput(0);
        }
        return linear(names, prefix, out, w, shape, b, y);
    }

    private Step linear(OnnxImport.Namer names, String prefix, List<Layer> out, float[] w, long[] shape, float[] b, String y) {
        String name = names.next("fc");
        String path = path(prefix, name);
        weights.put(path + ".weight", w);
        weightShapes.put(path + ".weight", shape);
        weights.put(path + ".bias", b);
        weightShapes.put(path + ".bias", new long[] {b.length});
        out.add(Layer.linear(name, (int) shape[0]));
        return new Step(y, 1);
    }

    private void put(String path, OnnxMl.NodeProto n, String input) {
        weights.put(path, nodes.constant(n, input));
        weightShapes.put(path, nodes.shapeOf(n, input));
    }

    private static String path(String prefix, String name) {
        return prefix.isEmpty() ? name : prefix + "." + name;
    }
}

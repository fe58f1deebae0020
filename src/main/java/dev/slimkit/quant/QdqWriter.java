package dev.slimkit.quant;

import dev.slimkit.onnx.OnnxTensors;
import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes the QDQ form of a float ONNX model (batch norms already folded): every calibrated
 * activation tensor {@code t} becomes {@code DequantizeLinear(QuantizeLinear(t))} for its readers
 * (uint8, per tensor); the weight of every Conv and Gemm not kept in float becomes an int8
 * initializer read through a DequantizeLinear (per output channel, or per tensor), and its bias an
 * int32 initializer at scale {@code s_input · s_weight} with zero point 0. ONNX Runtime fuses each
 * {@code DQ → Conv → Q} group into one integer kernel; the graph output stays float.
 */
final class QdqWriter {

    /** One quantized weight: the layer's node, the weight's per-channel (or single) affine maps, and its SQNR. */
    record QuantizedWeight(String node, String op, Affine[] channels, double sqnrDb) {}

    private final Map<String, Affine> calibrated;
    private Map<String, Affine> activations;
    private final Set<String> keepFloat;
    private final boolean perChannel;
    private final List<QuantizedWeight> weights = new ArrayList<>();
    private Map<String, String> droppedRelus = Map.of();

    /**
     * @param activations the affine map of each activation tensor to quantize, by tensor name
     * @param keepFloat names of Conv/Gemm nodes whose weights stay float
     * @param perChannel one scale per output channel for weights (else one per tensor)
     */
    QdqWriter(Map<String, Affine> activations, Set<String> keepFloat, boolean perChannel) {
        this.calibrated = activations;
        this.activations = activations;
        this.keepFloat = keepFloat;
        this.perChannel = perChannel;
    }

    /** The QDQ model. */
    OnnxMl.ModelProto write(OnnxMl.ModelProto folded) {
        OnnxMl.GraphProto graph = folded.getGraph();
        activations = quantizedTensors(graph);
        Map<String, OnnxMl.TensorProto> init = new LinkedHashMap<>();
        graph.getInitializerList().forEach(t -> init.put(t.getName(), t));
        OnnxMl.GraphProto.Builder out = graph.toBuilder().clearNode();
        for (OnnxMl.ValueInfoProto in : graph.getInputList()) {
            quantizeActivation(in.getName(), init, out);
        }
        Map<String, String> relus = removableRelus(graph);
        droppedRelus = relus;
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            if (n.getOpType().equals("Relu") && relus.containsKey(n.getOutput(0))) {
                continue; // its input's quantization (zero point 0) clips the negatives
            }
            OnnxMl.NodeProto.Builder node = n.toBuilder();
            for (int i = 0; i < node.getInputCount(); i++) {
                String in = relus.getOrDefault(node.getInput(i), node.getInput(i));
                if (activations.containsKey(in)) {
                    node.setInput(i, dq(in));
                }
            }
            boolean weighted = (n.getOpType().equals("Conv") || n.getOpType().equals("Gemm"))
                    && init.containsKey(n.getInput(1)) && !keepFloat.contains(n.getName())
                    && activations.containsKey(n.getInput(0));
            if (weighted) {
                quantizeWeights(n, node, init, out);
            }
            out.addNode(node);
            for (String o : n.getOutputList()) {
                quantizeActivation(o, init, out);
            }
        }
        out.clearInitializer().addAllInitializer(init.values());
        List<OnnxMl.OperatorSetIdProto> opsets = folded.getOpsetImportList();
        return folded.toBuilder().setGraph(out).clearOpsetImport().addAllOpsetImport(opsets).build();
    }

    /**
     * The calibrated tensors that get quantized: those that reach a quantized layer (a Conv or Gemm
     * not kept in float) through ops without weights. A layer kept in float thus reads float, and
     * with every layer kept in float nothing is quantized: the float model.
     */
    private Map<String, Affine> quantizedTensors(OnnxMl.GraphProto graph) {
        Map<String, List<OnnxMl.NodeProto>> readers = GraphReaders.nodes(graph);
        java.util.Set<String> needed = new java.util.HashSet<>();
        List<OnnxMl.NodeProto> nodes = graph.getNodeList();
        for (int k = nodes.size() - 1; k >= 0; k--) { // readers come after: one backward pass settles it
            for (String o : nodes.get(k).getOutputList()) {
                if (reachesQuantizedLayer(o, readers, needed)) {
                    needed.add(o);
                }
            }
        }
        graph.getInputList().forEach(i -> {
            if (reachesQuantizedLayer(i.getName(), readers, needed)) {
                needed.add(i.getName());
            }
        });
        Map<String, Affine> out = new LinkedHashMap<>();
        calibrated.forEach((t, a) -> {
            if (needed.contains(t)) {
                out.put(t, a);
            }
        });
        return out;
    }

    private boolean reachesQuantizedLayer(String t, Map<String, List<OnnxMl.NodeProto>> readers,
            java.util.Set<String> needed) {
        for (OnnxMl.NodeProto r : readers.getOrDefault(t, List.of())) {
            boolean weighted = r.getOpType().equals("Conv") || r.getOpType().equals("Gemm");
            if (weighted ? !keepFloat.contains(r.getName()) && r.getInput(0).equals(t)
                    : r.getOutputList().stream().anyMatch(needed::contains)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Relus whose work their input's quantization already does: the input is read by the Relu
     * alone and has the Relu output's map, whose zero point is 0, so quantizing it clips the
     * negatives. Relu output → its input.
     */
    Map<String, String> removableRelus(OnnxMl.GraphProto graph) {
        Map<String, Integer> readers = GraphReaders.counts(graph);
        Map<String, String> out = new LinkedHashMap<>();
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            if (!n.getOpType().equals("Relu")) {
                continue;
            }
            Affine in = activations.get(n.getInput(0));
            Affine after = activations.get(n.getOutput(0));
            if (in != null && in.equals(after) && in.zeroPoint() == 0 && readers.getOrDefault(n.getInput(0), 0) == 1
                    && readers.getOrDefault(n.getOutput(0), 0) > 0
                    && graph.getOutputList().stream().noneMatch(o -> o.getName().equals(n.getOutput(0)))) {
                out.put(n.getOutput(0), n.getInput(0));
            }
        }
        return out;
    }

    /**
     * The tensor of the QDQ model made by the last {@link #write} that holds what {@code tensor} of
     * the float model becomes (dequantized).
     */
    String dequantized(String tensor) {
        String in = droppedRelus.getOrDefault(tensor, tensor);
        return activations.containsKey(in) ? dq(in) : in;
    }

    /** The weights quantized by the last {@link #write}, in node order. */
    List<QuantizedWeight> weights() {
        return List.copyOf(weights);
    }

    private static String dq(String tensor) {
        return tensor + "_dq";
    }

    /** {@code t → QuantizeLinear → t_q → DequantizeLinear → t_dq}, when {@code t} is calibrated. */
    private void quantizeActivation(String t, Map<String, OnnxMl.TensorProto> init, OnnxMl.GraphProto.Builder out) {
        Affine a = activations.get(t);
        if (a == null) {
            return;
        }
        init.put(t + "_scale", OnnxTensors.floats(t + "_scale", new float[] {a.scale()}));
        init.put(t + "_zero_point", OnnxTensors.bytes(t + "_zero_point", new int[] {a.zeroPoint()}, true));
        out.addNode(OnnxMl.NodeProto.newBuilder().setOpType("QuantizeLinear").setName(t + "/Q")
                .addInput(t).addInput(t + "_scale").addInput(t + "_zero_point").addOutput(t + "_q"));
        out.addNode(OnnxMl.NodeProto.newBuilder().setOpType("DequantizeLinear").setName(t + "/DQ")
                .addInput(t + "_q").addInput(t + "_scale").addInput(t + "_zero_point").addOutput(dq(t)));
    }

    /**
     * Replaces the node's weight (and bias) by int8 (int32) initializers read through
     * DequantizeLinear nodes added to {@code out}; records the weight's maps and SQNR.
     */
    private void quantizeWeights(OnnxMl.NodeProto n, OnnxMl.NodeProto.Builder node, Map<String, OnnxMl.TensorProto> init,
            OnnxMl.GraphProto.Builder out) {
        OnnxMl.TensorProto wt = init.get(n.getInput(1));
        float[] w = OnnxTensors.floats(wt);
        long[] dims = OnnxTensors.dims(wt);
        boolean transposed = n.getOpType().equals("Gemm") && intAttr(n, "transB") == 0;
        int axis = transposed ? 1 : 0;
        int channels = (int) dims[axis];
        Affine[] maps = weightMaps(w, dims, axis, channels);
        int[] q = new int[w.length];
        double signal = 0;
        double noise = 0;
        for (int i = 0; i < w.length; i++) {
            Affine a = maps[channelOf(i, dims, axis)];
            q[i] = a.quantize(w[i]);
            double e = w[i] - a.dequantize(q[i]);
            signal += (double) w[i] * w[i];
            noise += e * e;
        }
        String name = n.getInput(1);
        init.put(name + "_q", OnnxTensors.bytes(name + "_q", q, false, dims));
        init.remove(name);
        addDq(out, init, name, maps, perChannel ? axis : -1, false);
        node.setInput(1, name + "_dq");
        if (n.getInputCount() > 2 && init.containsKey(n.getInput(2))) {
            Affine x = activations.get(n.getInput(0));
            float[] b = OnnxTensors.floats(init.get(n.getInput(2)));
            Affine[] bmaps = new Affine[perChannel ? b.length : 1];
            int[] bq = new int[b.length];
            for (int c = 0; c < b.length; c++) {
                Affine bm = new Affine(x.scale() * maps[perChannel ? c : 0].scale(), 0, Integer.MIN_VALUE + 1,
                        Integer.MAX_VALUE);
                if (perChannel || c == 0) {
                    bmaps[perChannel ? c : 0] = bm;
                }
                bq[c] = bm.quantize(b[c]);
            }
            String bias = n.getInput(2);
            init.remove(bias);
            init.put(bias + "_q", OnnxTensors.ints(bias + "_q", bq, b.length));
            addDq(out, init, bias, bmaps, perChannel ? 0 : -1, true);
            node.setInput(2, bias + "_dq");
        }
        weights.add(new QuantizedWeight(n.getName(), n.getOpType(), maps,
                noise == 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(signal / noise)));
    }

    /** Symmetric int8 maps, one per channel along {@code axis} (or one for the whole tensor). */
    private Affine[] weightMaps(float[] w, long[] dims, int axis, int channels) {
        double[] absMax = new double[perChannel ? channels : 1];
        for (int i = 0; i < w.length; i++) {
            int c = perChannel ? channelOf(i, dims, axis) : 0;
            absMax[c] = Math.max(absMax[c], Math.abs(w[i]));
        }
        Affine[] maps = new Affine[channels];
        for (int c = 0; c < channels; c++) {
            maps[c] = Affine.int8Symmetric(absMax[perChannel ? c : 0]);
        }
        return maps;
    }

    /** The index along {@code axis} (0 or 1) of flat element {@code i}. */
    private static int channelOf(int i, long[] dims, int axis) {
        long inner = 1;
        for (int d = axis + 1; d < dims.length; d++) {
            inner *= dims[d];
        }
        return (int) ((i / inner) % dims[axis]);
    }

    /** {@code name_q → DequantizeLinear → name_dq} with the maps' scales and zero points. */
    private void addDq(OnnxMl.GraphProto.Builder out, Map<String, OnnxMl.TensorProto> init, String name, Affine[] maps,
            int axis, boolean int32) {
        int k = axis < 0 ? 1 : maps.length;
        float[] scales = new float[k];
        int[] zeros = new int[k];
        for (int c = 0; c < k; c++) {
            scales[c] = maps[c].scale();
            zeros[c] = maps[c].zeroPoint();
        }
        long[] dims = axis < 0 ? new long[0] : new long[] {k};
        init.put(name + "_scale", OnnxTensors.floats(name + "_scale", scales, dims));
        init.put(name + "_zero_point", int32 ? OnnxTensors.ints(name + "_zero_point", zeros, dims)
                : OnnxTensors.bytes(name + "_zero_point", zeros, false, dims));
        OnnxMl.NodeProto.Builder dq = OnnxMl.NodeProto.newBuilder().setOpType("DequantizeLinear").setName(name + "/DQ")
                .addInput(name + "_q").addInput(name + "_scale").addInput(name + "_zero_point").addOutput(name + "_dq");
        if (axis >= 0) {
            dq.addAttribute(OnnxMl.AttributeProto.newBuilder().setName("axis")
                    .setType(OnnxMl.AttributeProto.AttributeType.INT).setI(axis));
        }
        out.addNode(dq);
    }

    private static long intAttr(OnnxMl.NodeProto n, String name) {
        return n.getAttributeList().stream().filter(a -> a.getName().equals(name)).findFirst()
                .map(OnnxMl.AttributeProto::getI).orElse(0L);
    }
}

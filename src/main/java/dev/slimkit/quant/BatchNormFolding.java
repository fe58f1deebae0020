package dev.slimkit.quant;

import dev.slimkit.onnx.OnnxTensors;
import ai.onnx.proto.OnnxMl;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds every BatchNormalization whose input is a Conv's output read by nothing else into that
 * Conv (inference mode: {@code w' = w·γ/√(σ²+ε)}, {@code b' = (b − μ)·γ/√(σ²+ε) + β}), so that
 * the quantized convolution computes what conv + batch norm computed. Other batch norms stay.
 */
final class BatchNormFolding {

    private BatchNormFolding() {}

    /** {@code model} with its foldable batch norms folded (node order kept). */
    static OnnxMl.ModelProto fold(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto graph = model.getGraph();
        Map<String, OnnxMl.TensorProto> init = new java.util.LinkedHashMap<>();
        graph.getInitializerList().forEach(t -> init.put(t.getName(), t));
        Map<String, Integer> readers = GraphReaders.counts(graph);
        Map<String, OnnxMl.NodeProto> producer = new HashMap<>();
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            n.getOutputList().forEach(o -> producer.put(o, n));
        }
        Map<String, OnnxMl.NodeProto> foldedInto = new HashMap<>(); // conv name -> its folded version
        java.util.Set<OnnxMl.NodeProto> dropped = new java.util.HashSet<>();
        for (OnnxMl.NodeProto bn : graph.getNodeList()) {
            if (!bn.getOpType().equals("BatchNormalization")) {
                continue;
            }
            OnnxMl.NodeProto conv = producer.get(bn.getInput(0));
            if (conv == null || !conv.getOpType().equals("Conv") || readers.get(bn.getInput(0)) != 1
                    || !bn.getInputList().subList(1, 5).stream().allMatch(init::containsKey)
                    || !init.containsKey(conv.getInput(1))) {
                continue;
            }
            foldedInto.put(conv.getName(), folded(conv, bn, init));
            dropped.add(bn);
        }
        OnnxMl.GraphProto.Builder out = graph.toBuilder().clearNode().clearInitializer();
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            if (!dropped.contains(n)) {
                out.addNode(foldedInto.getOrDefault(n.getName(), n));
            }
        }
        init.values().forEach(out::addInitializer);
        pruneUnused(out);
        return model.toBuilder().setGraph(out).build();
    }

    /** The conv with the batch norm's output as its own and new folded weight and bias initializers in {@code init}. */
    private static OnnxMl.NodeProto folded(OnnxMl.NodeProto conv, OnnxMl.NodeProto bn,
            Map<String, OnnxMl.TensorProto> init) {
        OnnxMl.TensorProto wt = init.get(conv.getInput(1));
        float[] w = OnnxTensors.floats(wt);
        long[] dims = OnnxTensors.dims(wt);
        int out = (int) dims[0];
        int per = w.length / out;
        float[] gamma = OnnxTensors.floats(init.get(bn.getInput(1)));
        float[] beta = OnnxTensors.floats(init.get(bn.getInput(2)));
        float[] mean = OnnxTensors.floats(init.get(bn.getInput(3)));
        float[] var = OnnxTensors.floats(init.get(bn.getInput(4)));
        float eps = bn.getAttributeList().stream().filter(a -> a.getName().equals("epsilon")).findFirst()
                .map(OnnxMl.AttributeProto::getF).orElse(1e-5f);
        boolean hasBias = conv.getInputCount() > 2 && !conv.getInput(2).isEmpty();
        float[] b = hasBias ? OnnxTensors.floats(init.get(conv.getInput(2))) : new float[out];
        float[] fw = new float[w.length];
        float[] fb = new float[out];
        for (int o = 0; o < out; o++) {
            double s = gamma[o] / Math.sqrt(var[o] + (double) eps);
            for (int j = 0; j < per; j++) {
                fw[o * per + j] = (float) (w[o * per + j] * s);
            }
            fb[o] = (float) ((b[o] - mean[o]) * s + beta[o]);
        }
        String wName = conv.getInput(1) + ".folded";
        String bName = conv.getName() + ".folded_bias";
        init.put(wName, OnnxTensors.floats(wName, fw, dims));
        init.put(bName, OnnxTensors.floats(bName, fb, out));
        OnnxMl.NodeProto.Builder n = conv.toBuilder().clearInput().addInput(conv.getInput(0)).addInput(wName)
                .addInput(bName).clearOutput().addOutput(bn.getOutput(0));
        return n.build();
    }

    /** Drops initializers no node reads any more (the unfolded weights and the batch norms' parameters). */
    private static void pruneUnused(OnnxMl.GraphProto.Builder graph) {
        java.util.Set<String> read = new java.util.HashSet<>();
        graph.getNodeList().forEach(n -> read.addAll(n.getInputList()));
        List<OnnxMl.TensorProto> kept = graph.getInitializerList().stream().filter(t -> read.contains(t.getName()))
                .toList();
        graph.clearInitializer().addAllInitializer(kept);
    }
}

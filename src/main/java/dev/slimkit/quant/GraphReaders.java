package dev.slimkit.quant;

import ai.onnx.proto.OnnxMl;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Who reads each value of an ONNX graph: the rules of folding, range sharing and QDQ writing ask it. */
final class GraphReaders {

    private GraphReaders() {}

    /** How many times each value is read: by a node's input, or as a graph output. */
    static Map<String, Integer> counts(OnnxMl.GraphProto graph) {
        Map<String, Integer> readers = new HashMap<>();
        graph.getNodeList().forEach(n -> n.getInputList().forEach(i -> readers.merge(i, 1, Integer::sum)));
        graph.getOutputList().forEach(o -> readers.merge(o.getName(), 1, Integer::sum));
        return readers;
    }

    /** The nodes reading each value, in graph order. */
    static Map<String, List<OnnxMl.NodeProto>> nodes(OnnxMl.GraphProto graph) {
        Map<String, List<OnnxMl.NodeProto>> readers = new HashMap<>();
        graph.getNodeList().forEach(n -> n.getInputList().forEach(i -> readers.computeIfAbsent(i,
                k -> new ArrayList<>()).add(n)));
        return readers;
    }
}

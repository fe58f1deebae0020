package dev.slimkit.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX image classifier into a real {@link ModelSpec} with its weights, so that it trains, prunes,
 * distils and trims like a built-in architecture. The graph must be a chain from one image input (N, C, H,
 * W) to one logits output, of {@code Conv}, {@code BatchNormalization}, {@code Relu}, {@code MaxPool},
 * {@code AveragePool}, {@code GlobalAveragePool}, {@code Gemm} or {@code MatMul} (+ {@code Add} of a bias),
 * {@code Flatten} / {@code Reshape} to (N, -1), with {@code Identity}, {@code Dropout} and zero {@code Pad}s
 * skipped; a value that feeds two paths which meet again in an {@code Add} followed by {@code Relu} is a
 * residual block (the shorter path, or none, is its shortcut). Anything else is refused in one line naming
 * the node and its op. PyTorch's {@code torch.onnx.export} of a model in eval mode folds batch norms that
 * follow a convolution into it: those arrive as convolutions with a bias.
 */
public final class OnnxImport {

    /** The ops this reader understands. */
    public static final List<String> OPS = List.of("Conv", "BatchNormalization", "Relu", "MaxPool", "AveragePool",
            "GlobalAveragePool", "Gemm", "MatMul", "Add", "Flatten", "Reshape", "Identity", "Dropout", "Pad");

    private final String file;
    private final OnnxMl.GraphProto graph;
    private final Map<String, OnnxMl.TensorProto> constants = new HashMap<>();
    private final OnnxNodes nodes;
    private final OnnxLayers layers;
    private final Map<String, List<OnnxMl.NodeProto>> consumers = new HashMap<>();
    private final Set<String> outputs = new java.util.HashSet<>();
    /** Weights by parameter path, with their ONNX shapes. */
    private final Map<String, float[]> weights = new LinkedHashMap<>();
    private final Map<String, long[]> weightShapes = new HashMap<>();

    private OnnxImport(String file, OnnxMl.GraphProto graph) {
        this.file = file;
        this.graph = graph;
        this.nodes = new OnnxNodes(file, constants);
        this.layers = new OnnxLayers(nodes, constants, consumers, this::isJoin, weights, weightShapes);
        for (OnnxMl.TensorProto t : graph.getInitializerList()) {
            constants.put(t.getName(), t);
        }
        for (OnnxMl.NodeProto n : graph.getNodeList()) {
            if (n.getOpType().equals("Constant")) {
                for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                    if (a.getName().equals("value") && a.hasT()) {
                        constants.put(n.getOutput(0), a.getT());
                    }
                }
                continue;
            }
            for (String in : n.getInputList()) {
                if (!in.isEmpty() && !constants.containsKey(in)) {
                    consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                }
            }
        }
        graph.getOutputList().forEach(o -> outputs.add(o.getName()));
    }

    /**
     * Reads {@code file} into a model named {@code name}; {@code seed} only seeds what the file does not
     * hold (nothing, for a supported graph).
     *
     * @throws IllegalArgumentException one line naming the file, and the node and op that cannot be read
     * @throws UncheckedIOException when the file cannot be read
     */
    public static SlimModel load(String name, Path file, long seed) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ONNX file [" + file + "]: " + e, e);
        }
        return load(name, bytes, file.getFileName().toString(), seed);
    }

    /** Reads a serialized ONNX model ({@code source} names it in messages); see {@link #load(String, Path, long)}. */
    public static SlimModel load(String name, byte[] bytes, String source, long seed) {
        OnnxImport reader = new OnnxImport(source, parse(bytes, source).getGraph());
        ModelSpec spec = reader.spec(source.replaceFirst("\\.onnx$", ""));
        SlimModel model = SlimModel.create(name, spec, seed);
        try {
            reader.assign(model);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /** Reads only the architecture of a serialized ONNX model. */
    public static ModelSpec spec(byte[] bytes, String source) {
        return new OnnxImport(source, parse(bytes, source).getGraph()).spec(source.replaceFirst("\\.onnx$", ""));
    }

    private static OnnxMl.ModelProto parse(byte[] bytes, String source) {
        try {
            OnnxMl.ModelProto m = OnnxMl.ModelProto.parseFrom(bytes);
            if (!m.hasGraph() || m.getGraph().getNodeCount() == 0) {
                throw new IllegalArgumentException("[" + source + "] holds no ONNX graph; pass a file written by"
                        + " torch.onnx.export or another ONNX exporter");
            }
            return m;
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("[" + source + "] is not an ONNX model (" + OnnxRunner.oneLine(
                    e.getMessage()) + "); pass a .onnx file");
        }
    }

    private ModelSpec spec(String arch) {
        List<OnnxMl.ValueInfoProto> inputs = graph.getInputList().stream()
                .filter(v -> !constants.containsKey(v.getName())).toList();
        if (inputs.size() != 1 || graph.getOutputCount() != 1) {
            throw new IllegalArgumentException("[" + file + "] has " + inputs.size() + " inputs and "
                    + graph.getOutputCount() + " outputs; slimkit reads image classifiers with one image input"
                    + " and one output");
        }
        OnnxMl.ValueInfoProto input = inputs.get(0);
        List<OnnxMl.TensorShapeProto.Dimension> dims = input.getType().getTensorType().getShape().getDimList();
        if (dims.size() != 4 || dims.subList(1, 4).stream().anyMatch(d -> !d.hasDimValue() || d.getDimValue() < 1)) {
            throw new IllegalArgumentException("[" + file + "] input [" + input.getName() + "] has shape "
                    + dims.stream().map(d -> d.hasDimValue() ? String.valueOf(d.getDimValue()) : d.getDimParam())
                            .toList() + "; slimkit needs (batch, channels, height, width) with fixed image sizes");
        }
        List<Layer> layers = new ArrayList<>();
        Walk end = walk(input.getName(), null, layers, new Namer(""), "", 3);
        if (end.join != null) {
            throw nodes.refuse(end.join, "an Add of two computed values outside a residual block");
        }
        Layer last = layers.isEmpty() ? null : layers.get(layers.size() - 1);
        if (last == null || last.kind() != Layer.Kind.LINEAR) {
            throw new IllegalArgumentException("[" + file + "] does not end in a Gemm or MatMul (a linear layer);"
                    + " slimkit reads classifiers whose output is the last linear layer's logits");
        }
        ModelSpec spec = new ModelSpec("onnx:" + arch, (int) dims.get(1).getDimValue(),
                (int) dims.get(2).getDimValue(), (int) dims.get(3).getDimValue(), last.out(), 1.0, layers);
        try {
            spec.trace();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("[" + file + "] does not fit together as read: " + e.getMessage());
        }
        return spec;
    }

    /** Where a chain stopped: its last value, and the residual Add it reached (null at the graph output). */
    private record Walk(String value, OnnxMl.NodeProto join, int rank) {}

    /**
     * Reads a chain from {@code value} (starting with node {@code first} when given) into {@code out} until
     * the graph output or a residual join.
     */
    private Walk walk(String value, OnnxMl.NodeProto first, List<Layer> out, Namer names, String prefix, int rank) {
        String cur = value;
        OnnxMl.NodeProto next = first;
        while (true) {
            if (next == null) {
                if (outputs.contains(cur)) {
                    return new Walk(cur, null, rank);
                }
                List<OnnxMl.NodeProto> cons = consumers.getOrDefault(cur, List.of());
                if (cons.isEmpty()) {
                    throw new IllegalArgumentException("[" + file + "]: value [" + cur + "] is used by no node and is"
                            + " not the graph's output; slimkit reads one chain from input to output");
                }
                if (cons.size() > 2) {
                    throw nodes.refuse(cons.get(2), "a value that feeds " + cons.size() + " nodes (slimkit reads chains and"
                            + " two-path residual blocks)");
                }
                if (cons.size() == 2) {
                    Walk w = residual(cur, cons, out, names, prefix, rank);
                    cur = w.value;
                    rank = w.rank;
                    continue;
                }
                next = cons.get(0);
            }
            if (isJoin(next)) {
                return new Walk(cur, next, rank);
            }
            OnnxLayers.Step s = layers.translate(next, cur, out, names, prefix, rank);
            cur = s.value();
            rank = s.rank();
            next = null;
        }
    }

    private boolean isJoin(OnnxMl.NodeProto n) {
        return n.getOpType().equals("Add") && n.getInputCount() == 2 && !constants.containsKey(n.getInput(0))
                && !constants.containsKey(n.getInput(1));
    }

    /** Two paths from {@code value} that must meet in one Add, followed by one Relu. */
    private Walk residual(String value, List<OnnxMl.NodeProto> cons, List<Layer> out, Namer names, String prefix,
            int rank) {
        String name = names.next("res");
        String path = prefix.isEmpty() ? name : prefix + "." + name;
        List<List<Layer>> paths = new ArrayList<>();
        List<OnnxMl.NodeProto> joins = new ArrayList<>();
        int bodyRank = rank;
        for (int i = 0; i < 2; i++) {
            OnnxMl.NodeProto c = cons.get(i);
            List<Layer> layers = new ArrayList<>();
            if (isJoin(c)) {
                joins.add(c);
            } else {
                // Both paths are named under the block; the second's names are made distinct on rename below.
                Walk w = walk(value, c, layers, new Namer(i == 0 ? "" : "sc_"), path, rank);
                if (w.join == null) {
                    throw nodes.refuse(c, "a path that leaves [" + value + "] and never meets the other in an Add");
                }
                joins.add(w.join);
                bodyRank = w.rank;
            }
            paths.add(layers);
        }
        if (joins.get(0) != joins.get(1)) {
            throw nodes.refuse(joins.get(0), "two paths from [" + value + "] that end in different Adds");
        }
        OnnxMl.NodeProto add = joins.get(0);
        List<OnnxMl.NodeProto> after = consumers.getOrDefault(add.getOutput(0), List.of());
        if (after.size() != 1 || !after.get(0).getOpType().equals("Relu")) {
            throw nodes.refuse(add, "a residual Add not followed by one Relu (slimkit's residual block is relu(body +"
                    + " shortcut))");
        }
        boolean firstIsBody = paths.get(0).size() >= paths.get(1).size();
        List<Layer> body = paths.get(firstIsBody ? 0 : 1);
        List<Layer> shortcut = paths.get(firstIsBody ? 1 : 0);
        if (!firstIsBody) {
            // weights were filed under the names each path had; swap the prefixes to match body/shortcut roles
            body = renamePath(body, path, "sc_", "");
            shortcut = renamePath(shortcut, path, "", "sc_");
        }
        out.add(Layer.residual(name, body, shortcut));
        return new Walk(after.get(0).getOutput(0), null, bodyRank);
    }

    /** Renames a path's layers from prefix {@code from} to {@code to}, moving their weights along. */
    private List<Layer> renamePath(List<Layer> layers, String block, String from, String to) {
        List<Layer> renamed = new ArrayList<>();
        for (Layer l : layers) {
            String newName = to + l.name().substring(from.length());
            String oldPath = block + "." + l.name();
            String newPath = block + "." + newName;
            for (String key : new ArrayList<>(weights.keySet())) {
                if (key.startsWith(oldPath + ".")) {
                    String k = newPath + key.substring(oldPath.length());
                    weights.put(k, weights.remove(key));
                    weightShapes.put(k, weightShapes.remove(key));
                }
            }
            renamed.add(new Layer(l.kind(), newName, l.out(), l.kernel(), l.stride(), l.padding(), l.bias(), l.body(),
                    l.shortcut(), l.source(), l.shape()));
        }
        return renamed;
    }

    /** Copies every weight read into {@code model}'s parameters, checking shapes. */
    private void assign(SlimModel model) {
        Map<String, Parameter> params = model.parameters();
        for (Map.Entry<String, float[]> e : weights.entrySet()) {
            Parameter p = params.get(e.getKey());
            if (p == null) {
                throw new IllegalStateException("[" + file + "]: the model built has no parameter [" + e.getKey() + "]");
            }
            NDArray array = p.getArray();
            long[] want = array.getShape().getShape();
            long[] have = weightShapes.get(e.getKey());
            if (array.size() != e.getValue().length || (have.length == want.length && !Arrays.equals(have, want))) {
                throw new IllegalArgumentException("[" + file + "]: weight for [" + e.getKey() + "] has shape "
                        + Arrays.toString(have) + " but the layer needs " + Arrays.toString(want));
            }
            array.set(FloatBuffer.wrap(e.getValue()));
        }
        if (weights.size() != params.size()) {
            List<String> missing = params.keySet().stream().filter(k -> !weights.containsKey(k)).toList();
            throw new IllegalStateException("[" + file + "]: no weights read for " + missing);
        }
    }

    /** Layer names by kind within one list: conv1, conv2, bn1, ... */
    static final class Namer {
        private final String prefix;
        private final Map<String, Integer> counts = new HashMap<>();

        Namer(String prefix) {
            this.prefix = prefix;
        }

        String next(String kind) {
            return prefix + kind + counts.merge(kind, 1, Integer::sum);
        }
    }
}

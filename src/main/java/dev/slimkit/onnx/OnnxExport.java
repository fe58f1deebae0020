package dev.slimkit.onnx;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.onnx.proto.OnnxMl;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.Layer;
import dev.slimkit.model.SequentialLayers;
import dev.slimkit.model.SlimModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * Writes a slimkit model as an ONNX graph (opset 13, input {@code input} of shape (batch, C, H, W) with a
 * dynamic batch, output {@code logits} (batch, classes)) and checks it before it reports the file done: the
 * bytes are loaded in ONNX Runtime and its outputs on a batch of images are compared with slimkit's; the
 * file is written (atomically) only when the largest difference is within {@link #TOLERANCE}. Masked
 * (pruned) weights are written with their zeros; trimmed models are ordinary narrower graphs. A TorchScript
 * layer cannot be written: its graph is not slimkit's to see.
 */
public final class OnnxExport {

    /** The ONNX operator set the files use. */
    public static final int OPSET = 13;

    /** The largest |slimkit − ONNX Runtime| an export may show on its check batch. */
    public static final double TOLERANCE = 1e-4;

    /** How many images the check runs (fewer when the split has fewer). */
    public static final int CHECK_IMAGES = 32;

    /**
     * What an export wrote and how it was checked.
     *
     * @param file the ONNX file
     * @param bytes its size
     * @param checkedImages how many images the check ran
     * @param checkedOn what they were, e.g. {@code 32 test images of fmnist}
     * @param maxAbsDiff the largest |slimkit − ONNX Runtime| over all their logits
     * @param agreement the fraction of those images whose predicted class agrees
     */
    public record Result(Path file, long bytes, int checkedImages, String checkedOn, double maxAbsDiff,
            double agreement) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "wrote %s (%,d bytes, ONNX opset %d, dynamic batch); checked in ONNX"
                    + " Runtime on %s: max |Δ| %.2e (limit %.0e), same class for %.0f%% of them",
                    file, bytes, OPSET, checkedOn, maxAbsDiff, TOLERANCE, agreement * 100);
        }
    }

    private OnnxExport() {}

    /**
     * Exports {@code model} to {@code file}, checked on the first {@link #CHECK_IMAGES} images of {@code
     * check} ({@code checkName} says which, e.g. "test images of fmnist"); with a null split the check runs
     * on seeded standard-normal images (the scale of standardized pixels).
     *
     * @throws IllegalArgumentException for a TorchScript layer or images of another shape
     * @throws IllegalStateException when ONNX Runtime's outputs differ by more than {@link #TOLERANCE} (no
     *     file is written)
     * @throws UncheckedIOException when the file cannot be written
     */
    public static Result export(SlimModel model, Path file, ImageSplit check, String checkName) {
        byte[] onnx = toBytes(model);
        int[] shape = {model.spec().channels(), model.spec().height(), model.spec().width()};
        float[] pixels;
        int n;
        String on;
        if (check != null) {
            if (check.channels() != shape[0] || check.height() != shape[1] || check.width() != shape[2]) {
                throw new IllegalArgumentException("model [" + model.name() + "] takes " + shape[0] + "x" + shape[1]
                        + "x" + shape[2] + " images but the check images are " + check.channels() + "x"
                        + check.height() + "x" + check.width() + "; pass data of the model's image shape");
            }
            n = Math.min(CHECK_IMAGES, check.size());
            pixels = new float[n * check.itemSize()];
            for (int i = 0; i < n; i++) {
                System.arraycopy(check.image(i), 0, pixels, i * check.itemSize(), check.itemSize());
            }
            on = n + " " + checkName;
        } else {
            n = CHECK_IMAGES;
            pixels = new float[n * shape[0] * shape[1] * shape[2]];
            Random random = new Random(0);
            for (int i = 0; i < pixels.length; i++) {
                pixels[i] = (float) random.nextGaussian();
            }
            on = n + " seeded random images (pass data to check on real ones)";
        }
        Check c = check(model, onnx, pixels, n);
        if (!(c.maxAbsDiff <= TOLERANCE)) {
            throw new IllegalStateException(String.format(Locale.ROOT, "ONNX export of [%s] disagrees with slimkit"
                    + " on %s: max |Δ| %.3e > %.0e; nothing was written", model.name(), on, c.maxAbsDiff, TOLERANCE));
        }
        write(file, onnx);
        return new Result(file, onnx.length, n, on, c.maxAbsDiff, c.agreement);
    }

    /** The largest |slimkit − ONNX Runtime| on {@code n} seeded standard-normal images. */
    public static double checkOnRandomImages(SlimModel model, byte[] onnx, int n) {
        float[] pixels = new float[n * model.spec().channels() * model.spec().height() * model.spec().width()];
        Random random = new Random(0);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = (float) random.nextGaussian();
        }
        return check(model, onnx, pixels, n).maxAbsDiff;
    }

    /** The largest difference and the class agreement of slimkit and ONNX Runtime on a batch. */
    record Check(double maxAbsDiff, double agreement) {}

    /** Runs {@code n} images of {@code pixels} through slimkit and through ONNX Runtime on {@code onnx}. */
    static Check check(SlimModel model, byte[] onnx, float[] pixels, int n) {
        float[][] ours = slimkitLogits(model, pixels, n);
        float[][] theirs;
        try (OnnxRunner runner = new OnnxRunner(onnx, 0)) {
            theirs = runner.run(pixels, new long[] {n, model.spec().channels(), model.spec().height(),
                    model.spec().width()});
        }
        double max = 0;
        int same = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < ours[i].length; j++) {
                max = Math.max(max, Math.abs(ours[i][j] - theirs[i][j]));
            }
            same += argmax(ours[i]) == argmax(theirs[i]) ? 1 : 0;
        }
        return new Check(max, (double) same / n);
    }

    /** slimkit's logits (inference mode) for {@code n} images, one row each. */
    public static float[][] slimkitLogits(SlimModel model, float[] pixels, int n) {
        try (NDManager m = model.manager().newSubManager()) {
            NDArray images = m.create(pixels, model.inputShape(n));
            float[] flat = model.forward(images, false).toFloatArray();
            int classes = flat.length / n;
            float[][] out = new float[n][classes];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * classes, out[i], 0, classes);
            }
            return out;
        }
    }

    static int argmax(float[] row) {
        int best = 0;
        for (int j = 1; j < row.length; j++) {
            if (row[j] > row[best]) {
                best = j;
            }
        }
        return best;
    }

    /**
     * The model as a serialized ONNX {@code ModelProto}, unchecked.
     *
     * @throws IllegalArgumentException for a model holding a TorchScript layer
     */
    public static byte[] toBytes(SlimModel model) {
        for (Layer l : model.spec().torchScriptLayers()) {
            throw new IllegalArgumentException("model [" + model.name() + "] holds TorchScript layer [" + l.name()
                    + "] (" + l.source() + "), whose graph slimkit cannot see, so it cannot be written as ONNX;"
                    + " export the PyTorch module with torch.onnx.export and import that file instead");
        }
        Graph g = new Graph(model.parameters());
        String out = g.layers(model.spec().layers(), "", "input");
        OnnxMl.GraphProto.Builder graph = g.graph.setName(model.name().isBlank() ? "slimkit" : model.name())
                .addInput(valueInfo("input", "batch", model.spec().channels(), model.spec().height(),
                        model.spec().width()))
                .addOutput(valueInfo("logits", "batch", model.spec().classes()));
        // The last node's output is renamed to the graph output.
        int last = graph.getNodeCount() - 1;
        OnnxMl.NodeProto.Builder lastNode = graph.getNodeBuilder(last);
        for (int i = 0; i < lastNode.getOutputCount(); i++) {
            if (lastNode.getOutput(i).equals(out)) {
                lastNode.setOutput(i, "logits");
            }
        }
        return OnnxMl.ModelProto.newBuilder()
                .setIrVersion(7)
                .setProducerName("slimkit")
                .setProducerVersion(dev.slimkit.io.Provenance.SLIMKIT_VERSION)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(graph)
                .build()
                .toByteArray();
    }

    /** Builds nodes and initializers from spec layers. */
    private static final class Graph {
        final OnnxMl.GraphProto.Builder graph = OnnxMl.GraphProto.newBuilder();
        final Map<String, Parameter> params;
        int counter;

        Graph(Map<String, Parameter> params) {
            this.params = params;
        }

        /** Adds {@code layers} (paths under {@code prefix}) fed by value {@code in}; returns the output value. */
        String layers(List<Layer> layers, String prefix, String in) {
            String cur = in;
            for (Layer l : layers) {
                String path = prefix.isEmpty() ? l.name() : prefix + "." + l.name();
                cur = layer(l, path, cur);
            }
            return cur;
        }

        String layer(Layer l, String path, String in) {
            switch (l.kind()) {
                case CONV -> {
                    OnnxMl.NodeProto.Builder n = node("Conv", path, in, weight(path + ".weight"));
                    if (l.bias()) {
                        n.addInput(weight(path + ".bias"));
                    }
                    n.addAttribute(ints("kernel_shape", l.kernel(), l.kernel()))
                            .addAttribute(ints("strides", l.stride(), l.stride()))
                            .addAttribute(ints("pads", l.padding(), l.padding(), l.padding(), l.padding()))
                            .addAttribute(ints("dilations", 1, 1))
                            .addAttribute(intAttr("group", 1));
                    return add(n);
                }
                case BATCH_NORM -> {
                    return add(node("BatchNormalization", path, in, weight(path + ".gamma"), weight(path + ".beta"),
                            weight(path + ".runningMean"), weight(path + ".runningVar"))
                            .addAttribute(floatAttr("epsilon", SequentialLayers.BN_EPSILON))
                            .addAttribute(floatAttr("momentum", SequentialLayers.BN_MOMENTUM)));
                }
                case RELU -> {
                    return add(node("Relu", path, in));
                }
                case MAX_POOL, AVG_POOL -> {
                    return add(node(l.kind() == Layer.Kind.MAX_POOL ? "MaxPool" : "AveragePool", path, in)
                            .addAttribute(ints("kernel_shape", l.kernel(), l.kernel()))
                            .addAttribute(ints("strides", l.stride(), l.stride()))
                            .addAttribute(ints("pads", 0, 0, 0, 0)));
                }
                case GLOBAL_AVG_POOL -> {
                    String pooled = add(node("GlobalAveragePool", path, in));
                    return add(node("Flatten", path + ".flatten", pooled).addAttribute(intAttr("axis", 1)));
                }
                case FLATTEN -> {
                    return add(node("Flatten", path, in).addAttribute(intAttr("axis", 1)));
                }
                case LINEAR -> {
                    OnnxMl.NodeProto.Builder n = node("Gemm", path, in, weight(path + ".weight"));
                    if (l.bias()) {
                        n.addInput(weight(path + ".bias"));
                    }
                    return add(n.addAttribute(intAttr("transB", 1)));
                }
                case RESIDUAL -> {
                    String body = layers(l.body(), path, in);
                    String skip = l.shortcut().isEmpty() ? in : layers(l.shortcut(), path, in);
                    String sum = add(node("Add", path + ".add", body, skip));
                    return add(node("Relu", path + ".relu", sum));
                }
                default -> throw new IllegalArgumentException("layer [" + path + "] of kind " + l.kind()
                        + " cannot be written as ONNX");
            }
        }

        OnnxMl.NodeProto.Builder node(String op, String name, String... inputs) {
            OnnxMl.NodeProto.Builder n = OnnxMl.NodeProto.newBuilder().setOpType(op).setName(name + "/" + op);
            for (String i : inputs) {
                n.addInput(i);
            }
            return n.addOutput(name + "/" + op + "_" + counter++);
        }

        String add(OnnxMl.NodeProto.Builder n) {
            graph.addNode(n);
            return n.getOutput(0);
        }

        /** Adds the parameter at {@code path} as an initializer and returns its name. */
        String weight(String path) {
            Parameter p = params.get(path);
            if (p == null) {
                throw new IllegalStateException("model has no parameter [" + path + "]");
            }
            NDArray array = p.getArray();
            graph.addInitializer(OnnxTensors.floats(path, array.toFloatArray(), array.getShape().getShape()));
            return path;
        }
    }

    private static OnnxMl.AttributeProto ints(String name, long... values) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name)
                .setType(OnnxMl.AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static OnnxMl.AttributeProto intAttr(String name, long value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.INT)
                .setI(value).build();
    }

    private static OnnxMl.AttributeProto floatAttr(String name, float value) {
        return OnnxMl.AttributeProto.newBuilder().setName(name).setType(OnnxMl.AttributeProto.AttributeType.FLOAT)
                .setF(value).build();
    }

    private static OnnxMl.ValueInfoProto valueInfo(String name, String batch, long... dims) {
        OnnxMl.TensorShapeProto.Builder shape = OnnxMl.TensorShapeProto.newBuilder()
                .addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
        for (long d : dims) {
            shape.addDim(OnnxMl.TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder()
                        .setElemType(OnnxMl.TensorProto.DataType.FLOAT.getNumber()).setShape(shape))).build();
    }

    /** Writes {@code bytes} to a temporary file beside {@code file} and moves it over {@code file} atomically. */
    private static void write(Path file, byte[] bytes) {
        Path target = file.toAbsolutePath();
        Path tmp = null;
        try {
            Path dir = target.getParent();
            if (dir != null) {
                Files.createDirectories(dir);
            }
            tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                // createTempFile makes owner-only files; an exported model is an ordinary file
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            Files.write(tmp, bytes);
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the original failure is the one to report
                }
            }
            throw new UncheckedIOException("cannot write ONNX file [" + file + "]: " + e
                    + "; pick a folder you can write to", e);
        }
    }
}

package dev.slimkit.model;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bases from PyTorch: reads a TorchScript file ({@code torch.jit.script(model).save(...)}),
 * measures its output shape, and loads it as a trainable DJL {@code PtSymbolBlock} inside a
 * {@link SlimModel}. The module's parameters become the model's parameters under the layer's name
 * ({@code backbone.features.0.weight}), so freezing, fine-tuning, pruning and saving work on them;
 * its graph stays opaque, so it cannot be trimmed and its MACs are unknown.
 */
public final class TorchScript {

    /** Name of the layer holding a whole TorchScript classifier. */
    public static final String NET = "net";

    /** Name of the layer holding a TorchScript backbone under a new head. */
    public static final String BACKBONE = "backbone";

    /** Name of the linear head put on a TorchScript backbone. */
    public static final String HEAD = "head";

    /** A Python exception line, e.g. {@code RuntimeError: mat1 and mat2 shapes cannot be multiplied}. */
    private static final java.util.regex.Pattern ERROR_LINE = java.util.regex.Pattern.compile("^\\w*Error: (.+)$");

    private TorchScript() {}

    /**
     * Builds a model from a TorchScript file. With {@code classes} 0 the module must output class
     * scores, shape (N, K), and becomes the whole model (layer {@value #NET}); with {@code classes}
     * N it is a backbone (layer {@value #BACKBONE}) under a fresh linear head of N classes
     * ({@value #HEAD}), flattened first when its output per image is not a vector.
     *
     * @param inputShape channels, height, width of one image
     * @throws IllegalArgumentException for a missing or unreadable file, an input the module
     *     rejects, or an output that cannot be class scores; each names the value and the fix
     */
    public static SlimModel load(String name, Path file, int[] inputShape, int classes, long seed) {
        if (inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
            throw new IllegalArgumentException("input shape " + Arrays.toString(inputShape)
                    + " must be channels x height x width, e.g. 1x28x28");
        }
        if (classes < 0 || classes == 1) {
            throw new IllegalArgumentException("classes must be >= 2 (or 0 to keep the module's output), got ["
                    + classes + "]");
        }
        byte[] module = read(file);
        String source = file.getFileName().toString();
        long[] out = outputShape(module, source, inputShape);
        List<Layer> layers = new ArrayList<>();
        int numClasses;
        if (classes == 0) {
            if (out.length != 1) {
                throw new IllegalArgumentException("TorchScript model [" + source + "] outputs " + Arrays.toString(out)
                        + " per image, not class scores; pass classes(...) N to put a linear head of N classes on it");
            }
            layers.add(Layer.torchScript(NET, source, out));
            numClasses = (int) out[0];
            if (numClasses < 2) {
                throw new IllegalArgumentException("TorchScript model [" + source + "] outputs " + numClasses
                        + " value per image; a classifier needs >= 2; pass classes(...) N to put a linear head on it");
            }
        } else {
            layers.add(Layer.torchScript(BACKBONE, source, out));
            if (out.length != 1) {
                layers.add(Layer.flatten("flatten"));
            }
            layers.add(Layer.linear(HEAD, classes));
            numClasses = classes;
        }
        ModelSpec spec = new ModelSpec("torchscript", inputShape[0], inputShape[1], inputShape[2], numClasses, 1.0, layers);
        return SlimModel.create(name, spec, seed, java.util.Map.of(layers.get(0).name(), module));
    }

    /**
     * Reads a TorchScript file's bytes.
     *
     * @throws IllegalArgumentException if it is missing, unreadable or not a TorchScript archive
     */
    public static byte[] read(Path file) {
        if (file == null || !Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no TorchScript file at [" + file + "]; check the path");
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read TorchScript file [" + file + "]: " + e.getMessage(), e);
        }
        // torch.jit.save writes a zip archive; anything else (a pickled state_dict saved with
        // torch.save is a zip too, but has no code/ folder) fails at load with a clear message.
        if (bytes.length < 4 || bytes[0] != 'P' || bytes[1] != 'K') {
            throw new IllegalArgumentException("[" + file + "] is not a TorchScript file; export one in Python with"
                    + " torch.jit.script(model).save('"
                    + (file.getFileName().toString().endsWith(".pt") ? file.getFileName() : "model.pt") + "')");
        }
        return bytes;
    }

    /**
     * Loads {@code module} onto {@code manager}'s device with trainable parameters.
     *
     * @throws IllegalArgumentException if PyTorch cannot load it
     */
    static PtSymbolBlock load(NDManager manager, byte[] module, String source) {
        if (!(manager instanceof PtNDManager pt)) {
            throw new IllegalStateException("TorchScript needs the PyTorch engine, not " + manager.getEngine().getEngineName());
        }
        if (module == null) {
            throw new IllegalArgumentException("no TorchScript module given for [" + source + "]");
        }
        try (InputStream in = new ByteArrayInputStream(module)) {
            PtSymbolBlock block = JniUtils.loadModule(pt, in, true, false);
            block.freezeParameters(false); // trainable, as DJL's trainParam=true gives
            return block;
        } catch (IOException | EngineException e) {
            String reason = firstLine(e);
            if (reason.contains("constants.pkl")) {
                reason = "it holds no TorchScript code: torch.save writes such files, a state_dict or a pickled model";
            }
            throw new IllegalArgumentException("[" + source + "] is not a TorchScript module PyTorch "
                    + "can load (" + reason + "); export it with torch.jit.script(model).save(...)", e);
        }
    }

    /** The module's current state (weights and buffers) as TorchScript bytes. */
    static byte[] bytes(Block block) {
        if (!(block instanceof PtSymbolBlock pt)) {
            throw new IllegalArgumentException("not a TorchScript block: " + block.getClass().getSimpleName());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        JniUtils.writeModule(pt, out, false);
        return out.toByteArray();
    }

    /** Runs the module once on zeros in inference mode and returns its output shape per image. */
    static long[] outputShape(byte[] module, String source, int[] inputShape) {
        try (NDManager manager = NDManager.newBaseManager()) {
            PtSymbolBlock block = load(manager, module, source);
            NDList out;
            try {
                out = block.forward(new ParameterStore(manager, false),
                        new NDList(manager.zeros(new Shape(2, inputShape[0], inputShape[1], inputShape[2]))), false);
            } catch (EngineException | IllegalArgumentException | UnsupportedOperationException e) {
                throw new IllegalArgumentException("TorchScript model [" + source + "] fails on a " + inputShape[0] + "x"
                        + inputShape[1] + "x" + inputShape[2] + " input (" + firstLine(e)
                        + "); pass input(...) CxHxW with the image size it expects", e);
            }
            if (out.size() != 1 || out.get(0).getShape().dimension() < 2 || out.get(0).getShape().get(0) != 2) {
                throw new IllegalArgumentException("TorchScript model [" + source + "] returns " + out.size()
                        + " output(s) of shape " + (out.isEmpty() ? "none" : out.get(0).getShape())
                        + " for a batch of 2; slimkit needs one tensor (N, ...)");
            }
            long[] dims = out.get(0).getShape().getShape();
            return Arrays.copyOfRange(dims, 1, dims.length);
        }
    }

    /**
     * The one line of a PyTorch error worth showing: after a TorchScript traceback, the last
     * {@code RuntimeError: ...} line (e.g. "expected input[2, 3, 32, 32] to have 1 channels");
     * otherwise the first line.
     */
    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().strip();
        String[] lines = m.split("\n");
        for (int i = lines.length - 1; i >= 0; i--) {
            java.util.regex.Matcher error = ERROR_LINE.matcher(lines[i].strip());
            if (error.matches()) {
                return error.group(1).strip();
            }
        }
        return lines[0].strip();
    }
}

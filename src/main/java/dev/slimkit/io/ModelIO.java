package dev.slimkit.io;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import dev.slimkit.model.History;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Saves and loads a {@link SlimModel} as one self-describing zip file (by convention {@code
 * .slim}): {@code manifest.json} (format, name, provenance), {@code spec.json}, {@code params.bin}
 * (every parameter, BN running statistics included, with its path, shape and float32 values) and
 * {@code history.json}; a model with a TorchScript layer also stores that module, as TorchScript,
 * under {@code torchscript/LAYER.pt}. The zip's deflate compression makes pruned (mostly zero) tensors small on
 * disk. Loading rebuilds the model from the spec, so trimmed models reload with their new widths.
 */
public final class ModelIO {

    /** The format this version writes and reads. */
    public static final int FORMAT_VERSION = 1;

    private static final String TORCHSCRIPT_DIR = "torchscript/";
    private static final byte[] PARAMS_MAGIC = "SLIMPRM1".getBytes(StandardCharsets.US_ASCII);
    private static final int DENSE = 0;
    private static final int SPARSE = 1;
    private static final Gson GSON =
            new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();

    private ModelIO() {}

    /** The manifest stored in each artifact. */
    record Manifest(int format, String name, Provenance provenance, List<String> masked) {}

    /** The history as stored. */
    record StoredHistory(
            List<History.Epoch> epochs, List<History.Step> steps, Map<String, List<History.Step>> series) {}

    /**
     * Writes {@code model} to {@code file} atomically: a temporary file in the same folder is
     * written completely, then renamed over the target, so a crash never leaves half a file.
     *
     * @return the size in bytes of the written file
     */
    public static long save(SlimModel model, Path file, Map<String, String> notes) throws IOException {
        model.checkNotBusy();
        Path target = file.toAbsolutePath();
        Path dir = target.getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) {
                // createTempFile makes owner-only files; a saved model is an ordinary file.
                Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
            }
            try (OutputStream out = Files.newOutputStream(tmp);
                    ZipOutputStream zip = new ZipOutputStream(out)) {
                Manifest manifest =
                        new Manifest(FORMAT_VERSION, model.name(), Provenance.current(model.seed(), notes),
                                model.mask().map(m -> List.copyOf(m.paths())).orElse(List.of()));
                put(zip, "manifest.json", GSON.toJson(manifest).getBytes(StandardCharsets.UTF_8));
                put(zip, "spec.json", model.spec().toJson().getBytes(StandardCharsets.UTF_8));
                put(zip, "params.bin", encodeParams(model.parameters()));
                for (Map.Entry<String, byte[]> module : model.torchScriptModules().entrySet()) {
                    // The module itself: its code, and its buffers (BN statistics), which are not parameters.
                    put(zip, TORCHSCRIPT_DIR + module.getKey() + ".pt", module.getValue());
                }
                StoredHistory history =
                        new StoredHistory(model.history().epochs(), model.history().steps(), model.history().series());
                put(zip, "history.json", GSON.toJson(history).getBytes(StandardCharsets.UTF_8));
            }
            try {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        return Files.size(target);
    }

    /** Saves with no extra notes. */
    public static long save(SlimModel model, Path file) throws IOException {
        return save(model, file, Map.of());
    }

    /**
     * Loads a model saved by {@link #save}, under its saved name.
     *
     * @throws IOException naming the file when it is missing, not a slimkit artifact, corrupt,
     *     truncated, or when a stored shape does not match the spec
     */
    public static SlimModel load(Path file) throws IOException {
        return load(file, null);
    }

    /** Loads a model and names it {@code name} (the saved name when null). */
    public static SlimModel load(Path file, String name) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IOException("no model file at [" + file + "]; check the path (save with %save or Slim.save)");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            Manifest manifest = manifest(text(zip, file, "manifest.json"), file);
            if (manifest == null || manifest.format() != FORMAT_VERSION) {
                throw new IOException(
                        "model file [" + file + "] has format ["
                                + (manifest == null ? "none" : manifest.format())
                                + "]; this slimkit reads format " + FORMAT_VERSION);
            }
            ModelSpec spec;
            try {
                spec = ModelSpec.fromJson(text(zip, file, "spec.json"));
            } catch (IllegalArgumentException e) {
                throw new IOException("model file [" + file + "] has an invalid spec: " + e.getMessage(), e);
            }
            Map<String, float[]> values = new LinkedHashMap<>();
            Map<String, Shape> shapes = new LinkedHashMap<>();
            decodeParams(bytes(zip, file, "params.bin"), file, values, shapes);
            StoredHistory stored = history(text(zip, file, "history.json"), file);
            Map<String, byte[]> modules = new LinkedHashMap<>();
            for (dev.slimkit.model.Layer layer : spec.torchScriptLayers()) {
                modules.put(layer.name(), bytes(zip, file, TORCHSCRIPT_DIR + layer.name() + ".pt"));
            }
            SlimModel model;
            try {
                model = SlimModel.create(name == null ? manifest.name() : name, spec, manifest.provenance().seed(), modules);
            } catch (IllegalArgumentException e) {
                throw new IOException("model file [" + file + "]: " + e.getMessage(), e);
            }
            try {
                assign(model, values, shapes, file);
                if (manifest.masked() != null && !manifest.masked().isEmpty()) {
                    model.setMask(dev.slimkit.model.WeightMask.fromZeros(model, new java.util.LinkedHashSet<>(manifest.masked())));
                }
                if (stored != null && stored.epochs() != null) {
                    History loaded = History.of(stored.epochs(), stored.steps() == null ? List.of() : stored.steps());
                    for (History.Epoch e : loaded.epochs()) {
                        model.history().addEpoch(e);
                    }
                    for (History.Step s : loaded.steps()) {
                        model.history().addStep(s);
                    }
                    if (stored.series() != null) {
                        stored.series().forEach((k, v) -> v.forEach(step -> model.history().addSeriesValue(k, step)));
                    }
                }
                return model;
            } catch (IOException | RuntimeException e) {
                model.close();
                throw e;
            }
        } catch (ZipException e) {
            throw new IOException(
                    "model file [" + file + "] is corrupt or truncated (" + e.getMessage()
                            + "); save the model again",
                    e);
        } catch (JsonParseException e) {
            throw new IOException("model file [" + file + "] has unreadable JSON: " + e.getMessage(), e);
        }
    }

    private static Manifest manifest(String json, Path file) throws IOException {
        try {
            var o = JsonRead.object(json);
            List<String> masked = new java.util.ArrayList<>();
            if (o.has("masked") && o.get("masked").isJsonArray()) {
                o.getAsJsonArray("masked").forEach(e -> masked.add(e.getAsString()));
            }
            return new Manifest(JsonRead.integer(o, "format"), JsonRead.str(o, "name"),
                    o.has("provenance") ? JsonRead.provenance(o.getAsJsonObject("provenance"))
                            : new Provenance(null, null, null, null, 0, null, null), masked);
        } catch (RuntimeException e) {
            throw new IOException("model file [" + file + "] has an unreadable manifest: " + e.getMessage(), e);
        }
    }

    private static StoredHistory history(String json, Path file) throws IOException {
        try {
            var o = JsonRead.object(json);
            Map<String, List<History.Step>> series = new LinkedHashMap<>();
            if (o.has("series") && o.get("series").isJsonObject()) {
                o.getAsJsonObject("series").entrySet().forEach(e -> series.put(e.getKey(), JsonRead.steps(e.getValue().getAsJsonArray())));
            }
            return new StoredHistory(JsonRead.epochs(o.getAsJsonArray("epochs")), JsonRead.steps(o.getAsJsonArray("steps")), series);
        } catch (RuntimeException e) {
            throw new IOException("model file [" + file + "] has an unreadable history: " + e.getMessage(), e);
        }
    }

    private static void assign(
            SlimModel model, Map<String, float[]> values, Map<String, Shape> shapes, Path file)
            throws IOException {
        Map<String, Parameter> params = model.parameters();
        for (String path : params.keySet()) {
            if (!values.containsKey(path)) {
                throw new IOException("model file [" + file + "] lacks parameter [" + path + "] that its spec needs");
            }
        }
        for (String path : values.keySet()) {
            if (!params.containsKey(path)) {
                throw new IOException("model file [" + file + "] holds parameter [" + path + "] that its spec does not have");
            }
            Shape expected = params.get(path).getArray().getShape();
            if (!expected.equals(shapes.get(path))) {
                throw new IOException(
                        "model file [" + file + "]: parameter [" + path + "] has shape "
                                + shapes.get(path) + " but the spec needs " + expected);
            }
        }
        for (Map.Entry<String, Parameter> e : params.entrySet()) {
            NDArray array = e.getValue().getArray();
            array.set(values.get(e.getKey()));
        }
    }

    static byte[] encodeParams(Map<String, Parameter> params) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(PARAMS_MAGIC);
            out.writeInt(params.size());
            for (Map.Entry<String, Parameter> e : params.entrySet()) {
                NDArray array = e.getValue().getArray();
                long[] dims = array.getShape().getShape();
                out.writeUTF(e.getKey());
                out.writeInt(dims.length);
                for (long d : dims) {
                    out.writeLong(d);
                }
                float[] values = array.toFloatArray();
                out.writeInt(values.length);
                int nonzero = 0;
                for (float v : values) {
                    if (v != 0f) {
                        nonzero++;
                    }
                }
                if (nonzero < values.length / 2) {
                    // Sparse: a bitmap of non-zero positions, then the non-zero values.
                    out.writeByte(SPARSE);
                    out.writeInt(nonzero);
                    byte[] bitmap = new byte[(values.length + 7) / 8];
                    ByteBuffer kept = ByteBuffer.allocate(nonzero * 4).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < values.length; i++) {
                        if (values[i] != 0f) {
                            bitmap[i >> 3] |= (byte) (1 << (i & 7));
                            kept.putFloat(values[i]);
                        }
                    }
                    out.write(bitmap);
                    out.write(kept.array());
                } else {
                    out.writeByte(DENSE);
                    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                    buffer.asFloatBuffer().put(values);
                    out.write(buffer.array());
                }
            }
        }
        return bytes.toByteArray();
    }

    static void decodeParams(
            byte[] data, Path file, Map<String, float[]> values, Map<String, Shape> shapes)
            throws IOException {
        try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(data))) {
            byte[] magic = new byte[PARAMS_MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, PARAMS_MAGIC)) {
                throw new IOException("model file [" + file + "] has no slimkit parameter block");
            }
            int count = in.readInt();
            for (int i = 0; i < count; i++) {
                String path = in.readUTF();
                int ndim = in.readInt();
                if (ndim < 0 || ndim > 8) {
                    throw new IOException("model file [" + file + "] is corrupt: parameter [" + path + "] has " + ndim + " dimensions");
                }
                long[] dims = new long[ndim];
                for (int d = 0; d < ndim; d++) {
                    dims[d] = in.readLong();
                }
                int n = in.readInt();
                Shape shape = new Shape(dims);
                if (n < 0 || n != shape.size()) {
                    throw new IOException("model file [" + file + "] is corrupt: parameter [" + path + "] has " + n + " values for shape " + shape);
                }
                float[] v = new float[n];
                int encoding = in.readByte();
                if (encoding == DENSE) {
                    byte[] raw = new byte[n * 4];
                    in.readFully(raw);
                    ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                } else if (encoding == SPARSE) {
                    int nonzero = in.readInt();
                    if (nonzero < 0 || nonzero > n) {
                        throw new IOException("model file [" + file + "] is corrupt: parameter [" + path + "] claims " + nonzero + " non-zeros of " + n);
                    }
                    byte[] bitmap = new byte[(n + 7) / 8];
                    in.readFully(bitmap);
                    byte[] raw = new byte[nonzero * 4];
                    in.readFully(raw);
                    ByteBuffer kept = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
                    for (int j = 0; j < n; j++) {
                        if ((bitmap[j >> 3] & (1 << (j & 7))) != 0) {
                            if (!kept.hasRemaining()) {
                                throw new IOException("model file [" + file + "] is corrupt: parameter [" + path + "] has more positions than values");
                            }
                            v[j] = kept.getFloat();
                        }
                    }
                } else {
                    throw new IOException("model file [" + file + "] is corrupt: parameter [" + path + "] has encoding " + encoding);
                }
                values.put(path, v);
                shapes.put(path, shape);
            }
        } catch (java.io.EOFException e) {
            throw new IOException("model file [" + file + "] is truncated inside its parameters; save the model again", e);
        }
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(name));
        zip.write(content);
        zip.closeEntry();
    }

    private static byte[] bytes(ZipFile zip, Path file, String name) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null) {
            throw new IOException(
                    "model file [" + file + "] lacks " + name + "; it is not a slimkit model (save with %save or Slim.save)");
        }
        try (InputStream in = zip.getInputStream(entry)) {
            return in.readAllBytes();
        }
    }

    private static String text(ZipFile zip, Path file, String name) throws IOException {
        return new String(bytes(zip, file, name), StandardCharsets.UTF_8);
    }
}

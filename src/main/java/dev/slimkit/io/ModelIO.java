package dev.slimkit.io;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import dev.slimkit.model.History;
import dev.slimkit.model.WeightMask;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Saves and loads a {@link SlimModel} as one self-describing zip file (by convention {@code
 * .slim}): {@code manifest.json} (format, name, provenance, pruned parameters and a SHA-256 of
 * every other entry), {@code spec.json}, {@code params.bin} (every parameter, BN running
 * statistics included, with its path, shape and float32 values) and {@code history.json}; a model
 * with a TorchScript layer also stores that module, as TorchScript, under {@code
 * torchscript/LAYER.pt}. The zip's deflate compression makes pruned (mostly zero) tensors small on
 * disk. Loading rebuilds the model from the spec, so trimmed models reload with their new widths.
 *
 * <p><b>Saving</b> is durable and atomic ({@link DurableFile}): the old file survives any failure
 * or interrupt. The same model state always gives the same bytes (fixed zip timestamps; a model
 * saved or loaded and not changed since keeps its provenance), so save, load and save again gives
 * an identical file.
 *
 * <p><b>Loading</b> trusts nothing in the file: each entry is read up to a cap (the spec's
 * parameter count fixes the cap of the weights), checked against its zip CRC and its SHA-256,
 * every declared tensor shape is checked against the model the spec builds before any array for
 * it is made, and sizes use exact arithmetic. Whatever is wrong, the caller gets one {@link
 * ModelFileException} with a one-line message naming the file. A file whose model holds a
 * TorchScript module comes with a notice that it holds code that will run (see {@link #open}).
 */
public final class ModelIO {

    /**
     * The format this version writes: 2 adds entry checksums and the sparse encoding that keeps
     * -0.0. Format 1 files (slimkit before checksums) still load; a slimkit that reads only format
     * 1 refuses format 2 files by their number instead of misreading them.
     */
    public static final int FORMAT_VERSION = 2;

    /** The oldest format this version reads. */
    public static final int OLDEST_FORMAT = 1;

    /** The most parameters a spec may declare (outside TorchScript modules): 2^28 floats, 1 GiB. */
    public static final long MAX_PARAMETERS = 1L << 28;

    /** The most values one layer may output per image (a bound on later activations). */
    static final long MAX_ACTIVATIONS = 1L << 28;

    static final long MANIFEST_CAP = 4L << 20;
    static final long SPEC_CAP = 16L << 20;
    static final long HISTORY_CAP = 64L << 20;
    static final long MODULE_CAP = 1L << 30;
    static final int MAX_JSON_DEPTH = 64;

    static final String MANIFEST = "manifest.json";
    static final String SPEC = "spec.json";
    static final String PARAMS = "params.bin";
    static final String HISTORY = "history.json";
    static final String TORCHSCRIPT_DIR = "torchscript/";

    private static final byte[] PARAMS_MAGIC = "SLIMPRM1".getBytes(StandardCharsets.US_ASCII);
    private static final int DENSE = 0;
    private static final int SPARSE = 1;
    /** Sparse, then a bitmap of the zeros that are -0.0 (pruning by multiplication makes them). */
    private static final int SPARSE_SIGNED = 2;
    /** Every entry's time: fixed, so the same model always gives the same bytes. */
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);
    private static final Gson GSON =
            new GsonBuilder().serializeSpecialFloatingPointValues().setPrettyPrinting().create();

    /** What was read from or written to a file for a model: provenance, entry checksums and notices. */
    private record Known(Provenance provenance, Map<String, String> sha256, List<String> notices) {}

    /** Models this class loaded or saved, so that an unchanged model keeps its provenance. */
    private static final Map<SlimModel, Known> KNOWN = Collections.synchronizedMap(new WeakHashMap<>());

    private ModelIO() {}

    /** The manifest stored in each artifact; {@code sha256} is absent in files of older slimkits. */
    record Manifest(int format, String name, Provenance provenance, List<String> masked, Map<String, String> sha256) {}

    /** The history as stored. */
    record StoredHistory(
            List<History.Epoch> epochs, List<History.Step> steps, Map<String, List<History.Step>> series) {}

    /**
     * A loaded model and what its caller should tell the user: that the file holds TorchScript
     * code that will run, or that it carries no checksums (an older slimkit saved it).
     *
     * @param model the model; the caller owns (and closes) it
     * @param notices one line each; empty for a plain, checksummed file
     */
    public record Loaded(SlimModel model, List<String> notices) {
        public Loaded {
            notices = List.copyOf(notices);
        }
    }

    // ---------------------------------------------------------------- save

    /**
     * Writes {@code model} to {@code file} durably and atomically: the complete file goes to a
     * temporary file in the same folder, is forced to disk and renamed over the target, and the
     * folder is forced too. Any failure (or an interrupt during the write) leaves an existing file
     * as it was.
     *
     * @return the size in bytes of the written file
     * @throws ModelFileException one line naming the path and a fix (permission denied, disk full,
     *     no atomic rename, ...)
     */
    public static long save(SlimModel model, Path file, Map<String, String> notes) throws IOException {
        model.checkNotBusy();
        Path target = file.toAbsolutePath();
        Encoded encoded;
        try {
            encoded = encode(model, notes == null ? Map.of() : notes);
        } catch (RuntimeException e) {
            throw new ModelFileException("cannot save model [" + model.name() + "] to [" + target + "]: "
                    + message(e), e);
        }
        DurableFile.write(target, encoded.bytes());
        remember(model, encoded);
        return encoded.bytes().length;
    }

    /** Saves with no extra notes. */
    public static long save(SlimModel model, Path file) throws IOException {
        return save(model, file, Map.of());
    }

    /**
     * The size in bytes {@link #save} (without notes) would write for {@code model}, without
     * touching the disk (for reports of file size; a real save also forces the file and its folder
     * to disk).
     */
    public static long encodedSize(SlimModel model) throws IOException {
        try {
            Encoded encoded = encode(model, Map.of());
            remember(model, encoded); // so that saving the unchanged model writes exactly these bytes
            return encoded.bytes().length;
        } catch (RuntimeException e) {
            throw new ModelFileException("cannot encode model [" + model.name() + "]: " + message(e), e);
        }
    }

    /** Records the provenance given to {@code model}'s current content; its notices stay. */
    private static void remember(SlimModel model, Encoded encoded) {
        Known old = KNOWN.get(model);
        KNOWN.put(model, new Known(encoded.provenance(), encoded.sha256(), old == null ? List.of() : old.notices()));
    }

    /** A model's file content, with the provenance and checksums it records. */
    record Encoded(byte[] bytes, Provenance provenance, Map<String, String> sha256) {}

    /** The bytes {@link #save} writes for {@code model}. */
    static Encoded encode(SlimModel model, Map<String, String> notes) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put(SPEC, model.spec().toJson().getBytes(StandardCharsets.UTF_8));
        entries.put(PARAMS, encodeParams(model.parameters()));
        for (Map.Entry<String, byte[]> module : model.torchScriptModules().entrySet()) {
            // The module itself: its code, and its buffers (BN statistics), which are not parameters.
            entries.put(TORCHSCRIPT_DIR + module.getKey() + ".pt", module.getValue());
        }
        StoredHistory history =
                new StoredHistory(model.history().epochs(), model.history().steps(), model.history().series());
        entries.put(HISTORY, GSON.toJson(history).getBytes(StandardCharsets.UTF_8));

        Map<String, String> sha = new LinkedHashMap<>();
        entries.forEach((name, bytes) -> sha.put(name, sha256(bytes)));
        Known known = KNOWN.get(model);
        Provenance provenance =
                known != null && known.provenance() != null && known.sha256().equals(sha)
                                && (notes.isEmpty() || notes.equals(known.provenance().notes()))
                        ? known.provenance() // unchanged since it was loaded or saved: same provenance, same bytes
                        : Provenance.current(model.seed(), notes);
        List<String> masked = model.mask().map(m -> List.copyOf(m.paths())).orElse(List.of());
        Manifest manifest = new Manifest(FORMAT_VERSION, model.name(), provenance, masked, sha);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(out)) {
            put(zip, MANIFEST, GSON.toJson(manifest).getBytes(StandardCharsets.UTF_8));
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                put(zip, e.getKey(), e.getValue());
            }
        }
        return new Encoded(out.toByteArray(), provenance, sha);
    }

    // ---------------------------------------------------------------- load

    /**
     * Loads a model saved by {@link #save}, under its saved name.
     *
     * @throws ModelFileException one line naming the file and what is wrong with it
     */
    public static SlimModel load(Path file) throws IOException {
        return load(file, null);
    }

    /**
     * Loads a model and names it {@code name} (the saved name when null). Its notices (see {@link
     * #open}) stay available from {@link #notices}.
     *
     * @throws ModelFileException one line naming the file and what is wrong with it
     */
    public static SlimModel load(Path file, String name) throws IOException {
        return open(file, name).model();
    }

    /**
     * The notices of a model this class loaded (TorchScript code inside, no checksums); empty for
     * any other model.
     */
    public static List<String> notices(SlimModel model) {
        Known known = KNOWN.get(model);
        return known == null ? List.of() : known.notices();
    }

    /**
     * Loads a model and returns it with its notices: one line each, for the caller to show. A file
     * holding a TorchScript module says that it holds code that runs when the model is used (load
     * only files you trust); a file from an older slimkit says that it has no checksums.
     *
     * @param name the model's name; the saved name when null
     * @throws ModelFileException one line naming the file and what is wrong: missing, not a model,
     *     damaged (checksum, truncation, bad sizes or shapes), or from a newer format
     */
    public static Loaded open(Path file, String name) throws ModelFileException {
        if (file == null || !Files.isRegularFile(file)) {
            throw new ModelFileException("no model file at [" + file + "]; check the path (save with %save or Slim.save)");
        }
        try (ZipFile zip = new ZipFile(file.toFile())) {
            return read(zip, file, name);
        } catch (ModelFileException e) {
            throw e;
        } catch (ZipException | java.io.EOFException e) {
            throw corrupt(file, message(e), e);
        } catch (IOException e) {
            throw new ModelFileException("cannot read model file [" + file + "]: " + message(e), e);
        } catch (RuntimeException | StackOverflowError e) {
            throw new ModelFileException("model file [" + file + "] is damaged or not a slimkit model ("
                    + message(e) + "); save the model again", e);
        }
    }

    private static Loaded read(ZipFile zip, Path file, String name) throws IOException {
        List<String> notices = new ArrayList<>();
        Manifest manifest = manifest(entry(zip, file, MANIFEST, MANIFEST_CAP, "a manifest"), file);
        if (manifest.sha256() == null && manifest.format() >= 2) {
            throw new ModelFileException("model file [" + file + "] has no checksums, though its format ("
                    + manifest.format() + ") always has them: the file is damaged");
        }
        if (manifest.sha256() == null) {
            notices.add("model file [" + file + "] has no checksums (an older slimkit saved it), so damage to it"
                    + " cannot be detected; save it again to add them");
        }

        byte[] specBytes = entry(zip, file, SPEC, SPEC_CAP, "a spec");
        verify(manifest, SPEC, specBytes, file, "the spec in [" + file + "] does not match its checksum");
        ModelSpec spec = spec(specBytes, file);
        Budget budget = budget(spec, file);

        Map<String, String> read = new LinkedHashMap<>(); // what each entry's content hashes to
        read.put(SPEC, sha256(specBytes));
        Map<String, byte[]> modules = new LinkedHashMap<>();
        long moduleBytes = 0;
        for (Layer layer : spec.torchScriptLayers()) {
            String entryName = TORCHSCRIPT_DIR + layer.name() + ".pt";
            byte[] module = entry(zip, file, entryName, MODULE_CAP, "a TorchScript module");
            verify(manifest, entryName, module, file, "the TorchScript module [" + ModelFileException.shown(layer.name())
                    + "] in [" + file + "] does not match its checksum");
            checkModuleArchive(module, layer.name(), file);
            modules.put(layer.name(), module);
            read.put(entryName, sha256(module));
            moduleBytes = Math.addExact(moduleBytes, module.length);
            notices.add("model file [" + file + "] holds TorchScript code (layer [" + ModelFileException.shown(layer.name())
                    + "], from [" + ModelFileException.shown(layer.source())
                    + "]) that runs inside this process when the model is used; load only files you trust");
        }

        // A TorchScript module's parameters live in its own file too, 4 bytes a value at least.
        long paramsCap = Math.addExact(budget.encodedBytes(), Math.multiplyExact(moduleBytes, 2));
        byte[] params = entry(zip, file, PARAMS, paramsCap, "weights for its spec");
        verify(manifest, PARAMS, params, file, "the weights in [" + file + "] do not match their checksum");
        if (params.length < PARAMS_MAGIC.length
                || !Arrays.equals(Arrays.copyOf(params, PARAMS_MAGIC.length), PARAMS_MAGIC)) {
            throw new ModelFileException("model file [" + file + "] has no slimkit parameter block; the file is damaged");
        }

        byte[] historyBytes = entry(zip, file, HISTORY, HISTORY_CAP, "a training history");
        verify(manifest, HISTORY, historyBytes, file, "the training history in [" + file + "] does not match its checksum");
        StoredHistory stored = history(historyBytes, file);
        Map<String, String> content = new LinkedHashMap<>(); // in the order save writes them
        content.put(SPEC, read.remove(SPEC));
        content.put(PARAMS, sha256(params));
        content.putAll(read);
        content.put(HISTORY, sha256(historyBytes));

        String modelName = name != null ? name
                : manifest.name() != null && !manifest.name().isBlank() ? manifest.name() : stem(file);
        long seed = manifest.provenance() == null ? 0 : manifest.provenance().seed();
        SlimModel model;
        try {
            model = SlimModel.create(modelName, spec, seed, modules);
        } catch (RuntimeException e) {
            throw new ModelFileException("model file [" + file + "]: " + message(e), e);
        }
        // PyTorch records autograd per thread, on by default on every thread but the engine's first;
        // applying a mask in place to a parameter that requires grad fails where it is on.
        boolean pytorch = "PyTorch".equals(ai.djl.engine.Engine.getInstance().getEngineName());
        boolean gradMode = pytorch && ai.djl.pytorch.jni.JniUtils.isGradMode();
        if (gradMode) {
            ai.djl.pytorch.jni.JniUtils.setGradMode(false);
        }
        try {
            decodeInto(params, file, model);
            Set<String> masked = new LinkedHashSet<>(manifest.masked());
            for (String path : masked) {
                if (!model.parameters().containsKey(path)) {
                    throw new ModelFileException("model file [" + file + "] marks parameter ["
                            + ModelFileException.shown(path) + "] as pruned, but its spec has no such parameter;"
                            + " the file is damaged");
                }
            }
            if (!masked.isEmpty()) {
                model.setMask(WeightMask.fromZeros(model, masked));
            }
            if (stored.epochs() != null) {
                History loaded = History.of(stored.epochs(), stored.steps() == null ? List.of() : stored.steps());
                for (History.Epoch e : loaded.epochs()) {
                    model.history().addEpoch(e);
                }
                for (History.Step s : loaded.steps()) {
                    model.history().addStep(s);
                }
            }
            if (stored.series() != null) {
                stored.series().forEach((k, v) -> v.forEach(step -> model.history().addSeriesValue(k, step)));
            }
            KNOWN.put(model, new Known(manifest.provenance(), content, List.copyOf(notices)));
            return new Loaded(model, notices);
        } catch (IOException | RuntimeException | Error e) {
            model.close();
            if (e instanceof ModelFileException m) {
                throw m;
            }
            if (e instanceof IOException io) {
                throw corrupt(file, message(io), io);
            }
            if (e instanceof RuntimeException r) {
                throw new ModelFileException("model file [" + file + "] is damaged (" + message(r) + "); save the model again", r);
            }
            throw (Error) e;
        } finally {
            if (gradMode) {
                ai.djl.pytorch.jni.JniUtils.setGradMode(true);
            }
        }
    }

    private static ModelFileException corrupt(Path file, String what, Throwable cause) {
        return new ModelFileException("model file [" + file + "] is corrupt or truncated (" + what + "); save the model again",
                cause);
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    /**
     * One entry's bytes, at most {@code cap}: a declared size over the cap fails before anything
     * is inflated, and inflating stops at the cap (a zip bomb fails fast). The bytes must match the
     * size and CRC-32 that the zip records for them.
     */
    static byte[] entry(ZipFile zip, Path file, String name, long cap, String what) throws IOException {
        ZipEntry entry = zip.getEntry(name);
        if (entry == null || entry.isDirectory()) {
            throw new ModelFileException("model file [" + file + "] lacks " + ModelFileException.shown(name)
                    + "; it is not a slimkit model or it is damaged (save with %save or Slim.save)");
        }
        long declared = entry.getSize();
        long limit = Math.min(cap, Integer.MAX_VALUE - 16);
        if (declared > limit) {
            throw tooLarge(file, name, String.valueOf(declared), limit, what);
        }
        if (declared >= 0) {
            limit = declared;
        }
        byte[] buffer = new byte[(int) Math.min(limit + 1, 1 << 20)];
        int length = 0;
        CRC32 crc = new CRC32();
        try (InputStream in = zip.getInputStream(entry)) {
            while (true) {
                if (length == buffer.length) {
                    if (length > limit) {
                        break;
                    }
                    buffer = Arrays.copyOf(buffer, (int) Math.min(limit + 1, (long) buffer.length * 2));
                }
                int n = in.read(buffer, length, buffer.length - length);
                if (n < 0) {
                    break;
                }
                length += n;
            }
        }
        if (length > limit) {
            if (declared >= 0 && declared <= cap) {
                throw corrupt(file, name + " holds more than the " + declared + " bytes its zip entry declares", null);
            }
            throw tooLarge(file, name, "more than " + limit, limit, what);
        }
        if (declared >= 0 && length != declared) {
            throw corrupt(file, name + " holds " + length + " bytes but its zip entry declares " + declared, null);
        }
        crc.update(buffer, 0, length);
        if (entry.getCrc() != -1 && crc.getValue() != entry.getCrc()) {
            throw corrupt(file, name + " fails its CRC-32 check", null);
        }
        return length == buffer.length ? buffer : Arrays.copyOf(buffer, length);
    }

    /**
     * Checks that a TorchScript module is a sound zip before PyTorch reads it: every record must
     * match its CRC-32 and the whole must not inflate past a cap. PyTorch does not check the CRC of
     * its stored records, and a damaged pickle can keep its loader busy for seconds; in a file
     * without checksums this is the only guard against damage reaching it.
     */
    static void checkModuleArchive(byte[] module, String layer, Path file) throws ModelFileException {
        String what = "the TorchScript module [" + ModelFileException.shown(layer) + "] in [" + file + "]";
        long cap = Math.addExact(64L << 20, Math.multiplyExact(2L, module.length));
        int records;
        try {
            records = ZipCheck.verify(module, cap);
        } catch (IOException | RuntimeException e) {
            throw new ModelFileException(what + " is damaged: it holds " + message(e) + "; save the model again", e);
        }
        if (records == 0) {
            throw new ModelFileException(what + " is not a TorchScript archive; the file is damaged");
        }
    }

    private static ModelFileException tooLarge(Path file, String name, String size, long cap, String what) {
        return new ModelFileException("model file [" + file + "]: " + ModelFileException.shown(name) + " holds "
                + size + " bytes, more than " + what
                + " can need (" + cap + "); the file is damaged or not a slimkit model");
    }

    /** Checks an entry against the manifest's SHA-256 (files without checksums pass). */
    private static void verify(Manifest manifest, String name, byte[] bytes, Path file, String mismatch)
            throws ModelFileException {
        if (manifest.sha256() == null) {
            return;
        }
        String expected = manifest.sha256().get(name);
        if (expected == null) {
            throw new ModelFileException("model file [" + file + "] has no checksum for "
                    + ModelFileException.shown(name) + ": the file is damaged");
        }
        if (!expected.equalsIgnoreCase(sha256(bytes))) {
            throw new ModelFileException(mismatch + ": the file is damaged");
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256", e);
        }
    }

    private static JsonObject json(byte[] bytes, Path file, String what) throws ModelFileException {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int depth = 0;
        boolean inString = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (inString) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    inString = false;
                }
            } else if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                if (++depth > MAX_JSON_DEPTH) {
                    throw new ModelFileException("model file [" + file + "] has " + what + " nested more than "
                            + MAX_JSON_DEPTH + " levels deep; the file is damaged or not a slimkit model");
                }
            } else if (c == '}' || c == ']') {
                depth--;
            }
        }
        try {
            return JsonRead.object(text);
        } catch (RuntimeException e) {
            throw new ModelFileException("model file [" + file + "] has an unreadable " + what + ": " + message(e), e);
        }
    }

    private static Manifest manifest(byte[] bytes, Path file) throws ModelFileException {
        JsonObject o = json(bytes, file, "manifest");
        JsonElement format = o.get("format");
        if (format == null || !format.isJsonPrimitive() || !format.getAsJsonPrimitive().isNumber()) {
            throw new ModelFileException("model file [" + file + "] has no format number in its manifest; it is not a"
                    + " slimkit model or it is damaged");
        }
        double f = format.getAsDouble();
        String reads = "formats " + OLDEST_FORMAT + " to " + FORMAT_VERSION;
        if (f > FORMAT_VERSION) {
            throw new ModelFileException("model file [" + file + "] was written by a newer slimkit (format "
                    + format.getAsString() + "; this one reads " + reads + "); update slimkit to load it");
        }
        if (f != Math.rint(f) || f < OLDEST_FORMAT) {
            throw new ModelFileException("model file [" + file + "] has format [" + format.getAsString()
                    + "]; this slimkit reads " + reads + "; the file is damaged or not a slimkit model");
        }
        try {
            List<String> masked = new ArrayList<>();
            if (o.has("masked") && !o.get("masked").isJsonNull()) {
                for (JsonElement e : o.getAsJsonArray("masked")) {
                    masked.add(e.getAsString());
                }
            }
            Map<String, String> sha = null;
            if (o.has("sha256") && !o.get("sha256").isJsonNull()) {
                sha = new LinkedHashMap<>();
                for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("sha256").entrySet()) {
                    sha.put(e.getKey(), e.getValue().getAsString());
                }
            }
            Provenance provenance = o.has("provenance") && o.get("provenance").isJsonObject()
                    ? JsonRead.provenance(o.getAsJsonObject("provenance"))
                    : new Provenance(null, null, null, null, 0, null, null);
            return new Manifest((int) f, JsonRead.str(o, "name"), provenance, masked, sha);
        } catch (RuntimeException e) {
            throw new ModelFileException("model file [" + file + "] has an unreadable manifest: " + message(e), e);
        }
    }

    private static ModelSpec spec(byte[] bytes, Path file) throws ModelFileException {
        json(bytes, file, "spec"); // depth check
        try {
            return ModelSpec.fromJson(new String(bytes, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new ModelFileException("model file [" + file + "] has an invalid spec: " + message(e), e);
        }
    }

    private static StoredHistory history(byte[] bytes, Path file) throws ModelFileException {
        JsonObject o = json(bytes, file, "history");
        try {
            Map<String, List<History.Step>> series = new LinkedHashMap<>();
            if (o.has("series") && o.get("series").isJsonObject()) {
                for (Map.Entry<String, JsonElement> e : o.getAsJsonObject("series").entrySet()) {
                    series.put(e.getKey(), JsonRead.steps(e.getValue().getAsJsonArray()));
                }
            }
            return new StoredHistory(JsonRead.epochs(o.getAsJsonArray("epochs")),
                    JsonRead.steps(o.getAsJsonArray("steps")), series);
        } catch (RuntimeException e) {
            throw new ModelFileException("model file [" + file + "] has an unreadable history: " + message(e), e);
        }
    }

    /** What a spec implies for the weights: their count and the most bytes their block can take. */
    record Budget(long parameters, long encodedBytes) {}

    /**
     * The parameters a spec declares (TorchScript modules aside), counted with exact arithmetic
     * before anything is allocated, and the size of their largest possible encoding.
     */
    static Budget budget(ModelSpec spec, Path file) throws ModelFileException {
        long values = 0;
        long bytes = PARAMS_MAGIC.length + 4;
        try {
            for (ModelSpec.LayerTrace t : spec.trace()) {
                Layer l = t.layer();
                long out = 1;
                for (long d : t.outputShape()) {
                    out = Math.multiplyExact(out, d);
                }
                if (out < 1 || out > MAX_ACTIVATIONS) {
                    throw new ModelFileException("model file [" + file + "]: layer [" + ModelFileException.shown(t.path())
                            + "] outputs " + out + " values per image, more than slimkit handles (" + MAX_ACTIVATIONS
                            + "); the file is damaged or not a slimkit model");
                }
                long[] in = t.inputShape();
                List<Long> tensors = new ArrayList<>();
                switch (l.kind()) {
                    case CONV -> {
                        tensors.add(Math.multiplyExact(Math.multiplyExact((long) l.out(), in[0]),
                                Math.multiplyExact((long) l.kernel(), l.kernel())));
                        if (l.bias()) {
                            tensors.add((long) l.out());
                        }
                    }
                    case LINEAR -> {
                        tensors.add(Math.multiplyExact((long) l.out(), in[0]));
                        if (l.bias()) {
                            tensors.add((long) l.out());
                        }
                    }
                    case BATCH_NORM -> {
                        for (int i = 0; i < 4; i++) { // gamma, beta, running mean and variance
                            tensors.add(in[0]);
                        }
                    }
                    default -> {
                        // no parameters (a TorchScript module's are bounded by its own size)
                    }
                }
                for (long n : tensors) {
                    if (n < 0) {
                        throw new ArithmeticException("negative size");
                    }
                    values = Math.addExact(values, n);
                    // path (modified UTF-8: 3 bytes a char at most), dims, count, encoding, values
                    long header = 2 + 3L * (t.path().length() + 16) + 4 + 8 * 8 + 4 + 1 + 4;
                    bytes = Math.addExact(bytes, Math.addExact(header, Math.multiplyExact(n, 4)));
                }
            }
        } catch (ArithmeticException e) {
            throw new ModelFileException("model file [" + file + "]: its spec declares sizes too large to count; the file is"
                    + " damaged or not a slimkit model", e);
        } catch (IllegalArgumentException e) {
            throw new ModelFileException("model file [" + file + "] has an invalid spec: " + message(e), e);
        }
        if (values > MAX_PARAMETERS) {
            throw new ModelFileException("model file [" + file + "]: its spec declares " + values
                    + " parameters, more than slimkit loads (" + MAX_PARAMETERS
                    + "); the file is damaged or not a slimkit model");
        }
        return new Budget(values, bytes);
    }

    // ---------------------------------------------------------------- the parameter block

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
                boolean negativeZero = false;
                for (float v : values) {
                    if (v != 0f) {
                        nonzero++;
                    } else if (Float.floatToRawIntBits(v) != 0) {
                        negativeZero = true;
                    }
                }
                if (nonzero < values.length / 2) {
                    // Sparse: a bitmap of non-zero positions, then the non-zero values; where some
                    // zeros are -0.0, a bitmap of those follows, so that loading gives the same bits.
                    out.writeByte(negativeZero ? SPARSE_SIGNED : SPARSE);
                    out.writeInt(nonzero);
                    byte[] bitmap = new byte[(values.length + 7) / 8];
                    ByteBuffer kept = ByteBuffer.allocate(Math.multiplyExact(nonzero, 4)).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < values.length; i++) {
                        if (values[i] != 0f) {
                            bitmap[i >> 3] |= (byte) (1 << (i & 7));
                            kept.putFloat(values[i]);
                        }
                    }
                    out.write(bitmap);
                    out.write(kept.array());
                    if (negativeZero) {
                        byte[] signs = new byte[(values.length + 7) / 8];
                        for (int i = 0; i < values.length; i++) {
                            if (values[i] == 0f && Float.floatToRawIntBits(values[i]) != 0) {
                                signs[i >> 3] |= (byte) (1 << (i & 7));
                            }
                        }
                        out.write(signs);
                    }
                } else {
                    out.writeByte(DENSE);
                    ByteBuffer buffer = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
                    buffer.asFloatBuffer().put(values);
                    out.write(buffer.array());
                }
            }
        }
        return bytes.toByteArray();
    }

    /**
     * Reads the parameter block into {@code model}'s parameters. Every tensor's path, shape and
     * value count are checked against the model before an array is made for it, and the block
     * must hold exactly the model's parameters, each once, and nothing after them.
     */
    static void decodeInto(byte[] data, Path file, SlimModel model) throws ModelFileException {
        Map<String, Parameter> params = model.parameters();
        Map<String, float[]> values = new LinkedHashMap<>();
        ByteBuffer in = ByteBuffer.wrap(data); // big-endian, as DataOutputStream wrote the headers
        String path = null;
        try {
            in.position(PARAMS_MAGIC.length);
            int count = in.getInt();
            if (count != params.size()) {
                throw new ModelFileException("model file [" + file + "] holds " + count + " parameters but its spec has "
                        + params.size() + "; the file is damaged");
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < count; i++) {
                path = null;
                path = utf(in);
                Parameter p = params.get(path);
                if (p == null) {
                    throw new ModelFileException("model file [" + file + "] holds parameter [" + ModelFileException.shown(path)
                            + "] that its spec does not have; the file is damaged");
                }
                if (!seen.add(path)) {
                    throw new ModelFileException("model file [" + file + "] holds parameter [" + ModelFileException.shown(path)
                            + "] twice; the file is damaged");
                }
                long[] expected = p.getArray().getShape().getShape();
                int ndim = in.getInt();
                if (ndim < 0 || ndim > 8) {
                    throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path + "] has "
                            + ndim + " dimensions");
                }
                long[] dims = new long[ndim];
                for (int d = 0; d < ndim; d++) {
                    dims[d] = in.getLong();
                }
                if (!Arrays.equals(dims, expected)) {
                    throw new ModelFileException("model file [" + file + "]: parameter [" + path + "] has shape "
                            + shape(dims) + " but the spec needs " + shape(expected));
                }
                long size = 1;
                for (long d : expected) {
                    size = Math.multiplyExact(size, d);
                }
                int n = in.getInt();
                if (n != size) {
                    throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path + "] has "
                            + n + " values for shape " + shape(dims));
                }
                float[] v = new float[n]; // n is the model's own size: checked above
                int encoding = in.get();
                if (encoding == DENSE) {
                    int byteCount = Math.multiplyExact(n, 4);
                    if (in.remaining() < byteCount) {
                        throw new BufferUnderflowException();
                    }
                    in.slice().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
                    in.position(in.position() + byteCount);
                } else if (encoding == SPARSE || encoding == SPARSE_SIGNED) {
                    int nonzero = in.getInt();
                    if (nonzero < 0 || nonzero > n) {
                        throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path + "] claims "
                                + nonzero + " non-zeros of " + n);
                    }
                    int bitmapBytes = (int) ((n + 7L) / 8);
                    if (in.remaining() < bitmapBytes + 4L * nonzero) {
                        throw new BufferUnderflowException();
                    }
                    byte[] bitmap = new byte[bitmapBytes];
                    in.get(bitmap);
                    ByteBuffer kept = in.slice().order(ByteOrder.LITTLE_ENDIAN);
                    kept.limit(4 * nonzero);
                    int found = 0;
                    for (int j = 0; j < n; j++) {
                        if ((bitmap[j >> 3] & (1 << (j & 7))) != 0) {
                            if (++found > nonzero) {
                                break;
                            }
                            v[j] = kept.getFloat();
                        }
                    }
                    if (found != nonzero || (n % 8 != 0 && (bitmap[bitmapBytes - 1] & 0xFF) >>> (n % 8) != 0)) {
                        throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path
                                + "] marks other positions than its " + nonzero + " non-zero values");
                    }
                    in.position(in.position() + 4 * nonzero);
                    if (encoding == SPARSE_SIGNED) {
                        if (in.remaining() < bitmapBytes) {
                            throw new BufferUnderflowException();
                        }
                        byte[] signs = new byte[bitmapBytes];
                        in.get(signs);
                        for (int k = 0; k < bitmapBytes; k++) {
                            if ((signs[k] & bitmap[k]) != 0 || (k == bitmapBytes - 1 && n % 8 != 0
                                    && (signs[k] & 0xFF) >>> (n % 8) != 0)) {
                                throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path
                                        + "] marks non-zero values as negative zeros");
                            }
                        }
                        for (int j = 0; j < n; j++) {
                            if ((signs[j >> 3] & (1 << (j & 7))) != 0) {
                                v[j] = -0f;
                            }
                        }
                    }
                } else {
                    throw new ModelFileException("model file [" + file + "] is corrupt: parameter [" + path
                            + "] has encoding " + encoding);
                }
                values.put(path, v);
            }
            if (in.hasRemaining()) {
                throw new ModelFileException("model file [" + file + "] has " + in.remaining()
                        + " bytes after its last parameter; the file is damaged");
            }
        } catch (BufferUnderflowException | java.io.UTFDataFormatException e) {
            throw new ModelFileException("model file [" + file + "] is truncated or damaged inside its parameters"
                    + (path == null ? "" : " (at [" + ModelFileException.shown(path) + "])") + "; save the model again", e);
        }
        for (Map.Entry<String, float[]> e : values.entrySet()) {
            params.get(e.getKey()).getArray().set(e.getValue());
        }
    }

    /** A modified-UTF-8 string as {@link DataOutputStream#writeUTF} writes it. */
    private static String utf(ByteBuffer in) throws java.io.UTFDataFormatException {
        int length = Short.toUnsignedInt(in.getShort());
        if (in.remaining() < length) {
            throw new BufferUnderflowException();
        }
        byte[] bytes = new byte[length + 2];
        bytes[0] = (byte) (length >> 8);
        bytes[1] = (byte) length;
        in.get(bytes, 2, length);
        try {
            return new DataInputStream(new ByteArrayInputStream(bytes)).readUTF();
        } catch (java.io.UTFDataFormatException e) {
            throw e;
        } catch (IOException e) {
            throw new java.io.UTFDataFormatException(e.getMessage());
        }
    }

    private static String shape(long[] dims) {
        return new ai.djl.ndarray.types.Shape(dims).toString();
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }

    /** An exception's message, or its type when it has none; made one line by the caller's exception. */
    private static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        m = m.strip();
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl).strip() : m;
    }
}

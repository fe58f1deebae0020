package dev.slimkit.io;

import static dev.slimkit.io.Entries.sha256;
import static dev.slimkit.io.ParamsBlock.PARAMS_MAGIC;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import dev.slimkit.model.History;
import dev.slimkit.model.WeightMask;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
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
        entries.put(PARAMS, ParamsBlock.encodeParams(model.parameters()));
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
        Manifest manifest = manifest(zip, file, notices);

        byte[] specBytes = Entries.entry(zip, file, SPEC, SPEC_CAP, "a spec");
        Entries.verify(manifest, SPEC, specBytes, file, "the spec in [" + file + "] does not match its checksum");
        ModelSpec spec = Entries.spec(specBytes, file);
        ParamsBlock.Budget budget = ParamsBlock.budget(spec, file);

        Map<String, String> read = new LinkedHashMap<>(); // what each entry's content hashes to
        read.put(SPEC, sha256(specBytes));
        Map<String, byte[]> modules = modules(zip, file, spec, manifest, read, notices);
        long moduleBytes = 0;
        for (byte[] module : modules.values()) {
            moduleBytes = Math.addExact(moduleBytes, module.length);
        }

        // A TorchScript module's parameters live in its own file too, 4 bytes a value at least.
        long paramsCap = Math.addExact(budget.encodedBytes(), Math.multiplyExact(moduleBytes, 2));
        byte[] params = paramsBlock(zip, file, manifest, paramsCap);

        byte[] historyBytes = Entries.entry(zip, file, HISTORY, HISTORY_CAP, "a training history");
        Entries.verify(manifest, HISTORY, historyBytes, file, "the training history in [" + file + "] does not match its checksum");
        StoredHistory stored = Entries.history(historyBytes, file);
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
            fill(model, params, manifest, stored, file);
            KNOWN.put(model, new Known(manifest.provenance(), content, List.copyOf(notices)));
            return new Loaded(model, notices);
        } catch (IOException | RuntimeException | Error e) {
            model.close();
            throw damaged(file, e);
        } finally {
            if (gradMode) {
                ai.djl.pytorch.jni.JniUtils.setGradMode(true);
            }
        }
    }

    /** The manifest, checked for checksums (a notice when an older format has none). */
    private static Manifest manifest(ZipFile zip, Path file, List<String> notices) throws IOException {
        Manifest manifest = Entries.manifest(Entries.entry(zip, file, MANIFEST, MANIFEST_CAP, "a manifest"), file);
        if (manifest.sha256() == null && manifest.format() >= 2) {
            throw new ModelFileException("model file [" + file + "] has no checksums, though its format ("
                    + manifest.format() + ") always has them: the file is damaged");
        }
        if (manifest.sha256() == null) {
            notices.add("model file [" + file + "] has no checksums (an older slimkit saved it), so damage to it"
                    + " cannot be detected; save it again to add them");
        }
        return manifest;
    }

    /** The parameter block, at most {@code cap} bytes, checked against its checksum and magic. */
    private static byte[] paramsBlock(ZipFile zip, Path file, Manifest manifest, long cap) throws IOException {
        byte[] params = Entries.entry(zip, file, PARAMS, cap, "weights for its spec");
        Entries.verify(manifest, PARAMS, params, file, "the weights in [" + file + "] do not match their checksum");
        if (params.length < PARAMS_MAGIC.length
                || !Arrays.equals(Arrays.copyOf(params, PARAMS_MAGIC.length), PARAMS_MAGIC)) {
            throw new ModelFileException("model file [" + file + "] has no slimkit parameter block; the file is damaged");
        }
        return params;
    }

    /** What filling a model from {@code file} threw, as one line (an Error is rethrown as it is). */
    private static ModelFileException damaged(Path file, Throwable e) {
        if (e instanceof ModelFileException m) {
            return m;
        }
        if (e instanceof IOException io) {
            return corrupt(file, message(io), io);
        }
        if (e instanceof RuntimeException r) {
            return new ModelFileException("model file [" + file + "] is damaged (" + message(r) + "); save the model again", r);
        }
        throw (Error) e;
    }

    /** Every TorchScript module of {@code spec}: checksum, archive check, a notice each; their hashes into {@code read}. */
    private static Map<String, byte[]> modules(ZipFile zip, Path file, ModelSpec spec, Manifest manifest,
            Map<String, String> read, List<String> notices) throws IOException {
        Map<String, byte[]> modules = new LinkedHashMap<>();
        for (Layer layer : spec.torchScriptLayers()) {
            String entryName = TORCHSCRIPT_DIR + layer.name() + ".pt";
            byte[] module = Entries.entry(zip, file, entryName, MODULE_CAP, "a TorchScript module");
            Entries.verify(manifest, entryName, module, file, "the TorchScript module [" + ModelFileException.shown(layer.name())
                    + "] in [" + file + "] does not match its checksum");
            Entries.checkModuleArchive(module, layer.name(), file);
            modules.put(layer.name(), module);
            read.put(entryName, sha256(module));
            notices.add("model file [" + file + "] holds TorchScript code (layer [" + ModelFileException.shown(layer.name())
                    + "], from [" + ModelFileException.shown(layer.source())
                    + "]) that runs inside this process when the model is used; load only files you trust");
        }
        return modules;
    }

    /** The weights, the pruning mask and the history into a freshly built {@code model}. */
    private static void fill(SlimModel model, byte[] params, Manifest manifest, StoredHistory stored, Path file)
            throws IOException {
        ParamsBlock.decodeInto(params, file, model);
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
    }

    static ModelFileException corrupt(Path file, String what, Throwable cause) {
        return new ModelFileException("model file [" + file + "] is corrupt or truncated (" + what + "); save the model again",
                cause);
    }

    private static String stem(Path file) {
        String n = file.getFileName().toString();
        int dot = n.lastIndexOf('.');
        return dot > 0 ? n.substring(0, dot) : n;
    }

    private static void put(ZipOutputStream zip, String name, byte[] content) throws IOException {
        ZipEntry entry = new ZipEntry(name);
        entry.setTimeLocal(ENTRY_TIME);
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
    }

    /** An exception's message, or its type when it has none; made one line by the caller's exception. */
    static String message(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        m = m.strip();
        int nl = m.indexOf('\n');
        return nl > 0 ? m.substring(0, nl).strip() : m;
    }
}

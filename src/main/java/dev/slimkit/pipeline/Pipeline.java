package dev.slimkit.pipeline;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.slimkit.data.ImageData;
import dev.slimkit.distill.DistillStep;
import dev.slimkit.io.JsonRead;
import dev.slimkit.io.ModelIO;
import dev.slimkit.model.Names;
import dev.slimkit.model.SlimModel;
import dev.slimkit.prune.PruneStep;
import dev.slimkit.recipe.Capability;
import dev.slimkit.step.Step;
import dev.slimkit.step.StepResult;
import dev.slimkit.step.TrainStep;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.Interrupted;
import dev.slimkit.transfer.TransferStep;
import dev.slimkit.trim.TrimStep;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The procedure slimkit exists for, in one call: a base model through any sequence of stages
 * ({@code train}, {@code transfer}, {@code distill}, {@code prune}, {@code trim}), each a {@link
 * Step} on the previous stage's model, every model judged on the four {@link Yardsticks}:
 *
 * <pre>{@code
 * Slim.pipeline(base).data(target).dir(Path.of("runs/fmnist")).control(true)
 *     .transfer(t -> t.freeze("9").epochs(5).unfreezeAfter(3))
 *     .distill(d -> d.student("cnn-small").width(0.5).epochs(3))
 *     .prune(p -> p.sparsity(0.8).mode("agp").epochs(1))
 *     .trim(t -> t.channels(0.5).epochs(1))
 *     .run();
 * }</pre>
 *
 * Stage models are named {@code PREFIX-KIND} ({@code -2} for a second stage of a kind), the final
 * one also {@code PREFIX}; the prefix defaults to {@code BASE-slim}. With a {@link #dir}, each
 * stage's model is saved as {@code NN-KIND.slim} beside {@code NN-KIND.json} (its recipe, the hash
 * of recipe and input, its figures); {@link #resume} reuses a stage whose hash matches and reruns
 * the rest, so a changed line reruns that stage and everything after it. With {@link #control},
 * the final architecture is also trained from scratch on the same data for the same total epochs
 * (Liu et al. 2019's control). An interrupt stops the running stage at its next batch: finished
 * stages stay on disk and in {@link #outputs()}, the stopped stage's model too.
 */
public final class Pipeline {

    private final SlimModel base;
    private ImageData data;
    private Path dir;
    private boolean resume;
    private String prefix;
    private boolean control;
    private boolean measureLatency = true;
    private final List<Stage> stages = new ArrayList<>();
    private final List<PipelineListener> listeners = new ArrayList<>();
    private final List<Function<SlimModel, FitListener>> fitListeners = new ArrayList<>();
    private final Map<String, SlimModel> outputs = new LinkedHashMap<>();

    /** Starts a pipeline from {@code base} (only read). */
    public Pipeline(SlimModel base) {
        if (base == null) {
            throw new IllegalArgumentException("pipeline needs a base model, got [null]");
        }
        this.base = base;
    }

    /** The data every stage trains on and every model is judged on (its test split). */
    public Pipeline data(ImageData value) {
        data = value;
        return this;
    }

    /** Where stage artifacts go (none are written without it). */
    public Pipeline dir(Path value) {
        dir = value;
        return this;
    }

    /** Reuse stages whose saved recipe and input match. */
    public Pipeline resume(boolean value) {
        resume = value;
        return this;
    }

    /** The stage models' name prefix (default {@code BASE-slim}). */
    public Pipeline as(String value) {
        prefix = value == null ? null : Names.check(value);
        return this;
    }

    /** Also train the final architecture from scratch on the same total budget. */
    public Pipeline control(boolean value) {
        control = value;
        return this;
    }

    /** Whether to measure latency (the efficiency and scalability yardsticks); default true. */
    public Pipeline measureLatency(boolean value) {
        measureLatency = value;
        return this;
    }

    /** Adds a stage (what the cell magic's parser makes of a line). */
    public Pipeline stage(Stage value) {
        stages.add(value);
        return this;
    }

    public Pipeline train(Consumer<TrainStep> configure) {
        return stage(new Stage("train", 0, "train", m -> configured(new TrainStep(m), configure)));
    }

    public Pipeline transfer(Consumer<TransferStep> configure) {
        return stage(new Stage("transfer", 0, "transfer", m -> configured(new TransferStep(m), configure)));
    }

    public Pipeline distill(Consumer<DistillStep> configure) {
        return stage(new Stage("distill", 0, "distill", m -> configured(new DistillStep(m), configure)));
    }

    public Pipeline prune(Consumer<PruneStep> configure) {
        return stage(new Stage("prune", 0, "prune", m -> configured(new PruneStep(m), configure)));
    }

    public Pipeline trim(Consumer<TrimStep> configure) {
        return stage(new Stage("trim", 0, "trim", m -> configured(new TrimStep(m), configure)));
    }

    private static <S extends Step<S>> S configured(S step, Consumer<S> configure) {
        configure.accept(step);
        return step;
    }

    /** Told when each stage starts and ends. */
    public Pipeline listener(PipelineListener value) {
        listeners.add(value);
        return this;
    }

    /** A training listener for each model a stage trains (live charts). */
    public Pipeline listeners(Function<SlimModel, FitListener> factory) {
        fitListeners.add(factory);
        return this;
    }

    /** The stages as added. */
    public List<Stage> stages() {
        return List.copyOf(stages);
    }

    /** The session name of each stage's model, in order. */
    public List<String> stageNames() {
        String p = prefix();
        Map<String, Integer> seen = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (Stage s : stages) {
            int n = seen.merge(s.kind(), 1, Integer::sum);
            out.add(p + "-" + s.kind() + (n > 1 ? "-" + n : ""));
        }
        return out;
    }

    private String prefix() {
        return prefix != null ? prefix : base.name() + "-slim";
    }

    /** Every model the pipeline made, by session name (stage models, the control, and the final one as PREFIX). */
    public Map<String, SlimModel> outputs() {
        return java.util.Collections.unmodifiableMap(outputs);
    }

    /**
     * Checks the set-up without running anything.
     *
     * @throws IllegalArgumentException naming the line or setting and the fix
     */
    public Pipeline validate() {
        if (data == null) {
            throw new IllegalArgumentException("pipeline needs data; pass data(...)");
        }
        if (stages.isEmpty()) {
            throw new IllegalArgumentException("the pipeline has no stages; write one stage a line, e.g."
                    + " prune --sparsity 0.8 --epochs 1");
        }
        for (Stage s : stages) {
            try {
                s.factory().apply(base); // the stage's own settings, checked before anything runs
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(s.where() + e.getMessage().replaceFirst("^%" + s.kind() + ": ", ""), e);
            }
        }
        boolean opaque = base.spec().hasTorchScript();
        for (Stage s : stages) {
            if (s.step().can(Capability.MAKES_ARCHITECTURE)) {
                opaque = false; // a fresh student is a slimkit architecture
            }
            if (s.step().can(Capability.NEEDS_GRAPH) && opaque) {
                throw new IllegalArgumentException(s.where() + "cannot follow base [" + base.name()
                        + "]: its TorchScript graph is opaque to slimkit; distil it into a slimkit architecture first"
                        + " or drop the trim stage");
            }
        }
        if (dir != null && !resume && Files.isRegularFile(dir.resolve(MANIFEST))) {
            String other = JsonRead.object(read(dir.resolve(MANIFEST))).get("base").getAsString();
            if (!other.equals(digest(base))) {
                throw new IllegalArgumentException("dir(...) [" + dir + "] holds another pipeline's artifacts (another"
                        + " base); pass resume(true) to reuse what still matches, or choose another dir(...)");
            }
        }
        return this;
    }

    private static final String MANIFEST = "pipeline.json";

    /** Runs every stage (or reuses it), measures every model, and reports. */
    public PipelineResult run() {
        validate();
        List<String> names = stageNames();
        List<PipelineResult.Row> rows = new ArrayList<>();
        String key = digest(base);
        String baseKey = key;
        PipelineResult.Row baseRow = null;
        SlimModel input = base;
        boolean interrupted = false;
        try {
            if (dir != null) {
                Files.createDirectories(dir);
            }
            baseRow = new PipelineResult.Row(0, "base", base.name(), PipelineResult.Status.RAN, 0, 0, null, key, null,
                    Yardsticks.measure(base, data, savedSize(base, null), measureLatency));
            for (int i = 0; i < stages.size() && !interrupted; i++) {
                Stage stage = stages.get(i);
                Step<?> step = build(stage, input, names.get(i));
                key = sha256(stage.kind() + "\n" + new TreeMap<>(step.recipe()) + "\n" + data + "\n" + key);
                PipelineResult.Row row = runStage(i + 1, stage, step, names.get(i), key);
                rows.add(row);
                interrupted = row.status() == PipelineResult.Status.INTERRUPTED;
                input = outputs.get(names.get(i));
            }
            if (dir != null && !interrupted) {
                writeManifest(baseKey, rows);
            }
        } catch (Interrupted e) {
            Thread.interrupted(); // consumed: the result says so
            interrupted = true;
        } catch (IOException e) {
            throw new UncheckedIOException("pipeline artifacts in [" + dir + "]: " + e.getMessage(), e);
        }
        PipelineResult.Row controlRow = control && !interrupted && !rows.isEmpty() ? trainControl(rows) : null;
        if (!rows.isEmpty() && !interrupted) {
            outputs.put(prefix(), input);
        }
        return new PipelineResult(baseRow, rows, controlRow, input, interrupted);
    }

    private Step<?> build(Stage stage, SlimModel input, String name) {
        try {
            Step<?> step = stage.factory().apply(input);
            step.data(data).as(name).measureLatency(false);
            fitListeners.forEach(step::listeners);
            return step.validate();
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException(stage.where() + e.getMessage(), e);
        }
    }

    private PipelineResult.Row runStage(int index, Stage stage, Step<?> step, String name, String key) throws IOException {
        Path artifact = dir == null ? null : dir.resolve(String.format(Locale.ROOT, "%02d-%s.slim", index,
                name.substring(prefix().length() + 1)));
        Path meta = artifact == null ? null : artifact.resolveSibling(artifact.getFileName().toString()
                .replace(".slim", ".json"));
        JsonObject saved = resume && meta != null && Files.isRegularFile(meta) && Files.isRegularFile(artifact)
                ? JsonRead.object(read(meta)) : null;
        if (saved != null && key.equals(saved.get("key").getAsString())) {
            SlimModel reused = ModelIO.load(artifact, name);
            outputs.put(name, reused);
            // The figures measured when the stage ran (on this data); measured anew if they were not saved.
            Yardsticks y = saved.has("yardsticks") && (!measureLatency || saved.getAsJsonObject("yardsticks").has("batch32"))
                    ? Yardsticks.fromJson(saved.getAsJsonObject("yardsticks"))
                    : Yardsticks.measure(reused, data, Files.size(artifact), measureLatency);
            PipelineResult.Row row = new PipelineResult.Row(index, stage.kind(), name, PipelineResult.Status.REUSED, 0,
                    step.epochs(), artifact, key, null, y);
            listeners.forEach(l -> l.onStage(row));
            return row;
        }
        PipelineResult.Row started = new PipelineResult.Row(index, stage.kind(), name, PipelineResult.Status.RUNNING, 0,
                step.epochs(), artifact, key, null, null);
        listeners.forEach(l -> l.onStage(started));
        long t0 = System.nanoTime();
        StepResult result = step.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        step.outputs().forEach(outputs::put);
        if (result.interrupted()) {
            PipelineResult.Row row = new PipelineResult.Row(index, stage.kind(), name,
                    PipelineResult.Status.INTERRUPTED, seconds, step.epochs(), null, key, result, null);
            listeners.forEach(l -> l.onStage(row));
            return row;
        }
        SlimModel model = outputs.get(name);
        long bytes = savedSize(model, artifact);
        Yardsticks y = Yardsticks.measure(model, data, bytes, measureLatency);
        if (meta != null) {
            writeMeta(meta, stage, key, step, seconds, y);
        }
        PipelineResult.Row row = new PipelineResult.Row(index, stage.kind(), name, PipelineResult.Status.RAN, seconds,
                step.epochs(), artifact, key, result, y);
        listeners.forEach(l -> l.onStage(row));
        return row;
    }

    /** The final architecture from scratch, trained for the epochs all stages trained together. */
    private PipelineResult.Row trainControl(List<PipelineResult.Row> rows) {
        SlimModel last = outputs.get(rows.get(rows.size() - 1).model());
        int epochs = rows.stream().mapToInt(PipelineResult.Row::epochs).sum();
        if (last.spec().hasTorchScript() || epochs == 0) {
            return null;
        }
        String name = prefix() + "-control";
        SlimModel fresh = SlimModel.create(name, last.spec(), 0);
        outputs.put(name, fresh);
        TrainStep step = new TrainStep(fresh).data(data).epochs(epochs).measureLatency(false);
        fitListeners.forEach(step::listeners);
        long t0 = System.nanoTime();
        StepResult result = step.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (result.interrupted()) {
            return new PipelineResult.Row(rows.size() + 1, "control", name, PipelineResult.Status.INTERRUPTED, seconds,
                    epochs, null, null, result, null);
        }
        try {
            return new PipelineResult.Row(rows.size() + 1, "control", name, PipelineResult.Status.RAN, seconds, epochs,
                    null, null, result, Yardsticks.measure(fresh, data, savedSize(fresh, null), measureLatency));
        } catch (Interrupted e) {
            Thread.interrupted();
            return null;
        }
    }

    private void writeMeta(Path meta, Stage stage, String key, Step<?> step, double seconds, Yardsticks y)
            throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("stage", stage.kind());
        o.addProperty("line", stage.text());
        o.addProperty("key", key);
        o.addProperty("seconds", seconds);
        JsonObject recipe = new JsonObject();
        step.recipe().forEach(recipe::addProperty);
        o.add("recipe", recipe);
        o.add("yardsticks", y.toJson());
        write(meta, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(o));
    }

    private void writeManifest(String baseKey, List<PipelineResult.Row> rows) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("base", baseKey);
        JsonArray keys = new JsonArray();
        rows.forEach(r -> keys.add(r.key()));
        o.add("stages", keys);
        write(dir.resolve(MANIFEST), new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create().toJson(o));
    }

    private static void write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text, StandardCharsets.UTF_8);
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read [" + file + "]: " + e.getMessage(), e);
        }
    }

    /** Saves to {@code file} and returns its size; without a file, the size it would have. */
    private static long savedSize(SlimModel model, Path file) {
        try {
            return file != null ? ModelIO.save(model, file) : ModelIO.encodedSize(model);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
    }

    /** SHA-256 of a model's spec, parameter values (in path order) and mask. */
    static String digest(SlimModel model) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(model.spec().toJson().getBytes(StandardCharsets.UTF_8));
            for (var e : new TreeMap<>(model.parameters()).entrySet()) {
                md.update(e.getKey().getBytes(StandardCharsets.UTF_8));
                md.update(e.getValue().getArray().toByteBuffer());
            }
            model.mask().ifPresent(m -> md.update(String.join(",", m.paths()).getBytes(StandardCharsets.UTF_8)));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

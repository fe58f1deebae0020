package dev.slimkit.sweep;

import dev.slimkit.pipeline.StageLines;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import dev.slimkit.pipeline.Stage;
import dev.slimkit.train.FitListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A search over pipeline recipes: the {@link Recipe}'s trials, each a pipeline run on the base
 * model, run by a {@link SweepExecutor} and gathered into one {@link SweepResult}:
 *
 * <pre>{@code
 * SweepResult r = Slim.sweep(base).data(fmnist)
 *     .recipe(List.of("prune --sparsity {0.5,0.8,0.9} --epochs 1", "trim --channels {0.25,0.5} --epochs 1"))
 *     .on(SweepExecutor.spark("spark://127.0.0.1:7077")).dir(Path.of("runs/sweep1"))
 *     .run();
 * }</pre>
 *
 * Every trial's lines are read and checked before anything runs (an error names the line, the
 * value and the trial). With a {@link #dir}, each trial's final model is saved as {@code
 * trial-NN.slim} and all rows as {@code sweep.json}. A trial that fails is a row with its one-line
 * error. An interrupt of the calling thread stops the sweep and keeps the finished rows.
 */
public final class Sweep {

    private final SlimModel base;
    private ImageData data;
    private Recipe recipe;
    private SweepExecutor executor = SweepExecutor.local();
    private Path dir;
    private String metric = "accuracy";
    private int maxTrials;
    private int sample;
    private long seed;
    private boolean measureLatency = true;
    private StageLines reader;
    private Function<SlimModel, FitListener> fit;
    private final List<SweepListener> listeners = new ArrayList<>();

    /** A sweep from {@code base} (only read). */
    public Sweep(SlimModel base) {
        if (base == null) {
            throw new IllegalArgumentException("sweep needs a base model, got [null]");
        }
        this.base = base;
    }

    /** The data every trial trains on and is judged on (remote trials reopen it from its {@link ImageData#origin}). */
    public Sweep data(ImageData value) {
        data = value;
        return this;
    }

    /** The recipe: stage lines in which any value may be a set {@code {a,b,c}}. */
    public Sweep recipe(List<String> lines) {
        recipe = Recipe.of(lines);
        return this;
    }

    /** The recipe as a cell body. */
    public Sweep recipe(String body) {
        recipe = Recipe.of(body);
        return this;
    }

    /** Where trials run (default {@link SweepExecutor#local()}). */
    public Sweep on(SweepExecutor value) {
        executor = value;
        return this;
    }

    /** Where each trial's final model and the rows are saved. */
    public Sweep dir(Path value) {
        dir = value;
        return this;
    }

    /** The validation figure that picks the best trial (default and only: accuracy). */
    public Sweep metric(String value) {
        metric = SweepResult.checkMetric(value);
        return this;
    }

    /** Runs at most the first {@code n} trials; 0 for all. */
    public Sweep maxTrials(int n) {
        maxTrials = n;
        return this;
    }

    /** Runs {@code n} trials drawn at random (seeded) from the product. */
    public Sweep sample(int n, long seed) {
        this.sample = n;
        this.seed = seed;
        return this;
    }

    /** Whether to measure latency of each final model (default true). */
    public Sweep measureLatency(boolean value) {
        measureLatency = value;
        return this;
    }

    /** Reads the stage lines in this JVM (default: {@link StageLines#detached()}, no session names). */
    public Sweep reader(StageLines value) {
        reader = value;
        return this;
    }

    /** A training listener per model that a trial run in this JVM trains. */
    public Sweep listeners(Function<SlimModel, FitListener> factory) {
        fit = factory;
        return this;
    }

    /** Told as each trial finishes. */
    public Sweep listener(SweepListener value) {
        listeners.add(value);
        return this;
    }

    /** The metric that picks the best trial. */
    public String metric() {
        return metric;
    }

    /** Where trials run. */
    public SweepExecutor executor() {
        return executor;
    }

    /**
     * The trials to run, every one checked.
     *
     * @throws IllegalArgumentException naming the setting, or the line, value and trial
     */
    public List<Trial> trials() {
        if (data == null) {
            throw new IllegalArgumentException("sweep needs data; pass data(...)");
        }
        if (recipe == null) {
            throw new IllegalArgumentException("sweep needs a recipe; pass recipe(...) with one stage a line, e.g."
                    + " prune --sparsity {0.5,0.8} --epochs 1");
        }
        if (executor == null) {
            throw new IllegalArgumentException("on(...) needs an executor, got [null]; pass SweepExecutor.local()");
        }
        if (!(executor instanceof LocalExecutor l && l.describe().equals("local")) && data.origin() == null) {
            throw new IllegalArgumentException("data [" + data.name() + "] were not opened from a source, so another"
                    + " JVM cannot open them; open them with Slim.data(SOURCE) or run on(SweepExecutor.local())");
        }
        List<Trial> trials = recipe.maxTrials(maxTrials).sample(sample, seed).trials();
        StageLines r = reader();
        for (Trial t : trials) {
            try {
                for (Stage s : r.read(t.body())) {
                    try {
                        s.factory().apply(base);
                    } catch (IllegalArgumentException e) {
                        throw new IllegalArgumentException(s.where() + e.getMessage().replaceFirst("^%" + s.kind() + ": ", ""), e);
                    }
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(e.getMessage() + " (trial " + t.index() + ": " + t.label() + ")", e);
            }
        }
        return trials;
    }

    private StageLines reader() {
        return reader != null ? reader : StageLines.detached();
    }

    /** Checks everything without running a trial. */
    public Sweep validate() {
        trials();
        return this;
    }

    /** Runs the trials and gathers their rows; finished rows stay when interrupted. */
    public SweepResult run() {
        List<Trial> trials = trials();
        List<SweepResult.Row> rows = new ArrayList<>();
        long t0 = System.nanoTime();
        Path scratch;
        try {
            scratch = dir != null ? Files.createDirectories(dir.resolve("job")) : Files.createTempDirectory("slimkit-sweep-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the sweep's folder [" + dir + "]: " + e.getMessage(), e);
        }
        SweepExecutor.Work work = new SweepExecutor.Work(base, data, reader(), measureLatency, dir, scratch, fit);
        boolean finished = executor.run(work, trials, row -> {
            rows.add(row);
            listeners.forEach(l -> l.onTrial(row));
        });
        SweepResult result = new SweepResult(rows, trials.size(), !finished, executor.describe(),
                (System.nanoTime() - t0) / 1e9);
        if (dir != null) {
            write(dir.resolve("sweep.json"), result);
        }
        return result;
    }

    /** All rows as JSON (no model bytes). */
    private static void write(Path file, SweepResult result) {
        JsonObject o = new JsonObject();
        o.addProperty("executor", result.executor());
        o.addProperty("planned", result.planned());
        o.addProperty("cancelled", result.cancelled());
        o.addProperty("seconds", result.seconds());
        JsonArray rows = new JsonArray();
        for (SweepResult.Row r : result.rows()) {
            JsonObject row = dev.slimkit.io.JsonRead.object(SweepWire.row(r, null));
            if (r.artifact() != null) {
                row.addProperty("artifact", r.artifact().getFileName().toString());
            }
            rows.add(row);
        }
        o.add("rows", rows);
        try {
            Files.writeString(file, new GsonBuilder().setPrettyPrinting().serializeSpecialFloatingPointValues().create()
                    .toJson(o));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write [" + file + "]: " + e.getMessage(), e);
        }
    }
}

package dev.slimkit.prune;

import ai.djl.nn.Parameter;
import dev.slimkit.StepResult;
import dev.slimkit.data.ImageData;
import dev.slimkit.io.ModelIO;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.model.WeightMask;
import dev.slimkit.schedule.Schedule;
import dev.slimkit.train.Evaluation;
import dev.slimkit.train.Evaluator;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.FitResult;
import dev.slimkit.train.History;
import dev.slimkit.train.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pruning step: {@code Slim.prune(model).sparsity(0.8).schedule(PruneStep.Mode.AGP).epochs(2)
 * .data(d).run()}. Scores the prunable weights ({@link Prunable}) with an {@link Importance},
 * selects a mask ({@link MaskSelector}) globally or per layer, and either prunes once (then
 * fine-tunes with the mask kept) or gradually along Zhu &amp; Gupta's AGP schedule {@code s_t =
 * s_f + (s_i − s_f)(1 − t)³} over {@code steps} pruning steps spread over the first 75 % of
 * fine-tuning (the rest fine-tunes at the final sparsity). The mask stays with the model: it is
 * re-applied after every optimizer step, saved, and rebuilt on load. The result reports per-layer
 * sparsity, dense and saved file sizes, and the measured latency ratio (about 1.0×: dense kernels
 * do not skip zeros).
 */
public final class PruneStep {

    /** How the sparsity target is reached. */
    public enum Mode {
        /** All at once, before fine-tuning. */
        ONESHOT,
        /** Gradually, along the cubic AGP schedule, during fine-tuning. */
        AGP
    }

    /** Series name of the sparsity schedule in the model's history. */
    public static final String SPARSITY_SERIES = "sparsity";

    /** Fraction of fine-tuning over which AGP prunes (the rest fine-tunes at the final sparsity). */
    public static final double AGP_SPAN = 0.75;

    private final SlimModel source;
    private double sparsity = 0.5;
    private MaskSelector.Scope scope = MaskSelector.Scope.GLOBAL;
    private Importance importance = Importance.l1();
    private String criterionName = "l1";
    private Mode mode = Mode.ONESHOT;
    private int steps = 10;
    private int epochs = 0;
    private ImageData data;
    private String exclude;
    private String as;
    private TrainConfig config = TrainConfig.defaults();
    private boolean measureLatency = true;
    private final List<FitListener> listeners = new ArrayList<>();
    private SlimModel model;
    private final List<double[]> scheduleLog = new ArrayList<>();

    /** Starts a pruning step on {@code model}. */
    public PruneStep(SlimModel model) {
        if (model == null) {
            throw new IllegalArgumentException("prune needs a model, got [null]");
        }
        this.source = model;
    }

    /** Fraction of the prunable weights to zero, in [0, 1). */
    public PruneStep sparsity(double value) {
        sparsity = MaskSelector.checkSparsity(value);
        return this;
    }

    public PruneStep scope(MaskSelector.Scope value) {
        scope = value;
        return this;
    }

    /** {@code l1} or {@code l2}. */
    public PruneStep criterion(String name) {
        importance = Importance.named(name);
        criterionName = name.toLowerCase(Locale.ROOT);
        return this;
    }

    /** A custom importance (named in the recipe as "custom"). */
    public PruneStep importance(Importance value) {
        importance = value;
        criterionName = "custom";
        return this;
    }

    public PruneStep mode(Mode value) {
        mode = value;
        return this;
    }

    /** Pruning steps of AGP (at least 1). */
    public PruneStep steps(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("pruning steps must be >= 1, got [" + value + "]; pass e.g. 10");
        }
        steps = value;
        return this;
    }

    /** Fine-tuning epochs (0 = prune only). */
    public PruneStep epochs(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got [" + value + "]; pass e.g. 2 (0 prunes without fine-tuning)");
        }
        epochs = value;
        return this;
    }

    /** Data for fine-tuning and the before/after accuracy. */
    public PruneStep data(ImageData value) {
        data = value;
        return this;
    }

    /** Layers to leave dense (see {@link Prunable}). */
    public PruneStep exclude(String patterns) {
        exclude = patterns;
        return this;
    }

    /** Prune a copy named {@code name}, leaving the source model unchanged. */
    public PruneStep as(String name) {
        as = name;
        return this;
    }

    /** Fine-tuning settings (epochs are taken from {@link #epochs(int)}). */
    public PruneStep config(TrainConfig value) {
        config = value;
        return this;
    }

    public PruneStep measureLatency(boolean value) {
        measureLatency = value;
        return this;
    }

    public PruneStep listener(FitListener listener) {
        listeners.add(listener);
        return this;
    }

    /** The pruned model (after {@link #run()}; the source itself unless {@link #as}). */
    public SlimModel model() {
        return model;
    }

    /** The sparsity schedule as run: {step, target sparsity} pairs. */
    public List<double[]> scheduleLog() {
        return List.copyOf(scheduleLog);
    }

    /** The AGP target after {@code j} of {@code k} pruning steps: s_f (1 − (1 − j/k)³). */
    public static double agpTarget(double finalSparsity, int j, int k) {
        return Schedule.polynomial(0, finalSparsity, 3).valueAt((double) j / k);
    }

    /**
     * Checks the set-up without changing anything.
     *
     * @throws IllegalArgumentException naming the value and the fix
     */
    public PruneStep validate() {
        Prunable.weights(source, exclude);
        if (epochs > 0 && data == null) {
            throw new IllegalArgumentException("fine-tuning for " + epochs + " epochs needs data; pass --data D");
        }
        if (mode == Mode.AGP && epochs == 0) {
            throw new IllegalArgumentException("the agp schedule prunes during fine-tuning; pass --epochs 1 or more, or use --schedule oneshot");
        }
        if (data != null) {
            Evaluator.checkCompatible(source, data.train());
        }
        return this;
    }

    /**
     * Validates and returns the model that will be pruned: the source, or (with {@link #as}) its
     * copy, made now so a caller can watch its history. Idempotent.
     */
    public SlimModel prepare() {
        validate();
        if (model == null) {
            model = as != null ? source.copy(as) : source;
        }
        return model;
    }

    /** Prunes (and fine-tunes), measures and reports. */
    public StepResult run() {
        prepare();
        long start = System.nanoTime();
        ModelStats before = ModelStats.of(model);
        Evaluation evalBefore = data == null ? null : Evaluator.evaluate(model, data.test(), 256);
        Latency.Stats latBefore1 = measureLatency ? Latency.measure(model, 1) : null;
        Latency.Stats latBefore32 = measureLatency ? Latency.measure(model, 32) : null;
        long denseBytes = savedSize(model);
        Map<String, Parameter> weights = Prunable.weights(model, exclude);
        long batchesPerEpoch = data == null ? 0 : (data.train().size() + config.batchSize() - 1) / config.batchSize();
        long firstStep = model.history().totalBatches();
        FitResult fit = null;
        if (mode == Mode.ONESHOT) {
            pruneTo(weights, sparsity, firstStep);
            if (epochs > 0) {
                fit = FitLoop.fit(model, data, config.epochs(epochs), listeners);
            }
        } else {
            long total = batchesPerEpoch * epochs;
            long span = Math.max(steps, Math.round(total * AGP_SPAN));
            List<FitListener> all = new ArrayList<>();
            all.add(new FitListener() {
                private int done = 0;

                @Override
                public void onBatch(BatchProgress p) {
                    long local = p.step() - firstStep;
                    while (done < steps && local >= Math.round((double) done * span / steps)) {
                        done++;
                        pruneTo(weights, agpTarget(sparsity, done, steps), p.step());
                    }
                }
            });
            all.addAll(listeners);
            fit = FitLoop.fit(model, data, config.epochs(epochs), all);
            if (!fit.interrupted() && scheduleLog.isEmpty()) {
                pruneTo(weights, sparsity, model.history().totalBatches());
            }
        }
        boolean interrupted = fit != null && fit.interrupted();
        ModelStats after = ModelStats.of(model);
        Evaluation evalAfter = data == null || interrupted ? null : Evaluator.evaluate(model, data.test(), 256);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("target sparsity", sparsity);
        metrics.put("achieved sparsity (pruned layers)", achieved(weights));
        metrics.put("achieved sparsity (all params)", after.sparsity());
        long sparseBytes = savedSize(model);
        metrics.put("dense file bytes", (double) denseBytes);
        metrics.put("saved file bytes", (double) sparseBytes);
        List<String> notes = new ArrayList<>();
        if (interrupted) {
            notes.add("interrupted after " + fit.batches() + " batches");
        }
        if (measureLatency) {
            Latency.Stats a1 = Latency.measure(model, 1);
            Latency.Stats a32 = Latency.measure(model, 32);
            metrics.put("latency ms batch 1 before", latBefore1.medianMs());
            metrics.put("latency ms batch 1 after", a1.medianMs());
            metrics.put("latency ms batch 32 before", latBefore32.medianMs());
            metrics.put("latency ms batch 32 after", a32.medianMs());
            notes.add(String.format(Locale.ROOT,
                    "latency after/before %.2f× at batch 1, %.2f× at batch 32: unstructured sparsity is compression only on"
                            + " dense CPU kernels; use %%trim for speed",
                    a1.medianMs() / latBefore1.medianMs(), a32.medianMs() / latBefore32.medianMs()));
        } else {
            notes.add("unstructured sparsity is compression only on dense CPU kernels; use %trim for speed");
        }
        notes.add(String.format(Locale.ROOT, "saved size %,d bytes vs %,d dense (%.2f×)", sparseBytes, denseBytes,
                (double) sparseBytes / denseBytes));
        Map<String, String> recipe = new LinkedHashMap<>();
        recipe.put("sparsity", Double.toString(sparsity));
        recipe.put("scope", scope.name().toLowerCase(Locale.ROOT));
        recipe.put("criterion", criterionName);
        recipe.put("schedule", mode == Mode.AGP ? "agp, " + steps + " steps over the first 75% of fine-tuning" : "oneshot");
        recipe.put("pruned", String.join(", ", weights.keySet()));
        if (epochs > 0) {
            recipe.put("fine-tune", config.epochs(epochs).describe());
        }
        List<History.Epoch> epochRows = fit == null ? List.of() : fit.epochs();
        return new StepResult("prune", model.name(), before, after, evalBefore, evalAfter, epochRows, recipe, notes,
                (System.nanoTime() - start) / 1e9, interrupted, List.of(), metrics);
    }

    /** Scores current weights, selects a mask at {@code target}, attaches and applies it. */
    private void pruneTo(Map<String, Parameter> weights, double target, long step) {
        Map<String, float[]> scores = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : weights.entrySet()) {
            scores.put(e.getKey(), importance.scores(e.getKey(), e.getValue().getArray().toFloatArray()));
        }
        model.setMask(new WeightMask(model, MaskSelector.select(scores, target, scope)));
        scheduleLog.add(new double[] {step, target});
        model.history().addSeriesValue(SPARSITY_SERIES, new History.Step(step, target));
    }

    private static double achieved(Map<String, Parameter> weights) {
        long zeros = 0;
        long total = 0;
        for (Parameter p : weights.values()) {
            for (float v : p.getArray().toFloatArray()) {
                zeros += v == 0f ? 1 : 0;
                total++;
            }
        }
        return total == 0 ? 0 : (double) zeros / total;
    }

    /** Size of the model's saved file (sparse tensors encode compactly). */
    private static long savedSize(SlimModel m) {
        try {
            Path tmp = Files.createTempFile("slimkit-size", ".slim");
            try {
                return ModelIO.save(m, tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

package dev.slimkit.prune;

import ai.djl.nn.Parameter;
import dev.slimkit.io.ModelIO;
import dev.slimkit.model.History;
import dev.slimkit.model.SlimModel;
import dev.slimkit.model.WeightMask;
import dev.slimkit.schedule.Schedule;
import dev.slimkit.step.Probe;
import dev.slimkit.step.Step;
import dev.slimkit.step.StepResult;
import dev.slimkit.train.BatchLoss;
import dev.slimkit.train.FitListener;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The pruning step: {@code Slim.prune(model).sparsity(0.8).mode(PruneStep.Mode.AGP).epochs(2)
 * .data(d).run()}. Scores the prunable weights ({@link Prunable}) with an {@link Importance},
 * selects a mask ({@link MaskSelector}) globally or per layer, and either prunes once (then
 * fine-tunes with the mask kept) or gradually along Zhu &amp; Gupta's AGP schedule {@code s_t =
 * s_f + (s_i − s_f)(1 − t)³} over {@code steps} pruning steps spread over the first 75 % of
 * fine-tuning (the rest fine-tunes at the final sparsity). The mask stays with the model: it is
 * re-applied after every optimizer step, saved, and rebuilt on load. The result reports per-layer
 * sparsity, dense and saved file sizes, and the measured latency ratio (about 1.0×: dense kernels
 * do not skip zeros).
 */
public final class PruneStep extends Step<PruneStep> {

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

    /** Fraction of the prunable weights zeroed unless told otherwise. */
    public static final double DEFAULT_SPARSITY = 0.5;

    /** Pruning steps of AGP unless told otherwise. */
    public static final int DEFAULT_PRUNE_STEPS = 10;

    /** Epochs of fine-tuning unless told otherwise: none. */
    public static final int DEFAULT_EPOCHS = 0;

    private double sparsity = DEFAULT_SPARSITY;
    private MaskSelector.Scope scope = MaskSelector.Scope.GLOBAL;
    private Importance importance = Importance.l1();
    private String criterionName = "l1";
    private Mode mode = Mode.ONESHOT;
    private int steps = DEFAULT_PRUNE_STEPS;
    private dev.slimkit.step.RecoveryTeacher teacher = dev.slimkit.step.RecoveryTeacher.DEFAULT;
    private String exclude;
    private final List<double[]> scheduleLog = new ArrayList<>();
    private Map<String, Parameter> weights = Map.of();

    /** Starts a pruning step on {@code model}: sparsity 0.5, global, l1, one-shot, no fine-tuning. */
    public PruneStep(SlimModel model) {
        super("prune", model, DEFAULT_EPOCHS, 0, true);
    }

    /** Fraction of the prunable weights to zero, in [0, 1). */
    public PruneStep sparsity(double value) {
        sparsity = MaskSelector.checkSparsity(value);
        return this;
    }

    /** {@code global} (one threshold) or {@code layer} (the same sparsity in every layer). */
    public PruneStep scope(MaskSelector.Scope value) {
        scope = value;
        return this;
    }

    /** {@code global} or {@code layer}. */
    public PruneStep scope(String value) {
        return scope(MaskSelector.Scope.parse(value));
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

    /** {@code oneshot} or {@code agp}. */
    public PruneStep mode(String value) {
        if (!"oneshot".equals(value) && !"agp".equals(value)) {
            throw new IllegalArgumentException("mode must be oneshot or agp, got [" + value + "]");
        }
        return mode(Mode.valueOf(value.toUpperCase(Locale.ROOT)));
    }

    /** Pruning steps of AGP (at least 1). */
    public PruneStep pruneSteps(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("pruneSteps(...) must be >= 1, got [" + value + "]; pass e.g. 10");
        }
        steps = value;
        return this;
    }

    /**
     * Who teaches the fine-tune: {@code "none"} (cross-entropy only; the default) or {@code "input"}
     * (the model before pruning, Hinton's loss with the distill step's defaults).
     */
    public PruneStep teacher(String choice) {
        teacher = dev.slimkit.step.RecoveryTeacher.named(choice);
        return this;
    }

    /** A given model teaches the fine-tune. */
    public PruneStep teacher(SlimModel model) {
        teacher = dev.slimkit.step.RecoveryTeacher.of(model);
        return this;
    }

    /** Layers to leave dense (see {@link Prunable}). */
    public PruneStep exclude(String patterns) {
        exclude = patterns;
        return this;
    }

    /** The sparsity schedule as run: {step, target sparsity} pairs. */
    public List<double[]> scheduleLog() {
        return List.copyOf(scheduleLog);
    }

    /** The AGP target after {@code j} of {@code k} pruning steps: s_f (1 − (1 − j/k)³). */
    public static double agpTarget(double finalSparsity, int j, int k) {
        return Schedule.polynomial(0, finalSparsity, 3).valueAt((double) j / k);
    }

    @Override
    protected String defaultName() {
        return source.name();
    }

    @Override
    protected void check() {
        Prunable.weights(source, exclude);
        if (mode == Mode.AGP && epochs() == 0) {
            throw new IllegalArgumentException("the agp schedule prunes during fine-tuning; pass epochs(...) 1 or"
                    + " more, or use mode(oneshot)");
        }
    }

    @Override
    protected SlimModel execute(Run run) {
        // The teacher is the model before pruning: a copy when pruning in place, closed afterwards.
        SlimModel before = epochs() > 0 && teacher == dev.slimkit.step.RecoveryTeacher.INPUT && asName() == null
                ? source.copy(source.name() + "-before-prune") : null;
        try {
            return prune(run, before != null ? before : source);
        } finally {
            if (before != null) {
                before.close();
            }
        }
    }

    private BatchLoss recoveryLoss(SlimModel before) {
        return dev.slimkit.distill.DistillationLoss.recovery(teacher, before);
    }

    private SlimModel prune(Run run, SlimModel before) {
        SlimModel model = run.output(sourceOrCopy());
        run.result().metric("dense file bytes", (double) savedSize(model));
        weights = Prunable.weights(model, exclude);
        long firstStep = model.history().totalBatches();
        if (mode == Mode.ONESHOT) {
            pruneTo(model, sparsity, firstStep);
            if (epochs() > 0) {
                run.fit(model, epochs(), recoveryLoss(before), List.of());
            }
            return model;
        }
        long batchesPerEpoch = (data().train().size() + config().batchSize() - 1) / config().batchSize();
        long span = Math.max(steps, Math.round(batchesPerEpoch * epochs() * AGP_SPAN));
        FitListener agp = new FitListener() {
            private int done = 0;

            @Override
            public void onBatch(BatchProgress p) {
                long local = p.step() - firstStep;
                while (done < steps && local >= Math.round((double) done * span / steps)) {
                    done++;
                    pruneTo(model, agpTarget(sparsity, done, steps), p.step());
                }
            }
        };
        run.fit(model, epochs(), recoveryLoss(before), List.of(agp));
        if (scheduleLog.isEmpty()) {
            pruneTo(model, sparsity, model.history().totalBatches());
        }
        return model;
    }

    @Override
    protected void report(Run run, Probe.Figures before, Probe.Figures after) {
        StepResult.Builder r = run.result();
        r.detail(new PruneDetail(scheduleLog));
        SlimModel model = model();
        r.metric("target sparsity", sparsity);
        r.metric("achieved sparsity (pruned layers)", achieved(weights));
        r.metric("achieved sparsity (all params)", after.stats().sparsity());
        long sparseBytes = savedSize(model);
        double denseBytes = r.metric("dense file bytes");
        r.metric("saved file bytes", (double) sparseBytes);
        if (measuresLatency()) {
            r.note(run.format("latency after/before %.2f× at batch 1, %.2f× at batch 32: unstructured sparsity is"
                    + " compression only on dense CPU kernels; use %%trim for speed",
                    after.latencyMs(0) / before.latencyMs(0), after.latencyMs(1) / before.latencyMs(1)));
        } else {
            r.note("unstructured sparsity is compression only on dense CPU kernels; use %trim for speed");
        }
        r.note(run.format("saved size %,d bytes vs %,d dense (%.2f×)", sparseBytes, (long) denseBytes,
                sparseBytes / denseBytes));
    }

    @Override
    protected void recipe(StepResult.Builder r) {
        r.recipe("sparsity", Double.toString(sparsity));
        r.recipe("scope", scope.name().toLowerCase(Locale.ROOT));
        r.recipe("criterion", criterionName);
        r.recipe("mode", mode == Mode.AGP ? "agp, " + steps + " steps over the first 75% of fine-tuning" : "oneshot");
        r.recipe("teacher", dev.slimkit.distill.DistillationLoss.describeRecovery(teacher, epochs() > 0, "pruning"));
        r.recipe("pruned", String.join(", ", Prunable.weights(source, exclude).keySet()));
    }

    /** Scores current weights, selects a mask at {@code target}, attaches and applies it. */
    private void pruneTo(SlimModel model, double target, long step) {
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

    /** Size of the model's saved file (sparse tensors encode compactly), without writing it. */
    private static long savedSize(SlimModel m) {
        try {
            return ModelIO.encodedSize(m);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

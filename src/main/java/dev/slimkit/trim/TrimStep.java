package dev.slimkit.trim;

import dev.slimkit.step.Probe;
import dev.slimkit.step.Step;
import dev.slimkit.step.StepResult;
import dev.slimkit.model.Layer;
import dev.slimkit.model.SlimModel;
import java.util.List;
import java.util.Locale;

/**
 * The trimming step: {@code Slim.trim(model).remove(0.5).epochs(1).data(d).run()}.
 * Removes the least important channels of every {@link ChannelGroup} — residual-coupled stage
 * widths included, with the same indices in every member — and/or the least important identity
 * residual blocks (mean |γ| of the block's last batch norm), rebuilds a narrower dense model,
 * fine-tunes it, and measures MACs, parameters and latency before and after.
 *
 * <p>How much: {@link #remove} (a fraction of each group, or of all channels with {@link
 * #global}), or a target: {@link #macs}, {@link #params} or {@link #latency} (measured at {@link
 * #latencyBatch}, from a {@link LatencyTable}). Which: a {@link Criterion}. When: in one cut, or in
 * {@link #cuts} cuts with {@link #epochsPerCut} epochs of fine-tuning between them. Every cut is
 * checked: the trimmed model must compute what its input computes with the removed channels
 * zeroed, to 1e-4, or the step fails. The source model is never changed: the result is a new model.
 */
public final class TrimStep extends Step<TrimStep> {

    /** Epochs of fine-tuning after the cut unless told otherwise: none. */
    public static final int DEFAULT_EPOCHS = 0;

    /** Tolerance of the equivalence check. */
    public static final double TOLERANCE = 1e-4;

    /** Channel counts are kept multiples of this unless {@link #round} says otherwise. */
    public static final int DEFAULT_ROUND = 8;

    /** Default cap of {@link #maxPerLayer}. */
    public static final double DEFAULT_MAX_PER_LAYER = 0.9;

    /** Default calibration batches of the Taylor criterion. */
    public static final int DEFAULT_CALIBRATION = 8;

    /** Default batch of a latency target. */
    public static final int DEFAULT_LATENCY_BATCH = 32;

    double channels = 0;
    double macsTarget = 0;
    double paramsTarget = 0;
    double latencyTarget = 0;
    int latencyBatch = DEFAULT_LATENCY_BATCH;
    Criterion criterion = Criterion.L1;
    private Integer calibration;
    private boolean global;
    private Double maxPerLayer;
    int roundTo = DEFAULT_ROUND;
    int blocks = 0;
    String exclude;
    int steps = 1;
    private Integer epochsPerStep;
    LatencyTable.Timer timer = LatencyTable.MEASURED;
    boolean recalibrate = true;
    private dev.slimkit.step.RecoveryTeacher teacher = dev.slimkit.step.RecoveryTeacher.DEFAULT;
    int recalibrationBatches = dev.slimkit.train.BatchNormRecalibration.DEFAULT_BATCHES;
    private CutLoop last;

    /** Starts a trimming step on {@code model} (which is only read): l1, round to 8, no fine-tuning. */
    public TrimStep(SlimModel model) {
        super("trim", model, DEFAULT_EPOCHS, 0, true);
    }

    private void oneTarget(String setter) {
        int given = (channels > 0 ? 1 : 0) + (macsTarget > 0 ? 1 : 0) + (paramsTarget > 0 ? 1 : 0) + (latencyTarget > 0 ? 1 : 0);
        if (given > 0) {
            throw new IllegalArgumentException("pass one of remove(...), macs(...), params(...) or latency(...), not "
                    + setter + " as well");
        }
    }

    private static double fraction(String setter, double value, String meaning) {
        if (!(value > 0 && value < 1)) {
            throw new IllegalArgumentException(setter + "(...) must be in (0, 1), got [" + value + "]; pass " + meaning);
        }
        return value;
    }

    /** Fraction of each group's channels to remove (of all channels with {@link #global}), in (0, 1). */
    public TrimStep remove(double ratio) {
        fraction("remove", ratio, "the fraction of channels to remove, e.g. 0.5");
        oneTarget("remove(...)");
        channels = ratio;
        return this;
    }

    /** Remove channels until the MACs are at most this fraction of the original's, in (0, 1). */
    public TrimStep macs(double value) {
        fraction("macs", value, "the fraction of MACs to keep, e.g. 0.5");
        oneTarget("macs(...)");
        macsTarget = value;
        return this;
    }

    /** Remove channels until the parameters are at most this fraction of the original's, in (0, 1). */
    public TrimStep params(double value) {
        fraction("params", value, "the fraction of parameters to keep, e.g. 0.5");
        oneTarget("params(...)");
        paramsTarget = value;
        return this;
    }

    /**
     * Remove channels until the latency measured at {@link #latencyBatch} is at most this fraction
     * of the original's on this machine, in (0, 1).
     */
    public TrimStep latency(double value) {
        fraction("latency", value, "the fraction of the measured latency to keep, e.g. 0.5");
        oneTarget("latency(...)");
        latencyTarget = value;
        return this;
    }

    /** Batch size a latency target is measured at; default 32. */
    public TrimStep latencyBatch(int b) {
        if (b < 1 || b > 4096) {
            throw new IllegalArgumentException("latencyBatch(...) must be in [1, 4096], got [" + b + "]; pass e.g. 1 or 32");
        }
        latencyBatch = b;
        return this;
    }

    /** The clock of a latency target (tests inject a fake one); default {@link LatencyTable#MEASURED}. */
    public TrimStep timer(LatencyTable.Timer value) {
        if (value == null) {
            throw new IllegalArgumentException("timer(...) must not be null; omit it to measure");
        }
        timer = value;
        return this;
    }

    public TrimStep criterion(Criterion value) {
        criterion = value;
        return this;
    }

    /** {@code l1}, {@code l2-group}, {@code taylor} or {@code bn}. */
    public TrimStep criterion(String value) {
        return criterion(Criterion.parse(value));
    }

    /** Training batches the Taylor criterion averages its gradients over; default 8. */
    public TrimStep calibration(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("calibration(...) must be >= 1, got [" + k + "]; pass the number of"
                    + " training batches, e.g. 8");
        }
        calibration = k;
        return this;
    }

    /** Rank channels across all groups (normalized by each group's mean score) instead of per group. */
    public TrimStep global(boolean value) {
        global = value;
        return this;
    }

    /** With {@link #global}: the largest fraction of one group that may be removed, in (0, 1); default 0.9. */
    public TrimStep maxPerLayer(double f) {
        fraction("maxPerLayer", f, "the largest fraction of one layer to remove, e.g. 0.9");
        maxPerLayer = f;
        return this;
    }

    /** Keep channel counts multiples of {@code n} (never more than the layer had, never 0); default 8. */
    public TrimStep round(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("round(...) must be >= 1, got [" + n + "]; pass e.g. 8");
        }
        roundTo = n;
        return this;
    }

    /** Remove this many identity residual blocks (after any channel cut). */
    public TrimStep blocks(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("blocks(...) must be >= 0, got [" + k + "]; pass e.g. 1");
        }
        blocks = k;
        return this;
    }

    /** Reach the target in {@code k} cuts (iterative trimming); default 1. */
    public TrimStep cuts(int k) {
        if (k < 1 || k > 100) {
            throw new IllegalArgumentException("cuts(...) must be in [1, 100], got [" + k + "]; pass e.g. 4");
        }
        steps = k;
        return this;
    }

    /** With {@link #cuts}: epochs of fine-tuning between two cuts; default 1. */
    public TrimStep epochsPerCut(int e) {
        if (e < 0) {
            throw new IllegalArgumentException("epochsPerCut(...) must be >= 0, got [" + e + "]; pass e.g. 1");
        }
        epochsPerStep = e;
        return this;
    }

    /** Producer layers to leave whole: comma-separated globs on layer paths (a group goes if any producer matches). */
    /**
     * Whether to re-estimate the batch norms' running statistics on training batches right after
     * every cut, before measuring and fine-tuning (forward passes only; default true: without it
     * accuracy right after a cut falls towards chance).
     */
    public TrimStep recalibrate(boolean value) {
        recalibrate = value;
        return this;
    }

    /** Training batches the recalibration reads; default {@value dev.slimkit.train.BatchNormRecalibration#DEFAULT_BATCHES}. */
    public TrimStep recalibrationBatches(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("recalibrationBatches(...) must be >= 1, got [" + k + "]; pass e.g. "
                    + dev.slimkit.train.BatchNormRecalibration.DEFAULT_BATCHES);
        }
        recalibrationBatches = k;
        return this;
    }

    /**
     * Who teaches the fine-tune after the cut: {@code "none"} (cross-entropy only; the default) or
     * {@code "input"} (the model before the cut, Hinton's loss with the distill step's defaults).
     */
    public TrimStep teacher(String choice) {
        teacher = dev.slimkit.step.RecoveryTeacher.named(choice);
        return this;
    }

    /** A given model teaches the fine-tune after the cut. */
    public TrimStep teacher(SlimModel model) {
        teacher = dev.slimkit.step.RecoveryTeacher.of(model);
        return this;
    }

    dev.slimkit.train.BatchLoss recoveryLoss() {
        return dev.slimkit.distill.DistillationLoss.recovery(teacher, source);
    }

    public TrimStep exclude(String patterns) {
        exclude = patterns;
        return this;
    }

    /** Max |Δ| of the equivalence checks (NaN if no channels were cut). */
    public double equivalenceError() {
        return last == null ? Double.NaN : last.equivalenceError();
    }

    /** The cuts of the last run, one per step. */
    public List<Cut> cuts() {
        return last == null ? List.of() : last.cuts();
    }

    /** The latency table of the last cut with a latency target, or null. */
    public LatencyTable latencyTable() {
        return last == null || last.latency() == null ? null : last.latency().table();
    }

    /**
     * Predicted latency (ms at {@link #latencyBatch}) of the last latency-target cut: the search's
     * probe of the widths it chose (a model of those widths measured interleaved with the original,
     * as a fraction of it, times the original's table figure), before the cut; NaN when none.
     */
    public double predictedMs() {
        return last == null || last.latency() == null ? Double.NaN : last.latency().predictedMs();
    }

    /**
     * Latency of the last latency-target cut measured afresh after the cut: the trimmed model
     * interleaved with the original (never from the cache), times the original's table figure; NaN
     * when none.
     */
    public double measuredMs() {
        return last == null || last.latency() == null ? Double.NaN : last.latency().measuredMs();
    }

    /** The groups this step may cut (after exclusions). */
    public List<ChannelGroup> groups() {
        refuseTorchScript();
        return Groups.cuttable(source.spec(), exclude);
    }

    private void refuseTorchScript() {
        for (Layer l : source.spec().torchScriptLayers()) {
            throw new IllegalArgumentException("model [" + source.name() + "] has TorchScript layer [" + l.name()
                    + "] (from " + l.source() + ") whose graph slimkit cannot see, so it cannot be trimmed; "
                    + "use %prune for sparsity, or rebuild the network as a slimkit architecture");
        }
    }

    /** Identity residual blocks (the removable ones) in order. */
    public List<String> removableBlocks() {
        return Groups.removableBlocks(source.spec());
    }

    boolean cutsChannels() {
        return channels > 0 || macsTarget > 0 || paramsTarget > 0 || latencyTarget > 0;
    }

    private double cap() {
        return maxPerLayer == null ? DEFAULT_MAX_PER_LAYER : maxPerLayer;
    }

    int calibrationBatches() {
        return calibration == null ? DEFAULT_CALIBRATION : calibration;
    }

    int epochsBetween() {
        return epochsPerStep == null ? 1 : epochsPerStep;
    }

    @Override
    protected String defaultName() {
        return source.name() + "-trimmed";
    }

    @Override
    protected void check() {
        refuseTorchScript();
        checkWhat();
        checkCriterion();
        checkCuts();
        if (macsTarget > 0 || paramsTarget > 0) {
            double reach = widthTarget().narrowestReach(source.spec(), groups());
            double target = macsTarget > 0 ? macsTarget : paramsTarget;
            if (reach > target) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "cannot reach [%s] of the %s by cutting"
                        + " channels (the narrowest cut keeps %.3f); pass a larger fraction, fewer exclusions or blocks(...)",
                        target, macsTarget > 0 ? "MACs" : "parameters", reach));
            }
        }
    }

    private void checkWhat() {
        if (!cutsChannels() && blocks == 0) {
            throw new IllegalArgumentException("nothing to trim; pass remove(...), macs(...), params(...), latency(...)"
                    + " or blocks(...)");
        }
        if (cutsChannels() && groups().isEmpty()) {
            throw new IllegalArgumentException("model [" + source.name() + "] (" + source.spec().arch()
                    + ") has no channel group that can be cut");
        }
        if (blocks > 0 && blocks >= removableBlocks().size()) {
            throw new IllegalArgumentException("cannot remove [" + blocks + "] blocks: model [" + source.name() + "] has "
                    + removableBlocks().size() + " removable (identity) residual blocks; pass fewer than "
                    + removableBlocks().size());
        }
        if (maxPerLayer != null && !global) {
            throw new IllegalArgumentException("maxPerLayer(...) applies with global(true) only; add global(true) or drop it");
        }
        if (latencyTarget > 0 && global) {
            throw new IllegalArgumentException("latency(...) chooses its own widths per group from measurements;"
                    + " drop global(true)");
        }
    }

    private void checkCriterion() {
        if (criterion == Criterion.BN) {
            for (ChannelGroup g : groups()) {
                if (g.norms().isEmpty()) {
                    throw new IllegalArgumentException("criterion bn needs a batch norm after [" + g.producer()
                            + "]; use criterion l1 or exclude that layer");
                }
            }
        }
        if (calibration != null && criterion != Criterion.TAYLOR) {
            throw new IllegalArgumentException("calibration(...) applies to criterion taylor only; drop it or pass"
                    + " criterion(\"taylor\")");
        }
        if (criterion == Criterion.TAYLOR && data() == null) {
            throw new IllegalArgumentException("criterion taylor needs data(...): its gradients come from training batches");
        }
    }

    private void checkCuts() {
        if (!cutsChannels() && (steps > 1 || epochsPerStep != null)) {
            throw new IllegalArgumentException("cuts(...) and epochsPerCut(...) need a channel cut; pass remove(...),"
                    + " macs(...), params(...) or latency(...)");
        }
        if (epochsPerStep != null && steps == 1) {
            throw new IllegalArgumentException("epochsPerCut(...) applies with cuts(...) > 1; pass e.g. cuts(4)");
        }
        if (steps > 1 && epochsBetween() > 0 && data() == null) {
            throw new IllegalArgumentException("cuts(" + steps + ") fine-tunes " + epochsBetween()
                    + " epoch(s) between cuts and needs data(...); pass data(...) or epochsPerCut(0)");
        }
    }

    WidthTarget widthTarget() {
        return new WidthTarget(channels, macsTarget, paramsTarget, global, cap(), roundTo);
    }

    /**
     * Cuts without fine-tuning or measuring (all cuts at once when {@link #cuts} is more than 1):
     * builds the trimmed model (channels, checked for equivalence, then blocks) and returns it; the
     * caller owns it.
     *
     * @throws IllegalStateException when the equivalence check fails (nothing is changed)
     */
    public SlimModel cut() {
        validate();
        last = new CutLoop(this, source, null);
        return last.run();
    }

    @Override
    protected SlimModel execute(Run run) {
        last = new CutLoop(this, source, run);
        return last.run();
    }

    @Override
    protected void report(Run run, Probe.Figures before, Probe.Figures after) {
        last.report(run, before, after);
    }

    @Override
    protected void recipe(StepResult.Builder r) {
        String target = channels > 0 ? Double.toString(channels)
                : macsTarget > 0 ? "to " + macsTarget + " of the MACs"
                : paramsTarget > 0 ? "to " + paramsTarget + " of the parameters"
                : latencyTarget > 0 ? "to " + latencyTarget + " of the latency at batch " + latencyBatch : "none";
        r.recipe("remove", target);
        r.recipe("criterion", criterion.label() + (criterion == Criterion.TAYLOR ? " (" + calibrationBatches()
                + " calibration batches)" : ""));
        r.recipe("ranking", global ? "global (at most " + cap() + " of a layer)" : "per group");
        r.recipe("round to", Integer.toString(roundTo));
        r.recipe("cuts", steps + (steps > 1 ? " (" + epochsBetween() + " epoch(s) between cuts)" : ""));
        r.recipe("blocks removed", Integer.toString(blocks));
        boolean tunes = epochs() > 0 || (steps > 1 && epochsBetween() > 0);
        r.recipe("teacher", dev.slimkit.distill.DistillationLoss.describeRecovery(teacher, tunes, "cut"));
        r.recipe("recalibrate", recalibrate ? recalibrationBatches + " training batches after each cut" : "off");
        r.recipe("groups", String.join("; ", groups().stream().map(ChannelGroup::describe).toList()));
    }

}

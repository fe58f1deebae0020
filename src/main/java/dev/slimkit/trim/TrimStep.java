package dev.slimkit.trim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.slimkit.step.Probe;
import dev.slimkit.step.Step;
import dev.slimkit.step.StepResult;
import dev.slimkit.model.Layer;
import dev.slimkit.model.LayerPatterns;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluator;
import dev.slimkit.train.GradMode;
import dev.slimkit.train.Interrupted;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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

    /** How channel importance is scored (see {@link Importance}). */
    public enum Criterion {
        /** L1 norm of each producer filter (Li et al. 2017). */
        L1,
        /** L2 norm over every member slice of the group (Torch-Pruning's group magnitude). */
        L2_GROUP,
        /** First-order Taylor |w · ∂L/∂w| over the group, from calibration batches (Molchanov et al.). */
        TAYLOR,
        /** |γ| of the group's batch norms (Network Slimming). */
        BN;

        /** The flag spelling: {@code l1}, {@code l2-group}, {@code taylor}, {@code bn}. */
        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        /**
         * Parses {@code l1}, {@code l2-group}, {@code taylor} or {@code bn}.
         *
         * @throws IllegalArgumentException naming the value and the choices
         */
        public static Criterion parse(String name) {
            for (Criterion c : values()) {
                if (c.label().equals(name)) {
                    return c;
                }
            }
            throw new IllegalArgumentException("criterion must be l1, l2-group, taylor or bn, got [" + name + "]");
        }
    }

    /**
     * One cut of an iterative trim.
     *
     * @param step 1..K
     * @param macs MACs after the cut
     * @param params parameters after the cut
     * @param accuracyAfterCut accuracy right after the cut (NaN without data)
     * @param accuracyAfterRecalibration accuracy after re-estimating the batch norms' statistics
     *     (NaN without data or with {@code recalibrate(false)})
     * @param accuracyAfterTune accuracy after the fine-tuning that follows (NaN when none)
     * @param split the split those accuracies are on (validation when the data has one, else test)
     */
    public record Cut(int step, long macs, long params, double accuracyAfterCut, double accuracyAfterRecalibration,
            double accuracyAfterTune, String split) {}

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

    /** A latency target's search aims at this fraction of the target, a margin for the timings' noise. */
    static final double AIM_MARGIN = 0.95;

    /** Default batch of a latency target. */
    public static final int DEFAULT_LATENCY_BATCH = 32;

    private double channels = 0;
    private double macsTarget = 0;
    private double paramsTarget = 0;
    private double latencyTarget = 0;
    private int latencyBatch = DEFAULT_LATENCY_BATCH;
    private Criterion criterion = Criterion.L1;
    private Integer calibration;
    private boolean global;
    private Double maxPerLayer;
    private int roundTo = DEFAULT_ROUND;
    private int blocks = 0;
    private String exclude;
    private int steps = 1;
    private Integer epochsPerStep;
    private LatencyTable.Timer timer = LatencyTable.MEASURED;
    private double equivalenceError = Double.NaN;
    private double accuracyAfterCut = Double.NaN;
    private double accuracyAfterRecalibration = Double.NaN;
    private boolean recalibrate = true;
    private dev.slimkit.step.RecoveryTeacher teacher = dev.slimkit.step.RecoveryTeacher.DEFAULT;
    private int recalibrationBatches = dev.slimkit.train.BatchNormRecalibration.DEFAULT_BATCHES;
    private final List<Cut> cuts = new ArrayList<>();
    private LatencyTable latencyTable;
    private double predictedMs = Double.NaN;
    private double latencyOriginalMs = Double.NaN;
    private int latencyProbes;
    private double measuredMs = Double.NaN;

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

    private dev.slimkit.train.BatchLoss recoveryLoss() {
        return dev.slimkit.distill.DistillationLoss.recovery(teacher, source);
    }

    public TrimStep exclude(String patterns) {
        exclude = patterns;
        return this;
    }

    /** Max |Δ| of the equivalence checks (NaN if no channels were cut). */
    public double equivalenceError() {
        return equivalenceError;
    }

    /** The cuts of the last run, one per step. */
    public List<Cut> cuts() {
        return List.copyOf(cuts);
    }

    /** The latency table of the last cut with a latency target, or null. */
    public LatencyTable latencyTable() {
        return latencyTable;
    }

    /**
     * Predicted latency (ms at {@link #latencyBatch}) of the last latency-target cut: the search's
     * probe of the widths it chose (a model of those widths measured interleaved with the original,
     * as a fraction of it, times the original's table figure), before the cut; NaN when none.
     */
    public double predictedMs() {
        return predictedMs;
    }

    /**
     * Latency of the last latency-target cut measured afresh after the cut: the trimmed model
     * interleaved with the original (never from the cache), times the original's table figure; NaN
     * when none.
     */
    public double measuredMs() {
        return measuredMs;
    }

    /** The groups this step may cut (after exclusions). */
    public List<ChannelGroup> groups() {
        refuseTorchScript();
        return groupsOf(source);
    }

    private List<ChannelGroup> groupsOf(SlimModel model) {
        List<ChannelGroup> all = Groups.of(model.spec());
        List<String> names = all.stream().flatMap(g -> g.producers().stream()).toList();
        Set<String> excluded = LayerPatterns.select(names, exclude, "trimmable layer");
        return all.stream().filter(g -> g.producers().stream().noneMatch(excluded::contains)).toList();
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
        List<String> out = new ArrayList<>();
        for (Layer l : source.spec().layers()) {
            if (l.kind() == Layer.Kind.RESIDUAL && l.shortcut().isEmpty()) {
                out.add(l.name());
            }
        }
        return out;
    }

    private boolean cutsChannels() {
        return channels > 0 || macsTarget > 0 || paramsTarget > 0 || latencyTarget > 0;
    }

    private double cap() {
        return maxPerLayer == null ? DEFAULT_MAX_PER_LAYER : maxPerLayer;
    }

    private int calibrationBatches() {
        return calibration == null ? DEFAULT_CALIBRATION : calibration;
    }

    private int epochsBetween() {
        return epochsPerStep == null ? 1 : epochsPerStep;
    }

    @Override
    protected String defaultName() {
        return source.name() + "-trimmed";
    }

    @Override
    protected void check() {
        refuseTorchScript();
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
        if (maxPerLayer != null && !global) {
            throw new IllegalArgumentException("maxPerLayer(...) applies with global(true) only; add global(true) or drop it");
        }
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
        if (latencyTarget > 0 && global) {
            throw new IllegalArgumentException("latency(...) chooses its own widths per group from measurements;"
                    + " drop global(true)");
        }
        if (macsTarget > 0 || paramsTarget > 0) {
            List<ChannelGroup> groups = groups();
            Map<String, Integer> least = new LinkedHashMap<>();
            groups.forEach(g -> least.put(g.producer(), minimumKept(g.width())));
            ModelSpec narrowest = specFor(source.spec(), groups, least);
            double reach = macsTarget > 0 ? (double) narrowest.macs() / source.spec().macs()
                    : (double) params(narrowest) / params(source.spec());
            double target = macsTarget > 0 ? macsTarget : paramsTarget;
            if (reach > target) {
                throw new IllegalArgumentException(String.format(Locale.ROOT, "cannot reach [%s] of the %s by cutting"
                        + " channels (the narrowest cut keeps %.3f); pass a larger fraction, fewer exclusions or blocks(...)",
                        target, macsTarget > 0 ? "MACs" : "parameters", reach));
            }
        }
    }

    /** The fewest channels a group of {@code width} may keep: a round multiple, and with global(true) the cap. */
    private int minimumKept(int width) {
        int n = keptCount(width, 1 - 1e-9, roundTo);
        if (global) {
            n = Math.max(n, roundUp(Math.max(1, (int) Math.ceil((1 - cap()) * width - 1e-9)), width));
        }
        return n;
    }

    private int roundUp(int n, int width) {
        int r = (int) Math.ceil((double) n / roundTo) * roundTo;
        return Math.min(width, Math.max(r, Math.min(roundTo, width)));
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
        cuts.clear();
        equivalenceError = Double.NaN;
        SlimModel current = source;
        if (cutsChannels()) {
            for (int k = 1; k <= steps; k++) {
                SlimModel next = cutOnce(current, (double) k / steps, k == steps && blocks == 0 ? resultName()
                        : resultName() + "-step" + k);
                if (current != source) {
                    current.close();
                }
                current = next;
                cuts.add(new Cut(k, current.spec().macs(), params(current.spec()), Double.NaN, Double.NaN, Double.NaN,
                        ""));
            }
        }
        return dropBlocks(current);
    }

    private SlimModel dropBlocks(SlimModel current) {
        if (blocks == 0) {
            return current;
        }
        Set<String> drop = leastImportantBlocks(current, blocks);
        SlimModel dropped = Trimmer.dropBlocks(current, drop, resultName());
        if (current != source) {
            current.close();
        }
        return dropped;
    }

    @Override
    protected SlimModel execute(Run run) {
        cuts.clear();
        equivalenceError = Double.NaN;
        SlimModel current = source;
        var split = data() == null ? null : data().validation().orElse(data().test());
        String splitName = data() == null ? "" : data().validation().isPresent() ? "validation" : "test";
        if (cutsChannels()) {
            for (int k = 1; k <= steps; k++) {
                boolean last = k == steps;
                SlimModel next = cutOnce(current, (double) k / steps, last && blocks == 0 ? resultName()
                        : resultName() + "-step" + k);
                if (current != source) {
                    current.close();
                }
                current = next;
                if (last) {
                    current = run.output(dropBlocks(current));
                }
                keepZerosOf(current);
                double cutAcc = split == null ? Double.NaN : Evaluator.evaluate(current, split, Probe.EVALUATION_BATCH).accuracy();
                double recalAcc = recalibrated(current, k, split);
                double tunedAcc = Double.NaN;
                int e = last ? epochs() : epochsBetween();
                if (e > 0) {
                    try {
                        run.fit(current, e, recoveryLoss(), List.of());
                    } catch (dev.slimkit.train.Interrupted stop) {
                        run.output(current);
                        throw stop;
                    }
                    tunedAcc = Evaluator.evaluate(current, split, Probe.EVALUATION_BATCH).accuracy();
                }
                cuts.add(new Cut(k, current.spec().macs(), params(current.spec()), cutAcc, recalAcc, tunedAcc, splitName));
                if (last) {
                    accuracyAfterCut = cutAcc;
                    accuracyAfterRecalibration = recalAcc;
                }
            }
        } else {
            current = run.output(dropBlocks(current));
            keepZerosOf(current);
            if (data() != null) {
                accuracyAfterCut = Evaluator.evaluate(current, split, Probe.EVALUATION_BATCH).accuracy();
            }
            accuracyAfterRecalibration = recalibrated(current, 1, split);
            if (epochs() > 0) {
                run.fit(current, epochs(), recoveryLoss(), List.of());
            }
        }
        return current;
    }

    /**
     * Re-estimates {@code model}'s batch-norm statistics on training batches when {@link
     * #recalibrate} is on and there are data; its accuracy on {@code split} after, else NaN.
     */
    private double recalibrated(SlimModel model, int cut, dev.slimkit.data.ImageSplit split) {
        if (!recalibrate || data() == null) {
            return Double.NaN;
        }
        dev.slimkit.train.BatchNormRecalibration.recalibrate(model, data().train(), recalibrationBatches,
                config().batchSize(), config().seed() + cut);
        return Evaluator.evaluate(model, split, Probe.EVALUATION_BATCH).accuracy();
    }

    /** A pruned source's zeros stay zeros in the channels kept, through fine-tuning too. */
    private void keepZerosOf(SlimModel trimmed) {
        source.mask().ifPresent(mask -> keepZeros(trimmed, mask.paths()));
    }

    /**
     * One cut of {@code model} towards the target at {@code progress} (k/K of the way), checked for
     * equivalence.
     */
    private SlimModel cutOnce(SlimModel model, double progress, String name) {
        List<ChannelGroup> groups = groupsOf(model);
        Map<String, float[]> scores = Importance.scores(model, groups, criterion, data() == null ? null : data().train(),
                calibrationBatches(), config().batchSize(), config().seed());
        Interrupted.check("trimming");
        Map<String, Integer> counts = counts(model, groups, scores, progress);
        Map<String, int[]> keep = keep(groups, scores, counts);
        SlimModel trimmed = Trimmer.trimChannels(model, groups, keep, name);
        double error;
        try (SlimModel zeroed = Trimmer.zeroRemoved(model, groups, keep)) {
            Interrupted.check("trimming");
            error = maxDifference(trimmed, zeroed);
        } catch (RuntimeException e) {
            trimmed.close();
            throw e;
        }
        if (!(error <= TOLERANCE)) {
            trimmed.close();
            throw new IllegalStateException(String.format(Locale.ROOT,
                    "trim equivalence check failed: outputs differ by %.3g (> %.0e) from the original with the"
                            + " removed channels zeroed; the model was not changed", error, TOLERANCE));
        }
        equivalenceError = Double.isNaN(equivalenceError) ? error : Math.max(equivalenceError, error);
        if (latencyTarget > 0) { // afresh, never from the table's cache, interleaved with the original
            double[] ms = timer.interleaved(List.of(source, trimmed), latencyBatch);
            measuredMs = latencyOriginalMs * ms[1] / ms[0];
        }
        return trimmed;
    }

    /** Kept channel count per group key for the cut at {@code progress} of the way to the target. */
    Map<String, Integer> counts(SlimModel model, List<ChannelGroup> groups, Map<String, float[]> scores, double progress) {
        Map<String, Integer> original = new LinkedHashMap<>();
        Groups.of(source.spec()).forEach(g -> original.put(g.producer(), g.width()));
        if (channels > 0) {
            double r = channels * progress;
            if (!global) {
                Map<String, Integer> out = new LinkedHashMap<>();
                groups.forEach(g -> out.put(g.producer(), Math.min(g.width(),
                        keptCount(original.getOrDefault(g.producer(), g.width()), r, roundTo))));
                return out;
            }
            int total = groups.stream().mapToInt(g -> original.getOrDefault(g.producer(), g.width())).sum();
            int now = groups.stream().mapToInt(ChannelGroup::width).sum();
            return globalCounts(groups, scores, Math.max(0, now - (int) Math.round(total * (1 - r))));
        }
        if (latencyTarget > 0) {
            return latencyCounts(model, groups, scores, progress);
        }
        boolean macs = macsTarget > 0;
        double target = 1 - (1 - (macs ? macsTarget : paramsTarget)) * progress;
        double budget = target * (macs ? source.spec().macs() : params(source.spec()));
        java.util.function.Function<Map<String, Integer>, Double> cost = c -> {
            ModelSpec spec = specFor(model.spec(), groups, c);
            return (double) (macs ? spec.macs() : params(spec));
        };
        if (global) {
            int removable = groups.stream().mapToInt(g -> g.width() - minimumKept(g.width())).sum();
            for (int n = 0; n <= removable; n++) {
                Map<String, Integer> c = globalCounts(groups, scores, n);
                if (cost.apply(c) <= budget) {
                    return c;
                }
            }
            return globalCounts(groups, scores, removable);
        }
        Map<String, Integer> c = null;
        for (int step = 0; step < 100; step++) {
            double r = step / 100.0;
            c = new LinkedHashMap<>();
            for (ChannelGroup g : groups) {
                c.put(g.producer(), Math.min(g.width(), keptCount(original.getOrDefault(g.producer(), g.width()), r, roundTo)));
            }
            if (cost.apply(c) <= budget) {
                return c;
            }
        }
        return c;
    }

    /**
     * Global ranking: the {@code remove} channels with the lowest scores, each divided by its
     * group's mean, across all groups; a group loses at most {@link #maxPerLayer} of its channels
     * and keeps at least one; kept counts are then rounded up to multiples of {@link #round}.
     */
    Map<String, Integer> globalCounts(List<ChannelGroup> groups, Map<String, float[]> scores, int remove) {
        record Entry(String group, double score) {}
        List<Entry> all = new ArrayList<>();
        Map<String, Integer> removed = new LinkedHashMap<>();
        Map<String, Integer> limit = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            double[] n = normalizedSorted(scores.get(g.producer()));
            for (double v : n) {
                all.add(new Entry(g.producer(), v));
            }
            removed.put(g.producer(), 0);
            limit.put(g.producer(), Math.min(g.width() - 1, (int) Math.floor(cap() * g.width() + 1e-9)));
        }
        all.sort(Comparator.comparingDouble(Entry::score));
        int done = 0;
        for (Entry e : all) {
            if (done >= remove) {
                break;
            }
            if (removed.get(e.group()) < limit.get(e.group())) {
                removed.merge(e.group(), 1, Integer::sum);
                done++;
            }
        }
        Map<String, Integer> out = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            int kept = g.width() - removed.get(g.producer());
            out.put(g.producer(), kept == g.width() ? kept : roundUp(kept, g.width()));
        }
        return out;
    }

    /** Scores divided by their mean (all ones when the mean is 0), ascending. */
    static double[] normalizedSorted(float[] scores) {
        double mean = 0;
        for (float s : scores) {
            mean += s;
        }
        mean /= scores.length;
        double[] out = new double[scores.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = mean > 0 ? scores[i] / mean : 1;
        }
        Arrays.sort(out);
        return out;
    }

    private Map<String, Integer> latencyCounts(SlimModel model, List<ChannelGroup> groups, Map<String, float[]> scores,
            double progress) {
        Map<String, int[]> candidates = new LinkedHashMap<>();
        Map<String, double[]> sorted = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            Set<Integer> c = new java.util.TreeSet<>(Comparator.reverseOrder());
            for (double r : new double[] {0.25, 0.5, 0.75}) {
                int n = keptCount(g.width(), r, roundTo);
                if (n < g.width()) {
                    c.add(n);
                }
            }
            candidates.put(g.producer(), c.stream().mapToInt(Integer::intValue).toArray());
            sorted.put(g.producer(), normalizedSorted(scores.get(g.producer())));
        }
        latencyTable = LatencyTable.build(model, groups, candidates, timer, latencyBatch);
        double originalMs = model == source ? latencyTable.baseMs() : latencyTable.time(source.spec(), source.seed());
        latencyOriginalMs = originalMs;
        double wanted = 1 - (1 - latencyTarget) * progress; // of the original's latency
        List<Map<String, Integer>> path = latencyTable.path(groups, sorted);
        ModelSpec spec = model.spec();
        // the table orders the cuts; each probe of the search is a model measured interleaved with the
        // original, so that drift of the machine between probes hits both alike
        Map<Map<String, Integer>, Double> probed = new java.util.HashMap<>();
        java.util.function.ToDoubleFunction<Map<String, Integer>> ratio = w -> probed.computeIfAbsent(w, k -> {
            Interrupted.check("latency search");
            try (SlimModel candidate = SlimModel.create("latency-candidate", specFor(spec, groups, k), model.seed())) {
                double[] ms = timer.interleaved(List.of(source, candidate), latencyBatch);
                return ms[1] / ms[0];
            }
        });
        double narrowest = path.isEmpty() ? 1 : ratio.applyAsDouble(path.get(path.size() - 1));
        if (narrowest > wanted) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "cannot reach [%s] of the measured latency"
                    + " (%.3f ms at batch %d): with every group at its narrowest candidate it measured %.2f of it;"
                    + " pass a larger fraction", latencyTarget, originalMs, latencyBatch, narrowest));
        }
        // aim 5 % under the target: on a 2-core VM the same pair's ratio moves by about that much
        Map<String, Integer> best = firstMeeting(path, groups, ratio, wanted * AIM_MARGIN);
        predictedMs = originalMs * ratio.applyAsDouble(best);
        latencyProbes = probed.size();
        return best;
    }

    /**
     * The first widths along {@code path} whose measured latency (a fraction of the original's) is at
     * most {@code threshold}, found by bisection; the path's last move is then refined to the rounded
     * widths between its two ends.
     */
    private Map<String, Integer> firstMeeting(List<Map<String, Integer>> path, List<ChannelGroup> groups,
            java.util.function.ToDoubleFunction<Map<String, Integer>> measure, double threshold) {
        int last = path.size() - 1;
        int at = firstMeeting(last, i -> measure.applyAsDouble(path.get(i)) <= threshold);
        Map<String, Integer> chosen = new LinkedHashMap<>(path.get(at));
        Map<String, Integer> before = new LinkedHashMap<>();
        groups.forEach(g -> before.put(g.producer(), g.width()));
        if (at > 0) {
            before.putAll(path.get(at - 1));
        }
        String moved = chosen.keySet().stream().filter(k -> !chosen.get(k).equals(before.get(k))).findFirst().orElseThrow();
        List<Integer> between = new ArrayList<>(); // widest first, then the move's own end
        for (int w = before.get(moved) - 1; w > chosen.get(moved); w--) {
            if (w % Math.max(1, roundTo) == 0) {
                between.add(w);
            }
        }
        between.add(chosen.get(moved));
        int width = between.get(firstMeeting(between.size() - 1, i -> {
            Map<String, Integer> w = new LinkedHashMap<>(chosen);
            w.put(moved, between.get(i));
            return measure.applyAsDouble(w) <= threshold;
        }));
        chosen.put(moved, width);
        return chosen;
    }

    /** The smallest index in [0, last] that {@code meets}, by bisection; {@code last} is taken to meet. */
    private static int firstMeeting(int last, java.util.function.IntPredicate meets) {
        int lo = -1;
        int hi = last;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if (meets.test(mid)) {
                hi = mid;
            } else {
                lo = mid;
            }
        }
        return hi;
    }

    /** The most important {@code counts} channels of each group, in ascending index order. */
    static Map<String, int[]> keep(List<ChannelGroup> groups, Map<String, float[]> scores, Map<String, Integer> counts) {
        Map<String, int[]> keep = new LinkedHashMap<>();
        for (ChannelGroup g : groups) {
            int n = counts.getOrDefault(g.producer(), g.width());
            if (n >= g.width()) {
                continue;
            }
            float[] s = scores.get(g.producer());
            Integer[] order = new Integer[g.width()];
            for (int c = 0; c < order.length; c++) {
                order[c] = c;
            }
            // highest score first; ties keep the lower index
            Arrays.sort(order, Comparator.<Integer>comparingDouble(c -> -s[c]).thenComparingInt(c -> c));
            int[] kept = new int[n];
            for (int i = 0; i < n; i++) {
                kept[i] = order[i];
            }
            Arrays.sort(kept);
            keep.put(g.producer(), kept);
        }
        return keep;
    }

    /** {@code spec} with every producer of each listed group at its kept count. */
    static ModelSpec specFor(ModelSpec spec, List<ChannelGroup> groups, Map<String, Integer> counts) {
        Map<String, Integer> width = new java.util.HashMap<>();
        for (ChannelGroup g : groups) {
            Integer n = counts.get(g.producer());
            if (n != null) {
                g.producers().forEach(p -> width.put(p, n));
            }
        }
        return spec.withLayers(Trimmer.mapLayers(spec.layers(), "", (path, layer) ->
                width.containsKey(path) ? layer.withOut(width.get(path)) : layer));
    }

    /** Learnable parameters of a spec: conv and linear weights and biases, batch-norm γ and β. */
    public static long params(ModelSpec spec) {
        long n = 0;
        for (ModelSpec.LayerTrace t : spec.trace()) {
            Layer l = t.layer();
            long in = t.inputShape()[0];
            switch (l.kind()) {
                case CONV -> n += (long) l.out() * in * l.kernel() * l.kernel() + (l.bias() ? l.out() : 0);
                case LINEAR -> n += (long) l.out() * Arrays.stream(t.inputShape()).reduce(1, (a, b) -> a * b) + l.out();
                case BATCH_NORM -> n += 2 * in;
                default -> { }
            }
        }
        return n;
    }

    /** A pruned source's zeros stay zeros in the channels kept, through fine-tuning too. */
    private static void keepZeros(SlimModel trimmed, Set<String> maskedPaths) {
        Set<String> paths = new java.util.LinkedHashSet<>(maskedPaths);
        paths.retainAll(trimmed.parameters().keySet());
        if (!paths.isEmpty()) {
            trimmed.setMask(dev.slimkit.model.WeightMask.fromZeros(trimmed, paths));
        }
    }

    @Override
    protected void report(Run run, Probe.Figures before, Probe.Figures after) {
        StepResult.Builder r = run.result();
        r.detail(new TrimDetail(cuts, latencyTable));
        r.metric("MACs after / before", (double) after.stats().macs() / before.stats().macs());
        r.metric("params after / before", (double) after.stats().params() / before.stats().params());
        if (!Double.isNaN(equivalenceError)) {
            r.metric("equivalence check max |Δ|", equivalenceError);
        }
        if (!Double.isNaN(accuracyAfterCut)) {
            r.metric("accuracy right after the " + (steps > 1 ? "last " : "") + "cut ("
                    + (data().validation().isPresent() ? "validation" : "test") + ")", accuracyAfterCut);
        }
        if (!Double.isNaN(accuracyAfterRecalibration)) {
            r.metric("accuracy after batch-norm recalibration (" + (data().validation().isPresent() ? "validation"
                    : "test") + ")", accuracyAfterRecalibration);
        }
        if (latencyTable != null) {
            r.metric("latency ms batch " + latencyBatch + ": original (table)", latencyOriginalMs);
            r.metric("latency ms batch " + latencyBatch + ": target", latencyOriginalMs * latencyTarget);
            r.metric("latency ms batch " + latencyBatch + ": predicted", predictedMs);
            r.metric("latency ms batch " + latencyBatch + ": measured", measuredMs);
            r.note(run.format("latency target %.2f at batch %d: the search predicted %.3f ms, measured afresh %.3f ms"
                    + " (%.3f of the original's %.3f ms); %d models timed for the table, %d probes measured against"
                    + " the original%s", latencyTarget, latencyBatch, predictedMs, measuredMs,
                    measuredMs / latencyOriginalMs, latencyOriginalMs, latencyTable.measurements(), latencyProbes,
                    latencyTable.staleCache() == null ? "" : "; " + latencyTable.staleCache()));
        }
        if (measuresLatency()) {
            r.note(run.format("%.2f× fewer MACs, measured %.2f× faster at batch 1 and %.2f× at batch 32",
                    (double) before.stats().macs() / after.stats().macs(), before.latencyMs(0) / after.latencyMs(0),
                    before.latencyMs(1) / after.latencyMs(1)));
        }
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

    /** Channels kept out of {@code width} when removing {@code ratio}, rounded to a multiple of {@code round}. */
    public static int keptCount(int width, double ratio, int round) {
        double target = width * (1 - ratio);
        int n = (int) Math.round(target / round) * round;
        if (n < round) {
            n = round;
        }
        if (n > width) {
            n = width;
        }
        return Math.max(1, n);
    }

    private Set<String> leastImportantBlocks(SlimModel model, int k) {
        var params = model.parameters();
        List<String> candidates = new ArrayList<>();
        for (Layer l : model.spec().layers()) {
            if (l.kind() == Layer.Kind.RESIDUAL && l.shortcut().isEmpty()) {
                candidates.add(l.name());
            }
        }
        Map<String, Double> score = new LinkedHashMap<>();
        for (String block : candidates) {
            String lastNorm = null;
            for (Layer inner : model.spec().layers().stream().filter(l -> l.name().equals(block)).findFirst()
                    .orElseThrow().body()) {
                if (inner.kind() == Layer.Kind.BATCH_NORM) {
                    lastNorm = block + "." + inner.name();
                }
            }
            float[] gamma = params.get(lastNorm + ".gamma").getArray().toFloatArray();
            double s = 0;
            for (float g : gamma) {
                s += Math.abs(g);
            }
            score.put(block, s / gamma.length);
        }
        List<String> sorted = new ArrayList<>(candidates);
        sorted.sort(Comparator.comparingDouble(score::get));
        return new LinkedHashSet<>(sorted.subList(0, k));
    }

    /** Max |trimmed(x) − zeroed(x)| on a fixed random batch, in inference mode. */
    static double maxDifference(SlimModel a, SlimModel b) {
        GradMode.disableOnThisThread();
        try (NDManager m = a.manager().newSubManager()) {
            ai.djl.engine.Engine.getInstance().setRandomSeed(1234);
            NDArray x = m.randomNormal(a.inputShape(8));
            NDArray ya = a.forward(x, false);
            NDArray yb = b.forward(x.toDevice(b.device(), true), false).toDevice(ya.getDevice(), false);
            return ya.sub(yb).abs().max().getFloat();
        }
    }
}

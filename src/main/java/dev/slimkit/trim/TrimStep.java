package dev.slimkit.trim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.slimkit.step.Probe;
import dev.slimkit.step.Step;
import dev.slimkit.step.StepResult;
import dev.slimkit.model.Layer;
import dev.slimkit.model.LayerPatterns;
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
 * The trimming step: {@code Slim.trim(model).channels(0.5).epochs(1).data(d).run()}.
 * Removes the least important channels of every {@link ChannelGroup} (L1 norm of the producer's
 * filters, as Li et al., or |γ| of its batch norm, as Network Slimming) and/or the least important
 * identity residual blocks (mean |γ| of the block's last batch norm), rebuilds a narrower dense
 * model, fine-tunes it, and measures MACs, parameters and latency before and after. Every channel
 * trim is checked: the trimmed model must compute what the original computes with the removed
 * channels zeroed, to 1e-4, or the step fails. The source model is never changed: the result is a
 * new model.
 */
public final class TrimStep extends Step<TrimStep> {

    /** How channel importance is scored. */
    public enum Criterion {
        /** L1 norm of each producer filter (Li et al. 2017). */
        L1,
        /** |γ| of the batch norm after the producer (Network Slimming). */
        BN;

        /**
         * Parses {@code l1} or {@code bn}.
         *
         * @throws IllegalArgumentException naming the value and the choices
         */
        public static Criterion parse(String name) {
            if ("l1".equals(name) || "bn".equals(name)) {
                return valueOf(name.toUpperCase(Locale.ROOT));
            }
            throw new IllegalArgumentException("criterion must be l1 or bn, got [" + name + "]");
        }
    }

    /** Tolerance of the equivalence check. */
    public static final double TOLERANCE = 1e-4;

    /** Channel counts are kept multiples of this unless {@link #round} says otherwise. */
    public static final int DEFAULT_ROUND = 8;

    private double channels = 0;
    private double macsTarget = 0;
    private Criterion criterion = Criterion.L1;
    private int roundTo = DEFAULT_ROUND;
    private int blocks = 0;
    private String exclude;
    private double equivalenceError = Double.NaN;
    private double accuracyAfterCut = Double.NaN;

    /** Starts a trimming step on {@code model} (which is only read): l1, round to 8, no fine-tuning. */
    public TrimStep(SlimModel model) {
        super("trim", model, 0, 0, true);
    }

    /** Fraction of each group's channels to remove, in (0, 1). */
    public TrimStep channels(double ratio) {
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException("channels(...) must be in (0, 1), got [" + ratio
                    + "]; pass the fraction of channels to remove, e.g. 0.5");
        }
        if (macsTarget > 0) {
            throw new IllegalArgumentException("pass channels(...) or macs(...), not both");
        }
        channels = ratio;
        return this;
    }

    /** Remove channels (uniformly) until the MACs are at most this fraction of the original's, in (0, 1). */
    public TrimStep macs(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("macs(...) must be in (0, 1), got [" + fraction
                    + "]; pass the fraction of MACs to keep, e.g. 0.5");
        }
        if (channels > 0) {
            throw new IllegalArgumentException("pass channels(...) or macs(...), not both");
        }
        macsTarget = fraction;
        return this;
    }

    public TrimStep criterion(Criterion value) {
        criterion = value;
        return this;
    }

    /** {@code l1} or {@code bn}. */
    public TrimStep criterion(String value) {
        return criterion(Criterion.parse(value));
    }

    /** Keep channel counts multiples of {@code n} (never more than the layer had, never 0); default 8. */
    public TrimStep round(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("round(...) must be >= 1, got [" + n + "]; pass e.g. 8");
        }
        roundTo = n;
        return this;
    }

    /** Remove this many identity residual blocks. */
    public TrimStep blocks(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("blocks(...) must be >= 0, got [" + k + "]; pass e.g. 1");
        }
        blocks = k;
        return this;
    }

    /** Producer layers to leave whole: comma-separated globs on layer paths. */
    public TrimStep exclude(String patterns) {
        exclude = patterns;
        return this;
    }

    /** Max |Δ| of the last equivalence check (NaN if no channels were cut). */
    public double equivalenceError() {
        return equivalenceError;
    }

    /** The groups this step may cut (after exclusions). */
    public List<ChannelGroup> groups() {
        refuseTorchScript();
        List<ChannelGroup> all = Groups.of(source.spec());
        Set<String> excluded = LayerPatterns.select(all.stream().map(ChannelGroup::producer).toList(), exclude,
                "trimmable layer");
        return all.stream().filter(g -> !excluded.contains(g.producer())).toList();
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

    @Override
    protected String defaultName() {
        return source.name() + "-trimmed";
    }

    @Override
    protected void check() {
        refuseTorchScript();
        if (channels == 0 && macsTarget == 0 && blocks == 0) {
            throw new IllegalArgumentException("nothing to trim; pass channels(...), macs(...) or blocks(...)");
        }
        if ((channels > 0 || macsTarget > 0) && groups().isEmpty()) {
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
        if (macsTarget > 0) {
            ratioForMacs();
        }
    }

    /**
     * Cuts without fine-tuning or measuring: builds the trimmed model (channels, checked for
     * equivalence, then blocks) and returns it; the caller owns it.
     *
     * @throws IllegalStateException when the equivalence check fails (nothing is changed)
     */
    public SlimModel cut() {
        validate();
        String resultName = resultName();
        SlimModel current = source;
        double ratio = macsTarget > 0 ? ratioForMacs() : channels;
        if (ratio > 0) {
            List<ChannelGroup> groups = groups();
            Map<String, int[]> keep = chooseChannels(groups, ratio);
            Interrupted.check("trimming");
            SlimModel trimmed = Trimmer.trimChannels(source, groups, keep, resultName);
            try (SlimModel zeroed = Trimmer.zeroRemoved(source, groups, keep)) {
                Interrupted.check("trimming");
                equivalenceError = maxDifference(trimmed, zeroed);
            } catch (RuntimeException e) {
                trimmed.close();
                throw e;
            }
            if (!(equivalenceError <= TOLERANCE)) {
                trimmed.close();
                throw new IllegalStateException(String.format(Locale.ROOT,
                        "trim equivalence check failed: outputs differ by %.3g (> %.0e) from the original with the"
                                + " removed channels zeroed; the model was not changed", equivalenceError, TOLERANCE));
            }
            current = trimmed;
        }
        if (blocks > 0) {
            Set<String> drop = leastImportantBlocks(current, blocks);
            SlimModel dropped = Trimmer.dropBlocks(current, drop, resultName);
            if (current != source) {
                current.close();
            }
            current = dropped;
        }
        return current;
    }

    @Override
    protected SlimModel execute(Run run) {
        SlimModel trimmed = run.output(cut());
        source.mask().ifPresent(mask -> keepZeros(trimmed, mask.paths()));
        if (data() != null) {
            accuracyAfterCut = Evaluator.evaluate(trimmed, data().test(), Probe.EVALUATION_BATCH).accuracy();
        }
        if (epochs() > 0) {
            run.fit(trimmed);
        }
        return trimmed;
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
        r.metric("MACs after / before", (double) after.stats().macs() / before.stats().macs());
        r.metric("params after / before", (double) after.stats().params() / before.stats().params());
        if (!Double.isNaN(equivalenceError)) {
            r.metric("equivalence check max |Δ|", equivalenceError);
        }
        if (!Double.isNaN(accuracyAfterCut)) {
            r.metric("accuracy right after the cut", accuracyAfterCut);
        }
        if (measuresLatency()) {
            r.note(run.format("%.2f× fewer MACs, measured %.2f× faster at batch 1 and %.2f× at batch 32",
                    (double) before.stats().macs() / after.stats().macs(), before.latencyMs(0) / after.latencyMs(0),
                    before.latencyMs(1) / after.latencyMs(1)));
        }
    }

    @Override
    protected void recipe(StepResult.Builder r) {
        r.recipe("channels", macsTarget > 0 ? "to " + macsTarget + " of the MACs (ratio " + ratioForMacs() + ")"
                : Double.toString(channels));
        r.recipe("criterion", criterion.name().toLowerCase(Locale.ROOT));
        r.recipe("round to", Integer.toString(roundTo));
        r.recipe("blocks removed", Integer.toString(blocks));
        r.recipe("groups", String.join("; ", groups().stream().map(ChannelGroup::describe).toList()));
    }

    /** Kept channels per producer: the most important, rounded, in ascending index order. */
    Map<String, int[]> chooseChannels(List<ChannelGroup> groups, double ratio) {
        Map<String, int[]> keep = new LinkedHashMap<>();
        var params = source.parameters();
        for (ChannelGroup g : groups) {
            int n = keptCount(g.width(), ratio, roundTo);
            float[] scores = new float[g.width()];
            float[] values = criterion == Criterion.BN
                    ? params.get(g.norms().get(0) + ".gamma").getArray().toFloatArray()
                    : params.get(g.producer() + ".weight").getArray().toFloatArray();
            int rowSize = values.length / g.width();
            for (int c = 0; c < g.width(); c++) {
                for (int i = 0; i < rowSize; i++) {
                    scores[c] += Math.abs(values[c * rowSize + i]);
                }
            }
            Integer[] order = new Integer[g.width()];
            for (int c = 0; c < order.length; c++) {
                order[c] = c;
            }
            // highest score first; ties keep the lower index
            Arrays.sort(order, Comparator.<Integer>comparingDouble(c -> -scores[c]).thenComparingInt(c -> c));
            int[] kept = new int[n];
            for (int i = 0; i < n; i++) {
                kept[i] = order[i];
            }
            Arrays.sort(kept);
            keep.put(g.producer(), kept);
        }
        return keep;
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

    /** The smallest channel ratio whose MACs fraction is at most the target. */
    private double ratioForMacs() {
        long original = source.spec().macs();
        List<ChannelGroup> groups = groups();
        for (int step = 1; step < 100; step++) {
            double r = step / 100.0;
            var spec = source.spec().withLayers(Trimmer.mapLayers(source.spec().layers(), "", (path, layer) -> {
                for (ChannelGroup g : groups) {
                    if (g.producer().equals(path)) {
                        return layer.withOut(keptCount(g.width(), r, roundTo));
                    }
                }
                return layer;
            }));
            if ((double) spec.macs() / original <= macsTarget) {
                return r;
            }
        }
        throw new IllegalArgumentException("cannot reach [" + macsTarget + "] of the MACs by cutting channels of "
                + groups.stream().map(ChannelGroup::producer).toList() + "; pass a larger fraction, fewer exclusions or blocks(...)");
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
    private static double maxDifference(SlimModel a, SlimModel b) {
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

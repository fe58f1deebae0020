package dev.slimkit.trim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import dev.slimkit.StepResult;
import dev.slimkit.data.ImageData;
import dev.slimkit.measure.Latency;
import dev.slimkit.model.Layer;
import dev.slimkit.model.LayerPatterns;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluation;
import dev.slimkit.train.Evaluator;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.FitResult;
import dev.slimkit.train.GradMode;
import dev.slimkit.train.History;
import dev.slimkit.train.TrainConfig;
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
 * The trimming step: {@code Slim.trim(model).channels(0.5).roundTo(8).epochs(1).data(d).run()}.
 * Removes the least important channels of every {@link ChannelGroup} (L1 norm of the producer's
 * filters, as Li et al., or |γ| of its batch norm, as Network Slimming) and/or the least important
 * identity residual blocks (mean |γ| of the block's last batch norm), rebuilds a narrower dense
 * model, fine-tunes it, and measures MACs, parameters and latency before and after. Every channel
 * trim is checked: the trimmed model must compute what the original computes with the removed
 * channels zeroed, to 1e-4, or the step fails. The source model is never changed: the result is a
 * new model.
 */
public final class TrimStep {

    /** How channel importance is scored. */
    public enum Criterion {
        /** L1 norm of each producer filter (Li et al. 2017). */
        L1,
        /** |γ| of the batch norm after the producer (Network Slimming). */
        BN
    }

    /** Tolerance of the equivalence check. */
    public static final double TOLERANCE = 1e-4;

    private final SlimModel source;
    private double channels = 0;
    private double macsTarget = 0;
    private Criterion criterion = Criterion.L1;
    private int roundTo = 1;
    private int blocks = 0;
    private int epochs = 0;
    private ImageData data;
    private String exclude;
    private String name;
    private TrainConfig config = TrainConfig.defaults();
    private boolean measureLatency = true;
    private final List<FitListener> listeners = new ArrayList<>();
    private SlimModel result;
    private double equivalenceError = Double.NaN;

    /** Starts a trimming step on {@code model} (which is only read). */
    public TrimStep(SlimModel model) {
        if (model == null) {
            throw new IllegalArgumentException("trim needs a model, got [null]");
        }
        this.source = model;
    }

    /** Fraction of each group's channels to remove, in (0, 1). */
    public TrimStep channels(double ratio) {
        if (!(ratio > 0 && ratio < 1)) {
            throw new IllegalArgumentException("channel ratio must be in (0, 1), got [" + ratio
                    + "]; pass the fraction of channels to remove, e.g. 0.5");
        }
        channels = ratio;
        macsTarget = 0;
        return this;
    }

    /** Remove channels (uniformly) until the MACs are at most this fraction of the original's, in (0, 1). */
    public TrimStep macs(double fraction) {
        if (!(fraction > 0 && fraction < 1)) {
            throw new IllegalArgumentException("MACs target must be in (0, 1), got [" + fraction
                    + "]; pass the fraction of MACs to keep, e.g. 0.5");
        }
        macsTarget = fraction;
        channels = 0;
        return this;
    }

    public TrimStep criterion(Criterion value) {
        criterion = value;
        return this;
    }

    /** Keep channel counts multiples of {@code n} (never more than the layer had, never 0). */
    public TrimStep roundTo(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("round must be >= 1, got [" + n + "]; pass e.g. 8");
        }
        roundTo = n;
        return this;
    }

    /** Remove this many identity residual blocks. */
    public TrimStep blocks(int k) {
        if (k < 0) {
            throw new IllegalArgumentException("blocks must be >= 0, got [" + k + "]; pass e.g. 1");
        }
        blocks = k;
        return this;
    }

    /** Fine-tuning epochs after the cut (0 = none). */
    public TrimStep epochs(int value) {
        if (value < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got [" + value + "]; pass e.g. 1");
        }
        epochs = value;
        return this;
    }

    public TrimStep data(ImageData value) {
        data = value;
        return this;
    }

    /** Producer layers to leave whole: comma-separated globs on layer paths. */
    public TrimStep exclude(String patterns) {
        exclude = patterns;
        return this;
    }

    /** Name of the trimmed model (default: source name + "-trimmed"). */
    public TrimStep name(String value) {
        name = value;
        return this;
    }

    public TrimStep config(TrainConfig value) {
        config = value;
        return this;
    }

    public TrimStep measureLatency(boolean value) {
        measureLatency = value;
        return this;
    }

    public TrimStep listener(FitListener listener) {
        listeners.add(listener);
        return this;
    }

    /** The trimmed model (after {@link #run()} or {@link #cut()}). */
    public SlimModel model() {
        return result;
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

    /**
     * Checks the set-up without changing anything.
     *
     * @throws IllegalArgumentException naming the value and the fix
     */
    public TrimStep validate() {
        refuseTorchScript();
        if (channels == 0 && macsTarget == 0 && blocks == 0) {
            throw new IllegalArgumentException("nothing to trim; pass --channels R, --macs R or --blocks K");
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
        if (epochs > 0 && data == null) {
            throw new IllegalArgumentException("fine-tuning for " + epochs + " epochs needs data; pass --data D");
        }
        if (data != null) {
            Evaluator.checkCompatible(source, data.train());
        }
        if (macsTarget > 0) {
            ratioForMacs();
        }
        return this;
    }

    /**
     * Cuts without fine-tuning or measuring: builds the trimmed model (channels, checked for
     * equivalence, then blocks) and returns it.
     */
    public SlimModel cut() {
        validate();
        String resultName = name != null ? name : source.name() + "-trimmed";
        SlimModel current = source;
        double ratio = macsTarget > 0 ? ratioForMacs() : channels;
        if (ratio > 0) {
            List<ChannelGroup> groups = groups();
            Map<String, int[]> keep = chooseChannels(groups, ratio);
            SlimModel trimmed = Trimmer.trimChannels(source, groups, keep, resultName);
            try (SlimModel zeroed = Trimmer.zeroRemoved(source, groups, keep)) {
                equivalenceError = maxDifference(trimmed, zeroed);
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
        result = current;
        return result;
    }

    /** Cuts (unless {@link #cut()} already did), fine-tunes, evaluates, measures and reports. */
    public StepResult run() {
        validate();
        long start = System.nanoTime();
        ModelStats before = ModelStats.of(source);
        Evaluation evalBefore = data == null ? null : Evaluator.evaluate(source, data.test(), 256);
        if (result == null) {
            cut();
        }
        Evaluation afterCut = data == null ? null : Evaluator.evaluate(result, data.test(), 256);
        FitResult fit = epochs > 0 ? FitLoop.fit(result, data, config.epochs(epochs), listeners) : null;
        boolean interrupted = fit != null && fit.interrupted();
        ModelStats after = ModelStats.of(result);
        Evaluation evalAfter = data == null || interrupted ? null : Evaluator.evaluate(result, data.test(), 256);
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("MACs after / before", (double) after.macs() / before.macs());
        metrics.put("params after / before", (double) after.params() / before.params());
        if (!Double.isNaN(equivalenceError)) {
            metrics.put("equivalence check max |Δ|", equivalenceError);
        }
        if (afterCut != null) {
            metrics.put("accuracy right after the cut", afterCut.accuracy());
        }
        List<String> notes = new ArrayList<>();
        if (interrupted) {
            notes.add("interrupted after " + fit.batches() + " batches");
        }
        if (measureLatency) {
            for (int batch : new int[] {1, 32}) {
                double b = Latency.measure(source, batch).medianMs();
                double a = Latency.measure(result, batch).medianMs();
                metrics.put("latency ms batch " + batch + " before", b);
                metrics.put("latency ms batch " + batch + " after", a);
                metrics.put("speed-up batch " + batch, b / a);
            }
            notes.add(String.format(Locale.ROOT, "%.2f× fewer MACs, measured %.2f× faster at batch 1 and %.2f× at batch 32",
                    (double) before.macs() / after.macs(), metrics.get("speed-up batch 1"), metrics.get("speed-up batch 32")));
        }
        Map<String, String> recipe = new LinkedHashMap<>();
        recipe.put("channels", macsTarget > 0 ? "to " + macsTarget + " of the MACs (ratio " + ratioForMacs() + ")"
                : Double.toString(channels));
        recipe.put("criterion", criterion.name().toLowerCase(Locale.ROOT));
        recipe.put("round to", Integer.toString(roundTo));
        recipe.put("blocks removed", Integer.toString(blocks));
        recipe.put("groups", String.join("; ", groups().stream().map(ChannelGroup::describe).toList()));
        if (epochs > 0) {
            recipe.put("fine-tune", config.epochs(epochs).describe());
        }
        List<History.Epoch> rows = fit == null ? List.of() : fit.epochs();
        return new StepResult("trim", result.name(), before, after, evalBefore, evalAfter, rows, recipe, notes,
                (System.nanoTime() - start) / 1e9, interrupted, List.of(), metrics);
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
                + groups.stream().map(ChannelGroup::producer).toList() + "; pass a larger fraction, fewer exclusions or --blocks");
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

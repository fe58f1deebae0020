package dev.slimkit.transfer;

import dev.slimkit.data.ImageData;
import dev.slimkit.model.History;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.step.Probe;
import dev.slimkit.step.Step;
import dev.slimkit.step.StepResult;
import dev.slimkit.train.BatchLoss;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.FitResult;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The transfer-learning step: {@code Slim.transfer(base).data(target).freeze("backbone").epochs(3)
 * .unfreezeAfter(1).backboneLrMult(0.1).run()}.
 *
 * <ul>
 *   <li>The head (the last layer, a linear one) is replaced by a freshly initialised one sized for
 *       the data's classes, even when the class count matches the base's (the target is a new
 *       task: an old head's weights point at the old classes); {@code keepHead(true)} keeps the
 *       base's head instead. Every other weight is kept.
 *   <li>While layers are frozen the head trains at {@code lr × headLrMult} (default 10: a fresh
 *       head wants a higher rate than a network being fine-tuned, as in fastai's {@code
 *       fine_tune}); once unfrozen everything trains at {@code lr}, the backbone at {@code lr ×
 *       backboneLrMult}. With nothing frozen the whole run is at {@code lr}. With {@code
 *       lrFind(true)} the range test runs on the frozen model and its suggestion is the head's
 *       rate, {@code lr} becoming suggestion / headLrMult.
 *   <li>{@code freeze("backbone")} freezes every top-level layer but the head; {@code freeze(K)}
 *       the first K top-level layers; {@code "none"} nothing. Frozen layers get no gradient, no
 *       optimizer step (hence no weight decay) and run in inference mode, so their batch-norm
 *       statistics do not move.
 *   <li>{@code unfreezeAfter(K)}: after K epochs everything is unfrozen and the backbone trains at
 *       {@code lr × backboneLrMult} (discriminative learning rates).
 *   <li>{@code cacheFeatures(true)}: the frozen layers run once over the data and the head trains on
 *       their outputs (see {@link FeatureCache}); same weights, far less compute per epoch.
 * </ul>
 *
 * The result takes the base's name unless {@link #as} names another. With a new head (the
 * default) it is always a new model object, read from {@link #model()}, and the base object stays
 * as it was; with {@code keepHead(true)} the base itself is tuned, or a copy under {@link #as}.
 * The tuned model's history holds the target task only, unless the model is tuned in place with
 * its head kept, when the target epochs follow the source ones. Defaults: a new head, freeze
 * backbone, 1 epoch, head multiplier 10 and backbone multiplier 0.1, no latency measurement.
 */
public final class TransferStep extends Step<TransferStep> {

    /** What stays frozen unless told otherwise. */
    public static final String DEFAULT_FREEZE = "backbone";

    /** Learning-rate factor of the backbone once unfrozen, unless told otherwise. */
    public static final double DEFAULT_BACKBONE_LR_MULT = 0.1;

    /** Learning-rate factor of the head while layers are frozen, unless told otherwise (fastai's fine_tune). */
    public static final double DEFAULT_HEAD_LR_MULT = 10;

    /** Epochs of training unless told otherwise. */
    public static final int DEFAULT_EPOCHS = 1;

    private String freeze = DEFAULT_FREEZE;
    private int unfreezeAfter = -1;
    private double backboneLrMult = DEFAULT_BACKBONE_LR_MULT;
    private double headLrMult = DEFAULT_HEAD_LR_MULT;
    private boolean keepHead;
    private boolean cacheFeatures;
    private SlimModel model;
    private final List<String> phases = new ArrayList<>();
    private double featureSeconds = Double.NaN;
    private double cachedEpochSeconds = Double.NaN;
    private ModelStats statsFrozen;
    private double trainingSeconds;
    private double headRate = Double.NaN;
    private double baseRate = Double.NaN;
    private int expectedClasses;

    /** Starts a transfer from {@code base}. */
    public TransferStep(SlimModel base) {
        super("transfer", base, DEFAULT_EPOCHS, 1, false);
    }

    /** {@code backbone}, {@code none}, or a number K of first top-level layers. */
    public TransferStep freeze(String mode) {
        if (mode == null || !(mode.equals("backbone") || mode.equals("none") || mode.matches("\\d{1,9}"))) {
            throw new IllegalArgumentException("unknown freeze mode [" + mode
                    + "]; choose backbone, none, or a number of first layers such as 3");
        }
        freeze = mode;
        return this;
    }

    /** The class count the target data must have (a check; the data's count sizes the head). */
    public TransferStep classes(int value) {
        expectedClasses = value;
        return this;
    }

    /** Unfreeze everything after this many epochs (must be fewer than the epochs). */
    public TransferStep unfreezeAfter(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("unfreezeAfter(...) must be >= 1, got [" + value + "]; pass e.g. 1");
        }
        unfreezeAfter = value;
        return this;
    }

    /** Learning-rate factor of the backbone once unfrozen, in (0, 1]. */
    public TransferStep backboneLrMult(double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException("backboneLrMult(...) must be in (0, 1], got [" + value
                    + "]; pass e.g. 0.1");
        }
        backboneLrMult = value;
        return this;
    }

    /**
     * Learning-rate factor of the head while layers are frozen, in [1, 1000]: the frozen phase
     * trains at {@code lr × headLrMult}.
     */
    public TransferStep headLrMult(double value) {
        if (!(value >= 1 && value <= 1000)) {
            throw new IllegalArgumentException("headLrMult(...) must be in [1, 1000], got [" + value
                    + "]; pass e.g. 10 (1 trains the head at lr)");
        }
        headLrMult = value;
        return this;
    }

    /** Keep the base's head (it must have the data's class count) instead of a fresh one. */
    public TransferStep keepHead(boolean value) {
        keepHead = value;
        return this;
    }

    /**
     * Runs the frozen layers once over the data and trains the rest on their outputs (DL4J's
     * feature caching): same result, far fewer backbone passes. Needs a frozen backbone; with
     * {@link #unfreezeAfter} it applies to the frozen epochs only.
     */
    public TransferStep cacheFeatures(boolean value) {
        cacheFeatures = value;
        return this;
    }

    @Override
    protected String defaultName() {
        return source.name();
    }

    @Override
    protected void check() {
        checkShapes();
        ImageData data = data();
        if (expectedClasses != 0 && expectedClasses != data.numClasses()) {
            throw new IllegalArgumentException("classes(...) " + expectedClasses + " does not match the target data,"
                    + " which has " + data.numClasses() + " classes; filter the data with %data --classes or drop"
                    + " classes(...)");
        }
        if (data.numClasses() < 2) {
            throw new IllegalArgumentException("target data must have at least 2 classes, got [" + data.numClasses() + "]");
        }
        List<Layer> layers = source.spec().layers();
        if (layers.get(layers.size() - 1).kind() == Layer.Kind.TORCHSCRIPT) {
            throw new IllegalArgumentException("model [" + source.name() + "] is one TorchScript graph ("
                    + layers.get(layers.size() - 1).source() + "), so its head cannot be replaced; export the network"
                    + " without its classifier and load it with %model NAME --from FILE.pt --classes N");
        }
        if (layers.get(layers.size() - 1).kind() != Layer.Kind.LINEAR) {
            throw new IllegalArgumentException("model [" + source.name() + "] does not end with a linear head");
        }
        if (keepHead && layers.get(layers.size() - 1).out() != data.numClasses()) {
            throw new IllegalArgumentException("keepHead(true) needs the base's head to have the data's "
                    + data.numClasses() + " classes, but it has " + layers.get(layers.size() - 1).out()
                    + "; drop keepHead(...) for a new head");
        }
        if (freeze.matches("\\d+") && (Integer.parseInt(freeze) < 1 || Integer.parseInt(freeze) >= layers.size())) {
            throw new IllegalArgumentException("freeze [" + freeze + "] must be between 1 and " + (layers.size() - 1)
                    + " (the model has " + layers.size() + " top-level layers, the last is the head)");
        }
        if (cacheFeatures && freeze.equals("none")) {
            throw new IllegalArgumentException("cacheFeatures(true) needs a frozen backbone, but freeze is [none]; pass"
                    + " freeze(backbone) (or K) or drop cacheFeatures(...)");
        }
        if (unfreezeAfter >= epochs()) {
            throw new IllegalArgumentException("unfreezeAfter(...) [" + unfreezeAfter + "] must be less than the"
                    + " epochs [" + epochs() + "]");
        }
    }

    /** The target may have another class count (a new head); {@link #check} checks the image shape. */
    @Override
    protected boolean checksDataAgainstSource() {
        return false;
    }

    /**
     * Validates and returns the model to tune, with its head for the target classes; made once
     * (the base itself, or a copy under {@link #as}).
     */
    public SlimModel prepare() {
        validate();
        if (model != null) {
            return model;
        }
        ImageData data = data();
        List<Layer> layers = source.spec().layers();
        Layer head = layers.get(layers.size() - 1);
        String name = resultName();
        if (keepHead) {
            model = asName() != null ? source.copy(name) : source;
            if (asName() != null) {
                model.history().clear(); // the copy's curves are the target task's
            }
            return model;
        }
        List<Layer> newLayers = new ArrayList<>(layers.subList(0, layers.size() - 1));
        newLayers.add(head.withOut(data.numClasses()));
        ModelSpec spec = new ModelSpec(source.spec().arch(), source.spec().channels(), source.spec().height(),
                source.spec().width(), data.numClasses(), source.spec().widthMultiplier(), newLayers);
        // A fresh head, initialised with a seed of its own so that it is not the base's initial head.
        SlimModel tuned = SlimModel.create(name, spec, source.seed() + 1, source.torchScriptModules());
        // Every weight but the head's comes from the base; TorchScript layers were loaded from its
        // current modules above, so they already hold it.
        Set<String> loaded = new LinkedHashSet<>();
        spec.torchScriptLayers().forEach(l -> loaded.add(l.name()));
        List<String> kept = tuned.parameters().keySet().stream()
                .filter(path -> !path.startsWith(head.name() + ".") && !loaded.contains(path.substring(0, path.indexOf('.'))))
                .toList();
        FeatureCache.copy(source, tuned, kept);
        model = tuned;
        return model;
    }

    /** The class count may differ (a new head), but the image shape must match. */
    private void checkShapes() {
        ImageData data = data();
        if (data == null) {
            throw new IllegalArgumentException("transfer needs target data; pass data(...)");
        }
        int[] shape = data.imageShape();
        var spec = source.spec();
        if (shape[0] != spec.channels() || shape[1] != spec.height() || shape[2] != spec.width()) {
            throw new IllegalArgumentException("model [" + source.name() + "] takes " + spec.channels() + "x"
                    + spec.height() + "x" + spec.width() + " images but the data has [" + shape[0] + "x"
                    + shape[1] + "x" + shape[2] + "]");
        }
    }

    /** The tuned model: made by {@link #prepare()}, before or by {@link #run()}; null before either. */
    @Override
    public SlimModel model() {
        return model;
    }

    /** True when the head is a fresh one (the default), false with {@link #keepHead}. */
    public boolean headReplaced() {
        return !keepHead;
    }

    /** The top-level layers the freeze mode freezes. */
    public Set<String> frozenLayerNames() {
        List<Layer> layers = source.spec().layers();
        Set<String> out = new LinkedHashSet<>();
        int n = freeze.equals("backbone") ? layers.size() - 1 : freeze.equals("none") ? 0 : Integer.parseInt(freeze);
        for (int i = 0; i < n; i++) {
            out.add(layers.get(i).name());
        }
        return out;
    }

    /** What happened in which epochs, e.g. "epochs 1-1: backbone frozen". */
    public List<String> phases() {
        return List.copyOf(phases);
    }

    /**
     * Prepares the model and freezes it as asked; returns its figures with the trainable and
     * frozen counts (what the notebook shows before training). {@link #run} unfreezes it at the end.
     */
    public ModelStats freezeNow() {
        prepare();
        model.freezeLayers(frozenLayerNames());
        statsFrozen = ModelStats.of(model);
        return statsFrozen;
    }

    @Override
    protected SlimModel probedBefore() {
        freezeNow();
        return model;
    }

    @Override
    protected void finish() {
        if (model != null) {
            model.freezeLayers(Set.of()); // the freeze holds for this step only
        }
    }

    @Override
    protected SlimModel execute(Run run) {
        run.output(model);
        Set<String> frozen = frozenLayerNames();
        int first = unfreezeAfter > 0 ? unfreezeAfter : epochs();
        double headFactor = frozen.isEmpty() ? 1 : headLrMult;
        long trainStart = System.nanoTime();
        try {
            if (cacheFeatures) {
                fitOnCachedFeatures(run, frozen.size(), first, headFactor);
            } else {
                chooseRates(run, model, data(), headFactor);
                run.fitAt(headRate, model, model, data(), first, BatchLoss.crossEntropy(), List.of());
            }
            phases.add("epochs 1-" + first + ": " + (frozen.isEmpty() ? "nothing frozen"
                    : frozen.size() + (frozen.size() == 1 ? " layer" : " layers") + " frozen")
                    + String.format(Locale.ROOT, ", lr %.3g", headRate)
                    + (cacheFeatures ? String.format(Locale.ROOT, ", head trained on cached features (computed once in"
                            + " %.2f s; %.2f s per epoch)", featureSeconds, cachedEpochSeconds) : ""));
            if (unfreezeAfter > 0) {
                model.freezeLayers(Set.of());
                model.setLearningRateMultiplier(frozen, backboneLrMult);
                try {
                    run.fitAt(baseRate, model, model, data(), epochs() - unfreezeAfter, BatchLoss.crossEntropy(),
                            List.of());
                } finally {
                    model.setLearningRateMultiplier(frozen, 1.0);
                }
                phases.add("epochs " + (unfreezeAfter + 1) + "-" + epochs() + String.format(Locale.ROOT,
                        ": all trainable at lr %.3g, backbone at lr × ", baseRate) + backboneLrMult);
            }
        } finally {
            trainingSeconds = (System.nanoTime() - trainStart) / 1e9;
            phases.forEach(run.result()::note);
        }
        return model;
    }

    /**
     * The frozen phase's rate ({@code lr × headFactor}) and the unfrozen one's ({@code lr}); with
     * {@code lrFind(true)} the range test runs on {@code phaseModel} and its suggestion is the
     * frozen phase's rate.
     */
    private void chooseRates(Run run, SlimModel phaseModel, ImageData phaseData, double headFactor) {
        baseRate = run.learningRate();
        headRate = baseRate * headFactor;
        if (run.needsLrFind()) {
            run.findLearningRate(phaseModel, phaseData, BatchLoss.crossEntropy());
            if (Double.isFinite(lrFinding().suggestion())) {
                headRate = lrFinding().suggestion();
                baseRate = headRate / headFactor;
            }
        }
    }

    /** Phase one with cached features: the frozen layers run once, the head trains on their outputs. */
    private void fitOnCachedFeatures(Run run, int frozenCount, int epochCount, double headFactor) {
        long start = System.nanoTime();
        ImageData features = FeatureCache.features(model, frozenCount, data());
        featureSeconds = (System.nanoTime() - start) / 1e9;
        ModelSpec headSpec = FeatureCache.headSpec(model.spec(), frozenCount);
        try (SlimModel head = SlimModel.create(model.name() + "-head", headSpec, model.seed(),
                headSpec.hasTorchScript() ? model.torchScriptModules() : Map.of())) {
            Set<String> paths = head.parameters().keySet();
            FeatureCache.copy(model, head, paths);
            head.history().appendNewer(model.history());
            // Live charts read the model's history: keep it in step with the stand-in head's.
            FitListener sync = new FitListener() {
                @Override
                public void onBatch(FitListener.BatchProgress progress) {
                    model.history().appendNewer(head.history());
                }

                @Override
                public void onEpoch(History.Epoch epoch, History history) {
                    model.history().appendNewer(head.history());
                }
            };
            long fitStart = System.nanoTime();
            try {
                chooseRates(run, head, features, headFactor);
                FitResult fit = run.fitAt(headRate, head, model, features, epochCount, BatchLoss.crossEntropy(),
                        List.of(sync));
                cachedEpochSeconds = (System.nanoTime() - fitStart) / 1e9 / Math.max(1, fit.epochs().size());
            } finally {
                FeatureCache.copy(head, model, paths); // what the head learned, interrupted or not
                model.mask().ifPresent(dev.slimkit.model.WeightMask::apply);
                model.history().appendNewer(head.history()); // the last steps, if no listener call followed them
            }
        }
    }

    @Override
    protected void report(Run run, Probe.Figures before, Probe.Figures after) {
        StepResult.Builder r = run.result();
        r.metric(headReplaced() ? "accuracy before (new head)" : "accuracy before (the base's head)",
                before.evaluation().accuracy());
        r.metric("accuracy after", after.evaluation().accuracy());
        r.metric("trainable params while frozen", (double) statsFrozen.trainableParams());
        r.metric("frozen params", (double) statsFrozen.frozenParams());
        if (cacheFeatures) {
            r.metric("feature cache seconds", featureSeconds);
            r.metric("head-only seconds per epoch", cachedEpochSeconds);
        }
        r.metric(frozenLayerNames().isEmpty() ? "lr" : "frozen-phase lr", headRate);
        if (unfreezeAfter > 0) {
            r.metric("unfrozen lr", baseRate);
        }
        r.metric("training seconds", trainingSeconds);
    }

    @Override
    protected void recipe(StepResult.Builder r) {
        Set<String> frozen = frozenLayerNames();
        r.recipe("base", source.name() + " (" + source.origin() + ", " + source.spec().classes() + " classes)");
        r.recipe("target", data().toString());
        r.recipe("head", headReplaced() ? "new: " + source.spec().classes() + " → " + data().numClasses()
                + " classes, fresh weights" : "kept (" + data().numClasses() + " classes, as the base)");
        if (!frozen.isEmpty()) {
            r.recipe("frozen-phase lr", "lr × " + headLrMult);
        }
        r.recipe("freeze", freeze + (frozen.isEmpty() ? "" : " " + frozen) + (cacheFeatures ? ", features cached" : ""));
        if (unfreezeAfter > 0) {
            r.recipe("unfreeze", String.format(Locale.ROOT, "after %d epoch(s), backbone lr × %s", unfreezeAfter,
                    backboneLrMult));
        }
    }
}

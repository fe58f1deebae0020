package dev.slimkit.transfer;

import dev.slimkit.StepResult;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.Layer;
import dev.slimkit.model.ModelSpec;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.Evaluation;
import dev.slimkit.train.Evaluator;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.FitResult;
import dev.slimkit.train.History;
import dev.slimkit.train.TrainConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The transfer-learning step: {@code Slim.transfer(base).to(data).freeze("backbone").epochs(3)
 * .unfreezeAfter(1).backboneLrMultiplier(0.1).run()}.
 *
 * <ul>
 *   <li>The head (the last layer, a linear one) is replaced by a fresh one for the data's class
 *       count, or kept when the counts match; every other weight is kept.
 *   <li>{@code freeze("backbone")} freezes every top-level layer but the head; {@code freeze(K)}
 *       the first K top-level layers; {@code "none"} nothing. Frozen layers get no gradient, no
 *       optimizer step (hence no weight decay) and run in inference mode, so their batch-norm
 *       statistics do not move.
 *   <li>{@code unfreezeAfter(K)}: after K epochs everything is unfrozen and the backbone trains at
 *       {@code learningRate × backboneLrMultiplier} (discriminative learning rates).
 *   <li>{@code cacheFeatures(true)}: the frozen layers run once over the data and the head trains on
 *       their outputs (see {@link FeatureCache}); same weights, far less compute per epoch.
 * </ul>
 *
 * The step works on a copy when {@link #as} names one (the base stays as it was), else in place.
 * The tuned model's history holds the target task only, unless the model is tuned in place with
 * its head kept, when the target epochs follow the source ones.
 */
public final class TransferStep {

    private final SlimModel base;
    private ImageData data;
    private String freeze = "backbone";
    private int epochs = 1;
    private int unfreezeAfter = -1;
    private double backboneLrMultiplier = 0.1;
    private String as;
    private TrainConfig config = TrainConfig.defaults();
    private final List<FitListener> listeners = new ArrayList<>();
    private boolean cacheFeatures;
    private SlimModel model;
    private final List<String> phases = new ArrayList<>();
    private double featureSeconds = Double.NaN;
    private double cachedEpochSeconds = Double.NaN;

    /** Starts a transfer from {@code base}. */
    public TransferStep(SlimModel base) {
        if (base == null) {
            throw new IllegalArgumentException("transfer needs a base model, got [null]");
        }
        this.base = base;
    }

    /** The target task's data; its class count sets the new head. */
    public TransferStep to(ImageData value) {
        data = value;
        return this;
    }

    /** {@code backbone}, {@code none}, or a number K of first top-level layers. */
    public TransferStep freeze(String mode) {
        if (mode == null || !(mode.equals("backbone") || mode.equals("none") || mode.matches("\\d+"))) {
            throw new IllegalArgumentException("unknown freeze mode [" + mode
                    + "]; choose backbone, none, or a number of first layers such as 3");
        }
        freeze = mode;
        return this;
    }

    public TransferStep epochs(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("epochs must be >= 1, got [" + value + "]; pass e.g. 3");
        }
        epochs = value;
        return this;
    }

    /** Unfreeze everything after this many epochs (must be fewer than the epochs). */
    public TransferStep unfreezeAfter(int value) {
        if (value < 1) {
            throw new IllegalArgumentException("unfreeze-after must be >= 1, got [" + value + "]; pass e.g. 1");
        }
        unfreezeAfter = value;
        return this;
    }

    /** Learning-rate factor of the backbone once unfrozen, in (0, 1]. */
    public TransferStep backboneLrMultiplier(double value) {
        if (!(value > 0 && value <= 1)) {
            throw new IllegalArgumentException("backbone learning-rate multiplier must be in (0, 1], got [" + value
                    + "]; pass e.g. 0.1");
        }
        backboneLrMultiplier = value;
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

    public TransferStep learningRate(double value) {
        config = config.learningRate(value);
        return this;
    }

    public TransferStep batchSize(int value) {
        config = config.batchSize(value);
        return this;
    }

    public TransferStep config(TrainConfig value) {
        config = value;
        return this;
    }

    /** Work on a copy under this name, leaving the base unchanged. */
    public TransferStep as(String name) {
        as = name;
        return this;
    }

    public TransferStep listener(FitListener listener) {
        listeners.add(listener);
        return this;
    }

    /** The tuned model (after {@link #prepare()} or {@link #run()}). */
    public SlimModel model() {
        return model;
    }

    /**
     * Checks the set-up without changing anything.
     *
     * @throws IllegalArgumentException naming the value and the fix
     */
    public TransferStep validate() {
        if (data == null) {
            throw new IllegalArgumentException("transfer needs target data; call to(data) or pass --data D");
        }
        if (data.numClasses() < 2) {
            throw new IllegalArgumentException("target data must have at least 2 classes, got [" + data.numClasses() + "]");
        }
        List<Layer> layers = base.spec().layers();
        if (layers.get(layers.size() - 1).kind() == Layer.Kind.TORCHSCRIPT) {
            throw new IllegalArgumentException("model [" + base.name() + "] is one TorchScript graph ("
                    + layers.get(layers.size() - 1).source() + "), so its head cannot be replaced; export the network"
                    + " without its classifier and load it with %model NAME --from FILE.pt --classes N");
        }
        if (layers.get(layers.size() - 1).kind() != Layer.Kind.LINEAR) {
            throw new IllegalArgumentException("model [" + base.name() + "] does not end with a linear head");
        }
        int[] shape = data.imageShape();
        if (shape[0] != base.spec().channels() || shape[1] != base.spec().height() || shape[2] != base.spec().width()) {
            throw new IllegalArgumentException("model [" + base.name() + "] takes " + base.spec().channels() + "x"
                    + base.spec().height() + "x" + base.spec().width() + " images but the data has [" + shape[0] + "x"
                    + shape[1] + "x" + shape[2] + "]");
        }
        if (freeze.matches("\\d+") && (Integer.parseInt(freeze) < 1 || Integer.parseInt(freeze) >= layers.size())) {
            throw new IllegalArgumentException("freeze [" + freeze + "] must be between 1 and " + (layers.size() - 1)
                    + " (the model has " + layers.size() + " top-level layers, the last is the head)");
        }
        if (cacheFeatures && freeze.equals("none")) {
            throw new IllegalArgumentException("cache-features needs a frozen backbone, but freeze is [none]; pass"
                    + " --freeze backbone (or K) or drop --cache-features");
        }
        if (unfreezeAfter >= epochs) {
            throw new IllegalArgumentException("unfreeze-after [" + unfreezeAfter + "] must be less than the epochs ["
                    + epochs + "]");
        }
        return this;
    }

    /** The model to tune, with its head for the target classes; made once. */
    public SlimModel prepare() {
        validate();
        if (model != null) {
            return model;
        }
        List<Layer> layers = base.spec().layers();
        Layer head = layers.get(layers.size() - 1);
        String name = as != null ? as : base.name();
        if (head.out() == data.numClasses()) {
            model = as != null ? base.copy(as) : base;
            if (as != null) {
                model.history().clear(); // the copy's curves are the target task's
            }
            return model;
        }
        List<Layer> newLayers = new ArrayList<>(layers.subList(0, layers.size() - 1));
        newLayers.add(head.withOut(data.numClasses()));
        ModelSpec spec = new ModelSpec(base.spec().arch(), base.spec().channels(), base.spec().height(),
                base.spec().width(), data.numClasses(), base.spec().widthMultiplier(), newLayers);
        SlimModel tuned = SlimModel.create(name, spec, base.seed(), base.torchScriptModules());
        // Every weight but the head's comes from the base; TorchScript layers were loaded from its
        // current modules above, so they already hold it.
        Set<String> loaded = new LinkedHashSet<>();
        spec.torchScriptLayers().forEach(l -> loaded.add(l.name()));
        List<String> kept = tuned.parameters().keySet().stream()
                .filter(path -> !path.startsWith(head.name() + ".") && !loaded.contains(path.substring(0, path.indexOf('.'))))
                .toList();
        FeatureCache.copy(base, tuned, kept);
        model = tuned;
        return model;
    }

    /** True when the base's head had another class count and was replaced by a fresh one. */
    public boolean headReplaced() {
        List<Layer> layers = base.spec().layers();
        return data != null && layers.get(layers.size() - 1).out() != data.numClasses();
    }

    /** The top-level layers the freeze mode freezes. */
    public Set<String> frozenLayerNames() {
        List<Layer> layers = base.spec().layers();
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
     * frozen counts (what the notebook shows before training).
     */
    public ModelStats freezeNow() {
        prepare();
        model.freezeLayers(frozenLayerNames());
        return ModelStats.of(model);
    }

    /**
     * Freezes, tunes (unfreezing when asked), evaluates and reports. Afterwards every layer is
     * trainable again: the freeze holds for this step only.
     */
    public StepResult run() {
        ModelStats statsFrozen = freezeNow();
        Set<String> frozen = frozenLayerNames();
        long start = System.nanoTime();
        try {
            return tune(statsFrozen, frozen, start);
        } finally {
            model.freezeLayers(Set.of());
        }
    }

    /** Phase one with cached features: the frozen layers run once, the head trains on their outputs. */
    private FitResult fitOnCachedFeatures(int frozenCount, int epochCount) {
        long start = System.nanoTime();
        ImageData features = FeatureCache.features(model, frozenCount, data);
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
            List<FitListener> all = new ArrayList<>();
            all.add(sync);
            all.addAll(listeners);
            long fitStart = System.nanoTime();
            FitResult fit = FitLoop.fit(head, features, config.epochs(epochCount), all);
            cachedEpochSeconds = (System.nanoTime() - fitStart) / 1e9 / Math.max(1, fit.epochs().size());
            FeatureCache.copy(head, model, paths);
            model.mask().ifPresent(dev.slimkit.model.WeightMask::apply);
            model.history().appendNewer(head.history()); // the last steps, if no listener call followed them
            return fit;
        }
    }

    private StepResult tune(ModelStats statsFrozen, Set<String> frozen, long start) {
        Evaluation before = Evaluator.evaluate(model, data.test(), 256);
        int first = unfreezeAfter > 0 ? unfreezeAfter : epochs;
        List<History.Epoch> rows = new ArrayList<>();
        long trainStart = System.nanoTime();
        FitResult fit = cacheFeatures ? fitOnCachedFeatures(frozen.size(), first)
                : FitLoop.fit(model, data, config.epochs(first), listeners);
        rows.addAll(fit.epochs());
        phases.add("epochs 1-" + first + ": " + (frozen.isEmpty() ? "nothing frozen" : frozen.size() + (frozen.size() == 1 ? " layer" : " layers") + " frozen")
                + (cacheFeatures ? String.format(Locale.ROOT, ", head trained on cached features (computed once in"
                        + " %.2f s; %.2f s per epoch)", featureSeconds, cachedEpochSeconds) : ""));
        long batches = fit.batches();
        boolean interrupted = fit.interrupted();
        if (!interrupted && unfreezeAfter > 0) {
            model.freezeLayers(Set.of());
            model.setLearningRateMultiplier(frozen, backboneLrMultiplier);
            try {
                FitResult second = FitLoop.fit(model, data, config.epochs(epochs - unfreezeAfter), listeners);
                rows.addAll(second.epochs());
                batches += second.batches();
                interrupted = second.interrupted();
            } finally {
                model.setLearningRateMultiplier(frozen, 1.0);
            }
            phases.add("epochs " + (unfreezeAfter + 1) + "-" + epochs + ": all trainable, backbone at lr × "
                    + backboneLrMultiplier);
        }
        double trainingSeconds = (System.nanoTime() - trainStart) / 1e9;
        Evaluation after = interrupted ? null : Evaluator.evaluate(model, data.test(), 256);
        List<String> notes = new ArrayList<>(phases);
        if (interrupted) {
            notes.add("interrupted after " + batches + " batches");
        }
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put(headReplaced() ? "accuracy before (new head)" : "accuracy before (the base's head)",
                before.accuracy());
        if (after != null) {
            metrics.put("accuracy after", after.accuracy());
        }
        metrics.put("trainable params while frozen", (double) statsFrozen.trainableParams());
        metrics.put("frozen params", (double) statsFrozen.frozenParams());
        if (cacheFeatures) {
            metrics.put("feature cache seconds", featureSeconds);
            metrics.put("head-only seconds per epoch", cachedEpochSeconds);
        }
        metrics.put("training seconds", trainingSeconds);
        metrics.put("seconds", (System.nanoTime() - start) / 1e9);
        Map<String, String> recipe = new LinkedHashMap<>();
        recipe.put("base", base.name() + " (" + base.origin() + ", " + base.spec().classes() + " classes)");
        recipe.put("target", data.toString());
        recipe.put("head", headReplaced() ? "replaced: " + base.spec().classes() + " → " + data.numClasses()
                + " classes, fresh weights" : "kept (" + data.numClasses() + " classes, as the base)");
        recipe.put("freeze", freeze + (frozen.isEmpty() ? "" : " " + frozen) + (cacheFeatures ? ", features cached" : ""));
        recipe.put("training", config.epochs(epochs).describe());
        if (unfreezeAfter > 0) {
            recipe.put("unfreeze", String.format(Locale.ROOT, "after %d epoch(s), backbone lr × %s", unfreezeAfter,
                    backboneLrMultiplier));
        }
        return new StepResult("transfer", model.name(), statsFrozen, ModelStats.of(model), before, after, rows, recipe,
                notes, (System.nanoTime() - start) / 1e9, interrupted, List.of(), metrics);
    }
}

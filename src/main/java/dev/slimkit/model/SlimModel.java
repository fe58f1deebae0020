package dev.slimkit.model;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import dev.slimkit.model.History;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A slimkit model: a {@link ModelSpec}, the DJL model built from it (on the engine's default
 * device: GPU when DJL finds one), and its training {@link History}. A spec may hold a
 * TorchScript layer (a base from PyTorch, see {@link TorchScript}). Parameters are addressed by
 * path, e.g. {@code conv1.weight} or {@code s2b1.conv1.weight}. Close it to free native memory.
 */
public final class SlimModel implements AutoCloseable {

    private static final AtomicInteger COUNTER = new AtomicInteger();

    private volatile String name;
    private final ModelSpec spec;
    private final long seed;
    private final Model model;
    private final SequentialLayers root;
    private final History history;
    private volatile WeightMask mask;
    private final java.util.Map<String, Double> lrMultipliers = new java.util.concurrent.ConcurrentHashMap<>();
    /** Who is using the model for a long-running step (null when nobody), see {@link #lock}. */
    private Lease lease;

    private SlimModel(String name, ModelSpec spec, long seed, History history, Map<String, byte[]> torchScript) {
        this.name = name;
        this.spec = spec;
        this.seed = seed;
        this.history = history;
        spec.trace(); // validate before allocating anything
        for (Layer layer : spec.torchScriptLayers()) {
            if (!torchScript.containsKey(layer.name())) {
                throw new IllegalArgumentException("spec layer [" + layer.name() + "] is TorchScript (" + layer.source()
                        + ") but no module was given for it");
            }
        }
        this.model = Model.newInstance(name + "-" + COUNTER.incrementAndGet());
        try {
            this.root = new SequentialLayers(spec.layers(),
                    layer -> TorchScript.load(model.getNDManager(), torchScript.get(layer.name()), layer.source()));
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        model.setBlock(root);
        synchronized (SlimModel.class) {
            // Seeded, so the same spec and seed give the same initial weights.
            Engine.getInstance().setRandomSeed((int) seed);
            root.initialize(model.getNDManager(), DataType.FLOAT32, inputShape(1));
            PyTorchInit.apply(root);
        }
    }

    /** Builds a freshly initialized model of {@code spec}; the seed fixes the initial weights. */
    public static SlimModel create(String name, ModelSpec spec, long seed) {
        return new SlimModel(name, spec, seed, new History(), Map.of());
    }

    /**
     * Builds a model of {@code spec} whose TorchScript layers load from {@code torchScript}
     * (module bytes by layer name); other layers are freshly initialized from the seed.
     */
    public static SlimModel create(String name, ModelSpec spec, long seed, Map<String, byte[]> torchScript) {
        return new SlimModel(name, spec, seed, new History(), torchScript);
    }

    /**
     * A model from a TorchScript file (see {@link TorchScript#load(String, java.nio.file.Path, int[], int,
     * long)}): the whole classifier when {@code classes} is 0, else a backbone under a new head.
     */
    public static SlimModel fromTorchScript(String name, java.nio.file.Path file, int[] inputShape, int classes,
            long seed) {
        return TorchScript.load(name, file, inputShape, classes, seed);
    }

    /**
     * The current state (weights and buffers) of each TorchScript layer, as TorchScript bytes by
     * layer name; empty for a model built only from slimkit layers.
     */
    public Map<String, byte[]> torchScriptModules() {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Layer layer : spec.torchScriptLayers()) {
            out.put(layer.name(), TorchScript.bytes(root.layers().get(layer.name())));
        }
        return out;
    }

    /** Builds a built-in architecture for 1×28×28 images (see {@link Architectures}). */
    public static SlimModel create(String arch, int classes, double width, long seed) {
        return create(arch, Architectures.spec(arch, classes, width), seed);
    }

    /** The name given at creation (used in tables and charts). */
    public String name() {
        return name;
    }

    /** Renames the model (the session names a model after the key it is stored under). */
    public void rename(String newName) {
        if (newName == null || newName.isBlank()) {
            throw new IllegalArgumentException("model name must not be empty, got [" + newName + "]");
        }
        this.name = newName;
    }

    public ModelSpec spec() {
        return spec;
    }

    /** The seed the initial weights were drawn with. */
    public long seed() {
        return seed;
    }

    /** The training history (all fit calls, appended). */
    public History history() {
        return history;
    }

    /** The pruning mask this model carries, if any (re-applied after every optimizer step). */
    public java.util.Optional<WeightMask> mask() {
        return java.util.Optional.ofNullable(mask);
    }

    /**
     * Attaches a mask (replacing any earlier one) and applies it at once; null removes the mask
     * (the weights keep their zeros but may move again in training).
     */
    public void setMask(WeightMask newMask) {
        WeightMask old = this.mask;
        this.mask = newMask;
        if (old != null && old != newMask) {
            old.close();
        }
        if (newMask != null) {
            newMask.apply();
        }
    }

    /**
     * Freezes the top-level layers named in {@code names} and unfreezes all others: frozen layers
     * get no gradient, take no optimizer step (so no weight decay either) and run in inference
     * mode, so their batch-norm statistics stay put. Running statistics are never made trainable.
     *
     * @throws IllegalArgumentException for a name that is not a top-level layer
     */
    public void freezeLayers(java.util.Set<String> names) {
        for (String n : names) {
            if (!root.layers().containsKey(n)) {
                throw new IllegalArgumentException("model [" + name + "] has no top-level layer [" + n + "]; layers: "
                        + String.join(", ", root.layers().keySet()));
            }
        }
        for (Map.Entry<String, Parameter> e : parameters().entrySet()) {
            String top = e.getKey().substring(0, e.getKey().indexOf('.'));
            if (ModelStats.isLearnable(e.getValue())) {
                e.getValue().freeze(names.contains(top));
            }
        }
        root.setInferenceOnly(names);
    }

    /** The top-level layers currently frozen. */
    public java.util.Set<String> frozenLayers() {
        return root.inferenceOnly();
    }

    /**
     * Scales the learning rate of the parameters of the named top-level layers by {@code factor}
     * (discriminative learning rates); 1 restores the base rate. Read by the fit loop each step.
     */
    public void setLearningRateMultiplier(java.util.Set<String> layerNames, double factor) {
        for (Map.Entry<String, Parameter> e : parameters().entrySet()) {
            String top = e.getKey().substring(0, e.getKey().indexOf('.'));
            if (layerNames.contains(top)) {
                if (factor == 1.0) {
                    lrMultipliers.remove(e.getValue().getId());
                } else {
                    lrMultipliers.put(e.getValue().getId(), factor);
                }
            }
        }
    }

    /** The learning-rate multiplier of a parameter, by its DJL id (1 unless set). */
    public double learningRateMultiplier(String parameterId) {
        return lrMultipliers.getOrDefault(parameterId, 1.0);
    }

    /** The underlying DJL model. */
    public Model djlModel() {
        return model;
    }

    /** The root block. */
    public SequentialLayers block() {
        return root;
    }

    /** The model's NDManager; use a sub-manager of it for temporary arrays. */
    public NDManager manager() {
        return model.getNDManager();
    }

    /** The device the weights live on. */
    public Device device() {
        return model.getNDManager().getDevice();
    }

    /** Input shape of a batch: (batch, channels, height, width). */
    public Shape inputShape(int batch) {
        return new Shape(batch, spec.channels(), spec.height(), spec.width());
    }

    /**
     * Every parameter (weights, biases, BN gamma/beta and running statistics) by path, in forward
     * order.
     */
    public Map<String, Parameter> parameters() {
        Map<String, Parameter> out = new LinkedHashMap<>();
        collect(root, "", out);
        return Collections.unmodifiableMap(out);
    }

    /**
     * Runs the model on {@code images} (N, C, H, W); the logits belong to {@code images}'
     * manager. {@code training} selects batch statistics in BN (true) or running statistics.
     */
    public NDArray forward(NDArray images, boolean training) {
        ParameterStore store = new ParameterStore(images.getManager(), false);
        return root.forward(store, new NDList(images), training).singletonOrThrow();
    }

    /**
     * A copy with the same spec and weights (and a copy of the history) under another name: an
     * independent model, so that changing one leaves the other as it was.
     */
    public SlimModel copy(String newName) {
        checkNotBusy();
        SlimModel copy = new SlimModel(newName, spec, seed, history.copy(), torchScriptModules());
        copy.copyWeightsFrom(this);
        if (mask != null) {
            copy.setMask(WeightMask.fromZeros(copy, mask.paths()));
        }
        return copy;
    }

    /**
     * Copies every parameter value from {@code other}, which must have the same spec shapes.
     *
     * @throws IllegalArgumentException if a path or shape differs
     */
    public void copyWeightsFrom(SlimModel other) {
        Map<String, Parameter> mine = parameters();
        Map<String, Parameter> theirs = other.parameters();
        if (!mine.keySet().equals(theirs.keySet())) {
            throw new IllegalArgumentException(
                    "cannot copy weights from [" + other.name + "] to [" + name
                            + "]: their layers differ");
        }
        for (Map.Entry<String, Parameter> e : mine.entrySet()) {
            NDArray src = theirs.get(e.getKey()).getArray();
            NDArray dst = e.getValue().getArray();
            if (!src.getShape().equals(dst.getShape())) {
                throw new IllegalArgumentException(
                        "cannot copy [" + e.getKey() + "]: shape " + src.getShape() + " vs "
                                + dst.getShape());
            }
            dst.set(src.toByteBuffer());
        }
    }

    @Override
    public void close() {
        checkNotBusy();
        model.close();
    }

    /**
     * Marks the model as in use by {@code activity} (e.g. {@code sensitivity}) on the calling
     * thread until the returned lease is closed. While it is held, another thread that trains,
     * saves, copies or closes the model gets one line instead of racing (see {@link
     * #checkNotBusy}). Re-entrant on the holding thread.
     *
     * @throws IllegalStateException when another thread holds it
     */
    public synchronized Lease lock(String activity) {
        checkNotBusy();
        if (lease != null) {
            lease.depth++;
            return lease;
        }
        lease = new Lease(activity, Thread.currentThread());
        return lease;
    }

    /**
     * Throws when a step on another thread holds the model (a notebook cell interrupted while its
     * step finishes its current batch, or a Java thread of the user's).
     *
     * @throws IllegalStateException "model [m] is busy with sensitivity; wait for it or interrupt it"
     */
    public synchronized void checkNotBusy() {
        if (lease != null && lease.owner != Thread.currentThread()) {
            throw new IllegalStateException("model [" + name + "] is busy with " + lease.activity
                    + "; wait for it or interrupt it");
        }
    }

    /** The activity holding the model, or null when it is free. */
    public synchronized String busyWith() {
        return lease == null ? null : lease.activity;
    }

    /** A hold on a model by one activity; close it to release. */
    public final class Lease implements AutoCloseable {
        private final String activity;
        private final Thread owner;
        private int depth = 1;

        private Lease(String activity, Thread owner) {
            this.activity = activity;
            this.owner = owner;
        }

        @Override
        public void close() {
            synchronized (SlimModel.this) {
                if (lease == this && --depth == 0) {
                    lease = null;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "SlimModel[" + name + ", " + spec.arch() + ", " + spec.classes() + " classes]";
    }

    /** Where a TorchScript-based model came from, e.g. "torchscript (base.pt)"; the arch otherwise. */
    public String origin() {
        List<Layer> ts = spec.torchScriptLayers();
        return ts.isEmpty() ? spec.arch() : spec.arch() + " (" + ts.get(0).source() + ")";
    }

    private static void collect(SequentialLayers seq, String prefix, Map<String, Parameter> out) {
        for (Map.Entry<String, Block> e : seq.layers().entrySet()) {
            String path = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            Block block = e.getValue();
            if (block instanceof ResidualBlock residual) {
                collect(residual.body(), path, out);
                residual.shortcut().ifPresent(s -> collect(s, path, out));
            } else {
                for (Pair<String, Parameter> p : block.getDirectParameters()) {
                    out.put(path + "." + p.getKey(), p.getValue());
                }
            }
        }
    }

}

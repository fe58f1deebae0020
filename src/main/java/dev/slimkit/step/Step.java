package dev.slimkit.step;

import dev.slimkit.data.ImageData;
import dev.slimkit.model.ModelStats;
import dev.slimkit.model.Names;
import dev.slimkit.model.SlimModel;
import dev.slimkit.schedule.Schedule;
import dev.slimkit.train.BatchLoss;
import dev.slimkit.train.Evaluator;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.FitResult;
import dev.slimkit.train.Interrupted;
import dev.slimkit.train.TrainConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The skeleton every step (train, transfer, distill, prune, trim) shares. A step is built with
 * fluent setters, then {@link #validate()} checks it without changing anything and {@link #run()}
 * runs it:
 *
 * <ol>
 *   <li>validate (shared checks, then the step's own {@link #check()});
 *   <li>lock the models it reads or changes ({@link SlimModel#lock}), so another thread gets one
 *       line instead of racing;
 *   <li>probe the input model ({@link Probe}: figures, test evaluation, latency);
 *   <li>{@link #execute} — the step's own surgery and recipe, training through {@link Run#fit};
 *   <li>probe the result and build the {@link StepResult}.
 * </ol>
 *
 * An interrupt (a notebook's stop button) stops the step at the next batch of whatever loop is
 * running; the result is marked interrupted, the models stay consistent, the models made so far
 * are in {@link #outputs()}, and the thread's interrupt flag is cleared (the result reports it).
 *
 * <p>Naming rule for every step's setters: {@code data}, {@code epochs}, {@code lr}, {@code batch},
 * {@code seed}, {@code optimizer}, {@code schedule}, {@code weightDecay}, {@code config}, {@code
 * as} ("the result is a new model named …"), {@code measureLatency}, {@code listener}; a step's own
 * options are named as its magic's flags in camel case ({@code --unfreeze-after} →
 * {@code unfreezeAfter}). Error messages name setters as {@code data(...)}; the notebook kernel
 * shows them as flags ({@code --data}).
 *
 * @param <S> the concrete step, for fluent setters
 */
public abstract class Step<S extends Step<S>> {

    private final String name;
    /** The model the step starts from. */
    protected final SlimModel source;
    /** The shared training part. */
    protected final FineTune fineTune;
    private String as;
    private boolean measureLatency;
    private boolean lrFind;
    private dev.slimkit.train.LrFinder.Result lrFinding;
    private final Map<String, SlimModel> outputs = new LinkedHashMap<>();

    /**
     * @param name the step's name, e.g. {@code prune}
     * @param source the model it starts from
     * @param defaultEpochs epochs when {@link #epochs} is not called
     * @param minEpochs the fewest epochs the step accepts (0 when it can skip training)
     * @param latencyByDefault whether it measures latency unless told otherwise
     */
    protected Step(String name, SlimModel source, int defaultEpochs, int minEpochs, boolean latencyByDefault) {
        if (source == null) {
            throw new IllegalArgumentException(name + " needs a model, got [null]");
        }
        this.name = name;
        this.source = source;
        this.fineTune = new FineTune(defaultEpochs, minEpochs);
        this.measureLatency = latencyByDefault;
    }

    @SuppressWarnings("unchecked")
    private S self() {
        return (S) this;
    }

    /** The data to train on; its test split gives the before/after accuracy. */
    public S data(ImageData value) {
        fineTune.data(value);
        return self();
    }

    /** Epochs of training. */
    public S epochs(int value) {
        fineTune.epochs(value);
        return self();
    }

    /** Base learning rate. */
    public S lr(double value) {
        fineTune.config(fineTune.config().learningRate(value));
        return self();
    }

    /**
     * Whether to choose the learning rate by a range test ({@link dev.slimkit.train.LrFinder}) on
     * the training split, run on the model as the step's first training phase trains it (after
     * its surgery, with its loss), right before that phase; the suggestion replaces {@link #lr}.
     * No test data is read.
     */
    public S lrFind(boolean value) {
        lrFind = value;
        return self();
    }

    /** The range test's curve and suggestion when {@link #lrFind} ran one, else null. */
    public dev.slimkit.train.LrFinder.Result lrFinding() {
        return lrFinding;
    }

    /** Images per training step. */
    public S batch(int value) {
        fineTune.config(fineTune.config().batchSize(value));
        return self();
    }

    /** Seed of the shuffling. */
    public S seed(long value) {
        fineTune.config(fineTune.config().seed(value));
        return self();
    }

    public S optimizer(TrainConfig.Optimizer value) {
        fineTune.config(fineTune.config().optimizer(value));
        return self();
    }

    /** Learning-rate multiplier over training progress, e.g. {@code Schedule.cosine(1, 0)}. */
    public S schedule(Schedule value) {
        fineTune.config(fineTune.config().schedule(value));
        return self();
    }

    public S weightDecay(double value) {
        fineTune.config(fineTune.config().weightDecay(value));
        return self();
    }

    /** Replaces the training settings (batch, rate, optimizer, schedule, seed); epochs stay as set. */
    public S config(TrainConfig value) {
        fineTune.config(value);
        return self();
    }

    /** The result is a new model named {@code value} (steps that change their input then change a copy). */
    public S as(String value) {
        as = value == null ? null : Names.check(value);
        return self();
    }

    /** Whether to measure latency before and after. */
    public S measureLatency(boolean value) {
        measureLatency = value;
        return self();
    }

    /** Adds a listener to every training run of the step. */
    public S listener(FitListener value) {
        fineTune.listener(value);
        return self();
    }

    /** Adds a listener made for each model the step trains (e.g. one live chart per model). */
    public S listeners(Function<SlimModel, FitListener> factory) {
        fineTune.listeners(factory);
        return self();
    }

    /** The step's name, e.g. {@code trim}. */
    public String name() {
        return name;
    }

    /** The name of the model the step will produce: {@link #as}, else the step's default. */
    public String resultName() {
        return as != null ? as : defaultName();
    }

    /** The name given with {@link #as}, or null. */
    protected String asName() {
        return as;
    }

    /** The data, or null. */
    public ImageData data() {
        return fineTune.data();
    }

    /** Epochs of training. */
    public int epochs() {
        return fineTune.epochs();
    }

    /** The training settings (epochs as set by {@link #epochs}). */
    public TrainConfig config() {
        return fineTune.configFor(Math.max(1, fineTune.epochs()));
    }

    public boolean measuresLatency() {
        return measureLatency;
    }

    /** The resulting model (after {@link #run()}), or null. */
    public SlimModel model() {
        return outputs.get(resultName());
    }

    /** Every model the step made or changed, by name, the result first (after {@link #run()}). */
    public Map<String, SlimModel> outputs() {
        return java.util.Collections.unmodifiableMap(outputs);
    }

    /**
     * Checks the set-up without changing anything: the step's own checks, then the shared ones
     * (training has data, the data fits the model).
     *
     * @throws IllegalArgumentException naming the value and the fix
     */
    public final S validate() {
        check();
        if (fineTune.epochs() > 0 && fineTune.data() == null) {
            throw new IllegalArgumentException("training for " + fineTune.epochs()
                    + " epoch(s) needs data; pass data(...)");
        }
        if (fineTune.data() != null && checksDataAgainstSource()) {
            Evaluator.checkCompatible(source, fineTune.data().train());
        }
        return self();
    }

    /** Validates, runs the step and reports; see the class comment. */
    public final StepResult run() {
        validate();
        StepResult.Builder result = StepResult.builder(name, resultName()).device(source.device().toString());
        List<SlimModel.Lease> leases = new ArrayList<>();
        try {
            for (SlimModel m : lockedModels()) {
                leases.add(m.lock(name));
            }
            runLocked(result);
        } finally {
            leases.forEach(SlimModel.Lease::close);
            if (result.isInterrupted()) {
                Thread.interrupted(); // consumed: the result says the step was interrupted
            }
        }
        recipeInto(result);
        return result.build();
    }

    /**
     * The recipe the step will record, known before it runs (after {@link #validate()}): the
     * step's own settings and the training settings. Equal recipes on equal inputs give equal
     * results, which is what a pipeline's resume relies on.
     */
    public Map<String, String> recipe() {
        StepResult.Builder b = StepResult.builder(name, resultName());
        recipeInto(b);
        return b.recipe();
    }

    private void recipeInto(StepResult.Builder result) {
        recipe(result);
        if (fineTune.epochs() > 0) {
            result.recipe("training", fineTune.configFor(fineTune.epochs()).describe());
            if (lrFind) {
                result.recipe("lr", "found by a range test on the training split (valley suggestion)");
            }
        }
    }

    private void runLocked(StepResult.Builder result) {
        Run run = new Run(result);
        try {
            Probe.Figures before = Probe.measure(probedBefore(), evaluatesBefore() ? fineTune.data() : null,
                    measureLatency && comparesLatency());
            result.before(before.stats(), before.evaluation());
            SlimModel out = execute(run);
            run.output(out);
            Probe.Figures after = Probe.measure(out, fineTune.data(), measureLatency);
            result.after(after.stats(), after.evaluation());
            if (measureLatency && comparesLatency()) {
                Probe.compareLatency(result, before, after);
            }
            report(run, before, after);
        } catch (Interrupted e) {
            result.interrupted(true);
            result.note(e.getMessage() + (result.batches() > 0 ? " after " + result.batches()
                    + " batches of training" : ""));
            SlimModel out = outputs.get(resultName());
            if (out != null) {
                result.after(ModelStats.of(out), null);
            }
        } finally {
            finish();
        }
    }

    /** The models to lock while the step runs; the source by default. */
    protected List<SlimModel> lockedModels() {
        return List.of(source);
    }

    /** Whether the data must fit the source model as it is (class count, image shape); true by default. */
    protected boolean checksDataAgainstSource() {
        return true;
    }

    /** The model whose "before" figures are measured; the source by default. */
    protected SlimModel probedBefore() {
        return source;
    }

    /**
     * Whether latency before and after is compared (when measured); true by default. A step whose
     * input is a fresh model (a student before distillation) measures only the result.
     */
    protected boolean comparesLatency() {
        return true;
    }

    /** Whether the input is evaluated before the step (when data is given); true by default. */
    protected boolean evaluatesBefore() {
        return true;
    }

    /** The name of the result when {@link #as} is not given. */
    protected abstract String defaultName();

    /**
     * The step's own checks.
     *
     * @throws IllegalArgumentException naming the value and the fix
     */
    protected abstract void check();

    /** The step's own work: surgery and training through {@code run}; returns the resulting model. */
    protected abstract SlimModel execute(Run run);

    /** The step's own recipe entries (training settings are added by the skeleton). */
    protected abstract void recipe(StepResult.Builder result);

    /** Adds step-specific figures and notes once both probes are done; nothing by default. */
    protected void report(Run run, Probe.Figures before, Probe.Figures after) {}

    /** Runs last, interrupted or not (e.g. to undo a temporary freeze); nothing by default. */
    protected void finish() {}

    /** A copy of the source named {@link #resultName()} when {@link #as} names a new model, else the source. */
    protected SlimModel sourceOrCopy() {
        return as != null && !as.equals(source.name()) ? source.copy(as) : source;
    }

    /** One run of a step: what it trains and makes is recorded in the result. */
    public final class Run {
        private final StepResult.Builder result;
        private double foundRate = Double.NaN;

        private Run(StepResult.Builder result) {
            this.result = result;
        }

        /**
         * Runs the learning-rate range test on {@code model} (trained on {@code on} with {@code
         * loss}, as the phase it precedes) and returns the suggested rate, which {@link #learningRate()}
         * gives from then on. When the curve never falls, the set rate stays, with a note.
         */
        public double findLearningRate(SlimModel model, ImageData on, BatchLoss loss) {
            lrFinding = new dev.slimkit.train.LrFinder(model, on).config(fineTune.config()).loss(loss).run();
            double found = lrFinding.suggestion();
            if (Double.isFinite(found)) {
                foundRate = found;
                result.metric("lr found", found);
                result.note("learning rate by range test: " + lrFinding.describe());
            } else {
                result.note("the range test's loss never fell; kept lr " + fineTune.config().learningRate());
            }
            return learningRate();
        }

        /** The base learning rate: the range test's when one ran, else the one set. */
        public double learningRate() {
            return Double.isFinite(foundRate) ? foundRate : fineTune.config().learningRate();
        }

        /** Whether the step should run a range test before its first training phase and has not yet. */
        public boolean needsLrFind() {
            return lrFind && lrFinding == null;
        }

        /** The result being built (for metrics, notes, comparison rows). */
        public StepResult.Builder result() {
            return result;
        }

        /** Records a model the step made or changed under its name (the result, or an extra such as a control). */
        public SlimModel output(SlimModel model) {
            outputs.put(model.name(), model);
            return model;
        }

        /**
         * Trains {@code model} for {@code epochs} with {@code loss} (plus {@code extra} listeners,
         * e.g. a pruning schedule), recording its epochs in the result.
         *
         * @throws Interrupted when the fit was interrupted (its epochs are recorded first)
         */
        public FitResult fit(SlimModel model, int epochs, BatchLoss loss, List<FitListener> extra) {
            return fit(model, model, fineTune.data(), epochs, loss, extra);
        }

        /**
         * Trains a stand-in {@code model} on {@code on} for the model {@code shown} (whose history
         * live charts follow), as feature caching does; otherwise as {@link #fit(SlimModel, int,
         * BatchLoss, List)}.
         */
        public FitResult fit(SlimModel model, SlimModel shown, ImageData on, int epochs, BatchLoss loss,
                List<FitListener> extra) {
            if (needsLrFind()) {
                findLearningRate(model, on, loss);
            }
            return fitAt(learningRate(), model, shown, on, epochs, loss, extra);
        }

        /** As {@link #fit(SlimModel, SlimModel, ImageData, int, BatchLoss, List)} at base rate {@code lr}. */
        public FitResult fitAt(double lr, SlimModel model, SlimModel shown, ImageData on, int epochs, BatchLoss loss,
                List<FitListener> extra) {
            FitResult fit = fineTune.fit(model, shown, on, epochs, loss, extra, lr);
            result.epochs(fit.epochs());
            if (fit.interrupted()) {
                throw new Interrupted("training of [" + model.name() + "]");
            }
            return fit;
        }

        /** A figure formatted for notes. */
        public String format(String pattern, Object... args) {
            return String.format(Locale.ROOT, pattern, args);
        }
    }
}

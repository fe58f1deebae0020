package dev.slimkit.train;

import dev.slimkit.model.History;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.tracker.Tracker;
import dev.slimkit.data.ImageData;
import dev.slimkit.data.ImageSplit;
import dev.slimkit.model.SlimModel;
import dev.slimkit.model.WeightMask;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Predicate;

/**
 * The training loop: shuffled mini-batches (seeded, augmented when the data says so), forward inside DJL's gradient tape,
 * backward, one optimizer step, listeners; validation after each epoch when the data has a
 * validation split. Every batch's arrays live in a sub-manager closed right after the step, so
 * memory stays flat. The loop checks the thread's interrupt flag before each batch: an interrupt
 * (a notebook's stop button) ends training between two whole steps, keeps the history so far and
 * leaves the model usable.
 */
public final class FitLoop {

    private FitLoop() {}

    /** Trains with cross-entropy (see {@link #fit(SlimModel, ImageData, TrainConfig, BatchLoss, List)}). */
    public static FitResult fit(
            SlimModel model, ImageData data, TrainConfig config, List<? extends FitListener> listeners) {
        return fit(model, data, config, BatchLoss.crossEntropy(), listeners);
    }

    /**
     * Trains {@code model} on {@code data.train()}, appending to its {@link History}.
     *
     * @throws IllegalArgumentException if the data does not fit the model (class count, image
     *     shape)
     */
    public static FitResult fit(
            SlimModel model,
            ImageData data,
            TrainConfig config,
            BatchLoss loss,
            List<? extends FitListener> listeners) {
        return loop(model, data, new Plan(config, loss, listeners, model.history(), Long.MAX_VALUE, true, p -> false));
    }

    /**
     * What one pass of the loop does besides its model and data.
     *
     * @param config epochs, batch size, rate, schedule, optimizer, seed
     * @param loss the batch loss
     * @param listeners told of every batch and epoch
     * @param history receives the records (the model's own, or a scratch one for a learning-rate
     *     range test)
     * @param maxSteps at most this many steps are taken, and the schedule's progress runs over them
     * @param validate evaluate the validation split (when there is one) after each epoch
     * @param stop ends the fit after the batch it returns true for
     */
    record Plan(TrainConfig config, BatchLoss loss, List<? extends FitListener> listeners, History history,
            long maxSteps, boolean validate, Predicate<FitListener.BatchProgress> stop) {}

    /** The loop itself: trains {@code model} on {@code data.train()} as {@code plan} says. */
    static FitResult loop(SlimModel model, ImageData data, Plan plan) {
        Evaluator.checkCompatible(model, data.train());
        model.checkNotBusy();
        return new Pass(model, data, plan).run();
    }

    /** One fit's state: its trainer, rate, random sources and counters. */
    private static final class Pass {
        private final SlimModel model;
        private final ImageData data;
        private final ImageSplit train;
        private final Plan plan;
        private final TrainConfig config;
        private final int batchesPerEpoch;
        private final long totalSteps;
        private final LearningRate rate;
        private final Random random;
        // Augmentation draws from its own seeded source, so it leaves the shuffling as it was.
        private final dev.slimkit.data.Augment augment;
        private final Random augmentRandom;
        private final List<History.Epoch> done = new ArrayList<>();
        private final long start = System.nanoTime();
        private long step;
        private long stepsDone;
        private boolean stopped;
        private boolean interrupted;

        Pass(SlimModel model, ImageData data, Plan plan) {
            this.model = model;
            this.data = data;
            this.train = data.train();
            this.plan = plan;
            this.config = plan.config();
            this.batchesPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
            this.totalSteps = Math.min(plan.maxSteps(), (long) batchesPerEpoch * config.epochs());
            this.rate = new LearningRate((float) config.learningRate(), model);
            this.random = new Random(config.seed());
            this.augment = data.augment().orElse(null);
            this.augmentRandom = new Random(config.seed() * 31 + 7);
            this.step = plan.history().totalBatches();
        }

        FitResult run() {
            // Optimizer state (Adam's moments, SGD's momentum) lives in a manager of this fit alone,
            // closed with it: DJL's own optimizers put it on the model's manager for good.
            NDManager optimizerState = model.manager().newSubManager();
            DefaultTrainingConfig djlConfig = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                    .optOptimizer(Optimizers.of(config, rate, optimizerState))
                    .optDevices(new ai.djl.Device[] {model.device()});
            int firstEpoch = plan.history().epochCount() + 1;
            Engine.getInstance().setRandomSeed((int) config.seed());
            try (optimizerState; Trainer trainer = model.djlModel().newTrainer(djlConfig)) {
                registerParameters(trainer, model);
                for (int e = 0; e < config.epochs() && !interrupted && !stopped; e++) {
                    if (!epoch(trainer, e, firstEpoch + e)) {
                        break;
                    }
                }
            }
            return new FitResult(done, interrupted, stepsDone, (System.nanoTime() - start) / 1e9);
        }

        /** Sums over the batches of one epoch. */
        private static final class Totals {
            double loss;
            long correct;
            long seen;
            long scored; // images whose labels count towards training accuracy
            int batches;
        }

        /** One epoch; false when it took no batch (interrupted before its first). */
        private boolean epoch(Trainer trainer, int e, int number) {
            long epochStart = System.nanoTime();
            int[] order = train.shuffledOrder(random);
            Totals totals = new Totals();
            for (int b = 0; b < batchesPerEpoch && !stopped; b++) {
                if (Thread.currentThread().isInterrupted()) {
                    interrupted = true;
                    break;
                }
                batch(trainer, order, e, b, totals);
            }
            if (totals.batches == 0) {
                return false;
            }
            double valLoss = Double.NaN;
            double valAcc = Double.NaN;
            if (plan.validate() && data.validation().isPresent() && !interrupted) {
                Evaluation val = Evaluator.evaluate(model, data.validation().get(), 256);
                valLoss = val.loss();
                valAcc = val.accuracy();
            }
            History.Epoch epoch = new History.Epoch(number, totals.loss / totals.seen,
                    totals.scored == 0 ? Double.NaN : (double) totals.correct / totals.scored, valLoss, valAcc,
                    rate.value, (System.nanoTime() - epochStart) / 1e9, totals.batches);
            plan.history().addEpoch(epoch);
            done.add(epoch);
            for (FitListener l : plan.listeners()) {
                l.onEpoch(epoch, plan.history());
            }
            return true;
        }

        /** One optimizer step on batch {@code b} of epoch {@code e}, then the records and listeners. */
        private void batch(Trainer trainer, int[] order, int e, int b, Totals totals) {
            int from = b * config.batchSize();
            int to = Math.min(train.size(), from + config.batchSize());
            double progress = totalSteps <= 1 ? 0 : (double) stepsDone / (totalSteps - 1);
            rate.value = (float) (config.learningRate() * config.schedule().valueAt(progress));
            float batchLoss;
            long batchCorrect;
            long batchScored;
            BatchLoss loss = plan.loss();
            try (NDManager batch = model.manager().newSubManager()) {
                NDArray images = augment == null ? train.batchImages(batch, order, from, to)
                        : train.augmentedBatch(batch, order, from, to, augment, augmentRandom);
                NDArray labels = train.batchLabels(batch, order, from, to);
                loss.beforeBatch(images, labels, order, from, to, progress);
                NDArray logits;
                try (GradientCollector tape = trainer.newGradientCollector()) {
                    logits = trainer.forward(new NDList(images)).singletonOrThrow();
                    NDArray value = loss.compute(logits, labels, images);
                    tape.backward(value);
                    batchLoss = value.getFloat();
                }
                trainer.step();
                model.mask().ifPresent(WeightMask::apply); // pruned weights stay zero
                NDArray hit = logits.argMax(1).toType(labels.getDataType(), false).eq(labels);
                NDArray scoredMask = loss.labelledMask();
                if (scoredMask == null) {
                    batchCorrect = hit.sum().getLong();
                    batchScored = to - from;
                } else { // a transfer set: unlabelled images have no accuracy
                    batchCorrect = Math.round(hit.toType(ai.djl.ndarray.types.DataType.FLOAT32, false)
                            .mul(scoredMask).sum().getFloat());
                    batchScored = Math.round(scoredMask.sum().getFloat());
                }
            }
            stepsDone++;
            step++;
            totals.batches++;
            totals.loss += batchLoss * (to - from);
            totals.correct += batchCorrect;
            totals.seen += to - from;
            totals.scored += batchScored;
            record(batchLoss, b);
            double elapsed = (System.nanoTime() - start) / 1e9;
            double eta = elapsed / stepsDone * (totalSteps - stepsDone);
            FitListener.BatchProgress event = new FitListener.BatchProgress(e + 1, config.epochs(), b + 1,
                    batchesPerEpoch, step, batchLoss, totals.scored == 0 ? Double.NaN
                            : (double) totals.correct / totals.scored, rate.value, elapsed, eta);
            for (FitListener l : plan.listeners()) {
                l.onBatch(event);
            }
            stopped = stepsDone >= totalSteps || plan.stop().test(event);
        }

        /** The step's loss (and the loss's parts) into the history, every logEvery steps and at an epoch's end. */
        private void record(float batchLoss, int b) {
            if (step % config.logEvery() == 0 || b == batchesPerEpoch - 1) {
                plan.history().addStep(new History.Step(step, batchLoss));
                for (var part : plan.loss().components().entrySet()) {
                    plan.history().addSeriesValue(part.getKey(), new History.Step(step, part.getValue()));
                }
            }
        }
    }

    /**
     * DJL's trainer checks once, at its first step, that the gradients are not all zero; the
     * gradient arrays it reads for that stay on the model's manager, one per trainable parameter
     * for every fit. The check also registers every parameter with the trainer's parameter store,
     * which is what makes the opaque TorchScript modules' parameters take optimizer steps. This
     * loop always runs backward before stepping, so it registers the trainable parameters itself
     * and marks the check done. If a later DJL renames these private fields, DJL's own check runs
     * (and leaks as before).
     */
    private static void registerParameters(Trainer trainer, SlimModel model) {
        try {
            java.lang.reflect.Field storeField = Trainer.class.getDeclaredField("parameterStore");
            java.lang.reflect.Field checked = Trainer.class.getDeclaredField("gradientsChecked");
            storeField.setAccessible(true);
            checked.setAccessible(true);
            ai.djl.training.ParameterStore store = (ai.djl.training.ParameterStore) storeField.get(trainer);
            for (ai.djl.nn.Parameter p : model.djlModel().getBlock().getParameters().values()) {
                if (p.requiresGradient()) {
                    store.getValue(p, model.device(), true);
                }
            }
            checked.setBoolean(trainer, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // keep DJL's own check
        }
    }

    /** A tracker whose value the loop sets before each step from the schedule. */
    private static final class LearningRate implements Tracker {
        volatile float value;
        private final SlimModel model;

        LearningRate(float value, SlimModel model) {
            this.value = value;
            this.model = model;
        }

        @Override
        public float getNewValue(int numUpdate) {
            return value;
        }

        /** Per parameter: the scheduled rate times the model's multiplier for it (discriminative LR). */
        @Override
        public float getNewValue(String parameterId, int numUpdate) {
            return (float) (value * model.learningRateMultiplier(parameterId));
        }
    }
}

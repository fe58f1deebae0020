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
        ImageSplit train = data.train();
        Evaluator.checkCompatible(model, train);
        model.checkNotBusy();
        History history = model.history();
        int batchesPerEpoch = (train.size() + config.batchSize() - 1) / config.batchSize();
        long totalSteps = (long) batchesPerEpoch * config.epochs();
        LearningRate rate = new LearningRate((float) config.learningRate(), model);
        // Optimizer state (Adam's moments, SGD's momentum) lives in a manager of this fit alone,
        // closed with it: DJL's own optimizers put it on the model's manager for good.
        NDManager optimizerState = model.manager().newSubManager();
        DefaultTrainingConfig djlConfig =
                new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                        .optOptimizer(Optimizers.of(config, rate, optimizerState))
                        .optDevices(new ai.djl.Device[] {model.device()});
        Random random = new Random(config.seed());
        // Augmentation draws from its own seeded source, so it leaves the shuffling as it was.
        dev.slimkit.data.Augment augment = data.augment().orElse(null);
        Random augmentRandom = new Random(config.seed() * 31 + 7);
        int firstEpoch = history.epochCount() + 1;
        long step = history.totalBatches();
        long stepsDone = 0;
        boolean interrupted = false;
        List<History.Epoch> done = new ArrayList<>();
        long start = System.nanoTime();
        Engine.getInstance().setRandomSeed((int) config.seed());
        try (optimizerState; Trainer trainer = model.djlModel().newTrainer(djlConfig)) {
            registerParameters(trainer, model);
            for (int e = 0; e < config.epochs() && !interrupted; e++) {
                long epochStart = System.nanoTime();
                int[] order = train.shuffledOrder(random);
                double lossSum = 0;
                long correct = 0;
                long seen = 0;
                int batches = 0;
                for (int b = 0; b < batchesPerEpoch; b++) {
                    if (Thread.currentThread().isInterrupted()) {
                        interrupted = true;
                        break;
                    }
                    int from = b * config.batchSize();
                    int to = Math.min(train.size(), from + config.batchSize());
                    double progress = totalSteps <= 1 ? 0 : (double) stepsDone / (totalSteps - 1);
                    rate.value = (float) (config.learningRate() * config.schedule().valueAt(progress));
                    float batchLoss;
                    long batchCorrect;
                    try (NDManager batch = model.manager().newSubManager()) {
                        NDArray images = augment == null ? train.batchImages(batch, order, from, to)
                                : train.augmentedBatch(batch, order, from, to, augment, augmentRandom);
                        NDArray labels = train.batchLabels(batch, order, from, to);
                        loss.beforeBatch(images, labels, progress);
                        NDArray logits;
                        try (GradientCollector tape = trainer.newGradientCollector()) {
                            logits = trainer.forward(new NDList(images)).singletonOrThrow();
                            NDArray value = loss.compute(logits, labels, images);
                            tape.backward(value);
                            batchLoss = value.getFloat();
                        }
                        trainer.step();
                        model.mask().ifPresent(WeightMask::apply); // pruned weights stay zero
                        batchCorrect = logits.argMax(1).toType(labels.getDataType(), false)
                                .eq(labels).sum().getLong();
                    }
                    stepsDone++;
                    step++;
                    batches++;
                    lossSum += batchLoss * (to - from);
                    correct += batchCorrect;
                    seen += to - from;
                    if (step % config.logEvery() == 0 || b == batchesPerEpoch - 1) {
                        history.addStep(new History.Step(step, batchLoss));
                        for (var part : loss.components().entrySet()) {
                            history.addSeriesValue(part.getKey(), new History.Step(step, part.getValue()));
                        }
                    }
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    double eta = elapsed / stepsDone * (totalSteps - stepsDone);
                    FitListener.BatchProgress progressEvent =
                            new FitListener.BatchProgress(
                                    e + 1, config.epochs(), b + 1, batchesPerEpoch, step,
                                    batchLoss, (double) correct / seen, rate.value, elapsed, eta);
                    for (FitListener l : listeners) {
                        l.onBatch(progressEvent);
                    }
                }
                if (batches == 0) {
                    break;
                }
                double valLoss = Double.NaN;
                double valAcc = Double.NaN;
                if (data.validation().isPresent() && !interrupted) {
                    Evaluation val = Evaluator.evaluate(model, data.validation().get(), 256);
                    valLoss = val.loss();
                    valAcc = val.accuracy();
                }
                History.Epoch epoch =
                        new History.Epoch(
                                firstEpoch + e,
                                lossSum / seen,
                                (double) correct / seen,
                                valLoss,
                                valAcc,
                                rate.value,
                                (System.nanoTime() - epochStart) / 1e9,
                                batches);
                history.addEpoch(epoch);
                done.add(epoch);
                for (FitListener l : listeners) {
                    l.onEpoch(epoch, history);
                }
            }
        }
        return new FitResult(done, interrupted, stepsDone, (System.nanoTime() - start) / 1e9);
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

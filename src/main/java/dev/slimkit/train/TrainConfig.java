package dev.slimkit.train;

import dev.slimkit.schedule.Schedule;
import java.util.Locale;

/**
 * How to train: epochs, batch size, optimizer, base learning rate and its {@link Schedule} (a
 * multiplier of the base rate over progress), weight decay, seed and how often to record the
 * loss. Immutable; start from {@link #defaults()} and change what you need:
 * {@code TrainConfig.defaults().epochs(2).learningRate(1e-3)}. Every value is checked when set.
 *
 * @param epochs passes over the training split, at least 1
 * @param batchSize images per step, at least 1
 * @param learningRate base learning rate, &gt; 0
 * @param optimizer Adam or SGD (momentum 0.9)
 * @param schedule learning-rate multiplier as a function of progress
 * @param weightDecay L2 weight decay, &gt;= 0 (never applied to frozen parameters: they take no step)
 * @param seed fixes shuffling
 * @param logEvery record the loss every this many batches, at least 1
 */
public record TrainConfig(
        int epochs,
        int batchSize,
        double learningRate,
        Optimizer optimizer,
        Schedule schedule,
        double weightDecay,
        long seed,
        int logEvery) {

    /** The optimizers the fit loop offers. */
    public enum Optimizer {
        ADAM,
        SGD;

        /**
         * Parses {@code adam} or {@code sgd}.
         *
         * @throws IllegalArgumentException naming the value and the allowed names
         */
        public static Optimizer parse(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException | NullPointerException e) {
                throw new IllegalArgumentException(
                        "unknown optimizer [" + name + "]; choose adam or sgd");
            }
        }
    }

    /** Checks every value; messages name the value and the fix. */
    public TrainConfig {
        if (epochs < 1) {
            throw new IllegalArgumentException(
                    "epochs must be >= 1, got [" + epochs + "]; pass e.g. 2");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException(
                    "batch size must be >= 1, got [" + batchSize + "]; pass e.g. 128");
        }
        if (!(learningRate > 0) || Double.isInfinite(learningRate)) {
            throw new IllegalArgumentException(
                    "learning rate must be > 0, got [" + learningRate + "]; pass e.g. 0.001");
        }
        if (optimizer == null) {
            throw new IllegalArgumentException("optimizer must be set; choose adam or sgd");
        }
        if (schedule == null) {
            throw new IllegalArgumentException(
                    "schedule must be set; use Schedule.constant(1) for a fixed rate");
        }
        if (!(weightDecay >= 0)) {
            throw new IllegalArgumentException(
                    "weight decay must be >= 0, got [" + weightDecay + "]; pass e.g. 1e-4 or 0");
        }
        if (logEvery < 1) {
            throw new IllegalArgumentException(
                    "logEvery must be >= 1, got [" + logEvery + "]; pass e.g. 10");
        }
    }

    /** 1 epoch, batch 128, Adam at 1e-3, constant rate, no weight decay, seed 0, loss every 10. */
    public static TrainConfig defaults() {
        return new TrainConfig(1, 128, 1e-3, Optimizer.ADAM, Schedule.constant(1), 0, 0, 10);
    }

    public TrainConfig epochs(int value) {
        return new TrainConfig(value, batchSize, learningRate, optimizer, schedule, weightDecay, seed, logEvery);
    }

    public TrainConfig batchSize(int value) {
        return new TrainConfig(epochs, value, learningRate, optimizer, schedule, weightDecay, seed, logEvery);
    }

    public TrainConfig learningRate(double value) {
        return new TrainConfig(epochs, batchSize, value, optimizer, schedule, weightDecay, seed, logEvery);
    }

    public TrainConfig optimizer(Optimizer value) {
        return new TrainConfig(epochs, batchSize, learningRate, value, schedule, weightDecay, seed, logEvery);
    }

    public TrainConfig schedule(Schedule value) {
        return new TrainConfig(epochs, batchSize, learningRate, optimizer, value, weightDecay, seed, logEvery);
    }

    public TrainConfig weightDecay(double value) {
        return new TrainConfig(epochs, batchSize, learningRate, optimizer, schedule, value, seed, logEvery);
    }

    public TrainConfig seed(long value) {
        return new TrainConfig(epochs, batchSize, learningRate, optimizer, schedule, weightDecay, value, logEvery);
    }

    public TrainConfig logEvery(int value) {
        return new TrainConfig(epochs, batchSize, learningRate, optimizer, schedule, weightDecay, seed, value);
    }

    /** One line for recipes and tables. */
    public String describe() {
        return String.format(
                Locale.ROOT,
                "%d epoch(s), batch %d, %s lr %s × %s, weight decay %s, seed %d",
                epochs,
                batchSize,
                optimizer.name().toLowerCase(Locale.ROOT),
                learningRate,
                schedule.describe(),
                weightDecay,
                seed);
    }
}

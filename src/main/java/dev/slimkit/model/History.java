package dev.slimkit.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * What training recorded: one {@link Epoch} row per epoch and the loss every few batches. Epochs
 * of later fit calls are appended with continuing numbers. Thread-safe for one writer (the fit
 * loop) and readers (charts drawn while training runs); {@link #copy()} gives a snapshot.
 */
public final class History {

    /**
     * One epoch's figures; validation figures are NaN when there is no validation split.
     *
     * @param epoch 1-based, continuing across fit calls
     * @param trainLoss mean training loss over the epoch's batches
     * @param trainAccuracy fraction of training images classified right (in training mode)
     * @param validationLoss mean validation loss, or NaN
     * @param validationAccuracy validation accuracy, or NaN
     * @param learningRate the rate at the epoch's last step
     * @param seconds wall time of the epoch (training and validation)
     * @param batches batches run (fewer than planned when interrupted)
     */
    public record Epoch(
            int epoch,
            double trainLoss,
            double trainAccuracy,
            double validationLoss,
            double validationAccuracy,
            double learningRate,
            double seconds,
            int batches) {}

    /** The training loss at one step (1-based, continuing across fit calls). */
    public record Step(long step, double loss) {}

    private final List<Epoch> epochs = new ArrayList<>();
    private final List<Step> steps = new ArrayList<>();
    private final java.util.Map<String, List<Step>> series = new java.util.LinkedHashMap<>();

    /** An empty history. */
    public History() {}

    public synchronized void addEpoch(Epoch epoch) {
        epochs.add(epoch);
    }

    public synchronized void addStep(Step step) {
        steps.add(step);
    }

    /** Records a named per-step value beside the loss (e.g. a distillation loss term). */
    public synchronized void addSeriesValue(String name, Step step) {
        series.computeIfAbsent(name, k -> new ArrayList<>()).add(step);
    }

    /** A snapshot of the named per-step series. */
    public synchronized java.util.Map<String, List<Step>> series() {
        java.util.Map<String, List<Step>> copy = new java.util.LinkedHashMap<>();
        series.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        return Collections.unmodifiableMap(copy);
    }

    /** A snapshot of the epochs so far. */
    public synchronized List<Epoch> epochs() {
        return Collections.unmodifiableList(new ArrayList<>(epochs));
    }

    /** A snapshot of the per-step losses so far. */
    public synchronized List<Step> steps() {
        return Collections.unmodifiableList(new ArrayList<>(steps));
    }

    /** Number of epochs recorded. */
    public synchronized int epochCount() {
        return epochs.size();
    }

    /** Optimizer steps taken over all recorded epochs (interrupted ones included). */
    public synchronized long totalBatches() {
        return epochs.stream().mapToLong(Epoch::batches).sum();
    }

    /** Forgets every record (a model copied for a new task starts its own history). */
    public synchronized void clear() {
        epochs.clear();
        steps.clear();
        series.clear();
    }

    /** An independent copy. */
    public synchronized History copy() {
        History h = new History();
        h.epochs.addAll(epochs);
        h.steps.addAll(steps);
        series.forEach((k, v) -> h.series.put(k, new ArrayList<>(v)));
        return h;
    }

    /**
     * Appends the epochs, steps and series values of {@code other} that come after this history's
     * own: for a stand-in model (e.g. a head trained on cached features) whose history started as
     * a copy of this one.
     */
    public void appendNewer(History other) {
        List<Epoch> theirEpochs = other.epochs();
        List<Step> theirSteps = other.steps();
        java.util.Map<String, List<Step>> theirSeries = other.series();
        synchronized (this) {
            for (Epoch e : theirEpochs) {
                if (e.epoch() > epochs.size()) {
                    epochs.add(e);
                }
            }
            long last = steps.isEmpty() ? 0 : steps.get(steps.size() - 1).step();
            for (Step s : theirSteps) {
                if (s.step() > last) {
                    steps.add(s);
                }
            }
            theirSeries.forEach((name, values) -> {
                List<Step> mine = series.computeIfAbsent(name, k -> new ArrayList<>());
                long lastOfSeries = mine.isEmpty() ? 0 : mine.get(mine.size() - 1).step();
                values.stream().filter(v -> v.step() > lastOfSeries).forEach(mine::add);
            });
        }
    }

    /** Rebuilds a history from saved rows. */
    public static History of(List<Epoch> epochs, List<Step> steps) {
        History h = new History();
        h.epochs.addAll(epochs);
        h.steps.addAll(steps);
        return h;
    }
}

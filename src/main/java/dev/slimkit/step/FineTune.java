package dev.slimkit.step;

import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import dev.slimkit.train.BatchLoss;
import dev.slimkit.train.FitListener;
import dev.slimkit.train.FitLoop;
import dev.slimkit.train.FitResult;
import dev.slimkit.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The training part every step shares: the data, the epochs, the {@link TrainConfig} and the
 * listeners. A listener factory gives each model the step trains (a distilled student and its
 * scratch control, say) a listener of its own, which is how notebooks draw one live chart per
 * model.
 */
public final class FineTune {

    private final int minEpochs;
    private ImageData data;
    private int epochs;
    private TrainConfig config = TrainConfig.defaults();
    private final List<FitListener> listeners = new ArrayList<>();
    private final List<Function<SlimModel, FitListener>> factories = new ArrayList<>();

    FineTune(int defaultEpochs, int minEpochs) {
        this.epochs = defaultEpochs;
        this.minEpochs = minEpochs;
    }

    void data(ImageData value) {
        data = value;
    }

    void epochs(int value) {
        if (value < minEpochs) {
            throw new IllegalArgumentException("epochs(...) must be >= " + minEpochs + ", got [" + value + "]; pass e.g. "
                    + Math.max(1, minEpochs) + (minEpochs == 0 ? " (0 skips fine-tuning)" : ""));
        }
        epochs = value;
    }

    void config(TrainConfig value) {
        if (value == null) {
            throw new IllegalArgumentException("config(...) must not be null; start from TrainConfig.defaults()");
        }
        config = value;
    }

    void listener(FitListener value) {
        listeners.add(value);
    }

    void listeners(Function<SlimModel, FitListener> factory) {
        factories.add(factory);
    }

    /** The data set, or null when none was given. */
    public ImageData data() {
        return data;
    }

    /** Epochs of training (0 when the step only cuts). */
    public int epochs() {
        return epochs;
    }

    /** The training settings; their epochs field is not used (see {@link #epochs()}). */
    public TrainConfig config() {
        return config;
    }

    /** The training settings with this step's epoch count, for {@code epochs} of at least 1. */
    public TrainConfig configFor(int epochCount) {
        return config.epochs(epochCount);
    }

    /**
     * Trains {@code model} for {@code epochCount} epochs with {@code loss} on {@code on}'s training
     * split; listener factories get {@code shown}, the model whose history the user watches (the
     * trained model itself, or the model a stand-in trains for), at base rate {@code learningRate}.
     */
    FitResult fit(SlimModel model, SlimModel shown, ImageData on, int epochCount, BatchLoss loss,
            List<FitListener> extra, double learningRate) {
        List<FitListener> all = new ArrayList<>(extra);
        all.addAll(listeners);
        for (Function<SlimModel, FitListener> f : factories) {
            all.add(f.apply(shown));
        }
        return FitLoop.fit(model, on, config.epochs(epochCount).learningRate(learningRate), loss, all);
    }
}

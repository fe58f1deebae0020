package dev.slimkit.train;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.History;
import dev.slimkit.model.SlimModel;
import dev.slimkit.schedule.Schedule;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Smith's learning-rate range test, as fastai's {@code lr_find}: {@code steps} training steps on
 * the training split with the rate growing exponentially from {@code start} to {@code end}, the
 * loss of each step recorded (and smoothed: an exponential moving average, β 0.98, bias-corrected),
 * stopped early once the smoothed loss exceeds 4× its best. Two suggestions come from the smoothed
 * curve, first tenth skipped: the <em>valley</em> (fastai's default: two thirds of the way down the
 * longest descending stretch) and the <em>steepest</em> descent (most negative slope of loss against
 * log rate). The suggested rate is the valley.
 *
 * <p>The test trains through the {@link FitLoop} with the model's own frozen layers and
 * learning-rate multipliers, so on a transfer's frozen model it finds the rate for the head. Every
 * parameter array (weights, biases, batch-norm running statistics) is copied before and written
 * back after, bit for bit, interrupted or not; the model's history is untouched (the test records
 * into a scratch history); optimizer state lives in the fit alone, so a later fit starts as fresh
 * as without the test. {@code Slim.lrFind(model, data).run()}; {@code %lr-find} draws its chart.
 */
public final class LrFinder {

    /** Defaults of the range: 1e-7 to 10 in 100 steps, as fastai's. */
    public static final double DEFAULT_START = 1e-7;

    /** Default upper end of the range. */
    public static final double DEFAULT_END = 10;

    /** Default number of steps. */
    public static final int DEFAULT_STEPS = 100;

    /** Fewest steps a test may take (the suggestions need a curve). */
    public static final int MIN_STEPS = 5;

    private static final double BETA = 0.98;
    private static final double DIVERGENCE = 4;

    private final SlimModel model;
    private final ImageData data;
    private double start = DEFAULT_START;
    private double end = DEFAULT_END;
    private int steps = DEFAULT_STEPS;
    private TrainConfig config = TrainConfig.defaults();
    private BatchLoss loss = BatchLoss.crossEntropy();
    private final List<FitListener> listeners = new ArrayList<>();

    /** A range test of {@code model} on {@code data}'s training split. */
    public LrFinder(SlimModel model, ImageData data) {
        if (model == null) {
            throw new IllegalArgumentException("lr-find needs a model, got [null]");
        }
        if (data == null) {
            throw new IllegalArgumentException("lr-find needs data; pass data(...)");
        }
        this.model = model;
        this.data = data;
    }

    /** The first learning rate, &gt; 0. */
    public LrFinder start(double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("start(...) must be > 0, got [" + value + "]; pass e.g. 1e-7");
        }
        start = value;
        return this;
    }

    /** The last learning rate, greater than {@link #start}. */
    public LrFinder end(double value) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException("end(...) must be > 0, got [" + value + "]; pass e.g. 10");
        }
        end = value;
        return this;
    }

    /** Training steps of the test, at least {@value #MIN_STEPS}. */
    public LrFinder steps(int value) {
        if (value < MIN_STEPS) {
            throw new IllegalArgumentException("steps(...) must be >= " + MIN_STEPS + ", got [" + value
                    + "]; pass e.g. 100");
        }
        steps = value;
        return this;
    }

    /** Batch size, optimizer, weight decay and seed of the steps (its rate and schedule are the test's own). */
    public LrFinder config(TrainConfig value) {
        if (value == null) {
            throw new IllegalArgumentException("config(...) must not be null; start from TrainConfig.defaults()");
        }
        config = value;
        return this;
    }

    /** The loss to train with (cross-entropy by default; a distillation loss for a student). */
    public LrFinder loss(BatchLoss value) {
        if (value == null) {
            throw new IllegalArgumentException("loss(...) must not be null; pass BatchLoss.crossEntropy()");
        }
        loss = value;
        return this;
    }

    /** Called after every step of the test (a progress bar). */
    public LrFinder listener(FitListener value) {
        listeners.add(value);
        return this;
    }

    /** Checks the range without changing anything. */
    public LrFinder validate() {
        if (!(start < end)) {
            throw new IllegalArgumentException("start(...) [" + start + "] must be below end(...) [" + end
                    + "]; pass a smaller start(...) or a larger end(...)");
        }
        Evaluator.checkCompatible(model, data.train());
        return this;
    }

    /**
     * Runs the test and restores the model.
     *
     * @throws Interrupted when interrupted (the model is restored first)
     */
    public Result run() {
        validate();
        List<Double> lrs = new ArrayList<>();
        List<Double> raw = new ArrayList<>();
        List<Double> smooth = new ArrayList<>();
        double[] state = {0, Double.POSITIVE_INFINITY}; // running average, best smoothed loss
        boolean[] diverged = {false};
        FitListener record = new FitListener() {
            @Override
            public void onBatch(BatchProgress p) {
                lrs.add(p.learningRate());
                raw.add(p.loss());
                state[0] = BETA * state[0] + (1 - BETA) * p.loss();
                double s = state[0] / (1 - Math.pow(BETA, raw.size()));
                smooth.add(s);
                if (!Double.isFinite(s) || s > DIVERGENCE * state[1]) {
                    diverged[0] = true;
                }
                state[1] = Math.min(state[1], s);
            }
        };
        List<FitListener> all = new ArrayList<>();
        all.add(record);
        all.addAll(listeners);
        double ratio = end / start;
        int batchesPerEpoch = (data.train().size() + config.batchSize() - 1) / config.batchSize();
        int epochs = (steps + batchesPerEpoch - 1) / batchesPerEpoch;
        TrainConfig test = config.learningRate(start).epochs(epochs)
                .schedule(Schedule.of(p -> Math.pow(ratio, p), String.format(Locale.ROOT, "exponential(1 → %s)", ratio)));
        FitResult fit;
        try (SlimModel.Lease lease = model.lock("lr-find")) {
            Map<Parameter, byte[]> saved = snapshot(model);
            try {
                fit = FitLoop.loop(model, data, new FitLoop.Plan(test, loss, all, new History(), steps, false,
                        p -> diverged[0]));
            } finally {
                restore(saved);
            }
        }
        if (fit.interrupted()) {
            throw new Interrupted("lr-find of [" + model.name() + "]");
        }
        return Result.of(toArray(lrs), toArray(raw), toArray(smooth), diverged[0]);
    }

    /** Every parameter's bytes (weights, biases, batch-norm running statistics). */
    static Map<Parameter, byte[]> snapshot(SlimModel model) {
        Map<Parameter, byte[]> out = new LinkedHashMap<>();
        for (Parameter p : model.parameters().values()) {
            out.put(p, p.getArray().toByteArray());
        }
        return out;
    }

    private static void restore(Map<Parameter, byte[]> saved) {
        saved.forEach((p, bytes) -> {
            NDArray a = p.getArray();
            a.set(ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.nativeOrder()));
        });
    }

    private static double[] toArray(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    /**
     * What the test measured.
     *
     * @param learningRates the rate of each step
     * @param losses each step's batch loss
     * @param smoothed the smoothed loss of each step (what the chart shows and the suggestions read)
     * @param valley fastai's valley suggestion (the suggested rate), NaN when the curve never fell
     * @param steepest the rate of steepest descent of the smoothed loss, NaN when too short
     * @param diverged whether the test stopped early because the loss blew up
     */
    public record Result(double[] learningRates, double[] losses, double[] smoothed, double valley, double steepest,
            boolean diverged) {

        /** Computes the suggestions from the curve. */
        static Result of(double[] lrs, double[] raw, double[] smooth, boolean diverged) {
            int skip = lrs.length / 10;
            return new Result(lrs, raw, smooth, valley(lrs, smooth, skip), steepest(lrs, smooth, skip), diverged);
        }

        /** The suggested rate: the valley, else the steepest descent. */
        public double suggestion() {
            return Double.isFinite(valley) ? valley : steepest;
        }

        /** One line, e.g. "suggested lr 0.0021 (valley); steepest descent at 0.0005; 100 steps". */
        public String describe() {
            return String.format(Locale.ROOT, "suggested lr %.3g (%s); steepest descent at %.3g; %d steps%s",
                    suggestion(), Double.isFinite(valley) ? "valley" : "steepest descent", steepest,
                    learningRates.length, diverged ? ", stopped when the loss exceeded 4× its best" : "");
        }

        /**
         * Two thirds of the way down the longest strictly descending subsequence of the smoothed
         * loss (from {@code skip} on), as fastai's {@code valley}.
         */
        static double valley(double[] lrs, double[] loss, int skip) {
            int n = loss.length - skip;
            if (n < 2) {
                return Double.NaN;
            }
            int[] length = new int[n];
            int bestEnd = 0;
            int bestStart = 0;
            for (int i = 0; i < n; i++) {
                length[i] = 1;
                for (int j = 0; j < i; j++) {
                    if (loss[skip + i] < loss[skip + j] && length[i] < length[j] + 1) {
                        length[i] = length[j] + 1;
                    }
                }
                if (length[i] > length[bestEnd]) {
                    bestEnd = i;
                    bestStart = i - length[i];
                }
            }
            if (length[bestEnd] < 2) {
                return Double.NaN;
            }
            double sections = (bestEnd - bestStart) / 3.0;
            int index = bestStart + (int) sections + (int) (sections / 2);
            return lrs[skip + Math.max(0, Math.min(n - 1, index))];
        }

        /** The rate where the smoothed loss falls fastest against log rate. */
        static double steepest(double[] lrs, double[] loss, int skip) {
            int n = loss.length - skip;
            if (n < 3) {
                return Double.NaN;
            }
            double best = Double.POSITIVE_INFINITY;
            int at = -1;
            for (int i = skip + 1; i < loss.length - 1; i++) {
                double slope = (loss[i + 1] - loss[i - 1]) / (Math.log(lrs[i + 1]) - Math.log(lrs[i - 1]));
                if (Double.isFinite(slope) && slope < best) {
                    best = slope;
                    at = i;
                }
            }
            return at < 0 || best >= 0 ? Double.NaN : lrs[at];
        }
    }
}

package dev.slimkit.recipe;

import dev.slimkit.schedule.Schedule;
import dev.slimkit.step.Step;
import dev.slimkit.train.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The settings every step shares, declared once: {@code --data}, the training options
 * ({@code --epochs}, {@code --batch}, {@code --lr X|find}, {@code --optimizer}, {@code --schedule},
 * {@code --weight-decay}, {@code --seed}), {@code --no-latency} and {@code --as}. Their defaults
 * are {@link TrainConfig#defaults()} and each step's own {@code DEFAULT_EPOCHS}.
 */
final class Training {

    private Training() {}

    private static final TrainConfig D = TrainConfig.defaults();

    /** {@code --data D}: resolved through the context; a pipeline gives every stage its own. */
    static <S extends Step<S>> Setting<S> data(String help) {
        return Setting.<S>resolved("data", "D", help, null, (s, a, n, c) -> s.data(c.data(a.string(n, ""))))
                .pipelineOwned();
    }

    /** The training options, with {@code defaultEpochs} as the epochs' default. */
    static <S extends Step<S>> List<Setting<S>> options(int defaultEpochs) {
        List<Setting<S>> out = new ArrayList<>();
        out.add(Setting.integer("epochs", "N", "passes over the training split", defaultEpochs, Step::epochs));
        out.add(Setting.integer("batch", "N", "images per training step", D.batchSize(), Step::batch));
        out.add(Setting.<S>resolved("lr", "X|find", "base learning rate, or find: a range test on the training split picks"
                + " it (as %lr-find)", D.learningRate(), (s, a, n, c) -> {
                    if ("find".equals(a.string(n, null))) {
                        s.lrFind(true);
                    } else {
                        s.lr(a.number(n, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false));
                    }
                }));
        out.add(Setting.text("optimizer", "OPT", "adam or sgd", D.optimizer().name().toLowerCase(Locale.ROOT),
                (s, v) -> s.optimizer(TrainConfig.Optimizer.parse(v))));
        out.add(Setting.text("schedule", "S", "learning-rate schedule: constant, linear, cosine, polynomial, one-cycle",
                "constant", Training::schedule));
        out.add(Setting.<S>resolved("weight-decay", "X", "L2 weight decay", D.weightDecay(),
                (s, a, n, c) -> s.weightDecay(a.number(n, 0, 0, Double.MAX_VALUE, false))));
        out.add(Setting.integer("seed", "S", "seed of the shuffling", D.seed(), Step::seed));
        return out;
    }

    /** {@code --schedule}: the learning-rate schedule only; the pruning mode's old spelling names {@code --mode}. */
    private static <S extends Step<S>> void schedule(S step, String value) {
        if (value.equals("agp") || value.equals("oneshot")) {
            throw new RecipeError("--schedule is the learning-rate schedule (constant, linear, cosine, polynomial,"
                    + " one-cycle); the pruning mode [" + value + "] is now --mode " + value);
        }
        step.schedule(Schedule.named(value));
    }

    /**
     * {@code --teacher none|input|NAME}: who teaches the fine-tune after a cut (prune, trim);
     * {@code setter} takes {@code input} or {@code none}, {@code model} a session model.
     */
    static <S extends Step<S>> Setting<S> teacher(java.util.function.BiConsumer<S, String> setter,
            java.util.function.BiConsumer<S, dev.slimkit.model.SlimModel> model) {
        return Setting.<S>resolved("teacher", "none|input|NAME", "who teaches the fine-tune: none (cross-entropy on"
                + " the labels only), input (the model before the cut, Hinton's loss with %distill's T and alpha) or a"
                + " session model", dev.slimkit.step.RecoveryTeacher.DEFAULT.choice(), (s, a, n, c) -> {
                    String v = a.string(n, "");
                    if (v.equals("input") || v.equals("none")) {
                        setter.accept(s, v);
                    } else {
                        model.accept(s, c.model(v));
                    }
                });
    }

    /** {@code --no-latency}. */
    static <S extends Step<S>> Setting<S> noLatency(String help) {
        return Setting.<S>flag("no-latency", help, s -> s.measureLatency(false)).java("measureLatency");
    }

    /** {@code --as NEW}. */
    static <S extends Step<S>> Setting<S> as(String help) {
        return Setting.<S>text("as", "NEW", help, null, Step::as).pipelineOwned();
    }
}

package dev.slimkit.kernel;

import dev.slimkit.distill.DistillStep;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.SlimModel;
import dev.slimkit.prune.PruneStep;
import dev.slimkit.schedule.Schedule;
import dev.slimkit.step.Step;
import dev.slimkit.step.TrainStep;
import dev.slimkit.train.LrFinder;
import dev.slimkit.train.TrainConfig;
import dev.slimkit.transfer.TransferStep;
import dev.slimkit.trim.TrimStep;
import java.util.function.Function;

/**
 * Passes the options a user typed (and only those: each default lives in its step) to a step's
 * setters. The step magics and the {@code %%pipeline} cell share these, so a stage line means
 * exactly what the same options mean to its magic.
 */
final class StepOptions {

    private StepOptions() {}

    /** The training options every step takes, plus {@code --as} and {@code --no-latency}. */
    static <S extends Step<S>> S common(MagicArgs.Parsed a, S step) {
        a.ifInteger("epochs", step::epochs);
        a.ifInteger("batch", step::batch);
        if ("find".equals(a.string("lr", null))) {
            step.lrFind(true);
        } else {
            a.ifNumber("lr", step::lr);
        }
        a.ifGiven("optimizer", v -> step.optimizer(TrainConfig.Optimizer.parse(v)));
        a.ifGiven("weight-decay", v -> step.weightDecay(a.number("weight-decay", 0, 0, Double.MAX_VALUE, false)));
        a.ifInteger("seed", step::seed);
        a.ifGiven("as", step::as);
        if (a.has("schedule") && !(step instanceof PruneStep)) {
            step.schedule(Schedule.named(a.string("schedule", "")));
        }
        return a.flag("no-latency") ? step.measureLatency(false) : step;
    }

    /** {@code %train}: the training options plus {@code --bn-l1}. */
    static TrainStep train(MagicArgs.Parsed a, TrainStep step) {
        common(a, step);
        a.ifNumber("bn-l1", step::bnL1);
        return step;
    }

    static TransferStep transfer(MagicArgs.Parsed a, TransferStep step) {
        common(a, step);
        a.ifInteger("classes", step::classes);
        a.ifGiven("freeze", step::freeze);
        a.ifInteger("unfreeze-after", step::unfreezeAfter);
        a.ifNumber("backbone-lr-mult", step::backboneLrMult);
        a.ifNumber("head-lr-mult", step::headLrMult);
        return step.cacheFeatures(a.flag("cache-features")).keepHead(a.flag("keep-head"));
    }

    /** The range test's options; batch, optimizer, weight decay and seed as for training. */
    static LrFinder lrFind(MagicArgs.Parsed a, LrFinder finder) {
        TrainConfig config = TrainConfig.defaults();
        if (a.has("batch")) {
            config = config.batchSize(a.integer("batch", 0, Integer.MIN_VALUE));
        }
        if (a.has("optimizer")) {
            config = config.optimizer(TrainConfig.Optimizer.parse(a.string("optimizer", "")));
        }
        if (a.has("weight-decay")) {
            config = config.weightDecay(a.number("weight-decay", 0, 0, Double.MAX_VALUE, false));
        }
        if (a.has("seed")) {
            config = config.seed(a.integer("seed", 0, Integer.MIN_VALUE));
        }
        a.ifNumber("start", finder::start);
        a.ifNumber("end", finder::end);
        a.ifInteger("steps", finder::steps);
        return finder.config(config).validate();
    }

    /** {@code --student} names an architecture or, through {@code models}, a session model. */
    static DistillStep distill(MagicArgs.Parsed a, DistillStep step, Function<String, SlimModel> models) {
        common(a, step);
        String student = a.required("student", "pass an architecture (e.g. cnn-small) or a session model");
        if (Architectures.NAMES.contains(student)) {
            step.student(student);
        } else {
            step.student(models.apply(student));
        }
        a.ifNumber("width", step::width);
        a.ifNumber("temperature", step::temperature);
        a.ifNumber("alpha", step::alpha);
        a.ifInteger("seed", step::studentSeed);
        return step.control(a.flag("control"));
    }

    static PruneStep prune(MagicArgs.Parsed a, PruneStep step) {
        common(a, step);
        a.ifNumber("sparsity", step::sparsity);
        a.ifGiven("scope", step::scope);
        a.ifGiven("criterion", step::criterion);
        a.ifGiven("schedule", step::mode);
        a.ifInteger("steps", step::steps);
        a.ifGiven("exclude", step::exclude);
        return step;
    }

    static TrimStep trim(MagicArgs.Parsed a, TrimStep step) {
        common(a, step);
        a.ifNumber("channels", step::channels);
        a.ifNumber("macs", step::macs);
        a.ifNumber("params", step::params);
        a.ifNumber("latency", step::latency);
        a.ifInteger("latency-batch", step::latencyBatch);
        a.ifGiven("criterion", step::criterion);
        a.ifInteger("calibration", step::calibration);
        step.global(a.flag("global"));
        a.ifNumber("max-per-layer", step::maxPerLayer);
        a.ifInteger("steps", step::steps);
        a.ifInteger("epochs-per-step", step::epochsPerStep);
        a.ifInteger("round", step::round);
        a.ifInteger("blocks", step::blocks);
        a.ifGiven("exclude", step::exclude);
        return step;
    }
}

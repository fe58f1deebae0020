package dev.slimkit.recipe;

import static dev.slimkit.recipe.Capability.*;

import dev.slimkit.train.BatchNormRecalibration;
import dev.slimkit.trim.TrimStep;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * {@code %trim}'s settings. How much: {@code --remove R} removes a fraction of each group's
 * channels; {@code --macs}, {@code --params} and {@code --latency} are targets as fractions of the
 * original kept. Which: {@code --criterion}. When: {@code --cuts K} cuts with {@code
 * --epochs-per-cut} epochs of fine-tuning between them.
 */
public final class TrimSettings {

    private TrimSettings() {}

    /** The trim step's descriptor. */
    public static final StepKind<TrimStep> KIND = new StepKind<>("trim",
            "Remove whole channels and/or residual blocks of NAME: a genuinely smaller, faster dense model. Channels tied"
                    + " by residual additions are cut together with the same indices. Every channel cut is checked against"
                    + " its input with those channels zeroed (to 1e-4).",
            "NAME", "session model (left unchanged; the result is a new model)", TrimStep::new,
            EnumSet.of(TRAINS, CHANGES_SHAPE, MEASURES_LATENCY, NEEDS_GRAPH)).settings(settings())
            .renamed("channels", "remove", "the fraction of channels removed")
            .renamed("steps", "cuts", "the number of cuts")
            .renamed("epochs-per-step", "epochs-per-cut", "epochs of fine-tuning between two cuts");

    private static List<Setting<TrimStep>> settings() {
        List<Setting<TrimStep>> s = new ArrayList<>();
        s.add(Setting.fraction("remove", "R", "fraction of each group's channels to remove (of all channels with"
                + " --global), in (0, 1)", null, TrimStep::remove));
        s.add(Setting.fraction("macs", "R", "instead: remove channels until MACs are at most this fraction of the"
                + " original's, in (0, 1)", null, TrimStep::macs));
        s.add(Setting.fraction("params", "R", "instead: remove channels until parameters are at most this fraction of"
                + " the original's, in (0, 1)", null, TrimStep::params));
        s.add(Setting.fraction("latency", "R", "instead: until latency measured at --latency-batch is at most this"
                + " fraction of the original's, in (0, 1)", null, TrimStep::latency));
        s.add(Setting.integer("latency-batch", "B", "batch size of --latency", TrimStep.DEFAULT_LATENCY_BATCH,
                TrimStep::latencyBatch));
        s.add(Setting.text("criterion", "C", "channel importance: l1 (L1 norm of each filter, Li et al.), l2-group (L2"
                + " norm over the whole group), taylor (|w·grad|, Molchanov et al.) or bn (|gamma|, Network Slimming)",
                "l1", TrimStep::criterion));
        s.add(Setting.integer("calibration", "K", "training batches of the taylor criterion", TrimStep.DEFAULT_CALIBRATION,
                TrimStep::calibration));
        s.add(Setting.flag("global", "rank channels across all groups (normalized per group) instead of within each",
                t -> t.global(true)));
        s.add(Setting.fraction("max-per-layer", "F", "with --global: largest fraction of one layer to remove",
                TrimStep.DEFAULT_MAX_PER_LAYER, TrimStep::maxPerLayer));
        s.add(Setting.integer("round", "N", "keep channel counts multiples of N", TrimStep.DEFAULT_ROUND, TrimStep::round));
        s.add(Setting.integer("cuts", "K", "reach the target in K cuts, fine-tuning between them", 1, TrimStep::cuts));
        s.add(Setting.integer("epochs-per-cut", "E", "with --cuts: epochs of fine-tuning between two cuts", 1,
                TrimStep::epochsPerCut));
        s.add(Setting.integer("blocks", "K", "also remove the K least important identity residual blocks", 0,
                TrimStep::blocks));
        s.add(Setting.integer("recalibration-batches", "K", "training batches that re-estimate the batch norms'"
                + " statistics after each cut (forward passes only)", BatchNormRecalibration.DEFAULT_BATCHES,
                TrimStep::recalibrationBatches));
        s.add(Setting.<TrimStep>flag("no-recalibrate", "keep the cut model's batch-norm statistics as they were (to see"
                + " what recalibration buys)", t -> t.recalibrate(false)).java("recalibrate"));
        s.add(Training.teacher(TrimStep::teacher, TrimStep::teacher));
        s.add(Training.data("session data for fine-tuning and accuracy"));
        s.add(Setting.text("exclude", "PATTERNS", "layers to leave whole: comma-separated globs on layer paths", null,
                TrimStep::exclude));
        s.addAll(Training.options(TrimStep.DEFAULT_EPOCHS));
        s.add(Training.noLatency("skip the latency measurement"));
        s.add(Training.as("session name of the trimmed model (default NAME-trimmed)"));
        return s;
    }
}

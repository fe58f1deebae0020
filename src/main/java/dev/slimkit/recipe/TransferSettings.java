package dev.slimkit.recipe;

import static dev.slimkit.recipe.Capability.*;

import dev.slimkit.transfer.TransferStep;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** {@code %transfer}'s settings: head, freezing, discriminative learning rates, the feature cache. */
public final class TransferSettings {

    private TransferSettings() {}

    /** The transfer step's descriptor. */
    public static final StepKind<TransferStep> KIND = new StepKind<>("transfer",
            "Fine-tune trained model NAME on new data: new head for the data's classes, backbone frozen (weights,"
                    + " optimizer steps and batch-norm statistics), optionally unfrozen later at a lower learning rate.",
            "NAME", "trained session model (the base)", TransferStep::new, EnumSet.of(TRAINS, NEEDS_DATA, NEW_TASK))
            .settings(settings());

    private static List<Setting<TransferStep>> settings() {
        List<Setting<TransferStep>> s = new ArrayList<>();
        s.add(Training.data("session data of the target task"));
        s.add(Setting.integer("classes", "N", "expected class count of the target (checked against the data)", null,
                TransferStep::classes));
        s.add(Setting.text("freeze", "MODE", "backbone (all but the head), none, or K (the first K layers)",
                TransferStep.DEFAULT_FREEZE, TransferStep::freeze));
        s.add(Setting.integer("unfreeze-after", "K", "unfreeze everything after K epochs", null,
                TransferStep::unfreezeAfter));
        s.add(Setting.number("backbone-lr-mult", "F", "learning-rate factor of the backbone once unfrozen",
                TransferStep.DEFAULT_BACKBONE_LR_MULT, TransferStep::backboneLrMult));
        s.add(Setting.number("head-lr-mult", "F", "learning-rate factor of the head while layers are frozen",
                TransferStep.DEFAULT_HEAD_LR_MULT, TransferStep::headLrMult));
        s.add(Setting.flag("keep-head", "keep the base's head (same class count) instead of a fresh one",
                t -> t.keepHead(true)));
        s.add(Setting.flag("cache-features", "run the frozen layers once and train the head on their outputs (frozen"
                + " epochs only)", t -> t.cacheFeatures(true)));
        s.addAll(Training.options(TransferStep.DEFAULT_EPOCHS));
        s.add(Training.as("tune a copy under this name, leaving NAME unchanged"));
        return s;
    }
}

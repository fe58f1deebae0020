package dev.slimkit.recipe;

import static dev.slimkit.recipe.Capability.*;

import dev.slimkit.step.TrainStep;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** {@code %train}'s settings: the training options and Network Slimming's {@code --bn-l1}. */
public final class TrainSettings {

    private TrainSettings() {}

    /** The train step's descriptor. */
    public static final StepKind<TrainStep> KIND = new StepKind<>("train",
            "Train model NAME on data D, with a live chart and progress bar.", "NAME", "session model to train (in place)",
            TrainStep::new, EnumSet.of(TRAINS, NEEDS_DATA)).settings(settings());

    private static List<Setting<TrainStep>> settings() {
        List<Setting<TrainStep>> s = new ArrayList<>();
        s.add(Training.data("session data to train on"));
        s.addAll(Training.options(TrainStep.DEFAULT_EPOCHS));
        s.add(Setting.number("bn-l1", "LAMBDA", "Network Slimming sparse training: add LAMBDA·Σ|gamma| over batch norms to"
                + " the loss, e.g. 1e-4", 0, TrainStep::bnL1));
        s.add(Training.as("train a copy under this name, leaving NAME unchanged"));
        return s;
    }
}

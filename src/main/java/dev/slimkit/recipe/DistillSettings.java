package dev.slimkit.recipe;

import static dev.slimkit.recipe.Capability.*;

import dev.slimkit.distill.DistillStep;
import dev.slimkit.model.Architectures;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** {@code %distill}'s settings: the student, Hinton's temperature and weight, the transfer set, the control. */
public final class DistillSettings {

    private DistillSettings() {}

    /** The distill step's descriptor. */
    public static final StepKind<DistillStep> KIND = new StepKind<>("distill",
            "Distil TEACHER into a smaller student (Hinton KD): loss = alpha·T²·KL(softmax(teacher/T) ‖ softmax(student/T))"
                    + " + (1 − alpha)·CE(labels, student). The teacher runs in inference mode and never changes.",
            "TEACHER", "session model to learn from", DistillStep::new,
            EnumSet.of(TRAINS, NEEDS_DATA, CHANGES_SHAPE, MEASURES_LATENCY, MAKES_ARCHITECTURE)).settings(settings());

    private static List<Setting<DistillStep>> settings() {
        List<Setting<DistillStep>> s = new ArrayList<>();
        s.add(Setting.<DistillStep>resolved("student", "ARCH|NAME", "a fresh student of this architecture ("
                + String.join(", ", Architectures.NAMES) + ") or a session model to train", null, (d, a, n, c) -> {
                    String student = a.string(n, "");
                    if (Architectures.NAMES.contains(student)) {
                        d.student(student);
                    } else {
                        d.student(c.model(student));
                    }
                }).required("pass an architecture (e.g. cnn-small) or a session model"));
        s.add(Training.data("session data to distil on"));
        s.add(Setting.number("width", "X", "width multiplier of a fresh student", DistillStep.DEFAULT_WIDTH,
                DistillStep::width));
        s.add(Setting.number("temperature", "T", "softening temperature T > 0", DistillStep.DEFAULT_TEMPERATURE,
                DistillStep::temperature));
        s.add(Setting.number("alpha", "A", "weight of the soft term in [0, 1]", DistillStep.DEFAULT_ALPHA,
                DistillStep::alpha));
        s.add(Setting.<DistillStep>resolved("unlabelled", "D2", "also distil on D2's images with soft targets only: its"
                + " unlabelled pool (%data --labels), else its training images, labels ignored; --control then gets as"
                + " many steps", null, (d, a, n, c) -> d.unlabelled(c.data(a.string(n, "")))));
        s.addAll(Training.options(DistillStep.DEFAULT_EPOCHS));
        // --seed seeds the shuffling and a fresh student's initial weights alike.
        s.add(Setting.integer("seed", "S", "seed of the shuffling and of a fresh student's weights", 0,
                (d, v) -> d.seed(v).studentSeed(v)));
        s.add(Setting.flag("control", "also train the same student from scratch with the same budget and seed",
                d -> d.control(true)));
        s.add(Training.noLatency("skip the latency measurement in the comparison"));
        s.add(Training.as("session name of the result (a session student is then copied, not changed)"));
        return s;
    }
}

package dev.slimkit.step;

import dev.slimkit.model.SlimModel;

/**
 * Who teaches the fine-tune after a cut (prune, trim): nobody (plain cross-entropy on the labels,
 * the default: {@link #DEFAULT}), the step's input model as it was before the cut, or a given model.
 * The default is none because a teacher-led fine-tune lost more often than it gained in this
 * project's measurements (README, Known limits).
 *
 * @param choice {@code input}, {@code model} or {@code none}
 * @param model the given teacher when {@code choice} is {@code model}, else null
 */
public record RecoveryTeacher(String choice, SlimModel model) {

    /** The input model before the cut. */
    public static final RecoveryTeacher INPUT = new RecoveryTeacher("input", null);

    /** No teacher: cross-entropy on the labels only. */
    public static final RecoveryTeacher NONE = new RecoveryTeacher("none", null);

    /** Who teaches unless told otherwise. */
    public static final RecoveryTeacher DEFAULT = NONE;

    /**
     * {@code input} or {@code none}.
     *
     * @throws IllegalArgumentException naming the value and the choices
     */
    public static RecoveryTeacher named(String choice) {
        return switch (choice == null ? "" : choice) {
            case "input" -> INPUT;
            case "none" -> NONE;
            default -> throw new IllegalArgumentException("teacher must be input, none or a model, got [" + choice
                    + "]; pass teacher(\"none\") for plain cross-entropy");
        };
    }

    /** A given model. */
    public static RecoveryTeacher of(SlimModel model) {
        if (model == null) {
            throw new IllegalArgumentException("teacher(...) needs a model, got [null]; pass teacher(\"none\") for no"
                    + " teacher");
        }
        return new RecoveryTeacher("model", model);
    }
}

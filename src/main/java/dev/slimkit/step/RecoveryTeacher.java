package dev.slimkit.step;

import dev.slimkit.model.SlimModel;

/**
 * Who teaches the fine-tune after a cut (prune, trim): the step's input model as it was before the
 * cut (the default), a given model, or nobody (plain cross-entropy on the labels).
 *
 * @param choice {@code input}, {@code model} or {@code none}
 * @param model the given teacher when {@code choice} is {@code model}, else null
 */
public record RecoveryTeacher(String choice, SlimModel model) {

    /** The input model before the cut. */
    public static final RecoveryTeacher INPUT = new RecoveryTeacher("input", null);

    /** No teacher: cross-entropy on the labels only. */
    public static final RecoveryTeacher NONE = new RecoveryTeacher("none", null);

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

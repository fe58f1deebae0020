package dev.slimkit.recipe;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The step registry: one {@link StepKind} per step. Magics, pipeline stage lines, sweeps and the
 * README's option tables are made from it; adding a step is one settings class, one step class and
 * one line here.
 */
public final class Steps {

    private Steps() {}

    /** Every step, in the order a pipeline usually runs them. */
    public static final List<StepKind<?>> ALL = List.of(TrainSettings.KIND, TransferSettings.KIND, DistillSettings.KIND,
            PruneSettings.KIND, TrimSettings.KIND);

    /** The step named {@code name}, or null. */
    public static StepKind<?> named(String name) {
        return ALL.stream().filter(k -> k.name().equals(name)).findFirst().orElse(null);
    }

    /** The steps' names, comma-separated, for messages. */
    public static String names() {
        return ALL.stream().map(StepKind::name).collect(Collectors.joining(", "));
    }
}

package dev.slimkit.recipe;

import static dev.slimkit.recipe.Capability.*;

import dev.slimkit.prune.PruneStep;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/** {@code %prune}'s settings: how many weights, chosen how, zeroed when (one shot or AGP). */
public final class PruneSettings {

    private PruneSettings() {}

    /** The prune step's descriptor. */
    public static final StepKind<PruneStep> KIND = new StepKind<>("prune",
            "Zero the least important weights of NAME (unstructured magnitude pruning), keeping the mask through"
                    + " fine-tuning and saving. Compression only on dense CPU kernels: use %trim for speed.",
            "NAME", "session model to prune", PruneStep::new, EnumSet.of(TRAINS, SPARSIFIES, MEASURES_LATENCY))
            .settings(settings())
            .renamed("steps", "prune-steps", "--steps alone is ambiguous: AGP's pruning steps are --prune-steps");

    private static List<Setting<PruneStep>> settings() {
        List<Setting<PruneStep>> s = new ArrayList<>();
        s.add(Setting.fraction("sparsity", "S", "fraction of the prunable weights to zero (removed), in [0, 1); 80% reads"
                + " as 0.8", PruneStep.DEFAULT_SPARSITY, PruneStep::sparsity));
        s.add(Setting.text("scope", "SCOPE", "global (one threshold over all layers) or layer (same sparsity per layer)",
                "global", PruneStep::scope));
        s.add(Setting.text("criterion", "C", "l1 or l2 magnitude of each weight", "l1", PruneStep::criterion));
        s.add(Setting.text("mode", "M", "oneshot, or agp (gradual, Zhu & Gupta; needs --epochs)", "oneshot",
                PruneStep::mode));
        s.add(Setting.integer("prune-steps", "K", "pruning steps of agp", PruneStep.DEFAULT_PRUNE_STEPS,
                PruneStep::pruneSteps));
        s.add(Training.teacher(PruneStep::teacher, PruneStep::teacher));
        s.add(Training.data("session data for fine-tuning and accuracy"));
        s.add(Setting.text("exclude", "PATTERNS", "layers to leave dense: comma-separated globs, or first, last", null,
                PruneStep::exclude));
        s.addAll(Training.options(PruneStep.DEFAULT_EPOCHS));
        s.add(Training.noLatency("skip the latency measurement"));
        s.add(Training.as("prune a copy under this session name, leaving NAME unchanged"));
        return s;
    }
}

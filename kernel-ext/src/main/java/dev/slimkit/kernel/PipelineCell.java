package dev.slimkit.kernel;

import dev.slimkit.distill.DistillStep;
import dev.slimkit.model.SlimModel;
import dev.slimkit.pipeline.Pipeline;
import dev.slimkit.pipeline.Stage;
import dev.slimkit.prune.PruneStep;
import dev.slimkit.step.Step;
import dev.slimkit.step.TrainStep;
import dev.slimkit.transfer.TransferStep;
import dev.slimkit.trim.TrimStep;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads a {@code %%pipeline} cell's body: one stage a line, written as that step's magic options
 * without NAME and {@code --data} ({@code prune --sparsity 0.8 --epochs 1}); {@code #} starts a
 * comment line. Each line is parsed with its magic's own schema and becomes a {@link Stage} whose
 * step is configured by {@link StepOptions}, exactly as the magic would configure it. Errors name
 * the line.
 */
final class PipelineCell {

    private static final Map<String, MagicArgs> SCHEMAS = Map.of("train", MagicSchemas.TRAIN, "transfer",
            MagicSchemas.TRANSFER, "distill", MagicSchemas.DISTILL, "prune", MagicSchemas.PRUNE, "trim", MagicSchemas.TRIM);

    private PipelineCell() {}

    /** The stages of {@code body}; {@code models} resolves a session model named by {@code --student}. */
    static List<Stage> parse(String body, Function<String, SlimModel> models) {
        List<Stage> out = new ArrayList<>();
        String[] lines = body == null ? new String[0] : body.split("\n", -1);
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1].strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                out.add(stage(n, line, models));
            }
        }
        return out;
    }

    private static Stage stage(int n, String line, Function<String, SlimModel> models) {
        List<String> tokens = Arrays.asList(line.split("\\s+"));
        String kind = tokens.get(0);
        MagicArgs schema = SCHEMAS.get(kind);
        if (schema == null) {
            throw new UsageError("%%pipeline: line " + n + ": unknown stage [" + kind + "]; choose "
                    + String.join(", ", Stage.KINDS));
        }
        List<String> args = new ArrayList<>();
        args.add("STAGE");
        args.addAll(tokens.subList(1, tokens.size()));
        MagicArgs.Parsed a;
        try {
            a = schema.parse(args);
        } catch (UsageError e) {
            throw new UsageError("%%pipeline: line " + n + ": " + e.getMessage().replaceFirst("^%" + kind + ": ", kind + ": "));
        }
        if (a.has("unlabelled")) {
            throw new UsageError("%%pipeline: line " + n + ": distill --unlabelled is not available in a pipeline;"
                    + " run %distill with --unlabelled, then start the pipeline from its student");
        }
        for (String own : List.of("data", "as")) {
            if (a.has(own)) {
                throw new UsageError("%%pipeline: line " + n + ": " + kind + " takes its " + (own.equals("data")
                        ? "data from the pipeline's --data" : "name from the pipeline (--as PREFIX)") + "; drop --" + own);
            }
        }
        if (kind.equals("distill") && !a.has("student")) {
            throw new UsageError("%%pipeline: line " + n + ": distill needs --student ARCH|NAME, e.g. --student cnn-small");
        }
        Function<SlimModel, Step<?>> factory = switch (kind) {
            case "train" -> m -> StepOptions.train(a, new TrainStep(m));
            case "transfer" -> m -> StepOptions.transfer(a, new TransferStep(m));
            case "distill" -> m -> StepOptions.distill(a, new DistillStep(m), models);
            case "prune" -> m -> StepOptions.prune(a, new PruneStep(m));
            default -> m -> StepOptions.trim(a, new TrimStep(m));
        };
        return new Stage(kind, n, line, factory);
    }

    /** {@code pipeline} with the cell's options and stages. */
    static Pipeline configure(MagicArgs.Parsed a, String body, Pipeline pipeline, Function<String, SlimModel> models) {
        a.ifGiven("dir", d -> pipeline.dir(java.nio.file.Path.of(d)));
        a.ifGiven("as", pipeline::as);
        pipeline.resume(a.flag("resume")).control(a.flag("control")).measureLatency(!a.flag("no-latency"));
        parse(body, models).forEach(pipeline::stage);
        return pipeline.validate();
    }
}

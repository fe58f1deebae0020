package dev.slimkit.pipeline;

import dev.slimkit.model.SlimModel;
import dev.slimkit.recipe.Context;
import dev.slimkit.recipe.Grammar;
import dev.slimkit.recipe.RecipeError;
import dev.slimkit.recipe.Setting;
import dev.slimkit.recipe.StepKind;
import dev.slimkit.recipe.Steps;
import dev.slimkit.step.Step;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Reads pipeline stage lines: one stage a line, written as that step's magic options without
 * NAME and {@code --data} ({@code prune --sparsity 0.8 --epochs 1}); {@code #} starts a comment
 * line. Each line is parsed with its step's own grammar ({@link StepKind#grammar()}) and becomes a
 * {@link Stage} whose step is configured through the same declarations as the magic's, so a stage
 * line means exactly what its magic means. Session names ({@code --student NAME},
 * {@code --unlabelled D}) resolve through the {@link Context}: the notebook's session in the
 * kernel, none in a worker JVM or Spark executor. Errors name the line.
 */
public final class StageLines {

    private final Context context;

    /** A reader that resolves session names through {@code context}. */
    public StageLines(Context context) {
        this.context = context;
    }

    /** A reader without a session (worker JVMs, Spark executors). */
    public static StageLines detached() {
        return new StageLines(Context.DETACHED);
    }

    /**
     * The stages of {@code body}; line numbers are the body's.
     *
     * @throws RecipeError naming the line and the value that cannot be read
     */
    public List<Stage> read(String body) {
        List<Stage> out = new ArrayList<>();
        String[] lines = body == null ? new String[0] : body.split("\n", -1);
        for (int n = 1; n <= lines.length; n++) {
            String line = lines[n - 1].strip();
            if (!line.isEmpty() && !line.startsWith("#")) {
                out.add(stage(n, line));
            }
        }
        return out;
    }

    private Stage stage(int n, String line) {
        List<String> tokens = Arrays.asList(line.split("\\s+"));
        String name = tokens.get(0);
        StepKind<?> kind = Steps.named(name);
        if (kind == null) {
            throw new RecipeError("line " + n + ": unknown stage [" + name + "]; choose " + Steps.names());
        }
        List<String> args = new ArrayList<>();
        args.add("STAGE");
        args.addAll(tokens.subList(1, tokens.size()));
        Grammar.Parsed a;
        try {
            a = kind.grammar().parse(args);
        } catch (RecipeError e) {
            throw new RecipeError("line " + n + ": " + e.getMessage().replaceFirst("^%" + name + ": ", name + ": "));
        }
        for (Setting<?> s : kind.settings()) {
            if (s.isPipelineOwned() && a.has(s.name())) {
                throw new RecipeError("line " + n + ": " + name + " takes its " + (s.name().equals("data")
                        ? "data from the pipeline's --data" : "name from the pipeline (--as PREFIX)") + "; drop --"
                        + s.name());
            }
            if (s.requiredHint() != null && !a.has(s.name())) {
                throw new RecipeError("line " + n + ": " + name + " needs --" + s.name() + " " + s.value() + "; "
                        + s.requiredHint());
            }
        }
        return new Stage(name, n, line, factory(kind, a));
    }

    private <S extends Step<S>> Function<SlimModel, Step<?>> factory(StepKind<S> kind, Grammar.Parsed a) {
        return m -> kind.configure(a, kind.create(m), context);
    }
}

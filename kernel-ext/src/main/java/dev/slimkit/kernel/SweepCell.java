package dev.slimkit.kernel;

import dev.slimkit.pipeline.StageLines;
import dev.slimkit.recipe.Context;
import dev.slimkit.recipe.Grammar;
import dev.slimkit.sweep.Sweep;
import dev.slimkit.sweep.SweepExecutor;
import java.nio.file.Path;

/**
 * A {@code %%sweep} cell's options turned into the {@link Sweep} setters a Java cell would call:
 * {@code --on} and {@code --workers} choose the {@link SweepExecutor}, the body is the recipe (read
 * with the {@code %%pipeline} grammar, {@link StageLines}).
 */
final class SweepCell {

    private SweepCell() {}

    /** {@code sweep} with the cell's options and recipe, checked. */
    static Sweep configure(Grammar.Parsed a, String body, Sweep sweep, Context session) {
        String on = a.string("on", "local");
        if (!on.equals("local") && !on.startsWith("spark://")) {
            throw new UsageError("%%sweep: --on must be local or spark://HOST:PORT, got [" + on + "]");
        }
        if (a.has("workers") && !on.equals("local")) {
            throw new UsageError("%%sweep: --workers applies to --on local; a Spark cluster has its own workers");
        }
        if (a.has("seed") && !a.has("sample")) {
            throw new UsageError("%%sweep: --seed applies to --sample N; pass --sample too or drop --seed");
        }
        sweep.on(on.equals("local") ? SweepExecutor.local(a.integer("workers", 0, 0)) : SweepExecutor.spark(on));
        a.ifGiven("dir", d -> sweep.dir(Path.of(d)));
        a.ifGiven("metric", sweep::metric);
        a.ifInteger("max-trials", sweep::maxTrials);
        if (a.has("sample")) {
            sweep.sample(a.integer("sample", 0, 1), a.integer("seed", 0, 0));
        }
        sweep.measureLatency(!a.flag("no-latency")).reader(new StageLines(session)).recipe(body);
        return sweep.validate();
    }
}

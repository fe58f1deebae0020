package dev.slimkit.kernel;

import dev.slimkit.pipeline.Pipeline;
import dev.slimkit.pipeline.StageLines;
import dev.slimkit.recipe.Context;
import dev.slimkit.recipe.Grammar;

/**
 * A {@code %%pipeline} cell's options turned into the {@link Pipeline} setters a Java cell would
 * call; the body's stage lines are read by core ({@link StageLines}) with the session as context.
 */
final class PipelineCell {

    private PipelineCell() {}

    /** {@code pipeline} with the cell's options and stages. */
    static Pipeline configure(Grammar.Parsed a, String body, Pipeline pipeline, Context session) {
        a.ifGiven("dir", d -> pipeline.dir(java.nio.file.Path.of(d)));
        a.ifGiven("as", pipeline::as);
        pipeline.resume(a.flag("resume")).control(a.flag("control")).measureLatency(!a.flag("no-latency"));
        new StageLines(session).read(body).forEach(pipeline::stage);
        return pipeline.validate();
    }
}

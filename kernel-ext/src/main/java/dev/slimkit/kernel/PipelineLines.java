package dev.slimkit.kernel;

import dev.slimkit.model.SlimModel;
import dev.slimkit.pipeline.Stage;
import dev.slimkit.sweep.StageReader;
import java.util.List;
import java.util.function.Function;

/**
 * The sweep's {@link StageReader}: pipeline lines read exactly as a {@code %%pipeline} cell reads
 * them ({@link PipelineCell}), with each error as one line naming the line and the value. Found by
 * worker JVMs and Spark executors as a service; there {@code --student NAME} can name no session
 * model (a fresh architecture travels, a session model does not).
 */
public final class PipelineLines implements StageReader {

    private final Function<String, SlimModel> models;

    /** A reader without a session (worker JVMs, Spark executors). */
    public PipelineLines() {
        this(name -> {
            throw new IllegalArgumentException("--student [" + name + "] is no architecture and no session model can"
                    + " reach this JVM; name an architecture, e.g. --student cnn-small");
        });
    }

    /** A reader that resolves {@code --student NAME} with {@code models} (the kernel's session). */
    PipelineLines(Function<String, SlimModel> models) {
        this.models = models;
    }

    @Override
    public List<Stage> read(String body) {
        try {
            return PipelineCell.parse(body, models);
        } catch (UsageError e) {
            throw new IllegalArgumentException(e.getMessage().replaceFirst("^%%pipeline: ", ""), e);
        }
    }
}

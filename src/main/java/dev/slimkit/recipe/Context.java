package dev.slimkit.recipe;

import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;

/**
 * Resolves the session names a command or stage line may give ({@code --student NAME},
 * {@code --data D}, {@code --unlabelled D2}): the notebook's session in the kernel, nothing in a
 * worker JVM or Spark executor ({@link #DETACHED}).
 */
public interface Context {

    /** The session model {@code name}; throws {@link IllegalArgumentException} naming it when there is none. */
    SlimModel model(String name);

    /** The session data {@code name}; throws {@link IllegalArgumentException} naming it when there is none. */
    ImageData data(String name);

    /** No session: a worker JVM or Spark executor, which only fresh architectures and the sweep's data reach. */
    Context DETACHED = new Context() {
        @Override
        public SlimModel model(String name) {
            throw new IllegalArgumentException("--student [" + name + "] is no architecture and no session model can"
                    + " reach this JVM; name an architecture, e.g. --student cnn-small");
        }

        @Override
        public ImageData data(String name) {
            throw new IllegalArgumentException("data [" + name + "] cannot reach this JVM (only the sweep's --data"
                    + " travels); run the sweep with --on local");
        }
    };
}

package dev.slimkit.sweep;

import dev.slimkit.pipeline.Stage;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Turns a pipeline cell body (one stage a line, as that step's magic options) into {@link Stage}s.
 * The grammar is the magics' own, so the implementation lives with them (slimkit-kernel-ext
 * registers one as a service); a worker JVM or Spark executor finds it with {@link #find()}.
 */
public interface StageReader {

    /**
     * The stages of {@code body}; line numbers are the body's.
     *
     * @throws IllegalArgumentException naming the line and the value that cannot be read
     */
    List<Stage> read(String body);

    /**
     * The reader registered on the class path.
     *
     * @throws IllegalStateException when none is (slimkit-kernel-ext is missing)
     */
    static StageReader find() {
        return ServiceLoader.load(StageReader.class).findFirst().orElseThrow(() -> new IllegalStateException(
                "no pipeline line reader on the class path; add slimkit-kernel-ext's jar (it reads stage lines)"));
    }
}

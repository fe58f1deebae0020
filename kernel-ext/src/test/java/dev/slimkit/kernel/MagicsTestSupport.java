package dev.slimkit.kernel;

import dev.slimkit.Session;
import dev.slimkit.model.SlimModel;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;

/**
 * What the magic tests share: a session, a fake display sink, the magics over both, a splitter for
 * argument lines, and closing every model the session still holds after each test.
 */
abstract class MagicsTestSupport {

    protected final Session session = new Session();
    protected final FakeSink sink = new FakeSink();
    protected final SlimkitMagics magics = new SlimkitMagics(session, sink);

    /** An argument line as the kernel hands it to a magic: split on whitespace. */
    protected static List<String> args(String line) {
        return Arrays.asList(line.trim().split("\\s+"));
    }

    @AfterEach
    void closeSessionModels() {
        session.allModels().values().stream().distinct().filter(m -> m.manager().isOpen()).forEach(SlimModel::close);
    }
}

package dev.slimkit.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Every step command is its registered step's grammar: the same options, help and defaults as its stage line. */
class CommandsTest {

    @Test
    void everyStepMagicIsItsDeclaredGrammar() {
        for (StepKind<?> kind : Steps.ALL) {
            Grammar magic = Commands.ALL.stream().filter(g -> g.magic().equals(kind.name())).findFirst()
                    .orElseThrow(() -> new AssertionError("no %" + kind + " magic"));
            assertSame(kind.grammar(), magic, kind.name());
            List<String> declared = kind.settings().stream().map(Setting::name).toList();
            assertEquals(declared, magic.optionNames(), kind.name());
            String usage = magic.usage();
            for (Setting<?> s : kind.settings()) {
                assertTrue(usage.contains(s.fullHelp()), kind + " --help lacks: " + s.fullHelp());
            }
        }
    }

    @Test
    void everyMagicDocumentsItsOptions() {
        for (Grammar m : Commands.ALL) {
            assertTrue(m.usage().startsWith("%" + m.magic()), m.magic());
        }
        assertTrue(Commands.TRAIN.usage().contains("--schedule S"));
        assertTrue(Commands.PRUNE.usage().contains("--mode M"));
    }
}

package dev.slimkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class MagicArgsTest {

    private static final MagicArgs SCHEMA = MagicArgs.of("demo", "A demo.")
            .positional("NAME", "a name")
            .option("epochs", "N", "epochs")
            .option("lr", "X", "rate")
            .option("mode", "M", "a or b")
            .flag("fast", "go fast");

    @Test
    void parsesBothOptionFormsFlagsAndNegativeNumbers() {
        MagicArgs.Parsed p = SCHEMA.parse(List.of("m", "--epochs", "3", "--lr=-0.5", "--fast"));
        assertEquals("m", p.positional("NAME"));
        assertEquals(3, p.integer("epochs", 1, 1));
        assertEquals(-0.5, p.number("lr", 1, -1, 1, false));
        assertTrue(p.flag("fast"));
        assertFalse(p.has("mode"));
        assertEquals("a", p.choice("mode", "a", List.of("a", "b")));
    }

    @Test
    void badInputGivesOneLineNamingValueAndAllowed() {
        assertEquals("%demo: unknown option [--epoch]; options: --epochs, --lr, --mode, --fast (see %demo --help)",
                assertThrows(UsageError.class, () -> SCHEMA.parse(List.of("m", "--epoch", "3"))).getMessage());
        assertEquals("%demo: missing NAME (a name); usage: %demo NAME [--epochs N] [--lr X] [--mode M] [--fast]",
                assertThrows(UsageError.class, () -> SCHEMA.parse(List.of("--fast"))).getMessage());
        assertEquals("%demo: --epochs needs a value N (epochs)",
                assertThrows(UsageError.class, () -> SCHEMA.parse(List.of("m", "--epochs"))).getMessage());
        assertEquals("%demo: unexpected argument [extra]; usage: %demo NAME [--epochs N] [--lr X] [--mode M] [--fast]",
                assertThrows(UsageError.class, () -> SCHEMA.parse(List.of("m", "extra"))).getMessage());
        assertEquals("%demo: unknown option [-n]; options are written --name (see %demo --help)",
                assertThrows(UsageError.class, () -> SCHEMA.parse(List.of("m", "-n", "3"))).getMessage());
        MagicArgs.Parsed p = SCHEMA.parse(List.of("m", "--epochs", "three", "--lr", "2", "--mode", "c"));
        assertEquals("%demo: --epochs must be a whole number, got [three]",
                assertThrows(UsageError.class, () -> p.integer("epochs", 1, 1)).getMessage());
        assertEquals("%demo: --lr must be in (0, 1], got [2]",
                assertThrows(UsageError.class, () -> p.number("lr", 1, 0, 1, true)).getMessage());
        assertEquals("%demo: --mode must be one of a, b, got [c]",
                assertThrows(UsageError.class, () -> p.choice("mode", "a", List.of("a", "b"))).getMessage());
        assertEquals("%demo: --epochs is given twice; give it once",
                assertThrows(UsageError.class, () -> SCHEMA.parse(List.of("m", "--epochs", "1", "--epochs=2"))).getMessage());
    }

    @Test
    void usageListsEveryOption() {
        String usage = SCHEMA.usage();
        assertTrue(usage.startsWith("%demo NAME [--epochs N] [--lr X] [--mode M] [--fast]\n\nA demo.\n"));
        for (String option : List.of("--epochs N", "--lr X", "--mode M", "--fast", "--help")) {
            assertTrue(usage.contains("  " + option), option);
        }
    }

    @Test
    void everyMagicDocumentsItsOptions() {
        for (MagicArgs m : MagicSchemas.ALL) {
            assertTrue(m.usage().startsWith("%" + m.magic()), m.magic());
        }
        assertTrue(MagicSchemas.TRAIN.usage().contains("--schedule S"));
    }
}

package dev.slimkit.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class GrammarTest {

    private static final Grammar SCHEMA = Grammar.of("demo", "A demo.")
            .positional("NAME", "a name")
            .option("epochs", "N", "epochs")
            .option("lr", "X", "rate")
            .option("mode", "M", "a or b")
            .flag("fast", "go fast");

    @Test
    void parsesBothOptionFormsFlagsAndNegativeNumbers() {
        Grammar.Parsed p = SCHEMA.parse(List.of("m", "--epochs", "3", "--lr=-0.5", "--fast"));
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
                assertThrows(RecipeError.class, () -> SCHEMA.parse(List.of("m", "--epoch", "3"))).getMessage());
        assertEquals("%demo: missing NAME (a name); usage: %demo NAME [--epochs N] [--lr X] [--mode M] [--fast]",
                assertThrows(RecipeError.class, () -> SCHEMA.parse(List.of("--fast"))).getMessage());
        assertEquals("%demo: --epochs needs a value N (epochs)",
                assertThrows(RecipeError.class, () -> SCHEMA.parse(List.of("m", "--epochs"))).getMessage());
        assertEquals("%demo: unexpected argument [extra]; usage: %demo NAME [--epochs N] [--lr X] [--mode M] [--fast]",
                assertThrows(RecipeError.class, () -> SCHEMA.parse(List.of("m", "extra"))).getMessage());
        assertEquals("%demo: unknown option [-n]; options are written --name (see %demo --help)",
                assertThrows(RecipeError.class, () -> SCHEMA.parse(List.of("m", "-n", "3"))).getMessage());
        Grammar.Parsed p = SCHEMA.parse(List.of("m", "--epochs", "three", "--lr", "2", "--mode", "c"));
        assertEquals("%demo: --epochs must be a whole number, got [three]",
                assertThrows(RecipeError.class, () -> p.integer("epochs", 1, 1)).getMessage());
        assertEquals("%demo: --lr must be in (0, 1], got [2]",
                assertThrows(RecipeError.class, () -> p.number("lr", 1, 0, 1, true)).getMessage());
        assertEquals("%demo: --mode must be one of a, b, got [c]",
                assertThrows(RecipeError.class, () -> p.choice("mode", "a", List.of("a", "b"))).getMessage());
        assertEquals("%demo: --epochs is given twice; give it once",
                assertThrows(RecipeError.class, () -> SCHEMA.parse(List.of("m", "--epochs", "1", "--epochs=2"))).getMessage());
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
    void oldSpellingsAnswerWithTheNewNameAndPercentagesReadAsFractions() {
        Grammar g = Grammar.of("demo", "A demo.").positional("NAME", "a name").option("remove", "R", "removed")
                .renamed("channels", "remove", "the fraction of channels removed");
        assertEquals("%demo: --channels is now --remove (the fraction of channels removed); write --remove 0.5",
                assertThrows(RecipeError.class, () -> g.parse(List.of("m", "--channels", "0.5"))).getMessage());
        assertEquals("%demo: --channels is now --remove (the fraction of channels removed); write --remove 25%",
                assertThrows(RecipeError.class, () -> g.parse(List.of("m", "--channels=25%"))).getMessage());
        assertFalse(g.usage().contains("--channels"), "old spellings are not advertised");
        assertEquals(0.25, g.parse(List.of("m", "--remove", "25%")).fraction("remove"), 1e-12);
        assertEquals(0.4, g.parse(List.of("m", "--remove", "0.4")).fraction("remove"), 1e-12);
        assertEquals("%demo: --remove must be a fraction or a percentage, e.g. 0.25 or 25%, got [x%]",
                assertThrows(RecipeError.class, () -> g.parse(List.of("m", "--remove", "x%")).fraction("remove"))
                        .getMessage());
    }
}

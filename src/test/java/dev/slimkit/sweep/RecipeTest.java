package dev.slimkit.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Set expansion: the product in order, caps, seeded samples, and errors that name line and value. */
class RecipeTest {

    private static final String BODY = "prune --sparsity {0.5,0.8,0.9} --epochs 1\n# a comment\ntrim --remove {0.25,0.5} --epochs 1";

    @Test
    void expandsTheCartesianProductFirstSetSlowest() {
        List<Trial> trials = Recipe.of(BODY).trials();
        assertEquals(6, trials.size());
        assertEquals(List.of("prune --sparsity 0.5 --epochs 1", "# a comment", "trim --remove 0.25 --epochs 1"),
                trials.get(0).lines());
        assertEquals(List.of("prune --sparsity 0.5 --epochs 1", "# a comment", "trim --remove 0.5 --epochs 1"),
                trials.get(1).lines());
        assertEquals(Map.of("prune --sparsity", "0.9", "trim --remove", "0.5"), trials.get(5).settings());
        assertEquals("sparsity=0.9, remove=0.5", trials.get(5).label());
        for (int i = 0; i < 6; i++) {
            assertEquals(i, trials.get(i).index());
        }
        assertEquals(List.of("prune --sparsity", "trim --remove"), Recipe.of(BODY).keys());
    }

    @Test
    void aRecipeWithoutSetsIsOneTrialAndEqualsFormAndRepeatedKeysWork() {
        assertEquals(1, Recipe.of("prune --sparsity 0.5").trials().size());
        List<Trial> t = Recipe.of("prune --sparsity={0.5,0.7}\nprune --sparsity {0.1,0.2}").trials();
        assertEquals(4, t.size());
        assertEquals("prune --sparsity=0.7", t.get(3).lines().get(0));
        assertEquals(Set.of("prune --sparsity", "prune --sparsity (line 2)"), t.get(3).settings().keySet());
        assertEquals(Map.of("stage", "trim"), Recipe.of("{prune,trim} --epochs 1").trials().get(1).settings());
    }

    @Test
    void capKeepsTheFirstTrials() {
        List<Trial> capped = Recipe.of(BODY).maxTrials(4).trials();
        assertEquals(List.of(0, 1, 2, 3), capped.stream().map(Trial::index).toList());
        assertEquals(6, Recipe.of(BODY).maxTrials(10).trials().size());
    }

    @Test
    void samplesAreDistinctSeededAndInProductOrder() {
        List<Trial> a = Recipe.of(BODY).sample(4, 7).trials();
        List<Trial> b = Recipe.of(BODY).sample(4, 7).trials();
        assertEquals(4, a.size());
        assertEquals(a.stream().map(Trial::index).toList(), b.stream().map(Trial::index).toList());
        assertEquals(4, new HashSet<>(a.stream().map(Trial::index).toList()).size());
        for (int i = 1; i < a.size(); i++) {
            assertTrue(a.get(i - 1).index() < a.get(i).index());
        }
        // Over seeds, every trial is drawn sometimes: the sample is not a fixed subset.
        Set<Integer> seen = new HashSet<>();
        for (long seed = 0; seed < 40; seed++) {
            Recipe.of(BODY).sample(2, seed).trials().forEach(t -> seen.add(t.index()));
        }
        assertEquals(Set.of(0, 1, 2, 3, 4, 5), seen);
        assertEquals(6, Recipe.of(BODY).sample(6, 1).trials().size());
        assertEquals(2, Recipe.of(BODY).sample(5, 1).maxTrials(2).trials().size());
    }

    @Test
    void errorsNameTheLineAndTheValue() {
        assertEquals("line 2: the set [{0.5,,0.8}] has an empty value; list values separated by single commas, e.g."
                + " {0.5,0.8}", msg("prune --epochs 1\ntrim --remove {0.5,,0.8}"));
        assertEquals("line 1: cannot read the set in [{0.5,0.8]; write one set a value as {a,b,c}, without spaces, e.g."
                + " --sparsity {0.5,0.8}", msg("prune --sparsity {0.5,0.8"));
        assertEquals("line 1: cannot read the set in [{0.5,}{0.8}]; write one set a value as {a,b,c}, without spaces,"
                + " e.g. --sparsity {0.5,0.8}", msg("prune --sparsity {0.5,}{0.8}"));
        assertEquals("line 1: the set [{0.5,0.5}] lists a value twice; list each value once",
                msg("prune --sparsity {0.5,0.5}"));
        assertEquals("the sweep has no stages; write one stage a line with sets of values, e.g. prune --sparsity"
                + " {0.5,0.8} --epochs 1", msg("# only a comment\n"));
        var e = assertThrows(IllegalArgumentException.class, () -> Recipe.of(BODY).sample(7, 0).trials());
        assertEquals("sample(...) [7] is larger than the 6 trials the sets make; pass at most 6", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Recipe.of(BODY).maxTrials(-1));
        assertEquals("maxTrials(...) must be >= 1 (0 for no cap), got [-1]", e.getMessage());
    }

    private static String msg(String body) {
        return assertThrows(IllegalArgumentException.class, () -> Recipe.of(body)).getMessage();
    }
}

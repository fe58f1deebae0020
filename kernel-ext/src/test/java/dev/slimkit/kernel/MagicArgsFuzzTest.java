package dev.slimkit.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.slimkit.Session;
import dev.slimkit.data.Datasets;
import dev.slimkit.model.Architectures;
import dev.slimkit.model.SlimModel;
import dev.slimkit.recipe.Grammar;
import dev.slimkit.recipe.RecipeError;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;

/**
 * Random argument lists for every magic: unknown flags, missing values, huge, negative, NaN, empty
 * and non-ASCII tokens. Parsing either succeeds with only the schema's options, or fails with one
 * line that starts with the magic and names a token of the input. Run against a session, a magic
 * given a poisoned list fails the same way and leaves the session as it was.
 */
class MagicArgsFuzzTest {

    private static final List<String> VALUES = List.of("1", "0", "-1", "-7", "0.5", "1.5", "NaN", "Infinity",
            "99999999999", "1e308", "", " ", "ü", "名前", "x", "mz", "fz", "--", "-", "3-99", "a,b", "--x=1");

    @Provide
    Arbitrary<Grammar> schemas() {
        return Arbitraries.of(dev.slimkit.recipe.Commands.ALL);
    }

    /** Tokens drawn from the schemas' own flags, unknown flags and awkward values. */
    @Provide
    Arbitrary<List<String>> tokens() {
        List<String> flags = new ArrayList<>(List.of("--bogus", "--epochs", "--lr", "--data", "--as", "--sparsity",
                "--channels", "--remove", "--no-latency", "--student", "--val", "--classes", "--epochs=3", "--lr=", "--width=-1"));
        Arbitrary<String> flag = Arbitraries.of(flags);
        Arbitrary<String> value = Arbitraries.oneOf(Arbitraries.of(VALUES),
                Arbitraries.strings().ofMaxLength(6).withCharRange(' ', '~'),
                Arbitraries.strings().ofMaxLength(3).withCharRange('\u00e0', '\u0180'));
        return Arbitraries.oneOf(flag, value).list().ofMaxSize(8)
                .filter(l -> !l.contains("--help") && !l.contains("-h"));
    }

    @Property(tries = 5000)
    void parsingGivesTheSchemasOptionsOrOneLineNamingAToken(@ForAll("schemas") Grammar schema,
            @ForAll("tokens") List<String> tokens) {
        try {
            Grammar.Parsed parsed = schema.parse(tokens);
            for (String t : tokens) {
                if (t.startsWith("--") && t.length() > 2) {
                    String key = t.substring(2).split("=", 2)[0];
                    assertTrue(schema.hasOption(key), "parsed an option the schema lacks: " + t);
                    assertTrue(parsed.has(key));
                }
            }
        } catch (RecipeError e) {
            String m = e.getMessage();
            assertFalse(m.contains("\n"), m);
            assertTrue(m.startsWith("%" + schema.magic() + ": "), m);
            assertTrue(m.contains("missing ") || tokens.stream().anyMatch(t -> m.contains("[" + t + "]")
                    || !t.isBlank() && (m.contains(t) || m.contains(t.split("=", 2)[0]))),
                    "names a token of " + tokens + ": " + m);
        }
    }

    private static final Session SESSION = new Session();
    private static final SlimkitMagics MAGICS = new SlimkitMagics(SESSION, new FakeSink());

    static {
        SESSION.putData("fz", Datasets.synthetic(4, 64, 16, 3));
        SESSION.putModel("mz", SlimModel.create("mz", Architectures.spec("mlp", 4, 0.25, 1, 28, 28), 1));
    }

    @AfterContainer
    static void closeModels() {
        SESSION.allModels().values().forEach(SlimModel::close);
    }

    /** A magic and the poison that makes its call fail before any work: a setting checked by its step or parser. */
    private static final List<String[]> POISONED = List.of(
            new String[] {"data", "x --source synthetic --val 7"}, new String[] {"model", "x --arch mlp --width -1"},
            new String[] {"train", "mz --data fz --epochs -7"}, new String[] {"transfer", "mz --data fz --freeze most"},
            new String[] {"distill", "mz --data fz --student mz"}, new String[] {"prune", "mz --sparsity 3"},
            new String[] {"sensitivity", "mz --data fz --levels 2"}, new String[] {"trim", "mz --remove 9"},
            new String[] {"eval", "nope --data fz"}, new String[] {"summary", "nope"}, new String[] {"compare", "mz nope"},
            new String[] {"save", "nope /tmp/slimkit-fuzz.slim"}, new String[] {"load", "mz /no/such.slim"},
            new String[] {"drop", "nope"}, new String[] {"slimkit", "--bogus"});

    @Provide
    Arbitrary<String[]> poisoned() {
        return Arbitraries.of(POISONED);
    }

    @Property(tries = 1000)
    void aPoisonedCallIsOneLineAndChangesNothing(@ForAll("poisoned") String[] call, @ForAll("tokens") List<String> extra)
            throws Exception {
        String before = snapshot();
        List<String> args = new ArrayList<>(List.of(call[1].split(" ")));
        args.addAll(extra.stream().filter(t -> !t.startsWith("--no") && !t.startsWith("--as")).toList());
        Method magic = SlimkitMagics.class.getMethod(call[0], List.class);
        try {
            magic.invoke(MAGICS, args);
            throw new AssertionError("accepted " + call[0] + " " + args);
        } catch (java.lang.reflect.InvocationTargetException e) {
            Throwable t = e.getCause();
            assertTrue(t instanceof UsageError, call[0] + " " + args + ": " + t);
            assertFalse(t.getMessage().contains("\n"), t.getMessage());
            assertTrue(t.getMessage().startsWith("%" + call[0] + ": "), t.getMessage());
        }
        assertEquals(before, snapshot(), "session unchanged by %" + call[0] + " " + args);
    }

    private static String snapshot() {
        SlimModel mz = SESSION.model("mz");
        return SESSION.allModels().keySet() + " " + SESSION.allData().keySet() + " " + mz.history().totalBatches() + " "
                + mz.spec() + " " + mz.mask().isPresent() + " " + mz.parameters().get("fc1.weight").getArray().sum()
                .getFloat();
    }
}

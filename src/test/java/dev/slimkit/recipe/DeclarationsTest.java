package dev.slimkit.recipe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.slimkit.data.Datasets;
import dev.slimkit.data.ImageData;
import dev.slimkit.model.SlimModel;
import dev.slimkit.step.Step;
import dev.slimkit.step.StepResult;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Every registered step's declarations against its step class and the vocabulary: each setting
 * calls a public builder method of the step; one option name means one kind of value everywhere;
 * names say their direction; and each declared default is the step's own (a run with every
 * default typed out gives the same recipe as a run without them).
 */
class DeclarationsTest {

    private static final ImageData DATA = Datasets.synthetic(4, 64, 16, 3);
    private static final SlimModel MODEL = SlimModel.create("cnn-small", 4, 0.25, 1);

    /** Resolves the two names these tests use. */
    private static final Context CONTEXT = new Context() {
        @Override
        public SlimModel model(String name) {
            return MODEL;
        }

        @Override
        public ImageData data(String name) {
            return DATA;
        }
    };

    @AfterAll
    static void close() {
        MODEL.close();
    }

    @Test
    void everySettingCallsAPublicBuilderMethodOfItsStep() {
        for (StepKind<?> kind : Steps.ALL) {
            Class<?> type = kind.create(MODEL).getClass();
            for (Setting<?> s : kind.settings()) {
                boolean found = Arrays.stream(type.getMethods()).anyMatch(m -> m.getName().equals(s.javaMethod())
                        && m.getParameterCount() == 1 && Modifier.isPublic(m.getModifiers())
                        && Step.class.isAssignableFrom(m.getReturnType()));
                assertTrue(found, kind + " --" + s.name() + ": no builder method " + type.getSimpleName() + "."
                        + s.javaMethod() + "(...)");
            }
        }
    }

    @Test
    void oneOptionNameMeansOneKindOfValueEverywhere() {
        Map<String, String> seen = new HashMap<>();
        for (StepKind<?> kind : Steps.ALL) {
            for (Setting<?> s : kind.settings()) {
                String shape = s.kind() + " " + s.value() + " " + s.javaMethod();
                String before = seen.putIfAbsent(s.name(), shape);
                assertTrue(before == null || before.equals(shape), "--" + s.name() + " is " + before + " elsewhere but "
                        + shape + " in " + kind);
            }
        }
        assertEquals(Steps.ALL.size(), Steps.ALL.stream().map(StepKind::name).distinct().count(), "one name a step");
    }

    @Test
    void namesSayTheirDirectionAndOldSpellingsAreGone() {
        Set<String> removed = Set.of("sparsity", "remove");
        Set<String> kept = Set.of("macs", "params", "latency");
        for (StepKind<?> kind : Steps.ALL) {
            for (Setting<?> s : kind.settings()) {
                assertFalse(Set.of("steps", "channels", "epochs-per-step").contains(s.name()), kind + " --" + s.name()
                        + ": a name with several meanings");
                if (removed.contains(s.name())) {
                    assertEquals(Setting.Kind.FRACTION, s.kind(), s.name());
                    assertTrue(s.help().contains("remove") || s.help().contains("zero"), s.name() + ": " + s.help());
                }
                if (kept.contains(s.name())) {
                    assertEquals(Setting.Kind.FRACTION, s.kind(), s.name());
                    assertTrue(s.help().contains("at most this fraction of the original's"), s.name() + ": " + s.help());
                }
                if (s.name().equals("schedule")) {
                    assertTrue(s.help().startsWith("learning-rate schedule"), kind + ": " + s.help());
                }
            }
            List<String> declared = kind.settings().stream().map(Setting::name).toList();
            for (String[] r : kind.renamedOptions()) {
                assertFalse(declared.contains(r[0]), kind + " still declares its old spelling --" + r[0]);
                assertTrue(declared.contains(r[1]), kind + ": --" + r[0] + " points to an undeclared --" + r[1]);
            }
        }
    }

    /** The least each step needs; latency is skipped (slow, and not a recipe setting). */
    private static final Map<String, String> MINIMAL = Map.of("train", "--data d", "transfer", "--data d",
            "distill", "--student mlp --data d --no-latency", "prune", "--data d --no-latency",
            "trim", "--remove 0.5 --data d --no-latency");

    /** Settings whose default, typed out alone, the step refuses: they apply only beside another setting. */
    private static final Set<String> ONLY_BESIDE_ANOTHER = Set.of("trim --calibration", "trim --max-per-layer",
            "trim --epochs-per-cut");

    @Test
    void eachDeclaredDefaultIsTheStepsOwn() {
        Set<String> refused = new TreeSet<>();
        for (StepKind<?> kind : Steps.ALL) {
            List<String> minimal = new ArrayList<>(List.of(MINIMAL.get(kind.name()).split(" ")));
            List<String> typed = new ArrayList<>(minimal);
            for (Setting<?> s : kind.settings()) {
                if (s.defaultText() == null || s.kind() == Setting.Kind.FLAG) {
                    continue;
                }
                List<String> alone = new ArrayList<>(minimal);
                alone.addAll(List.of("--" + s.name(), s.defaultText()));
                try {
                    build(kind, alone).validate();
                    typed.addAll(List.of("--" + s.name(), s.defaultText()));
                } catch (IllegalArgumentException e) {
                    refused.add(kind + " --" + s.name());
                }
            }
            Map<String, String> plain = recipe(kind, minimal);
            Map<String, String> explicit = recipe(kind, typed);
            assertEquals(plain, explicit, kind + ": " + typed);
        }
        assertEquals(new TreeSet<>(ONLY_BESIDE_ANOTHER), refused, "defaults refused when typed out alone");
    }

    private static Step<?> build(StepKind<?> kind, List<String> options) {
        List<String> args = new ArrayList<>(List.of("m"));
        args.addAll(options);
        return kind.fromCommand(kind.grammar().parse(args), CONTEXT);
    }

    private static Map<String, String> recipe(StepKind<?> kind, List<String> options) {
        List<String> withName = new ArrayList<>(options);
        withName.addAll(List.of("--as", "declared-" + kind.name()));
        Step<?> step = build(kind, withName);
        try {
            StepResult r = step.run();
            return new TreeMap<>(r.recipe());
        } catch (RuntimeException e) {
            fail(kind + " " + withName + ": " + e.getMessage(), e);
            return null;
        } finally {
            step.outputs().values().stream().filter(m -> m != MODEL).forEach(SlimModel::close);
        }
    }

    @Test
    void aStageLineAcceptsWhatItsMagicAcceptsButThePipelinesOwn() {
        var reader = new dev.slimkit.pipeline.StageLines(CONTEXT);
        for (StepKind<?> kind : Steps.ALL) {
            for (Setting<?> s : kind.settings()) {
                String required = kind.settings().stream().filter(r -> r.requiredHint() != null && r != s)
                        .map(r -> " --" + r.name() + " x").reduce("", String::concat);
                String line = kind.name() + required + " --" + s.name() + (s.kind() == Setting.Kind.FLAG ? "" : " x");
                if (s.isPipelineOwned()) {
                    String m = org.junit.jupiter.api.Assertions.assertThrows(RecipeError.class, () -> reader.read(line))
                            .getMessage();
                    assertTrue(m.startsWith("line 1: " + kind + " takes its ") && m.endsWith("; drop --" + s.name()), m);
                } else {
                    assertEquals(1, reader.read(line).size(), line);
                }
            }
        }
    }

    @Test
    void readmeTablesMatchTheDeclarations() throws Exception {
        java.nio.file.Path readme = java.nio.file.Path.of("..", "README.md");
        String text = java.nio.file.Files.readString(readme);
        for (StepKind<?> kind : Steps.ALL) {
            assertTrue(text.contains(RecipeDocs.table(kind)), "README's %" + kind + " table is out of date; run"
                    + " java -cp src/target/classes dev.slimkit.recipe.RecipeDocs README.md");
        }
    }
}

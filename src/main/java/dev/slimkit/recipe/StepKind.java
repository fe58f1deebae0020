package dev.slimkit.recipe;

import dev.slimkit.model.SlimModel;
import dev.slimkit.step.Step;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * A step's descriptor in the {@link Steps} registry: its name, what it can do, how to make it on a
 * model, and its settings, each declared once ({@link Setting}). From it come the magic's grammar
 * and {@code --help}, the pipeline stage line's grammar, the sweep's options and the README's
 * option table; {@link #configure} applies a parsed command to a step exactly as a Java cell
 * would call its builder.
 *
 * @param <S> the step's class
 */
public final class StepKind<S extends Step<S>> {

    private final String name;
    private final String summary;
    private final String input;
    private final String inputHelp;
    private final Function<SlimModel, S> factory;
    private final Set<Capability> capabilities;
    private final Map<String, Setting<S>> settings = new LinkedHashMap<>();
    private final List<String[]> renamed = new ArrayList<>();
    private volatile Grammar grammar;

    /**
     * @param name the step's name: its magic ({@code %trim}) and stage word ({@code trim})
     * @param summary one sentence for {@code --help}
     * @param input the positional's name in usage ({@code NAME}, {@code TEACHER})
     * @param inputHelp what the positional is
     * @param factory makes the step on its input model
     * @param capabilities what it can do
     */
    public StepKind(String name, String summary, String input, String inputHelp, Function<SlimModel, S> factory,
            Set<Capability> capabilities) {
        this.name = name;
        this.summary = summary;
        this.input = input;
        this.inputHelp = inputHelp;
        this.factory = factory;
        this.capabilities = capabilities.isEmpty() ? EnumSet.noneOf(Capability.class) : EnumSet.copyOf(capabilities);
    }

    /** Declares settings, in the order usage lists them (a later one of the same name replaces an earlier one). */
    public StepKind<S> settings(List<Setting<S>> values) {
        for (Setting<S> s : values) {
            settings.remove(s.name());
            settings.put(s.name(), s);
        }
        return this;
    }

    /** An old option spelling that answers with one line naming {@code now}. */
    public StepKind<S> renamed(String old, String now, String because) {
        renamed.add(new String[] {old, now, because});
        return this;
    }

    /** The step's name. */
    public String name() {
        return name;
    }

    /** The one-sentence summary. */
    public String summary() {
        return summary;
    }

    /** The positional's name in usage. */
    public String input() {
        return input;
    }

    /** Whether it can do {@code c}. */
    public boolean can(Capability c) {
        return capabilities.contains(c);
    }

    /** Its settings in declaration order. */
    public List<Setting<S>> settings() {
        return List.copyOf(settings.values());
    }

    /** The old spellings: {old, now, because} each. */
    public List<String[]> renamedOptions() {
        return List.copyOf(renamed);
    }

    /** A fresh step on {@code model}, with every default. */
    public S create(SlimModel model) {
        return factory.apply(model);
    }

    /** The magic's grammar ({@code %NAME INPUT [--option ...]}); a stage line uses it without the positional. */
    public Grammar grammar() {
        Grammar g = grammar;
        if (g == null) {
            g = Grammar.of(name, summary).positional(input, inputHelp);
            for (Setting<S> s : settings.values()) {
                s.declareIn(g);
            }
            for (String[] r : renamed) {
                g.renamed(r[0], r[1], r[2]);
            }
            grammar = g;
        }
        return g;
    }

    /**
     * Applies every option given in {@code a} to {@code step} through its declared setter, in
     * declaration order; options not given leave the step's own defaults.
     *
     * @throws IllegalArgumentException (from the setter or a {@link RecipeError}) naming the value
     */
    public S configure(Grammar.Parsed a, S step, Context context) {
        for (Setting<S> s : settings.values()) {
            if (s.requiredHint() != null && !a.has(s.name())) {
                throw new RecipeError(a.magic() + ": --" + s.name() + " is required; " + s.requiredHint());
            }
            if (a.has(s.name())) {
                s.apply(step, a, context);
            }
        }
        return step;
    }

    /**
     * The step a magic asks for: the input model named by the positional, every option given
     * applied. {@code --data} is required when the step {@link Capability#NEEDS_DATA}.
     */
    public S fromCommand(Grammar.Parsed a, Context context) {
        if (can(Capability.NEEDS_DATA) && !a.has("data")) {
            throw new RecipeError(a.magic() + ": --data is required; name the session data, e.g. --data fmnist");
        }
        return configure(a, create(context.model(a.positional(input))), context);
    }

    @Override
    public String toString() {
        return name;
    }
}

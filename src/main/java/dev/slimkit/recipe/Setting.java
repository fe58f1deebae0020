package dev.slimkit.recipe;

import dev.slimkit.step.Step;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.ObjDoubleConsumer;
import java.util.function.ObjIntConsumer;

/**
 * One setting of a step, declared once: its option name, value kind, value placeholder, help,
 * default (taken from the step's own constant, so the number lives in one place), the Java
 * builder method it calls, and whether a pipeline stage line may give it. The magic's option and
 * {@code --help} line, the stage line's option, a sweep's set of values and the README's table all
 * come from this declaration; {@code DeclarationsTest} checks that the Java method exists.
 *
 * @param <S> the step it configures
 */
public final class Setting<S extends Step<S>> {

    /** What a value is. */
    public enum Kind {
        /** A whole number. */
        INTEGER,
        /** A number. */
        NUMBER,
        /** A fraction in (0, 1) or [0, 1); {@code 25%} is accepted for 0.25. */
        FRACTION,
        /** A word or list. */
        TEXT,
        /** Present or absent; takes no value. */
        FLAG
    }

    /** Applies a given option to a step. */
    @FunctionalInterface
    public interface Binder<S> {
        /** Sets {@code step} from option {@code name} of {@code a} (given), resolving names through {@code context}. */
        void apply(S step, Grammar.Parsed a, String name, Context context);
    }

    private final String name;
    private final Kind kind;
    private final String value;
    private final String help;
    private final String defaultText;
    private final Binder<S> binder;
    private String java;
    private boolean pipelineOwned;
    private String required;

    private Setting(String name, Kind kind, String value, String help, Object defaultValue, Binder<S> binder) {
        this.name = name;
        this.kind = kind;
        this.value = value;
        this.help = help;
        this.defaultText = defaultValue == null ? null : defaultValue instanceof Double d && d == Math.rint(d)
                && Math.abs(d) < 1e9 ? Long.toString(d.longValue()) : String.valueOf(defaultValue);
        this.binder = binder;
        this.java = camel(name);
    }

    /** A whole-number option {@code --name N}; {@code defaultValue} null when the step decides. */
    public static <S extends Step<S>> Setting<S> integer(String name, String value, String help, Object defaultValue,
            ObjIntConsumer<S> setter) {
        return new Setting<>(name, Kind.INTEGER, value, help, defaultValue,
                (s, a, n, c) -> setter.accept(s, a.integer(n, 0, Integer.MIN_VALUE)));
    }

    /** A number option {@code --name X}; the step checks its range. */
    public static <S extends Step<S>> Setting<S> number(String name, String value, String help, Object defaultValue,
            ObjDoubleConsumer<S> setter) {
        return new Setting<>(name, Kind.NUMBER, value, help, defaultValue,
                (s, a, n, c) -> setter.accept(s, a.number(n, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false)));
    }

    /** A fraction option {@code --name R} (also {@code 25%}); the step checks its range. */
    public static <S extends Step<S>> Setting<S> fraction(String name, String value, String help, Object defaultValue,
            ObjDoubleConsumer<S> setter) {
        return new Setting<>(name, Kind.FRACTION, value, help, defaultValue, (s, a, n, c) -> setter.accept(s, a.fraction(n)));
    }

    /** A text option {@code --name VALUE}, passed to the step as written. */
    public static <S extends Step<S>> Setting<S> text(String name, String value, String help, Object defaultValue,
            BiConsumer<S, String> setter) {
        return new Setting<>(name, Kind.TEXT, value, help, defaultValue, (s, a, n, c) -> setter.accept(s, a.string(n, null)));
    }

    /** A text option whose value is resolved with the context (a session name, "find", ...). */
    public static <S extends Step<S>> Setting<S> resolved(String name, String value, String help, Object defaultValue,
            Binder<S> binder) {
        return new Setting<>(name, Kind.TEXT, value, help, defaultValue, binder);
    }

    /** A flag {@code --name}. */
    public static <S extends Step<S>> Setting<S> flag(String name, String help, Consumer<S> setter) {
        return new Setting<>(name, Kind.FLAG, null, help, null, (s, a, n, c) -> setter.accept(s));
    }

    /** The Java builder method it calls, when not the option's name in camel case. */
    public Setting<S> java(String method) {
        java = method;
        return this;
    }

    /** A setting the pipeline gives every stage itself ({@code --data}, {@code --as}): a stage line may not. */
    public Setting<S> pipelineOwned() {
        pipelineOwned = true;
        return this;
    }

    /** A setting every use must give; {@code hint} says what to pass. */
    public Setting<S> required(String hint) {
        required = hint;
        return this;
    }

    /** The option's name, e.g. {@code max-per-layer}. */
    public String name() {
        return name;
    }

    /** Its value kind. */
    public Kind kind() {
        return kind;
    }

    /** The value placeholder in usage, e.g. {@code R}; null for a flag. */
    public String value() {
        return value;
    }

    /** The help without the default. */
    public String help() {
        return help;
    }

    /** The default as shown, or null when the step decides (or for flags). */
    public String defaultText() {
        return defaultText;
    }

    /** The help with the default, as {@code --help} shows it. */
    public String fullHelp() {
        return defaultText == null ? help : help + " (default " + defaultText + ")";
    }

    /** The Java builder method's name. */
    public String javaMethod() {
        return java;
    }

    /** Whether only the pipeline itself sets it. */
    public boolean isPipelineOwned() {
        return pipelineOwned;
    }

    /** What to pass when it is required, else null. */
    public String requiredHint() {
        return required;
    }

    void apply(S step, Grammar.Parsed a, Context context) {
        binder.apply(step, a, name, context);
    }

    void declareIn(Grammar g) {
        if (kind == Kind.FLAG) {
            g.flag(name, fullHelp());
        } else {
            g.option(name, value, fullHelp());
        }
    }

    static String camel(String option) {
        StringBuilder out = new StringBuilder();
        boolean up = false;
        for (char ch : option.toCharArray()) {
            if (ch == '-') {
                up = true;
            } else {
                out.append(up ? Character.toUpperCase(ch) : ch);
                up = false;
            }
        }
        return out.toString();
    }
}

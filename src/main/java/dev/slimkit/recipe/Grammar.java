package dev.slimkit.recipe;

import java.util.ArrayList;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The grammar of one command (a magic, or a pipeline stage line) and its parser: positional
 * names, {@code --key value} and {@code --key=value} options, flags, old spellings that answer
 * with their new name, and {@code --help}. Parsing is picocli's (a command spec built from the
 * declarations, see {@link #parse}). Each bad input becomes a {@link RecipeError} whose one
 * line names the command, the offending value and what is allowed; {@link #usage()} is generated
 * from the same grammar. A step's grammar is made from its declarations ({@link StepKind#grammar()}).
 */
public final class Grammar {

    private record Positional(String name, String help, boolean many) {}

    private record Option(String name, String value, String help, boolean flag) {}

    private final String magic;
    private final String summary;
    private final List<Positional> positionals = new ArrayList<>();
    private final Map<String, Option> options = new LinkedHashMap<>();
    private record Renamed(String now, String because) {}

    private final Map<String, Renamed> renamed = new LinkedHashMap<>();

    private Grammar(String magic, String summary) {
        this.magic = magic;
        this.summary = summary;
    }

    /** Starts the schema of {@code %magic}. */
    public static Grammar of(String magic, String summary) {
        return new Grammar(magic, summary);
    }

    /** A required positional argument. */
    public Grammar positional(String name, String help) {
        positionals.add(new Positional(name, help, false));
        return this;
    }

    /** One or more positional values (last). */
    public Grammar positionals(String name, String help) {
        positionals.add(new Positional(name, help, true));
        return this;
    }

    /** An option {@code --name VALUE}. */
    public Grammar option(String name, String value, String help) {
        options.put(name, new Option(name, value, help, false));
        return this;
    }

    /** A flag {@code --name} that takes no value. */
    public Grammar flag(String name, String help) {
        options.put(name, new Option(name, null, help, true));
        return this;
    }

    /**
     * An old spelling: {@code --old} answers with one line naming {@code --now} (and why, in
     * {@code because}) instead of "unknown option". Not shown in the usage.
     */
    public Grammar renamed(String old, String now, String because) {
        renamed.put(old, new Renamed(now, because));
        return this;
    }

    /** The options' names, in declaration order (old spellings excluded). */
    public List<String> optionNames() {
        return List.copyOf(options.keySet());
    }

    /** Adds a shared group of options (e.g. the training options every step magic takes). */
    public Grammar include(java.util.function.Consumer<Grammar> fragment) {
        fragment.accept(this);
        return this;
    }

    /** True when the schema has option {@code --name}. */
    public boolean hasOption(String name) {
        return options.containsKey(name);
    }

    /** The magic's name without {@code %}. */
    public String magic() {
        return magic;
    }

    /** The one-line summary. */
    public String summary() {
        return summary;
    }

    /** The usage text: synopsis, summary, arguments and options. */
    public String usage() {
        StringBuilder synopsis = new StringBuilder("%" + magic);
        for (Positional p : positionals) {
            synopsis.append(' ').append(p.many ? p.name + "..." : p.name);
        }
        for (Option o : options.values()) {
            synopsis.append(" [--").append(o.name).append(o.flag ? "" : " " + o.value).append(']');
        }
        StringBuilder text = new StringBuilder(synopsis).append("\n\n").append(summary).append('\n');
        if (!positionals.isEmpty()) {
            text.append("\narguments:\n");
            for (Positional p : positionals) {
                text.append(String.format(Locale.ROOT, "  %-22s %s%n", p.name, p.help));
            }
        }
        text.append("\noptions:\n");
        for (Option o : options.values()) {
            String left = "--" + o.name + (o.flag ? "" : " " + o.value);
            text.append(String.format(Locale.ROOT, "  %-22s %s%n", left, o.help));
        }
        text.append(String.format(Locale.ROOT, "  %-22s %s%n", "--help", "show this help"));
        return text.toString();
    }

    /** True when the arguments ask for help. */
    public static boolean wantsHelp(List<String> args) {
        return args.contains("--help") || args.contains("-h");
    }

    /**
     * Parses {@code args} against the schema with picocli (a command spec built from the
     * declarations; {@code @file} expansion off), after answering old spellings and values given
     * to flags; picocli's exceptions become one-line {@link RecipeError}s.
     *
     * @throws RecipeError for an unknown option, a missing value or positional, an option given
     *     twice, or too many positionals
     */
    public Parsed parse(List<String> args) {
        refuseOldSpellings(args);
        CommandLine line = new CommandLine(commandSpec());
        line.setExpandAtFiles(false);
        CommandLine.ParseResult result;
        try {
            result = line.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.MissingParameterException e) {
            throw e.getMissing().isEmpty() ? new RecipeError("%" + magic + ": " + e.getMessage()) : missing(e.getMissing().get(0));
        } catch (CommandLine.OverwrittenOptionException e) {
            throw new RecipeError("%" + magic + ": " + ((OptionSpec) e.getOverwritten()).longestName()
                    + " is given twice; give it once");
        } catch (CommandLine.UnmatchedArgumentException e) {
            throw e.getUnmatched().isEmpty() ? new RecipeError("%" + magic + ": " + e.getMessage())
                    : unmatched(e.getUnmatched().get(0));
        } catch (CommandLine.ParameterException e) {
            throw new RecipeError("%" + magic + ": " + e.getMessage() + " (see %" + magic + " --help)");
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (OptionSpec o : result.matchedOptions()) {
            values.put(o.longestName().substring(2), String.valueOf((Object) o.getValue()));
        }
        Map<String, List<String>> positional = new LinkedHashMap<>();
        for (PositionalParamSpec p : result.matchedPositionals()) {
            Object v = p.getValue();
            positional.put(p.paramLabel(), v instanceof String[] many ? List.of(many) : List.of((String) v));
        }
        return new Parsed(magic, positional, values);
    }

    private CommandSpec commandSpec() {
        CommandSpec spec = CommandSpec.create().name("%" + magic);
        for (Option o : options.values()) {
            spec.addOption(OptionSpec.builder("--" + o.name).paramLabel(o.flag ? "" : o.value).description(o.help)
                    .arity(o.flag ? "0" : "1").type(o.flag ? boolean.class : String.class).build());
        }
        for (int i = 0; i < positionals.size(); i++) {
            Positional p = positionals.get(i);
            spec.addPositional(PositionalParamSpec.builder().index(p.many ? i + "..*" : Integer.toString(i))
                    .arity(p.many ? "1..*" : "1").required(true).paramLabel(p.name).description(p.help)
                    .type(p.many ? String[].class : String.class).build());
        }
        return spec;
    }

    /**
     * Old spellings answer with their new name; a flag given a value ({@code --flag=x}), an option
     * without one and a bare {@code --} are refused, each with slimkit's own line.
     */
    private void refuseOldSpellings(List<String> args) {
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--")) { // picocli's end of options; slimkit has none
                throw unmatched(arg);
            }
            if (!arg.startsWith("--") || arg.length() <= 2) {
                continue;
            }
            int eq = arg.indexOf('=');
            String key = eq < 0 ? arg.substring(2) : arg.substring(2, eq);
            String value = eq < 0 ? null : arg.substring(eq + 1);
            Renamed r = options.containsKey(key) ? null : renamed.get(key);
            if (r != null) {
                String next = value != null ? value : i + 1 < args.size() && !args.get(i + 1).startsWith("--")
                        ? args.get(i + 1) : null;
                throw new RecipeError("%" + magic + ": --" + key + " is now --" + r.now() + " (" + r.because()
                        + "); write --" + r.now() + (next == null ? "" : " " + next));
            }
            Option o = options.get(key);
            if (o != null && o.flag && value != null) {
                throw new RecipeError("%" + magic + ": --" + key + " takes no value, got [" + value + "]");
            }
            boolean noValueNext = i + 1 >= args.size() || args.get(i + 1).startsWith("--") && args.get(i + 1).length() > 2;
            if (o != null && !o.flag && value == null && noValueNext) {
                throw new RecipeError("%" + magic + ": --" + key + " needs a value " + o.value + " (" + o.help + ")");
            }
        }
    }

    private RecipeError missing(ArgSpec what) {
        if (what instanceof OptionSpec o) {
            Option option = options.get(o.longestName().substring(2));
            return new RecipeError("%" + magic + ": --" + option.name + " needs a value " + option.value + " ("
                    + option.help + ")");
        }
        String name = what.paramLabel();
        String help = positionals.stream().filter(p -> p.name.equals(name)).findFirst().orElseThrow().help;
        return new RecipeError("%" + magic + ": missing " + name + " (" + help + "); usage: " + synopsisLine());
    }

    private RecipeError unmatched(String arg) {
        if (arg.startsWith("--") && arg.length() > 2) {
            int eq = arg.indexOf('=');
            return new RecipeError("%" + magic + ": unknown option [" + (eq < 0 ? arg : arg.substring(0, eq))
                    + "]; options: " + optionList() + " (see %" + magic + " --help)");
        }
        if (arg.startsWith("-") && arg.length() > 1 && !isNumber(arg)) {
            return new RecipeError("%" + magic + ": unknown option [" + arg + "]; options are written --name (see %"
                    + magic + " --help)");
        }
        return new RecipeError("%" + magic + ": unexpected argument [" + arg + "]; usage: " + synopsisLine());
    }

    private String synopsisLine() {
        return usage().lines().findFirst().orElse("%" + magic);
    }

    private String optionList() {
        return options.isEmpty() ? "none" : "--" + String.join(", --", options.keySet());
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** The parsed arguments of one call, with typed, range-checked accessors. */
    public static final class Parsed {
        private final String magic;
        private final Map<String, List<String>> positional;
        private final Map<String, String> options;

        Parsed(String magic, Map<String, List<String>> positional, Map<String, String> options) {
            this.magic = magic;
            this.positional = positional;
            this.options = options;
        }

        /** The magic these arguments are for, e.g. {@code %train}. */
        public String magic() {
            return "%" + magic;
        }

        /** A positional value (null if an optional one is absent). */
        public String positional(String name) {
            List<String> v = positional.get(name);
            return v == null ? null : v.get(0);
        }

        /** All values of a many-valued positional. */
        public List<String> positionals(String name) {
            return positional.getOrDefault(name, List.of());
        }

        public boolean has(String option) {
            return options.containsKey(option);
        }

        public boolean flag(String option) {
            return options.containsKey(option);
        }

        /** A string option, or {@code fallback}. */
        public String string(String option, String fallback) {
            return options.getOrDefault(option, fallback);
        }

        /** A required string option. */
        public String required(String option, String hint) {
            String v = options.get(option);
            if (v == null) {
                throw new RecipeError("%" + magic + ": --" + option + " is required; " + hint);
            }
            return v;
        }

        /** An integer option that must be at least {@code min}. */
        public int integer(String option, int fallback, int min) {
            String v = options.get(option);
            if (v == null) {
                return fallback;
            }
            int value;
            try {
                value = Integer.parseInt(v.strip());
            } catch (NumberFormatException e) {
                throw new RecipeError("%" + magic + ": --" + option + " must be a whole number, got [" + v + "]");
            }
            if (value < min) {
                throw new RecipeError("%" + magic + ": --" + option + " must be >= " + min + ", got [" + v + "]");
            }
            return value;
        }

        /** A number option in [{@code min}, {@code max}] ({@code exclusiveMin} excludes min). */
        public double number(String option, double fallback, double min, double max, boolean exclusiveMin) {
            String v = options.get(option);
            if (v == null) {
                return fallback;
            }
            double value;
            try {
                value = Double.parseDouble(v.strip());
            } catch (NumberFormatException e) {
                throw new RecipeError("%" + magic + ": --" + option + " must be a number, got [" + v + "]");
            }
            if (!Double.isFinite(value)) {
                throw new RecipeError("%" + magic + ": --" + option + " must be a finite number, got [" + v + "]");
            }
            boolean low = exclusiveMin ? !(value > min) : !(value >= min);
            if (low || value > max || Double.isNaN(value)) {
                throw new RecipeError(
                        "%" + magic + ": --" + option + " must be in " + (exclusiveMin ? "(" : "[")
                                + fmt(min) + ", " + fmt(max) + "], got [" + v + "]");
            }
            return value;
        }

        /**
         * A fraction option: a number, or a percentage ({@code 25%} = 0.25). The caller (the step)
         * checks its range.
         */
        public double fraction(String option) {
            String v = options.get(option);
            if (v != null && v.strip().endsWith("%")) {
                String n = v.strip();
                try {
                    double value = Double.parseDouble(n.substring(0, n.length() - 1).strip()) / 100;
                    if (Double.isFinite(value)) {
                        return value;
                    }
                } catch (NumberFormatException e) {
                    // reported below
                }
                throw new RecipeError("%" + magic + ": --" + option + " must be a fraction or a percentage, e.g. 0.25"
                        + " or 25%, got [" + v + "]");
            }
            return number(option, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false);
        }

        /** Passes the option's text to {@code setter} when it was given (the step keeps its default otherwise). */
        public void ifGiven(String option, java.util.function.Consumer<String> setter) {
            if (options.containsKey(option)) {
                setter.accept(options.get(option));
            }
        }

        /** Passes the option as a whole number to {@code setter} when it was given. */
        public void ifInteger(String option, java.util.function.IntConsumer setter) {
            if (options.containsKey(option)) {
                setter.accept(integer(option, 0, Integer.MIN_VALUE));
            }
        }

        /** Passes the option as a number to {@code setter} when it was given (the step checks its range). */
        public void ifNumber(String option, java.util.function.DoubleConsumer setter) {
            if (options.containsKey(option)) {
                setter.accept(number(option, 0, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false));
            }
        }

        /** An image shape option written CxHxW, e.g. {@code 1x28x28}. */
        public int[] shape(String option) {
            String text = options.getOrDefault(option, "");
            String[] parts = text.split("x", -1);
            int[] shape = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    shape[i] = Integer.parseInt(parts[i].strip());
                } catch (NumberFormatException e) {
                    shape[i] = 0;
                }
            }
            if (parts.length != 3 || java.util.Arrays.stream(shape).anyMatch(d -> d < 1)) {
                throw new RecipeError("%" + magic + ": --" + option + " [" + text
                        + "] must be CxHxW with sizes >= 1, e.g. 1x28x28");
            }
            return shape;
        }

        /** A value that must be one of {@code allowed}. */
        public String choice(String option, String fallback, List<String> allowed) {
            String v = options.getOrDefault(option, fallback);
            if (v != null && !allowed.contains(v)) {
                throw new RecipeError(
                        "%" + magic + ": --" + option + " must be one of " + String.join(", ", allowed)
                                + ", got [" + v + "]");
            }
            return v;
        }

        private static String fmt(double d) {
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
    }
}

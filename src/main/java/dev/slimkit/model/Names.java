package dev.slimkit.model;

import java.util.regex.Pattern;

/** The rule for model and data names: a letter or underscore, then letters, digits, _ . or -. */
public final class Names {

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]*");

    private Names() {}

    /**
     * Checks a name.
     *
     * @throws IllegalArgumentException naming the value and the rule
     */
    public static String check(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid name [" + name + "]; use a letter, then letters, digits, _ . or -"
                    + " (e.g. fmnist, teacher)");
        }
        return name;
    }
}

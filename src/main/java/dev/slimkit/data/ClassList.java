package dev.slimkit.data;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * A list of classes as a user types it ({@code 5-9}, {@code 0,2,5}, {@code 0-2,7}): parsed, checked
 * part by part (each error names the part as typed) and expanded, before anything is allocated.
 */
public final class ClassList {

    private ClassList() {}

    /** The most classes a class list may name when the data set is not known yet. */
    public static final int MAX_CLASSES = 65_536;

    /**
     * One part of a class list as typed: a class ({@code 7}) or a range ({@code 5-9}).
     *
     * @param text the part as typed, trimmed
     * @param from the first class
     * @param to the last class (equal to {@code from} for a single class)
     */
    record ClassRange(String text, long from, long to) {
        boolean isRange() {
            return text.indexOf('-', 1) > 0;
        }
    }

    /**
     * Parses a class list: a range {@code 5-9}, a list {@code 0,2,5}, or a mix {@code 0-2,7}. Without
     * the data set at hand, ranges are checked only against {@link #MAX_CLASSES}, before anything
     * is allocated; {@link ImageData#classes(String)} checks them against the data's classes.
     *
     * @throws IllegalArgumentException naming the text when it is not such a list, or names a
     *     class twice or more classes than {@link #MAX_CLASSES}
     */
    public static int[] parse(String text) {
        List<ClassRange> ranges = classRanges(text);
        long total = 0;
        for (ClassRange r : ranges) {
            if (r.from() < 0) {
                throw new IllegalArgumentException((r.isRange() ? "class range [" : "class [") + r.text()
                        + "] is below 0; classes are numbered from 0");
            }
            total += r.to() - r.from() + 1;
            if (r.to() >= MAX_CLASSES || total > MAX_CLASSES) {
                throw new IllegalArgumentException((r.isRange() ? "class range [" : "class [") + r.text()
                        + "] goes past class " + (MAX_CLASSES - 1) + ", more classes than a data set here can have;"
                        + " pass the classes of your data, e.g. 0-4");
            }
        }
        return expand(text, ranges);
    }

    /**
     * Parses a class list against a data set of {@code numClasses} classes: every error names the
     * part as typed ({@code class range [3-99] goes past the last class 9}) and is raised before
     * anything is allocated.
     *
     * @throws IllegalArgumentException naming the part of the text that is wrong
     */
    public static int[] parse(String text, int numClasses, String dataName) {
        List<ClassRange> ranges = classRanges(text);
        for (ClassRange r : ranges) {
            if (r.from() < 0 || r.to() >= numClasses) {
                throw new IllegalArgumentException(outside(r, numClasses, dataName));
            }
        }
        return expand(text, ranges); // every class is in [0, numClasses): at most numClasses, or a repeat
    }

    /** The message for a class or range outside [0, numClasses). */
    static String outside(ClassRange r, int numClasses, String dataName) {
        String what = (r.isRange() ? "class range [" : "class [") + r.text() + "]";
        String pass = "; pass classes between 0 and " + (numClasses - 1);
        if (r.from() < 0) {
            return what + " is below 0, the first class" + pass;
        }
        return what + (r.isRange() ? " goes past" : " is past") + " the last class " + (numClasses - 1)
                + (dataName == null ? "" : " of " + dataName) + pass;
    }

    /** The parts of a class list, each parsed and checked for order, nothing expanded. */
    static List<ClassRange> classRanges(String text) {
        String unreadable = "cannot read class list [" + text + "]; write a range such as 0-4 or a list such as 0,2,5";
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException(unreadable);
        }
        List<ClassRange> out = new ArrayList<>();
        for (String part : text.split(",", -1)) {
            String p = part.strip();
            int dash = p.indexOf('-', 1);
            try {
                if (dash > 0) {
                    long from = number(p.substring(0, dash).strip());
                    long to = number(p.substring(dash + 1).strip());
                    if (to < from) {
                        throw new IllegalArgumentException("class range [" + p + "] runs backwards; write the lower class"
                                + " first, e.g. " + to + "-" + from);
                    }
                    out.add(new ClassRange(p, from, to));
                } else {
                    long c = number(p);
                    out.add(new ClassRange(p, c, c));
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(unreadable);
            }
        }
        return out;
    }

    /** An integer as typed; one too large for a long counts as the largest (it is past any class). */
    private static long number(String token) {
        if (!token.matches("-?[0-9]+")) { // ASCII digits only (Long.parseLong also takes other scripts' digits)
            throw new NumberFormatException(token);
        }
        if (token.matches("-?[0-9]{19,}")) {
            return token.startsWith("-") ? Long.MIN_VALUE / 2 : Long.MAX_VALUE / 2;
        }
        return Long.parseLong(token);
    }

    private static int[] expand(String text, List<ClassRange> ranges) {
        List<Integer> classes = new ArrayList<>();
        TreeSet<Integer> seen = new TreeSet<>();
        for (ClassRange r : ranges) {
            for (long c = r.from(); c <= r.to(); c++) {
                if (!seen.add((int) c)) {
                    throw new IllegalArgumentException(
                            "class list [" + text + "] names class " + c + " twice; list each class once");
                }
                classes.add((int) c);
            }
        }
        return classes.stream().mapToInt(Integer::intValue).toArray();
    }
}

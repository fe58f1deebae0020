package dev.slimkit.schedule;

import java.util.Locale;

/**
 * A value as a function of progress in [0, 1] (0 = first step, 1 = last). Learning rates use it as
 * a multiplier of the base rate; pruning uses it for the sparsity target; distillation for its
 * weights. Implementations are pure functions; {@link #describe()} names them in tables.
 */
public interface Schedule {

    /** The value at {@code progress} (clamped to [0, 1]). */
    double valueAt(double progress);

    /** A short description, e.g. {@code cosine(1 → 0)}. */
    String describe();

    /** The same value throughout. */
    static Schedule constant(double value) {
        return of(p -> value, fmt("constant(%s)", value));
    }

    /** Straight line from {@code start} to {@code end}. */
    static Schedule linear(double start, double end) {
        return of(p -> start + (end - start) * p, fmt("linear(%s → %s)", start, end));
    }

    /** Half a cosine from {@code start} to {@code end} (SGDR-style annealing). */
    static Schedule cosine(double start, double end) {
        return of(
                p -> end + (start - end) * 0.5 * (1 + Math.cos(Math.PI * p)),
                fmt("cosine(%s → %s)", start, end));
    }

    /**
     * Polynomial decay {@code end + (start − end)(1 − p)^power}. With power 3 this is Zhu &amp;
     * Gupta's automated gradual pruning (AGP) schedule, from initial to final sparsity.
     */
    static Schedule polynomial(double start, double end, double power) {
        if (!(power > 0)) {
            throw new IllegalArgumentException(
                    "polynomial power must be > 0, got [" + power + "]; pass e.g. 3");
        }
        return of(
                p -> end + (start - end) * Math.pow(1 - p, power),
                fmt("polynomial(%s → %s, power %s)", start, end, power));
    }

    /**
     * The one-cycle policy (Smith; fastai's {@code fit_one_cycle}): cosine warm-up from {@code
     * peak/divFactor} to {@code peak} over the first {@code pctStart} of training, then cosine
     * annealing to {@code peak/finalDivFactor}.
     */
    static Schedule oneCycle(double peak, double pctStart, double divFactor, double finalDivFactor) {
        if (!(pctStart > 0 && pctStart < 1)) {
            throw new IllegalArgumentException(
                    "one-cycle warm-up fraction must be in (0, 1), got [" + pctStart
                            + "]; pass e.g. 0.25");
        }
        double low = peak / divFactor;
        double end = peak / finalDivFactor;
        Schedule up = cosine(low, peak);
        Schedule down = cosine(peak, end);
        return of(
                p -> p < pctStart ? up.valueAt(p / pctStart)
                        : down.valueAt((p - pctStart) / (1 - pctStart)),
                fmt("one-cycle(peak %s, warm-up %s)", peak, pctStart));
    }

    /** One-cycle with fastai's defaults: 25 % warm-up, start at peak/25, end at peak/1e5. */
    static Schedule oneCycle(double peak) {
        return oneCycle(peak, 0.25, 25, 1e5);
    }

    /**
     * Parses a schedule name as used on the command line, as a multiplier of a base value:
     * {@code constant}, {@code linear} (1 → 0), {@code cosine} (1 → 0), {@code polynomial} (1 →
     * 0, power 2) or {@code one-cycle}.
     *
     * @throws IllegalArgumentException naming the value and the allowed names
     */
    public static Schedule named(String name) {
        return switch (name == null ? "" : name.toLowerCase(Locale.ROOT)) {
            case "constant" -> constant(1);
            case "linear" -> linear(1, 0);
            case "cosine" -> cosine(1, 0);
            case "polynomial" -> polynomial(1, 0, 2);
            case "one-cycle", "onecycle" -> oneCycle(1);
            default -> throw new IllegalArgumentException(
                    "unknown schedule [" + name
                            + "]; choose one of constant, linear, cosine, polynomial, one-cycle");
        };
    }

    /** Wraps a function with a description. */
    static Schedule of(java.util.function.DoubleUnaryOperator function, String description) {
        return new Schedule() {
            @Override
            public double valueAt(double progress) {
                return function.applyAsDouble(Math.max(0, Math.min(1, progress)));
            }

            @Override
            public String describe() {
                return description;
            }

            @Override
            public String toString() {
                return description;
            }
        };
    }

    private static String fmt(String pattern, Object... values) {
        Object[] shown = new Object[values.length];
        for (int i = 0; i < values.length; i++) {
            shown[i] = values[i] instanceof Double d ? trim(d) : values[i];
        }
        return String.format(Locale.ROOT, pattern, shown);
    }

    private static String trim(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}

package dev.slimkit.report;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * How slimkit writes numbers on chart axes and labels: counts with SI suffixes ({@code 4_241_152}
 * → {@code "4.2 M"}), milliseconds ({@code "0.5 ms"}), fractions as percentages ({@code 0.8954}
 * → {@code "89.5%"}), and the axis bounds and scale that make a range readable. Pure functions
 * of their arguments, so charts are tested through them.
 *
 * <p>Two forms of each: a <em>value</em> form that rounds for a label next to a point (two or
 * three significant digits), and a <em>tick</em> form that keeps up to three significant digits,
 * so neighbouring ticks such as {@code 1.25 M} and {@code 1.5 M} never print alike.
 */
public final class AxisFormat {

    private static final String[] SUFFIXES = {"", " k", " M", " G", " T"};

    private AxisFormat() {}

    /**
     * A count for a label: {@code 4_241_152} → {@code "4.2 M"}, {@code 61_706} → {@code
     * "61.7 k"}, {@code 420_000} → {@code "420 k"}, {@code 950} → {@code "950"}. One decimal below
     * 100 of the unit, none above, a trailing {@code .0} dropped.
     */
    public static String count(double value) {
        return si(value, false);
    }

    /** A count on an axis tick: up to three significant digits ({@code 1_250_000} → {@code "1.25 M"}). */
    public static String countTick(double value) {
        return si(value, true);
    }

    /**
     * Milliseconds for a label: {@code 0.5} → {@code "0.5 ms"}, {@code 12.34} → {@code
     * "12.3 ms"}, {@code 0.042} → {@code "0.042 ms"}, {@code 1500} → {@code "1.5 s"}.
     */
    public static String ms(double value) {
        if (!Double.isFinite(value)) {
            return "–";
        }
        if (Math.abs(value) >= 1000) {
            return significant(value / 1000, 3) + " s";
        }
        return significant(value, Math.abs(value) >= 100 ? 3 : Math.abs(value) >= 1 ? 3 : 2) + " ms";
    }

    /** Milliseconds on an axis tick ({@code 2.5} → {@code "2.5 ms"}, {@code 0} → {@code "0 ms"}). */
    public static String msTick(double value) {
        if (!Double.isFinite(value)) {
            return "";
        }
        if (Math.abs(value) >= 1000) {
            return significant(value / 1000, 3) + " s";
        }
        return significant(value, 3) + " ms";
    }

    /** A fraction as a percentage for a label, one decimal: {@code 0.8954} → {@code "89.5%"}, {@code 1} → {@code "100%"}. */
    public static String percent(double fraction) {
        if (!Double.isFinite(fraction)) {
            return "–";
        }
        return strip(BigDecimal.valueOf(fraction * 100).setScale(1, RoundingMode.HALF_UP)) + "%";
    }

    /** A fraction on an axis tick, up to two decimals of a percent: {@code 0.8825} → {@code "88.25%"}. */
    public static String percentTick(double fraction) {
        if (!Double.isFinite(fraction)) {
            return "";
        }
        return strip(BigDecimal.valueOf(fraction * 100).setScale(2, RoundingMode.HALF_UP)) + "%";
    }

    /** A plain number on an axis tick: up to three significant digits, SI suffixes from 10,000 on. */
    public static String plainTick(double value) {
        if (!Double.isFinite(value)) {
            return "";
        }
        return Math.abs(value) >= 10_000 ? si(value, true) : significant(value, 3);
    }

    /**
     * Whether positive values span more than {@code decades} powers of ten (e.g. {@code 2}: the
     * largest is over 100 times the smallest), the point at which a linear axis hides the small
     * ones. Values {@code <= 0} and NaN are ignored.
     */
    public static boolean spansDecades(double[] values, double decades) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double v : values) {
            if (v > 0 && Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        return max > 0 && max / min > Math.pow(10, decades);
    }

    /**
     * Bounds for an axis of fractions in [0, 1] (accuracy, sparsity) that show the differences
     * between the values: the data range padded by a quarter of its width (at least half a
     * percentage point), widened to at least 2 percentage points, rounded outward to a multiple of
     * a nice step, and kept within [0, 1]. No finite values give [0, 1].
     *
     * @return {@code {lower, upper}}
     */
    public static double[] fractionBounds(double... values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double v : values) {
            if (Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (min > max) {
            return new double[] {0, 1};
        }
        double pad = Math.max(0.005, (max - min) * 0.25);
        double lo = min - pad;
        double hi = max + pad;
        if (hi - lo < 0.02) {
            double mid = (lo + hi) / 2;
            lo = mid - 0.01;
            hi = mid + 0.01;
        }
        double step = niceStep((hi - lo) / 4);
        lo = Math.max(0, Math.floor(lo / step + 1e-9) * step);
        hi = Math.min(1, Math.ceil(hi / step - 1e-9) * step);
        return new double[] {round(lo), round(hi)};
    }

    /**
     * Log axis bounds for positive values: whole exponents of ten around them, so ticks fall on
     * {@code 10}, {@code 100}, {@code 1 k}...
     *
     * @return {@code {lowerExponent, upperExponent}}
     */
    public static double[] logScale(double... values) {
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        for (double v : values) {
            if (v > 0 && Double.isFinite(v)) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (max == 0) {
            return new double[] {0, 1};
        }
        double lo = Math.floor(Math.log10(min));
        double hi = Math.ceil(Math.log10(max) + 1e-9);
        return new double[] {lo, Math.max(hi, lo + 1)};
    }

    /** 1, 2, 2.5 or 5 times a power of ten, the smallest at least {@code raw}. */
    static double niceStep(double raw) {
        double power = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * power >= raw - 1e-12) {
                return m * power;
            }
        }
        return 10 * power;
    }

    private static String si(double value, boolean tick) {
        if (!Double.isFinite(value)) {
            return tick ? "" : "–";
        }
        double abs = Math.abs(value);
        int unit = 0;
        double scaled = value;
        while (Math.abs(scaled) >= 1000 && unit < SUFFIXES.length - 1) {
            scaled /= 1000;
            unit++;
        }
        if (tick) {
            String s = significant(scaled, 3);
            // 999,999 rounds to "1,000 k" at three digits: move up a unit instead
            if (unit < SUFFIXES.length - 1 && Math.abs(Double.parseDouble(s)) >= 1000) {
                return significant(scaled / 1000, 3) + SUFFIXES[unit + 1];
            }
            return s + SUFFIXES[unit];
        }
        if (unit == 0 && abs < 1 && abs > 0) {
            return significant(value, 2);
        }
        int decimals = Math.abs(scaled) >= 100 || unit == 0 && scaled == Math.rint(scaled) ? 0 : 1;
        BigDecimal rounded = BigDecimal.valueOf(scaled).setScale(decimals, RoundingMode.HALF_UP);
        if (unit < SUFFIXES.length - 1 && rounded.abs().compareTo(BigDecimal.valueOf(1000)) >= 0) {
            return si(Math.signum(value) * 1000 * Math.pow(1000, unit), false);
        }
        return strip(rounded) + SUFFIXES[unit];
    }

    /** {@code value} at {@code digits} significant digits, trailing zeros dropped, no exponent. */
    static String significant(double value, int digits) {
        if (value == 0) {
            return "0";
        }
        return strip(new BigDecimal(value).round(new MathContext(digits, RoundingMode.HALF_UP)));
    }

    private static String strip(BigDecimal d) {
        String s = d.stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    private static double round(double v) {
        return BigDecimal.valueOf(v).round(new MathContext(12)).doubleValue();
    }
}

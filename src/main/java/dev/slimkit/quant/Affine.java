package dev.slimkit.quant;

import java.util.Locale;

/**
 * An affine map between real values and integers, {@code real = scale · (q − zeroPoint)}, with
 * {@code q} clamped to {@code [qmin, qmax]} and rounded half to even, as ONNX's QuantizeLinear
 * does.
 *
 * @param scale the real step between two integers (positive)
 * @param zeroPoint the integer that stands for real 0
 * @param qmin the smallest integer
 * @param qmax the largest integer
 */
public record Affine(float scale, int zeroPoint, int qmin, int qmax) {

    /** The scale used when a range is empty (all values equal 0): any positive value represents it exactly. */
    static final float EMPTY_RANGE_SCALE = 1f;

    /**
     * Unsigned 8-bit activations over {@code [min, max]} widened to hold 0 (so that zero padding and
     * ReLU's zeros are exact): scale {@code (max − min) / 255}, zero point {@code round(−min / scale)}.
     *
     * @throws IllegalArgumentException when a bound is not finite
     */
    public static Affine uint8(double min, double max) {
        if (!Double.isFinite(min) || !Double.isFinite(max) || min > max) {
            throw new IllegalArgumentException(String.format(Locale.ROOT,
                    "an activation range must be finite and ordered, got [%s, %s]", min, max));
        }
        double lo = Math.min(0, min);
        double hi = Math.max(0, max);
        if (hi - lo == 0) {
            return new Affine(EMPTY_RANGE_SCALE, 0, 0, 255);
        }
        float scale = (float) ((hi - lo) / 255);
        int zero = (int) Math.max(0, Math.min(255, Math.rint(-lo / scale)));
        return new Affine(scale, zero, 0, 255);
    }

    /**
     * Signed 8-bit weights, symmetric: scale {@code absMax / 127}, zero point 0, integers in
     * [−127, 127] (the same range on both sides, so that a weight and its negation stay negations).
     */
    public static Affine int8Symmetric(double absMax) {
        if (!Double.isFinite(absMax) || absMax < 0) {
            throw new IllegalArgumentException("a weight range must be finite and non-negative, got [" + absMax + "]");
        }
        return new Affine(absMax == 0 ? EMPTY_RANGE_SCALE : (float) (absMax / 127), 0, -127, 127);
    }

    /** {@code clamp(round_half_even(v / scale) + zeroPoint, qmin, qmax)}. */
    public int quantize(float v) {
        double q = Math.rint(v / scale) + zeroPoint;
        return (int) Math.max(qmin, Math.min(qmax, q));
    }

    /** {@code scale · (q − zeroPoint)}. */
    public float dequantize(int q) {
        return scale * (q - zeroPoint);
    }

    /** {@code v} quantized and back: what the int8 model computes with in place of {@code v}. */
    public float roundTrip(float v) {
        return dequantize(quantize(v));
    }
}

package org.vecprop.testing;

/**
 * Errors in float ulps of a double-precision truth, the measure every bound of the sigmoid and
 * tanh kernels is stated in: {@code |got - truth| / 2^(e-23)} with {@code 2^e <= |truth| < 2^(e+1)},
 * and the subnormal spacing 2^-149 where {@code |truth| < 2^-126}.
 */
public final class Ulps {
    private Ulps() {}

    /** Below this magnitude a float result is subnormal. */
    public static final double SUBNORMAL_LIMIT = 0x1p-126;

    /**
     * The error of {@code got} against {@code truth} in float ulps of the truth: 0 for NaN against
     * NaN and for an infinity the truth rounds to, +Inf for any other mismatch of class (a NaN,
     * or an infinity the truth does not round to).
     */
    public static double error(float got, double truth) {
        if (Double.isNaN(truth) || Float.isNaN(got)) {
            return Double.isNaN(truth) && Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        }
        if (Float.isInfinite(got)) {
            return (float) truth == got ? 0 : Double.POSITIVE_INFINITY;
        }
        int e = Math.getExponent(truth); // Double.MIN_EXPONENT - 1 for 0 and subnormal doubles
        e = Math.max(e, Float.MIN_EXPONENT);
        e = Math.min(e, Float.MAX_EXPONENT);
        return Math.abs(got - truth) / Math.scalb(1.0, e - 23);
    }
}

package org.vecprop.internal.math;

/**
 * The three functions of {@link FloatExp} with their double-precision truth and their error
 * bounds in ulps. No Vector API types here, so the scalar tests load without the incubator module.
 *
 * <p><b>Error measure.</b> {@link #ulpError} is |result − truth| in float ulps of the truth: the
 * spacing 2^(e−23) of floats in the binade [2^e, 2^(e+1)) that holds |truth|, and 2^-149 (the
 * subnormal spacing) where |truth| < 2^-126. The truth is computed in double from the float
 * argument ({@link Math#exp}, {@link Math#tanh}, and the logistic function from {@code Math.exp});
 * its own error, a few 2^-53 relative, is below 10^-7 float ulps.
 *
 * <p><b>Bounds</b> (derivation in {@code docs/exp.md}; u = 2^-24). Each is 0.5 ulp for the final
 * rounding plus the worst error carried into it, rounded up in the second decimal (the analysis
 * neglects terms of order u²). They come from the analysis, not from the measurements; the
 * exhaustive sweep ({@code scripts/exp-accuracy}) confirms them.
 * <ul>
 *   <li>exp, normal result: 0.5 + 0.309 (er < 1; 0.209 for er >= 1) = 0.81;
 *       subnormal result: 0.5 + 0.81/2 = 0.91.</li>
 *   <li>sigmoid, x >= 0: 0.5 + 1.418/4 = 0.86 (exp's relative error 1.418u damped by
 *       t/(1+t)² <= 1/4); x < 0: 0.5 + 1.418 = 1.92 (the relative error of t passes through
 *       t/(1+t) undamped); subnormal result: exp's 0.91.</li>
 *   <li>tanh, |x| < 0.625: 0.5 + 0.594 = 1.1 (polynomial 0.144u plus evaluation 3.54u · 0.127);
 *       |x| >= 0.625: 0.5 + 0.49 = 1.0 (exp's 1.418u times 2e/(e+1)² <= 0.346).</li>
 * </ul>
 */
enum ExpFunction {
    EXP {
        @Override
        float scalar(float x) {
            return FloatExp.exp(x);
        }

        @Override
        double truth(float x) {
            return Math.exp(x);
        }

        @Override
        double bound(float x, double truth) {
            return Math.abs(truth) < 0x1p-126 ? EXP_SUBNORMAL : EXP_NORMAL;
        }
    },
    SIGMOID {
        @Override
        float scalar(float x) {
            return FloatExp.sigmoid(x);
        }

        @Override
        double truth(float x) {
            double d = x;
            if (d >= 0) {
                return 1 / (1 + Math.exp(-d));
            }
            double e = Math.exp(d);
            return e / (1 + e);
        }

        @Override
        double bound(float x, double truth) {
            return x >= 0 ? SIGMOID_NON_NEGATIVE
                    : Math.abs(truth) < 0x1p-126 ? EXP_SUBNORMAL : SIGMOID_NEGATIVE;
        }
    },
    TANH {
        @Override
        float scalar(float x) {
            return FloatExp.tanh(x);
        }

        @Override
        double truth(float x) {
            return Math.tanh(x);
        }

        @Override
        double bound(float x, double truth) {
            return Math.abs(x) < FloatExp.TANH_POLY_LIMIT ? TANH_POLYNOMIAL : TANH_FORMULA;
        }
    };

    static final double EXP_NORMAL = 0.81;
    static final double EXP_SUBNORMAL = 0.91;
    static final double SIGMOID_NON_NEGATIVE = 0.86;
    static final double SIGMOID_NEGATIVE = 1.92;
    static final double TANH_POLYNOMIAL = 1.1;
    static final double TANH_FORMULA = 1.0;

    /** vecprop's scalar form. */
    abstract float scalar(float x);

    /** The double-precision truth at x. */
    abstract double truth(float x);

    /** The error bound in ulps that holds at x (see the class comment). */
    abstract double bound(float x, double truth);

    /** The name used in messages and reports. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The error of {@code got} against {@code truth} in float ulps of the truth (see the class
     * comment): 0 for an infinity the truth rounds to and for NaN against NaN, +Inf for any other
     * mismatch of class (a NaN, an infinity the truth does not round to).
     */
    static double ulpError(float got, double truth) {
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

package org.vecprop.internal.math;

/**
 * vecprop's log and log1p ({@link FloatLog}) with their double-precision truth and their error
 * bound in ulps, as {@link ExpFunction} holds exp's. No Vector API types here, so the scalar tests
 * load without the incubator module.
 *
 * <p>The truth is {@link Math#log} and {@link Math#log1p} of the float argument in double (within
 * 1 double ulp, so below 10^-7 float ulps); the error is {@link ExpFunction#ulpError}, in float
 * ulps of the truth. The bound, 0.75 ulp for both, is the first-order error analysis of
 * {@code docs/log.md} ({@code scripts/log_coefficients.py} prints 0.7464), not a measurement.
 */
enum LogFunction {
    LOG {
        @Override
        float scalar(float x) {
            return FloatLog.log(x);
        }

        @Override
        double truth(float x) {
            return Math.log(x);
        }
    },
    LOG1P {
        @Override
        float scalar(float x) {
            return FloatLog.log1p(x);
        }

        @Override
        double truth(float x) {
            return Math.log1p(x);
        }
    };

    /** The bound of both functions, in ulps (docs/log.md). */
    static final double BOUND = 0.75;

    /** vecprop's scalar form. */
    abstract float scalar(float x);

    /** The double-precision truth at x. */
    abstract double truth(float x);

    /** The error bound in ulps that holds at x. */
    double bound(float x, double truth) {
        return BOUND;
    }

    /** The name used in messages and reports. */
    String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}

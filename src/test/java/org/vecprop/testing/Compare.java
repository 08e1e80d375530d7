package org.vecprop.testing;

import static org.junit.jupiter.api.Assertions.fail;

/**
 * Comparisons of a kernel's output with the reference's. Special values are compared by
 * class (NaN where the reference has NaN, the same infinity where it has one); finite values
 * within a tolerance that the caller derives from an error bound.
 */
public final class Compare {
    private Compare() {}

    /** Unit roundoff of float32: 2^-24. */
    public static final double U = Math.ulp(1.0f) / 2;
    /** The absolute error of one rounding that lands in the subnormal range: 2^-150. */
    public static final double SUBNORMAL_ROUNDING = Float.MIN_VALUE / 2.0;

    /** Asserts {@code actual} matches {@code expected} by class, and within {@code tol} if finite. */
    public static void close(float expected, float actual, double tol, String where) {
        if (Float.isNaN(expected)) {
            if (!Float.isNaN(actual)) {
                fail(where + ": expected NaN, got " + actual);
            }
        } else if (Float.isInfinite(expected)) {
            if (actual != expected) {
                fail(where + ": expected " + expected + ", got " + actual);
            }
        } else if (!Float.isFinite(actual) || Math.abs((double) actual - expected) > tol) {
            fail(where + ": expected " + expected + " +- " + tol + ", got " + actual
                    + " (difference " + Math.abs((double) actual - expected) + ")");
        }
    }

    /** Asserts the two floats have the same bits (NaNs compare equal whatever their payload). */
    public static void same(float expected, float actual, String where) {
        if (Float.floatToIntBits(expected) != Float.floatToIntBits(actual)) {
            fail(where + ": expected " + expected + " (bits " + Integer.toHexString(
                    Float.floatToRawIntBits(expected)) + "), got " + actual + " (bits "
                    + Integer.toHexString(Float.floatToRawIntBits(actual)) + ")");
        }
    }

    /** Asserts two whole arrays are bit-identical (NaN payloads aside). */
    public static void sameArray(float[] expected, float[] actual, String what) {
        if (expected.length != actual.length) {
            fail(what + ": length " + actual.length + " != " + expected.length);
        }
        for (int i = 0; i < expected.length; i++) {
            same(expected[i], actual[i], what + "[" + i + "]");
        }
    }
}

package org.vecprop.kernel;

import org.vecprop.reference.Checks;

/**
 * Cheap summaries for training diagnostics: one pass gives a matrix's sum of squares, largest
 * absolute value and NaN and infinity counts; another counts dead ReLU units. The layout of a
 * summary is given by the index constants of {@link org.vecprop.reference.Stats}.
 *
 * <p>The counts and the maximum equal the reference's exactly; the sum of squares is
 * accumulated per row in float lanes and folded into double, within {@code (cols/L + L) * 2^-24}
 * relative of the reference's double sum (all terms are non-negative). Thread-safe; allocates
 * nothing.
 */
public final class Stats {
    private Stats() {}

    /**
     * Summarises a {@code rows x cols} matrix into {@code out[0..3]}: sum of squares of the
     * finite elements, their largest absolute value, NaN count, infinity count.
     *
     * @param out at least 4 doubles, overwritten
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public static void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out) {
        Checks.matrix("x", x, xOff, rows, cols, ldx);
        Checks.summary(out);
        if (Simd.ENABLED) {
            SimdStats.summarize(rows, cols, x, xOff, ldx, out);
        } else {
            org.vecprop.reference.Stats.summarize(rows, cols, x, xOff, ldx, out);
        }
    }

    /**
     * Counts the columns with no element {@code > 0} (dead ReLU units over a batch).
     *
     * @throws IllegalArgumentException or IndexOutOfBoundsException for bad arguments
     */
    public static int deadColumns(int rows, int cols, float[] a, int aOff, int lda) {
        Checks.matrix("a", a, aOff, rows, cols, lda);
        if (Simd.ENABLED) {
            return SimdStats.deadColumns(rows, cols, a, aOff, lda);
        }
        return org.vecprop.reference.Stats.deadColumns(rows, cols, a, aOff, lda);
    }
}

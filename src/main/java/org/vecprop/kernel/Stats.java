package org.vecprop.kernel;

import org.vecprop.contract.Checks;
import org.vecprop.contract.SummaryIndex;

/**
 * Cheap summaries for training diagnostics: one pass gives a matrix's sum of squares, largest
 * absolute value and NaN and infinity counts; another counts dead ReLU units. A summary is four
 * doubles, at the indices this class names ({@link #SUM_SQUARES} and the rest).
 *
 * <p>The counts and the maximum equal the reference's exactly; the sum of squares is
 * accumulated per row in float lanes and folded into double, within {@code (cols/L + L) * 2^-24}
 * relative of the reference's double sum (all terms are non-negative). Thread-safe; allocates
 * nothing.
 */
public final class Stats {
    private Stats() {}

    /** Index of the sum of squares of the finite elements in a summary. */
    public static final int SUM_SQUARES = SummaryIndex.SUM_SQUARES;
    /** Index of the largest absolute value among the finite elements (0 if none). */
    public static final int MAX_ABS = SummaryIndex.MAX_ABS;
    /** Index of the count of NaN elements. */
    public static final int NAN_COUNT = SummaryIndex.NAN_COUNT;
    /** Index of the count of infinite elements. */
    public static final int INF_COUNT = SummaryIndex.INF_COUNT;

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
        Implementation.KERNELS.summarize(rows, cols, x, xOff, ldx, out);
    }

    /**
     * Counts the columns with no element {@code > 0} (dead ReLU units over a batch).
     *
     * @throws IllegalArgumentException or IndexOutOfBoundsException for bad arguments
     */
    public static int deadColumns(int rows, int cols, float[] a, int aOff, int lda) {
        Checks.matrix("a", a, aOff, rows, cols, lda);
        return Implementation.KERNELS.deadColumns(rows, cols, a, aOff, lda);
    }
}

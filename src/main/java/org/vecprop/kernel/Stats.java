package org.vecprop.kernel;

import org.vecprop.contract.Checks;
import org.vecprop.internal.Buffers;
import org.vecprop.contract.SummaryIndex;

/**
 * Cheap summaries for training diagnostics: one pass gives a matrix's sum of squares, largest
 * absolute value and NaN and infinity counts; another counts dead ReLU units. A summary is four
 * doubles, at the indices this class names ({@link #SUM_SQUARES} and the rest).
 *
 * <p>The counts and the maximum equal the reference's exactly; the sum of squares is
 * accumulated per row in float lanes and folded into double, within {@code (cols/L + L) * 2^-24}
 * relative of the reference's double sum (all terms are non-negative). Thread-safe; allocates
 * nothing once warm: the sum of squares runs in a state of 13 KiB, the caller's {@link
 * Workspace} in the form that takes one, else one kept per thread, made on a thread's first call.
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
     * @param rows rows of x, {@code >= 0}
     * @param cols columns of x, {@code >= 0}
     * @param x the matrix, {@code rows x cols}, row-major
     * @param xOff index of x's element (0, 0) in {@code x}, {@code 0 <= xOff <= x.length}
     * @param ldx row stride of x, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code x[xOff + i * ldx + j]}
     * @param out at least 4 doubles; {@code out[0..3]} are overwritten, at the indices
     *     {@link #SUM_SQUARES}, {@link #MAX_ABS}, {@link #NAN_COUNT} and {@link #INF_COUNT}, and
     *     any further elements are left as they were
     * @throws NullPointerException if {@code x} or {@code out} is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or an {@code out} shorter than 4
     * @throws IndexOutOfBoundsException for an offset outside x or a matrix that runs past the
     *     end of x; every exception before anything is written
     */
    public static void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out) {
        Checks.matrix("x", x, xOff, rows, cols, ldx);
        Checks.summary(out);
        Implementation.KERNELS.summarize(rows, cols, x, xOff, ldx, out, null);
    }

    /**
     * As {@link #summarize(int, int, float[], int, int, double[])}, summing in the caller's
     * workspace; bit-identical to it. Every argument is checked before anything is written.
     *
     * @param rows rows of x, {@code >= 0}
     * @param cols columns of x, {@code >= 0}
     * @param x the matrix, {@code rows x cols}, row-major
     * @param xOff index of x's element (0, 0) in {@code x}, {@code 0 <= xOff <= x.length}
     * @param ldx row stride of x, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code x[xOff + i * ldx + j]}
     * @param out at least 4 doubles; {@code out[0..3]} are overwritten, at the indices
     *     {@link #SUM_SQUARES}, {@link #MAX_ABS}, {@link #NAN_COUNT} and {@link #INF_COUNT}, and
     *     any further elements are left as they were
     * @param workspace the caller's scratch ({@link Workspace}): the sum's state is kept there
     *     instead of in this thread's
     * @throws NullPointerException if {@code workspace}, {@code x} or {@code out} is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or an {@code out} shorter than 4
     * @throws IndexOutOfBoundsException for an offset outside x or a matrix that runs past the
     *     end of x
     */
    public static void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out,
                                 Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        Checks.matrix("x", x, xOff, rows, cols, ldx);
        Checks.summary(out);
        Implementation.KERNELS.summarize(rows, cols, x, xOff, ldx, out, buffers);
    }

    /**
     * Counts the columns with no element {@code > 0} (dead ReLU units over a batch). NaN is not
     * {@code > 0}, so a column of zeros and NaNs counts as dead. Equals
     * {@link org.vecprop.reference.ReferenceStats#deadColumns} exactly.
     *
     * @param rows rows of a (the batch), {@code >= 0}; with 0 rows every column counts as dead
     * @param cols columns of a (the units), {@code >= 0}
     * @param a the activations, {@code rows x cols}, row-major
     * @param aOff index of a's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of a, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code a[aOff + i * lda + j]}
     * @return how many of the {@code cols} columns have no element {@code > 0}
     * @throws NullPointerException if an array argument is null
     * @throws IllegalArgumentException for a negative size or a row stride below
     *     {@code max(1, cols)}
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array
     */
    public static int deadColumns(int rows, int cols, float[] a, int aOff, int lda) {
        Checks.matrix("a", a, aOff, rows, cols, lda);
        return Implementation.KERNELS.deadColumns(rows, cols, a, aOff, lda);
    }
}

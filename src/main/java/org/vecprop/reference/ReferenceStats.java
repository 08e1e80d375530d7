package org.vecprop.reference;

import org.vecprop.contract.Checks;
import org.vecprop.contract.SummaryIndex;

/**
 * Scalar summaries for diagnostics: the oracle that the kernels are tested against.
 */
public final class ReferenceStats {
    private ReferenceStats() {}

    /** Index of the sum of squares of the finite elements in a summary. */
    public static final int SUM_SQUARES = SummaryIndex.SUM_SQUARES;
    /** Index of the largest absolute value among the finite elements (0 if none). */
    public static final int MAX_ABS = SummaryIndex.MAX_ABS;
    /** Index of the count of NaN elements. */
    public static final int NAN_COUNT = SummaryIndex.NAN_COUNT;
    /** Index of the count of infinite elements. */
    public static final int INF_COUNT = SummaryIndex.INF_COUNT;

    /**
     * Summarises a {@code rows x cols} matrix into {@code out[0..3]}: the sum of squares of its
     * finite elements (accumulated in double), their largest absolute value, and the counts of
     * NaN and infinite elements (see the index constants).
     *
     * @param rows rows of x, {@code >= 0}
     * @param cols columns of x, {@code >= 0}
     * @param x the matrix, {@code rows x cols}, row-major
     * @param xOff index of x's element (0, 0) in {@code x}, {@code 0 <= xOff <= x.length}
     * @param ldx row stride of x, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code x[xOff + i * ldx + j]}
     * @param out at least 4 doubles; {@code out[0..3]} are overwritten, any further elements are
     *     left as they were
     * @throws NullPointerException if {@code x} or {@code out} is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or an {@code out} shorter than 4
     * @throws IndexOutOfBoundsException for an offset outside x or a matrix that runs past the
     *     end of x; every exception before anything is written
     */
    public static void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out) {
        Checks.matrix("x", x, xOff, rows, cols, ldx);
        Checks.summary(out);
        double sum = 0, max = 0;
        long nan = 0, inf = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = x[xOff + i * ldx + j];
                if (Float.isNaN(v)) {
                    nan++;
                } else if (Float.isInfinite(v)) {
                    inf++;
                } else {
                    sum += (double) v * v;
                    max = Math.max(max, Math.abs(v));
                }
            }
        }
        out[SUM_SQUARES] = sum;
        out[MAX_ABS] = max;
        out[NAN_COUNT] = nan;
        out[INF_COUNT] = inf;
    }

    /**
     * Counts the columns of a {@code rows x cols} matrix with no element {@code > 0}: for a ReLU
     * layer's activations, the units that are dead for the whole batch. NaN is not {@code > 0}.
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
        int dead = 0;
        for (int j = 0; j < cols; j++) {
            boolean alive = false;
            for (int i = 0; i < rows && !alive; i++) {
                alive = a[aOff + i * lda + j] > 0f;
            }
            if (!alive) {
                dead++;
            }
        }
        return dead;
    }
}

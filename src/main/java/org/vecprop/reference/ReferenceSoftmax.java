package org.vecprop.reference;

import org.vecprop.contract.Checks;

/**
 * Row-wise softmax and log-softmax computed in double and rounded once to float: the oracle the
 * softmax kernels are held to.
 *
 * <p>For a row x of n logits, with {@code m = max_j x_j}:
 * {@code softmax_j = exp(x_j - m) / s} and {@code logSoftmax_j = (x_j - m) - log s} ({@code log s}
 * as {@code log1p(s - 1)}, see {@link #maxAndSum}), where
 * {@code s = sum_j exp(x_j - m)} and a logit equal to m contributes exactly 1 to s (it does for
 * finite m; the rule also fixes the value for an infinite m). Special values, which the kernels
 * follow: a NaN logit makes its row NaN; a row whose maximum is +Inf has NaN (Inf − Inf) where
 * the logit is +Inf and 0 (softmax) or -Inf (log-softmax) elsewhere; -Inf logits give 0 and -Inf
 * in a row with a finite maximum; a row of only -Inf is NaN. Double exp and log are within 1 ulp
 * of double, far below a float ulp.
 */
public final class ReferenceSoftmax {
    private ReferenceSoftmax() {}

    /**
     * The row's maximum, in float ({@link Math#max}, so NaN if any logit is NaN),
     * {@code s = sum_j exp(x_j - m)} in double with a logit equal to m counting exactly 1, and
     * {@code s - 1} summed directly (the other terms plus the count of maxima minus 1), so that
     * {@code log s = log1p(s - 1)} keeps its accuracy when one logit dominates (log(1 + 9e-24) is 0
     * even in double).
     *
     * @param x the logits, row stride irrelevant: n contiguous elements from off
     * @param off index of the first logit
     * @param n number of logits, {@code >= 1}
     * @return {@code {m, s, s - 1}}
     */
    public static double[] maxAndSum(float[] x, int off, int n) {
        float m = x[off];
        for (int j = 1; j < n; j++) {
            m = Math.max(m, x[off + j]);
        }
        double rest = 0; // the terms below the maximum
        int c = 0;
        for (int j = 0; j < n; j++) {
            float v = x[off + j];
            if (v == m) {
                c++;
            } else {
                rest += Math.exp((double) v - m);
            }
        }
        double minusOne = (c - 1) + rest;
        return new double[] {m, 1 + minusOne, minusOne};
    }

    /**
     * {@code y = softmax(x)} row by row, each element {@code (float) (exp(x_j - m) / s)}. y may
     * be exactly x's view (in place); no other overlap.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y (the row length), {@code >= 0}
     * @param x logits, row stride {@code ldx}
     * @param xOff index of x's first element
     * @param ldx row stride of x, {@code >= max(1, cols)}
     * @param y output, row stride {@code ldy}
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride, extent or overlap, before any write
     */
    public static void forward(int rows, int cols, float[] x, int xOff, int ldx,
                               float[] y, int yOff, int ldy) {
        Checks.unary(rows, cols, x, xOff, ldx, y, yOff, ldy, "x", "y");
        if (cols == 0) {
            return;
        }
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, xOff + i * ldx, row, 0, cols); // y may be x
            double[] ms = maxAndSum(row, 0, cols);
            for (int j = 0; j < cols; j++) {
                double d = (double) row[j] - ms[0];
                y[yOff + i * ldy + j] = (float) (Math.exp(d) / ms[1]);
            }
        }
    }

    /**
     * {@code y = logSoftmax(x)} row by row, each element {@code (float) ((x_j - m) - log s)}. y
     * may be exactly x's view (in place); no other overlap.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y (the row length), {@code >= 0}
     * @param x logits, row stride {@code ldx}
     * @param xOff index of x's first element
     * @param ldx row stride of x, {@code >= max(1, cols)}
     * @param y output, row stride {@code ldy}
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride, extent or overlap, before any write
     */
    public static void logForward(int rows, int cols, float[] x, int xOff, int ldx,
                                  float[] y, int yOff, int ldy) {
        Checks.unary(rows, cols, x, xOff, ldx, y, yOff, ldy, "x", "y");
        if (cols == 0) {
            return;
        }
        float[] row = new float[cols];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(x, xOff + i * ldx, row, 0, cols);
            double[] ms = maxAndSum(row, 0, cols);
            double lse = Math.log1p(ms[2]);
            for (int j = 0; j < cols; j++) {
                y[yOff + i * ldy + j] = (float) (((double) row[j] - ms[0]) - lse);
            }
        }
    }
}

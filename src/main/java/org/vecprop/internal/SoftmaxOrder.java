package org.vecprop.internal;

import org.vecprop.contract.ArithmeticOrder;

/**
 * The scalar steps of vecprop's softmax and cross-entropy order ({@link ArithmeticOrder}, "Row
 * sums" and "Softmax, log-softmax and cross-entropy over logits") that both implementations run
 * as written here: the fold of a row's float lanes, the argument of log1p, a row's loss. Shared
 * code, so the scalar and the vector kernels cannot drift apart on them.
 */
public final class SoftmaxOrder {
    private SoftmaxOrder() {}

    /** Virtual lanes of a row sum. */
    public static final int LANES = ArithmeticOrder.ROW_LANES;
    /** Elements of a row per chunk. */
    public static final int CHUNK = ArithmeticOrder.ROW_CHUNK;

    /**
     * Ends a chunk: adds the 16 float lanes {@code lanes[off .. off + 16)} pairwise (half = 8, 4,
     * 2, 1) and returns the chunk's sum; the lanes are left at +0.
     */
    public static float fold(float[] lanes, int off) {
        for (int half = LANES / 2; half >= 1; half >>= 1) {
            for (int v = 0; v < half; v++) {
                lanes[off + v] = lanes[off + v] + lanes[off + v + half];
            }
        }
        float sum = lanes[off];
        java.util.Arrays.fill(lanes, off, off + LANES, 0f);
        return sum;
    }

    /**
     * {@code z = (c - 1) + S} rounded once to float: {@code sum_j e_j - 1}, where c logits equal
     * the row's maximum and S is the row sum of the other {@code e_j}.
     */
    public static float z(int c, double s) {
        return (float) ((double) (c - 1) + s);
    }

    /**
     * A row's cross-entropy: {@code lse - dLabel} without smoothing, else
     * {@code fma(-b, sumD, fma(-a, dLabel, lse))}.
     *
     * @param lse {@code log1p(z)}, the row's log-sum-exp minus its maximum
     * @param dLabel {@code x_label - max}
     * @param sumD the row sum of {@code x_j - max} rounded to float (read only with smoothing)
     * @param a {@code 1 - eps}
     * @param b {@code eps / classes}
     * @param smoothing whether eps > 0
     * @return the row's loss
     */
    public static float rowLoss(float lse, float dLabel, float sumD, float a, float b, boolean smoothing) {
        return smoothing ? Math.fma(-b, sumD, Math.fma(-a, dLabel, lse)) : lse - dLabel;
    }
}

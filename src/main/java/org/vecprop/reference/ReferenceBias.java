package org.vecprop.reference;

import org.vecprop.contract.Checks;

/**
 * Scalar bias add and bias gradient: the oracle that the kernels are tested against.
 *
 * <p>The bias gradient sums each column from row 0 down, in float, starting from 0, and adds
 * the old value last when accumulating; the SIMD kernel uses the same order per column and so
 * matches bit for bit. Error of a column sum: at most {@code (rows - 1) * 2^-24 * sum|dz_ij|}.
 */
public final class ReferenceBias {
    private ReferenceBias() {}

    /**
     * {@code y[i][j] = x[i][j] + bias[j]} for a {@code rows x cols} matrix and a bias of
     * {@code cols} contiguous elements. {@code y} may be exactly the same view as {@code x}; it
     * may not overlap {@code bias}.
     */
    public static void add(int rows, int cols, float[] x, int xOff, int ldx,
                           float[] bias, int biasOff, float[] y, int yOff, int ldy) {
        Checks.biasAdd(rows, cols, x, xOff, ldx, bias, biasOff, y, yOff, ldy);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                y[yOff + i * ldy + j] = x[xOff + i * ldx + j] + bias[biasOff + j];
            }
        }
    }

    /**
     * Column sums of a {@code rows x cols} matrix {@code dz} into {@code db} ({@code cols}
     * contiguous elements): {@code db[j] = sum_i dz[i][j]}, or {@code db[j] += sum_i dz[i][j]}
     * when {@code accumulate}. {@code db} may not overlap {@code dz}.
     */
    public static void gradient(int rows, int cols, float[] dz, int dzOff, int lddz,
                                float[] db, int dbOff, boolean accumulate) {
        Checks.biasGradient(rows, cols, dz, dzOff, lddz, db, dbOff);
        for (int j = 0; j < cols; j++) {
            float sum = 0f;
            for (int i = 0; i < rows; i++) {
                sum += dz[dzOff + i * lddz + j];
            }
            db[dbOff + j] = accumulate ? db[dbOff + j] + sum : sum;
        }
    }
}

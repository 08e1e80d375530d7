package org.vecprop.kernel;

import org.vecprop.contract.Checks;

/**
 * Bias add (a row vector added to every row) and bias gradient (column sums), on row-major
 * {@code rows x cols} matrices and a bias of {@code cols} contiguous floats. Both equal
 * {@link org.vecprop.reference.ReferenceBias} bit for bit (the gradient sums each column from row 0 down).
 *
 * <p>Thread-safe; allocates nothing.
 */
public final class Bias {
    private Bias() {}

    /**
     * {@code y[i][j] = x[i][j] + bias[j]}.
     *
     * @param x input ({@code rows x cols}, row stride {@code ldx})
     * @param bias {@code cols} floats from {@code biasOff}
     * @param y output ({@code rows x cols}, row stride {@code ldy}); may be exactly x (in place),
     *     may not overlap bias
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public static void add(int rows, int cols, float[] x, int xOff, int ldx,
                           float[] bias, int biasOff, float[] y, int yOff, int ldy) {
        Checks.biasAdd(rows, cols, x, xOff, ldx, bias, biasOff, y, yOff, ldy);
        Implementation.KERNELS.biasAdd(rows, cols, x, xOff, ldx, bias, biasOff, y, yOff, ldy);
    }

    /**
     * Column sums: {@code db[j] = sum_i dz[i][j]}, or {@code db[j] += sum_i dz[i][j]} when
     * {@code accumulate} (gradient accumulation across backward calls).
     *
     * @param dz gradient with respect to the layer output ({@code rows x cols}, row stride
     *     {@code lddz})
     * @param db {@code cols} floats from {@code dbOff}; may not overlap dz
     * @param accumulate add into db instead of overwriting it
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public static void gradient(int rows, int cols, float[] dz, int dzOff, int lddz,
                                float[] db, int dbOff, boolean accumulate) {
        Checks.biasGradient(rows, cols, dz, dzOff, lddz, db, dbOff);
        Implementation.KERNELS.biasGradient(rows, cols, dz, dzOff, lddz, db, dbOff, accumulate);
    }
}

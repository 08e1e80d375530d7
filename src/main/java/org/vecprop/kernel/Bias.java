package org.vecprop.kernel;

import org.vecprop.contract.Checks;
import org.vecprop.internal.Buffers;

/**
 * Bias add (a row vector added to every row) and bias gradient (column sums), on row-major
 * {@code rows x cols} matrices and a bias of {@code cols} contiguous floats. Both equal
 * {@link org.vecprop.reference.ReferenceBias} bit for bit (the gradient sums each column from row 0 down).
 *
 * <p>Thread-safe; allocates nothing once warm: an accumulating bias gradient sums into a
 * scratch row of {@code cols} floats, the caller's {@link Workspace} in the form that takes one,
 * else a row kept per thread (allocated on a thread's first such call and again only for a wider
 * row; a thread keeps at most 64 Ki floats, a wider call gets a row of its own each time).
 */
public final class Bias {
    private Bias() {}

    /**
     * {@code y[i][j] = x[i][j] + bias[j]}.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y, and length of the bias, {@code >= 0}
     * @param x input, {@code rows x cols}, row-major
     * @param xOff index of x's element (0, 0) in {@code x}, {@code 0 <= xOff <= x.length}
     * @param ldx row stride of x, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code x[xOff + i * ldx + j]}
     * @param bias {@code cols} contiguous floats from {@code biasOff}
     * @param biasOff index of the bias's first element in {@code bias}
     * @param y output, {@code rows x cols}, row-major; may be exactly x (same array, offset and
     *     row stride: in place), may not otherwise overlap x, nor overlap the bias
     * @param yOff index of y's element (0, 0) in {@code y}, {@code 0 <= yOff <= y.length}
     * @param ldy row stride of y, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code y[yOff + i * ldy + j]}
     * @throws NullPointerException if an array argument is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or a forbidden overlap
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix or vector
     *     that runs past the end of its array; every exception before anything is written
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
     * @param rows rows of dz (the batch), {@code >= 0}; with 0 rows every sum is 0
     * @param cols columns of dz and length of db, {@code >= 0}
     * @param dz gradient with respect to the layer output, {@code rows x cols}, row-major
     * @param dzOff index of dz's element (0, 0) in {@code dz}, {@code 0 <= dzOff <= dz.length}
     * @param lddz row stride of dz, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code dz[dzOff + i * lddz + j]}
     * @param db output, {@code cols} contiguous floats from {@code dbOff}; may not overlap dz
     * @param dbOff index of db's first element in {@code db}
     * @param accumulate add the column sums into db instead of overwriting it
     * @throws NullPointerException if an array argument is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or a forbidden overlap
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix or vector
     *     that runs past the end of its array; every exception before anything is written
     */
    public static void gradient(int rows, int cols, float[] dz, int dzOff, int lddz,
                                float[] db, int dbOff, boolean accumulate) {
        Checks.biasGradient(rows, cols, dz, dzOff, lddz, db, dbOff);
        Implementation.KERNELS.biasGradient(rows, cols, dz, dzOff, lddz, db, dbOff, accumulate,
                null);
    }

    /**
     * As {@link #gradient(int, int, float[], int, int, float[], int, boolean)}, with its scratch
     * row from the caller's workspace; bit-identical to it. Every argument is checked before
     * anything is written.
     *
     * @param rows rows of dz (the batch), {@code >= 0}; with 0 rows every sum is 0
     * @param cols columns of dz and length of db, {@code >= 0}
     * @param dz gradient with respect to the layer output, {@code rows x cols}, row-major
     * @param dzOff index of dz's element (0, 0) in {@code dz}, {@code 0 <= dzOff <= dz.length}
     * @param lddz row stride of dz, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code dz[dzOff + i * lddz + j]}
     * @param db output, {@code cols} contiguous floats from {@code dbOff}; may not overlap dz
     * @param dbOff index of db's first element in {@code db}
     * @param accumulate add the column sums into db instead of overwriting it
     * @param workspace the caller's scratch ({@link Workspace}): the row an accumulating call
     *     sums into
     * @throws NullPointerException if {@code workspace} or an array argument is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or a forbidden overlap
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix or vector
     *     that runs past the end of its array
     */
    public static void gradient(int rows, int cols, float[] dz, int dzOff, int lddz,
                                float[] db, int dbOff, boolean accumulate, Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        Checks.biasGradient(rows, cols, dz, dzOff, lddz, db, dbOff);
        Implementation.KERNELS.biasGradient(rows, cols, dz, dzOff, lddz, db, dbOff, accumulate,
                buffers);
    }
}

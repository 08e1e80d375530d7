package org.vecprop.kernel;

import org.vecprop.contract.Checks;
import org.vecprop.internal.Buffers;

/**
 * ReLU and its derivative on row-major {@code rows x cols} float matrices (offset plus row
 * stride, like BLAS). Definitions, including NaN, are those of
 * {@link org.vecprop.reference.ReferenceRelu}, which these kernels match bit for bit:
 * {@code relu(NaN) = NaN}; the mask and the backward form treat a NaN {@code z} as not
 * positive (gradient 0).
 *
 * <p>{@link Activation#RELU} has the same forward and backward kernels (one implementation of
 * their checks and dispatch), its backward passes taking the activation a where these take the
 * pre-activation z; the mask {@code z > 0} is {@code a > 0}, so the two give the same bits. Only
 * this class has the mask itself.
 *
 * <p>Aliasing: an output may be exactly the same view (array, offset, row stride) as an input,
 * which is how to run in place; any other overlap is rejected. Thread-safe; allocates nothing
 * once warm: an accumulating bias gradient sums into a scratch row, the caller's {@link
 * Workspace} in the form that takes one, else a row kept per thread as {@link Bias#gradient}
 * keeps it.
 */
public final class Relu {
    private Relu() {}

    /**
     * {@code y = max(0, x)} element-wise.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y, {@code >= 0}
     * @param x input, {@code rows x cols}, row-major
     * @param xOff index of x's element (0, 0) in {@code x}, {@code 0 <= xOff <= x.length}
     * @param ldx row stride of x, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code x[xOff + i * ldx + j]}
     * @param y output, {@code rows x cols}, row-major; may be exactly x (in place), no other
     *     overlap
     * @param yOff index of y's element (0, 0) in {@code y}, {@code 0 <= yOff <= y.length}
     * @param ldy row stride of y, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code y[yOff + i * ldy + j]}
     * @throws NullPointerException if an array argument is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or a forbidden overlap
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array; every exception before anything is written
     */
    public static void forward(int rows, int cols, float[] x, int xOff, int ldx,
                               float[] y, int yOff, int ldy) {
        Activation.RELU.forward(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    /**
     * The derivative as a 0/1 mask: {@code m = z > 0 ? 1 : 0} element-wise (NaN gives 0).
     *
     * @param rows rows of z and m, {@code >= 0}
     * @param cols columns of z and m, {@code >= 0}
     * @param z pre-activation, {@code rows x cols}, row-major
     * @param zOff index of z's element (0, 0) in {@code z}, {@code 0 <= zOff <= z.length}
     * @param ldz row stride of z, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code z[zOff + i * ldz + j]}
     * @param m output mask of 0s and 1s, {@code rows x cols}, row-major; may be exactly z (in
     *     place), no other overlap
     * @param mOff index of m's element (0, 0) in {@code m}, {@code 0 <= mOff <= m.length}
     * @param ldm row stride of m, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code m[mOff + i * ldm + j]}
     * @throws NullPointerException if an array argument is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or a forbidden overlap
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array; every exception before anything is written
     */
    public static void mask(int rows, int cols, float[] z, int zOff, int ldz,
                            float[] m, int mOff, int ldm) {
        Checks.unary(rows, cols, z, zOff, ldz, m, mOff, ldm, "z", "m");
        Implementation.KERNELS.reluMask(rows, cols, z, zOff, ldz, m, mOff, ldm);
    }

    /**
     * The fused backward form {@code dz = z > 0 ? dy : 0} element-wise.
     *
     * @param rows rows of z, dy and dz, {@code >= 0}
     * @param cols columns of z, dy and dz, {@code >= 0}
     * @param z pre-activation of the forward pass, {@code rows x cols}, row-major
     * @param zOff index of z's element (0, 0) in {@code z}, {@code 0 <= zOff <= z.length}
     * @param ldz row stride of z, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code z[zOff + i * ldz + j]}
     * @param dy gradient with respect to the activation, {@code rows x cols}, row-major
     * @param dyOff index of dy's element (0, 0) in {@code dy}, {@code 0 <= dyOff <= dy.length}
     * @param lddy row stride of dy, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code dy[dyOff + i * lddy + j]}
     * @param dz output gradient with respect to z, {@code rows x cols}, row-major; may be
     *     exactly dy (in place) or z, no other overlap
     * @param dzOff index of dz's element (0, 0) in {@code dz}, {@code 0 <= dzOff <= dz.length}
     * @param lddz row stride of dz, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code dz[dzOff + i * lddz + j]}
     * @throws NullPointerException if an array argument is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or a forbidden overlap
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array; every exception before anything is written
     */
    public static void backward(int rows, int cols, float[] z, int zOff, int ldz,
                                float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        Activation.RELU.backward("z", rows, cols, z, zOff, ldz, dy, dyOff, lddy, dz, dzOff, lddz);
    }

    /**
     * The backward form fused with the bias gradient: {@code dz = z > 0 ? dy : 0} and
     * {@code db (+)= column sums of dz}, in one pass over z and dy. Bit-identical to
     * {@link #backward(int, int, float[], int, int, float[], int, int, float[], int, int)}
     * followed by {@link Bias#gradient}.
     *
     * @param rows rows of z, dy and dz, {@code >= 0}
     * @param cols columns of z, dy and dz, and length of db, {@code >= 0}
     * @param z pre-activation of the forward pass, {@code rows x cols}, row-major
     * @param zOff index of z's element (0, 0) in {@code z}, {@code 0 <= zOff <= z.length}
     * @param ldz row stride of z, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code z[zOff + i * ldz + j]}
     * @param dy gradient with respect to the activation, {@code rows x cols}, row-major
     * @param dyOff index of dy's element (0, 0) in {@code dy}, {@code 0 <= dyOff <= dy.length}
     * @param lddy row stride of dy, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code dy[dyOff + i * lddy + j]}
     * @param dz output gradient with respect to z, {@code rows x cols}, row-major; may be
     *     exactly dy (in place) or z, no other overlap
     * @param dzOff index of dz's element (0, 0) in {@code dz}, {@code 0 <= dzOff <= dz.length}
     * @param lddz row stride of dz, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code dz[dzOff + i * lddz + j]}
     * @param db output, {@code cols} contiguous floats from {@code dbOff}; may not overlap z, dy
     *     or dz
     * @param dbOff index of db's first element in {@code db}
     * @param accumulate add the column sums into db instead of overwriting it
     * @throws NullPointerException if an array argument is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or a forbidden overlap
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix or vector
     *     that runs past the end of its array; every exception before anything is written
     */
    public static void backwardWithBiasGradient(int rows, int cols, float[] z, int zOff, int ldz,
                                                float[] dy, int dyOff, int lddy,
                                                float[] dz, int dzOff, int lddz,
                                                float[] db, int dbOff, boolean accumulate) {
        Activation.RELU.backwardWithBiasGradient("z", rows, cols, z, zOff, ldz, dy, dyOff, lddy,
                dz, dzOff, lddz, db, dbOff, accumulate, null);
    }

    /**
     * As {@link #backwardWithBiasGradient(int, int, float[], int, int, float[], int, int,
     * float[], int, int, float[], int, boolean)}, with the scratch row of an accumulating call
     * from the caller's workspace; bit-identical to it. Every argument is checked before
     * anything is written.
     *
     * @param rows rows of z, dy and dz, {@code >= 0}
     * @param cols columns of z, dy and dz, and length of db, {@code >= 0}
     * @param z pre-activation of the forward pass, {@code rows x cols}, row-major
     * @param zOff index of z's element (0, 0) in {@code z}, {@code 0 <= zOff <= z.length}
     * @param ldz row stride of z, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code z[zOff + i * ldz + j]}
     * @param dy gradient with respect to the activation, {@code rows x cols}, row-major
     * @param dyOff index of dy's element (0, 0) in {@code dy}, {@code 0 <= dyOff <= dy.length}
     * @param lddy row stride of dy, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code dy[dyOff + i * lddy + j]}
     * @param dz output gradient with respect to z, {@code rows x cols}, row-major; may be
     *     exactly dy (in place) or z, no other overlap
     * @param dzOff index of dz's element (0, 0) in {@code dz}, {@code 0 <= dzOff <= dz.length}
     * @param lddz row stride of dz, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code dz[dzOff + i * lddz + j]}
     * @param db output, {@code cols} contiguous floats from {@code dbOff}; may not overlap z, dy
     *     or dz
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
    public static void backwardWithBiasGradient(int rows, int cols, float[] z, int zOff, int ldz,
                                                float[] dy, int dyOff, int lddy,
                                                float[] dz, int dzOff, int lddz,
                                                float[] db, int dbOff, boolean accumulate,
                                                Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        Activation.RELU.backwardWithBiasGradient("z", rows, cols, z, zOff, ldz, dy, dyOff, lddy,
                dz, dzOff, lddz, db, dbOff, accumulate, buffers);
    }
}

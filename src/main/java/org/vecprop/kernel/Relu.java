package org.vecprop.kernel;

import org.vecprop.contract.Checks;

/**
 * ReLU and its derivative on row-major {@code rows x cols} float matrices (offset plus row
 * stride, like BLAS). Definitions, including NaN, are those of
 * {@link org.vecprop.reference.ReferenceRelu}, which these kernels match bit for bit:
 * {@code relu(NaN) = NaN}; the mask and the backward form treat a NaN {@code z} as not
 * positive (gradient 0).
 *
 * <p>Aliasing: an output may be exactly the same view (array, offset, row stride) as an input,
 * which is how to run in place; any other overlap is rejected. Thread-safe; allocates nothing.
 */
public final class Relu {
    private Relu() {}

    /**
     * {@code y = max(0, x)} element-wise.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y, {@code >= 0}
     * @param x input, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param y output, from {@code yOff} with row stride {@code ldy}; may be exactly x
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public static void forward(int rows, int cols, float[] x, int xOff, int ldx,
                               float[] y, int yOff, int ldy) {
        Checks.unary(rows, cols, x, xOff, ldx, y, yOff, ldy, "x", "y");
        Implementation.KERNELS.reluForward(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    /**
     * The derivative as a 0/1 mask: {@code m = z > 0 ? 1 : 0} element-wise (NaN gives 0).
     *
     * @param rows rows of z and m, {@code >= 0}
     * @param cols columns of z and m, {@code >= 0}
     * @param z pre-activation, from {@code zOff} with row stride {@code ldz >= max(1, cols)}
     * @param m output mask, from {@code mOff} with row stride {@code ldm}; may be exactly z
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
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
     * @param z pre-activation of the forward pass, row stride {@code ldz}
     * @param dy gradient with respect to the activation, row stride {@code lddy}
     * @param dz output gradient with respect to z, row stride {@code lddz}; may be exactly dy
     *     (in place) or z
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public static void backward(int rows, int cols, float[] z, int zOff, int ldz,
                                float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        Checks.binary(rows, cols, z, zOff, ldz, dy, dyOff, lddy, dz, dzOff, lddz, "z", "dy", "dz");
        Implementation.KERNELS.reluBackward(rows, cols, z, zOff, ldz, dy, dyOff, lddy, dz, dzOff, lddz);
    }

    /**
     * The backward form fused with the bias gradient: {@code dz = z > 0 ? dy : 0} and
     * {@code db (+)= column sums of dz}, in one pass over z and dy. Bit-identical to
     * {@link #backward(int, int, float[], int, int, float[], int, int, float[], int, int)}
     * followed by {@link Bias#gradient}.
     *
     * @param db {@code cols} floats from {@code dbOff}; may not overlap z, dy or dz
     * @param accumulate add the column sums into db instead of overwriting it
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public static void backwardWithBiasGradient(int rows, int cols, float[] z, int zOff, int ldz,
                                                float[] dy, int dyOff, int lddy,
                                                float[] dz, int dzOff, int lddz,
                                                float[] db, int dbOff, boolean accumulate) {
        Checks.backwardWithBiasGradient(rows, cols, z, zOff, ldz, dy, dyOff, lddy, dz, dzOff, lddz,
                db, dbOff, "z");
        Implementation.KERNELS.reluBackwardWithBiasGradient(rows, cols, z, zOff, ldz, dy, dyOff,
                lddy, dz, dzOff, lddz, db, dbOff, accumulate);
    }
}

package org.vecprop.reference;

import org.vecprop.contract.Checks;

/**
 * Scalar ReLU and its derivative: the oracle that the kernels are tested against.
 *
 * <p>Definitions, including special values (the SIMD kernels match them bit for bit):
 * <ul>
 *   <li>{@code relu(x) = max(0, x)} with {@link Math#max} semantics: {@code relu(NaN) = NaN}
 *       (a NaN stays visible downstream rather than being silently zeroed),
 *       {@code relu(-0.0) = +0.0}, {@code relu(+Inf) = +Inf}, {@code relu(-Inf) = 0}.</li>
 *   <li>{@code mask(z) = z > 0 ? 1 : 0}; a NaN {@code z} compares false, so its mask is 0.</li>
 *   <li>{@code backward: dz = z > 0 ? dy : 0}; for NaN {@code z} the gradient is blocked (0, as
 *       PyTorch's threshold backward does), and a NaN {@code dy} passes where {@code z > 0}.</li>
 * </ul>
 */
public final class ReferenceRelu {
    private ReferenceRelu() {}

    /**
     * {@code y = max(0, x)} element-wise on {@code rows x cols} row-major matrices.
     * {@code y} may be the same view as {@code x} (in place); no other overlap is allowed.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y, {@code >= 0}
     * @param x input, {@code rows x cols}, row-major
     * @param xOff index of x's element (0, 0) in {@code x}, {@code 0 <= xOff <= x.length}
     * @param ldx row stride of x, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code x[xOff + i * ldx + j]}
     * @param y output, {@code rows x cols}, row-major
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
        Checks.unary(rows, cols, x, xOff, ldx, y, yOff, ldy, "x", "y");
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                y[yOff + i * ldy + j] = Math.max(0f, x[xOff + i * ldx + j]);
            }
        }
    }

    /**
     * The derivative as a 0/1 mask: {@code m = z > 0 ? 1 : 0} on {@code rows x cols} matrices.
     * {@code m} may be the same view as {@code z}; no other overlap is allowed.
     *
     * @param rows rows of z and m, {@code >= 0}
     * @param cols columns of z and m, {@code >= 0}
     * @param z pre-activation, {@code rows x cols}, row-major
     * @param zOff index of z's element (0, 0) in {@code z}, {@code 0 <= zOff <= z.length}
     * @param ldz row stride of z, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code z[zOff + i * ldz + j]}
     * @param m output mask of 0s and 1s, {@code rows x cols}, row-major
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
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                m[mOff + i * ldm + j] = z[zOff + i * ldz + j] > 0f ? 1f : 0f;
            }
        }
    }

    /**
     * The fused backward form {@code dz = z > 0 ? dy : 0} on {@code rows x cols} matrices.
     * {@code dz} may be exactly the same view as {@code dy} (in place) or as {@code z}; no other
     * overlap is allowed.
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
     * @param dz output gradient with respect to z, {@code rows x cols}, row-major
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
        Checks.binary(rows, cols, z, zOff, ldz, dy, dyOff, lddy, dz, dzOff, lddz, "z", "dy", "dz");
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float zij = z[zOff + i * ldz + j];
                dz[dzOff + i * lddz + j] = zij > 0f ? dy[dyOff + i * lddy + j] : 0f;
            }
        }
    }
}

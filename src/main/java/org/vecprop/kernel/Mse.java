package org.vecprop.kernel;

import org.vecprop.contract.Checks;
import org.vecprop.internal.Buffers;

/**
 * Mean squared error over all elements of row-major {@code rows x cols} matrices,
 * {@code loss = mean((p - t)^2)}, and its gradient {@code g = 2 (p - t) / (rows * cols)}.
 *
 * <p>Accuracy: the loss's relative error is at most {@code 40 * 2^-24} (about 2.4e-6) for any
 * n, from float accumulation in short chunks folded into a double total (see the SIMD kernel's
 * notes); NumPy's pairwise float32 sum is not better than that for n up to 16M. The gradient
 * equals {@link org.vecprop.reference.ReferenceMse}'s bit for bit. An empty input has loss NaN.
 *
 * <p>Thread-safe; allocates nothing once warm. The sum runs in a state of 13 KiB: the caller's
 * {@link Workspace} in the forms that take one, else one kept per thread, made on a thread's
 * first call (so a fresh thread per call allocates it every time: pass a workspace). Either way
 * the result is the same, bit for bit.
 */
public final class Mse {
    private Mse() {}

    /**
     * {@code mean((p - t)^2)}.
     *
     * @param rows rows of p and t, {@code >= 0}
     * @param cols columns of p and t, {@code >= 0}
     * @param p predictions, {@code rows x cols}, row-major
     * @param pOff index of p's element (0, 0) in {@code p}, {@code 0 <= pOff <= p.length}
     * @param ldp row stride of p, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code p[pOff + i * ldp + j]}
     * @param t targets, {@code rows x cols}, row-major
     * @param tOff index of t's element (0, 0) in {@code t}, {@code 0 <= tOff <= t.length}
     * @param ldt row stride of t, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code t[tOff + i * ldt + j]}
     * @return the loss, NaN when {@code rows * cols == 0}
     * @throws NullPointerException if an array argument is null
     * @throws IllegalArgumentException for a negative size or a row stride below
     *     {@code max(1, cols)}
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array
     */
    public static float loss(int rows, int cols, float[] p, int pOff, int ldp,
                             float[] t, int tOff, int ldt) {
        return loss(rows, cols, p, pOff, ldp, t, tOff, ldt, (Buffers) null);
    }

    /**
     * As {@link #loss(int, int, float[], int, int, float[], int, int)}, summing in the caller's
     * workspace; bit-identical to it. Every argument is checked first.
     *
     * @param rows rows of p and t, {@code >= 0}
     * @param cols columns of p and t, {@code >= 0}
     * @param p predictions, {@code rows x cols}, row-major
     * @param pOff index of p's element (0, 0) in {@code p}, {@code 0 <= pOff <= p.length}
     * @param ldp row stride of p, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code p[pOff + i * ldp + j]}
     * @param t targets, {@code rows x cols}, row-major
     * @param tOff index of t's element (0, 0) in {@code t}, {@code 0 <= tOff <= t.length}
     * @param ldt row stride of t, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code t[tOff + i * ldt + j]}
     * @param workspace the caller's scratch ({@link Workspace}): the sum's state is kept there
     *     instead of in this thread's
     * @return the loss, NaN when {@code rows * cols == 0}
     * @throws NullPointerException if {@code workspace} or an array argument is null
     * @throws IllegalArgumentException for a negative size or a row stride below
     *     {@code max(1, cols)}
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array
     */
    public static float loss(int rows, int cols, float[] p, int pOff, int ldp,
                             float[] t, int tOff, int ldt, Workspace workspace) {
        return loss(rows, cols, p, pOff, ldp, t, tOff, ldt, Workspace.of(workspace));
    }

    private static float loss(int rows, int cols, float[] p, int pOff, int ldp,
                              float[] t, int tOff, int ldt, Buffers buffers) {
        Checks.matrix("p", p, pOff, rows, cols, ldp);
        Checks.matrix("t", t, tOff, rows, cols, ldt);
        if (rows == 0 || cols == 0) {
            return Float.NaN; // the mean of nothing, as numpy.mean([])
        }
        return Implementation.KERNELS.mseLoss(rows, cols, p, pOff, ldp, t, tOff, ldt, buffers);
    }

    /**
     * Returns {@code mean((p - t)^2)} and writes {@code g = 2 (p - t) / (rows * cols)}, in one
     * pass over p and t.
     *
     * @param rows rows of p, t and g, {@code >= 0}
     * @param cols columns of p, t and g, {@code >= 0}
     * @param p predictions, {@code rows x cols}, row-major
     * @param pOff index of p's element (0, 0) in {@code p}, {@code 0 <= pOff <= p.length}
     * @param ldp row stride of p, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code p[pOff + i * ldp + j]}
     * @param t targets, {@code rows x cols}, row-major
     * @param tOff index of t's element (0, 0) in {@code t}, {@code 0 <= tOff <= t.length}
     * @param ldt row stride of t, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code t[tOff + i * ldt + j]}
     * @param g gradient output, {@code rows x cols}, row-major; may be exactly the same view
     *     (array, offset, row stride) as p or t, no other overlap; not written when
     *     {@code rows * cols == 0}
     * @param gOff index of g's element (0, 0) in {@code g}, {@code 0 <= gOff <= g.length}
     * @param ldg row stride of g, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code g[gOff + i * ldg + j]}
     * @return the loss, NaN when {@code rows * cols == 0}
     * @throws NullPointerException if an array argument is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or a forbidden overlap
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array; every exception before anything is written
     */
    public static float lossAndGradient(int rows, int cols, float[] p, int pOff, int ldp,
                                        float[] t, int tOff, int ldt, float[] g, int gOff, int ldg) {
        return lossAndGradient(rows, cols, p, pOff, ldp, t, tOff, ldt, g, gOff, ldg, (Buffers) null);
    }

    /**
     * As {@link #lossAndGradient(int, int, float[], int, int, float[], int, int, float[], int,
     * int)}, summing in the caller's workspace; bit-identical to it. Every argument is checked
     * before anything is written.
     *
     * @param rows rows of p, t and g, {@code >= 0}
     * @param cols columns of p, t and g, {@code >= 0}
     * @param p predictions, {@code rows x cols}, row-major
     * @param pOff index of p's element (0, 0) in {@code p}, {@code 0 <= pOff <= p.length}
     * @param ldp row stride of p, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code p[pOff + i * ldp + j]}
     * @param t targets, {@code rows x cols}, row-major
     * @param tOff index of t's element (0, 0) in {@code t}, {@code 0 <= tOff <= t.length}
     * @param ldt row stride of t, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code t[tOff + i * ldt + j]}
     * @param g gradient output, {@code rows x cols}, row-major; may be exactly the same view
     *     (array, offset, row stride) as p or t, no other overlap; not written when
     *     {@code rows * cols == 0}
     * @param gOff index of g's element (0, 0) in {@code g}, {@code 0 <= gOff <= g.length}
     * @param ldg row stride of g, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code g[gOff + i * ldg + j]}
     * @param workspace the caller's scratch ({@link Workspace}): the sum's state is kept there
     *     instead of in this thread's
     * @return the loss, NaN when {@code rows * cols == 0}
     * @throws NullPointerException if {@code workspace} or an array argument is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or a forbidden overlap
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array
     */
    public static float lossAndGradient(int rows, int cols, float[] p, int pOff, int ldp,
                                        float[] t, int tOff, int ldt, float[] g, int gOff, int ldg,
                                        Workspace workspace) {
        return lossAndGradient(rows, cols, p, pOff, ldp, t, tOff, ldt, g, gOff, ldg,
                Workspace.of(workspace));
    }

    private static float lossAndGradient(int rows, int cols, float[] p, int pOff, int ldp,
                                         float[] t, int tOff, int ldt, float[] g, int gOff, int ldg,
                                         Buffers buffers) {
        Checks.binary(rows, cols, p, pOff, ldp, t, tOff, ldt, g, gOff, ldg, "p", "t", "g");
        if (rows == 0 || cols == 0) {
            return Float.NaN; // nothing to write
        }
        return Implementation.KERNELS.mseLossAndGradient(rows, cols, p, pOff, ldp, t, tOff, ldt,
                g, gOff, ldg, buffers);
    }
}

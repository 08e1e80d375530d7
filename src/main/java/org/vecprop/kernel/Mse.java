package org.vecprop.kernel;

import org.vecprop.contract.Checks;

/**
 * Mean squared error over all elements of row-major {@code rows x cols} matrices,
 * {@code loss = mean((p - t)^2)}, and its gradient {@code g = 2 (p - t) / (rows * cols)}.
 *
 * <p>Accuracy: the loss's relative error is at most {@code 40 * 2^-24} (about 2.4e-6) for any
 * n, from float accumulation in short chunks folded into a double total (see the SIMD kernel's
 * notes); NumPy's pairwise float32 sum is not better than that for n up to 16M. The gradient
 * equals {@link org.vecprop.reference.ReferenceMse}'s bit for bit. An empty input has loss NaN.
 *
 * <p>Thread-safe; allocates nothing.
 */
public final class Mse {
    private Mse() {}

    /**
     * {@code mean((p - t)^2)}.
     *
     * @param rows rows of p and t, {@code >= 0}
     * @param cols columns of p and t, {@code >= 0}
     * @param p predictions, from {@code pOff} with row stride {@code ldp >= max(1, cols)}
     * @param t targets, from {@code tOff} with row stride {@code ldt >= max(1, cols)}
     * @return the loss, NaN when {@code rows * cols == 0}
     * @throws IllegalArgumentException or IndexOutOfBoundsException for bad arguments
     */
    public static float loss(int rows, int cols, float[] p, int pOff, int ldp,
                             float[] t, int tOff, int ldt) {
        Checks.matrix("p", p, pOff, rows, cols, ldp);
        Checks.matrix("t", t, tOff, rows, cols, ldt);
        if (rows == 0 || cols == 0) {
            return Float.NaN; // the mean of nothing, as numpy.mean([])
        }
        return Implementation.KERNELS.mseLoss(rows, cols, p, pOff, ldp, t, tOff, ldt);
    }

    /**
     * Returns {@code mean((p - t)^2)} and writes {@code g = 2 (p - t) / (rows * cols)}, in one
     * pass over p and t.
     *
     * @param g gradient output ({@code rows x cols}, row stride {@code ldg}); may be exactly the
     *     same view as p or t, no other overlap
     * @return the loss, NaN when {@code rows * cols == 0}
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public static float lossAndGradient(int rows, int cols, float[] p, int pOff, int ldp,
                                        float[] t, int tOff, int ldt, float[] g, int gOff, int ldg) {
        Checks.binary(rows, cols, p, pOff, ldp, t, tOff, ldt, g, gOff, ldg, "p", "t", "g");
        if (rows == 0 || cols == 0) {
            return Float.NaN; // nothing to write
        }
        return Implementation.KERNELS.mseLossAndGradient(rows, cols, p, pOff, ldp, t, tOff, ldt,
                g, gOff, ldg);
    }
}

package org.vecprop.reference;

import org.vecprop.contract.Checks;

/**
 * Scalar mean squared error: the oracle that the kernels are tested against.
 *
 * <p>The loss is accumulated in double from the exact float differences, so for finite inputs
 * it is the correctly rounded float of the true mean to within a few double roundings: an
 * oracle far tighter than any float32 summation. The gradient {@code g = 2 * (p - t) / n} is
 * computed in float exactly as written (one rounding for the difference, an exact doubling, one
 * rounding for the division by {@code (float) n}); the SIMD kernel matches it bit for bit.
 * An empty input ({@code rows * cols == 0}) has loss NaN, as {@code numpy.mean([])}.
 */
public final class ReferenceMse {
    private ReferenceMse() {}

    /**
     * {@code mean((p - t)^2)} over the {@code rows x cols} elements.
     *
     * @return the loss, NaN if the input is empty
     */
    public static float loss(int rows, int cols, float[] p, int pOff, int ldp,
                             float[] t, int tOff, int ldt) {
        Checks.matrix("p", p, pOff, rows, cols, ldp);
        Checks.matrix("t", t, tOff, rows, cols, ldt);
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double d = (double) p[pOff + i * ldp + j] - t[tOff + i * ldt + j];
                sum += d * d;
            }
        }
        return (float) (sum / ((long) rows * cols));
    }

    /**
     * Returns {@code mean((p - t)^2)} and writes {@code g = 2 * (p - t) / (rows * cols)}.
     * {@code g} may be exactly the same view as {@code p} or {@code t}; no other overlap.
     *
     * @return the loss, NaN if the input is empty
     */
    public static float lossAndGradient(int rows, int cols, float[] p, int pOff, int ldp,
                                        float[] t, int tOff, int ldt, float[] g, int gOff, int ldg) {
        Checks.binary(rows, cols, p, pOff, ldp, t, tOff, ldt, g, gOff, ldg, "p", "t", "g");
        float n = (float) ((long) rows * cols);
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float pij = p[pOff + i * ldp + j];
                float tij = t[tOff + i * ldt + j];
                double d = (double) pij - tij;
                sum += d * d;
                g[gOff + i * ldg + j] = 2f * (pij - tij) / n;
            }
        }
        return (float) (sum / ((long) rows * cols));
    }
}

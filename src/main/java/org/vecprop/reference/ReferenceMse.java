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
     * @return the loss (the double mean rounded to float), NaN if the input is empty
     * @throws NullPointerException if an array argument is null
     * @throws IllegalArgumentException for a negative size or a row stride below
     *     {@code max(1, cols)}
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array
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
     *     (array, offset, row stride) as p or t, no other overlap
     * @param gOff index of g's element (0, 0) in {@code g}, {@code 0 <= gOff <= g.length}
     * @param ldg row stride of g, {@code >= max(1, cols)}: element (i, j) is at
     *     {@code g[gOff + i * ldg + j]}
     * @return the loss (the double mean rounded to float), NaN if the input is empty
     * @throws NullPointerException if an array argument is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or a forbidden overlap
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array; every exception before anything is written
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

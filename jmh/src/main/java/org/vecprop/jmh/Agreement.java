package org.vecprop.jmh;

/**
 * The setup-time checks of the layer and training-step benchmarks: two ways of computing the same
 * thing must agree to rounding, or the trial fails before anything is timed.
 *
 * <p>Tolerances follow the standard bound for a float sum of {@code k} terms in any order,
 * {@code |fl(s) - s| <= k·u·Σ|terms|} with {@code u = 2^-24}: two results computed in different
 * orders may differ by twice that. So each element gets its own tolerance
 * {@code 2·(k + 2)·u·scale}, where {@code scale} is the sum of the absolute values of the terms
 * that element adds up (see {@link #productScale}); anything wired wrongly misses by far more.
 */
final class Agreement {
    static final double U = 0x1p-24;

    private Agreement() {}

    /**
     * Per-element {@code Σ_p |op(A)[i][p]|·|op(B)[p][j]|} of the product {@code op(A)·op(B)}
     * ({@code m x k} times {@code k x n}, stored row-major and dense), in double.
     */
    static double[] productScale(int m, int n, int k, float[] a, boolean transA,
                                 float[] b, boolean transB) {
        double[] s = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double aip = Math.abs(transA ? a[p * m + i] : a[i * k + p]);
                if (aip == 0) {
                    continue;
                }
                for (int j = 0; j < n; j++) {
                    s[i * n + j] += aip * Math.abs(transB ? b[j * k + p] : b[p * n + j]);
                }
            }
        }
        return s;
    }

    /** Adds {@code |v[j]|} to every row of the {@code rows x v.length} scale (a bias term). */
    static double[] plusRow(double[] scale, float[] v) {
        for (int i = 0; i < scale.length; i++) {
            scale[i] += Math.abs(v[i % v.length]);
        }
        return scale;
    }

    /** Per-column {@code Σ_i |x[i][j]|} of a {@code rows x cols} matrix (a column sum's scale). */
    static double[] columnScale(int rows, int cols, float[] x) {
        double[] s = new double[cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                s[j] += Math.abs(x[i * cols + j]);
            }
        }
        return s;
    }

    /**
     * Throws unless {@code got[i]} and {@code expected[i]} differ by at most
     * {@code 2·(k + 2)·u·scale[i]} (plus the smallest normal float) for every element of the
     * first {@code scale.length}, or if either is NaN, or if {@code expected} is all zeros (nothing
     * was computed).
     *
     * @param k how many terms each element sums (the GEMM's k, the batch for a column sum)
     */
    static void close(String where, String gotName, float[] got, String expectedName,
                      float[] expected, double[] scale, int k) {
        boolean allZero = true;
        for (int i = 0; i < scale.length; i++) {
            double tol = 2.0 * (k + 2) * U * scale[i] + Float.MIN_NORMAL;
            double d = Math.abs((double) got[i] - expected[i]);
            if (!(d <= tol)) { // also catches NaN
                throw new IllegalStateException(String.format(
                        "%s: %s disagrees with %s at element %d: %s vs %s (tolerance %.3g)",
                        where, gotName, expectedName, i, got[i], expected[i], tol));
            }
            allZero &= expected[i] == 0f;
        }
        if (allZero) {
            throw new IllegalStateException(where + ": " + expectedName + " is all zeros");
        }
    }

    /** True if the first {@code n} elements are bit-for-bit equal. */
    static boolean identical(float[] a, float[] b, int n) {
        return java.util.Arrays.equals(a, 0, n, b, 0, n);
    }
}

package org.vecprop.internal.gemm;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.scalar.ScalarKernels;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.testing.Compare;
import org.vecprop.testing.GemmCheck;
import org.vecprop.testing.Values;
import org.vecprop.testing.VectorLength;

/**
 * Products against a {@link PackedMatrix} on the direct path's tiles over packed panels ({@link
 * GemmSmallProblems#directPacked}: few rows or a short depth) and, with B in place, the direct
 * path's one- and two-row kernels: every row count from 1 to past the 16-row rule, widths around
 * a panel (2L) and four panels (8L), depths around the 32 of the rule and the depth block. Each
 * against the reference with GemmCheck's bound and bit for bit against the scalar implementation.
 */
class GemmDirectPanelsTest {

    @Test
    void packedProductsEveryRowCountAndWidth() {
        int l = Math.max(1, VectorLength.L);
        Random rnd = new Random(5);
        for (boolean transA : new boolean[] {false, true}) {
            for (int m = 1; m <= 18; m++) {
                for (int n : new int[] {2 * l - 1, 2 * l, 2 * l + 1, 8 * l, 8 * l + 3, 10 * l + 1}) {
                    for (int k : new int[] {1, 10, 32, 33, 129}) {
                        check(rnd, transA, m, n, k, (m + n + k) % 3 == 0 ? 0f : 0.5f, true);
                    }
                }
            }
        }
    }

    @Test
    void directPathFewRowsInPlace() {
        int l = Math.max(1, VectorLength.L);
        Random rnd = new Random(6);
        for (boolean transA : new boolean[] {false, true}) {
            for (int m = 1; m <= 5; m++) {
                for (int n : new int[] {8 * l, 8 * l + 1, 17 * l + 3}) {
                    for (int k : new int[] {1, 7, 129}) {
                        check(rnd, transA, m, n, k, m == 2 ? 0f : -1f, false);
                    }
                }
            }
        }
    }

    /**
     * dX = dZ·Wᵀ-like products, B transposed and packed per call (the direct path on panels for
     * a short depth, the packed path past it): every depth 1 to 33, widths of whole panels that
     * are not all multiples of 16 columns where vectors are narrower, offsets into every operand
     * and B exactly as long as its last read float; bit for bit against the scalar
     * implementation, C outside its window untouched.
     */
    @Test
    void transposedBEveryShortDepthTightB() {
        int l = Math.max(1, VectorLength.L);
        Random rnd = new Random(12);
        for (int k = 1; k <= 33; k++) {
            for (int m : new int[] {1, 3, 9, 64}) {
                for (int n : new int[] {2 * l, 6 * l, 2 * l + 1, 16 * l}) {
                    int aOff = 1, bOff = k % 3, cOff = 2, lda = k + 1, ldb = k + (k % 2), ldc = n + 1;
                    float[] a = Values.random(rnd, aOff + m * lda, 0, 1f);
                    float[] b = Values.random(rnd, bOff + (n - 1) * ldb + k, 0, 1f);
                    float[] c0 = Values.random(rnd, cOff + m * ldc, 0, 1f);
                    float[] expected = c0.clone();
                    ScalarKernels.INSTANCE.gemm(false, true, m, n, k, 0.75f, a, aOff, lda, b, bOff, ldb,
                            0.5f, expected, cOff, ldc, null, 0, Kernels.IDENTITY, null);
                    float[] actual = c0.clone();
                    Gemm.multiply(false, true, m, n, k, 0.75f, a, aOff, lda, b, bOff, ldb, 0.5f, actual,
                            cOff, ldc);
                    Compare.sameArray(expected, actual, "NT m=" + m + " n=" + n + " k=" + k
                            + " vs the scalar implementation");
                }
            }
        }
    }

    private static void check(Random rnd, boolean transA, int m, int n, int k, float beta, boolean packed) {
        int lda = (transA ? m : k) + 1, ldb = n + 2, ldc = n + 3;
        float[] a = Values.random(rnd, (transA ? k : m) * lda, 0, 1f);
        float[] b = Values.random(rnd, k * ldb, 0, 1f);
        float[] c0 = Values.random(rnd, m * ldc, 0, 1f);
        float[] expected = c0.clone();
        ScalarKernels.INSTANCE.gemm(transA, false, m, n, k, 0.75f, a, 0, lda, b, 0, ldb, beta,
                expected, 0, ldc, null, 0, Kernels.IDENTITY, null);
        float[] actual = c0.clone();
        if (packed) {
            Gemm.multiplyPacked(transA, m, 0.75f, a, 0, lda, PackedMatrix.pack(false, k, n, b, 0, ldb), beta,
                    actual, 0, ldc);
        } else {
            Gemm.multiply(transA, false, m, n, k, 0.75f, a, 0, lda, b, 0, ldb, beta, actual, 0, ldc);
        }
        String what = (packed ? "packed " : "in place ") + (transA ? "T" : "N") + " m=" + m + " n=" + n
                + " k=" + k + " beta=" + beta;
        Compare.sameArray(expected, actual, what + " vs the scalar implementation");
        float[] reference = c0.clone();
        org.vecprop.reference.ReferenceGemm.multiply(transA, false, m, n, k, 0.75f, a, 0, lda, b, 0,
                ldb, beta, reference, 0, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < ldc; j++) {
                int idx = i * ldc + j;
                if (j >= n) {
                    Compare.same(c0[idx], actual[idx], what + ": C outside the window");
                    continue;
                }
                double tol = GemmCheck.bound(transA, false, i, j, k, 0.75f, a, 0, lda, b, 0, ldb,
                        beta, c0[idx]);
                Compare.close(reference[idx], actual[idx], tol, what + ": C[" + i + "][" + j + "]");
            }
        }
    }
}

package org.vecprop.reference;

import org.vecprop.contract.Checks;

/**
 * Scalar GEMM, {@code C = alpha * op(A) * op(B) + beta * C}, written straight from the
 * definition: the oracle that the kernels are tested against.
 *
 * <p>Each element is one dot product summed left to right in float with separate multiply and
 * add (no FMA), then {@code alpha * sum + beta * c}. BLAS conventions for the scalars: when
 * {@code beta == 0} C is not read (NaN or garbage already in C does not leak); when
 * {@code alpha == 0} or {@code k == 0}, A and B are not read and C becomes {@code beta * C}.
 * Error: each element is within {@code k * 2^-24 * sum|a_ip * b_pj|} (first order) of the exact
 * dot product, plus one rounding for each of the alpha and beta terms.
 */
public final class ReferenceGemm {
    private ReferenceGemm() {}

    /**
     * Computes {@code C = alpha * op(A) * op(B) + beta * C} on row-major arrays.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true
     * @param transB whether op(B) = Bᵀ: stored B is {@code k x n}, or {@code n x k} if true
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param n columns of op(B) and of C, {@code >= 0}
     * @param k the depth: columns of op(A) and rows of op(B), {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b stored B, row-major: element (i, j) at {@code b[bOff + i * ldb + j]}
     * @param bOff index of stored B's element (0, 0) in {@code b}, {@code 0 <= bOff <= b.length}
     * @param ldb row stride of stored B, {@code >= max(1, its columns)} (n, or k when transB)
     * @param beta scale of the old C; 0 means C is write-only (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A or B (judged on the element ranges they span)
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @throws NullPointerException if {@code a}, {@code b} or {@code c} is null
     * @throws IllegalArgumentException for a negative size, a row stride below its minimum, or C
     *     overlapping A or B
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array; every exception before anything is written
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = cOff + i * ldc + j;
                if (alpha == 0f || k == 0) {
                    c[ci] = beta == 0f ? 0f : beta * c[ci];
                    continue;
                }
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    float aip = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float bpj = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    sum += aip * bpj;
                }
                c[ci] = beta == 0f ? alpha * sum : alpha * sum + beta * c[ci];
            }
        }
    }
}

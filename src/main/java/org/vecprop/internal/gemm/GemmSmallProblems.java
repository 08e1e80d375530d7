package org.vecprop.internal.gemm;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;
import static org.vecprop.internal.gemm.GemmBlocking.KC;
import static org.vecprop.internal.gemm.GemmEpilogue.epilogue;

import jdk.incubator.vector.FloatVector;

/**
 * The small-problem GEMM paths, which read A and B in place because packing would cost more
 * than it saves: TINY (plain scalar loops, one FMA per term) and DIRECT (vector loops over rows
 * of B or dot products of rows). Arguments are validated, and {@code m, n, k > 0} and
 * {@code alpha != 0} established, by the caller.
 */
final class GemmSmallProblems {
    private GemmSmallProblems() {}

    // ---------------------------------------------------------------- tiny path

    /**
     * Plain loops for problems too small for vectors; one FMA per term, then the epilogue
     * {@code f(alpha * sum (+ beta * c) (+ bias))} as in {@link GemmEpilogue#finishTile}.
     */
    static void tiny(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc,
                     float[] bias, int biasOff, boolean relu) {
        int aStepP = transA ? lda : 1, aStepI = transA ? 1 : lda;
        int bStepP = transB ? 1 : ldb, bStepJ = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                float sum = 0f;
                int ai = aOff + i * aStepI, bj = bOff + j * bStepJ;
                for (int p = 0; p < k; p++) {
                    sum = Math.fma(a[ai + p * aStepP], b[bj + p * bStepP], sum);
                }
                int idx = cOff + i * ldc + j;
                float v = epilogue(sum, c, idx, alpha, beta);
                if (bias != null) {
                    v += bias[biasOff + j];
                }
                c[idx] = relu ? Math.max(0f, v) : v;
            }
        }
    }

    // ---------------------------------------------------------------- direct path

    /**
     * Small problems with B untransposed, read in place, in outer-product form: for each row
     * of C, four vectors of columns at a time, broadcast op(A)[i][p] and FMA with row p of B;
     * each element then sees the order of arithmetic exactly (same FMAs, same depth blocks, same
     * epilogue), so this path gives the packed path's bits.
     */
    static void direct(boolean transA, int m, int n, int k,
                       float alpha, float[] a, int aOff, int lda,
                       float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc) {
        // Depth blocks of KC, as on the packed path: a chain of k FMAs into one accumulator
        // would grow the rounding error with k (measured 3-9x OpenBLAS's at 1x4096x4096), and
        // with the same blocks the outer form computes exactly what the packed path does.
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            float betaBlock = pc == 0 ? beta : 1f;
            int aBlock = aOff + (transA ? pc * lda : pc);
            directOuter(transA, m, n, kc, alpha, a, aBlock, lda, b, bOff + pc * ldb, ldb,
                    betaBlock, c, cOff, ldc);
        }
    }

    private static void directOuter(boolean transA, int m, int n, int k,
                                    float alpha, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb,
                                    float beta, float[] c, int cOff, int ldc) {
        // Stride between op(A)[i][p] and op(A)[i][p + 1], and between rows i and i + 1.
        int aStepP = transA ? lda : 1;
        int aStepI = transA ? 1 : lda;
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * aStepI;
            int ci = cOff + i * ldc;
            int j = 0;
            for (; j <= n - 4 * L; j += 4 * L) {
                FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
                int bi = bOff + j;
                for (int p = 0; p < k; p++) {
                    FloatVector av = FloatVector.broadcast(F, a[ai + p * aStepP]);
                    c0 = av.fma(FloatVector.fromArray(F, b, bi), c0);
                    c1 = av.fma(FloatVector.fromArray(F, b, bi + L), c1);
                    c2 = av.fma(FloatVector.fromArray(F, b, bi + 2 * L), c2);
                    c3 = av.fma(FloatVector.fromArray(F, b, bi + 3 * L), c3);
                    bi += ldb;
                }
                int cj = ci + j;
                if (beta == 0f) {
                    c0.mul(alpha).intoArray(c, cj);
                    c1.mul(alpha).intoArray(c, cj + L);
                    c2.mul(alpha).intoArray(c, cj + 2 * L);
                    c3.mul(alpha).intoArray(c, cj + 3 * L);
                } else {
                    c0.mul(alpha).add(FloatVector.fromArray(F, c, cj).mul(beta)).intoArray(c, cj);
                    c1.mul(alpha).add(FloatVector.fromArray(F, c, cj + L).mul(beta)).intoArray(c, cj + L);
                    c2.mul(alpha).add(FloatVector.fromArray(F, c, cj + 2 * L).mul(beta))
                            .intoArray(c, cj + 2 * L);
                    c3.mul(alpha).add(FloatVector.fromArray(F, c, cj + 3 * L).mul(beta))
                            .intoArray(c, cj + 3 * L);
                }
            }
            for (; j <= n - L; j += L) { // fewer than four vectors of columns left
                FloatVector acc = FloatVector.zero(F);
                int bi = bOff + j;
                for (int p = 0; p < k; p++) {
                    FloatVector av = FloatVector.broadcast(F, a[ai + p * aStepP]);
                    acc = av.fma(FloatVector.fromArray(F, b, bi), acc);
                    bi += ldb;
                }
                FloatVector v = acc.mul(alpha);
                if (beta != 0f) {
                    v = v.add(FloatVector.fromArray(F, c, ci + j).mul(beta));
                }
                v.intoArray(c, ci + j);
            }
            for (; j < n; j++) { // fewer than L columns: scalar, one FMA per term
                float sum = 0f;
                for (int p = 0; p < k; p++) {
                    sum = Math.fma(a[ai + p * aStepP], b[bOff + p * ldb + j], sum);
                }
                c[ci + j] = epilogue(sum, c, ci + j, alpha, beta);
            }
        }
    }
}

package org.vecprop.kernel;

import static org.vecprop.kernel.Gemm.KC;
import static org.vecprop.kernel.Gemm.MC;
import static org.vecprop.kernel.Gemm.MR;
import static org.vecprop.kernel.Gemm.NC;
import static org.vecprop.kernel.Gemm.NR;
import static org.vecprop.kernel.Vectors.F;
import static org.vecprop.kernel.Vectors.L;

import jdk.incubator.vector.FloatVector;

/**
 * Vector API GEMM behind {@link Gemm}: the packed path (packing, blocking loops, the
 * {@code MR x NR} micro-kernel) and the direct path for small problems. Arguments are
 * validated, and {@code m, n, k > 0} and {@code alpha != 0} established, by {@link Gemm}.
 *
 * <p>Every store of C goes through one epilogue formula, {@code alpha * acc} when
 * {@code beta == 0} (C not read) else {@code alpha * acc + beta * c}, with separate roundings,
 * in vector and scalar form alike, so an element's value does not depend on whether it sat in
 * an edge tile.
 */
final class SimdGemm {
    private SimdGemm() {}

    // ---------------------------------------------------------------- packed path

    static void packed(boolean transA, boolean transB, int m, int n, int k,
                       float alpha, float[] a, int aOff, int lda,
                       float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc, GemmWorkspace ws,
                       float[] bias, int biasOff, boolean relu) {
        if (n < NR / 2 && m >= NR) {
            // C narrower than half a tile: compute Cᵀ = op(B)ᵀ·op(A)ᵀ instead, whose rows are
            // long, and store it transposed. Same products, same depth order, same bits.
            packed(!transB, !transA, n, m, k, alpha, b, bOff, ldb, a, aOff, lda, beta, c, cOff,
                    ldc, ws, bias, biasOff, relu, true);
            return;
        }
        packed(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                ws, bias, biasOff, relu, false);
    }

    /**
     * The blocked loops. With {@code transposedC}, the m x n result is stored transposed: tile
     * element (i, j) goes to {@code c[cOff + j * ldc + i]}, and the bias runs along i.
     */
    private static void packed(boolean transA, boolean transB, int m, int n, int k,
                               float alpha, float[] a, int aOff, int lda,
                               float[] b, int bOff, int ldb,
                               float beta, float[] c, int cOff, int ldc, GemmWorkspace ws,
                               float[] bias, int biasOff, boolean relu, boolean transposedC) {
        int kcMax = Math.min(KC, k);
        float[] pa = ws.packedA(roundUp(Math.min(MC, m), MR) * kcMax);
        float[] pb = ws.packedB(roundUp(Math.min(NC, n), NR) * kcMax);
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, pb);
                float betaBlock = pc == 0 ? beta : 1f; // later depth blocks add to what we wrote
                boolean last = pc + kc == k;             // bias and ReLU only on the full sum
                float[] blockBias = last ? bias : null;
                boolean blockRelu = last && relu;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOff, lda, ic, mc, pc, kc, pa);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int bPanel = jr * kc; // (jr / NR) * kc * NR
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            int i0 = ic + ir, j0 = jc + jr;
                            microKernel(kc, pa, ir * kc, pb, bPanel,
                                    c, transposedC ? cOff + j0 * ldc + i0 : cOff + i0 * ldc + j0, ldc,
                                    alpha, betaBlock, mr, nr, ws.tile,
                                    blockBias, biasOff + (transposedC ? i0 : j0), blockRelu,
                                    transposedC);
                        }
                    }
                }
            }
        }
    }

    private static int roundUp(int x, int multiple) {
        return (x + multiple - 1) / multiple * multiple;
    }

    /**
     * Packs op(B)[pc : pc+kc, jc : jc+nc] into NR-wide micro-panels: panel q holds
     * {@code dst[(q * kc + p) * NR + j] = op(B)[pc + p][jc + q * NR + j]}, zero past column nc.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc,
                      int jc, int nc, float[] dst) {
        for (int q = 0; q * NR < nc; q++) {
            int j0 = jc + q * NR;
            int width = Math.min(NR, nc - q * NR);
            int panel = q * kc * NR;
            if (!transB && width == NR) {
                // Rows of B are contiguous: two vectors per row of the panel.
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + j0;
                    int d = panel + p * NR;
                    FloatVector.fromArray(F, b, src).intoArray(dst, d);
                    FloatVector.fromArray(F, b, src + L).intoArray(dst, d + L);
                }
            } else if (!transB) {
                // The last, partial panel: copy what there is and zero the padding.
                for (int p = 0; p < kc; p++) {
                    int src = bOff + (pc + p) * ldb + j0;
                    int d = panel + p * NR;
                    System.arraycopy(b, src, dst, d, width);
                    java.util.Arrays.fill(dst, d + width, d + NR, 0f);
                }
            } else {
                // op(B)[p][j] = B[j][p]: read each stored row j contiguously, write a column.
                for (int j = 0; j < NR; j++) {
                    int d = panel + j;
                    if (j < width) {
                        int src = bOff + (j0 + j) * ldb + pc;
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * NR] = b[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * NR] = 0f;
                        }
                    }
                }
            }
        }
    }

    /**
     * Packs op(A)[ic : ic+mc, pc : pc+kc] into MR-tall micro-panels: panel q holds
     * {@code dst[(q * kc + p) * MR + r] = op(A)[ic + q * MR + r][pc + p]}, zero past row mc.
     */
    static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc,
                      int pc, int kc, float[] dst) {
        for (int q = 0; q * MR < mc; q++) {
            int i0 = ic + q * MR;
            int height = Math.min(MR, mc - q * MR);
            int panel = q * kc * MR;
            if (!transA) {
                for (int r = 0; r < MR; r++) {
                    int d = panel + r;
                    if (r < height) {
                        int src = aOff + (i0 + r) * lda + pc;
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * MR] = a[src + p];
                        }
                    } else {
                        for (int p = 0; p < kc; p++) {
                            dst[d + p * MR] = 0f;
                        }
                    }
                }
            } else {
                // op(A)[i][p] = A[p][i]: each stored row p gives MR consecutive elements.
                for (int p = 0; p < kc; p++) {
                    int src = aOff + (pc + p) * lda + i0;
                    int d = panel + p * MR;
                    for (int r = 0; r < MR; r++) {
                        dst[d + r] = r < height ? a[src + r] : 0f;
                    }
                }
            }
        }
    }

    /**
     * The register tile: {@code C[0:mr, 0:nr] = alpha * Ap * Bp + beta * C} for one MR x KC panel
     * of packed A and one KC x NR panel of packed B. Always computes the whole MR x NR tile (the
     * padding is zero) in MR x 2 vector accumulators, spills it to {@code tile} (the accumulators
     * are locals of a method that takes and returns no vectors, so C2 keeps them in registers and
     * never materialises a vector object), then applies the epilogue to the valid part. The spill
     * costs 2 MR vector stores and loads per tile and depth block, against 2 MR KC FMAs.
     */
    static void microKernel(int kc, float[] pa, int ai, float[] pb, int bi,
                            float[] c, int ci, int ldc, float alpha, float beta,
                            int mr, int nr, float[] tile,
                            float[] bias, int biasIdx, boolean relu, boolean transposedC) {
        if (MR == 8) {
            microKernel8(kc, pa, ai, pb, bi, tile);
        } else {
            microKernel6(kc, pa, ai, pb, bi, tile);
        }
        if (transposedC) {
            finishTransposedTile(tile, c, ci, ldc, alpha, beta, mr, nr, bias, biasIdx, relu);
        } else {
            finishTile(tile, c, ci, ldc, alpha, beta, mr, nr, bias, biasIdx, relu);
        }
    }

    /** The 6-row register tile: 6 x 2 vector accumulators, see {@link #microKernel}. */
    private static void microKernel6(int kc, float[] pa, int ai, float[] pb, int bi, float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        FloatVector c50 = c00, c51 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, pb, bi);
            FloatVector b1 = FloatVector.fromArray(F, pb, bi + L);
            FloatVector av = FloatVector.broadcast(F, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(F, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(F, pa[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            ai += MR;
            bi += NR;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, 0 + L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
    }

    /** The 8-row register tile: 8 x 2 vector accumulators, see {@link #microKernel}. */
    private static void microKernel8(int kc, float[] pa, int ai, float[] pb, int bi, float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00;
        FloatVector c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00;
        FloatVector c70 = c00, c71 = c00;
        for (int p = 0; p < kc; p++) {
            FloatVector b0 = FloatVector.fromArray(F, pb, bi);
            FloatVector b1 = FloatVector.fromArray(F, pb, bi + L);
            FloatVector av = FloatVector.broadcast(F, pa[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, pa[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, pa[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, pa[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(F, pa[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(F, pa[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(F, pa[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(F, pa[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
            ai += MR;
            bi += NR;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, 0 + L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR);
        c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR);
        c51.intoArray(tile, 5 * NR + L);
        c60.intoArray(tile, 6 * NR);
        c61.intoArray(tile, 6 * NR + L);
        c70.intoArray(tile, 7 * NR);
        c71.intoArray(tile, 7 * NR + L);
    }

    /**
     * As {@link #finishTile}, storing tile element (r, j) at {@code c[ci + j * ldc + r]} with the
     * bias indexed by r: the scalar form of the same epilogue.
     */
    private static void finishTransposedTile(float[] tile, float[] c, int ci, int ldc, float alpha,
                                             float beta, int mr, int nr, float[] bias, int biasIdx,
                                             boolean relu) {
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                int idx = ci + j * ldc + r;
                float v = epilogue(tile[r * NR + j], c, idx, alpha, beta);
                if (bias != null) {
                    v += bias[biasIdx + r];
                }
                c[idx] = relu ? Math.max(0f, v) : v;
            }
        }
    }

    /**
     * Stores the valid {@code mr x nr} part of a spilled tile into C, with the epilogue
     * {@code f(alpha * acc (+ beta * c) (+ bias))}: whole vectors for full-width rows, scalars
     * otherwise, the same operations in the same order either way.
     */
    private static void finishTile(float[] tile, float[] c, int ci, int ldc, float alpha,
                                   float beta, int mr, int nr, float[] bias, int biasIdx,
                                   boolean relu) {
        for (int r = 0; r < mr; r++) {
            int row = ci + r * ldc;
            if (nr == NR) {
                for (int h = 0; h < NR; h += L) {
                    FloatVector v = FloatVector.fromArray(F, tile, r * NR + h).mul(alpha);
                    if (beta != 0f) {
                        v = v.add(FloatVector.fromArray(F, c, row + h).mul(beta));
                    }
                    if (bias != null) {
                        v = v.add(FloatVector.fromArray(F, bias, biasIdx + h));
                    }
                    if (relu) {
                        v = v.max(0f);
                    }
                    v.intoArray(c, row + h);
                }
            } else {
                for (int j = 0; j < nr; j++) {
                    float v = epilogue(tile[r * NR + j], c, row + j, alpha, beta);
                    if (bias != null) {
                        v += bias[biasIdx + j];
                    }
                    c[row + j] = relu ? Math.max(0f, v) : v;
                }
            }
        }
    }

    /** Scalar epilogue, the same formula as the vector one. */
    private static float epilogue(float acc, float[] c, int idx, float alpha, float beta) {
        float v = alpha * acc;
        return beta == 0f ? v : v + beta * c[idx];
    }

    // ---------------------------------------------------------------- tiny path

    /**
     * Plain loops for problems too small for vectors; one FMA per term, then the epilogue
     * {@code f(alpha * sum (+ beta * c) (+ bias))} as in {@link #finishTile}.
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
     * Small problems, read in place. With B untransposed, the outer-product form: for each row
     * of C, four vectors of columns at a time, broadcast op(A)[i][p] and FMA with row p of B;
     * each element then sees the packed path's arithmetic exactly (same FMAs, same depth blocks,
     * same epilogue), so the two paths give the same bits. With B transposed (and A not), each
     * element is a dot product of two contiguous rows, accumulated lane-wise and its lanes added
     * in a fixed order once per depth block: a different order, within the same error bound.
     */
    static void direct(boolean transA, boolean transB, int m, int n, int k,
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
            if (!transB) {
                directOuter(transA, m, n, kc, alpha, a, aBlock, lda, b, bOff + pc * ldb, ldb,
                        betaBlock, c, cOff, ldc);
            } else {
                directDot(m, n, kc, alpha, a, aBlock, lda, b, bOff + pc, ldb, betaBlock, c, cOff, ldc);
            }
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

    private static void directDot(int m, int n, int k,
                                  float alpha, float[] a, int aOff, int lda,
                                  float[] b, int bOff, int ldb,
                                  float beta, float[] c, int cOff, int ldc) {
        int bound = F.loopBound(k);
        float[] lanes = Scratch.zeroedRow(4 * L);
        for (int i = 0; i < m; i++) {
            int ai = aOff + i * lda;
            int ci = cOff + i * ldc;
            int j = 0;
            for (; j <= n - 4; j += 4) { // four dot products share each load of A's row
                int b0 = bOff + j * ldb, b1 = b0 + ldb, b2 = b1 + ldb, b3 = b2 + ldb;
                FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
                int p = 0;
                for (; p < bound; p += L) {
                    FloatVector av = FloatVector.fromArray(F, a, ai + p);
                    s0 = av.fma(FloatVector.fromArray(F, b, b0 + p), s0);
                    s1 = av.fma(FloatVector.fromArray(F, b, b1 + p), s1);
                    s2 = av.fma(FloatVector.fromArray(F, b, b2 + p), s2);
                    s3 = av.fma(FloatVector.fromArray(F, b, b3 + p), s3);
                }
                // Lanes added in a fixed order, not reduceLanes (whose order differs between the
                // interpreter and C2, so results would depend on compilation).
                s0.intoArray(lanes, 0);
                s1.intoArray(lanes, L);
                s2.intoArray(lanes, 2 * L);
                s3.intoArray(lanes, 3 * L);
                float t0 = 0f, t1 = 0f, t2 = 0f, t3 = 0f;
                for (int q = 0; q < L; q++) {
                    t0 += lanes[q];
                    t1 += lanes[L + q];
                    t2 += lanes[2 * L + q];
                    t3 += lanes[3 * L + q];
                }
                for (; p < k; p++) { // scalar tail of the dot products
                    float ap = a[ai + p];
                    t0 = Math.fma(ap, b[b0 + p], t0);
                    t1 = Math.fma(ap, b[b1 + p], t1);
                    t2 = Math.fma(ap, b[b2 + p], t2);
                    t3 = Math.fma(ap, b[b3 + p], t3);
                }
                c[ci + j] = epilogue(t0, c, ci + j, alpha, beta);
                c[ci + j + 1] = epilogue(t1, c, ci + j + 1, alpha, beta);
                c[ci + j + 2] = epilogue(t2, c, ci + j + 2, alpha, beta);
                c[ci + j + 3] = epilogue(t3, c, ci + j + 3, alpha, beta);
            }
            for (; j < n; j++) {
                int bj = bOff + j * ldb;
                FloatVector s = FloatVector.zero(F);
                int p = 0;
                for (; p < bound; p += L) {
                    s = FloatVector.fromArray(F, a, ai + p).fma(FloatVector.fromArray(F, b, bj + p), s);
                }
                s.intoArray(lanes, 0);
                float t = 0f;
                for (int q = 0; q < L; q++) {
                    t += lanes[q];
                }
                for (; p < k; p++) {
                    t = Math.fma(a[ai + p], b[bj + p], t);
                }
                c[ci + j] = epilogue(t, c, ci + j, alpha, beta);
            }
        }
    }
}

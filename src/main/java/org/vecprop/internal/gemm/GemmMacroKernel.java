package org.vecprop.internal.gemm;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;
import static org.vecprop.internal.gemm.GemmBlocking.KC;
import static org.vecprop.internal.gemm.GemmBlocking.MC;
import static org.vecprop.internal.gemm.GemmBlocking.MR;
import static org.vecprop.internal.gemm.GemmBlocking.NC;
import static org.vecprop.internal.gemm.GemmBlocking.NR;
import static org.vecprop.internal.gemm.GemmBlocking.roundUp;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.PackBuffers;

/**
 * The packed GEMM path (BLIS/GotoBLAS): the loop nest over blocks of C and of the depth, with
 * packing of each block into micro-panels ({@link GemmPacking}), the {@code MR x NR} register
 * micro-kernels, and each tile stored through the epilogue ({@link GemmEpilogue}). Arguments are
 * validated, and {@code m, n, k > 0} and {@code alpha != 0} established, by the caller.
 *
 * <p>B comes either from a per-call packing buffer or from a matrix packed once ({@link
 * PackedPanels}); both hold the same panels, so both give the same bits.
 */
final class GemmMacroKernel {
    private GemmMacroKernel() {}

    /** The packed path for a whole validated problem (see the class comment). */
    static void packed(boolean transA, boolean transB, int m, int n, int k,
                       float alpha, float[] a, int aOff, int lda,
                       float[] b, int bOff, int ldb,
                       float beta, float[] c, int cOff, int ldc, PackBuffers ws,
                       float[] bias, int biasOff, int activation) {
        if (n < NR / 2 && m >= NR) {
            // C narrower than half a tile: compute Cᵀ = op(B)ᵀ·op(A)ᵀ instead, whose rows are
            // long, and store it transposed. Same products, same depth order, same bits.
            loops(!transB, !transA, n, m, k, alpha, b, bOff, ldb, a, aOff, lda, null, 0, 0, beta,
                    c, cOff, ldc, ws, bias, biasOff, activation, true);
            return;
        }
        loops(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, 0, 0, beta, c, cOff,
                ldc, ws, bias, biasOff, activation, false);
    }

    /** The packed path with B packed beforehand: only A is packed here. */
    static void prepacked(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                          PackedPanels b, float beta, float[] c, int cOff, int ldc,
                          PackBuffers ws, float[] bias, int biasOff, int activation) {
        prepacked(transA, m, alpha, a, aOff, lda, b, 0, b.cols, beta, c, cOff, ldc, ws, bias,
                biasOff, activation);
    }

    /**
     * As the other overload, on columns {@code col0 .. col0 + cols - 1} of the packed B only (a
     * piece of a parallel call; {@code col0} a multiple of NR): C is {@code m x cols}, and tile
     * by tile the same arithmetic as the whole product's, since the tiles start at the same
     * columns.
     */
    static void prepacked(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                          PackedPanels b, int col0, int cols, float beta, float[] c, int cOff,
                          int ldc, PackBuffers ws, float[] bias, int biasOff, int activation) {
        loops(transA, false, m, cols, b.depth, alpha, a, aOff, lda, null, 0, 0, b.data, b.colsPadded,
                col0, beta, c, cOff, ldc, ws, bias, biasOff, activation, false);
    }

    /**
     * The blocked loops. B is packed here from {@code b} unless {@code prepacked} holds it, all
     * of op(B) in the {@link PackedPanels} layout with rows of {@code prepackedStride} floats
     * per depth step (its columns rounded up to whole panels), this product's n columns starting
     * at its column {@code prepackedCol0}. With
     * {@code transposedC}, the m x n result is stored transposed: tile element (i, j) goes to
     * {@code c[cOff + j * ldc + i]}, and the bias runs along i.
     *
     * <p>Loop order within a block: a row panel of A (MR x kc, in L1) against every B
     * micro-panel of the block (streamed from L2) before the next row panel, so successive tiles
     * of C lie side by side along a row; whole tiles store C straight from the registers ({@link
     * #microKernel8C}). Neither changes an element's operations (each tile still runs one FMA
     * chain per depth block, joined through C in depth order), so the bits are those of the
     * order of arithmetic. Measured at 512 bits on Zen 5 (interleaved probe, indicative): the
     * opposite order (one B micro-panel against every row panel, which walks C down a column of
     * tiles, rows ldc apart, onto a few cache sets) lost 4 points of the FMA peak at 1024³ and 20
     * at 2048³; the spill and reload of each tile 5-10 points at 512³ and 1024³.
     */
    static void loops(boolean transA, boolean transB, int m, int n, int k,
                              float alpha, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float[] prepacked, int prepackedStride,
                              int prepackedCol0, float beta, float[] c, int cOff, int ldc, PackBuffers ws,
                              float[] bias, int biasOff, int activation, boolean transposedC) {
        int kcMax = Math.min(KC, k);
        float[] pa = ws.packedA = PackBuffers.atLeast(ws.packedA, (long) roundUp(Math.min(MC, m), MR) * kcMax);
        float[] tile = ws.tile = PackBuffers.atLeast(ws.tile, GemmBlocking.tileFloats());
        float[] pb = prepacked != null ? prepacked
                : (ws.packedB = PackBuffers.atLeast(ws.packedB, (long) roundUp(Math.min(NC, n), NR) * kcMax));
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                int pbBase;
                if (prepacked != null) {
                    // the PackedPanels layout (its class comment)
                    pbBase = pc * prepackedStride + (prepackedCol0 + jc) * kc;
                } else {
                    GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, pb, ws);
                    pbBase = 0;
                }
                float betaBlock = pc == 0 ? beta : 1f; // later depth blocks add to what we wrote
                boolean last = pc + kc == k;             // bias and activation only on the full sum
                float[] blockBias = last ? bias : null;
                int blockActivation = last ? activation : GemmEpilogue.NONE;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    GemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, pa);
                    for (int ir = 0; ir < mc; ir += MR) {
                        int mr = Math.min(MR, mc - ir);
                        for (int jr = 0; jr < nc; jr += NR) {
                            int nr = Math.min(NR, nc - jr);
                            int bPanel = pbBase + jr * kc; // panels of kc x NR, one after another
                            int i0 = ic + ir, j0 = jc + jr;
                            int ci = transposedC ? cOff + j0 * ldc + i0 : cOff + i0 * ldc + j0;
                            int biasIdx = biasOff + (transposedC ? i0 : j0);
                            if (mr == MR && nr == NR && !transposedC) {
                                // a whole tile: stored from the registers (no spill, no reload)
                                if (MR == 8) {
                                    microKernel8C(kc, pa, ir * kc, pb, bPanel, c, ci, ldc, alpha,
                                            betaBlock, blockBias, biasIdx, blockActivation);
                                } else {
                                    microKernel6C(kc, pa, ir * kc, pb, bPanel, c, ci, ldc, alpha,
                                            betaBlock, blockBias, biasIdx, blockActivation);
                                }
                                continue;
                            }
                            microKernel(kc, pa, ir * kc, pb, bPanel, tile, mr);
                            if (transposedC) {
                                GemmEpilogue.finishTransposedTile(tile, c, ci, ldc, alpha, betaBlock,
                                        mr, nr, blockBias, biasIdx, blockActivation);
                            } else {
                                GemmEpilogue.finishTile(tile, c, ci, ldc, alpha, betaBlock, mr, nr,
                                        blockBias, biasIdx, blockActivation);
                            }
                        }
                    }
                }
            }
        }
    }

    /**
     * The register tile: {@code MR x NR} accumulators (MR x 2 vectors) updated by rank-1 steps
     * over one MR x KC panel of packed A and one KC x NR panel of packed B, then spilled to
     * {@code tile} for the epilogue. The accumulators are explicit locals of a method that takes
     * and returns no vectors, so C2 keeps them in registers and never materialises a vector
     * object. (Storing straight from the registers through a small epilogue method was tried:
     * C2 does not inline all sixteen calls into a method this large, and the vectors passed to
     * the calls it leaves are boxed, 3.5 KB per tile. Whole tiles of the loop nest therefore go
     * through {@link #microKernel8C} and {@link #microKernel6C}, which write the epilogue out
     * inline; this spilling form serves edge tiles, a transposed C and the short tiles.)
     *
     * <p>The tiles it dispatches to are package-private, not private, so that GemmMacroKernelTest
     * runs each one at every width, including the 6-row tile the 512-bit dispatch never selects.
     */
    static void microKernel(int kc, float[] pa, int ai, float[] pb, int bi, float[] tile, int mr) {
        // Few rows (the last row tile, or a batch of 1 to 4 against packed weights): a shorter
        // tile, since every row of padding costs as much as a row of C.
        if (mr <= 2) {
            microKernel1(kc, pa, ai, pb, bi, tile, 0);
            if (mr == 2) {
                microKernel1(kc, pa, ai + 1, pb, bi, tile, NR);
            }
        } else if (mr <= 4) {
            microKernel4(kc, pa, ai, pb, bi, tile);
        } else if (MR == 8) {
            microKernel8(kc, pa, ai, pb, bi, tile);
        } else {
            microKernel6(kc, pa, ai, pb, bi, tile);
        }
    }

    /**
     * One row of the tile (row {@code pa[ai + p * MR]} of the A panel) into {@code tile[t ..]}:
     * two FMA chains per depth step, so the B panel streams through at memory speed.
     */
    static void microKernel1(int kc, float[] pa, int ai, float[] pb, int bi, float[] tile, int t) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0;
        for (int p = 0; p < kc; p++) {
            FloatVector av = FloatVector.broadcast(F, pa[ai]);
            c0 = av.fma(FloatVector.fromArray(F, pb, bi), c0);
            c1 = av.fma(FloatVector.fromArray(F, pb, bi + L), c1);
            ai += MR;
            bi += NR;
        }
        c0.intoArray(tile, t);
        c1.intoArray(tile, t + L);
    }

    /** The first four rows of the tile: 4 x 2 vector accumulators, see {@link #microKernel}. */
    static void microKernel4(int kc, float[] pa, int ai, float[] pb, int bi, float[] tile) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00;
        FloatVector c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00;
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
            ai += MR;
            bi += NR;
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, L);
        c10.intoArray(tile, NR);
        c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR);
        c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR);
        c31.intoArray(tile, 3 * NR + L);
    }

    /** The 6-row register tile: 6 x 2 vector accumulators, see {@link #microKernel}. */
    static void microKernel6(int kc, float[] pa, int ai, float[] pb, int bi, float[] tile) {
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
        c01.intoArray(tile, L);
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
    static void microKernel8(int kc, float[] pa, int ai, float[] pb, int bi, float[] tile) {
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
        c01.intoArray(tile, L);
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
     * The 8-row register tile of a whole 8 x NR tile of C, stored straight from the
     * accumulators with the epilogue written out inline: the same operations in the same order as
     * {@link GemmEpilogue#finishTile} ({@code alpha * acc}, then {@code + beta * c} unless beta
     * is 0, then the bias, then the activation), without the spill to the tile buffer and the
     * epilogue's reload. Written out by hand, not through a method taking a vector, for the reason
     * {@link #microKernel} gives.
     */
    static void microKernel8C(int kc, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc,
                            float alpha, float beta, float[] bias, int biasIdx, int activation) {
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
        boolean readC = beta != 0f, relu = activation == Kernels.RELU, withBias = bias != null;
        FloatVector v;
        int row0 = ci;
        int row1 = ci + ldc;
        int row2 = ci + 2 * ldc;
        int row3 = ci + 3 * ldc;
        int row4 = ci + 4 * ldc;
        int row5 = ci + 5 * ldc;
        int row6 = ci + 6 * ldc;
        int row7 = ci + 7 * ldc;
        v = c00.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row0).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row0);
        v = c01.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row0 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row0 + L);
        v = c10.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row1).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row1);
        v = c11.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row1 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row1 + L);
        v = c20.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row2).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row2);
        v = c21.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row2 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row2 + L);
        v = c30.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row3).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row3);
        v = c31.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row3 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row3 + L);
        v = c40.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row4).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row4);
        v = c41.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row4 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row4 + L);
        v = c50.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row5).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row5);
        v = c51.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row5 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row5 + L);
        v = c60.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row6).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row6);
        v = c61.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row6 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row6 + L);
        v = c70.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row7).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row7);
        v = c71.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row7 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row7 + L);
    }

    /**
     * The 6-row register tile of a whole 6 x NR tile of C, stored straight from the
     * accumulators with the epilogue written out inline: the same operations in the same order as
     * {@link GemmEpilogue#finishTile} ({@code alpha * acc}, then {@code + beta * c} unless beta
     * is 0, then the bias, then the activation), without the spill to the tile buffer and the
     * epilogue's reload. Written out by hand, not through a method taking a vector, for the reason
     * {@link #microKernel} gives.
     */
    static void microKernel6C(int kc, float[] pa, int ai, float[] pb, int bi, float[] c, int ci, int ldc,
                            float alpha, float beta, float[] bias, int biasIdx, int activation) {
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
        boolean readC = beta != 0f, relu = activation == Kernels.RELU, withBias = bias != null;
        FloatVector v;
        int row0 = ci;
        int row1 = ci + ldc;
        int row2 = ci + 2 * ldc;
        int row3 = ci + 3 * ldc;
        int row4 = ci + 4 * ldc;
        int row5 = ci + 5 * ldc;
        v = c00.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row0).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row0);
        v = c01.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row0 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row0 + L);
        v = c10.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row1).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row1);
        v = c11.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row1 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row1 + L);
        v = c20.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row2).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row2);
        v = c21.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row2 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row2 + L);
        v = c30.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row3).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row3);
        v = c31.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row3 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row3 + L);
        v = c40.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row4).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row4);
        v = c41.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row4 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row4 + L);
        v = c50.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row5).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row5);
        v = c51.mul(alpha);
        if (readC) { v = v.add(FloatVector.fromArray(F, c, row5 + L).mul(beta)); }
        if (withBias) { v = v.add(FloatVector.fromArray(F, bias, biasIdx + L)); }
        if (relu) { v = v.max(0f); }
        v.intoArray(c, row5 + L);
    }
}

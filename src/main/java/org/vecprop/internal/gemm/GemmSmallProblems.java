package org.vecprop.internal.gemm;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;
import static org.vecprop.internal.gemm.GemmBlocking.KC;
import static org.vecprop.internal.gemm.GemmEpilogue.epilogue;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.PackBuffers;

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
     * Plain loops for problems too small for vectors; one FMA per term in depth blocks, then the epilogue
     * {@code f(alpha * sum (+ beta * c) (+ bias))} as in {@link GemmEpilogue#finishTile}.
     */
    static void tiny(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc,
                     float[] bias, int biasOff, int activation) {
        int aStepP = transA ? lda : 1, aStepI = transA ? 1 : lda;
        int bStepP = transB ? 1 : ldb, bStepJ = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ai = aOff + i * aStepI, bj = bOff + j * bStepJ;
                int idx = cOff + i * ldc + j;
                float v = 0f;
                for (int pc = 0; pc < k; pc += KC) { // one block when chosen automatically (k <= 64)
                    float sum = 0f;
                    for (int p = pc, end = Math.min(k, pc + KC); p < end; p++) {
                        sum = Math.fma(a[ai + p * aStepP], b[bj + p * bStepP], sum);
                    }
                    v = pc == 0 ? epilogue(sum, c, idx, alpha, beta) : alpha * sum + v;
                }
                if (bias != null) {
                    v += bias[biasOff + j];
                }
                c[idx] = GemmEpilogue.activate(v, activation);
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
            directOuter(transA, m, n, kc, alpha, a, aBlock, lda, b, bOff + pc * ldb, ldb, 0,
                    betaBlock, c, cOff, ldc);
        }
    }

    /**
     * The direct path over a B packed beforehand ({@link PackedPanels}): the same register tiles
     * reading each NR-column panel (rows NR floats apart) instead of rows of B in place, so a
     * product against packed weights with few rows or a short depth packs nothing and stores C
     * straight from the registers, where the packed path packs A and spills every tile for its
     * epilogue (which at k = 10 costs as much as the FMAs). Same FMA chains, same depth blocks,
     * same epilogue: the same bits.
     */
    static void directPacked(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                             PackedPanels b, float beta, float[] c, int cOff, int ldc) {
        directPanels(transA, m, b.cols, b.depth, alpha, a, aOff, lda, b.data, 0, b.colsPadded,
                beta, c, cOff, ldc);
    }

    /**
     * The direct tiles over op(B) packed per call into panels ({@link GemmPacking#packB}, NC
     * columns at a time); A is read in place and C stored from the registers, where the packed
     * path would also pack A and spill each tile. For a short product with B transposed ({@code
     * k <= GemmBlocking.PANEL_DIRECT_MAX_K}: dX = dZ·Wᵀ of an output layer, k = 10) and for one
     * depth block whole panels wide ({@link GemmBlocking#shortDepthOnPanels}: dW = Xᵀ·dZ at
     * batch 64).
     */
    static void directOnPanels(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                  float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                  float beta, float[] c, int cOff, int ldc, PackBuffers ws) {
        int nr = GemmBlocking.NR, ncMax = Math.min(GemmBlocking.NC, n);
        float[] pb = ws.packedB = PackBuffers.atLeast(ws.packedB,
                (long) GemmBlocking.roundUp(ncMax, nr) * k);
        for (int jc = 0; jc < n; jc += GemmBlocking.NC) {
            int nc = Math.min(GemmBlocking.NC, n - jc), padded = GemmBlocking.roundUp(nc, nr);
            for (int pc = 0; pc < k; pc += KC) {
                GemmPacking.packBInto(transB, b, bOff, ldb, pc, Math.min(KC, k - pc), jc, nc, pb, pc * padded,
                        ws);
            }
            directPanels(transA, m, nc, k, alpha, a, aOff, lda, pb, 0, padded, beta, c, cOff + jc, ldc);
        }
    }

    /**
     * {@link #directPacked} over panels in {@link PackedPanels}'s layout from {@code pb[at]},
     * depth block pc at {@code at + pc * colsPadded}: also what the direct path runs on a B
     * packed per call ({@link GemmPacking#packB} into the same layout).
     */
    static void directPanels(boolean transA, int m, int n, int k, float alpha, float[] a, int aOff,
                             int lda, float[] pb, int at, int colsPadded, float beta, float[] c,
                             int cOff, int ldc) {
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            float betaBlock = pc == 0 ? beta : 1f;
            int aBlock = aOff + (transA ? pc * lda : pc);
            directOuter(transA, m, n, kc, alpha, a, aBlock, lda, pb, at + pc * colsPadded,
                    GemmBlocking.NR, kc * GemmBlocking.NR, betaBlock, c, cOff, ldc);
        }
    }

    /**
     * One depth block of the direct path. B is rows {@code ldb} apart from {@code b[bOff]}:
     * in place ({@code panel == 0}: column j at {@code bOff + j}), or in panels of 2L columns,
     * {@code panel} floats each ({@code ldb == 2L}: column j at {@code bOff + (j / 2L) * panel
     * + j mod 2L}).
     */
    private static void directOuter(boolean transA, int m, int n, int k,
                                    float alpha, float[] a, int aOff, int lda,
                                    float[] b, int bOff, int ldb, int panel,
                                    float beta, float[] c, int cOff, int ldc) {
        // Stride between op(A)[i][p] and op(A)[i][p + 1], and between rows i and i + 1.
        int aStepP = transA ? lda : 1;
        int aStepI = transA ? 1 : lda;
        // Columns from `whole` on are fewer than a tile: row by row, from their own base.
        int whole = n / (2 * L) * (2 * L);
        int restFrom = panel == 0 ? whole : 0, restN = panel == 0 ? n : n - whole;
        int restC = panel == 0 ? 0 : whole;
        int restOff = panel == 0 ? bOff : bOff + whole / (2 * L) * panel;
        int i = 0;
        if (GemmBlocking.MR == 8 && !transA && n % (4 * L) == 0
                && (long) k * n <= GemmBlocking.DIRECT_SMALL_B) {
            // 512 bits, A untransposed, C a whole number of 4-vector rows: 4 x 4 vectors, four B
            // loads and four broadcasts per 16 FMAs where the 8 x 2 tile has two and eight (at
            // 32x64x64, 1276 against 1490 ns, OpenBLAS 1255: interleaved probe, min of 2000;
            // 96x128x64 9242 -> 7860 ns). Only while the depth block of B is small (at most
            // DIRECT_SMALL_B floats): the 4-row tile reads B twice as often as the 8-row one, and
            // 16x256x256 (B 32 Ki floats a block) took 13.0 against 12.1 us.
            int step = panel == 0 ? ldb : 2 * L, group = panel == 0 ? 2 * L : panel;
            for (; i + 4 <= m; i += 4) {
                for (int j = 0; j < n; j += 4 * L) {
                    if (panel == 0) {
                        tile4x4InPlace(k, alpha, a, aOff + i * lda, lda, b, bOff + j, step, beta,
                                c, cOff + i * ldc + j, ldc);
                    } else {
                        tile4x4(k, alpha, a, aOff + i * lda, lda, b, bOff + j / (2 * L) * panel,
                                step, group, beta, c, cOff + i * ldc + j, ldc);
                    }
                }
            }
        }
        if (GemmBlocking.MR == 8) { // 512 bits: 16 accumulators of 32 registers, 8 rows at a time
            if (transA && panel != 0) {
                // dW = Xᵀ·dZ over panels of dZ: one panel against every 8-row group before the
                // next panel, rather than a row group against every panel. Measured in alternating
                // JVMs (interleaved probe, medians ÷ OpenBLAS's in the same run, two rounds each):
                // 784x64x256:TN 0.86, 0.85 -> 0.84, 0.85; 256x64x128:TN 0.82, 0.81 -> 0.77, 0.78.
                // A small gain; why is not established (a panel of 64 x 32 floats stays in L1
                // while A's rows stream, where the other order streams all of B per row group).
                int rows8 = i + (m - i) / 8 * 8;
                for (int j = 0; j < whole; j += 2 * L) {
                    int bj = bOff + j / (2 * L) * panel;
                    for (int r = i; r < rows8; r += 8) {
                        tile8x2T(k, alpha, a, aOff + r, lda, b, bj, ldb, beta, c, cOff + r * ldc + j, ldc);
                    }
                }
                for (int r = i; r < rows8; r++) {
                    row(restFrom, restN, k, alpha, a, aOff + r * aStepI, aStepP, b, restOff, ldb, beta,
                            c, cOff + r * ldc + restC);
                }
                i = rows8;
            }
            for (; i + 8 <= m; i += 8) {
                for (int j = 0; j < whole; j += 2 * L) {
                    int bj = panel == 0 ? bOff + j : bOff + j / (2 * L) * panel;
                    if (transA) {
                        tile8x2T(k, alpha, a, aOff + i, lda, b, bj, ldb, beta, c, cOff + i * ldc + j, ldc);
                    } else {
                        tile8x2(k, alpha, a, aOff + i * lda, lda, b, bj, ldb, beta, c, cOff + i * ldc + j, ldc);
                    }
                }
                for (int r = i; r < i + 8; r++) {
                    row(restFrom, restN, k, alpha, a, aOff + r * aStepI, aStepP, b, restOff, ldb, beta,
                            c, cOff + r * ldc + restC);
                }
            }
        }
        for (; i + 4 <= m; i += 4) { // four rows at a time: each row of B feeds eight FMAs
            for (int j = 0; j < whole; j += 2 * L) {
                int bj = panel == 0 ? bOff + j : bOff + j / (2 * L) * panel;
                if (transA) {
                    tile4x2T(k, alpha, a, aOff + i, lda, b, bj, ldb, beta, c, cOff + i * ldc + j, ldc);
                } else {
                    tile4x2(k, alpha, a, aOff + i * lda, lda, b, bj, ldb, beta, c, cOff + i * ldc + j, ldc);
                }
            }
            for (int r = i; r < i + 4; r++) {
                row(restFrom, restN, k, alpha, a, aOff + r * aStepI, aStepP, b, restOff, ldb, beta,
                        c, cOff + r * ldc + restC);
            }
        }
        // Fewer than four rows left: two at a time over 8 vectors of columns (B read once per two
        // rows; row by row, a batch of two or three read all of B per row), then one at a time:
        // at 512 bits over 16 vectors first (row16InPlace, rowPanels8), then 8, then the rest.
        int step = panel == 0 ? ldb : 2 * L, group = panel == 0 ? 2 * L : panel;
        for (; i + 2 <= m; i += 2) {
            int j = 0;
            for (; j + 8 * L <= n; j += 8 * L) {
                rowsPanels2x4(k, alpha, a, aOff + i * aStepI, aStepI, aStepP, b,
                        panel == 0 ? bOff + j : bOff + j / (2 * L) * panel, step, group, beta, c,
                        cOff + i * ldc + j, ldc);
            }
            for (int r = i; r < i + 2; r++) {
                rest(j, n, k, alpha, a, aOff + r * aStepI, aStepP, b, bOff, ldb, panel, beta,
                        c, cOff + r * ldc);
            }
        }
        for (; i < m; i++) {
            int j = 0;
            if (GemmBlocking.MR == 8 && panel == 0) {
                // 512 bits, B in place: 16 vectors of a row of B per depth step (see row16InPlace).
                for (; j + 16 * L <= n; j += 16 * L) {
                    row16InPlace(k, alpha, a, aOff + i * aStepI, aStepP, b, bOff + j, ldb, beta, c,
                            cOff + i * ldc + j);
                }
            } else if (GemmBlocking.MR == 8) {
                for (; j + 16 * L <= n; j += 16 * L) {
                    rowPanels8(k, alpha, a, aOff + i * aStepI, aStepP, b, bOff + j / (2 * L) * panel,
                            group, beta, c, cOff + i * ldc + j);
                }
            }
            for (; j + 8 * L <= n; j += 8 * L) {
                rowPanels4(k, alpha, a, aOff + i * aStepI, aStepP, b,
                        panel == 0 ? bOff + j : bOff + j / (2 * L) * panel, step, group, beta, c,
                        cOff + i * ldc + j);
            }
            rest(j, n, k, alpha, a, aOff + i * aStepI, aStepP, b, bOff, ldb, panel, beta, c,
                    cOff + i * ldc);
        }
    }

    /**
     * Columns {@code from .. n} of one row of C ({@code from} a multiple of 2L) with {@link #row}:
     * B in place, or panel by panel.
     */
    private static void rest(int from, int n, int k, float alpha, float[] a, int ai, int aStepP,
                             float[] b, int bOff, int ldb, int panel, float beta, float[] c, int ci) {
        if (panel == 0) {
            row(from, n, k, alpha, a, ai, aStepP, b, bOff, ldb, beta, c, ci);
            return;
        }
        for (int j = from; j < n; j += 2 * L) {
            row(0, Math.min(2 * L, n - j), k, alpha, a, ai, aStepP, b, bOff + j / (2 * L) * panel,
                    ldb, beta, c, ci + j);
        }
    }

    /**
     * Two rows of C over 8 vectors of columns of B, addressed as in {@link #rowPanels4}: 16 FMA chains, each vector of B loaded
     * once for both rows (row by row, a batch of two read the weights twice).
     */
    private static void rowsPanels2x4(int k, float alpha, float[] a, int ai, int aStepI, int aStepP,
                                      float[] b, int bi, int step, int group, float beta, float[] c,
                                      int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00, c04 = c00, c05 = c00, c06 = c00, c07 = c00, c10 = c00, c11 = c00, c12 = c00, c13 = c00, c14 = c00, c15 = c00, c16 = c00, c17 = c00;
        int a1 = ai + aStepI;
        for (int p = 0; p < k; p++) {
            FloatVector a0v = FloatVector.broadcast(F, a[ai]), a1v = FloatVector.broadcast(F, a[a1]);
            int b1 = bi + group, b2 = b1 + group, b3 = b2 + group;
            FloatVector w0 = FloatVector.fromArray(F, b, bi);
            c00 = a0v.fma(w0, c00);
            c10 = a1v.fma(w0, c10);
            FloatVector w1 = FloatVector.fromArray(F, b, bi + L);
            c01 = a0v.fma(w1, c01);
            c11 = a1v.fma(w1, c11);
            FloatVector w2 = FloatVector.fromArray(F, b, b1);
            c02 = a0v.fma(w2, c02);
            c12 = a1v.fma(w2, c12);
            FloatVector w3 = FloatVector.fromArray(F, b, b1 + L);
            c03 = a0v.fma(w3, c03);
            c13 = a1v.fma(w3, c13);
            FloatVector w4 = FloatVector.fromArray(F, b, b2);
            c04 = a0v.fma(w4, c04);
            c14 = a1v.fma(w4, c14);
            FloatVector w5 = FloatVector.fromArray(F, b, b2 + L);
            c05 = a0v.fma(w5, c05);
            c15 = a1v.fma(w5, c15);
            FloatVector w6 = FloatVector.fromArray(F, b, b3);
            c06 = a0v.fma(w6, c06);
            c16 = a1v.fma(w6, c16);
            FloatVector w7 = FloatVector.fromArray(F, b, b3 + L);
            c07 = a0v.fma(w7, c07);
            c17 = a1v.fma(w7, c17);
            ai += aStepP;
            a1 += aStepP;
            bi += step;
        }
        int r1 = ci + ldc;
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, ci);
            c01.mul(alpha).intoArray(c, ci + L);
            c02.mul(alpha).intoArray(c, ci + 2 * L);
            c03.mul(alpha).intoArray(c, ci + 3 * L);
            c04.mul(alpha).intoArray(c, ci + 4 * L);
            c05.mul(alpha).intoArray(c, ci + 5 * L);
            c06.mul(alpha).intoArray(c, ci + 6 * L);
            c07.mul(alpha).intoArray(c, ci + 7 * L);
            c10.mul(alpha).intoArray(c, r1);
            c11.mul(alpha).intoArray(c, r1 + L);
            c12.mul(alpha).intoArray(c, r1 + 2 * L);
            c13.mul(alpha).intoArray(c, r1 + 3 * L);
            c14.mul(alpha).intoArray(c, r1 + 4 * L);
            c15.mul(alpha).intoArray(c, r1 + 5 * L);
            c16.mul(alpha).intoArray(c, r1 + 6 * L);
            c17.mul(alpha).intoArray(c, r1 + 7 * L);
        } else {
            c00.mul(alpha).add(FloatVector.fromArray(F, c, ci).mul(beta)).intoArray(c, ci);
            c01.mul(alpha).add(FloatVector.fromArray(F, c, ci + L).mul(beta)).intoArray(c, ci + L);
            c02.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * L).mul(beta)).intoArray(c, ci + 2 * L);
            c03.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * L).mul(beta)).intoArray(c, ci + 3 * L);
            c04.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * L).mul(beta)).intoArray(c, ci + 4 * L);
            c05.mul(alpha).add(FloatVector.fromArray(F, c, ci + 5 * L).mul(beta)).intoArray(c, ci + 5 * L);
            c06.mul(alpha).add(FloatVector.fromArray(F, c, ci + 6 * L).mul(beta)).intoArray(c, ci + 6 * L);
            c07.mul(alpha).add(FloatVector.fromArray(F, c, ci + 7 * L).mul(beta)).intoArray(c, ci + 7 * L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, r1).mul(beta)).intoArray(c, r1);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, r1 + L).mul(beta)).intoArray(c, r1 + L);
            c12.mul(alpha).add(FloatVector.fromArray(F, c, r1 + 2 * L).mul(beta)).intoArray(c, r1 + 2 * L);
            c13.mul(alpha).add(FloatVector.fromArray(F, c, r1 + 3 * L).mul(beta)).intoArray(c, r1 + 3 * L);
            c14.mul(alpha).add(FloatVector.fromArray(F, c, r1 + 4 * L).mul(beta)).intoArray(c, r1 + 4 * L);
            c15.mul(alpha).add(FloatVector.fromArray(F, c, r1 + 5 * L).mul(beta)).intoArray(c, r1 + 5 * L);
            c16.mul(alpha).add(FloatVector.fromArray(F, c, r1 + 6 * L).mul(beta)).intoArray(c, r1 + 6 * L);
            c17.mul(alpha).add(FloatVector.fromArray(F, c, r1 + 7 * L).mul(beta)).intoArray(c, r1 + 7 * L);
        }
    }

    /**
     * One row of C over 16 vectors of columns of B in place (512 bits: 16 accumulators of 32
     * registers), each depth step reading 16 consecutive vectors of row p of B from {@code bi + p
     * * ldb}: sixteen FMA chains, one per vector of C, so the order of arithmetic is that of
     * {@link #rowPanels4}. Where C is 16L wide (1x256x256) B is read front to back, one
     * sequential stream; eight vectors at a time read each row in two halves, 512 bytes apart,
     * in two passes over B. Measured at 512 bits on Zen 5 (GemvProbe, interleaved, min / median
     * of 3000 rounds): 1x256x256 1988 / 2847 ns with eight vectors, 1687 / 1957 ns with sixteen
     * (OpenBLAS 2554 / 3249). The loop is 1 broadcast and 16 FMAs with B as memory operand, two
     * bounds checks on B, no spill (read in the PrintAssembly hex with objdump). With A
     * untransposed the loop indexes A by {@code ai + p}, whose bounds C2 checks once before the
     * loop; stepping {@code ai} by a variable stride left a check per depth step (ShapeGemmProbe,
     * two interleaved pairs at 1x256x256: median 2459 and 2402 ns to 2315 and 2303 ns).
     */
    private static void row16InPlace(int k, float alpha, float[] a, int ai, int aStepP, float[] b,
                                     int bi, int ldb, float beta, float[] c, int ci) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        if (aStepP == 1) { // A untransposed: a[ai + p], its bounds checked once before the loop
            for (int p = 0; p < k; p++) {
                FloatVector av = FloatVector.broadcast(F, a[ai + p]);
                c0 = av.fma(FloatVector.fromArray(F, b, bi), c0);
                c1 = av.fma(FloatVector.fromArray(F, b, bi + L), c1);
                c2 = av.fma(FloatVector.fromArray(F, b, bi + 2 * L), c2);
                c3 = av.fma(FloatVector.fromArray(F, b, bi + 3 * L), c3);
                c4 = av.fma(FloatVector.fromArray(F, b, bi + 4 * L), c4);
                c5 = av.fma(FloatVector.fromArray(F, b, bi + 5 * L), c5);
                c6 = av.fma(FloatVector.fromArray(F, b, bi + 6 * L), c6);
                c7 = av.fma(FloatVector.fromArray(F, b, bi + 7 * L), c7);
                c8 = av.fma(FloatVector.fromArray(F, b, bi + 8 * L), c8);
                c9 = av.fma(FloatVector.fromArray(F, b, bi + 9 * L), c9);
                c10 = av.fma(FloatVector.fromArray(F, b, bi + 10 * L), c10);
                c11 = av.fma(FloatVector.fromArray(F, b, bi + 11 * L), c11);
                c12 = av.fma(FloatVector.fromArray(F, b, bi + 12 * L), c12);
                c13 = av.fma(FloatVector.fromArray(F, b, bi + 13 * L), c13);
                c14 = av.fma(FloatVector.fromArray(F, b, bi + 14 * L), c14);
                c15 = av.fma(FloatVector.fromArray(F, b, bi + 15 * L), c15);
                bi += ldb;
            }
        } else {
            for (int p = 0; p < k; p++) {
                FloatVector av = FloatVector.broadcast(F, a[ai]);
                c0 = av.fma(FloatVector.fromArray(F, b, bi), c0);
                c1 = av.fma(FloatVector.fromArray(F, b, bi + L), c1);
                c2 = av.fma(FloatVector.fromArray(F, b, bi + 2 * L), c2);
                c3 = av.fma(FloatVector.fromArray(F, b, bi + 3 * L), c3);
                c4 = av.fma(FloatVector.fromArray(F, b, bi + 4 * L), c4);
                c5 = av.fma(FloatVector.fromArray(F, b, bi + 5 * L), c5);
                c6 = av.fma(FloatVector.fromArray(F, b, bi + 6 * L), c6);
                c7 = av.fma(FloatVector.fromArray(F, b, bi + 7 * L), c7);
                c8 = av.fma(FloatVector.fromArray(F, b, bi + 8 * L), c8);
                c9 = av.fma(FloatVector.fromArray(F, b, bi + 9 * L), c9);
                c10 = av.fma(FloatVector.fromArray(F, b, bi + 10 * L), c10);
                c11 = av.fma(FloatVector.fromArray(F, b, bi + 11 * L), c11);
                c12 = av.fma(FloatVector.fromArray(F, b, bi + 12 * L), c12);
                c13 = av.fma(FloatVector.fromArray(F, b, bi + 13 * L), c13);
                c14 = av.fma(FloatVector.fromArray(F, b, bi + 14 * L), c14);
                c15 = av.fma(FloatVector.fromArray(F, b, bi + 15 * L), c15);
                ai += aStepP;
                bi += ldb;
            }
        }
        if (beta == 0f) {
            c0.mul(alpha).intoArray(c, ci);
            c1.mul(alpha).intoArray(c, ci + L);
            c2.mul(alpha).intoArray(c, ci + 2 * L);
            c3.mul(alpha).intoArray(c, ci + 3 * L);
            c4.mul(alpha).intoArray(c, ci + 4 * L);
            c5.mul(alpha).intoArray(c, ci + 5 * L);
            c6.mul(alpha).intoArray(c, ci + 6 * L);
            c7.mul(alpha).intoArray(c, ci + 7 * L);
            c8.mul(alpha).intoArray(c, ci + 8 * L);
            c9.mul(alpha).intoArray(c, ci + 9 * L);
            c10.mul(alpha).intoArray(c, ci + 10 * L);
            c11.mul(alpha).intoArray(c, ci + 11 * L);
            c12.mul(alpha).intoArray(c, ci + 12 * L);
            c13.mul(alpha).intoArray(c, ci + 13 * L);
            c14.mul(alpha).intoArray(c, ci + 14 * L);
            c15.mul(alpha).intoArray(c, ci + 15 * L);
        } else {
            c0.mul(alpha).add(FloatVector.fromArray(F, c, ci).mul(beta)).intoArray(c, ci);
            c1.mul(alpha).add(FloatVector.fromArray(F, c, ci + L).mul(beta)).intoArray(c, ci + L);
            c2.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * L).mul(beta)).intoArray(c, ci + 2 * L);
            c3.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * L).mul(beta)).intoArray(c, ci + 3 * L);
            c4.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * L).mul(beta)).intoArray(c, ci + 4 * L);
            c5.mul(alpha).add(FloatVector.fromArray(F, c, ci + 5 * L).mul(beta)).intoArray(c, ci + 5 * L);
            c6.mul(alpha).add(FloatVector.fromArray(F, c, ci + 6 * L).mul(beta)).intoArray(c, ci + 6 * L);
            c7.mul(alpha).add(FloatVector.fromArray(F, c, ci + 7 * L).mul(beta)).intoArray(c, ci + 7 * L);
            c8.mul(alpha).add(FloatVector.fromArray(F, c, ci + 8 * L).mul(beta)).intoArray(c, ci + 8 * L);
            c9.mul(alpha).add(FloatVector.fromArray(F, c, ci + 9 * L).mul(beta)).intoArray(c, ci + 9 * L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, ci + 10 * L).mul(beta)).intoArray(c, ci + 10 * L);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, ci + 11 * L).mul(beta)).intoArray(c, ci + 11 * L);
            c12.mul(alpha).add(FloatVector.fromArray(F, c, ci + 12 * L).mul(beta)).intoArray(c, ci + 12 * L);
            c13.mul(alpha).add(FloatVector.fromArray(F, c, ci + 13 * L).mul(beta)).intoArray(c, ci + 13 * L);
            c14.mul(alpha).add(FloatVector.fromArray(F, c, ci + 14 * L).mul(beta)).intoArray(c, ci + 14 * L);
            c15.mul(alpha).add(FloatVector.fromArray(F, c, ci + 15 * L).mul(beta)).intoArray(c, ci + 15 * L);
        }
    }

    /**
     * As {@link #row16InPlace} over eight whole packed panels ({@code group} floats each, rows
     * 2L floats apart): sixteen FMA chains, eight sequential streams.
     */
    private static void rowPanels8(int k, float alpha, float[] a, int ai, int aStepP, float[] b,
                                   int bi, int group, float beta, float[] c, int ci) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (int p = 0; p < k; p++) {
            FloatVector av = FloatVector.broadcast(F, a[ai]);
            int b1 = bi + group, b2 = b1 + group, b3 = b2 + group, b4 = b3 + group;
            int b5 = b4 + group, b6 = b5 + group, b7 = b6 + group;
            c0 = av.fma(FloatVector.fromArray(F, b, bi), c0);
            c1 = av.fma(FloatVector.fromArray(F, b, bi + L), c1);
            c2 = av.fma(FloatVector.fromArray(F, b, b1), c2);
            c3 = av.fma(FloatVector.fromArray(F, b, b1 + L), c3);
            c4 = av.fma(FloatVector.fromArray(F, b, b2), c4);
            c5 = av.fma(FloatVector.fromArray(F, b, b2 + L), c5);
            c6 = av.fma(FloatVector.fromArray(F, b, b3), c6);
            c7 = av.fma(FloatVector.fromArray(F, b, b3 + L), c7);
            c8 = av.fma(FloatVector.fromArray(F, b, b4), c8);
            c9 = av.fma(FloatVector.fromArray(F, b, b4 + L), c9);
            c10 = av.fma(FloatVector.fromArray(F, b, b5), c10);
            c11 = av.fma(FloatVector.fromArray(F, b, b5 + L), c11);
            c12 = av.fma(FloatVector.fromArray(F, b, b6), c12);
            c13 = av.fma(FloatVector.fromArray(F, b, b6 + L), c13);
            c14 = av.fma(FloatVector.fromArray(F, b, b7), c14);
            c15 = av.fma(FloatVector.fromArray(F, b, b7 + L), c15);
            ai += aStepP;
            bi += 2 * L;
        }
        if (beta == 0f) {
            c0.mul(alpha).intoArray(c, ci);
            c1.mul(alpha).intoArray(c, ci + L);
            c2.mul(alpha).intoArray(c, ci + 2 * L);
            c3.mul(alpha).intoArray(c, ci + 3 * L);
            c4.mul(alpha).intoArray(c, ci + 4 * L);
            c5.mul(alpha).intoArray(c, ci + 5 * L);
            c6.mul(alpha).intoArray(c, ci + 6 * L);
            c7.mul(alpha).intoArray(c, ci + 7 * L);
            c8.mul(alpha).intoArray(c, ci + 8 * L);
            c9.mul(alpha).intoArray(c, ci + 9 * L);
            c10.mul(alpha).intoArray(c, ci + 10 * L);
            c11.mul(alpha).intoArray(c, ci + 11 * L);
            c12.mul(alpha).intoArray(c, ci + 12 * L);
            c13.mul(alpha).intoArray(c, ci + 13 * L);
            c14.mul(alpha).intoArray(c, ci + 14 * L);
            c15.mul(alpha).intoArray(c, ci + 15 * L);
        } else {
            c0.mul(alpha).add(FloatVector.fromArray(F, c, ci).mul(beta)).intoArray(c, ci);
            c1.mul(alpha).add(FloatVector.fromArray(F, c, ci + L).mul(beta)).intoArray(c, ci + L);
            c2.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * L).mul(beta)).intoArray(c, ci + 2 * L);
            c3.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * L).mul(beta)).intoArray(c, ci + 3 * L);
            c4.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * L).mul(beta)).intoArray(c, ci + 4 * L);
            c5.mul(alpha).add(FloatVector.fromArray(F, c, ci + 5 * L).mul(beta)).intoArray(c, ci + 5 * L);
            c6.mul(alpha).add(FloatVector.fromArray(F, c, ci + 6 * L).mul(beta)).intoArray(c, ci + 6 * L);
            c7.mul(alpha).add(FloatVector.fromArray(F, c, ci + 7 * L).mul(beta)).intoArray(c, ci + 7 * L);
            c8.mul(alpha).add(FloatVector.fromArray(F, c, ci + 8 * L).mul(beta)).intoArray(c, ci + 8 * L);
            c9.mul(alpha).add(FloatVector.fromArray(F, c, ci + 9 * L).mul(beta)).intoArray(c, ci + 9 * L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, ci + 10 * L).mul(beta)).intoArray(c, ci + 10 * L);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, ci + 11 * L).mul(beta)).intoArray(c, ci + 11 * L);
            c12.mul(alpha).add(FloatVector.fromArray(F, c, ci + 12 * L).mul(beta)).intoArray(c, ci + 12 * L);
            c13.mul(alpha).add(FloatVector.fromArray(F, c, ci + 13 * L).mul(beta)).intoArray(c, ci + 13 * L);
            c14.mul(alpha).add(FloatVector.fromArray(F, c, ci + 14 * L).mul(beta)).intoArray(c, ci + 14 * L);
            c15.mul(alpha).add(FloatVector.fromArray(F, c, ci + 15 * L).mul(beta)).intoArray(c, ci + 15 * L);
        }
    }

    /**
     * One row of C over 8 vectors of columns of B, vector v of depth step p at {@code bi + p *
     * step + (v / 2) * group + (v mod 2) * L} (four whole packed panels: step 2L, group the
     * panel's floats; B in place: step ldb, group 2L): eight FMA chains, as the row of {@link #row} over B in place
     * has four, so that a batch of one against packed weights is not bound by the FMA latency
     * (one panel at a time gave two chains: 1x256x256 took 1.6x as long as with B in place).
     */
    private static void rowPanels4(int k, float alpha, float[] a, int ai, int aStepP, float[] b,
                                   int bi, int step, int group, float beta, float[] c, int ci) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        FloatVector c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < k; p++) {
            FloatVector av = FloatVector.broadcast(F, a[ai]);
            int b1 = bi + group, b2 = b1 + group, b3 = b2 + group;
            c0 = av.fma(FloatVector.fromArray(F, b, bi), c0);
            c1 = av.fma(FloatVector.fromArray(F, b, bi + L), c1);
            c2 = av.fma(FloatVector.fromArray(F, b, b1), c2);
            c3 = av.fma(FloatVector.fromArray(F, b, b1 + L), c3);
            c4 = av.fma(FloatVector.fromArray(F, b, b2), c4);
            c5 = av.fma(FloatVector.fromArray(F, b, b2 + L), c5);
            c6 = av.fma(FloatVector.fromArray(F, b, b3), c6);
            c7 = av.fma(FloatVector.fromArray(F, b, b3 + L), c7);
            ai += aStepP;
            bi += step;
        }
        if (beta == 0f) {
            c0.mul(alpha).intoArray(c, ci);
            c1.mul(alpha).intoArray(c, ci + L);
            c2.mul(alpha).intoArray(c, ci + 2 * L);
            c3.mul(alpha).intoArray(c, ci + 3 * L);
            c4.mul(alpha).intoArray(c, ci + 4 * L);
            c5.mul(alpha).intoArray(c, ci + 5 * L);
            c6.mul(alpha).intoArray(c, ci + 6 * L);
            c7.mul(alpha).intoArray(c, ci + 7 * L);
        } else {
            c0.mul(alpha).add(FloatVector.fromArray(F, c, ci).mul(beta)).intoArray(c, ci);
            c1.mul(alpha).add(FloatVector.fromArray(F, c, ci + L).mul(beta)).intoArray(c, ci + L);
            c2.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * L).mul(beta)).intoArray(c, ci + 2 * L);
            c3.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * L).mul(beta)).intoArray(c, ci + 3 * L);
            c4.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * L).mul(beta)).intoArray(c, ci + 4 * L);
            c5.mul(alpha).add(FloatVector.fromArray(F, c, ci + 5 * L).mul(beta)).intoArray(c, ci + 5 * L);
            c6.mul(alpha).add(FloatVector.fromArray(F, c, ci + 6 * L).mul(beta)).intoArray(c, ci + 6 * L);
            c7.mul(alpha).add(FloatVector.fromArray(F, c, ci + 7 * L).mul(beta)).intoArray(c, ci + 7 * L);
        }
    }

    // The register tiles come in two forms, by where op(A)[i][p] lies, so that every index into
    // A moves by a constant from one depth step to the next: C2 then checks A's bounds before the
    // loop (A untransposed: a[row + p]) or once per step for all rows (A transposed: a[ai + r],
    // ai += lda). With the step a variable (p * aStepP) C2 kept a bounds check and an index
    // computation per broadcast, which cost as much as the FMAs (read in its PrintAssembly).

    /**
     * An 8-row, 2-vector register tile over A and B in place, A untransposed: {@code C[0:8,
     * 0:2L]} from rows {@code ai + r * lda} of A (element p at {@code + p}) and rows of B from
     * {@code bi}. Each element is one FMA chain over p, then the epilogue: the order of
     * arithmetic, as every path. 512 bits only (16 accumulators).
     */
    private static void tile8x2(int k, float alpha, float[] a, int ai, int lda,
                                float[] b, int bi, int ldb, float beta, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda;
        int a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector av = FloatVector.broadcast(F, a[ai + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, a[a1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, a[a2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, a[a3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(F, a[a4 + p]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(F, a[a5 + p]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(F, a[a6 + p]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(F, a[a7 + p]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
            bi += ldb;
        }
        // The epilogue, alpha * acc (+ beta * c), written out: a vector passed to a helper
        // method that C2 does not inline would be boxed (a helper taking the accumulators
        // was tried: 660 KB per call).
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, ci);
            c01.mul(alpha).intoArray(c, ci + L);
            c10.mul(alpha).intoArray(c, ci + ldc);
            c11.mul(alpha).intoArray(c, ci + ldc + L);
            c20.mul(alpha).intoArray(c, ci + 2 * ldc);
            c21.mul(alpha).intoArray(c, ci + 2 * ldc + L);
            c30.mul(alpha).intoArray(c, ci + 3 * ldc);
            c31.mul(alpha).intoArray(c, ci + 3 * ldc + L);
            c40.mul(alpha).intoArray(c, ci + 4 * ldc);
            c41.mul(alpha).intoArray(c, ci + 4 * ldc + L);
            c50.mul(alpha).intoArray(c, ci + 5 * ldc);
            c51.mul(alpha).intoArray(c, ci + 5 * ldc + L);
            c60.mul(alpha).intoArray(c, ci + 6 * ldc);
            c61.mul(alpha).intoArray(c, ci + 6 * ldc + L);
            c70.mul(alpha).intoArray(c, ci + 7 * ldc);
            c71.mul(alpha).intoArray(c, ci + 7 * ldc + L);
        } else {
            int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
            c00.mul(alpha).add(FloatVector.fromArray(F, c, r0).mul(beta)).intoArray(c, r0);
            c01.mul(alpha).add(FloatVector.fromArray(F, c, r0 + L).mul(beta)).intoArray(c, r0 + L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, r1).mul(beta)).intoArray(c, r1);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, r1 + L).mul(beta)).intoArray(c, r1 + L);
            c20.mul(alpha).add(FloatVector.fromArray(F, c, r2).mul(beta)).intoArray(c, r2);
            c21.mul(alpha).add(FloatVector.fromArray(F, c, r2 + L).mul(beta)).intoArray(c, r2 + L);
            c30.mul(alpha).add(FloatVector.fromArray(F, c, r3).mul(beta)).intoArray(c, r3);
            c31.mul(alpha).add(FloatVector.fromArray(F, c, r3 + L).mul(beta)).intoArray(c, r3 + L);
            c40.mul(alpha).add(FloatVector.fromArray(F, c, r4).mul(beta)).intoArray(c, r4);
            c41.mul(alpha).add(FloatVector.fromArray(F, c, r4 + L).mul(beta)).intoArray(c, r4 + L);
            c50.mul(alpha).add(FloatVector.fromArray(F, c, r5).mul(beta)).intoArray(c, r5);
            c51.mul(alpha).add(FloatVector.fromArray(F, c, r5 + L).mul(beta)).intoArray(c, r5 + L);
            c60.mul(alpha).add(FloatVector.fromArray(F, c, r6).mul(beta)).intoArray(c, r6);
            c61.mul(alpha).add(FloatVector.fromArray(F, c, r6 + L).mul(beta)).intoArray(c, r6 + L);
            c70.mul(alpha).add(FloatVector.fromArray(F, c, r7).mul(beta)).intoArray(c, r7);
            c71.mul(alpha).add(FloatVector.fromArray(F, c, r7 + L).mul(beta)).intoArray(c, r7 + L);
        }
    }

    /**
     * A 4-row, 4-vector register tile, A untransposed (rows {@code ai + r * lda}, element p at
     * {@code + p}): {@code C[0:4, 0:4L]} from B's vector v of depth step p at {@code bi + p *
     * step + (v / 2) * group + (v mod 2) * L} (B in place: step ldb, group 2L; two packed panels:
     * step 2L, group the panel's floats). 16 accumulators: 512 bits only. Each element is one FMA
     * chain over p, then the epilogue, as {@link #tile8x2}.
     */
    private static void tile4x4(int k, float alpha, float[] a, int ai, int lda, float[] b, int bi,
                                int step, int group, float beta, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(F, b, bi + group);
            FloatVector b3 = FloatVector.fromArray(F, b, bi + group + L);
            FloatVector av = FloatVector.broadcast(F, a[ai + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(F, a[a1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(F, a[a2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            c22 = av.fma(b2, c22);
            c23 = av.fma(b3, c23);
            av = FloatVector.broadcast(F, a[a3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            c32 = av.fma(b2, c32);
            c33 = av.fma(b3, c33);
            bi += step;
        }
        // The epilogue written out, as in tile8x2 (a helper taking the vectors would box them).
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, r0);
            c01.mul(alpha).intoArray(c, r0 + L);
            c02.mul(alpha).intoArray(c, r0 + 2 * L);
            c03.mul(alpha).intoArray(c, r0 + 3 * L);
            c10.mul(alpha).intoArray(c, r1);
            c11.mul(alpha).intoArray(c, r1 + L);
            c12.mul(alpha).intoArray(c, r1 + 2 * L);
            c13.mul(alpha).intoArray(c, r1 + 3 * L);
            c20.mul(alpha).intoArray(c, r2);
            c21.mul(alpha).intoArray(c, r2 + L);
            c22.mul(alpha).intoArray(c, r2 + 2 * L);
            c23.mul(alpha).intoArray(c, r2 + 3 * L);
            c30.mul(alpha).intoArray(c, r3);
            c31.mul(alpha).intoArray(c, r3 + L);
            c32.mul(alpha).intoArray(c, r3 + 2 * L);
            c33.mul(alpha).intoArray(c, r3 + 3 * L);
        } else {
            c00.mul(alpha).add(FloatVector.fromArray(F, c, r0).mul(beta)).intoArray(c, r0);
            c01.mul(alpha).add(FloatVector.fromArray(F, c, r0 + L).mul(beta)).intoArray(c, r0 + L);
            c02.mul(alpha).add(FloatVector.fromArray(F, c, r0 + 2 * L).mul(beta)).intoArray(c, r0 + 2 * L);
            c03.mul(alpha).add(FloatVector.fromArray(F, c, r0 + 3 * L).mul(beta)).intoArray(c, r0 + 3 * L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, r1).mul(beta)).intoArray(c, r1);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, r1 + L).mul(beta)).intoArray(c, r1 + L);
            c12.mul(alpha).add(FloatVector.fromArray(F, c, r1 + 2 * L).mul(beta)).intoArray(c, r1 + 2 * L);
            c13.mul(alpha).add(FloatVector.fromArray(F, c, r1 + 3 * L).mul(beta)).intoArray(c, r1 + 3 * L);
            c20.mul(alpha).add(FloatVector.fromArray(F, c, r2).mul(beta)).intoArray(c, r2);
            c21.mul(alpha).add(FloatVector.fromArray(F, c, r2 + L).mul(beta)).intoArray(c, r2 + L);
            c22.mul(alpha).add(FloatVector.fromArray(F, c, r2 + 2 * L).mul(beta)).intoArray(c, r2 + 2 * L);
            c23.mul(alpha).add(FloatVector.fromArray(F, c, r2 + 3 * L).mul(beta)).intoArray(c, r2 + 3 * L);
            c30.mul(alpha).add(FloatVector.fromArray(F, c, r3).mul(beta)).intoArray(c, r3);
            c31.mul(alpha).add(FloatVector.fromArray(F, c, r3 + L).mul(beta)).intoArray(c, r3 + L);
            c32.mul(alpha).add(FloatVector.fromArray(F, c, r3 + 2 * L).mul(beta)).intoArray(c, r3 + 2 * L);
            c33.mul(alpha).add(FloatVector.fromArray(F, c, r3 + 3 * L).mul(beta)).intoArray(c, r3 + 3 * L);
        }
    }

    /**
     * {@link #tile4x4} over B in place (group 2L): B's four vectors of a depth step are then
     * {@code bi} plus constants. Measured faster (32x64x64, interleaved probe, 1257-1276 against
     * 1176-1202 ns); the likely reason, that C2 then needs one range check per step where
     * {@code bi + group} needs a second, is inferred, not read from the assembly.
     */
    private static void tile4x4InPlace(int k, float alpha, float[] a, int ai, int lda, float[] b, int bi,
                                int step, float beta, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c02 = c00, c03 = c00;
        FloatVector c10 = c00, c11 = c00, c12 = c00, c13 = c00;
        FloatVector c20 = c00, c21 = c00, c22 = c00, c23 = c00;
        FloatVector c30 = c00, c31 = c00, c32 = c00, c33 = c00;
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector b2 = FloatVector.fromArray(F, b, bi + 2 * L);
            FloatVector b3 = FloatVector.fromArray(F, b, bi + 2 * L + L);
            FloatVector av = FloatVector.broadcast(F, a[ai + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            c02 = av.fma(b2, c02);
            c03 = av.fma(b3, c03);
            av = FloatVector.broadcast(F, a[a1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            c12 = av.fma(b2, c12);
            c13 = av.fma(b3, c13);
            av = FloatVector.broadcast(F, a[a2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            c22 = av.fma(b2, c22);
            c23 = av.fma(b3, c23);
            av = FloatVector.broadcast(F, a[a3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            c32 = av.fma(b2, c32);
            c33 = av.fma(b3, c33);
            bi += step;
        }
        // The epilogue written out, as in tile8x2 (a helper taking the vectors would box them).
        int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, r0);
            c01.mul(alpha).intoArray(c, r0 + L);
            c02.mul(alpha).intoArray(c, r0 + 2 * L);
            c03.mul(alpha).intoArray(c, r0 + 3 * L);
            c10.mul(alpha).intoArray(c, r1);
            c11.mul(alpha).intoArray(c, r1 + L);
            c12.mul(alpha).intoArray(c, r1 + 2 * L);
            c13.mul(alpha).intoArray(c, r1 + 3 * L);
            c20.mul(alpha).intoArray(c, r2);
            c21.mul(alpha).intoArray(c, r2 + L);
            c22.mul(alpha).intoArray(c, r2 + 2 * L);
            c23.mul(alpha).intoArray(c, r2 + 3 * L);
            c30.mul(alpha).intoArray(c, r3);
            c31.mul(alpha).intoArray(c, r3 + L);
            c32.mul(alpha).intoArray(c, r3 + 2 * L);
            c33.mul(alpha).intoArray(c, r3 + 3 * L);
        } else {
            c00.mul(alpha).add(FloatVector.fromArray(F, c, r0).mul(beta)).intoArray(c, r0);
            c01.mul(alpha).add(FloatVector.fromArray(F, c, r0 + L).mul(beta)).intoArray(c, r0 + L);
            c02.mul(alpha).add(FloatVector.fromArray(F, c, r0 + 2 * L).mul(beta)).intoArray(c, r0 + 2 * L);
            c03.mul(alpha).add(FloatVector.fromArray(F, c, r0 + 3 * L).mul(beta)).intoArray(c, r0 + 3 * L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, r1).mul(beta)).intoArray(c, r1);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, r1 + L).mul(beta)).intoArray(c, r1 + L);
            c12.mul(alpha).add(FloatVector.fromArray(F, c, r1 + 2 * L).mul(beta)).intoArray(c, r1 + 2 * L);
            c13.mul(alpha).add(FloatVector.fromArray(F, c, r1 + 3 * L).mul(beta)).intoArray(c, r1 + 3 * L);
            c20.mul(alpha).add(FloatVector.fromArray(F, c, r2).mul(beta)).intoArray(c, r2);
            c21.mul(alpha).add(FloatVector.fromArray(F, c, r2 + L).mul(beta)).intoArray(c, r2 + L);
            c22.mul(alpha).add(FloatVector.fromArray(F, c, r2 + 2 * L).mul(beta)).intoArray(c, r2 + 2 * L);
            c23.mul(alpha).add(FloatVector.fromArray(F, c, r2 + 3 * L).mul(beta)).intoArray(c, r2 + 3 * L);
            c30.mul(alpha).add(FloatVector.fromArray(F, c, r3).mul(beta)).intoArray(c, r3);
            c31.mul(alpha).add(FloatVector.fromArray(F, c, r3 + L).mul(beta)).intoArray(c, r3 + L);
            c32.mul(alpha).add(FloatVector.fromArray(F, c, r3 + 2 * L).mul(beta)).intoArray(c, r3 + 2 * L);
            c33.mul(alpha).add(FloatVector.fromArray(F, c, r3 + 3 * L).mul(beta)).intoArray(c, r3 + 3 * L);
        }
    }

    /** As {@link #tile8x2}, A transposed: row r's element p at {@code a[ai + p * lda + r]}. */
    private static void tile8x2T(int k, float alpha, float[] a, int ai, int lda,
                                 float[] b, int bi, int ldb, float beta, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector av = FloatVector.broadcast(F, a[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, a[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, a[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, a[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(F, a[ai + 4]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(F, a[ai + 5]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(F, a[ai + 6]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(F, a[ai + 7]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
            ai += lda;
            bi += ldb;
        }
        // The epilogue, alpha * acc (+ beta * c), written out: a vector passed to a helper
        // method that C2 does not inline would be boxed (a helper taking the accumulators
        // was tried: 660 KB per call).
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, ci);
            c01.mul(alpha).intoArray(c, ci + L);
            c10.mul(alpha).intoArray(c, ci + ldc);
            c11.mul(alpha).intoArray(c, ci + ldc + L);
            c20.mul(alpha).intoArray(c, ci + 2 * ldc);
            c21.mul(alpha).intoArray(c, ci + 2 * ldc + L);
            c30.mul(alpha).intoArray(c, ci + 3 * ldc);
            c31.mul(alpha).intoArray(c, ci + 3 * ldc + L);
            c40.mul(alpha).intoArray(c, ci + 4 * ldc);
            c41.mul(alpha).intoArray(c, ci + 4 * ldc + L);
            c50.mul(alpha).intoArray(c, ci + 5 * ldc);
            c51.mul(alpha).intoArray(c, ci + 5 * ldc + L);
            c60.mul(alpha).intoArray(c, ci + 6 * ldc);
            c61.mul(alpha).intoArray(c, ci + 6 * ldc + L);
            c70.mul(alpha).intoArray(c, ci + 7 * ldc);
            c71.mul(alpha).intoArray(c, ci + 7 * ldc + L);
        } else {
            int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc, r6 = r5 + ldc, r7 = r6 + ldc;
            c00.mul(alpha).add(FloatVector.fromArray(F, c, r0).mul(beta)).intoArray(c, r0);
            c01.mul(alpha).add(FloatVector.fromArray(F, c, r0 + L).mul(beta)).intoArray(c, r0 + L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, r1).mul(beta)).intoArray(c, r1);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, r1 + L).mul(beta)).intoArray(c, r1 + L);
            c20.mul(alpha).add(FloatVector.fromArray(F, c, r2).mul(beta)).intoArray(c, r2);
            c21.mul(alpha).add(FloatVector.fromArray(F, c, r2 + L).mul(beta)).intoArray(c, r2 + L);
            c30.mul(alpha).add(FloatVector.fromArray(F, c, r3).mul(beta)).intoArray(c, r3);
            c31.mul(alpha).add(FloatVector.fromArray(F, c, r3 + L).mul(beta)).intoArray(c, r3 + L);
            c40.mul(alpha).add(FloatVector.fromArray(F, c, r4).mul(beta)).intoArray(c, r4);
            c41.mul(alpha).add(FloatVector.fromArray(F, c, r4 + L).mul(beta)).intoArray(c, r4 + L);
            c50.mul(alpha).add(FloatVector.fromArray(F, c, r5).mul(beta)).intoArray(c, r5);
            c51.mul(alpha).add(FloatVector.fromArray(F, c, r5 + L).mul(beta)).intoArray(c, r5 + L);
            c60.mul(alpha).add(FloatVector.fromArray(F, c, r6).mul(beta)).intoArray(c, r6);
            c61.mul(alpha).add(FloatVector.fromArray(F, c, r6 + L).mul(beta)).intoArray(c, r6 + L);
            c70.mul(alpha).add(FloatVector.fromArray(F, c, r7).mul(beta)).intoArray(c, r7);
            c71.mul(alpha).add(FloatVector.fromArray(F, c, r7 + L).mul(beta)).intoArray(c, r7 + L);
        }
    }

    /**
     * A 4-row, 2-vector register tile over A and B in place, A untransposed: {@code C[0:4,
     * 0:2L]} from rows {@code ai + r * lda} of A and rows of B from {@code bi}; see {@link
     * #tile8x2}.
     */
    private static void tile4x2(int k, float alpha, float[] a, int ai, int lda,
                                float[] b, int bi, int ldb, float beta, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector av = FloatVector.broadcast(F, a[ai + p]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, a[a1 + p]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, a[a2 + p]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, a[a3 + p]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            bi += ldb;
        }
        // The epilogue, alpha * acc (+ beta * c), written out: a vector passed to a helper
        // method that C2 does not inline would be boxed (a helper taking the accumulators
        // was tried: 660 KB per call).
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, ci);
            c01.mul(alpha).intoArray(c, ci + L);
            c10.mul(alpha).intoArray(c, ci + ldc);
            c11.mul(alpha).intoArray(c, ci + ldc + L);
            c20.mul(alpha).intoArray(c, ci + 2 * ldc);
            c21.mul(alpha).intoArray(c, ci + 2 * ldc + L);
            c30.mul(alpha).intoArray(c, ci + 3 * ldc);
            c31.mul(alpha).intoArray(c, ci + 3 * ldc + L);
        } else {
            int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
            c00.mul(alpha).add(FloatVector.fromArray(F, c, r0).mul(beta)).intoArray(c, r0);
            c01.mul(alpha).add(FloatVector.fromArray(F, c, r0 + L).mul(beta)).intoArray(c, r0 + L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, r1).mul(beta)).intoArray(c, r1);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, r1 + L).mul(beta)).intoArray(c, r1 + L);
            c20.mul(alpha).add(FloatVector.fromArray(F, c, r2).mul(beta)).intoArray(c, r2);
            c21.mul(alpha).add(FloatVector.fromArray(F, c, r2 + L).mul(beta)).intoArray(c, r2 + L);
            c30.mul(alpha).add(FloatVector.fromArray(F, c, r3).mul(beta)).intoArray(c, r3);
            c31.mul(alpha).add(FloatVector.fromArray(F, c, r3 + L).mul(beta)).intoArray(c, r3 + L);
        }
    }

    /** As {@link #tile4x2}, A transposed: row r's element p at {@code a[ai + p * lda + r]}. */
    private static void tile4x2T(int k, float alpha, float[] a, int ai, int lda,
                                 float[] b, int bi, int ldb, float beta, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi);
            FloatVector b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector av = FloatVector.broadcast(F, a[ai]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, a[ai + 1]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, a[ai + 2]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, a[ai + 3]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            ai += lda;
            bi += ldb;
        }
        // The epilogue, alpha * acc (+ beta * c), written out: a vector passed to a helper
        // method that C2 does not inline would be boxed (a helper taking the accumulators
        // was tried: 660 KB per call).
        if (beta == 0f) {
            c00.mul(alpha).intoArray(c, ci);
            c01.mul(alpha).intoArray(c, ci + L);
            c10.mul(alpha).intoArray(c, ci + ldc);
            c11.mul(alpha).intoArray(c, ci + ldc + L);
            c20.mul(alpha).intoArray(c, ci + 2 * ldc);
            c21.mul(alpha).intoArray(c, ci + 2 * ldc + L);
            c30.mul(alpha).intoArray(c, ci + 3 * ldc);
            c31.mul(alpha).intoArray(c, ci + 3 * ldc + L);
        } else {
            int r0 = ci, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
            c00.mul(alpha).add(FloatVector.fromArray(F, c, r0).mul(beta)).intoArray(c, r0);
            c01.mul(alpha).add(FloatVector.fromArray(F, c, r0 + L).mul(beta)).intoArray(c, r0 + L);
            c10.mul(alpha).add(FloatVector.fromArray(F, c, r1).mul(beta)).intoArray(c, r1);
            c11.mul(alpha).add(FloatVector.fromArray(F, c, r1 + L).mul(beta)).intoArray(c, r1 + L);
            c20.mul(alpha).add(FloatVector.fromArray(F, c, r2).mul(beta)).intoArray(c, r2);
            c21.mul(alpha).add(FloatVector.fromArray(F, c, r2 + L).mul(beta)).intoArray(c, r2 + L);
            c30.mul(alpha).add(FloatVector.fromArray(F, c, r3).mul(beta)).intoArray(c, r3);
            c31.mul(alpha).add(FloatVector.fromArray(F, c, r3 + L).mul(beta)).intoArray(c, r3 + L);
        }
    }

    /** One row of C from column {@code from}: vectors of four, then of one, then scalars. */
    static void row(int from, int n, int k, float alpha, float[] a, int ai, int aStepP,
                            float[] b, int bOff, int ldb, float beta, float[] c, int ci) {
        int j = from;
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

package org.vecprop.internal.gemm;

import static org.vecprop.internal.gemm.GemmBlocking.KC;
import static org.vecprop.internal.gemm.GemmBlocking.MR;
import static org.vecprop.internal.gemm.GemmBlocking.NR;
import static org.vecprop.internal.gemm.GemmBlocking.roundUp;

import org.vecprop.internal.PackBuffers;

/**
 * The packed GEMM taken apart, for the ablation benchmark (jmh's {@code GemmAblation}) only: the
 * same loop nest as {@link GemmMacroKernel} with each stage switchable (A and B packed per call
 * or read pre-packed, the epilogue run or not) and the cache blocks and loop order given per
 * call, so that one run measures what each stage and each blocking choice costs. Public so that
 * the benchmarks, on the class path, can call it; the package is not exported, and nothing in
 * the library calls this class, so none of its parameters costs the library anything.
 *
 * <p>Computes {@code C = A·B} (untransposed, alpha 1, beta 0) when every stage is on and
 * {@code k > 0}; with {@code k == 0} there is no depth block, so C is left as it was (unlike
 * {@code Gemm.multiply}, which zeroes it; the benchmark's sizes are 512 and up). With a stage off
 * the result is not a product (pre-packed operands are packed once by {@link #prepackA} and
 * {@link #prepackB}; without the epilogue C is never written).
 */
public final class GemmStages {
    private GemmStages() {}

    /** The register tile's rows (MR) and columns (NR) at this width. */
    public static int[] tile() {
        return new int[] {MR, NR};
    }

    /**
     * The library's loop order as {@link #multiply}'s {@code rowsInner}: false, a row panel of
     * A against every B micro-panel of the block (see {@link GemmMacroKernel#loops}).
     */
    public static final boolean LIBRARY_ROWS_INNER = false;

    /** The library's cache blocks: MC, NC, KC. */
    public static int[] blocks() {
        return new int[] {GemmBlocking.MC, GemmBlocking.NC, KC};
    }

    /**
     * The micro-kernel alone: as many {@code MR x NR x kc} tile updates as an {@code m x n x k}
     * product has, all on the same A and B panels (resident in L1) and the same spill buffer.
     */
    public static void microKernelOnly(int m, int n, int k, float[] pa, float[] pb, float[] tile) {
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            for (int jr = 0; jr < n; jr += NR) {
                for (int ir = 0; ir < m; ir += MR) {
                    GemmMacroKernel.microKernel(kc, pa, 0, pb, 0, tile, MR);
                }
            }
        }
    }

    /** A buffer for {@link #microKernelOnly}'s A panel, B panel or spill. */
    public static float[] panel(boolean a) {
        float[] p = new float[Math.max(MR * NR, KC * (a ? MR : NR))];
        for (int i = 0; i < p.length; i++) {
            p[i] = (i % 7 - 3) * 0.125f;
        }
        return p;
    }

    /**
     * A ({@code m x k}, untransposed, row stride lda) packed for every depth block and row
     * block: depth block pc at {@code (pc / KC) * roundUp(m, MR) * KC}, within it row i (a
     * multiple of MR) at {@code i * kc}, each MR x kc panel as {@link GemmPacking#packA} writes it.
     */
    public static float[] prepackA(int m, int k, float[] a, int lda) {
        int mPadded = roundUp(m, MR);
        float[] out = new float[((k + KC - 1) / KC) * mPadded * KC];
        float[] block = new float[mPadded * KC];
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            GemmPacking.packA(false, a, 0, lda, 0, m, pc, kc, block);
            System.arraycopy(block, 0, out, (pc / KC) * mPadded * KC, mPadded * kc);
        }
        return out;
    }

    /** B ({@code k x n}, untransposed) packed once, as a {@code PackedMatrix} holds it. */
    public static float[] prepackB(int k, int n, float[] b, int ldb) {
        return PackedPanels.pack(false, k, n, b, 0, ldb).data;
    }

    /**
     * The loop nest with its stages switchable.
     *
     * @param packA pack A per call (else read {@code preA}, from {@link #prepackA})
     * @param packB pack B per call (else read {@code preB}, from {@link #prepackB})
     * @param epilogue store each tile into C (else only spill it)
     * @param mc rows of A packed at once (a multiple of MR)
     * @param nc columns of B packed at once (a multiple of NR)
     * @param rowsInner jr outer, ir inner: one B micro-panel against every row panel of the
     *     block (the library's order before 2026-12-07's stop); false, the library's order
     *     ({@link #LIBRARY_ROWS_INNER}): ir outer, jr inner
     */
    public static void multiply(boolean packA, boolean packB, boolean epilogue, int mc, int nc,
                                boolean rowsInner, int m, int n, int k, float[] a, int lda,
                                float[] b, int ldb, float[] preA, float[] preB, float[] c, int ldc,
                                PackBuffers ws) {
        int kcMax = Math.min(KC, k), mPadded = roundUp(m, MR), nPadded = roundUp(n, NR);
        float[] pa = ws.packedA = PackBuffers.atLeast(ws.packedA, (long) roundUp(Math.min(mc, m), MR) * kcMax);
        float[] pb = ws.packedB = PackBuffers.atLeast(ws.packedB, (long) roundUp(Math.min(nc, n), NR) * kcMax);
        float[] tile = ws.tile = PackBuffers.atLeast(ws.tile, GemmBlocking.tileFloats());
        for (int jc = 0; jc < n; jc += nc) {
            int ncb = Math.min(nc, n - jc);
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[] bSrc;
                int bBase;
                if (packB) {
                    GemmPacking.packB(false, b, 0, ldb, pc, kc, jc, ncb, pb);
                    bSrc = pb;
                    bBase = 0;
                } else {
                    bSrc = preB;
                    bBase = pc * nPadded + jc * kc;
                }
                float betaBlock = pc == 0 ? 0f : 1f;
                for (int ic = 0; ic < m; ic += mc) {
                    int mcb = Math.min(mc, m - ic);
                    float[] aSrc;
                    int aBase;
                    if (packA) {
                        GemmPacking.packA(false, a, 0, lda, ic, mcb, pc, kc, pa);
                        aSrc = pa;
                        aBase = 0;
                    } else {
                        aSrc = preA;
                        aBase = (pc / KC) * mPadded * KC + ic * kc;
                    }
                    if (rowsInner) {
                        for (int jr = 0; jr < ncb; jr += NR) {
                            for (int ir = 0; ir < mcb; ir += MR) {
                                tile(aSrc, aBase, bSrc, bBase, kc, ic, ir, jc, jr, mcb, ncb,
                                        epilogue, betaBlock, tile, c, ldc);
                            }
                        }
                    } else {
                        for (int ir = 0; ir < mcb; ir += MR) {
                            for (int jr = 0; jr < ncb; jr += NR) {
                                tile(aSrc, aBase, bSrc, bBase, kc, ic, ir, jc, jr, mcb, ncb,
                                        epilogue, betaBlock, tile, c, ldc);
                            }
                        }
                    }
                }
            }
        }
    }

    private static void tile(float[] aSrc, int aBase, float[] bSrc, int bBase, int kc, int ic,
                             int ir, int jc, int jr, int mcb, int ncb, boolean epilogue,
                             float betaBlock, float[] tile, float[] c, int ldc) {
        int mr = Math.min(MR, mcb - ir), nr = Math.min(NR, ncb - jr);
        if (epilogue && mr == MR && nr == NR) { // as the library: a whole tile stored from registers
            int ai = aBase + ir * kc, bi = bBase + jr * kc, ci = (ic + ir) * ldc + jc + jr;
            if (MR == 8) {
                GemmMacroKernel.microKernel8C(kc, aSrc, ai, bSrc, bi, c, ci, ldc, 1f, betaBlock, null, 0,
                        GemmEpilogue.NONE);
            } else {
                GemmMacroKernel.microKernel6C(kc, aSrc, ai, bSrc, bi, c, ci, ldc, 1f, betaBlock, null, 0,
                        GemmEpilogue.NONE);
            }
            return;
        }
        GemmMacroKernel.microKernel(kc, aSrc, aBase + ir * kc, bSrc, bBase + jr * kc, tile, mr);
        if (epilogue) {
            GemmEpilogue.finishTile(tile, c, (ic + ir) * ldc + jc + jr, ldc, 1f, betaBlock, mr, nr,
                    null, 0, GemmEpilogue.NONE);
        }
    }
}

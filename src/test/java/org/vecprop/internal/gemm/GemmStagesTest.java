package org.vecprop.internal.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vecprop.internal.gemm.GemmBlocking.KC;
import static org.vecprop.internal.gemm.GemmBlocking.MR;
import static org.vecprop.internal.gemm.GemmBlocking.NR;
import static org.vecprop.internal.gemm.GemmBlocking.roundUp;

import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.gemm.GemmBlocking.Path;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Simd;
import org.vecprop.reference.ReferenceGemm;
import org.vecprop.testing.Compare;
import org.vecprop.testing.ForcedPath;
import org.vecprop.testing.GemmCheck;
import org.vecprop.testing.Values;

/**
 * {@link GemmStages}, the ablation benchmark's harness (jmh's {@code GemmAblation}): what each
 * stage computes, so that the benchmark measures the library's work and not a mis-wired copy.
 *
 * <ul>
 *   <li>{@code multiply} with every stage on is {@code C = A·B}: within the reference's bound of
 *       {@link ReferenceGemm}, and, since it runs the library's loop nest, micro-kernel and
 *       epilogue (the same FMAs in the same depth blocks), bit for bit the library's
 *       {@code Gemm.multiply} and its packed path, whatever the blocks mc, nc and the loop order.
 *       Reading A or B pre-packed ({@code prepackA}, {@code prepackB}) instead of packing per call
 *       changes nothing in the result, and the operand not to be read is poisoned (NaN) to show it
 *       is not. Without the epilogue, C is never written (as the class comment says).</li>
 *   <li>Every call leaves in {@code ws.tile} the spill of the last register tile it computed:
 *       the class states no result for it (the epilogue-off stages exist for timing), so the test
 *       states what the code does: the last tile of the loop nest (last column and row block, last
 *       tile of each) over the last depth block only, one FMA chain per element as the order of
 *       arithmetic says.</li>
 *   <li>{@code prepackA} and {@code prepackB} write the documented layouts, equal to what the
 *       library's packers ({@link GemmPacking#packA}, {@link PackedPanels}) produce.</li>
 *   <li>{@code microKernelOnly} leaves the tile of its last update: the FMA chain over the last
 *       depth block of the panels; no update at all when the product has none.</li>
 *   <li>{@code tile()}, {@code blocks()} and {@code panel()} return the library's sizes.</li>
 * </ul>
 * The register tiles and packing need SIMD (NR is 0 on the scalar path, where no tile loop can
 * run): those tests are skipped there; the sizes are checked at every width.
 */
class GemmStagesTest {

    @Test
    void tileAndBlocksAreTheLibrarysBlocking() {
        assertArrayEquals(new int[] {GemmBlocking.MR, GemmBlocking.NR}, GemmStages.tile(), "tile()");
        assertArrayEquals(new int[] {GemmBlocking.MC, GemmBlocking.NC, GemmBlocking.KC},
                GemmStages.blocks(), "blocks()");
    }

    /**
     * panel(a) is large enough for what microKernelOnly reads from it (a KC x MR panel of A, a
     * KC x NR panel of B) and for the MR x NR spill; its contents, by the code (the javadoc states
     * none), are the exact values (i % 7 - 3) / 8, small enough that no update overflows.
     */
    @Test
    void panelsHoldAWholeDepthBlockOfTheDocumentedValues() {
        for (boolean a : new boolean[] {true, false}) {
            float[] p = GemmStages.panel(a);
            assertEquals(Math.max(MR * NR, KC * (a ? MR : NR)), p.length, "panel(" + a + ") length");
            for (int i = 0; i < p.length; i++) {
                Compare.same((i % 7 - 3) / 8f, p[i], "panel(" + a + ")[" + i + "]");
            }
        }
    }

    /** The FMA chain of tile element (r, j) over depth steps 0..kc-1 of two packed panels. */
    private static float panelChain(float[] pa, float[] pb, int kc, int r, int j) {
        float acc = 0f;
        for (int p = 0; p < kc; p++) {
            acc = Math.fma(pa[p * MR + r], pb[p * NR + j], acc);
        }
        return acc;
    }

    /**
     * microKernelOnly does an m x n x k product's tile updates, each from zero on the same
     * panels, so the tile ends as the update of the last depth block: kc = k - lastPc steps (a
     * whole KC when k is a multiple of it, the remainder otherwise). A product with no update
     * (m, n or k zero) leaves the tile untouched (NaN here). The timeout turns a loop that runs
     * away (billions of updates on the same tile) into a failure; the product here takes
     * milliseconds.
     */
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void microKernelOnlyLeavesTheLastDepthBlocksUpdate() {
        Assumptions.assumeTrue(Simd.enabled(), "the register tiles run only with SIMD");
        float[] pa = GemmStages.panel(true), pb = GemmStages.panel(false);
        int[][] shapes = {
            {16 * MR, 4 * NR, KC + 5}, // last block of 5 steps
            {2 * MR + 1, NR + 1, 2 * KC}, // k a multiple of KC: a whole last block
            {MR, NR, 1},
            {0, NR, 5}, {MR, 0, 5}, {MR, NR, 0}, // no update at all
        };
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            float[] tile = new float[MR * NR];
            Arrays.fill(tile, Float.NaN);
            GemmStages.microKernelOnly(m, n, k, pa, pb, tile);
            String what = "microKernelOnly(" + m + ", " + n + ", " + k + ")";
            if (m == 0 || n == 0 || k == 0) {
                for (int i = 0; i < tile.length; i++) {
                    Compare.same(Float.NaN, tile[i], what + ": no update, tile[" + i + "]");
                }
                continue;
            }
            int kcLast = k - (k - 1) / KC * KC;
            for (int r = 0; r < MR; r++) {
                for (int j = 0; j < NR; j++) {
                    Compare.same(panelChain(pa, pb, kcLast, r, j), tile[r * NR + j],
                            what + " tile[" + r + "][" + j + "]");
                }
            }
        }
        // A hand-checked element: row 0, column 0 of a 3-step update is
        // pa[0]pb[0] + pa[MR]pb[NR] + pa[2MR]pb[2NR], each a product of (i % 7 - 3) / 8.
        float[] tile = new float[MR * NR];
        GemmStages.microKernelOnly(MR, NR, 3, pa, pb, tile);
        float v0 = (0 % 7 - 3) / 8f, v1 = (MR % 7 - 3) / 8f, v2 = (2 * MR % 7 - 3) / 8f;
        float w0 = (0 % 7 - 3) / 8f, w1 = (NR % 7 - 3) / 8f, w2 = (2 * NR % 7 - 3) / 8f;
        // multiples of 1/64 below 1: every step exact, so the sum is the exact one
        Compare.same(v0 * w0 + v1 * w1 + v2 * w2, tile[0], "3-step update, tile[0][0]");
    }

    /**
     * prepackA: depth block pc at (pc / KC) * roundUp(m, MR) * KC, within it the MR x kc panel of
     * rows i..i+MR-1 at i * kc, element (p, r) at p * MR + r, zero for rows past m; the rest of
     * the last block's room (a whole KC, by the code) zero. Each block equal to what
     * GemmPacking.packA writes. Depths with a partial last block, a whole last block, and one
     * block.
     */
    @Test
    void prepackAHoldsEveryDepthBlockAsPackAWritesIt() {
        Assumptions.assumeTrue(Simd.enabled(), "packing runs only with SIMD");
        Random rnd = new Random(71);
        for (int[] s : new int[][] {{3 * MR + 2, 2 * KC + 7}, {2 * MR, 2 * KC}, {1, KC - 1}, {MR + 1, 9}}) {
            int m = s[0], k = s[1], lda = k + 3;
            float[] a = Values.random(rnd, m * lda, 0, 1f);
            float[] packed = GemmStages.prepackA(m, k, a, lda);
            int mPadded = roundUp(m, MR), blocks = (k + KC - 1) / KC;
            String what = "prepackA(" + m + ", " + k + ")";
            assertEquals(blocks * mPadded * KC, packed.length, what + " length: whole depth blocks");
            for (int idx = 0; idx < packed.length; idx++) {
                int blk = idx / (mPadded * KC), rel = idx % (mPadded * KC), pc = blk * KC;
                int kc = Math.min(KC, k - pc);
                float expected = 0f;
                if (rel < mPadded * kc) {
                    int panel = rel / (MR * kc), p = rel % (MR * kc) / MR, i = panel * MR + rel % MR;
                    expected = i < m ? a[i * lda + pc + p] : 0f;
                }
                Compare.same(expected, packed[idx], what + " at " + idx);
            }
            float[] block = new float[mPadded * KC];
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                GemmPacking.packA(false, a, 0, lda, 0, m, pc, kc, block);
                int at = pc / KC * mPadded * KC;
                for (int x = 0; x < mPadded * kc; x++) {
                    Compare.same(block[x], packed[at + x], what + " vs packA, block " + pc + " at " + x);
                }
            }
        }
    }

    /**
     * prepackB: what a PackedMatrix holds (PackedPanels' data), in its documented layout: depth
     * block pc at pc * roundUp(n, NR), within it the panel of columns j..j+NR-1 at j * kc,
     * element (p, x) at p * NR + x, zero for columns past n.
     */
    @Test
    void prepackBHoldsThePackedPanelsLayout() {
        Assumptions.assumeTrue(Simd.enabled(), "packing runs only with SIMD");
        Random rnd = new Random(72);
        for (int[] s : new int[][] {{2 * KC + 7, 3 * NR + 5}, {KC, 2 * NR}, {3, 1}}) {
            int k = s[0], n = s[1], ldb = n + 2;
            float[] b = Values.random(rnd, k * ldb, 0, 1f);
            float[] packed = GemmStages.prepackB(k, n, b, ldb);
            String what = "prepackB(" + k + ", " + n + ")";
            Compare.sameArray(PackedPanels.pack(false, k, n, b, 0, ldb).data, packed, what + " vs PackedPanels");
            int nPadded = roundUp(n, NR);
            assertEquals(k * nPadded, packed.length, what + " length");
            for (int idx = 0; idx < packed.length; idx++) {
                int pc = idx / nPadded / KC * KC, kc = Math.min(KC, k - pc), rel = idx - pc * nPadded;
                int panel = rel / (NR * kc), p = rel % (NR * kc) / NR, j = panel * NR + rel % NR;
                Compare.same(j < n ? b[(pc + p) * ldb + j] : 0f, packed[idx], what + " at " + idx);
            }
        }
    }

    /** A problem and everything computed once for it: operands, pre-packed ones, results. */
    private record Problem(int m, int n, int k, int lda, int ldb, int ldc, float[] a, float[] b,
                           float[] preA, float[] preB, float[] library, float[] reference,
                           double[] tolerance) {
        static Problem of(Random rnd, int m, int n, int k) {
            int lda = k + 2, ldb = n + 1, ldc = n + 3;
            float[] a = Values.random(rnd, m * lda, 0, 1f), b = Values.random(rnd, k * ldb, 0, 1f);
            for (int i = 0; i < m; i++) { // the rows' slack poisoned: nothing may read it
                Arrays.fill(a, i * lda + k, (i + 1) * lda, Float.NaN);
            }
            for (int p = 0; p < k; p++) {
                Arrays.fill(b, p * ldb + n, (p + 1) * ldb, Float.NaN);
            }
            float[] library = freshC(m, ldc);
            Gemm.multiply(false, false, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, library, 0, ldc);
            float[] packedPath = freshC(m, ldc);
            ForcedPath.multiply(Path.PACKED, false, false, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f,
                    packedPath, 0, ldc, null, 0, false, new PackBuffers());
            Compare.sameArray(library, packedPath, "the library's paths agree"); // as GemmCheck states
            float[] reference = freshC(m, ldc);
            ReferenceGemm.multiply(false, false, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, reference, 0, ldc);
            double[] tolerance = new double[m * ldc];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    tolerance[i * ldc + j] = GemmCheck.bound(false, false, i, j, k, 1f, a, 0, lda,
                            b, 0, ldb, 0f, 0f);
                }
            }
            return new Problem(m, n, k, lda, ldb, ldc, a, b, GemmStages.prepackA(m, k, a, lda),
                    GemmStages.prepackB(k, n, b, ldb), library, reference, tolerance);
        }

        /** C with a row of room past its m rows and ldc - n past each row, all NaN. */
        static float[] freshC(int m, int ldc) {
            float[] c = new float[(m + 1) * ldc];
            Arrays.fill(c, Float.NaN);
            return c;
        }
    }

    private static float[] poisoned(float[] x) {
        float[] p = new float[x.length];
        Arrays.fill(p, Float.NaN);
        return p;
    }

    /**
     * Every combination of packA, packB, epilogue and loop order, with blocks of one tile, of
     * two tiles each way (so that a block holds several tiles and C several blocks) and the
     * library's blocks(), on a problem whose m, n and k are no multiples of MR, NR and KC (partial
     * tiles and a partial depth block) and on one of whole tiles and whole depth blocks.
     */
    @Test
    void everyStageCombinationComputesTheLibrarysProductOrLeavesCUnwritten() {
        Assumptions.assumeTrue(Simd.enabled(), "the register tiles run only with SIMD");
        Random rnd = new Random(73);
        int[] blocks = GemmStages.blocks();
        int[][] mcNc = {{MR, NR}, {2 * MR, 2 * NR}, {blocks[0], blocks[1]}};
        for (int[] shape : new int[][] {{3 * MR + 3, 3 * NR + 5, KC + 7}, {2 * MR, 2 * NR, KC}}) {
            Problem pr = Problem.of(rnd, shape[0], shape[1], shape[2]);
            for (int[] blk : mcNc) {
                for (int flags = 0; flags < 16; flags++) {
                    boolean packA = (flags & 1) != 0, packB = (flags & 2) != 0;
                    boolean epilogue = (flags & 4) != 0, rowsInner = (flags & 8) != 0;
                    checkStages(pr, packA, packB, epilogue, blk[0], blk[1], rowsInner);
                }
            }
        }
    }

    private static void checkStages(Problem pr, boolean packA, boolean packB, boolean epilogue,
                                    int mc, int nc, boolean rowsInner) {
        int m = pr.m(), n = pr.n(), k = pr.k(), ldc = pr.ldc();
        String what = "multiply(packA=" + packA + ", packB=" + packB + ", epilogue=" + epilogue
                + ", mc=" + mc + ", nc=" + nc + ", rowsInner=" + rowsInner + ") " + m + "x" + n + "x" + k;
        // The operand a stage does not read is poisoned: packing per call reads A and B, never
        // preA and preB; the pre-packed stages read preA and preB, never A and B.
        float[] a = packA ? pr.a() : poisoned(pr.a()), b = packB ? pr.b() : poisoned(pr.b());
        float[] preA = packA ? poisoned(pr.preA()) : pr.preA(), preB = packB ? poisoned(pr.preB()) : pr.preB();
        float[] c = Problem.freshC(m, ldc);
        PackBuffers ws = new PackBuffers();
        GemmStages.multiply(packA, packB, epilogue, mc, nc, rowsInner, m, n, k, a, pr.lda(), b,
                pr.ldb(), preA, preB, c, ldc, ws);
        if (!epilogue) {
            for (int idx = 0; idx < c.length; idx++) {
                if (!Float.isNaN(c[idx])) {
                    Compare.same(Float.NaN, c[idx], what + ": without the epilogue C is never written, at " + idx);
                }
            }
        } else {
            if (!Arrays.equals(pr.library(), c)) { // NaN outside the window too
                Compare.sameArray(pr.library(), c, what + " vs Gemm.multiply");
            }
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    int idx = i * ldc + j;
                    if (!(Math.abs((double) c[idx] - pr.reference()[idx]) <= pr.tolerance()[idx])) {
                        Compare.close(pr.reference()[idx], c[idx], pr.tolerance()[idx],
                                what + " vs the reference, C[" + i + "][" + j + "]");
                    }
                }
            }
        }
        // The spill of the last tile (unless whole with the epilogue): last column block, last depth block, last row block, and in
        // either order the last tile of both (rows ir0.., columns jr0..), over depth pcLast..k-1.
        int jcLast = (n - 1) / nc * nc, icLast = (m - 1) / mc * mc, pcLast = (k - 1) / KC * KC;
        int jr0 = jcLast + (n - jcLast - 1) / NR * NR, ir0 = icLast + (m - icLast - 1) / MR * MR;
        if (epilogue && m - ir0 >= MR && n - jr0 >= NR) {
            return; // a whole tile with the epilogue is stored from the registers, never spilled
        }
        for (int r = 0; r < Math.min(MR, m - ir0); r++) {
            for (int j = 0; j < Math.min(NR, n - jr0); j++) {
                float acc = 0f;
                for (int p = pcLast; p < k; p++) {
                    acc = Math.fma(pr.a()[(ir0 + r) * pr.lda() + p], pr.b()[p * pr.ldb() + jr0 + j], acc);
                }
                if (Float.floatToIntBits(acc) != Float.floatToIntBits(ws.tile[r * NR + j])) {
                    Compare.same(acc, ws.tile[r * NR + j], what + ": the last tile's spill [" + r + "][" + j + "]");
                }
            }
        }
    }

    /**
     * The loop order: rowsInner (the library's) runs a B micro-panel against every row panel of
     * the block before the next micro-panel; false runs a row panel against every micro-panel.
     * Observed through the order in which tiles reach C: C has room for the first row panel
     * only, so the call stops (IndexOutOfBoundsException) at the first tile of the second row
     * panel. In the library's order that comes before the second column panel of the first row
     * panel is stored (still NaN); swapped, after it.
     */
    @Test
    void theLoopOrderDecidesWhichTilesPrecedeTheSecondRowPanel() {
        Assumptions.assumeTrue(Simd.enabled(), "the register tiles run only with SIMD");
        Random rnd = new Random(74);
        int m = 2 * MR, n = 2 * NR, k = 3;
        float[] a = Values.random(rnd, m * k, 0, 1f), b = Values.random(rnd, k * n, 0, 1f);
        float[] full = new float[m * n];
        Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, full, 0, n);
        for (boolean rowsInner : new boolean[] {true, false}) {
            float[] c = new float[MR * n]; // the first row panel only
            Arrays.fill(c, Float.NaN);
            assertThrows(IndexOutOfBoundsException.class, () -> GemmStages.multiply(true, true, true,
                    m, n, rowsInner, m, n, k, a, k, b, n, null, null, c, n, new PackBuffers()));
            for (int i = 0; i < MR; i++) {
                for (int j = 0; j < n; j++) {
                    boolean stored = j < NR || !rowsInner;
                    Compare.same(stored ? full[i * n + j] : Float.NaN, c[i * n + j],
                            "rowsInner=" + rowsInner + ": C[" + i + "][" + j + "]"
                                    + (stored ? " stored" : " not yet stored"));
                }
            }
        }
    }
}

package org.vecprop.internal.gemm;

import static org.vecprop.internal.gemm.GemmBlocking.MR;
import static org.vecprop.internal.gemm.GemmBlocking.NR;

import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Simd;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * The register tiles of {@link GemmMacroKernel} against a plain scalar rank-kc update of the
 * same packed panels (A: {@code pa[ai + p * MR + r]}, B: {@code pb[bi + p * NR + j]}; tile
 * element (r, j) spilled to {@code tile[r * NR + j]}). Each element is one FMA chain over p from
 * zero, as the order of arithmetic says, so the tile must equal {@code Math.fma} in a loop bit
 * for bit.
 *
 * <p>The dispatcher {@code microKernel} is tested for every row count 1..MR at this width. The
 * 6-row tile runs only when MR is 6 (widths below 512 bits); so that it is tested at every width,
 * each of the private tiles is also called on its own (through a private lookup, this package's
 * test being in the same module), on panels of this width's MR.
 */
class GemmMacroKernelTest {

    /**
     * Tile rows 0..rows-1 hold the rank-kc update. Rows past them are not checked: for a short
     * tile they are padding, computed or not, and the epilogue never reads them.
     */
    private static void checkTile(float[] pa, int ai, float[] pb, int bi, int kc, int rows,
                                  float[] tile, String what) {
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < NR; j++) {
                float acc = 0f;
                for (int p = 0; p < kc; p++) {
                    acc = Math.fma(pa[ai + p * MR + r], pb[bi + p * NR + j], acc);
                }
                Compare.same(acc, tile[r * NR + j], what + " kc=" + kc + " tile[" + r + "][" + j + "]");
            }
        }
    }

    /** Panels with room before them (ai, bi > 0) and data after them, so offsets matter. */
    private record Panels(float[] pa, int ai, float[] pb, int bi) {
        static Panels random(Random rnd, int kc, int specials) {
            int ai = 3 * MR, bi = 2 * NR;
            float[] pa = Values.random(rnd, ai + (kc + 2) * MR, specials, 1f);
            float[] pb = Values.random(rnd, bi + (kc + 2) * NR, specials, 1f);
            return new Panels(pa, ai, pb, bi);
        }
    }

    private static float[] nanTile() {
        float[] tile = new float[MR * NR];
        java.util.Arrays.fill(tile, Float.NaN); // every element the kernel owes must be stored
        return tile;
    }

    @Test
    void theDispatcherForEveryRowCount() {
        Assumptions.assumeTrue(Simd.enabled(), "the register tiles run only with SIMD");
        Random rnd = new Random(5);
        for (int kc : new int[] {0, 1, 2, 7, 16, 33, GemmBlocking.KC}) {
            for (int mr = 1; mr <= MR; mr++) {
                Panels p = Panels.random(rnd, kc, mr == 3 ? 20 : 0);
                float[] tile = nanTile();
                GemmMacroKernel.microKernel(kc, p.pa(), p.ai(), p.pb(), p.bi(), tile, mr);
                checkTile(p.pa(), p.ai(), p.pb(), p.bi(), kc, mr, tile, "microKernel mr=" + mr);
            }
        }
    }

    /** Each tile on its own, with the rows it computes: 1, 4, 6 and 8 (8 only when MR is 8). */
    @Test
    void eachRegisterTile() {
        Assumptions.assumeTrue(Simd.enabled(), "the register tiles run only with SIMD");
        Random rnd = new Random(6);
        for (int kc : new int[] {1, 3, 17, GemmBlocking.KC}) {
            Panels p = Panels.random(rnd, kc, 0);
            for (int row = 0; row < MR; row++) {
                float[] tile = nanTile();
                GemmMacroKernel.microKernel1(kc, p.pa(), p.ai() + row, p.pb(), p.bi(), tile, row * NR);
                // microKernel1 computes row `row` of the panel into tile row `row`.
                float acc;
                for (int j = 0; j < NR; j++) {
                    acc = 0f;
                    for (int q = 0; q < kc; q++) {
                        acc = Math.fma(p.pa()[p.ai() + q * MR + row], p.pb()[p.bi() + q * NR + j], acc);
                    }
                    Compare.same(acc, tile[row * NR + j], "microKernel1 row " + row + " kc=" + kc + " j=" + j);
                }
            }
            float[] tile = nanTile();
            GemmMacroKernel.microKernel4(kc, p.pa(), p.ai(), p.pb(), p.bi(), tile);
            checkTile(p.pa(), p.ai(), p.pb(), p.bi(), kc, 4, tile, "microKernel4");
            tile = nanTile();
            GemmMacroKernel.microKernel6(kc, p.pa(), p.ai(), p.pb(), p.bi(), tile);
            checkTile(p.pa(), p.ai(), p.pb(), p.bi(), kc, 6, tile, "microKernel6");
            if (MR == 8) {
                tile = nanTile();
                GemmMacroKernel.microKernel8(kc, p.pa(), p.ai(), p.pb(), p.bi(), tile);
                checkTile(p.pa(), p.ai(), p.pb(), p.bi(), kc, 8, tile, "microKernel8");
            }
        }
    }
    /**
     * The tiles that store C from their accumulators (the 6-row one at every width, the 8-row
     * one when MR is 8) against the spilling tile of as many rows followed by {@link
     * GemmEpilogue#finishTile}, bit for bit, over C with a row stride wider than the tile and
     * elements around it: beta 0 over NaN (C not read), 1 and 0.5; with and without a bias; with
     * and without ReLU. Everything outside the tile must be left as it was.
     */
    @Test
    void theTilesStoringCEqualTheSpillThenTheEpilogue() {
        Assumptions.assumeTrue(Simd.enabled(), "the register tiles run only with SIMD");
        Random rnd = new Random(7);
        int ldc = NR + 5, ci = 2 * ldc + 3;
        for (int rows : MR == 8 ? new int[] {6, 8} : new int[] {6}) {
            for (int kc : new int[] {1, 5, GemmBlocking.KC}) {
                Panels p = Panels.random(rnd, kc, kc == 5 ? 8 : 0);
                for (float beta : new float[] {0f, 1f, 0.5f}) {
                    for (boolean withBias : new boolean[] {false, true}) {
                        for (int activation : new int[] {GemmEpilogue.NONE, org.vecprop.internal.Kernels.RELU}) {
                            float alpha = 0.75f;
                            float[] c0 = Values.random(rnd, ci + rows * ldc + 7, 0, 1f);
                            if (beta == 0f) {
                                java.util.Arrays.fill(c0, Float.NaN);
                            }
                            float[] bias = withBias ? Values.random(rnd, NR + 4, 0, 1f) : null;
                            int biasIdx = 3;
                            float[] expected = c0.clone(), actual = c0.clone(), tile = nanTile();
                            if (rows == 8) {
                                GemmMacroKernel.microKernel8(kc, p.pa(), p.ai(), p.pb(), p.bi(), tile);
                                GemmMacroKernel.microKernel8C(kc, p.pa(), p.ai(), p.pb(), p.bi(), actual,
                                        ci, ldc, alpha, beta, bias, biasIdx, activation);
                            } else {
                                GemmMacroKernel.microKernel6(kc, p.pa(), p.ai(), p.pb(), p.bi(), tile);
                                GemmMacroKernel.microKernel6C(kc, p.pa(), p.ai(), p.pb(), p.bi(), actual,
                                        ci, ldc, alpha, beta, bias, biasIdx, activation);
                            }
                            GemmEpilogue.finishTile(tile, expected, ci, ldc, alpha, beta, rows, NR, bias,
                                    biasIdx, activation);
                            for (int i = 0; i < expected.length; i++) {
                                Compare.same(expected[i], actual[i], "microKernel" + rows + "C kc=" + kc
                                        + " beta=" + beta + " bias=" + withBias + " activation="
                                        + activation + ": c[" + i + "]");
                            }
                        }
                    }
                }
            }
        }
    }
}

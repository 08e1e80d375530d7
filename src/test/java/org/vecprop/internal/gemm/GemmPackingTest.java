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
 * {@link GemmPacking} against the panel layouts its comments state, into a buffer that holds
 * garbage (NaN) from an earlier, larger call, as a reused workspace does: every element of every
 * panel, padding included, must be written. Full and partial panels, both transposes, and depths
 * on both sides of the 16-step register transposes.
 */
class GemmPackingTest {

    @Test
    void packBWritesTheDocumentedPanelsZeroPadded() {
        Assumptions.assumeTrue(Simd.enabled(), "packing runs only with SIMD");
        Random rnd = new Random(3);
        for (boolean transB : new boolean[] {false, true}) {
            for (int kc : new int[] {1, 5, 16, 17, 40}) {
                for (int nc : new int[] {1, NR / 2 - 1, NR - 1, NR, NR + 1, 2 * NR + 3}) {
                    int pc = 2, jc = 3, n = jc + nc + 2, k = pc + kc + 1;
                    int bOff = 4, ldb = (transB ? k : n) + 3;
                    float[] b = Values.random(rnd, bOff + (transB ? n : k) * ldb, 0, 1f);
                    int panels = (nc + NR - 1) / NR, at = 5;
                    float[] dst = new float[at + panels * kc * NR + 7];
                    java.util.Arrays.fill(dst, Float.NaN);
                    float[] before = dst.clone();
                    GemmPacking.packBInto(transB, b, bOff, ldb, pc, kc, jc, nc, dst, at);
                    checkPanels(before, dst, at, kc, NR, nc, (p, col) -> transB
                            ? b[bOff + (jc + col) * ldb + pc + p] : b[bOff + (pc + p) * ldb + jc + col],
                            "packB transB=" + transB + " kc=" + kc + " nc=" + nc);
                }
            }
        }
    }

    /**
     * A transposed B's panels for every depth from 1 to 33 (the register transposes' whole
     * blocks and every remainder below 16), widths around and between 16-column halves of a
     * panel, offsets into B and dst, a tight row stride and a wider one, and B exactly as long as
     * its last row's last read float: the remainder's whole-vector reads must then run up to each
     * row's end (or through scratch, at the start of the array) without reading past b or writing
     * outside the panels.
     */
    @Test
    void packTransposedBEveryShortDepthTightArrays() {
        Assumptions.assumeTrue(Simd.enabled(), "packing runs only with SIMD");
        Random rnd = new Random(11);
        for (int kc = 1; kc <= 33; kc++) {
            for (int nc : new int[] {1, 15, 16, 17, NR - 1, NR, NR + 16, 2 * NR + 5, 8 * NR}) {
                for (int variant = 0; variant < 4; variant++) {
                    int pc = variant % 2 == 0 ? 0 : 3, jc = variant < 2 ? 0 : 2;
                    int bOff = variant == 3 ? 5 : 0, ldb = pc + kc + (variant == 1 ? 2 : 0);
                    // Last float read: op(B)[pc + kc - 1][jc + nc - 1]; nothing after it.
                    float[] b = Values.random(rnd, bOff + (jc + nc - 1) * ldb + pc + kc, 0, 1f);
                    int panels = (nc + NR - 1) / NR, at = variant;
                    float[] dst = new float[at + panels * kc * NR + 3];
                    java.util.Arrays.fill(dst, Float.NaN);
                    float[] before = dst.clone();
                    GemmPacking.packBInto(true, b, bOff, ldb, pc, kc, jc, nc, dst, at);
                    int bo = bOff, ld = ldb, p0 = pc, j0 = jc;
                    checkPanels(before, dst, at, kc, NR, nc, (p, col) -> b[bo + (j0 + col) * ld + p0 + p],
                            "packB T kc=" + kc + " nc=" + nc + " variant=" + variant);
                }
            }
        }
    }

    /**
     * The overload without a workspace or an offset (what GemmStages' benchmarks pack with)
     * writes the same documented panels from dst[0]; asked for by mutation testing, since no
     * other test calls it.
     */
    @Test
    void packBWithoutAWorkspaceWritesTheDocumentedPanelsFromTheStart() {
        Assumptions.assumeTrue(Simd.enabled(), "packing runs only with SIMD");
        Random rnd = new Random(5);
        for (boolean transB : new boolean[] {false, true}) {
            int kc = 17, nc = NR + 1, pc = 2, jc = 3, n = jc + nc + 2, k = pc + kc + 1;
            int bOff = 4, ldb = (transB ? k : n) + 3;
            float[] b = Values.random(rnd, bOff + (transB ? n : k) * ldb, 0, 1f);
            float[] dst = new float[2 * kc * NR + 7];
            java.util.Arrays.fill(dst, Float.NaN);
            float[] before = dst.clone();
            GemmPacking.packB(transB, b, bOff, ldb, pc, kc, jc, nc, dst);
            checkPanels(before, dst, 0, kc, NR, nc, (p, col) -> transB
                    ? b[bOff + (jc + col) * ldb + pc + p] : b[bOff + (pc + p) * ldb + jc + col],
                    "packB transB=" + transB);
        }
    }

    @Test
    void packAWritesTheDocumentedPanelsZeroPadded() {
        Assumptions.assumeTrue(Simd.enabled(), "packing runs only with SIMD");
        Random rnd = new Random(4);
        for (boolean transA : new boolean[] {false, true}) {
            for (int kc : new int[] {1, 5, 16, 17, 40}) {
                for (int mc : new int[] {1, MR - 1, MR, MR + 1, 2 * MR + 3}) {
                    int pc = 2, ic = 3, m = ic + mc + 2, k = pc + kc + 1;
                    int aOff = 4, lda = (transA ? m : k) + 3;
                    float[] a = Values.random(rnd, aOff + (transA ? k : m) * lda, 0, 1f);
                    int panels = (mc + MR - 1) / MR;
                    float[] dst = new float[panels * kc * MR + 7];
                    java.util.Arrays.fill(dst, Float.NaN);
                    float[] before = dst.clone();
                    GemmPacking.packA(transA, a, aOff, lda, ic, mc, pc, kc, dst);
                    checkPanels(before, dst, 0, kc, MR, mc, (p, row) -> transA
                            ? a[aOff + (pc + p) * lda + ic + row] : a[aOff + (ic + row) * lda + pc + p],
                            "packA transA=" + transA + " kc=" + kc + " mc=" + mc);
                }
            }
        }
    }

    /** The packed element of depth step p and row or column x (x below the used width). */
    interface Source {
        float at(int p, int x);
    }

    /**
     * Checks the documented panel layout from {@code dst[at]}: panel q holds {@code kc} steps of
     * {@code width} elements, element (p, x) of the whole block at {@code q*kc*width + p*width +
     * x % width} with {@code x = q*width + j}; x beyond {@code used} is zero padding; every
     * element outside the panels keeps its bits (NaN before the call, so a stray write shows).
     */
    static void checkPanels(float[] before, float[] dst, int at, int kc, int width, int used,
                            Source source, String label) {
        int panels = (used + width - 1) / width;
        for (int idx = 0; idx < dst.length; idx++) {
            int rel = idx - at;
            String where = label + " at " + idx;
            if (rel < 0 || rel >= panels * kc * width) {
                Compare.same(before[idx], dst[idx], where + " (outside the panels)");
                continue;
            }
            int q = rel / (kc * width), p = rel % (kc * width) / width, x = q * width + rel % width;
            Compare.same(x >= used ? 0f : source.at(p, x), dst[idx], where);
        }
    }
}

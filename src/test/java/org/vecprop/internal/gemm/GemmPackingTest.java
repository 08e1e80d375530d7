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

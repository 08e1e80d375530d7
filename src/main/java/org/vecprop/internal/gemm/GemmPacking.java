package org.vecprop.internal.gemm;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;
import static org.vecprop.internal.gemm.GemmBlocking.MR;
import static org.vecprop.internal.gemm.GemmBlocking.NR;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.PackBuffers;

/**
 * Packing for the packed GEMM path: copies a block of op(A) or op(B) into the contiguous,
 * zero-padded micro-panels the register tile reads in order, absorbing the transposes.
 */
final class GemmPacking {
    private GemmPacking() {}

    /**
     * Packs op(B)[pc : pc+kc, jc : jc+nc] into NR-wide micro-panels: panel q holds
     * {@code dst[(q * kc + p) * NR + j] = op(B)[pc + p][jc + q * NR + j]}, zero past column nc.
     */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc,
                      int jc, int nc, float[] dst) {
        packBInto(transB, b, bOff, ldb, pc, kc, jc, nc, dst, 0, null);
    }

    /** As {@link #packB}, with {@code ws}'s tile as the transpose's scratch (null: this thread's). */
    static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc,
                      int jc, int nc, float[] dst, PackBuffers ws) {
        packBInto(transB, b, bOff, ldb, pc, kc, jc, nc, dst, 0, ws);
    }

    /** As {@link #packB}, writing the panels from {@code dst[at]} on. */
    static void packBInto(boolean transB, float[] b, int bOff, int ldb, int pc, int kc,
                          int jc, int nc, float[] dst, int at) {
        packBInto(transB, b, bOff, ldb, pc, kc, jc, nc, dst, at, null);
    }

    /**
     * As {@link #packBInto(boolean, float[], int, int, int, int, int, int, float[], int)}, with
     * the scratch of the short transposes in {@code ws}'s tile: the call's buffers (a caller's
     * workspace), so that packing reaches for no thread's own; null for this thread's.
     */
    static void packBInto(boolean transB, float[] b, int bOff, int ldb, int pc, int kc,
                          int jc, int nc, float[] dst, int at, PackBuffers ws) {
        if (!transB) {
            packBRowsInto(b, bOff, ldb, pc, kc, pc, pc + kc, jc, nc, dst, at);
            return;
        }
        for (int q = 0; q * NR < nc; q++) {
            int j0 = jc + q * NR;
            int width = Math.min(NR, nc - q * NR);
            int panel = at + q * kc * NR;
            if (width == NR && GemmTranspose.AVAILABLE) {
                // op(B)[p][j] = B[j][p]: 16 x 16 blocks transposed in registers, then the last
                // kc mod 16 depth steps by masked loads and the same transpose.
                int whole = kc & ~15;
                for (int jb = 0; jb < NR; jb += 16) {
                    int src = bOff + (j0 + jb) * ldb + pc;
                    for (int p = 0; p < whole; p += 16) {
                        GemmTranspose.rows16x16(b, src + p, ldb, dst, panel + p * NR + jb, NR);
                    }
                    if (whole < kc) {
                        // In registers, sixteen whole-vector reads from each row's start (lead 0)
                        // where they stay inside b, else up to each row's end (lead 16 - depth).
                        // One of the two always fits: the panel is NR = 32 rows of at least
                        // depth floats, so the first 16-row block has 16 more rows after it and
                        // the second 16 rows before it.
                        int s = src + whole, depth = kc - whole, d = panel + whole * NR + jb;
                        int lead = s + 15 * ldb + 16 <= b.length ? 0 : 16 - depth;
                        GemmTranspose.rows16xDepth(b, s, ldb, depth, lead, dst, d, NR);
                    }
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
     * Packs depth steps {@code [p0, p1)} of an untransposed B's depth block
     * {@code [pc, pc + kc)} ({@code pc <= p0 <= p1 <= pc + kc}), columns {@code jc .. jc + nc},
     * into that block's panels from {@code dst[at]} on (the layout of {@link #packBInto}):
     * rows of B are contiguous, so each panel row is two vector copies, the last, partial panel
     * a copy and zero padding. {@link #packBInto} packs a whole block this way; a refresh of
     * some rows ({@link PackedPanels#repackRows}) passes just those steps.
     */
    static void packBRowsInto(float[] b, int bOff, int ldb, int pc, int kc, int p0, int p1,
                              int jc, int nc, float[] dst, int at) {
        for (int q = 0; q * NR < nc; q++) {
            int j0 = jc + q * NR;
            int width = Math.min(NR, nc - q * NR);
            int panel = at + q * kc * NR;
            if (width == NR) {
                for (int p = p0; p < p1; p++) {
                    int src = bOff + p * ldb + j0;
                    int d = panel + (p - pc) * NR;
                    FloatVector.fromArray(F, b, src).intoArray(dst, d);
                    FloatVector.fromArray(F, b, src + L).intoArray(dst, d + L);
                }
            } else {
                for (int p = p0; p < p1; p++) {
                    int src = bOff + p * ldb + j0;
                    int d = panel + (p - pc) * NR;
                    System.arraycopy(b, src, dst, d, width);
                    java.util.Arrays.fill(dst, d + width, d + NR, 0f);
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
            if (!transA && height == MR && GemmTranspose.AVAILABLE) {
                // op(A) = A: 8 x 16 blocks transposed in registers, then the rest element by element.
                int whole = kc & ~15;
                int src = aOff + i0 * lda + pc;
                for (int p = 0; p < whole; p += 16) {
                    GemmTranspose.rows8x16(a, src + p, lda, dst, panel + p * MR);
                }
                for (int r = 0; r < MR; r++) {
                    for (int p = whole; p < kc; p++) {
                        dst[panel + p * MR + r] = a[src + r * lda + p];
                    }
                }
            } else if (!transA) {
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
}

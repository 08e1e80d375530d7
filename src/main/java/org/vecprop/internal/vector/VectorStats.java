package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.vecprop.contract.SummaryIndex;
import org.vecprop.internal.LaneSums;

/**
 * Vector API summaries behind {@code org.vecprop.kernel.Stats}. The sum of squares follows
 * vecprop's order for long sums (as {@link VectorMse} does, non-finite elements adding +0), so
 * it equals the scalar implementation's bit for bit; the maximum and the counts are exact.
 */
final class VectorStats {
    private VectorStats() {}

    private static final int LANES = LaneSums.LANES, CHUNK = LaneSums.CHUNK;

    static void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out, LaneSums s) {
        long n = (long) rows * cols;
        boolean contiguous = rows == 1 || ldx == cols;
        float max = 0f;
        long nonFinite = 0, inf = 0;
        for (long from = 0; from < n; from += CHUNK) {
            int len = (int) Math.min(CHUNK, n - from);
            float[] src = x;
            int at = xOff + (int) from;
            if (!contiguous) {
                LaneSums.gather(x, xOff, ldx, cols, from, len, s.stageA);
                src = s.stageA;
                at = 0;
            }
            int blocks = len / LANES;
            // Four vectors cover 4 * L of the 64 virtual lanes per group: L <= 16, which
            // Vectorization guarantees by running CPUs wider than 512 bits at 512 (MAX_BITS).
            for (int group = 0; group < LANES; group += 4 * L) {
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                FloatVector m0 = a0, m1 = a0;
                for (int b = 0; b < blocks; b++) {
                    int c = at + b * LANES + group;
                    FloatVector v0 = FloatVector.fromArray(F, src, c);
                    FloatVector v1 = FloatVector.fromArray(F, src, c + L);
                    FloatVector v2 = FloatVector.fromArray(F, src, c + 2 * L);
                    FloatVector v3 = FloatVector.fromArray(F, src, c + 3 * L);
                    VectorMask<Float> f0 = v0.test(VectorOperators.IS_FINITE);
                    VectorMask<Float> f1 = v1.test(VectorOperators.IS_FINITE);
                    VectorMask<Float> f2 = v2.test(VectorOperators.IS_FINITE);
                    VectorMask<Float> f3 = v3.test(VectorOperators.IS_FINITE);
                    nonFinite += 4 * L - f0.trueCount() - f1.trueCount() - f2.trueCount() - f3.trueCount();
                    inf += v0.test(VectorOperators.IS_INFINITE).trueCount()
                            + v1.test(VectorOperators.IS_INFINITE).trueCount()
                            + v2.test(VectorOperators.IS_INFINITE).trueCount()
                            + v3.test(VectorOperators.IS_INFINITE).trueCount();
                    FloatVector z = FloatVector.zero(F);
                    v0 = z.blend(v0, f0);
                    v1 = z.blend(v1, f1);
                    v2 = z.blend(v2, f2);
                    v3 = z.blend(v3, f3);
                    a0 = v0.fma(v0, a0);
                    a1 = v1.fma(v1, a1);
                    a2 = v2.fma(v2, a2);
                    a3 = v3.fma(v3, a3);
                    m0 = m0.max(v0.abs()).max(v1.abs());
                    m1 = m1.max(v2.abs()).max(v3.abs());
                }
                a0.intoArray(s.lanes, group);
                a1.intoArray(s.lanes, group + L);
                a2.intoArray(s.lanes, group + 2 * L);
                a3.intoArray(s.lanes, group + 3 * L);
                // The maximum is exact in any order; lanes in a fixed order all the same.
                m0.max(m1).intoArray(s.stageOut, 0);
                for (int q = 0; q < L; q++) {
                    max = Math.max(max, s.stageOut[q]);
                }
            }
            float[] lanes = s.lanes;
            for (int c = blocks * LANES; c < len; c++) {
                float v = src[at + c];
                if (Float.isFinite(v)) {
                    int lane = c - blocks * LANES;
                    lanes[lane] = Math.fma(v, v, lanes[lane]);
                    max = Math.max(max, Math.abs(v));
                } else {
                    nonFinite++;
                    inf += Float.isInfinite(v) ? 1 : 0;
                }
            }
            s.fold();
        }
        out[SummaryIndex.SUM_SQUARES] = s.total();
        out[SummaryIndex.MAX_ABS] = max;
        out[SummaryIndex.NAN_COUNT] = nonFinite - inf;
        out[SummaryIndex.INF_COUNT] = inf;
    }

    static int deadColumns(int rows, int cols, float[] a, int aOff, int lda) {
        int dead = 0;
        int bound = F.loopBound(cols);
        int j = 0;
        for (; j < bound; j += L) {
            VectorMask<Float> alive = F.maskAll(false);
            for (int i = 0; i < rows; i++) {
                alive = alive.or(FloatVector.fromArray(F, a, aOff + i * lda + j)
                        .compare(VectorOperators.GT, 0f));
            }
            dead += L - alive.trueCount();
        }
        for (; j < cols; j++) {
            boolean alive = false;
            for (int i = 0; i < rows && !alive; i++) {
                alive = a[aOff + i * lda + j] > 0f;
            }
            dead += alive ? 0 : 1;
        }
        return dead;
    }
}

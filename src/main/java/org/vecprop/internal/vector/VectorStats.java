package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.Scratch;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.vecprop.contract.SummaryIndex;

/**
 * Vector API summaries behind {@code org.vecprop.kernel.Stats}: whole vectors along a row, then a scalar tail (see
 * {@link VectorRelu} for why not a mask).
 */
final class VectorStats {
    private VectorStats() {}

    static void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out) {
        double sum = 0;
        float max = 0f;
        long nan = 0, inf = 0;
        FloatVector zero = FloatVector.zero(F);
        int bound = F.loopBound(cols);
        float[] lanes = Scratch.zeroedRow(L);
        for (int i = 0; i < rows; i++) {
            FloatVector squares = zero, maxAbs = zero;
            int row = xOff + i * ldx;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(F, x, row + j);
                VectorMask<Float> isNan = v.test(VectorOperators.IS_NAN);
                VectorMask<Float> isInf = v.test(VectorOperators.IS_INFINITE);
                nan += isNan.trueCount();
                inf += isInf.trueCount();
                FloatVector finite = v.blend(0f, isNan.or(isInf));
                squares = finite.fma(finite, squares);
                maxAbs = maxAbs.max(finite.abs());
            }
            float tailSquares = 0f;
            for (; j < cols; j++) {
                float v = x[row + j];
                if (Float.isNaN(v)) {
                    nan++;
                } else if (Float.isInfinite(v)) {
                    inf++;
                } else {
                    tailSquares = Math.fma(v, v, tailSquares);
                    max = Math.max(max, Math.abs(v));
                }
            }
            squares.intoArray(lanes, 0); // a fixed order, not reduceLanes (see VectorMse)
            for (int q = 0; q < L; q++) {
                sum += lanes[q];
            }
            sum += tailSquares;
            max = Math.max(max, maxAbs.reduceLanes(VectorOperators.MAX));
        }
        out[SummaryIndex.SUM_SQUARES] = sum;
        out[SummaryIndex.MAX_ABS] = max;
        out[SummaryIndex.NAN_COUNT] = nan;
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

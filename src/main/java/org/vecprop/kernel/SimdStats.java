package org.vecprop.kernel;

import static org.vecprop.kernel.Vectors.F;
import static org.vecprop.kernel.Vectors.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API summaries behind {@link Stats}: whole vectors along a row, then a scalar tail (see
 * {@link SimdRelu} for why not a mask).
 */
final class SimdStats {
    private SimdStats() {}

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
            squares.intoArray(lanes, 0); // a fixed order, not reduceLanes (see SimdMse)
            for (int q = 0; q < L; q++) {
                sum += lanes[q];
            }
            sum += tailSquares;
            max = Math.max(max, maxAbs.reduceLanes(VectorOperators.MAX));
        }
        out[org.vecprop.reference.Stats.SUM_SQUARES] = sum;
        out[org.vecprop.reference.Stats.MAX_ABS] = max;
        out[org.vecprop.reference.Stats.NAN_COUNT] = nan;
        out[org.vecprop.reference.Stats.INF_COUNT] = inf;
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

package org.vecprop.kernel;

import static org.vecprop.kernel.Vectors.F;
import static org.vecprop.kernel.Vectors.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/** Vector API summaries behind {@link Stats}; one masked vector per step along a row. */
final class SimdStats {
    private SimdStats() {}

    static void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out) {
        double sum = 0;
        float max = 0f;
        long nan = 0, inf = 0;
        FloatVector zero = FloatVector.zero(F);
        for (int i = 0; i < rows; i++) {
            FloatVector squares = zero, maxAbs = zero;
            int row = xOff + i * ldx;
            for (int j = 0; j < cols; j += L) {
                VectorMask<Float> lanes = F.indexInRange(j, cols);
                FloatVector v = FloatVector.fromArray(F, x, row + j, lanes);
                VectorMask<Float> isNan = v.test(VectorOperators.IS_NAN).and(lanes);
                VectorMask<Float> isInf = v.test(VectorOperators.IS_INFINITE).and(lanes);
                nan += isNan.trueCount();
                inf += isInf.trueCount();
                FloatVector finite = v.blend(0f, isNan.or(isInf));
                squares = finite.fma(finite, squares);
                maxAbs = maxAbs.max(finite.abs());
            }
            sum += squares.reduceLanes(VectorOperators.ADD);
            max = Math.max(max, maxAbs.reduceLanes(VectorOperators.MAX));
        }
        out[org.vecprop.reference.Stats.SUM_SQUARES] = sum;
        out[org.vecprop.reference.Stats.MAX_ABS] = max;
        out[org.vecprop.reference.Stats.NAN_COUNT] = nan;
        out[org.vecprop.reference.Stats.INF_COUNT] = inf;
    }

    static int deadColumns(int rows, int cols, float[] a, int aOff, int lda) {
        int dead = 0;
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> lanes = F.indexInRange(j, cols);
            VectorMask<Float> alive = F.maskAll(false);
            for (int i = 0; i < rows; i++) {
                FloatVector v = FloatVector.fromArray(F, a, aOff + i * lda + j, lanes);
                alive = alive.or(v.compare(VectorOperators.GT, 0f));
            }
            dead += lanes.andNot(alive).trueCount();
        }
        return dead;
    }
}

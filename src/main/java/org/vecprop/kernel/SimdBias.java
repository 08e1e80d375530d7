package org.vecprop.kernel;

import static org.vecprop.kernel.Vectors.F;
import static org.vecprop.kernel.Vectors.L;

import jdk.incubator.vector.FloatVector;

/**
 * Vector API bias kernels behind {@link Bias}; arguments are validated there. Both walk the
 * columns a vector at a time, with scalar columns for the tail (see {@link SimdRelu} for why not
 * a mask). The gradient sums each column from row 0 down, the reference's order, so it equals
 * {@link org.vecprop.reference.Bias} bit for bit.
 */
final class SimdBias {
    private SimdBias() {}

    static void add(int rows, int cols, float[] x, int xOff, int ldx,
                    float[] bias, int biasOff, float[] y, int yOff, int ldy) {
        int bound = F.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * ldx, yi = yOff + i * ldy;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, x, xi + j).add(FloatVector.fromArray(F, bias, biasOff + j))
                        .intoArray(y, yi + j);
            }
            for (; j < cols; j++) {
                y[yi + j] = x[xi + j] + bias[biasOff + j];
            }
        }
    }

    static void gradient(int rows, int cols, float[] dz, int dzOff, int lddz,
                         float[] db, int dbOff, boolean accumulate) {
        int bound = F.loopBound(cols);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector sum = FloatVector.zero(F);
            for (int i = 0; i < rows; i++) {
                sum = sum.add(FloatVector.fromArray(F, dz, dzOff + i * lddz + j));
            }
            if (accumulate) {
                sum = FloatVector.fromArray(F, db, dbOff + j).add(sum);
            }
            sum.intoArray(db, dbOff + j);
        }
        for (; j < cols; j++) {
            float sum = 0f;
            for (int i = 0; i < rows; i++) {
                sum += dz[dzOff + i * lddz + j];
            }
            db[dbOff + j] = accumulate ? db[dbOff + j] + sum : sum;
        }
    }
}

package org.vecprop.kernel;

import static org.vecprop.kernel.Vectors.F;
import static org.vecprop.kernel.Vectors.L;

import jdk.incubator.vector.FloatVector;

/**
 * Vector API bias kernels behind {@link Bias}; arguments are validated there. The add walks
 * each row a vector at a time; the gradient walks blocks of four vectors of columns down the
 * rows; both end with scalar columns for the tail (see {@link SimdRelu} for why not a mask). The gradient sums each column from row 0 down, the reference's order, so it equals
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
        // Blocks of four vectors of columns, walked down the rows: each row contributes 4 L
        // contiguous floats (a one-vector strip would touch one cache line per row per strip,
        // and measured at a tenth of copy bandwidth). Each column is still summed from row 0 down.
        int j = 0;
        for (; j <= cols - 4 * L; j += 4 * L) {
            FloatVector s0 = FloatVector.zero(F), s1 = s0, s2 = s0, s3 = s0;
            for (int i = 0; i < rows; i++) {
                int row = dzOff + i * lddz + j;
                s0 = s0.add(FloatVector.fromArray(F, dz, row));
                s1 = s1.add(FloatVector.fromArray(F, dz, row + L));
                s2 = s2.add(FloatVector.fromArray(F, dz, row + 2 * L));
                s3 = s3.add(FloatVector.fromArray(F, dz, row + 3 * L));
            }
            if (accumulate) {
                s0 = FloatVector.fromArray(F, db, dbOff + j).add(s0);
                s1 = FloatVector.fromArray(F, db, dbOff + j + L).add(s1);
                s2 = FloatVector.fromArray(F, db, dbOff + j + 2 * L).add(s2);
                s3 = FloatVector.fromArray(F, db, dbOff + j + 3 * L).add(s3);
            }
            s0.intoArray(db, dbOff + j);
            s1.intoArray(db, dbOff + j + L);
            s2.intoArray(db, dbOff + j + 2 * L);
            s3.intoArray(db, dbOff + j + 3 * L);
        }
        for (; j <= cols - L; j += L) {
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

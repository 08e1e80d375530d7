package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.Scratch;

/**
 * Vector API bias kernels behind {@code org.vecprop.kernel.Bias}; arguments are validated there. Both walk the
 * matrix row by row, a vector at a time with scalar columns for the tail (see {@link VectorRelu}
 * for why not a mask); the gradient sums into a per-thread scratch row. The gradient sums each column from row 0 down, the reference's order, so it equals
 * {@link org.vecprop.reference.ReferenceBias} bit for bit.
 */
final class VectorBias {
    private VectorBias() {}

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
        // Row by row into a zeroed scratch row of column sums (it stays in L1), so dz streams
        // through once in memory order; column strips measured at a tenth of copy bandwidth.
        // Each column is still summed from row 0 down, starting at 0, and the old db is added
        // last: the reference's order, so the result is bit-identical.
        float[] sum = Scratch.zeroedRow(cols);
        int bound = F.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            int row = dzOff + i * lddz;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, sum, j).add(FloatVector.fromArray(F, dz, row + j))
                        .intoArray(sum, j);
            }
            for (; j < cols; j++) {
                sum[j] += dz[row + j];
            }
        }
        finishColumnSums(cols, sum, db, dbOff, accumulate);
    }

    /** {@code db = accumulate ? db + sum : sum}, the last step of a bias gradient. */
    static void finishColumnSums(int cols, float[] sum, float[] db, int dbOff, boolean accumulate) {
        int bound = F.loopBound(cols);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector v = FloatVector.fromArray(F, sum, j);
            if (accumulate) {
                v = FloatVector.fromArray(F, db, dbOff + j).add(v);
            }
            v.intoArray(db, dbOff + j);
        }
        for (; j < cols; j++) {
            db[dbOff + j] = accumulate ? db[dbOff + j] + sum[j] : sum[j];
        }
    }
}

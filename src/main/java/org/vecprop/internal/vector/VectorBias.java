package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.Buffers;

/**
 * Vector API bias kernels behind {@code org.vecprop.kernel.Bias}; arguments are validated there. Both walk the
 * matrix row by row, a vector at a time with scalar columns for the tail (see {@link VectorRelu}
 * for why not a mask); an accumulating gradient sums into a scratch row ({@code Buffers}: the
 * caller's workspace or this thread's). The gradient sums each column from row 0 down, the
 * reference's order, so it equals
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
                         float[] db, int dbOff, boolean accumulate, Buffers buffers) {
        // Row by row in memory order, four rows per pass over the running sums, which live in db
        // itself (overwrite) or in a scratch row, the workspace's or this thread's (accumulate:
        // the old db is added last). Each column is still summed from 0 down the rows in order (ArithmeticOrder), so
        // the result is the scalar implementation's bit for bit; column strips were measured at
        // a tenth of copy bandwidth, and one row per pass at about 0.6 of it.
        float[] sum = accumulate ? Buffers.orThisThread(buffers).zeroedRow(cols) : db;
        int sumOff = accumulate ? 0 : dbOff;
        if (!accumulate) {
            java.util.Arrays.fill(db, dbOff, dbOff + cols, 0f);
        }
        ColumnSums.add(rows, cols, dz, dzOff, lddz, sum, sumOff);
        if (accumulate) {
            finishColumnSums(cols, sum, db, dbOff);
        }
    }

    /** {@code db = db + sum}, the last step of an accumulating bias gradient. */
    static void finishColumnSums(int cols, float[] sum, float[] db, int dbOff) {
        int bound = F.loopBound(cols);
        int j = 0;
        for (; j < bound; j += L) {
            FloatVector.fromArray(F, db, dbOff + j).add(FloatVector.fromArray(F, sum, j))
                    .intoArray(db, dbOff + j);
        }
        for (; j < cols; j++) {
            db[dbOff + j] = db[dbOff + j] + sum[j];
        }
    }
}

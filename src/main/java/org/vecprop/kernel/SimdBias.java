package org.vecprop.kernel;

import static org.vecprop.kernel.Vectors.F;
import static org.vecprop.kernel.Vectors.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;

/**
 * Vector API bias kernels behind {@link Bias}; arguments are validated there. Both walk the
 * columns one vector at a time with a masked last step. The gradient sums each column from row
 * 0 down, the reference's order, so it equals {@link org.vecprop.reference.Bias} bit for bit.
 */
final class SimdBias {
    private SimdBias() {}

    static void add(int rows, int cols, float[] x, int xOff, int ldx,
                    float[] bias, int biasOff, float[] y, int yOff, int ldy) {
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> lanes = F.indexInRange(j, cols);
            FloatVector b = FloatVector.fromArray(F, bias, biasOff + j, lanes);
            for (int i = 0; i < rows; i++) {
                FloatVector.fromArray(F, x, xOff + i * ldx + j, lanes).add(b)
                        .intoArray(y, yOff + i * ldy + j, lanes);
            }
        }
    }

    static void gradient(int rows, int cols, float[] dz, int dzOff, int lddz,
                         float[] db, int dbOff, boolean accumulate) {
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> lanes = F.indexInRange(j, cols);
            FloatVector sum = FloatVector.zero(F);
            for (int i = 0; i < rows; i++) {
                sum = sum.add(FloatVector.fromArray(F, dz, dzOff + i * lddz + j, lanes));
            }
            if (accumulate) {
                sum = FloatVector.fromArray(F, db, dbOff + j, lanes).add(sum);
            }
            sum.intoArray(db, dbOff + j, lanes);
        }
    }
}

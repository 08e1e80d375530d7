package org.vecprop.kernel;

import static org.vecprop.kernel.Vectors.F;
import static org.vecprop.kernel.Vectors.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API ReLU kernels behind {@link Relu}; arguments are validated there. Each row is a
 * main loop of whole vectors and one masked step for the tail. Results equal
 * {@link org.vecprop.reference.Relu} bit for bit: lanewise MAX has {@link Math#max} semantics
 * (NaN propagates, -0.0 becomes +0.0) and the mask is the same {@code z > 0} comparison.
 */
final class SimdRelu {
    private SimdRelu() {}

    static void forward(int rows, int cols, float[] x, int xOff, int ldx,
                        float[] y, int yOff, int ldy) {
        if (ldx == cols && ldy == cols) { // contiguous: one long row, one tail
            cols *= rows;
            rows = 1;
        }
        int bound = F.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * ldx, yi = yOff + i * ldy;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, x, xi + j).max(0f).intoArray(y, yi + j);
            }
            if (j < cols) {
                VectorMask<Float> tail = F.indexInRange(j, cols);
                FloatVector.fromArray(F, x, xi + j, tail).max(0f).intoArray(y, yi + j, tail);
            }
        }
    }

    static void mask(int rows, int cols, float[] z, int zOff, int ldz,
                     float[] m, int mOff, int ldm) {
        if (ldz == cols && ldm == cols) {
            cols *= rows;
            rows = 1;
        }
        int bound = F.loopBound(cols);
        FloatVector zero = FloatVector.zero(F);
        for (int i = 0; i < rows; i++) {
            int zi = zOff + i * ldz, mi = mOff + i * ldm;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector zv = FloatVector.fromArray(F, z, zi + j);
                zero.blend(1f, zv.compare(VectorOperators.GT, 0f)).intoArray(m, mi + j);
            }
            if (j < cols) {
                VectorMask<Float> tail = F.indexInRange(j, cols);
                FloatVector zv = FloatVector.fromArray(F, z, zi + j, tail);
                zero.blend(1f, zv.compare(VectorOperators.GT, 0f)).intoArray(m, mi + j, tail);
            }
        }
    }

    static void backward(int rows, int cols, float[] z, int zOff, int ldz,
                         float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        if (ldz == cols && lddy == cols && lddz == cols) {
            cols *= rows;
            rows = 1;
        }
        int bound = F.loopBound(cols);
        FloatVector zero = FloatVector.zero(F);
        for (int i = 0; i < rows; i++) {
            int zi = zOff + i * ldz, yi = dyOff + i * lddy, di = dzOff + i * lddz;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector zv = FloatVector.fromArray(F, z, zi + j);
                FloatVector g = FloatVector.fromArray(F, dy, yi + j);
                zero.blend(g, zv.compare(VectorOperators.GT, 0f)).intoArray(dz, di + j);
            }
            if (j < cols) {
                VectorMask<Float> tail = F.indexInRange(j, cols);
                FloatVector zv = FloatVector.fromArray(F, z, zi + j, tail);
                FloatVector g = FloatVector.fromArray(F, dy, yi + j, tail);
                zero.blend(g, zv.compare(VectorOperators.GT, 0f)).intoArray(dz, di + j, tail);
            }
        }
    }

    /**
     * {@code dz = z > 0 ? dy : 0} and the column sums of dz into db, in one pass: each column
     * strip is walked from row 0 down, the reference's summation order, so db is bit-identical
     * to {@link org.vecprop.reference.Bias#gradient} of the dz written.
     */
    static void backwardWithBiasGradient(int rows, int cols, float[] z, int zOff, int ldz,
                                         float[] dy, int dyOff, int lddy,
                                         float[] dz, int dzOff, int lddz,
                                         float[] db, int dbOff, boolean accumulate) {
        FloatVector zero = FloatVector.zero(F);
        for (int j = 0; j < cols; j += L) {
            VectorMask<Float> lanes = F.indexInRange(j, cols);
            FloatVector sum = zero;
            for (int i = 0; i < rows; i++) {
                FloatVector zv = FloatVector.fromArray(F, z, zOff + i * ldz + j, lanes);
                FloatVector g = FloatVector.fromArray(F, dy, dyOff + i * lddy + j, lanes);
                FloatVector d = zero.blend(g, zv.compare(VectorOperators.GT, 0f));
                d.intoArray(dz, dzOff + i * lddz + j, lanes);
                sum = sum.add(d);
            }
            if (accumulate) {
                sum = FloatVector.fromArray(F, db, dbOff + j, lanes).add(sum);
            }
            sum.intoArray(db, dbOff + j, lanes);
        }
    }
}

package org.vecprop.kernel;

import static org.vecprop.kernel.Vectors.F;
import static org.vecprop.kernel.Vectors.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API ReLU kernels behind {@link Relu}; arguments are validated there. Each row is a
 * main loop of whole vectors and a scalar tail of fewer than L elements. (A masked tail would
 * read past the end of the caller's array for the last row, and the JDK's bounds check for such
 * a masked access allocates; the scalar tail never does.) Results equal
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
            for (; j < cols; j++) {
                y[yi + j] = Math.max(0f, x[xi + j]);
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
            for (; j < cols; j++) {
                m[mi + j] = z[zi + j] > 0f ? 1f : 0f;
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
            for (; j < cols; j++) {
                dz[di + j] = z[zi + j] > 0f ? dy[yi + j] : 0f;
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
        int j = 0;
        // Blocks of four vectors of columns down the rows, for locality (see SimdBias.gradient).
        for (; j <= cols - 4 * L; j += 4 * L) {
            FloatVector s0 = zero, s1 = zero, s2 = zero, s3 = zero;
            for (int i = 0; i < rows; i++) {
                int zi = zOff + i * ldz + j, yi = dyOff + i * lddy + j, di = dzOff + i * lddz + j;
                FloatVector d0 = zero.blend(FloatVector.fromArray(F, dy, yi),
                        FloatVector.fromArray(F, z, zi).compare(VectorOperators.GT, 0f));
                FloatVector d1 = zero.blend(FloatVector.fromArray(F, dy, yi + L),
                        FloatVector.fromArray(F, z, zi + L).compare(VectorOperators.GT, 0f));
                FloatVector d2 = zero.blend(FloatVector.fromArray(F, dy, yi + 2 * L),
                        FloatVector.fromArray(F, z, zi + 2 * L).compare(VectorOperators.GT, 0f));
                FloatVector d3 = zero.blend(FloatVector.fromArray(F, dy, yi + 3 * L),
                        FloatVector.fromArray(F, z, zi + 3 * L).compare(VectorOperators.GT, 0f));
                d0.intoArray(dz, di);
                d1.intoArray(dz, di + L);
                d2.intoArray(dz, di + 2 * L);
                d3.intoArray(dz, di + 3 * L);
                s0 = s0.add(d0);
                s1 = s1.add(d1);
                s2 = s2.add(d2);
                s3 = s3.add(d3);
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
            FloatVector sum = zero;
            for (int i = 0; i < rows; i++) {
                FloatVector zv = FloatVector.fromArray(F, z, zOff + i * ldz + j);
                FloatVector g = FloatVector.fromArray(F, dy, dyOff + i * lddy + j);
                FloatVector d = zero.blend(g, zv.compare(VectorOperators.GT, 0f));
                d.intoArray(dz, dzOff + i * lddz + j);
                sum = sum.add(d);
            }
            if (accumulate) {
                sum = FloatVector.fromArray(F, db, dbOff + j).add(sum);
            }
            sum.intoArray(db, dbOff + j);
        }
        for (; j < cols; j++) { // scalar tail columns, same order
            float sum = 0f;
            for (int i = 0; i < rows; i++) {
                float d = z[zOff + i * ldz + j] > 0f ? dy[dyOff + i * lddy + j] : 0f;
                dz[dzOff + i * lddz + j] = d;
                sum += d;
            }
            db[dbOff + j] = accumulate ? db[dbOff + j] + sum : sum;
        }
    }
}

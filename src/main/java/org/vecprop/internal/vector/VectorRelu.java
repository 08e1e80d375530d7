package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.Scratch;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API ReLU kernels behind {@code org.vecprop.kernel.Relu}; arguments are validated there. Each row is a
 * main loop of whole vectors and a scalar tail of fewer than L elements. (A masked tail would
 * read past the end of the caller's array for the last row, and the JDK's bounds check for such
 * a masked access allocates; the scalar tail never does.) Results equal
 * {@link org.vecprop.reference.ReferenceRelu} bit for bit: lanewise MAX has {@link Math#max} semantics
 * (NaN propagates, -0.0 becomes +0.0) and the mask is the same {@code z > 0} comparison.
 */
final class VectorRelu {
    private VectorRelu() {}

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
     * {@code dz = z > 0 ? dy : 0} and the column sums of dz into db, in one pass: each column is
     * summed from row 0 down, the reference's order, so db is bit-identical to
     * {@link org.vecprop.reference.ReferenceBias#gradient} of the dz written.
     */
    static void backwardWithBiasGradient(int rows, int cols, float[] z, int zOff, int ldz,
                                         float[] dy, int dyOff, int lddy,
                                         float[] dz, int dzOff, int lddz,
                                         float[] db, int dbOff, boolean accumulate) {
        // Row by row, summing into a scratch row (see VectorBias.gradient): same order per column.
        float[] sum = Scratch.zeroedRow(cols);
        FloatVector zero = FloatVector.zero(F);
        int bound = F.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            int zi = zOff + i * ldz, yi = dyOff + i * lddy, di = dzOff + i * lddz;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector d = zero.blend(FloatVector.fromArray(F, dy, yi + j),
                        FloatVector.fromArray(F, z, zi + j).compare(VectorOperators.GT, 0f));
                d.intoArray(dz, di + j);
                FloatVector.fromArray(F, sum, j).add(d).intoArray(sum, j);
            }
            for (; j < cols; j++) {
                float d = z[zi + j] > 0f ? dy[yi + j] : 0f;
                dz[di + j] = d;
                sum[j] += d;
            }
        }
        VectorBias.finishColumnSums(cols, sum, db, dbOff, accumulate);
    }
}

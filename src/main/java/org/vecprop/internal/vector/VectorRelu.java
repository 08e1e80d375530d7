package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.vecprop.internal.Buffers;

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
     * {@code dz = z > 0 ? dy : 0} and the column sums of dz into db, in one pass over z and dy:
     * four rows per pass over the running sums, each column summed from 0 down the rows in
     * order (as {@link ColumnSums}), so db equals the bias gradient of the dz written, bit for
     * bit.
     */
    static void backwardWithBiasGradient(int rows, int cols, float[] z, int zOff, int ldz,
                                         float[] dy, int dyOff, int lddy,
                                         float[] dz, int dzOff, int lddz,
                                         float[] db, int dbOff, boolean accumulate, Buffers buffers) {
        float[] sum = accumulate ? Buffers.orThisThread(buffers).zeroedRow(cols) : db;
        int so = accumulate ? 0 : dbOff;
        if (!accumulate) {
            java.util.Arrays.fill(db, dbOff, dbOff + cols, 0f);
        }
        int bound = F.loopBound(cols);
        int i = 0;
        for (; i + 4 <= rows; i += 4) {
            int z0 = zOff + i * ldz, y0 = dyOff + i * lddy, d0 = dzOff + i * lddz;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector s = FloatVector.fromArray(F, sum, so + j);
                s = s.add(maskedInto(z, z0 + j, dy, y0 + j, dz, d0 + j));
                s = s.add(maskedInto(z, z0 + ldz + j, dy, y0 + lddy + j, dz, d0 + lddz + j));
                s = s.add(maskedInto(z, z0 + 2 * ldz + j, dy, y0 + 2 * lddy + j, dz, d0 + 2 * lddz + j));
                s = s.add(maskedInto(z, z0 + 3 * ldz + j, dy, y0 + 3 * lddy + j, dz, d0 + 3 * lddz + j));
                s.intoArray(sum, so + j);
            }
            for (; j < cols; j++) { // fewer than L columns: scalar (a masked tail allocates)
                float acc = sum[so + j];
                for (int r = 0; r < 4; r++) {
                    float d = z[z0 + r * ldz + j] > 0f ? dy[y0 + r * lddy + j] : 0f;
                    dz[d0 + r * lddz + j] = d;
                    acc = acc + d;
                }
                sum[so + j] = acc;
            }
        }
        for (; i < rows; i++) {
            int zi = zOff + i * ldz, yi = dyOff + i * lddy, di = dzOff + i * lddz;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, sum, so + j).add(maskedInto(z, zi + j, dy, yi + j, dz, di + j))
                        .intoArray(sum, so + j);
            }
            for (; j < cols; j++) {
                float d = z[zi + j] > 0f ? dy[yi + j] : 0f;
                dz[di + j] = d;
                sum[so + j] = sum[so + j] + d;
            }
        }
        if (accumulate) {
            VectorBias.finishColumnSums(cols, sum, db, dbOff);
        }
    }

    /** Writes {@code dz = z > 0 ? dy : 0} for one vector and returns it. Inlined. */
    private static FloatVector maskedInto(float[] z, int zi, float[] dy, int yi, float[] dz, int di) {
        FloatVector d = FloatVector.zero(F).blend(FloatVector.fromArray(F, dy, yi),
                FloatVector.fromArray(F, z, zi).compare(VectorOperators.GT, 0f));
        d.intoArray(dz, di);
        return d;
    }
}

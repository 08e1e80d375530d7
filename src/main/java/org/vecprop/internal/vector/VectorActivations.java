package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.Buffers;

/**
 * Vector API backward passes of the sigmoid and tanh kernels behind
 * {@code org.vecprop.kernel.Activation} (SIGMOID and TANH); arguments are validated there. (Their forward passes are
 * {@link org.vecprop.internal.math.VectorFloatExpRows}, which the GEMM uses too.) Backward
 * from the stored activation a: {@code dz = dy * fma(-a, a, c)} with {@code c = a} for sigmoid
 * ({@code a(1 - a)}) and {@code c = 1} for tanh ({@code 1 - a²}), each rounded once before the
 * product, lane by lane as the scalar implementation does element by element.
 *
 * <p>Each row is whole vectors and a scalar tail of fewer than L elements, as in
 * {@link VectorRelu} (a masked tail would read past the end of the caller's array for the last
 * row, and its bounds check allocates); all-contiguous operands run as one long row.
 */
final class VectorActivations {
    private VectorActivations() {}

    /** {@code dz = dy * fma(-a, a, tanh ? 1 : a)} element-wise; dz may be exactly a or dy. */
    static void backward(boolean tanh, int rows, int cols, float[] a, int aOff, int lda,
                         float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        if (lda == cols && lddy == cols && lddz == cols) {
            cols *= rows;
            rows = 1;
        }
        int bound = F.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            int ai = aOff + i * lda, yi = dyOff + i * lddy, di = dzOff + i * lddz;
            int j = 0;
            for (; j < bound; j += L) {
                derivativeInto(tanh, a, ai + j, dy, yi + j, dz, di + j);
            }
            for (; j < cols; j++) {
                float av = a[ai + j];
                dz[di + j] = dy[yi + j] * Math.fma(-av, av, tanh ? 1f : av);
            }
        }
    }

    /**
     * The backward pass and the column sums of dz into db, in one pass over a and dy: four rows
     * per pass over the running sums, each column summed from 0 down the rows in order (as
     * {@link ColumnSums}), so db equals the bias gradient of the dz written, bit for bit.
     */
    static void backwardWithBiasGradient(boolean tanh, int rows, int cols,
                                         float[] a, int aOff, int lda,
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
            int a0 = aOff + i * lda, y0 = dyOff + i * lddy, d0 = dzOff + i * lddz;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector s = FloatVector.fromArray(F, sum, so + j);
                s = s.add(derivativeInto(tanh, a, a0 + j, dy, y0 + j, dz, d0 + j));
                s = s.add(derivativeInto(tanh, a, a0 + lda + j, dy, y0 + lddy + j, dz, d0 + lddz + j));
                s = s.add(derivativeInto(tanh, a, a0 + 2 * lda + j, dy, y0 + 2 * lddy + j,
                        dz, d0 + 2 * lddz + j));
                s = s.add(derivativeInto(tanh, a, a0 + 3 * lda + j, dy, y0 + 3 * lddy + j,
                        dz, d0 + 3 * lddz + j));
                s.intoArray(sum, so + j);
            }
            for (; j < cols; j++) { // fewer than L columns: scalar (a masked tail allocates)
                float acc = sum[so + j];
                for (int r = 0; r < 4; r++) {
                    float av = a[a0 + r * lda + j];
                    float d = dy[y0 + r * lddy + j] * Math.fma(-av, av, tanh ? 1f : av);
                    dz[d0 + r * lddz + j] = d;
                    acc = acc + d;
                }
                sum[so + j] = acc;
            }
        }
        for (; i < rows; i++) {
            int ai = aOff + i * lda, yi = dyOff + i * lddy, di = dzOff + i * lddz;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector.fromArray(F, sum, so + j)
                        .add(derivativeInto(tanh, a, ai + j, dy, yi + j, dz, di + j))
                        .intoArray(sum, so + j);
            }
            for (; j < cols; j++) {
                float av = a[ai + j];
                float d = dy[yi + j] * Math.fma(-av, av, tanh ? 1f : av);
                dz[di + j] = d;
                sum[so + j] = sum[so + j] + d;
            }
        }
        if (accumulate) {
            VectorBias.finishColumnSums(cols, sum, db, dbOff);
        }
    }

    /** Writes {@code dz = dy * fma(-a, a, tanh ? 1 : a)} for one vector and returns it. Inlined. */
    private static FloatVector derivativeInto(boolean tanh, float[] a, int ai, float[] dy, int yi,
                                              float[] dz, int di) {
        FloatVector av = FloatVector.fromArray(F, a, ai);
        FloatVector addend = tanh ? FloatVector.broadcast(F, 1f) : av;
        FloatVector d = FloatVector.fromArray(F, dy, yi).mul(av.neg().fma(av, addend));
        d.intoArray(dz, di);
        return d;
    }
}

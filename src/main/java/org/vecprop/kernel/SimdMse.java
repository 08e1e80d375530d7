package org.vecprop.kernel;

import static org.vecprop.kernel.Vectors.F;
import static org.vecprop.kernel.Vectors.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Vector API mean squared error behind {@link Mse}; arguments are validated there.
 *
 * <p>Accuracy plan: squares are summed in float by four vector accumulators over chunks of
 * {@link #CHUNK} elements (so each lane adds at most {@code CHUNK / (4 L) = 16} terms), each
 * chunk is reduced to one float and added to a double total. For non-negative terms the
 * relative error of the loss is therefore at most about
 * {@code (2 + 15 + 2 + (L - 1) + 1) * 2^-24}: 2 for the rounded difference squared, 15 for a
 * lane's 16 additions, 2 for joining the four accumulators, {@code L - 1} for the lane
 * reduction, 1 for the final rounding; under 40 ulp-sized steps (2.4e-6) for 512-bit vectors,
 * independent of n. (The up to 3 extra vectors and the scalar tail of fewer than L elements
 * that end a chunk add at most 3 + L steps to one lane or to the tail sum, within the same
 * 40.) NumPy's pairwise float32 sum of n terms has a bound that grows with
 * {@code log2(n)} (about 34 steps at 16M elements), so this loss is at least as accurate.
 */
final class SimdMse {
    private SimdMse() {}

    /** Elements per float chunk before it is folded into the double total. */
    static final int CHUNK = 64 * L;

    static float loss(int rows, int cols, float[] p, int pOff, int ldp,
                      float[] t, int tOff, int ldt) {
        long n = (long) rows * cols;
        if (ldp == cols && ldt == cols) {
            cols *= rows;
            rows = 1;
        }
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            int pi = pOff + i * ldp, ti = tOff + i * ldt;
            for (int start = 0; start < cols; start += CHUNK) {
                int end = Math.min(cols, start + CHUNK);
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                int j = start;
                for (; j <= end - 4 * L; j += 4 * L) {
                    FloatVector d0 = diff(p, pi + j, t, ti + j);
                    FloatVector d1 = diff(p, pi + j + L, t, ti + j + L);
                    FloatVector d2 = diff(p, pi + j + 2 * L, t, ti + j + 2 * L);
                    FloatVector d3 = diff(p, pi + j + 3 * L, t, ti + j + 3 * L);
                    a0 = d0.fma(d0, a0);
                    a1 = d1.fma(d1, a1);
                    a2 = d2.fma(d2, a2);
                    a3 = d3.fma(d3, a3);
                }
                for (; j <= end - L; j += L) { // fewer than 4 vectors left
                    FloatVector d = diff(p, pi + j, t, ti + j);
                    a0 = d.fma(d, a0);
                }
                float tail = 0f; // fewer than L elements: scalar (see SimdRelu for why not a mask)
                for (; j < end; j++) {
                    float d = p[pi + j] - t[ti + j];
                    tail = Math.fma(d, d, tail);
                }
                sum += a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD) + (double) tail;
            }
        }
        return (float) (sum / n);
    }

    static float lossAndGradient(int rows, int cols, float[] p, int pOff, int ldp,
                                 float[] t, int tOff, int ldt, float[] g, int gOff, int ldg) {
        long n = (long) rows * cols;
        float nf = (float) n;
        if (ldp == cols && ldt == cols && ldg == cols) {
            cols *= rows;
            rows = 1;
        }
        double sum = 0;
        for (int i = 0; i < rows; i++) {
            int pi = pOff + i * ldp, ti = tOff + i * ldt, gi = gOff + i * ldg;
            for (int start = 0; start < cols; start += CHUNK) {
                int end = Math.min(cols, start + CHUNK);
                FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
                int j = start;
                for (; j <= end - 4 * L; j += 4 * L) {
                    FloatVector d0 = diff(p, pi + j, t, ti + j);
                    FloatVector d1 = diff(p, pi + j + L, t, ti + j + L);
                    FloatVector d2 = diff(p, pi + j + 2 * L, t, ti + j + 2 * L);
                    FloatVector d3 = diff(p, pi + j + 3 * L, t, ti + j + 3 * L);
                    a0 = d0.fma(d0, a0);
                    a1 = d1.fma(d1, a1);
                    a2 = d2.fma(d2, a2);
                    a3 = d3.fma(d3, a3);
                    // 2 * d / n exactly as the reference writes it: doubling is exact, one division.
                    d0.mul(2f).div(nf).intoArray(g, gi + j);
                    d1.mul(2f).div(nf).intoArray(g, gi + j + L);
                    d2.mul(2f).div(nf).intoArray(g, gi + j + 2 * L);
                    d3.mul(2f).div(nf).intoArray(g, gi + j + 3 * L);
                }
                for (; j <= end - L; j += L) {
                    FloatVector d = diff(p, pi + j, t, ti + j);
                    a0 = d.fma(d, a0);
                    d.mul(2f).div(nf).intoArray(g, gi + j);
                }
                float tail = 0f;
                for (; j < end; j++) {
                    float d = p[pi + j] - t[ti + j];
                    tail = Math.fma(d, d, tail);
                    g[gi + j] = 2f * d / nf;
                }
                sum += a0.add(a1).add(a2.add(a3)).reduceLanes(VectorOperators.ADD) + (double) tail;
            }
        }
        return (float) (sum / n);
    }

    private static FloatVector diff(float[] p, int pi, float[] t, int ti) {
        return FloatVector.fromArray(F, p, pi).sub(FloatVector.fromArray(F, t, ti));
    }
}

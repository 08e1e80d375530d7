package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.Scratch;

/**
 * Vector API mean squared error behind {@code org.vecprop.kernel.Mse}; arguments are validated there.
 *
 * <p>Accuracy plan: squares are summed in float by four vector accumulators over chunks of
 * {@link #CHUNK} elements (so each lane adds at most {@code CHUNK / (4 L) = 16} terms), then
 * the chunk's lanes are added in double, in a fixed order (so the result does not depend on
 * whether the code is interpreted or compiled), to a double total. For non-negative terms the
 * relative error of the loss is therefore at most about {@code (2 + 18 + 1) * 2^-24}: 2 for the
 * rounded difference squared, up to 18 for a lane's additions, 1 for the final rounding; within
 * the 40 ulp-sized steps (2.4e-6) that {@code org.vecprop.kernel.Mse} promises, independent of n. (The up to 3 extra vectors and the scalar tail of fewer than L elements
 * that end a chunk add at most 3 + L steps to one lane or to the tail sum, within the same
 * 40.) NumPy's pairwise float32 sum of n terms has a bound that grows with
 * {@code log2(n)} (about 34 steps at 16M elements), so this loss is at least as accurate.
 */
final class VectorMse {
    private VectorMse() {}

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
        float[] lanes = Scratch.zeroedRow(4 * L);
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
                float tail = 0f; // fewer than L elements: scalar (see VectorRelu for why not a mask)
                for (; j < end; j++) {
                    float d = p[pi + j] - t[ti + j];
                    tail = Math.fma(d, d, tail);
                }
                sum += lanesInOrder(a0, a1, a2, a3, lanes) + tail;
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
        float[] lanes = Scratch.zeroedRow(4 * L);
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
                sum += lanesInOrder(a0, a1, a2, a3, lanes) + tail;
            }
        }
        return (float) (sum / n);
    }

    /**
     * The sum of the four accumulators' lanes, in double and in a fixed order. Not
     * {@code reduceLanes(ADD)}: its order is unspecified, and the interpreter and C2 really do
     * add in different orders, so the same call gave different bits before and after compilation.
     * (Vectors go in as arguments here, but the method is small and always inlined.)
     */
    private static double lanesInOrder(FloatVector a0, FloatVector a1, FloatVector a2,
                                       FloatVector a3, float[] lanes) {
        a0.intoArray(lanes, 0);
        a1.intoArray(lanes, L);
        a2.intoArray(lanes, 2 * L);
        a3.intoArray(lanes, 3 * L);
        double sum = 0;
        for (int q = 0; q < 4 * L; q++) {
            sum += lanes[q];
        }
        return sum;
    }

    private static FloatVector diff(float[] p, int pi, float[] t, int ti) {
        return FloatVector.fromArray(F, p, pi).sub(FloatVector.fromArray(F, t, ti));
    }
}

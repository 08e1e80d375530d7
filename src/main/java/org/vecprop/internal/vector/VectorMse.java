package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.vecprop.internal.LaneSums;

/**
 * Vector API mean squared error behind {@code org.vecprop.kernel.Mse}; arguments are validated
 * there. The loss follows vecprop's order for long sums ({@code contract.ArithmeticOrder}): 64
 * virtual float lanes, folded into 64 double lanes every 1024 elements, totalled pairwise;
 * so it equals the scalar implementation's bit for bit at any vector width.
 *
 * <p>Within a chunk, the lanes are independent, so they need not be visited in element order:
 * the loop takes four vectors of lanes at a time (four explicit accumulators, whatever the width)
 * and walks the chunk's 64-element blocks, keeping four independent FMA chains in flight. Rows
 * that are not contiguous are staged a chunk at a time into contiguous scratch rows.
 *
 * <p>A chunk of whole 64-element blocks (every chunk but a short last one) folds its float lanes
 * into the double lanes straight from the accumulators, by lane-wise conversion and addition
 * ({@code totals[v] += (double) lanes[v]}, the same operation per lane as {@link LaneSums#fold},
 * so the same bits): the scalar fold of 64 lanes after every 1024 elements cost about as much as
 * the chunk's own arithmetic.
 *
 * <p>Accuracy: each float lane adds at most 16 squares per chunk (non-negative terms, so a
 * relative error of at most about {@code 16 * 2^-24}), plus 2 for the rounded difference
 * squared and 1 for the final rounding; the double steps add nothing visible. That is within the
 * {@code 40 * 2^-24} relative error {@code Mse} promises, for any n.
 */
final class VectorMse {
    private VectorMse() {}

    private static final int LANES = LaneSums.LANES, CHUNK = LaneSums.CHUNK;
    /** Doubles of the kernels' vector size: each float vector folds as {@link #PARTS} of them. */
    private static final VectorSpecies<Double> D = VectorSpecies.of(double.class, F.vectorShape());
    private static final int PARTS = F.length() / D.length();

    static float loss(int rows, int cols, float[] p, int pOff, int ldp,
                      float[] t, int tOff, int ldt, LaneSums s) {
        return lossAndGradient(rows, cols, p, pOff, ldp, t, tOff, ldt, null, 0, 0, s);
    }

    /** The loss, and {@code g = 2 (p - t) / n} unless {@code g} is null; {@code s} cleared. */
    static float lossAndGradient(int rows, int cols, float[] p, int pOff, int ldp,
                                 float[] t, int tOff, int ldt, float[] g, int gOff, int ldg, LaneSums s) {
        long n = (long) rows * cols;
        float nf = (float) n;
        boolean contiguous = rows == 1 || ldp == cols && ldt == cols && (g == null || ldg == cols);
        for (long from = 0; from < n; from += CHUNK) {
            int len = (int) Math.min(CHUNK, n - from);
            if (contiguous) {
                chunk(p, pOff + (int) from, t, tOff + (int) from, g, gOff + (int) from, len, nf, s);
            } else {
                LaneSums.gather(p, pOff, ldp, cols, from, len, s.stageA);
                LaneSums.gather(t, tOff, ldt, cols, from, len, s.stageB);
                chunk(s.stageA, 0, s.stageB, 0, g == null ? null : s.stageOut, 0, len, nf, s);
                if (g != null) {
                    LaneSums.scatter(s.stageOut, len, g, gOff, ldg, cols, from);
                }
            }
        }
        return (float) (s.total() / n);
    }

    /**
     * One chunk of {@code len <= CHUNK} contiguous elements, whose first element sits in lane 0:
     * element c's square goes to lane {@code c mod 64}; the float lanes are then folded into
     * {@code s.totals}, and {@code s.lanes} is left zero.
     */
    private static void chunk(float[] p, int pi, float[] t, int ti, float[] g, int gi, int len,
                              float nf, LaneSums s) {
        int blocks = len / LANES;
        boolean whole = blocks * LANES == len;
        // Four vectors cover 4 * L of the 64 virtual lanes per group: L <= 16, which
        // Vectorization guarantees by running CPUs wider than 512 bits at 512 (MAX_BITS).
        for (int group = 0; group < LANES; group += 4 * L) {
            FloatVector a0 = FloatVector.zero(F), a1 = a0, a2 = a0, a3 = a0;
            for (int b = 0; b < blocks; b++) {
                int c = b * LANES + group;
                FloatVector d0 = diff(p, pi + c, t, ti + c);
                FloatVector d1 = diff(p, pi + c + L, t, ti + c + L);
                FloatVector d2 = diff(p, pi + c + 2 * L, t, ti + c + 2 * L);
                FloatVector d3 = diff(p, pi + c + 3 * L, t, ti + c + 3 * L);
                a0 = d0.fma(d0, a0);
                a1 = d1.fma(d1, a1);
                a2 = d2.fma(d2, a2);
                a3 = d3.fma(d3, a3);
                if (g != null) {
                    // 2 * d / n exactly as the formula reads: doubling is exact, one division.
                    d0.mul(2f).div(nf).intoArray(g, gi + c);
                    d1.mul(2f).div(nf).intoArray(g, gi + c + L);
                    d2.mul(2f).div(nf).intoArray(g, gi + c + 2 * L);
                    d3.mul(2f).div(nf).intoArray(g, gi + c + 3 * L);
                }
            }
            if (whole) { // no tail term to add: fold now, from the registers
                double[] totals = s.totals;
                for (int part = 0; part < PARTS; part++) {
                    int o = group + part * D.length();
                    DoubleVector.fromArray(D, totals, o).add(a0.convert(VectorOperators.F2D, part))
                            .intoArray(totals, o);
                    DoubleVector.fromArray(D, totals, o + L).add(a1.convert(VectorOperators.F2D, part))
                            .intoArray(totals, o + L);
                    DoubleVector.fromArray(D, totals, o + 2 * L).add(a2.convert(VectorOperators.F2D, part))
                            .intoArray(totals, o + 2 * L);
                    DoubleVector.fromArray(D, totals, o + 3 * L).add(a3.convert(VectorOperators.F2D, part))
                            .intoArray(totals, o + 3 * L);
                }
            } else {
                a0.intoArray(s.lanes, group);
                a1.intoArray(s.lanes, group + L);
                a2.intoArray(s.lanes, group + 2 * L);
                a3.intoArray(s.lanes, group + 3 * L);
            }
        }
        if (whole) {
            return;
        }
        // Fewer than 64 elements left: each goes to its lane after that lane's block terms.
        float[] lanes = s.lanes;
        for (int c = blocks * LANES; c < len; c++) {
            float d = p[pi + c] - t[ti + c];
            int v = c - blocks * LANES;
            lanes[v] = Math.fma(d, d, lanes[v]);
            if (g != null) {
                g[gi + c] = 2f * d / nf;
            }
        }
        s.fold();
    }

    private static FloatVector diff(float[] p, int pi, float[] t, int ti) {
        return FloatVector.fromArray(F, p, pi).sub(FloatVector.fromArray(F, t, ti));
    }
}

package org.vecprop.internal.gemm;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;
import static org.vecprop.internal.gemm.GemmBlocking.MR;
import static org.vecprop.internal.gemm.GemmBlocking.NR;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.Kernels;

/**
 * The one epilogue formula every GEMM path stores C with: {@code alpha * acc} when
 * {@code beta == 0} (C not read) else {@code alpha * acc + beta * c}, with separate roundings,
 * then the bias, then the activation; in vector and scalar form alike, so an element's value
 * does not depend on whether it sat in an edge tile or on the path taken.
 *
 * <p>One formula, not one method: the direct path's register tiles ({@code
 * GemmSmallProblems.tile4x2} and {@code row}) write its vector form out inline, on their
 * accumulators, instead of calling a method here. A method that takes a vector is compiled
 * inline only while the caller stays within C2's inlining budget, and these callers do not:
 * calling such a method from them (tried: {@code store(FloatVector acc, float[] c, int ci,
 * float alpha, float beta)}, the same operations) boxed every accumulator passed to it, 1.7 to
 * 48 KB allocated per call where the inline form allocates nothing, and made 16x512x512 about
 * 1.4x slower (184-231 against 120-165 us; smaller shapes within the noise; indicative timings
 * on a shared 2-core machine, 512 bits). The
 * scalar form ({@link #epilogue(float, float[], int, float, float)}) takes no vector and is
 * called everywhere. Any change to the formula must be made in both places; the paths' bits are
 * held equal by {@code GemmBlockingTest} and {@code GemmCheck} (every path against the scalar
 * implementation, bit for bit).
 */
final class GemmEpilogue {
    private GemmEpilogue() {}

    /** No activation: what depth blocks before the last apply. */
    static final int NONE = Kernels.IDENTITY;

    /** The activation, lane-wise: the same operations as {@link #activate(float, int)}. */
    static FloatVector activate(FloatVector v, int activation) {
        return activation == Kernels.RELU ? v.max(0f) : v;
    }

    /** The activation of one element. */
    static float activate(float v, int activation) {
        return activation == Kernels.RELU ? Math.max(0f, v) : v;
    }

    /**
     * As {@link #finishTile}, storing tile element (r, j) at {@code c[ci + j * ldc + r]} with the
     * bias indexed by r: the scalar form of the same epilogue.
     */
    static void finishTransposedTile(float[] tile, float[] c, int ci, int ldc, float alpha,
                                     float beta, int mr, int nr, float[] bias, int biasIdx,
                                     int activation) {
        for (int r = 0; r < mr; r++) {
            for (int j = 0; j < nr; j++) {
                int idx = ci + j * ldc + r;
                float v = epilogue(tile[r * NR + j], c, idx, alpha, beta);
                if (bias != null) {
                    v += bias[biasIdx + r];
                }
                c[idx] = activate(v, activation);
            }
        }
    }

    /**
     * Stores the valid {@code mr x nr} part of a spilled tile into C, with the epilogue
     * {@code f(alpha * acc (+ beta * c) (+ bias))}: whole vectors for full-width rows, scalars
     * otherwise, the same operations in the same order either way.
     */
    static void finishTile(float[] tile, float[] c, int ci, int ldc, float alpha,
                           float beta, int mr, int nr, float[] bias, int biasIdx,
                           int activation) {
        for (int r = 0; r < mr; r++) {
            int row = ci + r * ldc;
            if (nr == NR) {
                for (int h = 0; h < NR; h += L) {
                    FloatVector v = FloatVector.fromArray(F, tile, r * NR + h).mul(alpha);
                    if (beta != 0f) {
                        v = v.add(FloatVector.fromArray(F, c, row + h).mul(beta));
                    }
                    if (bias != null) {
                        v = v.add(FloatVector.fromArray(F, bias, biasIdx + h));
                    }
                    activate(v, activation).intoArray(c, row + h);
                }
            } else {
                for (int j = 0; j < nr; j++) {
                    float v = epilogue(tile[r * NR + j], c, row + j, alpha, beta);
                    if (bias != null) {
                        v += bias[biasIdx + j];
                    }
                    c[row + j] = activate(v, activation);
                }
            }
        }
    }

    /** Scalar epilogue, the same formula as the vector one. */
    static float epilogue(float acc, float[] c, int idx, float alpha, float beta) {
        float v = alpha * acc;
        return beta == 0f ? v : v + beta * c[idx];
    }

    /**
     * {@code C = f(C + bias)} row by row over an m x n block already holding the product: the
     * second half of the epilogue for paths whose loops store C before the bias is known to be
     * due. Same operations, same order as {@link #finishTile}: add the bias, then the activation.
     */
    static void biasAndActivation(int m, int n, float[] c, int cOff, int ldc, float[] bias,
                                  int biasOff, int activation) {
        int bound = F.loopBound(n);
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            int j = 0;
            for (; j < bound; j += L) {
                FloatVector v = FloatVector.fromArray(F, c, row + j);
                if (bias != null) {
                    v = v.add(FloatVector.fromArray(F, bias, biasOff + j));
                }
                activate(v, activation).intoArray(c, row + j);
            }
            for (; j < n; j++) { // fewer than L columns: scalar (a masked tail allocates)
                float v = c[row + j];
                if (bias != null) {
                    v += bias[biasOff + j];
                }
                c[row + j] = activate(v, activation);
            }
        }
    }
}

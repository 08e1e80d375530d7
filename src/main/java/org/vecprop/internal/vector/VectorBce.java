package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.vecprop.internal.Buffers;
import org.vecprop.internal.LaneSums;
import org.vecprop.internal.math.FloatExp;
import org.vecprop.internal.math.FloatLog;
import org.vecprop.internal.math.VectorFloatExp;
import org.vecprop.internal.math.VectorFloatLog;

/**
 * Vector API binary cross-entropy with logits behind {@code org.vecprop.kernel.BinaryCrossEntropy};
 * arguments are validated there. The loss follows vecprop's order for long sums
 * ({@code contract.ArithmeticOrder}: 64 virtual float lanes in row-major element order, folded
 * into double lanes every 1024 elements, totalled pairwise, through {@link LaneSums} as the
 * scalar implementation), and each element's loss and gradient the formulas written there, so
 * the results equal the scalar implementation's bit for bit at any width.
 *
 * <p>The elements are taken a chunk of 1024 at a time (contiguous operands in place, strided ones
 * staged into contiguous scratch rows, the positive weights of the chunk's columns staged as a
 * row), in three passes over the chunk, each a loop of its own: {@code t = exp(-|x|)}, then
 * {@code log1p(t)}, then the loss into the lanes and the gradient. One function per loop keeps
 * each loop's compiled code within C2's inlining budget, so the vectors stay in registers (the
 * reason {@code VectorFloatExpRows} has one loop per function); the chunk stays in L1 between
 * passes. A term's lane is its element's position in the chunk mod 64, and a vector starting at
 * position c covers lanes {@code c mod 64 .. + L}: the lanes are a scratch row updated by
 * load, add and store, in element order per lane. The chunk's last {@code len mod L} elements go
 * through the scalar functions (the same bits).
 */
final class VectorBce {
    private VectorBce() {}

    private static final int CHUNK = LaneSums.CHUNK, LANES = LaneSums.LANES;

    /** Staging: a chunk of x, y, the weights, t = exp(-|x|), log1p(t), the gradient (24 KiB). */
    static final class Stage {
        final float[] x = new float[CHUNK], y = new float[CHUNK], w = new float[CHUNK];
        final float[] t = new float[CHUNK], sp = new float[CHUNK], g = new float[CHUNK];
    }

    static double lossAndGradient(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                                  float[] posWeight, int posWeightOff, float[] g, int gOff, int ldg,
                                  float gradScale, Buffers buffers) {
        long n = (long) rows * cols;
        Buffers own = Buffers.orThisThread(buffers);
        LaneSums s = own.sums();
        Stage st = own.slot(Buffers.BCE, Stage::new);
        boolean contiguous = rows == 1 || ldx == cols && ldy == cols && (g == null || ldg == cols);
        for (long from = 0; from < n; from += CHUNK) {
            int len = (int) Math.min(CHUNK, n - from);
            float[] w = null;
            if (posWeight != null) {
                int j0 = (int) (from % cols);
                for (int done = 0; done < len; ) { // the weights of the chunk's columns, in order
                    int piece = Math.min(cols - j0, len - done);
                    System.arraycopy(posWeight, posWeightOff + j0, st.w, done, piece);
                    done += piece;
                    j0 = 0;
                }
                w = st.w;
            }
            if (contiguous) {
                chunk(x, xOff + (int) from, y, yOff + (int) from, w, g, gOff + (int) from, len, gradScale, s, st);
            } else {
                LaneSums.gather(x, xOff, ldx, cols, from, len, st.x);
                LaneSums.gather(y, yOff, ldy, cols, from, len, st.y);
                chunk(st.x, 0, st.y, 0, w, g == null ? null : st.g, 0, len, gradScale, s, st);
                if (g != null) {
                    LaneSums.scatter(st.g, len, g, gOff, ldg, cols, from);
                }
            }
            s.fold();
        }
        return s.total();
    }

    /** One chunk of len contiguous elements whose first is in lane 0; g may be x or y (in place). */
    private static void chunk(float[] x, int xi, float[] y, int yi, float[] w, float[] g, int gi, int len,
                              float gradScale, LaneSums s, Stage st) {
        int bound = F.loopBound(len);
        expPass(x, xi, st.t, bound);
        log1pPass(st.t, st.sp, bound);
        if (w == null) {
            lossPass(x, xi, y, yi, st.t, st.sp, g, gi, bound, gradScale, s.lanes);
        } else {
            lossPassWeighted(x, xi, y, yi, w, st.t, st.sp, g, gi, bound, gradScale, s.lanes);
        }
        float[] lanes = s.lanes;
        for (int c = bound; c < len; c++) { // the scalar tail: the same formulas, the same bits
            float xv = x[xi + c], yv = y[yi + c], wv = w == null ? 1f : w[c];
            float t = FloatExp.exp(-Math.abs(xv));
            float lw = Math.fma(wv - 1f, yv, 1f);
            float py = wv * yv;
            float linear = xv >= 0f ? xv * (1f - yv) : -xv * py;
            lanes[c & (LANES - 1)] += Math.fma(lw, FloatLog.log1p(t), linear);
            if (g != null) {
                float q = (xv >= 0f ? 1f : t) / (1f + t);
                g[gi + c] = Math.fma(q, lw, -py) * gradScale;
            }
        }
    }

    private static void expPass(float[] x, int xi, float[] t, int bound) {
        for (int c = 0; c < bound; c += L) {
            VectorFloatExp.exp(FloatVector.fromArray(F, x, xi + c).abs().neg()).intoArray(t, c);
        }
    }

    private static void log1pPass(float[] t, float[] sp, int bound) {
        for (int c = 0; c < bound; c += L) {
            VectorFloatLog.log1p(FloatVector.fromArray(F, t, c)).intoArray(sp, c);
        }
    }

    /** Loss into the lanes and the gradient, weight 1 for every column. */
    private static void lossPass(float[] x, int xi, float[] y, int yi, float[] t, float[] sp,
                                 float[] g, int gi, int bound, float gradScale, float[] lanes) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int c = 0; c < bound; c += L) {
            element(FloatVector.fromArray(F, x, xi + c), FloatVector.fromArray(F, y, yi + c), one,
                    FloatVector.fromArray(F, t, c), FloatVector.fromArray(F, sp, c), g, gi + c, gradScale,
                    lanes, c & (LANES - 1));
        }
    }

    /** Loss into the lanes and the gradient, with the chunk's column weights w. */
    private static void lossPassWeighted(float[] x, int xi, float[] y, int yi, float[] w, float[] t, float[] sp,
                                         float[] g, int gi, int bound, float gradScale, float[] lanes) {
        for (int c = 0; c < bound; c += L) {
            element(FloatVector.fromArray(F, x, xi + c), FloatVector.fromArray(F, y, yi + c),
                    FloatVector.fromArray(F, w, c), FloatVector.fromArray(F, t, c), FloatVector.fromArray(F, sp, c),
                    g, gi + c, gradScale, lanes, c & (LANES - 1));
        }
    }

    /** The order's formulas for one vector of elements: lanes[v ..] += loss; g[gi ..] = gradient. */
    private static void element(FloatVector xv, FloatVector yv, FloatVector wv, FloatVector t, FloatVector sp,
                                float[] g, int gi, float gradScale, float[] lanes, int v) {
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector lw = wv.sub(1f).fma(yv, one);
        FloatVector py = wv.mul(yv);
        VectorMask<Float> nonNegative = xv.compare(VectorOperators.GE, 0f);
        FloatVector linear = xv.neg().mul(py).blend(xv.mul(one.sub(yv)), nonNegative);
        FloatVector.fromArray(F, lanes, v).add(lw.fma(sp, linear)).intoArray(lanes, v);
        if (g != null) {
            FloatVector q = t.blend(one, nonNegative).div(t.add(1f));
            q.fma(lw, py.neg()).mul(gradScale).intoArray(g, gi);
        }
    }
}

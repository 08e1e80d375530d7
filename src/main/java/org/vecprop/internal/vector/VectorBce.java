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
 * staged into contiguous scratch rows, the chunk's column weights staged as a row, ones without
 * weights), in two passes over the chunk: {@link #sigmoidPass} computes {@code t = exp(-|x|)},
 * the loss's linear part and weight and the gradient (the chunk's last {@code len mod L} elements
 * through the scalar functions, the same bits); then {@code log1p(t)} and the loss into the lanes,
 * the last elements' after the vectors'. A term's lane is its element's position in the
 * chunk mod 64: a vector starting at position c covers lanes {@code c mod 64 .. + L}, a slice of
 * the lanes row updated by load, add and store, in element order per lane.
 *
 * <p>For C2's sake ({@code VectorSoftmax} has the details): vecprop's vector exp and log1p
 * inline to about 16,000 and 33,000 IR nodes; in one compilation they exceed C2's budget and the
 * vectors of the calls it then leaves out of line are boxed. So exp sits in {@link #sigmoidPass}
 * and log1p in {@link #lossAndGradient}, both over 325 bytes of bytecode, which C2 never inlines
 * into a caller; and no vector passes through a branch in a loop (the gradient of a loss-only call
 * goes to a sink).
 */
final class VectorBce {
    private VectorBce() {}

    private static final int CHUNK = LaneSums.CHUNK, LANES = LaneSums.LANES;

    /** Staging, kept in the call's buffers: a chunk of x, y, weights, t = exp(-|x|), the weight lw and linear part, the gradient. */
    static final class Stage {
        final float[] x = new float[CHUNK], y = new float[CHUNK], w = new float[CHUNK], ones = new float[CHUNK];
        final float[] t = new float[CHUNK], lw = new float[CHUNK], linear = new float[CHUNK], g = new float[CHUNK];
        /** Where the gradient goes when none is asked for: every store happens. */
        final float[] sink = new float[L];

        Stage() {
            java.util.Arrays.fill(ones, 1f);
        }
    }

    /**
     * The long sum of the losses over a non-empty matrix; the gradient times gradScale into g
     * unless g is null (g may be x or y).
     */
    static double lossAndGradient(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                                  float[] posWeight, int posWeightOff, float[] g, int gOff, int ldg,
                                  float gradScale, Buffers buffers) {
        long n = (long) rows * cols;
        Buffers own = Buffers.orThisThread(buffers);
        LaneSums s = own.sums();
        Stage st = own.slot(Buffers.BCE, Stage::new);
        float[] lanes = s.lanes;
        boolean contiguous = rows == 1 || ldx == cols && ldy == cols && (g == null || ldg == cols);
        for (long from = 0; from < n; from += CHUNK) {
            int len = (int) Math.min(CHUNK, n - from), bound = F.loopBound(len);
            float[] cx = x, cy = y, cg = g;
            int xi = xOff + (int) from, yi = yOff + (int) from, gi = gOff + (int) from;
            if (!contiguous) {
                LaneSums.gather(x, xOff, ldx, cols, from, len, st.x);
                LaneSums.gather(y, yOff, ldy, cols, from, len, st.y);
                cx = st.x;
                cy = st.y;
                cg = g == null ? null : st.g;
                xi = 0;
                yi = 0;
                gi = 0;
            }
            sigmoidPass(cx, xi, cy, yi, posWeight, posWeightOff, cols, from, cg, gi, len, gradScale, st);
            float[] t = st.t, lw = st.lw, linear = st.linear;
            for (int c = 0; c < bound; c += L) { // the loss: lw * log1p(t) + linear, into lane c mod 64
                FloatVector sp = VectorFloatLog.log1p(FloatVector.fromArray(F, t, c));
                int v = c & (LANES - 1);
                FloatVector.fromArray(F, lanes, v)
                        .add(FloatVector.fromArray(F, lw, c).fma(sp, FloatVector.fromArray(F, linear, c)))
                        .intoArray(lanes, v);
            }
            for (int c = bound; c < len; c++) { // after the vectors: each lane takes its terms in order
                lanes[c & (LANES - 1)] += Math.fma(lw[c], FloatLog.log1p(t[c]), linear[c]);
            }
            if (!contiguous && g != null) {
                LaneSums.scatter(st.g, len, g, gOff, ldg, cols, from);
            }
            s.fold();
        }
        return s.total();
    }

    /**
     * One chunk of len contiguous elements whose first is in lane 0: for the whole vectors,
     * {@code t = exp(-|x|)}, {@code lw = fma(w - 1, y, 1)} and the linear part of the loss into
     * st, and the gradient {@code fma(q, lw, -w y) * gradScale} into g (a sink when g is null);
     * the last {@code len mod L} elements completely (loss into their lanes, gradient), through
     * the scalar functions. The chunk's weights are staged here (w null: ones).
     */
    private static void sigmoidPass(float[] x, int xi, float[] y, int yi, float[] posWeight, int posWeightOff,
                                    int cols, long from, float[] g, int gi, int len, float gradScale, Stage st) {
        float[] w = st.ones;
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
        int bound = F.loopBound(len);
        float[] gd = g != null ? g : st.sink;
        int step = g != null ? 1 : 0, go = g != null ? gi : 0;
        FloatVector one = FloatVector.broadcast(F, 1f);
        for (int c = 0; c < bound; c += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xi + c), yv = FloatVector.fromArray(F, y, yi + c);
            FloatVector wv = FloatVector.fromArray(F, w, c);
            FloatVector t = VectorFloatExp.exp(xv.abs().neg());
            FloatVector lw = wv.sub(1f).fma(yv, one);
            FloatVector py = wv.mul(yv);
            VectorMask<Float> nonNegative = xv.compare(VectorOperators.GE, 0f);
            t.intoArray(st.t, c);
            lw.intoArray(st.lw, c);
            xv.neg().mul(py).blend(xv.mul(one.sub(yv)), nonNegative).intoArray(st.linear, c);
            FloatVector q = t.blend(one, nonNegative).div(t.add(1f));
            q.fma(lw, py.neg()).mul(gradScale).intoArray(gd, go + step * c);
        }
        for (int c = bound; c < len; c++) { // the scalar tail: the same formulas, the same bits
            float xv = x[xi + c], yv = y[yi + c], wv = w[c];
            float t = FloatExp.exp(-Math.abs(xv));
            float lw = Math.fma(wv - 1f, yv, 1f);
            float py = wv * yv;
            st.t[c] = t;
            st.lw[c] = lw;
            st.linear[c] = xv >= 0f ? xv * (1f - yv) : -xv * py;
            if (g != null) {
                float q = (xv >= 0f ? 1f : t) / (1f + t);
                g[gi + c] = Math.fma(q, lw, -py) * gradScale;
            }
        }
    }
}

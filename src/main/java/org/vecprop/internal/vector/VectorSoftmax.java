package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;
import static org.vecprop.internal.SoftmaxOrder.CHUNK;
import static org.vecprop.internal.SoftmaxOrder.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.vecprop.internal.Buffers;
import org.vecprop.internal.SoftmaxOrder;
import org.vecprop.internal.math.FloatExp;
import org.vecprop.internal.math.VectorFloatExp;
import org.vecprop.internal.math.VectorFloatLog;

/**
 * Vector API softmax, log-softmax and cross-entropy behind {@code org.vecprop.kernel.Softmax} and
 * {@code CrossEntropy}; arguments are validated there. Every result follows
 * {@code contract.ArithmeticOrder} ("Row sums", "Softmax, log-softmax and cross-entropy"), so it
 * equals the scalar implementation's bit for bit at any width: the maximum is exact in any order,
 * exp and log1p are vecprop's own (the same bits per lane as the scalar functions), and a row's
 * sum is accumulated into its 16 virtual lanes in element order, whichever way the elements are
 * grouped into vectors.
 *
 * <p><b>Two layouts of a row.</b> Wide rows ({@code cols >= L}): whole vectors from the row's
 * start, then the last {@code cols mod L} elements one by one through the scalar functions (the
 * same bits); the vector starting at element j adds to lanes {@code j mod 16 .. + L}, a slice of
 * a 16-float scratch row. Narrow rows ({@code cols < L}, e.g. 10 classes at 512 bits): rows in
 * lanes. A group of L rows is copied, transposed, into scratch columns (lane r = row r, padded
 * with zeros), so every step of the order is lane-wise: the maximum over columns, exp, and the
 * 16-lane fold as vector additions of column slots (the slots past the row are +0, as the scalar
 * lanes are); the results are transposed back. Each narrow row fits one chunk, so its double total
 * is its float sum.
 *
 * <p><b>Three phases per block of {@value #BLOCK} rows</b> ({@link #runWithLog}; softmax has no B), for C2's sake: (A) each
 * row's maximum, exp, sums and z into per-row scratch, the e_j into the output; (B)
 * {@code lse = log1p(z)} for the block's rows, one vector loop; (C) the outputs. vecprop's vector exp inlines to about 16,000
 * of C2's IR nodes and log1p to about 33,000; C2 stops inlining a compilation at 40,000 live
 * nodes, and a Vector API call it does not inline boxes its vectors (allocation on every call:
 * AllocationTest measured 46 KB per 97 x 97 softmax when exp and its sums shared a method with
 * more vector code). So phase A and phase C are methods of more than 325 bytes of bytecode, which
 * C2 never inlines into a caller (FreqInlineSize) and compiles on their own, and exp and log1p
 * never meet in one compilation: phase A is three such methods (the wide rows' maxima and sums of
 * d_j, with no exp; their exp and sums; the narrow rows' exp and sums), each with at most one exp,
 * and B's caller holds log1p and scalar code only.
 *
 * <p>Vectors wider than 16 lanes (1024-bit and wider SVE) would not fit the 16 row lanes: there
 * {@link VectorKernels} runs the scalar implementation (the same bits). Scratch, about
 * {@code 5 KB + 2112 L} bytes (39 KB at 512 bits), is kept in the call's {@link Buffers}: the
 * caller's workspace, or this thread's, made on its first call.
 */
final class VectorSoftmax {
    private VectorSoftmax() {}

    /** What a call computes. */
    static final int SOFTMAX = 0, LOG_SOFTMAX = 1, CROSS_ENTROPY = 2;
    /** Rows per block: the per-row values of a block live in scratch; a multiple of L. */
    static final int BLOCK = 256;

    /** Per-thread scratch. */
    static final class Scratch {
        /** 16 lanes of the e sum, 16 of the d sum (wide rows). */
        final float[] lanes = new float[2 * LANES];
        /** Per row of the block: maximum, z, log1p(z), x_label - m, the sum of the d_j. */
        final float[] m = new float[BLOCK], z = new float[BLOCK], lse = new float[BLOCK];
        final float[] dLabel = new float[BLOCK], sumD = new float[BLOCK];
        /** Narrow rows: the block's columns of x and of e, L x L per group of L rows. */
        final float[] cols = new float[BLOCK * L], ecols = new float[BLOCK * L];
        /** Where a vector of e_j goes when there is no output: every store then happens (see {@link #wideExp}). */
        final float[] sink = new float[L];
        /** Narrow rows: the e and d fold slots of one group, and its labels as floats. */
        final float[] foldE = new float[LANES * L], foldD = new float[LANES * L], label = new float[L];
    }

    /** The call's scratch, kept in its buffers (null: this thread's). */
    private static Scratch scratch(Buffers buffers) {
        return Buffers.orThisThread(buffers).slot(Buffers.SOFTMAX, Scratch::new);
    }

    // ------------------------------------------------------------------ entry points

    static void softmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, boolean log,
                        Buffers buffers) {
        if (log) {
            runWithLog(LOG_SOFTMAX, rows, cols, x, xOff, ldx, null, 0, y, yOff, ldy, 1f, 0f, buffers);
            return;
        }
        Scratch s = scratch(buffers);
        for (int i0 = 0; i0 < rows; i0 += BLOCK) { // phases A and C: softmax needs no log
            int b = Math.min(BLOCK, rows - i0);
            if (cols < L) {
                narrowExp(SOFTMAX, i0, b, cols, x, xOff, ldx, null, 0, false, s);
                narrowOutputs(SOFTMAX, i0, b, cols, null, 0, y, yOff, ldy, 1f, 0f, s);
            } else {
                wideStats(false, i0, b, cols, x, xOff, ldx, null, 0, false, s);
                wideExp(i0, b, cols, x, xOff, ldx, y, yOff, ldy, s);
                wideOutputs(SOFTMAX, i0, b, cols, x, xOff, ldx, null, 0, y, yOff, ldy, 1f, 0f, s);
            }
        }
    }

    static double crossEntropy(int rows, int classes, float[] z, int zOff, int ldz, int[] labels, int labelsOff,
                               float[] dz, int dzOff, int lddz, float gradScale, float labelSmoothing,
                               Buffers buffers) {
        return runWithLog(CROSS_ENTROPY, rows, classes, z, zOff, ldz, labels, labelsOff, dz, dzOff, lddz, gradScale,
                labelSmoothing, buffers);
    }

    /**
     * Log-softmax and cross-entropy, block by block: phase A (the maxima, exp and sums), phase B
     * ({@code lse = log1p(z)}, the one vector loop here, run on every call, so that C2 judges the
     * call of log1p hot: at a call site it judges cold C2 does not inline a method already
     * compiled on its own into more than {@code InlineSmallCode / 4} bytes, as log1p is, and
     * the vectors passed to it are boxed), the rows' losses for cross-entropy in row order, phase
     * C (the outputs; none for a cross-entropy without gradient). Its bytecode is over 325 bytes,
     * so C2 never inlines it, nor log1p with it, into a caller's compilation, where the caller's
     * own vector code would share C2's budget with log1p. Returns the sum of the rows' losses
     * (0 for log-softmax).
     */
    private static double runWithLog(int kind, int rows, int n, float[] x, int xOff, int ldx, int[] labels,
                                     int labelsOff, float[] out, int oOff, int ldo, float gradScale,
                                     float labelSmoothing, Buffers buffers) {
        Scratch s = scratch(buffers);
        boolean ce = kind == CROSS_ENTROPY, smoothing = ce && labelSmoothing > 0f, narrow = n < L;
        float a = 1f - labelSmoothing, bOff = labelSmoothing / n;
        double loss = 0;
        for (int i0 = 0; i0 < rows; i0 += BLOCK) {
            int b = Math.min(BLOCK, rows - i0);
            if (narrow) {
                narrowExp(kind, i0, b, n, x, xOff, ldx, labels, labelsOff, smoothing, s);
            } else {
                wideStats(ce, i0, b, n, x, xOff, ldx, labels, labelsOff, smoothing, s);
                wideExp(i0, b, n, x, xOff, ldx, kind == LOG_SOFTMAX ? null : out, oOff, ldo, s);
            }
            for (int r = 0; r < b; r += L) { // phase B: whole vectors (BLOCK is a multiple of L)
                VectorFloatLog.log1p(FloatVector.fromArray(F, s.z, r)).intoArray(s.lse, r);
            }
            if (ce) {
                for (int r = 0; r < b; r++) { // row order
                    loss += SoftmaxOrder.rowLoss(s.lse[r], s.dLabel[r], s.sumD[r], a, bOff, smoothing);
                }
                if (out == null) {
                    continue;
                }
            }
            if (narrow) {
                narrowOutputs(kind, i0, b, n, labels, labelsOff, out, oOff, ldo, gradScale, labelSmoothing, s);
            } else {
                wideOutputs(kind, i0, b, n, x, xOff, ldx, labels, labelsOff, out, oOff, ldo, gradScale,
                        labelSmoothing, s);
            }
        }
        return loss;
    }

    /**
     * Wide rows, before anything is written (out may be x): each row's maximum (Math.max's fold,
     * exact in any order) and, for cross-entropy, x_label - m and with smoothing the row sum of
     * the d_j = x_j - m in the order's lanes (16 .. 31 of s.lanes) and chunks. No exp here: the
     * methods of phase A share C2's budget out so (see the class comment).
     */
    private static void wideStats(boolean ce, int i0, int b, int n, float[] x, int xOff, int ldx,
                                  int[] labels, int labelsOff, boolean smoothing, Scratch s) {
        int bound = F.loopBound(n);
        float[] lanes = s.lanes;
        for (int r = 0; r < b; r++) {
            int xi = xOff + (i0 + r) * ldx;
            FloatVector mv = FloatVector.fromArray(F, x, xi);
            for (int j = L; j < bound; j += L) {
                mv = mv.max(FloatVector.fromArray(F, x, xi + j));
            }
            float m = mv.reduceLanes(VectorOperators.MAX);
            for (int j = bound; j < n; j++) {
                m = Math.max(m, x[xi + j]);
            }
            s.m[r] = m;
            if (!ce) {
                continue;
            }
            s.dLabel[r] = x[xi + labels[labelsOff + i0 + r]] - m;
            if (!smoothing) {
                continue;
            }
            java.util.Arrays.fill(lanes, LANES, 2 * LANES, 0f);
            double total = 0;
            for (int j = 0; j < bound; j += L) {
                int v = LANES + (j & (LANES - 1));
                FloatVector.fromArray(F, lanes, v).add(FloatVector.fromArray(F, x, xi + j).sub(m)).intoArray(lanes, v);
                if ((j + L) % CHUNK == 0) {
                    total += SoftmaxOrder.fold(lanes, LANES);
                }
            }
            for (int j = bound; j < n; j++) {
                lanes[LANES + (j & (LANES - 1))] += x[xi + j] - m;
            }
            if (n % CHUNK != 0) {
                total += SoftmaxOrder.fold(lanes, LANES);
            }
            s.sumD[r] = (float) total;
        }
    }

    /**
     * Wide rows ({@code n >= L}) with their maxima in s.m: per row the count of elements equal to
     * the maximum and the row sum of the other e_j, as z into s.z; the e_j into out unless out is
     * null (out may be x: the vector loop writes only the whole vectors it has read, and the last
     * {@code n mod L} elements, through the scalar exp, are read before they are written).
     * Vector exp and the lanes only: see the class comment. No vector passes through a branch in
     * the loop: without an output the e_j go to a sink. (With {@code if (out != null)} around the
     * store, C2 boxed e on every iteration once the loop had run both with and without an output:
     * 46 KB per 97 x 97 call.)
     */
    private static void wideExp(int i0, int b, int n, float[] x, int xOff, int ldx, float[] out, int oOff, int ldo,
                                Scratch s) {
        int bound = F.loopBound(n);
        float[] lanes = s.lanes; // all +0: every fold leaves them so
        float[] dest = out != null ? out : s.sink;
        int step = out != null ? 1 : 0;
        for (int r = 0; r < b; r++) {
            int xi = xOff + (i0 + r) * ldx, oi = oOff + (i0 + r) * ldo, di = out != null ? oi : 0;
            float m = s.m[r];
            int c = 0;
            double total = 0;
            for (int j = 0; j < bound; j += L) {
                FloatVector xv = FloatVector.fromArray(F, x, xi + j);
                FloatVector e = VectorFloatExp.exp(xv.sub(m));
                e.intoArray(dest, di + step * j); // no branch: a vector through a branch taken both ways is boxed
                VectorMask<Float> eq = xv.compare(VectorOperators.EQ, m);
                c += eq.trueCount();
                int v = j & (LANES - 1); // this vector's first lane; L divides 16
                FloatVector.fromArray(F, lanes, v).add(e.blend(0f, eq)).intoArray(lanes, v);
                if ((j + L) % CHUNK == 0) {
                    total += SoftmaxOrder.fold(lanes, 0);
                }
            }
            for (int j = bound; j < n; j++) { // fewer than L left: the scalar exp, the same bits
                float v = x[xi + j];
                float e = FloatExp.exp(v - m);
                if (out != null) {
                    out[oi + j] = e;
                }
                if (v == m) {
                    c++;
                } else {
                    lanes[j & (LANES - 1)] += e;
                }
            }
            if (n % CHUNK != 0) { // after the row's last element (a whole last chunk was folded above)
                total += SoftmaxOrder.fold(lanes, 0);
            }
            s.z[r] = SoftmaxOrder.z(c, total);
        }
    }

    /**
     * Narrow rows ({@code n < L}), rows in lanes, a group of L at a time: transposed into s.cols,
     * the maxima, x_label - m, the e_j into s.ecols, z and with smoothing the sum of the d_j, all
     * lane-wise.
     */
    private static void narrowExp(int kind, int i0, int b, int n, float[] x, int xOff, int ldx,
                                  int[] labels, int labelsOff, boolean smoothing, Scratch s) {
        float[] cols = s.cols, ecols = s.ecols, foldE = s.foldE, foldD = s.foldD;
        FloatVector zero = FloatVector.zero(F);
        for (int q = 0; q < b; q += L) {
            int g = Math.min(L, b - q), base = q * L;
            for (int r = 0; r < L; r++) { // transpose in; padding lanes 0 (finite, never stored)
                int xi = xOff + (i0 + q + r) * ldx;
                for (int j = 0; j < n; j++) {
                    cols[base + j * L + r] = r < g ? x[xi + j] : 0f;
                }
            }
            FloatVector m = FloatVector.fromArray(F, cols, base);
            for (int j = 1; j < n; j++) {
                m = m.max(FloatVector.fromArray(F, cols, base + j * L));
            }
            m.intoArray(s.m, q);
            if (kind == CROSS_ENTROPY) {
                for (int r = 0; r < L; r++) { // as the scalar: x_label - m
                    int label = r < g ? labels[labelsOff + i0 + q + r] : 0;
                    s.dLabel[q + r] = cols[base + label * L + r] - s.m[q + r];
                }
            }
            FloatVector count = zero;
            for (int j = 0; j < n; j++) {
                FloatVector xv = FloatVector.fromArray(F, cols, base + j * L);
                FloatVector d = xv.sub(m);
                FloatVector e = VectorFloatExp.exp(d);
                VectorMask<Float> eq = xv.compare(VectorOperators.EQ, m);
                count = count.add(zero.blend(1f, eq)); // exact: at most 15
                // A narrow row's lane j gets one term, added to +0 as the scalar lanes do (e is
                // never -0; d may be, and +0 + -0 is +0). Every store happens, whatever is asked
                // for: no vector passes through a branch (see wideExp).
                e.blend(0f, eq).intoArray(foldE, j * L);
                zero.add(d).intoArray(foldD, j * L);
                e.intoArray(ecols, base + j * L);
            }
            for (int j = n; j < LANES; j++) {
                zero.intoArray(foldE, j * L);
                zero.intoArray(foldD, j * L);
            }
            foldSlots(foldE);
            // One chunk: the double total is the float fold, and (c - 1) + S in double rounded to
            // float is the float sum (53 >= 2·24 + 2 bits: the double rounding is innocuous).
            count.sub(1f).add(FloatVector.fromArray(F, foldE, 0)).intoArray(s.z, q);
            if (smoothing) {
                foldSlots(foldD);
                FloatVector.fromArray(F, foldD, 0).intoArray(s.sumD, q);
            }
        }
    }

    /** The 16-lane pairwise fold on slots of L floats: slot v += slot v + half, half = 8, 4, 2, 1. */
    private static void foldSlots(float[] slots) {
        for (int half = LANES / 2; half >= 1; half >>= 1) {
            for (int v = 0; v < half; v++) {
                FloatVector.fromArray(F, slots, v * L).add(FloatVector.fromArray(F, slots, (v + half) * L))
                        .intoArray(slots, v * L);
            }
        }
    }

    // ------------------------------------------------------------------ phase C

    /**
     * Phase C's outputs for wide rows (see {@link #runWithLog}): the loops written out here, so this
     * method's bytecode is over 325 bytes and C2 compiles it on its own rather than into a caller
     * (a caller's loop calling the kernels on wide and narrow rows in turn then boxed a vector).
     */
    private static void wideOutputs(int kind, int i0, int b, int n, float[] x, int xOff, int ldx,
                                    int[] labels, int labelsOff, float[] out, int oOff, int ldo,
                                    float gradScale, float labelSmoothing, Scratch s) {
        float bOff = labelSmoothing / n, on = (1f - labelSmoothing) + bOff, minusB = -bOff;
        int bound = F.loopBound(n);
        for (int r = 0; r < b; r++) {
            int oi = oOff + (i0 + r) * ldo;
            if (kind == LOG_SOFTMAX) { // y_j = (x_j - m) - lse; y may be x: each element is read before it is written
                int xi = xOff + (i0 + r) * ldx;
                float m = s.m[r], lse = s.lse[r];
                for (int j = 0; j < bound; j += L) {
                    FloatVector.fromArray(F, x, xi + j).sub(m).sub(lse).intoArray(out, oi + j);
                }
                for (int j = bound; j < n; j++) {
                    out[oi + j] = (x[xi + j] - m) - lse;
                }
                continue;
            }
            float inv = 1f / (1f + s.z[r]);
            if (kind == SOFTMAX) { // y_j = e_j * inv, y holding e_j
                for (int j = 0; j < bound; j += L) {
                    FloatVector.fromArray(F, out, oi + j).mul(inv).intoArray(out, oi + j);
                }
                for (int j = bound; j < n; j++) {
                    out[oi + j] = out[oi + j] * inv;
                }
                continue;
            }
            // dz_j = fma(e_j, inv, -t_j) * g, dz holding e_j; t is b off the label, a + b at it
            int label = labels[labelsOff + i0 + r];
            float eLabel = out[oi + label];
            for (int j = 0; j < bound; j += L) {
                FloatVector.fromArray(F, out, oi + j).fma(inv, minusB).mul(gradScale).intoArray(out, oi + j);
            }
            for (int j = bound; j < n; j++) {
                out[oi + j] = Math.fma(out[oi + j], inv, minusB) * gradScale;
            }
            out[oi + label] = Math.fma(eLabel, inv, -on) * gradScale;
        }
    }

    /** Phase C's outputs for narrow rows, rows in lanes, then transposed back (see {@link #runWithLog}). */
    private static void narrowOutputs(int kind, int i0, int b, int n, int[] labels, int labelsOff,
                                      float[] out, int oOff, int ldo, float gradScale, float labelSmoothing,
                                      Scratch s) {
        float bOff = labelSmoothing / n, on = (1f - labelSmoothing) + bOff;
        float[] cols = s.cols, ecols = s.ecols;
        FloatVector one = FloatVector.broadcast(F, 1f);
        FloatVector minusOff = FloatVector.broadcast(F, -bOff), minusOn = FloatVector.broadcast(F, -on);
        for (int q = 0; q < b; q += L) {
            int g = Math.min(L, b - q), base = q * L;
            FloatVector zv = FloatVector.fromArray(F, s.z, q);
            if (kind == LOG_SOFTMAX) {
                FloatVector m = FloatVector.fromArray(F, s.m, q), lse = FloatVector.fromArray(F, s.lse, q);
                for (int j = 0; j < n; j++) {
                    FloatVector.fromArray(F, cols, base + j * L).sub(m).sub(lse).intoArray(cols, base + j * L);
                }
            } else if (kind == SOFTMAX) {
                FloatVector inv = one.div(zv.add(1f));
                for (int j = 0; j < n; j++) {
                    FloatVector.fromArray(F, ecols, base + j * L).mul(inv).intoArray(cols, base + j * L);
                }
            } else {
                FloatVector inv = one.div(zv.add(1f));
                for (int r = 0; r < L; r++) {
                    s.label[r] = r < g ? labels[labelsOff + i0 + q + r] : -1; // exact: labels < 16
                }
                FloatVector label = FloatVector.fromArray(F, s.label, 0);
                for (int j = 0; j < n; j++) {
                    FloatVector t = minusOff.blend(minusOn, label.compare(VectorOperators.EQ, (float) j));
                    FloatVector.fromArray(F, ecols, base + j * L).fma(inv, t).mul(gradScale)
                            .intoArray(cols, base + j * L);
                }
            }
            for (int r = 0; r < g; r++) { // transpose out
                int oi = oOff + (i0 + q + r) * ldo;
                for (int j = 0; j < n; j++) {
                    out[oi + j] = cols[base + j * L + r];
                }
            }
        }
    }



}

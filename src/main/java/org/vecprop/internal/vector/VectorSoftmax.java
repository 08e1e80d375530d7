package org.vecprop.internal.vector;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;
import static org.vecprop.internal.SoftmaxOrder.CHUNK;
import static org.vecprop.internal.SoftmaxOrder.LANES;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import org.vecprop.internal.SoftmaxOrder;
import org.vecprop.internal.math.FloatExp;
import org.vecprop.internal.math.FloatLog;
import org.vecprop.internal.math.VectorFloatExp;
import org.vecprop.internal.math.VectorFloatLog;

/**
 * Vector API softmax, log-softmax and cross-entropy behind {@code org.vecprop.kernel.Softmax} and
 * {@code CrossEntropy}; arguments are validated there. Every result follows
 * {@code contract.ArithmeticOrder} ("Row sums", "Softmax, log-softmax and cross-entropy"), so it
 * equals the scalar implementation's bit for bit at any width: the maximum is exact in any order,
 * {@code exp} and {@code log1p} are vecprop's own (the same bits per lane as the scalar
 * functions), and a row's sum is accumulated into its 16 virtual lanes in element order, whichever
 * way the elements are grouped into vectors. Two paths:
 *
 * <ul>
 *   <li><b>Wide rows</b> (at least one vector, {@code cols >= L}): per row, whole vectors from
 *       the row's start and one last vector ending at the row's end, which overlaps the one
 *       before it (its elements are computed twice, to the same bits; the elements past the
 *       whole vectors are then added to their lanes one by one). The vector starting at element
 *       j adds to lanes {@code j mod 16 .. + L}, a slice of a 16-float scratch row (16 / L
 *       vectors at 256 and 128 bits). The last vector is loaded before anything is written, so
 *       y may be x.</li>
 *   <li><b>Narrow rows</b> ({@code cols < L}, e.g. 10 classes at 512 bits): rows in lanes. A
 *       block of L rows is copied, transposed, into a scratch of {@code cols} column vectors
 *       (lane r = row r of the block, padded with zeros), so every step of the order is
 *       lane-wise: the maximum over columns, exp, and the 16-lane fold as vector additions of
 *       column slots (the columns past the row are +0, as the scalar lanes are); the results
 *       are transposed back. Each row fits one chunk, so its double total is its float sum.</li>
 * </ul>
 *
 * <p>Vectors wider than 16 lanes (1024-bit and wider SVE) would not fit the 16 row lanes: there
 * {@link VectorKernels} runs the scalar implementation (the same bits). Scratch is per thread
 * (a few KB at 512 bits), allocated on a thread's first call.
 */
final class VectorSoftmax {
    private VectorSoftmax() {}

    /** What a row pass computes: softmax, log-softmax or cross-entropy. */
    static final int SOFTMAX = 0, LOG_SOFTMAX = 1, CROSS_ENTROPY = 2;

    /** Per-thread scratch: row lanes, the overlapping last vector, the narrow path's blocks. */
    static final class Scratch {
        /** 16 lanes of the e sum, 16 of the d sum. */
        final float[] lanes = new float[2 * LANES];
        /** The last vector of a wide row: its x and its e. */
        final float[] tailX = new float[L], tailE = new float[L];
        /** Narrow rows: columns (x, then e or the outputs), the e and d fold slots, per-lane values. */
        final float[] cols = new float[L * L], foldE = new float[LANES * L], foldD = new float[LANES * L];
        final float[] max = new float[L], dLabel = new float[L], label = new float[L], loss = new float[L];
        /** Narrow rows: each lane's z = (c - 1) + S, and log1p(z) of it. */
        final float[] z = new float[L], lse = new float[L];
        /** Results of the last wide row: its maximum, count of maxima, sums. */
        float m;
        int c;
        double total, totalD;
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // ------------------------------------------------------------------ entry points

    static void softmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, boolean log) {
        Scratch s = SCRATCH.get();
        int kind = log ? LOG_SOFTMAX : SOFTMAX;
        if (cols < L) {
            for (int i0 = 0; i0 < rows; i0 += L) {
                narrowBlock(kind, i0, Math.min(L, rows - i0), cols, x, xOff, ldx, null, 0, y, yOff, ldy,
                        1f, 0f, s);
            }
            return;
        }
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * ldx, yi = yOff + i * ldy;
            rowSums(x, xi, cols, log ? null : y, yi, false, s);
            float z = SoftmaxOrder.z(s.c, s.total);
            if (log) {
                logOutputs(x, xi, y, yi, cols, s.m, FloatLog.log1p(z), s);
            } else {
                scale(y, yi, cols, 1f / (1f + z), s);
            }
        }
    }

    static double crossEntropy(int rows, int classes, float[] z, int zOff, int ldz, int[] labels, int labelsOff,
                               float[] dz, int dzOff, int lddz, float gradScale, float labelSmoothing) {
        Scratch s = SCRATCH.get();
        if (classes < L) {
            double loss = 0;
            for (int i0 = 0; i0 < rows; i0 += L) {
                int g = Math.min(L, rows - i0);
                narrowBlock(CROSS_ENTROPY, i0, g, classes, z, zOff, ldz, labels, labelsOff, dz, dzOff, lddz,
                        gradScale, labelSmoothing, s);
                for (int r = 0; r < g; r++) {
                    loss += s.loss[r]; // row order
                }
            }
            return loss;
        }
        float a = 1f - labelSmoothing, b = labelSmoothing / classes, on = a + b;
        boolean smoothing = labelSmoothing > 0f;
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            int zi = zOff + i * ldz, di = dzOff + i * lddz;
            int label = labels[labelsOff + i];
            float xLabel = z[zi + label]; // before dz, which may be z, is written
            rowSums(z, zi, classes, dz, di, smoothing, s);
            float dLabel = xLabel - s.m;
            float zz = SoftmaxOrder.z(s.c, s.total);
            loss += SoftmaxOrder.rowLoss(FloatLog.log1p(zz), dLabel, (float) s.totalD, a, b, smoothing);
            if (dz != null) {
                float eLabel = dz[di + label];
                float inv = 1f / (1f + zz);
                gradient(dz, di, classes, inv, b, gradScale, s);
                dz[di + label] = Math.fma(eLabel, inv, -on) * gradScale;
            }
        }
        return loss;
    }

    // ------------------------------------------------------------------ wide rows

    /**
     * One row of {@code n >= L} elements from x[xi]: its maximum, the count of elements equal to
     * it, the row sum of the other e_j and (sumD) of every d_j, into s; e_j into out[oi + j]
     * unless out is null (out may be x).
     */
    static void rowSums(float[] x, int xi, int n, float[] out, int oi, boolean sumD, Scratch s) {
        int bound = F.loopBound(n), last = n - L;
        FloatVector lastX = FloatVector.fromArray(F, x, xi + last); // before out (maybe x) is written
        FloatVector mv = lastX;
        for (int j = 0; j < bound; j += L) {
            mv = mv.max(FloatVector.fromArray(F, x, xi + j));
        }
        float m = mv.reduceLanes(VectorOperators.MAX); // exact: any order gives Math.max's fold
        float[] lanes = s.lanes;
        java.util.Arrays.fill(lanes, 0f);
        int c = 0;
        double total = 0, totalD = 0;
        for (int j = 0; j < bound; j += L) {
            FloatVector xv = FloatVector.fromArray(F, x, xi + j);
            FloatVector d = xv.sub(m);
            FloatVector e = VectorFloatExp.exp(d);
            if (out != null) {
                e.intoArray(out, oi + j);
            }
            VectorMask<Float> eq = xv.compare(VectorOperators.EQ, m);
            c += eq.trueCount();
            int v = j & (LANES - 1); // this vector's first lane; L divides 16
            FloatVector.fromArray(F, lanes, v).add(e.blend(0f, eq)).intoArray(lanes, v);
            if (sumD) {
                FloatVector.fromArray(F, lanes, LANES + v).add(d).intoArray(lanes, LANES + v);
            }
            if ((j + L) % CHUNK == 0) {
                total += SoftmaxOrder.fold(lanes, 0);
                if (sumD) {
                    totalD += SoftmaxOrder.fold(lanes, LANES);
                }
            }
        }
        if (bound < n) { // the last vector: elements bound .. n-1 are new
            // Their e_j by the scalar exp, the same bits as the vector exp's lanes: a second
            // vector exp here was past C2's inlining budget (the loop's exp is inlined first), so
            // it stayed a call, and a vector passed to or returned from a call is a heap object:
            // two per row, on every call, measured. tailE's first lanes (last .. bound-1, used
            // only when out is written) are the loop's, from out.
            lastX.intoArray(s.tailX, 0);
            for (int j = last; j < n; j++) {
                if (j >= bound) {
                    s.tailE[j - last] = FloatExp.exp(s.tailX[j - last] - m);
                    if (out != null) {
                        out[oi + j] = s.tailE[j - last];
                    }
                } else if (out != null) {
                    s.tailE[j - last] = out[oi + j];
                }
            }
            for (int j = bound; j < n; j++) {
                float v = s.tailX[j - last];
                if (v == m) {
                    c++;
                } else {
                    lanes[j & (LANES - 1)] += s.tailE[j - last];
                }
                if (sumD) {
                    lanes[LANES + (j & (LANES - 1))] += v - m;
                }
            }
        }
        if (n % CHUNK != 0) { // after the row's last element (a whole last chunk folded above)
            total += SoftmaxOrder.fold(lanes, 0);
            if (sumD) {
                totalD += SoftmaxOrder.fold(lanes, LANES);
            }
        }
        s.m = m;
        s.c = c;
        s.total = total;
        s.totalD = totalD;
    }

    /** y[yi + j] *= inv over a wide row holding e_j; the last vector from s.tailE (idempotent). */
    static void scale(float[] y, int yi, int n, float inv, Scratch s) {
        int bound = F.loopBound(n);
        for (int j = 0; j < bound; j += L) {
            FloatVector.fromArray(F, y, yi + j).mul(inv).intoArray(y, yi + j);
        }
        if (bound < n) {
            FloatVector.fromArray(F, s.tailE, 0).mul(inv).intoArray(y, yi + n - L);
        }
    }

    /** y_j = (x_j - m) - lse over a wide row; the last vector from s.tailX, loaded before y (maybe x) was written. */
    static void logOutputs(float[] x, int xi, float[] y, int yi, int n, float m, float lse, Scratch s) {
        int bound = F.loopBound(n);
        for (int j = 0; j < bound; j += L) {
            FloatVector.fromArray(F, x, xi + j).sub(m).sub(lse).intoArray(y, yi + j);
        }
        if (bound < n) {
            FloatVector.fromArray(F, s.tailX, 0).sub(m).sub(lse).intoArray(y, yi + n - L);
        }
    }

    /** dz_j = fma(e_j, inv, -b) * g over a wide row holding e_j (the label's element is fixed by the caller). */
    static void gradient(float[] dz, int di, int n, float inv, float b, float g, Scratch s) {
        int bound = F.loopBound(n);
        float minusB = -b;
        for (int j = 0; j < bound; j += L) {
            FloatVector.fromArray(F, dz, di + j).fma(inv, minusB).mul(g).intoArray(dz, di + j);
        }
        if (bound < n) {
            FloatVector.fromArray(F, s.tailE, 0).fma(inv, minusB).mul(g).intoArray(dz, di + n - L);
        }
    }

    // ------------------------------------------------------------------ narrow rows

    /**
     * Rows {@code i0 .. i0 + g - 1} ({@code g <= L}) of {@code n < L} columns, rows in lanes.
     * SOFTMAX and LOG_SOFTMAX write y; CROSS_ENTROPY writes dz (= y here) unless it is null, and
     * leaves the rows' losses in s.loss[0 .. g).
     */
    static void narrowBlock(int kind, int i0, int g, int n, float[] x, int xOff, int ldx,
                            int[] labels, int labelsOff, float[] y, int yOff, int ldy,
                            float gradScale, float labelSmoothing, Scratch s) {
        float[] cols = s.cols, foldE = s.foldE, foldD = s.foldD;
        if (g < L) {
            java.util.Arrays.fill(cols, 0f); // padding lanes: any finite value, never stored
        }
        for (int r = 0; r < g; r++) { // transpose in
            int xi = xOff + (i0 + r) * ldx;
            for (int j = 0; j < n; j++) {
                cols[j * L + r] = x[xi + j];
            }
        }
        FloatVector m = FloatVector.fromArray(F, cols, 0);
        for (int j = 1; j < n; j++) {
            m = m.max(FloatVector.fromArray(F, cols, j * L));
        }
        boolean ce = kind == CROSS_ENTROPY;
        boolean smoothing = ce && labelSmoothing > 0f;
        if (ce) {
            m.intoArray(s.max, 0);
            for (int r = 0; r < L; r++) {
                int label = r < g ? labels[labelsOff + i0 + r] : 0;
                s.label[r] = label;                          // exact: label < n < 16
                s.dLabel[r] = cols[label * L + r] - s.max[r]; // as the scalar: x_label - m
            }
        }
        FloatVector zero = FloatVector.zero(F), one = FloatVector.broadcast(F, 1f);
        FloatVector count = zero;
        for (int j = 0; j < n; j++) {
            FloatVector xv = FloatVector.fromArray(F, cols, j * L);
            FloatVector d = xv.sub(m);
            FloatVector e = VectorFloatExp.exp(d);
            VectorMask<Float> eq = xv.compare(VectorOperators.EQ, m);
            count = count.add(zero.blend(1f, eq));           // exact: at most 15
            // Lane j of a row's sum starts at +0 and gets one term (n < 16): +0 + term, as the
            // scalar lanes do. (e is never -0; d may be, and +0 + -0 is +0.)
            e.blend(0f, eq).intoArray(foldE, j * L);
            if (smoothing) {
                zero.add(d).intoArray(foldD, j * L);
            }
            if (kind != LOG_SOFTMAX) {
                e.intoArray(cols, j * L);                    // e_j replaces x_j
            }
        }
        for (int j = n; j < LANES; j++) {
            zero.intoArray(foldE, j * L);
            if (smoothing) {
                zero.intoArray(foldD, j * L);
            }
        }
        foldSlots(foldE);
        if (smoothing) {
            foldSlots(foldD);
        }
        // One chunk: the double total is the float fold, and (c - 1) + S in double rounded to
        // float is the float sum (53 >= 2·24 + 2 bits: double rounding is innocuous).
        FloatVector z = count.sub(1f).add(FloatVector.fromArray(F, foldE, 0));
        if (kind == SOFTMAX) {
            FloatVector inv = one.div(z.add(1f));
            for (int j = 0; j < n; j++) {
                FloatVector.fromArray(F, cols, j * L).mul(inv).intoArray(cols, j * L);
            }
        } else if (kind == LOG_SOFTMAX) {
            z.intoArray(s.z, 0);
            log1pLanes(g, s);
            FloatVector lse = FloatVector.fromArray(F, s.lse, 0);
            for (int j = 0; j < n; j++) {
                FloatVector.fromArray(F, cols, j * L).sub(m).sub(lse).intoArray(cols, j * L);
            }
        } else {
            float a = 1f - labelSmoothing, b = labelSmoothing / n;
            z.intoArray(s.z, 0);
            log1pLanes(g, s);
            FloatVector lse = FloatVector.fromArray(F, s.lse, 0);
            FloatVector dLabel = FloatVector.fromArray(F, s.dLabel, 0);
            FloatVector loss = smoothing
                    ? FloatVector.fromArray(F, foldD, 0).fma(FloatVector.broadcast(F, -b),
                            dLabel.fma(FloatVector.broadcast(F, -a), lse))
                    : lse.sub(dLabel);
            loss.intoArray(s.loss, 0);
            if (y == null) {
                return;
            }
            FloatVector inv = one.div(z.add(1f));
            FloatVector label = FloatVector.fromArray(F, s.label, 0);
            FloatVector minusOff = FloatVector.broadcast(F, -b), minusOn = FloatVector.broadcast(F, -(a + b));
            for (int j = 0; j < n; j++) {
                FloatVector t = minusOff.blend(minusOn, label.compare(VectorOperators.EQ, (float) j));
                FloatVector.fromArray(F, cols, j * L).fma(inv, t).mul(gradScale).intoArray(cols, j * L);
            }
        }
        for (int r = 0; r < g; r++) { // transpose out
            int yi = yOff + (i0 + r) * ldy;
            for (int j = 0; j < n; j++) {
                y[yi + j] = cols[j * L + r];
            }
        }
    }

    /**
     * s.lse = log1p(s.z) on the first g lanes (the rest are padding, never stored), lane by lane
     * with the scalar {@link FloatLog#log1p}, as the wide rows take it per row: on each lane the
     * same bits as {@link VectorFloatLog#log1p}, which narrowBlock does not call. A vector handed
     * to or returned from a method C2 has not inlined is a heap object, and C2 left that log1p a
     * call in narrowBlock (its inlining budget spent on the exp of the loop before it) or, when
     * it was inlined, left log1p's own core a call (its profile looked cold after a tier-2
     * compile on a busy machine): 192 to 384 bytes per block of rows on every call, measured.
     * Arrays in, nothing out: whether C2 inlines this or not, no vector crosses a call. One
     * scalar log1p per row; the row's exps stay vector lanes.
     */
    private static void log1pLanes(int g, Scratch s) {
        for (int r = 0; r < g; r++) {
            s.lse[r] = FloatLog.log1p(s.z[r]);
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
}

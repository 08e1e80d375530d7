package org.vecprop.internal.scalar;

import static org.vecprop.internal.SoftmaxOrder.CHUNK;
import static org.vecprop.internal.SoftmaxOrder.LANES;

import org.vecprop.internal.Buffers;
import org.vecprop.internal.LaneSums;
import org.vecprop.internal.SoftmaxOrder;
import org.vecprop.internal.math.FloatExp;
import org.vecprop.internal.math.FloatLog;

/**
 * Softmax, log-softmax, cross-entropy and binary cross-entropy in plain loops, one element at a
 * time in the order {@code contract.ArithmeticOrder} defines: what {@link ScalarKernels} runs, and
 * the definition the Vector API kernels reproduce bit for bit. Arguments are validated by the
 * caller.
 */
final class ScalarClassification {
    private ScalarClassification() {}

    /**
     * Two sets of 16 row lanes, cleared: the sum of e_j and, for label smoothing, of d_j; kept in
     * the call's buffers (the caller's workspace, or this thread's).
     */
    private static float[] lanes(Buffers buffers) {
        float[] l = Buffers.orThisThread(buffers).slot(Buffers.ROW_LANES, ScalarClassification::newLanes);
        java.util.Arrays.fill(l, 0f);
        return l;
    }

    private static float[] newLanes() {
        return new float[2 * LANES];
    }

    /** Row max as Math.max folds it (NaN if any element is NaN). */
    private static float max(float[] x, int xi, int n) {
        float m = x[xi];
        for (int j = 1; j < n; j++) {
            m = Math.max(m, x[xi + j]);
        }
        return m;
    }

    /** Softmax (log false) or log-softmax (log true) of every row; y may be exactly x. */
    static void softmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, boolean log,
                        Buffers buffers) {
        float[] lanes = lanes(buffers);
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * ldx, yi = yOff + i * ldy;
            float m = max(x, xi, cols);
            int c = 0;
            double total = 0;
            for (int j = 0; j < cols; j++) {
                float v = x[xi + j];
                float e = FloatExp.exp(v - m);
                if (!log) {
                    y[yi + j] = e; // x[xi + j] has been read: in place is fine
                }
                if (v == m) {
                    c++;
                } else {
                    lanes[j & (LANES - 1)] += e;
                }
                if ((j + 1) % CHUNK == 0 || j + 1 == cols) {
                    total += SoftmaxOrder.fold(lanes, 0);
                }
            }
            float z = SoftmaxOrder.z(c, total);
            if (log) {
                float lse = FloatLog.log1p(z);
                for (int j = 0; j < cols; j++) {
                    y[yi + j] = (x[xi + j] - m) - lse;
                }
            } else {
                float inv = 1f / (1f + z);
                for (int j = 0; j < cols; j++) {
                    y[yi + j] = y[yi + j] * inv;
                }
            }
        }
    }

    /** Cross-entropy: the double sum of the rows' losses; dz (may be exactly z) unless null. */
    static double crossEntropy(int rows, int classes, float[] z, int zOff, int ldz, int[] labels, int labelsOff,
                               float[] dz, int dzOff, int lddz, float gradScale, float labelSmoothing,
                               Buffers buffers) {
        float a = 1f - labelSmoothing, b = labelSmoothing / classes, on = a + b;
        boolean smoothing = labelSmoothing > 0f;
        float[] lanes = lanes(buffers);
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            int zi = zOff + i * ldz, di = dzOff + i * lddz;
            int label = labels[labelsOff + i];
            float m = max(z, zi, classes);
            float dLabel = z[zi + label] - m; // before dz, which may be z, is written
            int c = 0;
            double total = 0, totalD = 0;
            for (int j = 0; j < classes; j++) {
                float v = z[zi + j];
                float d = v - m;
                float e = FloatExp.exp(d);
                if (dz != null) {
                    dz[di + j] = e;
                }
                if (v == m) {
                    c++;
                } else {
                    lanes[j & (LANES - 1)] += e;
                }
                if (smoothing) {
                    lanes[LANES + (j & (LANES - 1))] += d;
                }
                if ((j + 1) % CHUNK == 0 || j + 1 == classes) {
                    total += SoftmaxOrder.fold(lanes, 0);
                    if (smoothing) {
                        totalD += SoftmaxOrder.fold(lanes, LANES);
                    }
                }
            }
            float zz = SoftmaxOrder.z(c, total);
            loss += SoftmaxOrder.rowLoss(FloatLog.log1p(zz), dLabel, (float) totalD, a, b, smoothing);
            if (dz != null) {
                float inv = 1f / (1f + zz);
                for (int j = 0; j < classes; j++) {
                    dz[di + j] = Math.fma(dz[di + j], inv, -(j == label ? on : b)) * gradScale;
                }
            }
        }
        return loss;
    }

    /** Binary cross-entropy with logits: the long sum of the losses; g (may be x or y) unless null. */
    static double binaryCrossEntropy(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                                     float[] posWeight, int posWeightOff, float[] g, int gOff, int ldg, float gradScale,
                                     Buffers buffers) {
        LaneSums s = Buffers.orThisThread(buffers).sums();
        float[] lanes = s.lanes;
        int lane = 0, inChunk = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float xv = x[xOff + i * ldx + j], yv = y[yOff + i * ldy + j];
                float w = posWeight == null ? 1f : posWeight[posWeightOff + j];
                float t = FloatExp.exp(-Math.abs(xv));
                float lw = Math.fma(w - 1f, yv, 1f);
                float py = w * yv;
                float linear = xv >= 0f ? xv * (1f - yv) : -xv * py;
                lanes[lane] += Math.fma(lw, FloatLog.log1p(t), linear);
                if (g != null) {
                    float q = (xv >= 0f ? 1f : t) / (1f + t);
                    g[gOff + i * ldg + j] = Math.fma(q, lw, -py) * gradScale;
                }
                lane = lane + 1 == LaneSums.LANES ? 0 : lane + 1;
                if (++inChunk == LaneSums.CHUNK) {
                    s.fold();
                    inChunk = 0;
                }
            }
        }
        s.fold();
        return s.total();
    }
}

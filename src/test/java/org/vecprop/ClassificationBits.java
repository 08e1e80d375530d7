package org.vecprop;

import java.util.SplittableRandom;
import org.vecprop.internal.math.FloatLog;
import org.vecprop.kernel.BinaryCrossEntropy;
import org.vecprop.kernel.CrossEntropy;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Reduction;
import org.vecprop.kernel.Softmax;
import org.vecprop.kernel.TopK;
import org.vecprop.kernel.Update;

/**
 * The classification kernels' same-bits hash, {@link SameBitsTest}'s {@code classification-kernels}
 * (pinned in {@code same-bits-pinned.txt} beside the others, which it leaves as they are): a fixed
 * set of calls of log and log1p, softmax,
 * log-softmax, cross-entropy (narrow and wide rows, across the 256-element chunk, with and
 * without label smoothing, both reductions, in place, special values), binary cross-entropy
 * (with and without weights, strided, across the 1024-element chunk), argmax and top-k, and 30
 * steps of a softmax regression (GEMM, cross-entropy with smoothing, SGD), hashed with
 * {@link SameBitsTest.Digest}. Every configuration must compute the same hash.
 */
final class ClassificationBits {
    private ClassificationBits() {}

    static String hash() {
        SameBitsTest.Digest d = new SameBitsTest.Digest();
        SplittableRandom rnd = new SplittableRandom(20261207);
        // log and log1p on specials, thresholds and a spread of values
        float[] xs = {0f, -0f, 1f, -1f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE, Float.POSITIVE_INFINITY,
            Float.NaN, 0x1p-24f, 0x1p24f, 0.70710677f, 1.4142135f, -0.29289323f, 0.41421357f, 3e-39f, -0.999f};
        for (float x : xs) {
            d.add(FloatLog.log(x));
            d.add(FloatLog.log1p(x));
        }
        for (int i = 0; i < 4096; i++) {
            float x = (float) Math.exp(rnd.nextDouble(-90, 90));
            d.add(FloatLog.log(x));
            d.add(FloatLog.log1p(x - 1f));
        }
        for (int[] s : new int[][] {{64, 10}, {7, 3}, {33, 17}, {5, 300}, {3, 1000}, {17, 1}, {300, 16}}) {
            int rows = s[0], cols = s[1], ld = cols + 2;
            float[] z = SameBitsTest.values(rnd, rows * ld);
            for (int i = 0; i < z.length; i++) {
                z[i] *= 30f;
            }
            z[1] = Float.NEGATIVE_INFINITY;
            if (rows > 3) {
                z[2 * ld] = Float.NaN;
                z[3 * ld + cols - 1] = 1e30f;
            }
            float[] y = new float[rows * ld];
            Softmax.forward(rows, cols, z, 0, ld, y, 0, ld);
            d.add(y);
            Softmax.logForward(rows, cols, z, 0, ld, y, 0, ld);
            d.add(y);
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) {
                labels[i] = rnd.nextInt(cols);
            }
            for (float eps : new float[] {0f, 0.1f}) {
                for (Reduction r : Reduction.values()) {
                    d.add(CrossEntropy.lossAndGradient(rows, cols, z, 0, ld, labels, 0, y, 0, ld, r, eps));
                    d.add(y);
                    d.add(CrossEntropy.loss(rows, cols, z, 0, ld, labels, 0, r, eps));
                }
            }
            float[] inPlace = z.clone();
            d.add(CrossEntropy.lossAndGradient(rows, cols, inPlace, 0, ld, labels, 0, inPlace, 0, ld, Reduction.MEAN, 0f));
            d.add(inPlace);
            float[] t = new float[rows * ld], w = new float[cols], g = new float[rows * ld];
            for (int i = 0; i < t.length; i++) {
                t[i] = (float) rnd.nextDouble();
            }
            for (int j = 0; j < cols; j++) {
                w[j] = (float) rnd.nextDouble(0, 4);
            }
            d.add(BinaryCrossEntropy.lossAndGradient(rows, cols, z, 0, ld, t, 0, ld, null, 0, g, 0, ld, Reduction.MEAN));
            d.add(g);
            d.add(BinaryCrossEntropy.lossAndGradient(rows, cols, z, 0, ld, t, 0, ld, w, 0, g, 0, ld, Reduction.SUM));
            d.add(g);
            int[] am = new int[rows];
            TopK.argmax(rows, cols, z, 0, ld, am, 0);
            int k = Math.min(3, cols);
            int[] idx = new int[rows * k];
            float[] vals = new float[rows * k];
            TopK.select(rows, cols, k, z, 0, ld, idx, 0, k, vals, 0, k);
            for (int v : am) {
                d.add(v);
            }
            for (int v : idx) {
                d.add(v);
            }
            d.add(vals);
        }
        // BCE over several 1024-element chunks, contiguous
        float[] bx = SameBitsTest.values(rnd, 3 * 1100), by = new float[3 * 1100], bg = new float[3 * 1100];
        for (int i = 0; i < by.length; i++) {
            by[i] = i % 3 == 0 ? 1f : 0f;
        }
        d.add(BinaryCrossEntropy.lossAndGradient(3, 1100, bx, 0, 1100, by, 0, 1100, null, 0, bg, 0, 1100, Reduction.MEAN));
        d.add(bg);
        training(d);
        return d.hex();
    }

    /** 30 steps of softmax regression 784 -> 10 at batch 16: logits by GEMM, cross-entropy, SGD. */
    static void training(SameBitsTest.Digest d) {
        int batch = 16, in = 784, classes = 10;
        SplittableRandom rnd = new SplittableRandom(5);
        float[] w = new float[in * classes], b = new float[classes], gw = new float[in * classes];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextDouble(-0.05, 0.05);
        }
        float[] x = new float[batch * in], z = new float[batch * classes], dz = new float[batch * classes];
        int[] labels = new int[batch];
        float[] ones = new float[batch], gb = new float[classes];
        java.util.Arrays.fill(ones, 1f);
        for (int step = 0; step < 30; step++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble();
            }
            for (int i = 0; i < batch; i++) {
                labels[i] = rnd.nextInt(classes);
            }
            Gemm.multiplyBiasActivation(false, false, batch, classes, in, 1f, x, 0, in, w, 0, classes, 0f, z, 0, classes,
                    b, 0, org.vecprop.kernel.Activation.IDENTITY);
            d.add(CrossEntropy.lossAndGradient(batch, classes, z, 0, classes, labels, 0, dz, 0, classes,
                    Reduction.MEAN, 0.1f));
            Gemm.multiply(true, false, in, classes, batch, 1f, x, 0, in, dz, 0, classes, 0f, gw, 0, classes);
            Gemm.multiply(false, false, 1, classes, batch, 1f, ones, 0, batch, dz, 0, classes, 0f, gb, 0, classes);
            Update.sgd(w.length, w, 0, gw, 0, null, 0, 0.5f, 0f, 0f, false);
            Update.sgd(classes, b, 0, gb, 0, null, 0, 0.5f, 0f, 0f, false);
        }
        d.add(w);
        d.add(b);
    }
}

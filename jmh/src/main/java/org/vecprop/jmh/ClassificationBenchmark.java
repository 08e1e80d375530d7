package org.vecprop.jmh;

import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.vecprop.kernel.BinaryCrossEntropy;
import org.vecprop.kernel.CrossEntropy;
import org.vecprop.kernel.Reduction;
import org.vecprop.kernel.Softmax;

/**
 * The classification losses and softmax at a classifier's output (64 x 10: batch 64, 10 classes)
 * and at a wide one (4096 x 1000), each as {@code vecprop}, {@code plainJava} (the loop a Java
 * programmer writes without vecprop: float arrays, {@link Math#exp} and {@link Math#log}, the
 * maximum subtracted first, two passes per row) and {@code copy} (a {@code System.arraycopy}
 * touching the same bytes). Scores are ns per call; bytes per call are {@link #bytesTouched}.
 *
 * <table>
 *   <caption>what each kernel computes and touches</caption>
 *   <tr><th>kernel</th><th>operation</th><th>bytes</th></tr>
 *   <tr><td>crossEntropy</td><td>mean loss and dZ = (softmax(Z) - onehot)/batch, fused</td><td>8 per logit + 4 per row (labels)</td></tr>
 *   <tr><td>softmax</td><td>Y = softmax(X) row-wise</td><td>8 per element</td></tr>
 *   <tr><td>bce</td><td>BCE with logits, mean loss and gradient, fused</td><td>12 per element</td></tr>
 * </table>
 */
public class ClassificationBenchmark extends BenchmarkDefaults {
    @Param({"crossEntropy", "softmax", "bce"})
    public String kernel;

    @Param({"64x10", "4096x1000"})
    public String shape;

    private int rows, cols;
    private float[] x, t, out, copySrc, copyDst;
    private int[] labels;

    /** The loss of the last call: kept in a field (returning it would box it). */
    public float loss;

    static long bytesTouched(String kernel, int rows, int cols) {
        long n = (long) rows * cols;
        return switch (kernel) {
            case "crossEntropy" -> 8L * n + 4L * rows;
            case "softmax" -> 8L * n;
            case "bce" -> 12L * n;
            default -> throw new IllegalArgumentException(kernel);
        };
    }

    @Setup
    public void setup() {
        String[] s = shape.split("x");
        rows = Integer.parseInt(s[0]);
        cols = Integer.parseInt(s[1]);
        Random rnd = new Random(1);
        x = RandomData.uniform(rnd, rows * cols, -4f, 4f);
        t = new float[rows * cols];
        for (int i = 0; i < t.length; i++) {
            t[i] = rnd.nextInt(4) == 0 ? rnd.nextFloat() : rnd.nextInt(2);
        }
        out = new float[rows * cols];
        labels = new int[rows];
        for (int i = 0; i < rows; i++) {
            labels[i] = rnd.nextInt(cols);
        }
        int floats = (int) (bytesTouched(kernel, rows, cols) / 8);
        copySrc = new float[floats];
        copyDst = new float[floats];
    }

    @Benchmark
    public Object vecprop() {
        switch (kernel) {
            case "crossEntropy" -> loss = CrossEntropy.lossAndGradient(rows, cols, x, 0, cols, labels, 0, out, 0, cols,
                    Reduction.MEAN, 0f);
            case "softmax" -> Softmax.forward(rows, cols, x, 0, cols, out, 0, cols);
            case "bce" -> loss = BinaryCrossEntropy.lossAndGradient(rows, cols, x, 0, cols, t, 0, cols, null, 0,
                    out, 0, cols, Reduction.MEAN);
            default -> throw new IllegalStateException(kernel);
        }
        return out;
    }

    @Benchmark
    public Object plainJava() {
        switch (kernel) {
            case "crossEntropy" -> loss = plainCrossEntropy(rows, cols, x, labels, out);
            case "softmax" -> plainSoftmax(rows, cols, x, out);
            case "bce" -> loss = plainBce(rows * cols, x, t, out);
            default -> throw new IllegalStateException(kernel);
        }
        return out;
    }

    /** The same bytes moved by {@code System.arraycopy}: the memory system's own pace. */
    @Benchmark
    public Object copy() {
        System.arraycopy(copySrc, 0, copyDst, 0, copySrc.length);
        return copyDst;
    }

    /** Softmax-cross-entropy as commonly written in Java: max, exp and sum, log, gradient; mean over rows. */
    static float plainCrossEntropy(int rows, int cols, float[] z, int[] labels, float[] dz) {
        double total = 0;
        for (int i = 0; i < rows; i++) {
            int o = i * cols;
            float m = z[o];
            for (int j = 1; j < cols; j++) {
                m = Math.max(m, z[o + j]);
            }
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(z[o + j] - m);
                dz[o + j] = e;
                sum += e;
            }
            total += Math.log(sum) - (z[o + labels[i]] - m);
            float inv = 1f / sum, scale = 1f / rows;
            for (int j = 0; j < cols; j++) {
                dz[o + j] = (dz[o + j] * inv - (j == labels[i] ? 1f : 0f)) * scale;
            }
        }
        return (float) (total / rows);
    }

    static void plainSoftmax(int rows, int cols, float[] x, float[] y) {
        for (int i = 0; i < rows; i++) {
            int o = i * cols;
            float m = x[o];
            for (int j = 1; j < cols; j++) {
                m = Math.max(m, x[o + j]);
            }
            float sum = 0f;
            for (int j = 0; j < cols; j++) {
                float e = (float) Math.exp(x[o + j] - m);
                y[o + j] = e;
                sum += e;
            }
            float inv = 1f / sum;
            for (int j = 0; j < cols; j++) {
                y[o + j] *= inv;
            }
        }
    }

    /** BCE with logits in PyTorch's stable form, mean: loss and gradient (sigmoid(x) - y)/n. */
    static float plainBce(int n, float[] x, float[] y, float[] g) {
        double total = 0;
        float scale = 1f / n;
        for (int k = 0; k < n; k++) {
            float xv = x[k], yv = y[k];
            double e = Math.exp(-Math.abs(xv));
            total += Math.max(xv, 0f) - xv * yv + Math.log1p(e);
            float s = (float) (xv >= 0 ? 1 / (1 + e) : e / (1 + e));
            g[k] = (s - yv) * scale;
        }
        return (float) (total / n);
    }
}

package org.vecprop.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;
import org.vecprop.reference.ReferenceBinaryCrossEntropy;
import org.vecprop.reference.ReferenceCrossEntropy;
import org.vecprop.reference.ReferenceSigmoid;
import org.vecprop.reference.ReferenceSoftmax;

/**
 * The error bounds of the classification kernels ({@code kernel.Softmax}, {@code CrossEntropy},
 * {@code BinaryCrossEntropy}), as their javadoc states them, checked against exact values computed
 * in double from the inputs: shared by the kernels' tests and {@code ScalarKernelsTest}, which
 * holds the scalar implementation to the same bounds.
 */
public final class ClassificationBounds {
    private ClassificationBounds() {}

    static final double U = Compare.U;

    /**
     * Checks row i of the kernel's output against the exact values, element by element: softmax
     * within {@code (|d_j| + w + 26) u y*_j + 2^-148}, log-softmax within
     * {@code (|d_j| + |y*_j| + 1.5 log s + w + 22) u} (see {@code kernel.Softmax}).
     */
    public static void softmaxRow(float[] x, int xi, int n, float[] y, int yi, boolean log, String what) {
        double[] ms = ReferenceSoftmax.maxAndSum(x, xi, n);
        double m = ms[0], s = ms[1], lse = Math.log1p(ms[2]);
        double w = 0;
        for (int k = 0; k < n; k++) {
            double d = (double) x[xi + k] - m;
            double p = Math.exp(d) / s;
            if (p > 0) {
                w += p * Math.abs(d);
            }
        }
        for (int j = 0; j < n; j++) {
            double d = (double) x[xi + j] - m;
            double exact = log ? d - lse : Math.exp(d) / s;
            double tol = log ? (Math.abs(d) + Math.abs(exact) + 1.5 * lse + w + 22) * U
                    : (Math.abs(d) + w + 26) * U * exact + 2 * Float.MIN_VALUE;
            if (Double.isNaN(tol)) {
                tol = 0; // d = -Inf: the exact 0 (softmax) must be met exactly
            }
            float got = y[yi + j];
            // An exact value beyond the float range (a difference from the maximum past 3.4e38)
            // rounds to an infinity, which must then be the result.
            boolean ok = Double.isNaN(exact) ? Float.isNaN(got)
                    : Float.isInfinite((float) exact) ? got == (float) exact : Math.abs(got - exact) <= tol;
            if (!ok) {
                fail(String.format(Locale.ROOT, "%s, element %d: %s = %s, exact %.10g, bound %.3g (d %.4g, w %.4g)",
                        what, j, log ? "log-softmax" : "softmax", got, exact, tol, d, w));
            }
        }
    }

    public static void outsideUntouched(float[] before, float[] after, int off, int ld, int rows, int cols, String what) {
        for (int idx = 0; idx < before.length; idx++) {
            int rel = idx - off;
            boolean inside = rel >= 0 && rel / ld < rows && rel % ld < cols;
            if (!inside) {
                Compare.same(before[idx], after[idx], what + ": outside the window at " + idx);
            }
        }
    }

    /** Exact (double) facts of one row: loss, softmax, and the weights w and w' of the bounds. */
    public record Row(double loss, double[] p, double[] d, double w, double wBelow) {}

    public static Row exactRow(float[] z, int zi, int n, int label, float eps) {
        double[] ms = ReferenceSoftmax.maxAndSum(z, zi, n);
        double[] p = new double[n], d = new double[n];
        double w = 0, below = 0, belowWeight = 0;
        for (int j = 0; j < n; j++) {
            d[j] = (double) z[zi + j] - ms[0];
            p[j] = Math.exp(d[j]) / ms[1];
            if (p[j] > 0) {
                w += p[j] * Math.abs(d[j]);
                if (z[zi + j] != (float) ms[0]) {
                    below += Math.exp(d[j]) * Math.abs(d[j]);
                    belowWeight += Math.exp(d[j]);
                }
            }
        }
        double loss = ReferenceCrossEntropy.rowLoss(z, zi, n, label, eps);
        return new Row(loss, p, d, w, belowWeight > 0 ? below / belowWeight : 0);
    }

    /** Asserts a float against an exact double within tol; NaN and infinities by class. */
    public static void within(double exact, float got, double tol, String what) {
        boolean ok = Double.isNaN(exact) ? Float.isNaN(got)
                : Float.isInfinite((float) exact) ? got == (float) exact : Math.abs(got - exact) <= tol;
        if (!ok) {
            fail(String.format(Locale.ROOT, "%s: got %s, exact %.12g, bound %.4g", what, got, exact, tol));
        }
    }

    /**
     * Checks a call's loss and gradient against the exact values: the loss within
     * {@code (w'_max + 26) u} relative, each dz element within
     * {@code g ((|d_j| + w + 25) p_j + 2 t_j + 3 |p_j - t_j|) u + 2^-148}.
     */
    public static void crossEntropy(float[] z, int zOff, int ldz, int rows, int classes, int[] labels, int labelsOff,
                                  float eps, boolean mean, float loss, float[] dz, int dzOff, int lddz, String what) {
        double total = 0, wMax = 0;
        double g = mean ? 1.0 / rows : 1.0;
        for (int i = 0; i < rows; i++) {
            int label = labels[labelsOff + i];
            Row r = exactRow(z, zOff + i * ldz, classes, label, eps);
            total += r.loss();
            wMax = Math.max(wMax, r.wBelow());
            if (dz == null) {
                continue;
            }
            for (int j = 0; j < classes; j++) {
                double t = (j == label ? 1 - (double) eps : 0) + (double) eps / classes;
                double p = r.p()[j];
                double ex = (p - t) * g;
                double tol = g * ((Math.abs(r.d()[j]) + r.w() + 25) * p + 2 * t + 3 * Math.abs(p - t)) * U
                        + 2 * Float.MIN_VALUE;
                if (Double.isNaN(tol)) {
                    tol = g * (2 * t + 3 * Math.abs(p - t)) * U + 2 * Float.MIN_VALUE; // d = -Inf, p = 0
                }
                within(ex, dz[dzOff + i * lddz + j], tol, what + " dz[" + i + "][" + j + "]");
            }
        }
        double exactLoss = mean ? total / rows : total;
        within(exactLoss, loss, (wMax + 26) * U * Math.abs(exactLoss), what + " loss");
    }

    /**
     * The loss within {@code (23 L + r sum |w - 1| y log1p(e^-|x|)) u + r n 2^-148} and each
     * gradient element within {@code g (5.2 s lw + s |w - 1| y + w y + 3 |s lw - w y|) u + 2^-148}
     * of the exact values (the bounds {@link BinaryCrossEntropy} states), targets in [0, 1].
     */
    public static void binaryCrossEntropy(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                                  float[] w, int wOff, float[] g, int gOff, int ldg, boolean mean, float loss,
                                  String what) {
        long n = (long) rows * cols;
        double r = mean ? 1.0 / n : 1.0;
        double total = 0, weighted = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double xv = x[xOff + i * ldx + j], yv = y[yOff + i * ldy + j];
                double wv = w == null ? 1 : w[wOff + j];
                total += ReferenceBinaryCrossEntropy.loss(xv, yv, wv);
                weighted += Math.abs(wv - 1) * yv * Math.log1p(Math.exp(-Math.abs(xv)));
                if (g == null) {
                    continue;
                }
                double s = ReferenceSigmoid.value(xv), lw = 1 + (wv - 1) * yv;
                double exact = (s * lw - wv * yv) * r;
                double tol = r * (5.2 * s * lw + s * Math.abs(wv - 1) * yv + wv * yv + 3 * Math.abs(s * lw - wv * yv)) * U
                        + 2 * Float.MIN_VALUE;
                within(exact, g[gOff + i * ldg + j], tol, what + " g[" + i + "][" + j + "] (x " + xv
                        + ", y " + yv + ", w " + wv + ")");
            }
        }
        double exactLoss = total * r;
        within(exactLoss, loss, (23 * Math.abs(exactLoss) + r * weighted) * U + r * n * 2 * Float.MIN_VALUE,
                what + " loss");
    }
}

package org.vecprop.reference;

import org.vecprop.contract.Checks;

/**
 * Binary cross-entropy with logits, as PyTorch's {@code nn.BCEWithLogitsLoss(reduction,
 * pos_weight)} defines it, computed in double: the oracle the BCE kernel is held to.
 *
 * <p>Per element, with logit x, target y and the positive weight w of its column (1 without
 * weights): PyTorch's loss {@code (1 - y) x + lw * softplus(-x)}, {@code lw = 1 + (w - 1) y},
 * {@code softplus(-x) = max(-x, 0) + log1p(exp(-|x|))}. Written that way it cancels in double when
 * x is very negative (-20 + 20.000000002), so it is computed in the rearranged form
 * {@code (x >= 0 ? x (1 - y) : -x w y) + lw * log1p(exp(-|x|))}, the same value (for x &lt; 0,
 * {@code (1 - y) x + lw (-x) = -x (lw - 1 + y) = -x w y}), a sum of two terms that are not
 * negative when y is in [0, 1] and w >= 0. The gradient is {@code (lw * sigmoid(x) - w y) * g},
 * {@code g = 1} for the sum and {@code 1 / (rows * cols)} for the mean. Targets are not checked
 * (PyTorch does not check them either); outside [0, 1] the formulas apply as written.
 */
public final class ReferenceBinaryCrossEntropy {
    private ReferenceBinaryCrossEntropy() {}

    /**
     * The loss of one element in double precision.
     *
     * @param x the logit
     * @param y the target
     * @param w the positive weight (1 for none)
     * @return the element's loss
     */
    public static double loss(double x, double y, double w) {
        double lw = 1 + (w - 1) * y;
        double linear = x >= 0 ? x * (1 - y) : -x * w * y;
        return linear + lw * Math.log1p(Math.exp(-Math.abs(x)));
    }

    /**
     * The gradient of one element's loss with respect to x, before the reduction's scale.
     *
     * @param x the logit
     * @param y the target
     * @param w the positive weight (1 for none)
     * @return {@code lw * sigmoid(x) - w y}
     */
    public static double gradient(double x, double y, double w) {
        double lw = 1 + (w - 1) * y;
        return lw * ReferenceSigmoid.value(x) - w * y;
    }

    /**
     * The loss over all elements and, when {@code g} is not null, its gradient.
     *
     * @param rows rows of x, y and g, {@code >= 0}
     * @param cols columns of x, y and g, {@code >= 0}
     * @param x logits, row stride {@code ldx}
     * @param xOff index of x's first element
     * @param ldx row stride of x, {@code >= max(1, cols)}
     * @param y targets, row stride {@code ldy}
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @param posWeight null, or one weight per column from {@code posWeightOff}
     * @param posWeightOff index of column 0's weight
     * @param g gradient output or null; may be exactly x's or y's view; row stride {@code ldg}
     * @param gOff index of g's first element
     * @param ldg row stride of g
     * @param mean the mean over all elements (else the sum)
     * @return the loss rounded to float; NaN for a mean over no elements, 0 for a sum over none
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride, extent or overlap, before any write
     */
    public static float lossAndGradient(int rows, int cols, float[] x, int xOff, int ldx,
                                        float[] y, int yOff, int ldy, float[] posWeight, int posWeightOff,
                                        float[] g, int gOff, int ldg, boolean mean) {
        Checks.binaryCrossEntropy(rows, cols, x, xOff, ldx, y, yOff, ldy, posWeight, posWeightOff, g, gOff, ldg, g != null);
        long n = (long) rows * cols;
        double scale = mean ? 1.0 / n : 1.0;
        double total = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                double xv = x[xOff + i * ldx + j], yv = y[yOff + i * ldy + j];
                double w = posWeight == null ? 1 : posWeight[posWeightOff + j];
                total += loss(xv, yv, w);
                if (g != null) {
                    g[gOff + i * ldg + j] = (float) (gradient(xv, yv, w) * scale);
                }
            }
        }
        return (float) (mean ? total / n : total);
    }
}

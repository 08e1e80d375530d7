package org.vecprop.kernel;

import org.vecprop.contract.Checks;
import org.vecprop.internal.Buffers;

/**
 * Binary cross-entropy with logits, fused with its gradient: PyTorch's
 * {@code nn.BCEWithLogitsLoss(reduction, pos_weight)} on row-major {@code rows x cols} logits x
 * and targets y (one sample per row, one binary output per column: a click, a fraud score, a
 * label of a multi-label problem), offset plus row stride like BLAS.
 *
 * <p><b>What is computed</b> ({@code contract.ArithmeticOrder}, "Binary cross-entropy with
 * logits"): per element, with w the positive weight of its column (1 without weights),
 * {@code l = (1 − y)·x + (1 + (w − 1)·y)·softplus(−x)}, {@code softplus(−x) = max(−x, 0) +
 * log1p(exp(−|x|))}; without weights that is PyTorch's numerically stable
 * {@code max(x, 0) − x·y + log1p(exp(−|x|))}. It is evaluated as
 * {@code (x >= 0 ? x(1 − y) : −x·w·y) + (1 + (w − 1)y)·log1p(exp(−|x|))}, the same value as a sum
 * of two terms that are not negative for y in [0, 1], so nothing cancels (the textbook form
 * returns 0 for x = −20, y = 0, whose loss is 2.1e-9). The gradient
 * {@code sigmoid(x)·(1 + (w − 1)y) − w·y} is written in the same pass, times g = 1/(rows·cols) for
 * the mean and 1 for the sum; the sigmoid comes from the same {@code exp(−|x|)}. vecprop's own exp
 * and log1p, and the long-sum order for the loss: the same bits at every vector width, on the
 * scalar path, in every JIT tier and on any CPU.
 *
 * <p><b>Accuracy</b>, against {@link org.vecprop.reference.ReferenceBinaryCrossEntropy} (double),
 * u = 2^-24, for targets in [0, 1] and weights {@code >= 0}: the loss within
 * {@code (23·L + r·sum_e |w − 1|·y·log1p(e^{−|x|}))·u}, L the exact loss, r = 1/(rows·cols) for
 * the mean and 1 for the sum (without weights: 23 u relative); each gradient element within
 * {@code g·(5.2·s·lw + s·|w − 1|·y + w·y + 3|s·lw − w·y|)·u}, s the exact sigmoid and
 * {@code lw = 1 + (w − 1)y} (derivation in {@code docs/log.md}).
 *
 * <p><b>Targets</b> are not checked, as PyTorch does not check them: outside [0, 1] the formula
 * is computed as written (the loss may then be negative, and the bound above does not hold); a
 * NaN target or logit gives NaN, an infinite target NaN or an infinity. An infinite logit gives
 * the limit where that is +Inf (x = +Inf with y &lt; 1, x = -Inf with y > 0) and NaN where the
 * formula meets 0·Inf (x = +Inf with y = 1, x = -Inf with y = 0; PyTorch's arrangement gives NaN
 * for x = -Inf, y = 1 as well); the gradient stays finite (the sigmoid of ±Inf is 1 or 0).
 * Logits of ±1e30 are fine.
 *
 * <p>Aliasing: g may be exactly x's or y's view (in place) and may overlap nothing else,
 * posWeight included. Bad input throws before anything is written, naming the argument
 * ({@code docs/conventions.md}). Thread-safe; allocates nothing once warm: about 40 KB of
 * scratch, kept per thread (made on a thread's first call) or, in the forms that take one, in
 * the caller's {@link Workspace}.
 */
public final class BinaryCrossEntropy {
    private BinaryCrossEntropy() {}

    /**
     * Returns the loss and writes its gradient with respect to the logits, in one pass.
     *
     * @param rows rows of x, y and g, {@code >= 0}
     * @param cols columns of x, y and g, {@code >= 0}
     * @param x logits, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y targets, from {@code yOff} with row stride {@code ldy}, normally in [0, 1]
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @param posWeight null for no weighting, or the positive weight of each column (PyTorch's
     *     {@code pos_weight}): {@code cols} floats from {@code posWeightOff}
     * @param posWeightOff index of column 0's weight (ignored when posWeight is null)
     * @param g gradient output, {@code rows x cols}, row stride {@code ldg}; may be exactly x's or
     *     y's view; not written when {@code rows * cols == 0}
     * @param gOff index of g's first element
     * @param ldg row stride of g
     * @param reduction the mean over all elements or the sum
     * @return the loss: NaN for the mean over no elements, 0 for the sum over none
     * @throws NullPointerException for a null x, y, g or reduction
     * @throws IllegalArgumentException for a bad size, stride or overlap
     * @throws IndexOutOfBoundsException for an offset or extent past an array; every exception
     *     before anything is written
     */
    public static float lossAndGradient(int rows, int cols, float[] x, int xOff, int ldx,
                                        float[] y, int yOff, int ldy, float[] posWeight, int posWeightOff,
                                        float[] g, int gOff, int ldg, Reduction reduction) {
        Checks.reduction(reduction);
        Checks.binaryCrossEntropy(rows, cols, x, xOff, ldx, y, yOff, ldy, posWeight, posWeightOff, g, gOff, ldg, true);
        return compute(rows, cols, x, xOff, ldx, y, yOff, ldy, posWeight, posWeightOff, g, gOff, ldg, reduction,
                null);
    }

    /**
     * As {@link #lossAndGradient(int, int, float[], int, int, float[], int, int, float[], int,
     * float[], int, int, Reduction)}, with its scratch in the caller's workspace instead of this
     * thread's; bit-identical to it. Every argument is checked before anything is written.
     *
     * @param rows rows of x, y and g, {@code >= 0}
     * @param cols columns of x, y and g, {@code >= 0}
     * @param x logits, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y targets, from {@code yOff} with row stride {@code ldy}, normally in [0, 1]
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @param posWeight null for no weighting, or the positive weight of each column (PyTorch's
     *     {@code pos_weight}): {@code cols} floats from {@code posWeightOff}
     * @param posWeightOff index of column 0's weight (ignored when posWeight is null)
     * @param g gradient output, {@code rows x cols}, row stride {@code ldg}; may be exactly x's or
     *     y's view; not written when {@code rows * cols == 0}
     * @param gOff index of g's first element
     * @param ldg row stride of g
     * @param reduction the mean over all elements or the sum
     * @param workspace the caller's scratch ({@link Workspace})
     * @return the loss: NaN for the mean over no elements, 0 for the sum over none
     * @throws NullPointerException if {@code workspace} is null, or as the form without one
     * @throws IllegalArgumentException as the form without a workspace
     * @throws IndexOutOfBoundsException as the form without a workspace
     */
    public static float lossAndGradient(int rows, int cols, float[] x, int xOff, int ldx,
                                        float[] y, int yOff, int ldy, float[] posWeight, int posWeightOff,
                                        float[] g, int gOff, int ldg, Reduction reduction,
                                        Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        Checks.reduction(reduction);
        Checks.binaryCrossEntropy(rows, cols, x, xOff, ldx, y, yOff, ldy, posWeight, posWeightOff, g, gOff, ldg, true);
        return compute(rows, cols, x, xOff, ldx, y, yOff, ldy, posWeight, posWeightOff, g, gOff, ldg, reduction,
                buffers);
    }

    /**
     * Returns the loss only: the same value as {@link #lossAndGradient}, bit for bit, writing
     * nothing.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y, {@code >= 0}
     * @param x logits, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y targets, from {@code yOff} with row stride {@code ldy}
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @param posWeight null, or {@code cols} positive weights from {@code posWeightOff}
     * @param posWeightOff index of column 0's weight
     * @param reduction the mean over all elements or the sum
     * @return the loss: NaN for the mean over no elements, 0 for the sum over none
     * @throws NullPointerException for a null x, y or reduction
     * @throws IllegalArgumentException for a bad size or stride
     * @throws IndexOutOfBoundsException for an offset or extent past an array
     */
    public static float loss(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                             float[] posWeight, int posWeightOff, Reduction reduction) {
        Checks.reduction(reduction);
        Checks.binaryCrossEntropy(rows, cols, x, xOff, ldx, y, yOff, ldy, posWeight, posWeightOff, null, 0, 0, false);
        return compute(rows, cols, x, xOff, ldx, y, yOff, ldy, posWeight, posWeightOff, null, 0, 0, reduction,
                null);
    }

    /**
     * As {@link #loss(int, int, float[], int, int, float[], int, int, float[], int, Reduction)},
     * with its scratch in the caller's workspace instead of this thread's; bit-identical to it.
     * Every argument is checked before anything is written.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y, {@code >= 0}
     * @param x logits, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y targets, from {@code yOff} with row stride {@code ldy}
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @param posWeight null, or {@code cols} positive weights from {@code posWeightOff}
     * @param posWeightOff index of column 0's weight
     * @param reduction the mean over all elements or the sum
     * @param workspace the caller's scratch ({@link Workspace})
     * @return the loss: NaN for the mean over no elements, 0 for the sum over none
     * @throws NullPointerException if {@code workspace} is null, or as the form without one
     * @throws IllegalArgumentException as the form without a workspace
     * @throws IndexOutOfBoundsException as the form without a workspace
     */
    public static float loss(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                             float[] posWeight, int posWeightOff, Reduction reduction, Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        Checks.reduction(reduction);
        Checks.binaryCrossEntropy(rows, cols, x, xOff, ldx, y, yOff, ldy, posWeight, posWeightOff, null, 0, 0, false);
        return compute(rows, cols, x, xOff, ldx, y, yOff, ldy, posWeight, posWeightOff, null, 0, 0, reduction,
                buffers);
    }

    private static float compute(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                                 float[] posWeight, int posWeightOff, float[] g, int gOff, int ldg,
                                 Reduction reduction, Buffers buffers) {
        boolean mean = reduction == Reduction.MEAN;
        long n = (long) rows * cols;
        if (n == 0) {
            return mean ? Float.NaN : 0f;
        }
        float gradScale = mean ? (float) (1.0 / n) : 1f;
        double total = Implementation.KERNELS.binaryCrossEntropy(rows, cols, x, xOff, ldx, y, yOff, ldy,
                posWeight, posWeightOff, g, gOff, ldg, gradScale, buffers);
        return (float) (mean ? total / n : total);
    }
}

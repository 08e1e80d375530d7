package org.vecprop.kernel;

import org.vecprop.contract.Checks;
import org.vecprop.internal.Buffers;

/**
 * Cross-entropy over logits with integer class labels, fused with its gradient: PyTorch's
 * {@code nn.CrossEntropyLoss(reduction, label_smoothing)} on row-major {@code rows x classes}
 * logits z (one sample per row, offset plus row stride like BLAS) and one label per row.
 *
 * <p><b>What is computed</b> ({@code contract.ArithmeticOrder}, "Softmax, log-softmax and
 * cross-entropy"): per row, {@code loss_i = −sum_j t_j log softmax(z_i)_j} with the target
 * {@code t_j = (1 − eps)·[j == label] + eps / classes} (eps the label smoothing; without smoothing
 * {@code loss_i = −log softmax(z_i)_label}); the batch's loss is the sum of the rows' losses or their
 * mean over rows ({@link Reduction}). {@link #lossAndGradient} also writes
 * {@code dz = (softmax(z) − t)·g}, g = 1/rows for the mean and 1 for the sum, in the same pass
 * over the logits: the gradient of the loss with respect to the logits, with no separate softmax
 * and no softmax backward (each row's logits are read twice, the second time from L1). The
 * row's maximum is subtracted first, vecprop's own exp and log1p are used, and the sums run in a
 * fixed order, so the results are the same bits at every vector width, on the scalar path, in
 * every JIT tier and on any CPU. Without smoothing, a row's loss equals {@code −}{@link Softmax#logForward}'s
 * value at its label (as numbers: a zero loss is +0 where the negated log-softmax is -0), and, for
 * the sum, {@code dz} off the label equals {@link Softmax#forward}'s output bit for bit.
 *
 * <p><b>Accuracy</b>, against {@link org.vecprop.reference.ReferenceCrossEntropy} (double, PyTorch's
 * formulas), u = 2^-24, {@code d_j = z_j − max}, and w' the mean of {@code |d_j|} over the logits
 * below the row's maximum weighted by {@code e^{d_j}} (0 if there are none): each row's loss within
 * {@code (w' + 25)·u} relative, and the batch's within {@code (w'_max + 26)·u} relative (every
 * term of the loss is non-negative, and the logits equal to the maximum are kept out of the sum
 * whose log1p is taken, so a confident row's tiny loss keeps its relative accuracy where
 * {@code log(sum)} would round to 0); the gradient element within
 * {@code g·((|d_j| + w + 25)·p_j + 2 t_j + 3|p_j − t_j|)·u + 2^-148} (the last term where
 * the result is subnormal), p the exact softmax and
 * {@code w = sum_k p_k |d_k|} (derivation in {@code docs/log.md}).
 *
 * <p><b>Special values</b> follow {@link Softmax}: a NaN logit makes its row's loss and gradient
 * NaN (and so the batch's loss); a +Inf logit gives a NaN loss if it is the label's and +Inf
 * otherwise; a -Inf logit gives +Inf when it is the label's (and, with smoothing, always, as in
 * PyTorch, which adds the smoothing term only when eps > 0). Logits of ±1e30 are fine.
 *
 * <p><b>Bad input</b> throws before anything is written ({@code docs/conventions.md}): a label
 * outside {@code [0, classes)} is an {@code IllegalArgumentException} naming the row and the value
 * ({@code labels must be in [0, classes = 10), got 12 for row 3}; PyTorch's {@code ignore_index}
 * is not offered),
 * as is a smoothing outside [0, 1]; null arrays, bad sizes, strides, extents and overlaps as
 * everywhere. dz may be exactly z's view (in place, the logits are then lost) and may overlap
 * nothing else. Thread-safe; allocates nothing once warm: a few KB of scratch, kept per thread
 * (made on a thread's first call) or, in the forms that take one, in the caller's {@link
 * Workspace}.
 */
public final class CrossEntropy {
    private CrossEntropy() {}

    /**
     * Returns the loss and writes its gradient with respect to the logits,
     * {@code dz = (softmax(z) − t)·g}, in one pass.
     *
     * @param rows rows of z and dz (the batch), {@code >= 0}
     * @param classes columns of z and dz, {@code >= 0} (at least 1 when rows > 0, since every label
     *     must be a class)
     * @param z logits, from {@code zOff} with row stride {@code ldz >= max(1, classes)}
     * @param zOff index of z's first element
     * @param ldz row stride of z
     * @param labels one class per row: row i's is {@code labels[labelsOff + i]}, in {@code [0, classes)}
     * @param labelsOff index of row 0's label
     * @param dz gradient output, {@code rows x classes}, row stride {@code lddz}; may be exactly z's
     *     view; not written when rows is 0
     * @param dzOff index of dz's first element
     * @param lddz row stride of dz
     * @param reduction the mean over rows or the sum
     * @param labelSmoothing eps in [0, 1], as PyTorch's {@code label_smoothing} (0 for none)
     * @return the loss: NaN for the mean over no rows, 0 for the sum over none
     * @throws NullPointerException for a null array or reduction
     * @throws IllegalArgumentException for a bad size, stride, overlap, smoothing or label
     * @throws IndexOutOfBoundsException for an offset or extent past an array; every exception
     *     before anything is written
     */
    public static float lossAndGradient(int rows, int classes, float[] z, int zOff, int ldz,
                                        int[] labels, int labelsOff, float[] dz, int dzOff, int lddz,
                                        Reduction reduction, float labelSmoothing) {
        Checks.reduction(reduction);
        Checks.crossEntropy(rows, classes, z, zOff, ldz, labels, labelsOff, dz, dzOff, lddz, true, labelSmoothing);
        return compute(rows, classes, z, zOff, ldz, labels, labelsOff, dz, dzOff, lddz, reduction, labelSmoothing,
                null);
    }

    /**
     * As {@link #lossAndGradient(int, int, float[], int, int, int[], int, float[], int, int,
     * Reduction, float)}, with its scratch in the caller's workspace instead of this thread's;
     * bit-identical to it. Every argument is checked before anything is written.
     *
     * @param rows rows of z and dz (the batch), {@code >= 0}
     * @param classes columns of z and dz, {@code >= 0} (at least 1 when rows > 0, since every label
     *     must be a class)
     * @param z logits, from {@code zOff} with row stride {@code ldz >= max(1, classes)}
     * @param zOff index of z's first element
     * @param ldz row stride of z
     * @param labels one class per row: row i's is {@code labels[labelsOff + i]}, in {@code [0, classes)}
     * @param labelsOff index of row 0's label
     * @param dz gradient output, {@code rows x classes}, row stride {@code lddz}; may be exactly z's
     *     view; not written when rows is 0
     * @param dzOff index of dz's first element
     * @param lddz row stride of dz
     * @param reduction the mean over rows or the sum
     * @param labelSmoothing eps in [0, 1], as PyTorch's {@code label_smoothing} (0 for none)
     * @param workspace the caller's scratch ({@link Workspace})
     * @return the loss: NaN for the mean over no rows, 0 for the sum over none
     * @throws NullPointerException if {@code workspace} is null, or as the form without one
     * @throws IllegalArgumentException as the form without a workspace
     * @throws IndexOutOfBoundsException as the form without a workspace
     */
    public static float lossAndGradient(int rows, int classes, float[] z, int zOff, int ldz,
                                        int[] labels, int labelsOff, float[] dz, int dzOff, int lddz,
                                        Reduction reduction, float labelSmoothing, Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        Checks.reduction(reduction);
        Checks.crossEntropy(rows, classes, z, zOff, ldz, labels, labelsOff, dz, dzOff, lddz, true, labelSmoothing);
        return compute(rows, classes, z, zOff, ldz, labels, labelsOff, dz, dzOff, lddz, reduction, labelSmoothing,
                buffers);
    }

    /**
     * Returns the loss only (for evaluation): the same value as {@link #lossAndGradient}, bit for
     * bit, writing nothing.
     *
     * @param rows rows of z (the batch), {@code >= 0}
     * @param classes columns of z, {@code >= 0} (at least 1 when rows > 0)
     * @param z logits, from {@code zOff} with row stride {@code ldz >= max(1, classes)}
     * @param zOff index of z's first element
     * @param ldz row stride of z
     * @param labels one class per row: row i's is {@code labels[labelsOff + i]}, in {@code [0, classes)}
     * @param labelsOff index of row 0's label
     * @param reduction the mean over rows or the sum
     * @param labelSmoothing eps in [0, 1] (0 for none)
     * @return the loss: NaN for the mean over no rows, 0 for the sum over none
     * @throws NullPointerException for a null array or reduction
     * @throws IllegalArgumentException for a bad size, stride, smoothing or label
     * @throws IndexOutOfBoundsException for an offset or extent past an array
     */
    public static float loss(int rows, int classes, float[] z, int zOff, int ldz, int[] labels, int labelsOff,
                             Reduction reduction, float labelSmoothing) {
        Checks.reduction(reduction);
        Checks.crossEntropy(rows, classes, z, zOff, ldz, labels, labelsOff, null, 0, 0, false, labelSmoothing);
        return compute(rows, classes, z, zOff, ldz, labels, labelsOff, null, 0, 0, reduction, labelSmoothing,
                null);
    }

    /**
     * As {@link #loss(int, int, float[], int, int, int[], int, Reduction, float)}, with its scratch
     * in the caller's workspace instead of this thread's; bit-identical to it. Every argument is
     * checked before anything is written.
     *
     * @param rows rows of z (the batch), {@code >= 0}
     * @param classes columns of z, {@code >= 0} (at least 1 when rows > 0)
     * @param z logits, from {@code zOff} with row stride {@code ldz >= max(1, classes)}
     * @param zOff index of z's first element
     * @param ldz row stride of z
     * @param labels one class per row: row i's is {@code labels[labelsOff + i]}, in {@code [0, classes)}
     * @param labelsOff index of row 0's label
     * @param reduction the mean over rows or the sum
     * @param labelSmoothing eps in [0, 1] (0 for none)
     * @param workspace the caller's scratch ({@link Workspace})
     * @return the loss: NaN for the mean over no rows, 0 for the sum over none
     * @throws NullPointerException if {@code workspace} is null, or as the form without one
     * @throws IllegalArgumentException as the form without a workspace
     * @throws IndexOutOfBoundsException as the form without a workspace
     */
    public static float loss(int rows, int classes, float[] z, int zOff, int ldz, int[] labels, int labelsOff,
                             Reduction reduction, float labelSmoothing, Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        Checks.reduction(reduction);
        Checks.crossEntropy(rows, classes, z, zOff, ldz, labels, labelsOff, null, 0, 0, false, labelSmoothing);
        return compute(rows, classes, z, zOff, ldz, labels, labelsOff, null, 0, 0, reduction, labelSmoothing,
                buffers);
    }

    private static float compute(int rows, int classes, float[] z, int zOff, int ldz, int[] labels, int labelsOff,
                                 float[] dz, int dzOff, int lddz, Reduction reduction, float labelSmoothing,
                                 Buffers buffers) {
        boolean mean = reduction == Reduction.MEAN;
        if (rows == 0) {
            return mean ? Float.NaN : 0f;
        }
        float gradScale = mean ? (float) (1.0 / rows) : 1f;
        double total = Implementation.KERNELS.crossEntropy(rows, classes, z, zOff, ldz, labels, labelsOff,
                dz, dzOff, lddz, gradScale, labelSmoothing, buffers);
        return (float) (mean ? total / rows : total);
    }
}

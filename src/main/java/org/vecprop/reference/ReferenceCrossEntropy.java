package org.vecprop.reference;

import org.vecprop.contract.Checks;

/**
 * Cross-entropy over logits with integer class labels, as PyTorch's
 * {@code nn.CrossEntropyLoss(reduction, label_smoothing)} defines it, computed in double: the
 * oracle the cross-entropy kernel is held to.
 *
 * <p>Row i with logits z (C = classes of them), label l and smoothing eps: with
 * {@code log p_j = logSoftmax(z)_j} ({@link ReferenceSoftmax}), {@code nll = -log p_l}; without
 * smoothing the row's loss is nll, with smoothing ({@code eps > 0}) it is
 * {@code (1 - eps) * nll + eps * smooth}, {@code smooth = -(sum_j log p_j) / C} (PyTorch computes
 * the smoothing term only when eps > 0, so a -Inf logit makes the loss infinite only then). The
 * batch's loss is the sum of the rows' losses, or their mean over rows. The gradient with
 * respect to z is {@code (p_j - t_j) * g} with the target {@code t_j = (1 - eps) [j == l] + eps / C}
 * and {@code g = 1} for the sum, {@code 1 / rows} for the mean. All in double; each result rounded
 * once to float. Labels must be in {@code [0, classes)} (PyTorch's {@code ignore_index} is not
 * offered).
 */
public final class ReferenceCrossEntropy {
    private ReferenceCrossEntropy() {}

    /**
     * The loss of one row in double precision.
     *
     * @param z logits
     * @param off index of the row's first logit
     * @param classes number of logits, {@code >= 1}
     * @param label the row's class, in {@code [0, classes)}
     * @param labelSmoothing eps in [0, 1]
     * @return the row's loss
     */
    public static double rowLoss(float[] z, int off, int classes, int label, float labelSmoothing) {
        double[] ms = ReferenceSoftmax.maxAndSum(z, off, classes);
        double lse = Math.log1p(ms[2]); // log s, accurate when the label's logit dominates
        double nll = lse - ((double) z[off + label] - ms[0]);
        if (labelSmoothing == 0f) {
            return nll;
        }
        double smooth = 0;
        for (int j = 0; j < classes; j++) {
            smooth += lse - ((double) z[off + j] - ms[0]);
        }
        return (1 - (double) labelSmoothing) * nll + labelSmoothing * smooth / classes;
    }

    /**
     * The batch's loss and, when {@code dz} is not null, its gradient with respect to z.
     *
     * @param rows rows of z and dz (the batch), {@code >= 0}
     * @param classes columns of z and dz, {@code >= 0}
     * @param z logits, row stride {@code ldz}
     * @param zOff index of z's first element
     * @param ldz row stride of z, {@code >= max(1, classes)}
     * @param labels one class per row, {@code labels[labelsOff + i]} in {@code [0, classes)}
     * @param labelsOff index of row 0's label
     * @param dz gradient output or null; may be exactly z's view; row stride {@code lddz}
     * @param dzOff index of dz's first element
     * @param lddz row stride of dz
     * @param mean the mean over rows (else the sum)
     * @param labelSmoothing eps in [0, 1]
     * @return the loss rounded to float; NaN for a mean over no rows, 0 for a sum over none
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride, extent, overlap, smoothing or label,
     *     before any write
     */
    public static float lossAndGradient(int rows, int classes, float[] z, int zOff, int ldz,
                                        int[] labels, int labelsOff, float[] dz, int dzOff, int lddz,
                                        boolean mean, float labelSmoothing) {
        Checks.crossEntropy(rows, classes, z, zOff, ldz, labels, labelsOff, dz, dzOff, lddz, dz != null, labelSmoothing);
        double total = 0;
        double g = mean ? 1.0 / rows : 1.0;
        float[] row = new float[classes];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(z, zOff + i * ldz, row, 0, classes); // dz may be z
            int label = labels[labelsOff + i];
            total += rowLoss(row, 0, classes, label, labelSmoothing);
            if (dz != null) {
                double[] ms = ReferenceSoftmax.maxAndSum(row, 0, classes);
                for (int j = 0; j < classes; j++) {
                    double p = Math.exp((double) row[j] - ms[0]) / ms[1];
                    double t = (j == label ? 1 - (double) labelSmoothing : 0) + (double) labelSmoothing / classes;
                    dz[dzOff + i * lddz + j] = (float) ((p - t) * g);
                }
            }
        }
        return (float) (mean ? total / rows : total);
    }
}

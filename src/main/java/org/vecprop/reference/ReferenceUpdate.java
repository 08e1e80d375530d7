package org.vecprop.reference;

import org.vecprop.contract.Checks;

/**
 * Scalar parameter updates (stochastic gradient descent with momentum and weight decay; Adam and
 * AdamW): the oracle that the kernels are tested against.
 *
 * <p>Per element, in this order: {@code g' = g + weightDecay * w}; with momentum
 * {@code v = momentum * v + g'} and {@code w = w - lr * v}; without ({@code momentum == 0},
 * v not touched) {@code w = w - lr * g'}; then {@code g = 0} when {@code zeroGrad}.
 */
public final class ReferenceUpdate {
    private ReferenceUpdate() {}

    /**
     * Updates {@code n} contiguous parameters in place.
     *
     * @param n how many parameters, {@code >= 0}
     * @param w parameters, {@code n} contiguous floats from {@code wOff}, updated in place
     * @param wOff index of the first parameter in {@code w}
     * @param g gradients, {@code n} contiguous floats from {@code gOff}, not overlapping w;
     *     zeroed after use when {@code zeroGrad}
     * @param gOff index of the first gradient in {@code g}
     * @param v momentum buffer (velocity), {@code n} contiguous floats from {@code vOff}, not
     *     overlapping w or g, updated in place; not read, and may be null, when
     *     {@code momentum == 0}
     * @param vOff index of the first velocity in {@code v}; not checked when {@code momentum == 0}
     * @param lr learning rate (not range-checked)
     * @param momentum momentum factor (not range-checked); 0 means plain SGD and v is not
     *     touched
     * @param weightDecay L2 penalty factor: {@code weightDecay * w} is added to the gradient
     * @param zeroGrad whether to set g to 0 after the update
     * @throws NullPointerException if {@code w} or {@code g} is null, or {@code v} is null while
     *     {@code momentum != 0}
     * @throws IllegalArgumentException for a negative n, or w, g and v overlapping one another
     * @throws IndexOutOfBoundsException for an offset outside its array or {@code n} elements
     *     that run past the end of it; every exception before anything is written
     */
    public static void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff,
                           float lr, float momentum, float weightDecay, boolean zeroGrad) {
        Checks.sgd(n, w, wOff, g, gOff, v, vOff, momentum);
        for (int i = 0; i < n; i++) {
            float grad = g[gOff + i] + weightDecay * w[wOff + i];
            if (momentum != 0f) {
                float vel = momentum * v[vOff + i] + grad;
                v[vOff + i] = vel;
                w[wOff + i] = w[wOff + i] - lr * vel;
            } else {
                w[wOff + i] = w[wOff + i] - lr * grad;
            }
            if (zeroGrad) {
                g[gOff + i] = 0f;
            }
        }
    }
    /**
     * Adam or AdamW, as PyTorch documents them ({@code torch.optim.Adam}, {@code torch.optim.AdamW}),
     * computed in double from the float inputs and rounded once per stored value: the yardstick
     * the kernel's float order ({@code contract.ArithmeticOrder}) is measured against.
     *
     * <p>Per element, with {@code t = step}: Adam adds {@code weightDecay * w} to the gradient
     * (L2 penalty); AdamW multiplies w by {@code 1 - lr * weightDecay} instead (decoupled);
     * {@code m = beta1 * m + (1 - beta1) * g}, {@code v = beta2 * v + (1 - beta2) * g²},
     * {@code w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)}; eps outside
     * the root, as PyTorch has it. Then {@code g = 0} when {@code zeroGrad}.
     *
     * @param n how many parameters, {@code >= 0}
     * @param w parameters, {@code n} contiguous floats from {@code wOff}, updated in place
     * @param wOff index of the first parameter in {@code w}
     * @param g gradients, {@code n} contiguous floats from {@code gOff}; zeroed when asked
     * @param gOff index of the first gradient in {@code g}
     * @param m first moments, {@code n} contiguous floats from {@code mOff}, updated in place
     * @param mOff index of the first moment in {@code m}
     * @param v second moments, {@code n} contiguous floats from {@code vOff}, updated in place
     * @param vOff index of the first second moment in {@code v}
     * @param lr learning rate, finite and {@code >= 0}
     * @param beta1 first moment decay, in {@code [0, 1)}
     * @param beta2 second moment decay, in {@code [0, 1)}
     * @param eps added to the denominator, finite and {@code > 0}
     * @param weightDecay finite and {@code >= 0}
     * @param decoupled true for AdamW, false for Adam's L2 penalty
     * @param step the step count, {@code >= 1} for the first update
     * @param zeroGrad whether to set g to 0 after the update
     * @throws NullPointerException for a null array
     * @throws IllegalArgumentException for a bad size or hyper-parameter, or arrays that overlap
     * @throws IndexOutOfBoundsException for extents past an array; all before anything is written
     */
    public static void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
                            float[] v, int vOff, float lr, float beta1, float beta2, float eps,
                            float weightDecay, boolean decoupled, long step, boolean zeroGrad) {
        Checks.adam(n, w, wOff, g, gOff, m, mOff, v, vOff, lr, beta1, beta2, eps, weightDecay, step);
        double c1 = 1 - StrictMath.pow(beta1, step), c2 = 1 - StrictMath.pow(beta2, step);
        for (int i = 0; i < n; i++) {
            double wi = w[wOff + i], gi = g[gOff + i];
            if (decoupled) {
                wi = wi * (1 - (double) lr * weightDecay);
            } else if (weightDecay != 0f) {
                gi = gi + (double) weightDecay * w[wOff + i];
            }
            double mi = beta1 * (double) m[mOff + i] + (1 - (double) beta1) * gi;
            double vi = beta2 * (double) v[vOff + i] + (1 - (double) beta2) * gi * gi;
            wi = wi - lr / c1 * mi / (Math.sqrt(vi) / Math.sqrt(c2) + eps);
            m[mOff + i] = (float) mi;
            v[vOff + i] = (float) vi;
            w[wOff + i] = (float) wi;
            if (zeroGrad) {
                g[gOff + i] = 0f;
            }
        }
    }
}

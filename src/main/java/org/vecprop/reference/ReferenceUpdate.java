package org.vecprop.reference;

import org.vecprop.contract.Checks;

/**
 * Scalar parameter update (stochastic gradient descent with momentum and weight decay): the
 * oracle that the kernels are tested against.
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
}

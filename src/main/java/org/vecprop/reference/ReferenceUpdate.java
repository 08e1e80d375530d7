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
     * @param w parameters, from {@code wOff}
     * @param g gradients, from {@code gOff}; zeroed after use when {@code zeroGrad}
     * @param v momentum buffer, from {@code vOff}; may be null when {@code momentum == 0}
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
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

package org.vecprop.kernel;

import org.vecprop.contract.Checks;

/**
 * Parameter update for stochastic gradient descent with momentum and weight decay, in one pass
 * that also zeroes the gradient it has just read (so a training loop needs no separate
 * {@code zeroGrad} pass). Per element: {@code g' = g + weightDecay * w}; with momentum
 * {@code v = momentum * v + g'}, {@code w -= lr * v}; without, {@code w -= lr * g'}; then
 * {@code g = 0} if asked. Bit-identical to {@link org.vecprop.reference.ReferenceUpdate}.
 *
 * <p>Thread-safe; allocates nothing.
 */
public final class Update {
    private Update() {}

    /**
     * Updates {@code n} contiguous parameters in place.
     *
     * @param w parameters, from {@code wOff}
     * @param g gradients, from {@code gOff}; zeroed after use when {@code zeroGrad}
     * @param v momentum buffer, from {@code vOff}; may be null when {@code momentum == 0}
     * @param lr learning rate
     * @param momentum momentum factor; 0 means plain SGD and v is not touched
     * @param weightDecay L2 penalty factor added to the gradient
     * @param zeroGrad whether to set g to 0 after the update
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public static void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff,
                           float lr, float momentum, float weightDecay, boolean zeroGrad) {
        Checks.sgd(n, w, wOff, g, gOff, v, vOff, momentum);
        Implementation.KERNELS.sgd(n, w, wOff, g, gOff, v, vOff, lr, momentum, weightDecay, zeroGrad);
    }
}

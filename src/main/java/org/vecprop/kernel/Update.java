package org.vecprop.kernel;

import org.vecprop.contract.ArithmeticOrder;
import org.vecprop.contract.Checks;

/**
 * Parameter updates of the optimizers, each in one pass over the parameters, their gradient and
 * their optimizer state that also zeroes the gradient it has just read (so a training loop needs
 * no separate {@code zeroGrad} pass).
 *
 * <ul>
 *   <li>{@link #sgd}: stochastic gradient descent with momentum and weight decay. Per element:
 *       {@code g' = g + weightDecay * w}; with momentum {@code v = momentum * v + g'},
 *       {@code w -= lr * v}; without, {@code w -= lr * g'}; then {@code g = 0} if asked.
 *       Bit-identical to {@link org.vecprop.reference.ReferenceUpdate#sgd}.</li>
 *   <li>{@link #adam}: Adam and AdamW as PyTorch documents them (bias correction, eps outside
 *       the square root, AdamW's decoupled weight decay), in the float order of
 *       {@code org.vecprop.contract.ArithmeticOrder}: the same bits at every width and on the
 *       scalar path, within the bounds stated there of
 *       {@link org.vecprop.reference.ReferenceUpdate#adam}, which computes in double.</li>
 * </ul>
 *
 * <p>Thread-safe; allocates nothing.
 */
public final class Update {
    private Update() {}

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
        Implementation.KERNELS.sgd(n, w, wOff, g, gOff, v, vOff, lr, momentum, weightDecay, zeroGrad);
    }
    /**
     * Adam or AdamW: updates {@code n} contiguous parameters and both moments in place, in one
     * pass, following PyTorch's {@code torch.optim.Adam} / {@code torch.optim.AdamW}
     * (non-amsgrad). With {@code t = step}:
     * <pre>
     *   Adam:  g = g + weightDecay * w           AdamW: w = w * (1 - lr * weightDecay)
     *   m = beta1 * m + (1 - beta1) * g
     *   v = beta2 * v + (1 - beta2) * g * g
     *   w = w - lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
     * </pre>
     * then {@code g = 0} if asked. The float order of these operations (FMAs, the per-step
     * scalars rounded once) is {@code org.vecprop.contract.ArithmeticOrder}'s: the same bits on
     * every path. Against the exact result of the formula on the float inputs (the oracle,
     * {@link org.vecprop.reference.ReferenceUpdate#adam}, in double), with {@code u = 2^-24}
     * and {@code a = 1 - beta1}: {@code |m - m*| <= 2u (|m*| + a |g - m_old| + a |g|)},
     * {@code |v - v*| <= 4u v*}, and {@code |w - w*| <= u |w*| + 2u |w_old| + s |m - m*| / den*
     * + 10u |s q*|}, where {@code s} is the step size, {@code den*} and {@code q*} the exact
     * denominator and quotient (tested in {@code UpdateTest}).
     *
     * <p>Non-finite numbers are computed with, not rejected (a NaN gradient makes NaN weights:
     * guard with {@code Stats.summarize} first, as {@code Optimizer.stepIfFinite} does).
     *
     * @param n how many parameters, {@code >= 0}
     * @param w parameters, {@code n} contiguous floats from {@code wOff}, updated in place
     * @param wOff index of the first parameter in {@code w}
     * @param g gradients, {@code n} contiguous floats from {@code gOff}; zeroed after use when
     *     {@code zeroGrad}
     * @param gOff index of the first gradient in {@code g}
     * @param m first moments (PyTorch's {@code exp_avg}), {@code n} floats from {@code mOff},
     *     updated in place; zeros before the first step
     * @param mOff index of the first moment in {@code m}
     * @param v second moments ({@code exp_avg_sq}), {@code n} floats from {@code vOff}, updated
     *     in place; zeros before the first step
     * @param vOff index of the first second moment in {@code v}
     * @param lr learning rate, finite and {@code >= 0}
     * @param beta1 decay of the first moment, in {@code [0, 1)} (PyTorch's default 0.9)
     * @param beta2 decay of the second moment, in {@code [0, 1)} (default 0.999)
     * @param eps added to the denominator outside the root, finite and {@code > 0} (default 1e-8)
     * @param weightDecay finite and {@code >= 0}: Adam's L2 penalty, or AdamW's decoupled decay
     * @param decoupled true for AdamW (decay applied to w, scaled by lr), false for Adam (added
     *     to the gradient)
     * @param step the step count this update makes, {@code >= 1} for the first (the bias
     *     corrections use it)
     * @param zeroGrad whether to set g to 0 after the update
     * @throws NullPointerException if {@code w}, {@code g}, {@code m} or {@code v} is null
     * @throws IllegalArgumentException for a negative n, a hyper-parameter out of its range or
     *     a step below 1 (each named, e.g. {@code beta2 must be in [0, 1), got 1.0}), or arrays
     *     that overlap one another
     * @throws IndexOutOfBoundsException for an offset outside its array or {@code n} elements
     *     that run past the end of it; every exception before anything is written
     */
    public static void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
                            float[] v, int vOff, float lr, float beta1, float beta2, float eps,
                            float weightDecay, boolean decoupled, long step, boolean zeroGrad) {
        Checks.adam(n, w, wOff, g, gOff, m, mOff, v, vOff, lr, beta1, beta2, eps, weightDecay, step);
        float decay = decoupled && weightDecay != 0f ? ArithmeticOrder.adamDecay(lr, weightDecay) : 1f;
        // AdamW whose factor rounds to exactly 1 (lr * weightDecay below 2^-25) multiplies by 1,
        // which the kernels skip: the same bits, since w * 1 == w for every float.
        Implementation.KERNELS.adam(n, w, wOff, g, gOff, m, mOff, v, vOff,
                ArithmeticOrder.adamStepSize(lr, beta1, step),
                ArithmeticOrder.adamRootCorrection(beta2, step), beta1, beta2, eps,
                decoupled ? 0f : weightDecay, decay, zeroGrad);
    }
}

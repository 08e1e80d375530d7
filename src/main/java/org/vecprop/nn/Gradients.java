package org.vecprop.nn;

/**
 * What a backward pass does with the gradient buffers it writes: the explicit form of
 * PyTorch's {@code zero_grad} question.
 */
public enum Gradients {
    /**
     * Add this batch's gradients to what the buffers hold. Two backward passes without a
     * {@link Network#zeroGrad()} in between give the sum of both: the article's "zero_grad
     * trap" when unintended, gradient accumulation over micro-batches when intended.
     */
    ACCUMULATE,
    /** Replace what the buffers hold with this batch's gradients. */
    OVERWRITE
}

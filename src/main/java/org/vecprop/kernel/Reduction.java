package org.vecprop.kernel;

/**
 * How a loss over a batch is reduced, as PyTorch's {@code reduction} argument: the mean or the
 * sum of the elements' losses ({@link CrossEntropy}: one loss per row; {@link BinaryCrossEntropy}:
 * one per element). The gradient follows: the mean's is the sum's divided by the count.
 */
public enum Reduction {
    /** The mean: the sum divided by the count (rows for cross-entropy, elements for BCE); NaN over none. */
    MEAN,
    /** The sum; 0 over none. */
    SUM
}

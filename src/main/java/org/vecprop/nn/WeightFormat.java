package org.vecprop.nn;

/**
 * How a network's forward product reads its weights ({@link Network#sharingWeights(int,
 * WeightFormat)}).
 */
public enum WeightFormat {
    /** The weights as they are, float32: what every network reads unless asked otherwise. */
    FLOAT32,
    /**
     * The weights rounded to bfloat16 (8 bits of mantissa; round to nearest, ties to even) and
     * packed in half the bytes, widened to float32 in the register before each fused multiply-add:
     * an opt-in for inference, where at small batches reading the weights is most of the time.
     * It is a different computation from float32 (its outputs differ by the weights' rounding,
     * stated where it is measured: RESULTS.md), with its own same bits at every width; a network
     * reading bfloat16 weights computes forward passes only. Made once per version of the
     * weights, beside the float32 form, so hot swaps and training reach it too.
     */
    BFLOAT16
}

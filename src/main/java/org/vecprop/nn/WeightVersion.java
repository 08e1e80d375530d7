package org.vecprop.nn;

import java.util.Arrays;
import org.vecprop.kernel.PackedMatrix;

/**
 * One version of a layer's weights and bias, with the packed form of the weights that the
 * forward product reads: what a forward pass reads, as one consistent whole.
 *
 * <p>Two lives (see {@link WeightCell}):
 * <ul>
 *   <li><b>Exclusive</b>: while no other layer shares the cell, the one thread using the layer
 *       changes this version in place (an optimizer step, a load) and marks it stale; its next
 *       forward repacks. Nothing else can read it meanwhile, so nothing is torn and nothing is
 *       allocated.</li>
 *   <li><b>Published</b>: once the cell is shared, a version is never written again. A change is
 *       made on a copy, packed completely, and only then published (one volatile write in
 *       {@link WeightCell}); readers that took the old version keep computing with it, whole, and
 *       the collector reclaims it when the last one drops it.</li>
 * </ul>
 */
final class WeightVersion {
    /** {@code in x out} row-major. */
    final float[] weights;
    /** {@code out}, or null for a layer without bias. */
    final float[] bias;
    private final int in, out;
    /** The forward product's packed weights; null until first needed. */
    private PackedMatrix packed;
    /**
     * Whether {@link #packed} is behind {@link #weights}: set only in the exclusive life, by the
     * one thread using the layer; false for every published version of a shared cell.
     */
    private boolean stale = true;
    /**
     * Changes made in place (the exclusive life): a forward remembers it, so backward can tell
     * that the parameters it would differentiate changed since (a published change is a new
     * version instead).
     */
    private long revision;

    WeightVersion(int in, int out, float[] weights, float[] bias) {
        this.in = in;
        this.out = out;
        this.weights = weights;
        this.bias = bias;
    }

    /** A copy of the values, not yet packed: the start of a change in the published life. */
    WeightVersion copy() {
        return new WeightVersion(in, out, weights.clone(), bias == null ? null : bias.clone());
    }

    /**
     * A copy of the bias only, sharing this version's weights and their packed form (neither is
     * ever written again once published): the start of a change of the bias alone.
     */
    WeightVersion copyBias() {
        WeightVersion v = new WeightVersion(in, out, weights, bias.clone());
        v.packed = packed;
        v.stale = stale;
        return v;
    }

    /** {@return the packed weights, repacked first if the weights changed in place} */
    PackedMatrix packed() {
        if (stale) {
            if (packed == null) {
                packed = PackedMatrix.pack(false, in, out, weights, 0, out);
            } else {
                packed.refresh(weights, 0, out);
            }
            stale = false;
        }
        return packed;
    }

    /**
     * Records an in-place change (the exclusive life), marking the packed form behind the weights
     * when they changed (not for the bias alone).
     */
    void changedInPlace(boolean weights) {
        revision++;
        if (weights) {
            stale = true;
        }
    }

    /** {@return the count of in-place changes so far} */
    long revision() {
        return revision;
    }

    /** Packs now, so that a version is complete before it is published or shared. */
    void packNow() {
        packed();
    }

    /** {@return whether the two hold the same values, bit for bit} (for tests and diagnostics) */
    boolean sameValues(WeightVersion other) {
        return Arrays.equals(weights, other.weights) && Arrays.equals(bias, other.bias);
    }
}

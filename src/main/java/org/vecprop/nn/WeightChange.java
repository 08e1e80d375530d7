package org.vecprop.nn;

/**
 * A change of several layers' weights that {@link Network#changeWeights} publishes as one: an
 * optimizer step, a load. Implemented by the optimizers themselves (no object per step).
 */
interface WeightChange {
    /** {@return whether layer {@code l} changes (a frozen layer does not: its version is kept)} */
    boolean changes(int l);

    /**
     * Writes layer {@code l}'s new values into {@code weights} and {@code bias} (null for a layer
     * without bias), which hold its current values: the live arrays of an unshared layer, or a
     * copy not yet visible to anyone.
     *
     * @param inPlace the version being changed, for a change made in place; null for a copy.
     *     A change that repacks every row of {@code weights} it writes, by
     *     {@link WeightVersion#refreshRows} after its last write, calls
     *     {@link WeightVersion#beginRowRefresh} first and so keeps the packed forms current; one
     *     that does not call it leaves them to be marked stale
     */
    void change(int l, float[] weights, float[] bias, WeightVersion inPlace);
}

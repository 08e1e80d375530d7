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
     */
    void change(int l, float[] weights, float[] bias);
}

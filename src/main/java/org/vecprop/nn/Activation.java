package org.vecprop.nn;

/** The activation a {@link Dense} layer applies after its affine map. */
public enum Activation {
    /** {@code max(0, z)}; its derivative is the mask {@code z > 0}. */
    RELU,
    /** {@code z} itself: the output layer of a regression network. */
    IDENTITY
}

package org.vecprop.nn;

import java.util.function.Consumer;

/**
 * One of a dense layer's trainable tensors, its weights or its bias, as a parameter view reads
 * and writes it: the values of the version published now, the live gradient, and the one way to
 * change the values (under the layer's lock, in place or on a copy published whole, as the
 * layer's weight cell decides). A layer hands these out, so a view depends on the tensor it views
 * and not on the layer's whole class.
 */
interface LayerTensor {
    /** {@return the published version's values, row-major {@code rows() x cols()}: read, never written} */
    float[] values();

    /** {@return the live gradient, the same shape} */
    float[] gradient();

    /**
     * Changes the values: {@code write} gets the array to write, the published one or a copy
     * that is published whole when it returns.
     */
    void change(Consumer<float[]> write);

    /** {@return whether the layer is frozen} */
    boolean frozen();

    /** {@return rows: the layer's inputs for its weights, 1 for its bias} */
    int rows();

    /** {@return columns: the layer's outputs} */
    int cols();
}

package org.vecprop.kernel;

import org.vecprop.internal.Kernels;

/** The activation applied after an affine map: in a fused GEMM epilogue or a dense layer. */
public enum Activation {
    /** {@code max(0, z)} ({@code relu(NaN) = NaN}); its derivative is the mask {@code z > 0}. */
    RELU(Kernels.RELU),
    /** {@code z} itself: the output layer of a regression network. */
    IDENTITY(Kernels.IDENTITY);

    /** The implementations' code for this activation. */
    final int code;

    Activation(int code) {
        this.code = code;
    }
}

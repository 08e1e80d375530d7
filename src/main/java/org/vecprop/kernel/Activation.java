package org.vecprop.kernel;

import org.vecprop.internal.Kernels;

/** The activation applied after an affine map: in a fused GEMM epilogue or a dense layer. */
public enum Activation {
    /** {@code max(0, z)} ({@code relu(NaN) = NaN}); its derivative is the mask {@code z > 0}. */
    RELU(Kernels.RELU),
    /** {@code z} itself: the output layer of a regression network. */
    IDENTITY(Kernels.IDENTITY),
    /**
     * The logistic sigmoid {@code 1 / (1 + e^-z)}, vecprop's own float function (within 1.92
     * ulps, the same bits on every CPU and width; see {@link Sigmoid}); its derivative comes from
     * the activation itself, {@code a(1 - a)}.
     */
    SIGMOID(Kernels.SIGMOID),
    /**
     * {@code tanh z}, vecprop's own float function (within 1.1 ulps, the same bits on every CPU
     * and width; see {@link Tanh}); its derivative comes from the activation, {@code 1 - a²}.
     */
    TANH(Kernels.TANH);

    /** The implementations' code for this activation. */
    final int code;

    Activation(int code) {
        this.code = code;
    }
}

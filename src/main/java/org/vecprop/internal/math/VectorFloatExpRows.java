package org.vecprop.internal.math;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;

/**
 * {@link VectorFloatExp}'s sigmoid and tanh over row-major {@code rows x cols} float matrices
 * (offset plus row stride): whole vectors of the kernels' species {@code Lanes.F}, then
 * {@link FloatExp} on the scalar tail of each row, which gives the same bits. The one place the
 * kernels apply these functions to arrays: the sigmoid and tanh forward kernels
 * ({@code Activation.SIGMOID}, {@code TANH}), and the GEMM, which applies them to C after the product (bias included) is stored.
 *
 * <p><b>Why loops of their own, one function per method.</b> {@link VectorFloatExp}'s methods
 * take and return vectors, so every caller must be compiled with them inlined, or C2 boxes each
 * vector it passes (measured by AllocationTest: 55 to 112 KB per 97 x 97 call). C2 inlines them
 * at a call site it profiles as hot; it judges a call site with the profile of the method the
 * call is written in. Two designs failed in the whole test suite: both functions behind a flag in
 * one loop (the compiled method outgrew C2's inlining budget), and the function applied to each
 * stored tile row inside the GEMM's epilogue (a loop of 2 to 8 vectors per call, inlined into the
 * epilogue's compilation while its own profile was still young, so C2 judged the call cold).
 * Here each method applies one function to a whole matrix: hundreds of iterations per call, so
 * even a young profile shows the call as hot, and one function keeps the method small.
 * Arguments are validated by the caller; y may be exactly x (in place).
 */
public final class VectorFloatExpRows {
    private VectorFloatExpRows() {}

    /**
     * {@code y = sigmoid(x)} element-wise, bit-identical to {@link FloatExp#sigmoid}.
     *
     * @param rows rows of x and y
     * @param cols columns of x and y
     * @param x input, row stride {@code ldx}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y output, row stride {@code ldy}; may be exactly x
     * @param yOff index of y's first element
     * @param ldy row stride of y
     */
    public static void sigmoid(int rows, int cols, float[] x, int xOff, int ldx,
                               float[] y, int yOff, int ldy) {
        if (ldx == cols && ldy == cols) { // contiguous: one long row, one tail
            cols *= rows;
            rows = 1;
        }
        int bound = F.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * ldx, yi = yOff + i * ldy;
            int j = 0;
            for (; j < bound; j += L) {
                VectorFloatExp.sigmoid(FloatVector.fromArray(F, x, xi + j)).intoArray(y, yi + j);
            }
            for (; j < cols; j++) { // fewer than L columns: scalar (a masked tail allocates)
                y[yi + j] = FloatExp.sigmoid(x[xi + j]);
            }
        }
    }

    /**
     * {@code y = tanh(x)} element-wise, bit-identical to {@link FloatExp#tanh}.
     *
     * @param rows rows of x and y
     * @param cols columns of x and y
     * @param x input, row stride {@code ldx}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y output, row stride {@code ldy}; may be exactly x
     * @param yOff index of y's first element
     * @param ldy row stride of y
     */
    public static void tanh(int rows, int cols, float[] x, int xOff, int ldx,
                            float[] y, int yOff, int ldy) {
        if (ldx == cols && ldy == cols) {
            cols *= rows;
            rows = 1;
        }
        int bound = F.loopBound(cols);
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * ldx, yi = yOff + i * ldy;
            int j = 0;
            for (; j < bound; j += L) {
                VectorFloatExp.tanh(FloatVector.fromArray(F, x, xi + j)).intoArray(y, yi + j);
            }
            for (; j < cols; j++) {
                y[yi + j] = FloatExp.tanh(x[xi + j]);
            }
        }
    }
}

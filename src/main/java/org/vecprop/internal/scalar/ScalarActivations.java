package org.vecprop.internal.scalar;

import org.vecprop.internal.Kernels;
import org.vecprop.internal.math.FloatExp;

/**
 * The scalar sigmoid and tanh kernels and the activation of the scalar GEMM's epilogue, in
 * vecprop's order of arithmetic ({@code contract.ArithmeticOrder}): the forward functions are
 * {@link FloatExp}'s, the backward passes {@code dz = dy * fma(-a, a, c)} with {@code c = a}
 * (sigmoid, {@code a(1 - a)}) or {@code c = 1} (tanh, {@code 1 - a²}). The oracle in
 * {@code org.vecprop.reference} computes these in double, so unlike ReLU's they need loops of
 * their own here. Arguments are validated by the caller.
 */
final class ScalarActivations {
    private ScalarActivations() {}

    /** The activation {@code code} ({@link Kernels#IDENTITY} .. {@link Kernels#TANH}) of one value. */
    static float apply(float v, int code) {
        return switch (code) {
            case Kernels.RELU -> Math.max(0f, v);
            case Kernels.SIGMOID -> FloatExp.sigmoid(v);
            case Kernels.TANH -> FloatExp.tanh(v);
            default -> v;
        };
    }

    /** {@code y = f(x)} element-wise, f the activation {@code code}; y may be exactly x. */
    static void forward(int code, int rows, int cols, float[] x, int xOff, int ldx,
                        float[] y, int yOff, int ldy) {
        for (int i = 0; i < rows; i++) {
            int xi = xOff + i * ldx, yi = yOff + i * ldy;
            for (int j = 0; j < cols; j++) {
                y[yi + j] = apply(x[xi + j], code);
            }
        }
    }

    /**
     * {@code dz = dy * fma(-a, a, tanh ? 1 : a)} element-wise; dz may be exactly a or dy (each
     * element is read before it is written).
     */
    static void backward(boolean tanh, int rows, int cols, float[] a, int aOff, int lda,
                         float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        for (int i = 0; i < rows; i++) {
            int ai = aOff + i * lda, yi = dyOff + i * lddy, di = dzOff + i * lddz;
            for (int j = 0; j < cols; j++) {
                float av = a[ai + j];
                dz[di + j] = dy[yi + j] * Math.fma(-av, av, tanh ? 1f : av);
            }
        }
    }
}

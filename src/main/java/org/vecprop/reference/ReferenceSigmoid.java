package org.vecprop.reference;

import org.vecprop.contract.Checks;

/**
 * The logistic sigmoid and its backward pass, computed in double and rounded once to float: the
 * oracle the sigmoid kernels are held to.
 *
 * <p>Definitions, including special values (the kernels give the same class of value):
 * <ul>
 *   <li>{@code sigmoid(x) = 1 / (1 + e^-x)}, evaluated as {@code 1/(1 + e^-x)} for
 *       {@code x >= 0} and {@code e^x/(1 + e^x)} for {@code x < 0}, so that no exponential
 *       overflows: {@code sigmoid(NaN) = NaN}, {@code sigmoid(+Inf) = 1},
 *       {@code sigmoid(-Inf) = +0}, {@code sigmoid(±0) = 0.5}.</li>
 *   <li>backward from the stored activation {@code a = sigmoid(z)}:
 *       {@code dz = dy * (a - a·a)}, the chain rule with {@code σ'(z) = a(1 - a)}, so z is never
 *       needed. A NaN in a or dy gives NaN; an infinite a gives {@code -Inf·dy} (for
 *       {@code a = -Inf}) or NaN ({@code a = +Inf}, where {@code a - a·a} is
 *       {@code Inf - Inf}), as IEEE arithmetic has it.</li>
 * </ul>
 *
 * <p>Rounding: the double value is within a few units of 2^-53 relative of the exact function
 * ({@link Math#exp} is within 1 ulp, then two or three roundings), far below a float ulp; the
 * float result is its nearest float (the exact value correctly rounded, except within about
 * 2^-50 relative of a midpoint between two floats).
 */
public final class ReferenceSigmoid {
    private ReferenceSigmoid() {}

    /**
     * The logistic function in double precision: the value {@link #forward} rounds to float.
     *
     * @param x any value
     * @return {@code 1 / (1 + e^-x)}
     */
    public static double value(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x); // x < 0 or NaN
        return e / (1 + e);
    }

    /**
     * The backward pass of one element in double precision: {@code dy * (a - a·a)}, the value
     * {@link #backward} rounds to float.
     *
     * @param a the stored activation
     * @param dy the gradient with respect to it
     * @return the gradient with respect to the pre-activation
     */
    public static double backward(double a, double dy) {
        return dy * (a - a * a);
    }

    /**
     * {@code y = sigmoid(x)} element-wise on {@code rows x cols} row-major matrices, each
     * element {@code (float) value(x)}. {@code y} may be the same view as {@code x} (in place);
     * no other overlap is allowed.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y, {@code >= 0}
     * @param x input, from {@code xOff} with row stride {@code ldx}
     * @param xOff index of x's first element
     * @param ldx row stride of x, {@code >= max(1, cols)}
     * @param y output, from {@code yOff} with row stride {@code ldy}
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public static void forward(int rows, int cols, float[] x, int xOff, int ldx,
                               float[] y, int yOff, int ldy) {
        Checks.unary(rows, cols, x, xOff, ldx, y, yOff, ldy, "x", "y");
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                y[yOff + i * ldy + j] = (float) value(x[xOff + i * ldx + j]);
            }
        }
    }

    /**
     * {@code dz = dy * a(1 - a)} element-wise on {@code rows x cols} matrices, each element
     * {@code (float) backward(a, dy)}. {@code dz} may be exactly the same view as {@code a} or
     * {@code dy}; no other overlap is allowed.
     *
     * @param rows rows of a, dy and dz, {@code >= 0}
     * @param cols columns of a, dy and dz, {@code >= 0}
     * @param a the stored activation, from {@code aOff} with row stride {@code lda}
     * @param aOff index of a's first element
     * @param lda row stride of a, {@code >= max(1, cols)}
     * @param dy gradient with respect to the activation, row stride {@code lddy}
     * @param dyOff index of dy's first element
     * @param lddy row stride of dy
     * @param dz output gradient with respect to the pre-activation, row stride {@code lddz}
     * @param dzOff index of dz's first element
     * @param lddz row stride of dz
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public static void backward(int rows, int cols, float[] a, int aOff, int lda,
                                float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        Checks.binary(rows, cols, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz, "a", "dy", "dz");
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                dz[dzOff + i * lddz + j] =
                        (float) backward(a[aOff + i * lda + j], dy[dyOff + i * lddy + j]);
            }
        }
    }
}

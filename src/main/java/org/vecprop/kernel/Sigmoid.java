package org.vecprop.kernel;

import org.vecprop.internal.Buffers;

/**
 * The logistic sigmoid {@code σ(x) = 1 / (1 + e^-x)} and its backward pass on row-major
 * {@code rows x cols} float matrices (offset plus row stride, like BLAS).
 *
 * <p><b>Forward</b> is vecprop's own float sigmoid, the same bits at every vector width, on the
 * scalar path and in every JIT tier, on any CPU (no {@code Math.exp}, no Vector API
 * transcendental). Against the exact function ({@link org.vecprop.reference.ReferenceSigmoid#value}),
 * in float ulps of the exact value: within <b>0.86 ulp</b> for {@code x >= 0}, <b>1.92 ulps</b>
 * for {@code x < 0} and <b>0.91 ulp</b> where the result is subnormal (bounds from the error
 * analysis in {@code docs/exp.md}; the worst errors over all 2^32 floats are 0.72, 1.48 and 0.78).
 * Special values: NaN gives NaN, +Inf gives 1, -Inf gives +0, ±0 give 0.5; {@code x >= 17.33}
 * gives exactly 1 and {@code x < -88.7} a subnormal or zero result (not 0 from an overflowed
 * {@code e^-x}).
 *
 * <p><b>Backward</b> takes the stored activation {@code a = σ(z)}, since {@code σ'(z) = a(1 - a)}:
 * {@code dz = dy * fma(-a, a, a)}, the derivative rounded once and then the product, so the
 * pre-activation z is never stored. Against the exact {@code dy·a(1 - a)}
 * ({@link org.vecprop.reference.ReferenceSigmoid#backward(double, double)}): within <b>1.5
 * ulps</b>, and 1 ulp (2^-149) where the result is subnormal (two roundings, each at most
 * {@code 2^-24} relative; the derivative factor is never subnormal unless a is, and then it is a
 * itself). The bound holds wherever {@code a(1 - a)} is within float range, {@code |a| < 2^64},
 * which includes every activation in [0, 1]. NaN in a or dy gives NaN; {@code a = +Inf} gives
 * NaN ({@code Inf - Inf}) and {@code a = -Inf} gives {@code -Inf * dy}, as the reference.
 *
 * <p>Aliasing: an output may be exactly the same view (array, offset, row stride) as an input,
 * which is how to run in place; any other overlap is rejected. Bad input throws before anything
 * is written, naming the argument ({@code docs/conventions.md}): a null array
 * {@code NullPointerException}; a negative size, a row stride below the row or a forbidden
 * overlap {@code IllegalArgumentException}; an extent past the array
 * {@code IndexOutOfBoundsException}. Thread-safe; allocates nothing once warm: an accumulating
 * bias gradient sums into a scratch row, the caller's {@link Workspace} in the form that takes
 * one, else a row kept per thread as {@link Bias#gradient} keeps it.
 */
public final class Sigmoid {
    private Sigmoid() {}

    /**
     * {@code y = σ(x)} element-wise.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y, {@code >= 0}
     * @param x input, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y output, from {@code yOff} with row stride {@code ldy}; may be exactly x
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride, extent or overlap, before any write
     */
    public static void forward(int rows, int cols, float[] x, int xOff, int ldx,
                               float[] y, int yOff, int ldy) {
        ActivationFront.SIGMOID.forward(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    /**
     * The backward pass from the stored activation: {@code dz = dy * fma(-a, a, a)}
     * element-wise, i.e. {@code dy · a(1 - a)}.
     *
     * @param rows rows of a, dy and dz, {@code >= 0}
     * @param cols columns of a, dy and dz, {@code >= 0}
     * @param a the forward pass's output σ(z), from {@code aOff} with row stride {@code lda}
     * @param aOff index of a's first element
     * @param lda row stride of a
     * @param dy gradient with respect to the activation, row stride {@code lddy}
     * @param dyOff index of dy's first element
     * @param lddy row stride of dy
     * @param dz output gradient with respect to z, row stride {@code lddz}; may be exactly dy
     *     (in place) or a
     * @param dzOff index of dz's first element
     * @param lddz row stride of dz
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride, extent or overlap, before any write
     */
    public static void backward(int rows, int cols, float[] a, int aOff, int lda,
                                float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        ActivationFront.SIGMOID.backward(rows, cols, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz);
    }

    /**
     * The backward pass fused with the bias gradient: {@code dz = dy * fma(-a, a, a)} and
     * {@code db (+)= column sums of dz}, in one pass over a and dy. Bit-identical to
     * {@link #backward} followed by {@link Bias#gradient}.
     *
     * @param rows rows of a, dy and dz, {@code >= 0}
     * @param cols columns of a, dy and dz, and length of db, {@code >= 0}
     * @param a the forward pass's output σ(z), row stride {@code lda}
     * @param aOff index of a's first element
     * @param lda row stride of a
     * @param dy gradient with respect to the activation, row stride {@code lddy}
     * @param dyOff index of dy's first element
     * @param lddy row stride of dy
     * @param dz output gradient with respect to z; may be exactly dy or a
     * @param dzOff index of dz's first element
     * @param lddz row stride of dz
     * @param db {@code cols} floats from {@code dbOff}; may not overlap a, dy or dz
     * @param dbOff index of db's first element
     * @param accumulate add the column sums into db instead of overwriting it
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride, extent or overlap, before any write
     */
    public static void backwardWithBiasGradient(int rows, int cols, float[] a, int aOff, int lda,
                                                float[] dy, int dyOff, int lddy,
                                                float[] dz, int dzOff, int lddz,
                                                float[] db, int dbOff, boolean accumulate) {
        ActivationFront.SIGMOID.backwardWithBiasGradient(rows, cols, a, aOff, lda, dy, dyOff, lddy,
                dz, dzOff, lddz, db, dbOff, accumulate, null);
    }

    /**
     * As {@link #backwardWithBiasGradient(int, int, float[], int, int, float[], int, int,
     * float[], int, int, float[], int, boolean)}, with the scratch row of an accumulating call
     * from the caller's workspace; bit-identical to it. Every argument is checked before
     * anything is written.
     *
     * @param rows rows of a, dy and dz, {@code >= 0}
     * @param cols columns of a, dy and dz, and length of db, {@code >= 0}
     * @param a the forward pass's output σ(z), row stride {@code lda}
     * @param aOff index of a's first element
     * @param lda row stride of a
     * @param dy gradient with respect to the activation, row stride {@code lddy}
     * @param dyOff index of dy's first element
     * @param lddy row stride of dy
     * @param dz output gradient with respect to z; may be exactly dy or a
     * @param dzOff index of dz's first element
     * @param lddz row stride of dz
     * @param db {@code cols} floats from {@code dbOff}; may not overlap a, dy or dz
     * @param dbOff index of db's first element
     * @param accumulate add the column sums into db instead of overwriting it
     * @param workspace the caller's scratch ({@link Workspace}): the row an accumulating call
     *     sums into
     * @throws NullPointerException if {@code workspace} or an array argument is null
     * @throws IllegalArgumentException for a negative size, a row stride below
     *     {@code max(1, cols)} or a forbidden overlap
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix or vector
     *     that runs past the end of its array
     */
    public static void backwardWithBiasGradient(int rows, int cols, float[] a, int aOff, int lda,
                                                float[] dy, int dyOff, int lddy,
                                                float[] dz, int dzOff, int lddz,
                                                float[] db, int dbOff, boolean accumulate,
                                                Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        ActivationFront.SIGMOID.backwardWithBiasGradient(rows, cols, a, aOff, lda, dy, dyOff, lddy,
                dz, dzOff, lddz, db, dbOff, accumulate, buffers);
    }
}

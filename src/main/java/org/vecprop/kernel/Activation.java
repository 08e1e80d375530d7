package org.vecprop.kernel;

import org.vecprop.contract.Checks;
import org.vecprop.internal.Buffers;
import org.vecprop.internal.Kernels;

/**
 * An element-wise activation, the function applied after an affine map (in a fused GEMM
 * epilogue, {@link Gemm#multiplyBiasActivation}, or a dense layer), with the kernels of its
 * forward and backward passes on row-major {@code rows x cols} float matrices (offset plus row
 * stride, like BLAS): {@code Activation.SIGMOID.forward(rows, cols, x, 0, cols, y, 0, cols)}.
 *
 * <p>The backward passes take the forward pass's output {@code a = f(z)}, not z: each
 * derivative here is written in terms of a, so a layer stores its output and never its
 * pre-activation. For {@link #RELU} the derivative is the mask {@code z > 0}, which is
 * {@code a > 0} (NaN is not positive either way), so its backward pass accepts z as well;
 * {@link Relu} has the forms that name it z, and the mask itself.
 *
 * <p>Aliasing: an output may be exactly the same view (array, offset, row stride) as an input,
 * which is how to run in place; any other overlap is rejected. Bad input throws before anything
 * is written, naming the argument ({@code docs/conventions.md}): a null array
 * {@code NullPointerException}; a negative size, a row stride below the row or a forbidden
 * overlap {@code IllegalArgumentException}; an extent past the array
 * {@code IndexOutOfBoundsException}. Thread-safe; allocates nothing once warm: an accumulating
 * bias gradient sums into a scratch row, the caller's {@link Workspace} in the form that takes
 * one, else a row kept per thread as {@link Bias#gradient} keeps it.
 *
 * <p>The constants share one implementation of the validation and the dispatch (the methods
 * below): an activation added later is a constant with its documentation, its kernels in the
 * implementations, and its test, provided its derivative follows from its output, as these
 * four's do. One whose derivative needs z (GELU, SiLU, which are not monotone) needs a backward
 * form that takes z, and a layer that keeps z: a change to this API, not only a constant. Each method picks the kernel by comparing {@code this} with the
 * constants, not by a {@code switch} (which reads a table C2 does not fold): called on a
 * constant, after inlining the JIT sees one kernel and no branch. A constant that no dispatch
 * knows (one added without its kernels) throws an {@code AssertionError} after the checks,
 * before any write, rather than compute another activation's answer.
 */
public enum Activation {
    /**
     * {@code max(0, z)}, matching {@link org.vecprop.reference.ReferenceRelu} bit for bit:
     * {@code relu(NaN) = NaN}; the backward pass is {@code dz = dy} where the input is positive
     * and 0 elsewhere, NaN counting as not positive.
     */
    RELU(Kernels.RELU),
    /**
     * {@code z} itself: the output layer of a regression network (or one whose loss applies
     * its own function, as the cross-entropies do). The forward pass copies x into y and the
     * backward pass dy into dz, bit for bit; the fused form then sums dz's columns as
     * {@link Bias#gradient} does. The backward passes check {@code a} as every constant's do
     * but never read it: dy itself may be passed as a.
     */
    IDENTITY(Kernels.IDENTITY),
    /**
     * The logistic sigmoid {@code σ(x) = 1 / (1 + e^-x)}.
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
     */
    SIGMOID(Kernels.SIGMOID),
    /**
     * The hyperbolic tangent {@code tanh x}.
     *
     * <p><b>Forward</b> is vecprop's own float tanh, the same bits at every vector width, on the
     * scalar path and in every JIT tier, on any CPU (no {@code Math.tanh}, no Vector API
     * transcendental). Against the exact function ({@link org.vecprop.reference.ReferenceTanh#value}),
     * in float ulps of the exact value: within <b>1.1 ulps</b> for {@code |x| < 0.625} (an odd
     * polynomial) and <b>1.0 ulp</b> from there on (bounds from the error analysis in
     * {@code docs/exp.md}; the worst errors over all 2^32 floats are 0.71 and 0.82). Exactly odd:
     * {@code tanh(-x) == -tanh(x)} bit for bit. Special values: NaN gives NaN, ±Inf give ±1, ±0 give
     * ±0; {@code |x| >= 9.0109} gives exactly ±1.
     *
     * <p><b>Backward</b> takes the stored activation {@code a = tanh(z)}, since
     * {@code tanh'(z) = 1 - a²}: {@code dz = dy * fma(-a, a, 1)}, the derivative rounded once and
     * then the product, so the pre-activation z is never stored. Against the exact
     * {@code dy·(1 - a²)} ({@link org.vecprop.reference.ReferenceTanh#backward(double, double)}):
     * within <b>1.5 ulps</b>, and 1 ulp (2^-149) where the result is subnormal (two roundings, each at
     * most {@code 2^-24} relative; {@code 1 - a²} is 0 or above 2^-24 for {@code |a| <= 1}). The
     * bound holds wherever {@code 1 - a²} is within float range, {@code |a| < 2^64}, which includes
     * every activation in [-1, 1]. NaN in a or dy gives NaN; {@code a = ±Inf} gives
     * {@code -Inf * dy}, as the reference.
     */
    TANH(Kernels.TANH);

    /** The implementations' code for this activation. */
    final int code;

    Activation(int code) {
        this.code = code;
    }

    /**
     * {@code y = f(x)} element-wise.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y, {@code >= 0}
     * @param x input, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y output, from {@code yOff} with row stride {@code ldy}; may be exactly x
     * @param yOff index of y's first element
     * @param ldy row stride of y, {@code >= max(1, cols)}
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride, extent or overlap, before any write
     */
    public void forward(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        Checks.unary(rows, cols, x, xOff, ldx, y, yOff, ldy, "x", "y");
        Kernels k = Implementation.KERNELS;
        if (this == RELU) {
            k.reluForward(rows, cols, x, xOff, ldx, y, yOff, ldy);
        } else if (this == SIGMOID) {
            k.sigmoidForward(rows, cols, x, xOff, ldx, y, yOff, ldy);
        } else if (this == TANH) {
            k.tanhForward(rows, cols, x, xOff, ldx, y, yOff, ldy);
        } else if (this == IDENTITY) {
            copy(rows, cols, x, xOff, ldx, y, yOff, ldy);
        } else {
            throw new AssertionError("vecprop: no kernel for activation " + this);
        }
    }

    /**
     * The backward pass from the forward pass's output: {@code dz = dy * f'} element-wise, with
     * f' from a as each constant says.
     *
     * @param rows rows of a, dy and dz, {@code >= 0}
     * @param cols columns of a, dy and dz, {@code >= 0}
     * @param a the forward pass's output f(z), from {@code aOff} with row stride {@code lda}
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
    public void backward(int rows, int cols, float[] a, int aOff, int lda,
                         float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        backward("a", rows, cols, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz);
    }

    /**
     * The backward pass fused with the bias gradient: {@code dz = dy * f'} and
     * {@code db (+)= column sums of dz}, in one pass over a and dy. Bit-identical to
     * {@link #backward} followed by {@link Bias#gradient}.
     *
     * @param rows rows of a, dy and dz, {@code >= 0}
     * @param cols columns of a, dy and dz, and length of db, {@code >= 0}
     * @param a the forward pass's output f(z), row stride {@code lda}
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
    public void backwardWithBiasGradient(int rows, int cols, float[] a, int aOff, int lda,
                                         float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz,
                                         float[] db, int dbOff, boolean accumulate) {
        backwardWithBiasGradient("a", rows, cols, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz,
                db, dbOff, accumulate, null);
    }

    /**
     * As {@link #backwardWithBiasGradient(int, int, float[], int, int, float[], int, int,
     * float[], int, int, float[], int, boolean)}, with the scratch row of an accumulating call
     * from the caller's workspace; bit-identical to it. Every argument is checked before
     * anything is written.
     *
     * @param rows rows of a, dy and dz, {@code >= 0}
     * @param cols columns of a, dy and dz, and length of db, {@code >= 0}
     * @param a the forward pass's output f(z), row stride {@code lda}
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
    public void backwardWithBiasGradient(int rows, int cols, float[] a, int aOff, int lda,
                                         float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz,
                                         float[] db, int dbOff, boolean accumulate, Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        backwardWithBiasGradient("a", rows, cols, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz,
                db, dbOff, accumulate, buffers);
    }

    /**
     * The backward pass, its first input named {@code input} in messages ({@link Relu} calls
     * it z). Checks every argument, then calls this activation's kernel.
     */
    void backward(String input, int rows, int cols, float[] in, int inOff, int ldin,
                  float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        Checks.binary(rows, cols, in, inOff, ldin, dy, dyOff, lddy, dz, dzOff, lddz, input, "dy", "dz");
        Kernels k = Implementation.KERNELS;
        if (this == RELU) {
            k.reluBackward(rows, cols, in, inOff, ldin, dy, dyOff, lddy, dz, dzOff, lddz);
        } else if (this == SIGMOID) {
            k.sigmoidBackward(rows, cols, in, inOff, ldin, dy, dyOff, lddy, dz, dzOff, lddz);
        } else if (this == TANH) {
            k.tanhBackward(rows, cols, in, inOff, ldin, dy, dyOff, lddy, dz, dzOff, lddz);
        } else if (this == IDENTITY) {
            copy(rows, cols, dy, dyOff, lddy, dz, dzOff, lddz);
        } else {
            throw new AssertionError("vecprop: no kernel for activation " + this);
        }
    }

    /**
     * The fused backward pass, its first input named {@code input} in messages.
     *
     * @param buffers the caller's workspace's, or null for this thread's own
     */
    void backwardWithBiasGradient(String input, int rows, int cols, float[] in, int inOff, int ldin,
                                  float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz,
                                  float[] db, int dbOff, boolean accumulate, Buffers buffers) {
        Checks.backwardWithBiasGradient(rows, cols, in, inOff, ldin, dy, dyOff, lddy, dz, dzOff, lddz,
                db, dbOff, input);
        Kernels k = Implementation.KERNELS;
        if (this == RELU) {
            k.reluBackwardWithBiasGradient(rows, cols, in, inOff, ldin, dy, dyOff, lddy,
                    dz, dzOff, lddz, db, dbOff, accumulate, buffers);
        } else if (this == SIGMOID) {
            k.sigmoidBackwardWithBiasGradient(rows, cols, in, inOff, ldin, dy, dyOff, lddy,
                    dz, dzOff, lddz, db, dbOff, accumulate, buffers);
        } else if (this == TANH) {
            k.tanhBackwardWithBiasGradient(rows, cols, in, inOff, ldin, dy, dyOff, lddy,
                    dz, dzOff, lddz, db, dbOff, accumulate, buffers);
        } else if (this == IDENTITY) {
            copy(rows, cols, dy, dyOff, lddy, dz, dzOff, lddz);
            k.biasGradient(rows, cols, dz, dzOff, lddz, db, dbOff, accumulate, buffers);
        } else {
            throw new AssertionError("vecprop: no kernel for activation " + this);
        }
    }

    /**
     * Copies a checked {@code rows x cols} matrix row by row (the identity's passes). The views
     * are the same or do not overlap (checked), and {@code System.arraycopy} of a row onto itself
     * changes nothing, so no case is special.
     */
    private static void copy(int rows, int cols, float[] src, int srcOff, int lds,
                             float[] dst, int dstOff, int ldd) {
        for (int i = 0; i < rows; i++) {
            System.arraycopy(src, srcOff + i * lds, dst, dstOff + i * ldd, cols);
        }
    }
}

package org.vecprop.kernel;

import org.vecprop.contract.Checks;
import org.vecprop.internal.Buffers;
import org.vecprop.internal.Kernels;

/**
 * The validation and dispatch every activation front shares ({@link Relu}, {@link Sigmoid},
 * {@link Tanh}): the public classes hold the documentation and one line per method, and this
 * enum checks the arguments, before anything is written, and calls the activation's kernel. An
 * activation added later is a constant here (its kernels in {@link Kernels}), a small front class
 * that documents it, and its test.
 *
 * <p>Each method picks the kernel by comparing {@code this} with the constants: the fronts call
 * a constant, so after inlining the JIT sees one kernel and no branch.
 */
enum ActivationFront {
    /** ReLU: its backward pass reads the pre-activation, named z. */
    RELU("z"),
    /** The logistic sigmoid: its backward pass reads the activation, named a. */
    SIGMOID("a"),
    /** tanh: its backward pass reads the activation, named a. */
    TANH("a");

    /** The name of the backward pass's first input in messages: z, or a for the activation. */
    private final String input;

    ActivationFront(String input) {
        this.input = input;
    }

    /** The forward pass {@code y = f(x)}. */
    void forward(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        Checks.unary(rows, cols, x, xOff, ldx, y, yOff, ldy, "x", "y");
        Kernels k = Implementation.KERNELS;
        if (this == RELU) {
            k.reluForward(rows, cols, x, xOff, ldx, y, yOff, ldy);
        } else if (this == SIGMOID) {
            k.sigmoidForward(rows, cols, x, xOff, ldx, y, yOff, ldy);
        } else {
            k.tanhForward(rows, cols, x, xOff, ldx, y, yOff, ldy);
        }
    }

    /** The backward pass {@code dz = dy * f'} from the forward pass's input (z) or output (a). */
    void backward(int rows, int cols, float[] in, int inOff, int ldin,
                  float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        Checks.binary(rows, cols, in, inOff, ldin, dy, dyOff, lddy, dz, dzOff, lddz, input, "dy", "dz");
        Kernels k = Implementation.KERNELS;
        if (this == RELU) {
            k.reluBackward(rows, cols, in, inOff, ldin, dy, dyOff, lddy, dz, dzOff, lddz);
        } else if (this == SIGMOID) {
            k.sigmoidBackward(rows, cols, in, inOff, ldin, dy, dyOff, lddy, dz, dzOff, lddz);
        } else {
            k.tanhBackward(rows, cols, in, inOff, ldin, dy, dyOff, lddy, dz, dzOff, lddz);
        }
    }

    /**
     * The backward pass and {@code db (+)= column sums of dz} in one pass.
     *
     * @param buffers the caller's workspace's, or null for this thread's own
     */
    void backwardWithBiasGradient(int rows, int cols, float[] in, int inOff, int ldin,
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
        } else {
            k.tanhBackwardWithBiasGradient(rows, cols, in, inOff, ldin, dy, dyOff, lddy,
                    dz, dzOff, lddz, db, dbOff, accumulate, buffers);
        }
    }
}

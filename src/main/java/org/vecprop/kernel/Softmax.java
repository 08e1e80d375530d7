package org.vecprop.kernel;

import org.vecprop.contract.Checks;
import org.vecprop.internal.Buffers;

/**
 * Row-wise softmax and log-softmax of row-major {@code rows x cols} float matrices (offset plus
 * row stride, like BLAS): each row is a vector of logits.
 *
 * <p><b>What is computed</b> ({@code contract.ArithmeticOrder}, "Softmax, log-softmax and
 * cross-entropy"): the row's maximum m is subtracted first, so no exponential overflows;
 * {@code e_j = exp(x_j − m)} with vecprop's own exp; the row's sum in a fixed order (16 virtual
 * lanes, folded pairwise), with the logits equal to m counted apart; softmax
 * {@code y_j = e_j · (1 / sum)}, log-softmax {@code y_j = (x_j − m) − log(sum)} with vecprop's own
 * log1p. So the results are the same bits at every vector width, on the scalar path, in every JIT
 * tier and on any CPU.
 *
 * <p><b>Accuracy</b>, against {@link org.vecprop.reference.ReferenceSoftmax} (double, rounded
 * once), with u = 2^-24, {@code d_j = x_j − m} and {@code w = sum_k y*_k |x_k − m|} (the mean
 * distance from the maximum, weighted by the exact softmax y*): softmax within
 * {@code (|d_j| + w + 26)·u·y*_j + 2^-148}; log-softmax within
 * {@code (|d_j| + |y*_j| + 1.5 log s + w + 22)·u} (s the exact sum of {@code e^{d_k}}). The
 * terms: the rounding of {@code x_j − m} enters e_j as a relative error up to {@code |d_j| u}, and
 * the sum's through w; exp is within 1.42 u relative (0.91·2^-149 where e_j is subnormal, hence
 * the absolute term), log1p within 0.75 ulp; 15 additions per lane and 4 fold levels per chunk of
 * 256 bound the sum's rounding (derivation in
 * {@code docs/log.md}, "Softmax and cross-entropy").
 *
 * <p><b>Special values</b>: a NaN logit makes its row NaN; where the maximum is +Inf, the +Inf
 * logits give NaN (Inf − Inf) and the others 0 (softmax) or -Inf (log-softmax); -Inf logits give
 * 0 and -Inf in a row with a finite maximum; a row of only -Inf is NaN. Large finite logits
 * (±1e30) are fine: only differences from the maximum are exponentiated (a difference that
 * overflows float, beyond 3.4e38, is -Inf).
 *
 * <p>Aliasing: y may be exactly x's view (array, offset, row stride), which is how to run in
 * place; any other overlap is rejected. Bad input throws before anything is written, naming the
 * argument ({@code docs/conventions.md}). Thread-safe; allocates nothing once warm: a few KB of
 * scratch, kept per thread (made on a thread's first call) or, in the forms that take one, in
 * the caller's {@link Workspace}.
 */
public final class Softmax {
    private Softmax() {}

    /**
     * {@code y = softmax(x)} row by row: {@code y_j = exp(x_j − m) / sum_k exp(x_k − m)}.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y (the logits per row), {@code >= 0}
     * @param x logits, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y output, from {@code yOff} with row stride {@code ldy}; may be exactly x's view
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride, extent or overlap, before any write
     */
    public static void forward(int rows, int cols, float[] x, int xOff, int ldx,
                               float[] y, int yOff, int ldy) {
        run(false, rows, cols, x, xOff, ldx, y, yOff, ldy, null);
    }

    /**
     * As {@link #forward(int, int, float[], int, int, float[], int, int)}, with its scratch in the
     * caller's workspace instead of this thread's; bit-identical to it. Every argument is checked
     * before anything is written.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y (the logits per row), {@code >= 0}
     * @param x logits, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y output, from {@code yOff} with row stride {@code ldy}; may be exactly x's view
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @param workspace the caller's scratch ({@link Workspace})
     * @throws NullPointerException if {@code workspace} is null, or as the form without one
     * @throws IllegalArgumentException as the form without a workspace
     * @throws IndexOutOfBoundsException as the form without a workspace
     */
    public static void forward(int rows, int cols, float[] x, int xOff, int ldx,
                               float[] y, int yOff, int ldy, Workspace workspace) {
        run(false, rows, cols, x, xOff, ldx, y, yOff, ldy, Workspace.of(workspace));
    }

    /**
     * {@code y = log(softmax(x))} row by row: {@code y_j = (x_j − m) − log(sum_k exp(x_k − m))}.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y (the logits per row), {@code >= 0}
     * @param x logits, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y output, from {@code yOff} with row stride {@code ldy}; may be exactly x's view
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @throws NullPointerException for a null array, IllegalArgumentException or
     *     IndexOutOfBoundsException for a bad size, stride, extent or overlap, before any write
     */
    public static void logForward(int rows, int cols, float[] x, int xOff, int ldx,
                                  float[] y, int yOff, int ldy) {
        run(true, rows, cols, x, xOff, ldx, y, yOff, ldy, null);
    }

    /**
     * As {@link #logForward(int, int, float[], int, int, float[], int, int)}, with its scratch in
     * the caller's workspace instead of this thread's; bit-identical to it. Every argument is
     * checked before anything is written.
     *
     * @param rows rows of x and y, {@code >= 0}
     * @param cols columns of x and y (the logits per row), {@code >= 0}
     * @param x logits, from {@code xOff} with row stride {@code ldx >= max(1, cols)}
     * @param xOff index of x's first element
     * @param ldx row stride of x
     * @param y output, from {@code yOff} with row stride {@code ldy}; may be exactly x's view
     * @param yOff index of y's first element
     * @param ldy row stride of y
     * @param workspace the caller's scratch ({@link Workspace})
     * @throws NullPointerException if {@code workspace} is null, or as the form without one
     * @throws IllegalArgumentException as the form without a workspace
     * @throws IndexOutOfBoundsException as the form without a workspace
     */
    public static void logForward(int rows, int cols, float[] x, int xOff, int ldx,
                                  float[] y, int yOff, int ldy, Workspace workspace) {
        run(true, rows, cols, x, xOff, ldx, y, yOff, ldy, Workspace.of(workspace));
    }

    /** Softmax or log-softmax after the checks; {@code buffers} null for this thread's. */
    private static void run(boolean log, int rows, int cols, float[] x, int xOff, int ldx,
                            float[] y, int yOff, int ldy, Buffers buffers) {
        Checks.unary(rows, cols, x, xOff, ldx, y, yOff, ldy, "x", "y");
        if (cols == 0) {
            return;
        }
        if (log) {
            Implementation.KERNELS.logSoftmax(rows, cols, x, xOff, ldx, y, yOff, ldy, buffers);
        } else {
            Implementation.KERNELS.softmax(rows, cols, x, xOff, ldx, y, yOff, ldy, buffers);
        }
    }
}

package org.vecprop.internal;

import java.util.concurrent.Executor;

/**
 * The operations every implementation of vecprop provides: the seam between the public kernels
 * ({@code org.vecprop.kernel}), which validate and document, and the code that computes.
 *
 * <p>Two implementations, chosen once at class-load time by {@code org.vecprop.kernel}'s
 * {@code Implementation} from {@link Vectorization}'s decision, in the manner of Lucene's
 * vectorization provider: {@code internal.vector.VectorKernels} (the Vector API) and
 * {@code internal.scalar.ScalarKernels} (plain loops, the fallback). Every argument has been
 * validated by the caller ({@code org.vecprop.contract.Checks}) and sizes are non-negative;
 * implementations check nothing and must not throw for valid input.
 *
 * <p>Matrices are row-major: an array, the offset of element (0, 0) and a leading dimension
 * (row stride). Names and semantics are those of the public method each one serves.
 *
 * <p>A method that needs scratch takes a {@link Buffers}: the caller's (a public {@code
 * Workspace}), or null for this thread's own ({@link Buffers#ofThisThread}), which an
 * implementation looks up only when it needs it, so a call that needs no scratch never makes
 * a thread's buffers.
 */
public interface Kernels {
    /** Activation code for no activation (identity) in a fused epilogue. */
    int IDENTITY = 0;
    /** Activation code for ReLU, {@code max(0, x)} with NaN kept. */
    int RELU = 1;
    /** Activation code for the logistic sigmoid, vecprop's own ({@code internal.math.FloatExp}). */
    int SIGMOID = 2;
    /** Activation code for tanh, vecprop's own ({@code internal.math.FloatExp}). */
    int TANH = 3;

    /** {@code y = max(0, x)}: {@code org.vecprop.kernel.Relu.forward}. */
    void reluForward(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy);

    /** {@code m = z > 0 ? 1 : 0}: {@code org.vecprop.kernel.Relu.mask}. */
    void reluMask(int rows, int cols, float[] z, int zOff, int ldz, float[] m, int mOff, int ldm);

    /** {@code dz = z > 0 ? dy : 0}: {@code org.vecprop.kernel.Relu.backward}. */
    void reluBackward(int rows, int cols, float[] z, int zOff, int ldz,
                      float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz);

    /** ReLU backward and the column sums of dz in one pass; {@code buffers} as the class says. */
    void reluBackwardWithBiasGradient(int rows, int cols, float[] z, int zOff, int ldz,
                                      float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz,
                                      float[] db, int dbOff, boolean accumulate, Buffers buffers);

    /** {@code y = sigmoid(x)}: {@code org.vecprop.kernel.Activation.SIGMOID.forward}. */
    void sigmoidForward(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy);

    /** {@code dz = dy * fma(-a, a, a)}: {@code org.vecprop.kernel.Activation.SIGMOID.backward}. */
    void sigmoidBackward(int rows, int cols, float[] a, int aOff, int lda,
                         float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz);

    /** Sigmoid backward and the column sums of dz in one pass; {@code buffers} as the class says. */
    void sigmoidBackwardWithBiasGradient(int rows, int cols, float[] a, int aOff, int lda,
                                         float[] dy, int dyOff, int lddy, float[] dz, int dzOff,
                                         int lddz, float[] db, int dbOff, boolean accumulate,
                                         Buffers buffers);

    /** {@code y = tanh(x)}: {@code org.vecprop.kernel.Activation.TANH.forward}. */
    void tanhForward(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy);

    /** {@code dz = dy * fma(-a, a, 1)}: {@code org.vecprop.kernel.Activation.TANH.backward}. */
    void tanhBackward(int rows, int cols, float[] a, int aOff, int lda,
                      float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz);

    /** Tanh backward and the column sums of dz in one pass; {@code buffers} as the class says. */
    void tanhBackwardWithBiasGradient(int rows, int cols, float[] a, int aOff, int lda,
                                      float[] dy, int dyOff, int lddy, float[] dz, int dzOff,
                                      int lddz, float[] db, int dbOff, boolean accumulate,
                                      Buffers buffers);

    /** {@code mean((p - t)^2)} over a non-empty matrix; {@code buffers} as the class says. */
    float mseLoss(int rows, int cols, float[] p, int pOff, int ldp, float[] t, int tOff, int ldt,
                  Buffers buffers);

    /** The loss and {@code g = 2 (p - t) / n} in one pass, over a non-empty matrix. */
    float mseLossAndGradient(int rows, int cols, float[] p, int pOff, int ldp,
                             float[] t, int tOff, int ldt, float[] g, int gOff, int ldg,
                             Buffers buffers);

    /**
     * Row-wise softmax of a {@code rows x cols} matrix ({@code cols >= 1}): {@code
     * org.vecprop.kernel.Softmax.forward}; y may be exactly x.
     */
    void softmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, Buffers buffers);

    /** Row-wise log-softmax ({@code cols >= 1}): {@code org.vecprop.kernel.Softmax.logForward}; y may be exactly x. */
    void logSoftmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy, Buffers buffers);

    /**
     * Cross-entropy of logits z ({@code rows x classes}, {@code classes >= 1}) against valid
     * labels: returns the double sum of the rows' losses in row order, and writes
     * {@code dz = (softmax - target) * gradScale} unless dz is null (dz may be exactly z).
     */
    double crossEntropy(int rows, int classes, float[] z, int zOff, int ldz, int[] labels, int labelsOff,
                        float[] dz, int dzOff, int lddz, float gradScale, float labelSmoothing, Buffers buffers);

    /**
     * Binary cross-entropy with logits over a non-empty {@code rows x cols} matrix: returns the
     * long sum of the elements' losses (before any division), and writes the gradient times
     * {@code gradScale} unless g is null; posWeight null means a weight of 1 for every column.
     */
    double binaryCrossEntropy(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                              float[] posWeight, int posWeightOff, float[] g, int gOff, int ldg, float gradScale,
                              Buffers buffers);

    /** The first position of each row's largest element ({@code cols >= 1}): {@code org.vecprop.kernel.TopK.argmax}. */
    void argmax(int rows, int cols, float[] x, int xOff, int ldx, int[] index, int indexOff);

    /** Each row's k first elements, best first: {@code org.vecprop.kernel.TopK.select}. */
    void topK(int rows, int cols, int k, float[] x, int xOff, int ldx, int[] index, int indexOff, int ldIndex,
              float[] values, int valuesOff, int ldValues);

    /** {@code y[i][j] = x[i][j] + bias[j]}. */
    void biasAdd(int rows, int cols, float[] x, int xOff, int ldx,
                 float[] bias, int biasOff, float[] y, int yOff, int ldy);

    /** Column sums of dz into db, overwriting or accumulating; {@code buffers} as the class says. */
    void biasGradient(int rows, int cols, float[] dz, int dzOff, int lddz,
                      float[] db, int dbOff, boolean accumulate, Buffers buffers);

    /** The SGD update of n contiguous parameters (see {@code org.vecprop.kernel.Update}). */
    void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff,
             float lr, float momentum, float weightDecay, boolean zeroGrad);

    /**
     * The Adam/AdamW update of n contiguous parameters in {@code contract.ArithmeticOrder}'s
     * order, with the per-step scalars already computed there: {@code stepSize} ({@code s}),
     * {@code rootCorrection} ({@code r}), {@code coupledDecay} (Adam's L2 factor, 0 for none),
     * {@code decay} (AdamW's factor, or exactly 1 for none: then w is not multiplied).
     */
    void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
              float[] v, int vOff, float stepSize, float rootCorrection, float beta1, float beta2,
              float eps, float coupledDecay, float decay, boolean zeroGrad);

    /** Sum of squares, max |x|, NaN and infinity counts into out (see SummaryIndex). */
    void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out, Buffers buffers);

    /** The number of columns with no element {@code > 0}. */
    int deadColumns(int rows, int cols, float[] a, int aOff, int lda);

    /**
     * {@code C = f(alpha * op(A) * op(B) + beta * C + bias)}, with {@code bias} null for none and
     * {@code activation} one of {@link #IDENTITY}, {@link #RELU}, {@link #SIGMOID}, {@link #TANH}.
     *
     * @param buffers the caller's buffers, or null for this thread's own
     */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc,
              float[] bias, int biasOff, int activation, Buffers buffers);

    /**
     * {@code C = alpha * op(A) * op(B) + beta * C} cut into up to {@code parts} pieces of C, run on
     * {@code executor} and the calling thread, bit-identical to {@link #gemm}; {@code m, n > 0}.
     *
     * @param buffers the caller's buffers (each piece then packs into its own part of them), or
     *     null (each piece packs into the buffers of the thread that runs it)
     */
    void gemmParallel(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, Executor executor, int parts,
                      Buffers buffers);

    /**
     * Packs {@code op(B)} ({@code depth x cols}) for {@link #gemmPacked}: stored B is
     * {@code depth x cols}, or {@code cols x depth} when {@code trans}. Allocates the result.
     */
    PackedOperand packRight(boolean trans, int depth, int cols, float[] b, int bOff, int ldb);

    /**
     * As {@link #packRight}, each value rounded to bfloat16 ({@code contract.Bfloat16}); a
     * product with it ({@link #gemmPacked}) is bit-identical to {@link #gemm} on the rounded
     * values.
     */
    PackedOperand packRightBfloat16(boolean trans, int depth, int cols, float[] b, int bOff, int ldb);

    /**
     * {@code C = f(alpha * op(A) * B + beta * C + bias)} with B packed by {@link #packRight}:
     * {@code m x b.cols} by depth {@code b.depth}; bit-identical to {@link #gemm} on the
     * unpacked values.
     */
    void gemmPacked(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                    PackedOperand b, float beta, float[] c, int cOff, int ldc,
                    float[] bias, int biasOff, int activation, Buffers buffers);

    /**
     * {@code C = alpha * op(A) * B + beta * C} with B packed by {@link #packRight}, cut into up to
     * {@code parts} pieces of C as {@link #gemmParallel} cuts, bit-identical to {@link
     * #gemmPacked}; {@code m > 0, b.cols > 0}.
     */
    void gemmPackedParallel(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                            PackedOperand b, float beta, float[] c, int cOff, int ldc,
                            Executor executor, int parts, Buffers buffers);
}

package org.vecprop.internal.vector;

import java.util.concurrent.Executor;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.PackedOperand;
import org.vecprop.internal.TopKSelect;
import org.vecprop.internal.scalar.ScalarKernels;
import org.vecprop.internal.gemm.PackedPanels;
import org.vecprop.internal.gemm.PackedPanelsBf16;
import org.vecprop.internal.gemm.GemmBlocking.Path;
import org.vecprop.internal.gemm.GemmParallel;
import org.vecprop.internal.gemm.VectorGemm;
import org.vecprop.internal.math.VectorFloatExpRows;

/**
 * The Vector API implementation of {@link Kernels}, at the width {@code Lanes.F} fixes: the
 * element-wise and reduction kernels of this package and the GEMM of
 * {@code org.vecprop.internal.gemm}. Loaded only when SIMD is on.
 */
public final class VectorKernels implements Kernels {
    /** The one instance. */
    public static final VectorKernels INSTANCE = new VectorKernels();

    private VectorKernels() {}

    @Override
    public void reluForward(int rows, int cols, float[] x, int xOff, int ldx,
                            float[] y, int yOff, int ldy) {
        VectorRelu.forward(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    @Override
    public void reluMask(int rows, int cols, float[] z, int zOff, int ldz,
                         float[] m, int mOff, int ldm) {
        VectorRelu.mask(rows, cols, z, zOff, ldz, m, mOff, ldm);
    }

    @Override
    public void reluBackward(int rows, int cols, float[] z, int zOff, int ldz,
                             float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        VectorRelu.backward(rows, cols, z, zOff, ldz, dy, dyOff, lddy, dz, dzOff, lddz);
    }

    @Override
    public void reluBackwardWithBiasGradient(int rows, int cols, float[] z, int zOff, int ldz,
                                             float[] dy, int dyOff, int lddy,
                                             float[] dz, int dzOff, int lddz,
                                             float[] db, int dbOff, boolean accumulate) {
        VectorRelu.backwardWithBiasGradient(rows, cols, z, zOff, ldz, dy, dyOff, lddy,
                dz, dzOff, lddz, db, dbOff, accumulate);
    }

    @Override
    public void sigmoidForward(int rows, int cols, float[] x, int xOff, int ldx,
                               float[] y, int yOff, int ldy) {
        VectorFloatExpRows.sigmoid(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    @Override
    public void sigmoidBackward(int rows, int cols, float[] a, int aOff, int lda,
                                float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        VectorActivations.backward(false, rows, cols, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz);
    }

    @Override
    public void sigmoidBackwardWithBiasGradient(int rows, int cols, float[] a, int aOff, int lda,
                                                float[] dy, int dyOff, int lddy,
                                                float[] dz, int dzOff, int lddz,
                                                float[] db, int dbOff, boolean accumulate) {
        VectorActivations.backwardWithBiasGradient(false, rows, cols, a, aOff, lda, dy, dyOff, lddy,
                dz, dzOff, lddz, db, dbOff, accumulate);
    }

    @Override
    public void tanhForward(int rows, int cols, float[] x, int xOff, int ldx,
                            float[] y, int yOff, int ldy) {
        VectorFloatExpRows.tanh(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    @Override
    public void tanhBackward(int rows, int cols, float[] a, int aOff, int lda,
                             float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        VectorActivations.backward(true, rows, cols, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz);
    }

    @Override
    public void tanhBackwardWithBiasGradient(int rows, int cols, float[] a, int aOff, int lda,
                                             float[] dy, int dyOff, int lddy,
                                             float[] dz, int dzOff, int lddz,
                                             float[] db, int dbOff, boolean accumulate) {
        VectorActivations.backwardWithBiasGradient(true, rows, cols, a, aOff, lda, dy, dyOff, lddy,
                dz, dzOff, lddz, db, dbOff, accumulate);
    }

    /**
     * Softmax and cross-entropy keep 16 row lanes; a vector of more than 16 lanes (1024-bit and
     * wider SVE) would not fit them, and the scalar implementation (the same bits) runs instead.
     */
    private static final boolean ROWS_FIT = org.vecprop.internal.Lanes.L <= org.vecprop.internal.SoftmaxOrder.LANES;

    @Override
    public void softmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        if (ROWS_FIT) {
            VectorSoftmax.softmax(rows, cols, x, xOff, ldx, y, yOff, ldy, false);
        } else {
            ScalarKernels.INSTANCE.softmax(rows, cols, x, xOff, ldx, y, yOff, ldy);
        }
    }

    @Override
    public void logSoftmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        if (ROWS_FIT) {
            VectorSoftmax.softmax(rows, cols, x, xOff, ldx, y, yOff, ldy, true);
        } else {
            ScalarKernels.INSTANCE.logSoftmax(rows, cols, x, xOff, ldx, y, yOff, ldy);
        }
    }

    @Override
    public double crossEntropy(int rows, int classes, float[] z, int zOff, int ldz, int[] labels, int labelsOff,
                               float[] dz, int dzOff, int lddz, float gradScale, float labelSmoothing) {
        if (!ROWS_FIT) {
            return ScalarKernels.INSTANCE.crossEntropy(rows, classes, z, zOff, ldz, labels, labelsOff,
                    dz, dzOff, lddz, gradScale, labelSmoothing);
        }
        return VectorSoftmax.crossEntropy(rows, classes, z, zOff, ldz, labels, labelsOff, dz, dzOff, lddz,
                gradScale, labelSmoothing);
    }

    @Override
    public double binaryCrossEntropy(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                                     float[] posWeight, int posWeightOff, float[] g, int gOff, int ldg, float gradScale) {
        return VectorBce.lossAndGradient(rows, cols, x, xOff, ldx, y, yOff, ldy, posWeight, posWeightOff,
                g, gOff, ldg, gradScale);
    }

    @Override
    public void argmax(int rows, int cols, float[] x, int xOff, int ldx, int[] index, int indexOff) {
        VectorArgmax.argmax(rows, cols, x, xOff, ldx, index, indexOff);
    }

    @Override
    public void topK(int rows, int cols, int k, float[] x, int xOff, int ldx, int[] index, int indexOff,
                     int ldIndex, float[] values, int valuesOff, int ldValues) {
        for (int i = 0; i < rows; i++) { // a selection: no arithmetic, the scalar heap is the kernel
            TopKSelect.row(x, xOff + i * ldx, cols, k, index, indexOff + i * ldIndex, values, valuesOff + i * ldValues);
        }
    }

    @Override
    public float mseLoss(int rows, int cols, float[] p, int pOff, int ldp,
                         float[] t, int tOff, int ldt) {
        return VectorMse.loss(rows, cols, p, pOff, ldp, t, tOff, ldt);
    }

    @Override
    public float mseLossAndGradient(int rows, int cols, float[] p, int pOff, int ldp,
                                    float[] t, int tOff, int ldt, float[] g, int gOff, int ldg) {
        return VectorMse.lossAndGradient(rows, cols, p, pOff, ldp, t, tOff, ldt, g, gOff, ldg);
    }

    @Override
    public void biasAdd(int rows, int cols, float[] x, int xOff, int ldx,
                        float[] bias, int biasOff, float[] y, int yOff, int ldy) {
        VectorBias.add(rows, cols, x, xOff, ldx, bias, biasOff, y, yOff, ldy);
    }

    @Override
    public void biasGradient(int rows, int cols, float[] dz, int dzOff, int lddz,
                             float[] db, int dbOff, boolean accumulate) {
        VectorBias.gradient(rows, cols, dz, dzOff, lddz, db, dbOff, accumulate);
    }

    @Override
    public void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff,
                    float lr, float momentum, float weightDecay, boolean zeroGrad) {
        VectorUpdate.sgd(n, w, wOff, g, gOff, v, vOff, lr, momentum, weightDecay, zeroGrad);
    }

    @Override
    public void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
                     float[] v, int vOff, float stepSize, float rootCorrection, float beta1,
                     float beta2, float eps, float coupledDecay, float decay, boolean zeroGrad) {
        VectorUpdate.adam(n, w, wOff, g, gOff, m, mOff, v, vOff, stepSize, rootCorrection, beta1,
                beta2, eps, coupledDecay, decay, zeroGrad);
    }

    @Override
    public void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out) {
        VectorStats.summarize(rows, cols, x, xOff, ldx, out);
    }

    @Override
    public int deadColumns(int rows, int cols, float[] a, int aOff, int lda) {
        return VectorStats.deadColumns(rows, cols, a, aOff, lda);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc,
                     float[] bias, int biasOff, int activation, PackBuffers buffers) {
        VectorGemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, bias, biasOff, activation, buffers, Path.AUTO);
    }

    @Override
    public void gemmParallel(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, Executor executor, int parts) {
        GemmParallel.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, executor, parts);
    }

    @Override
    public PackedOperand packRight(boolean trans, int depth, int cols, float[] b, int bOff, int ldb) {
        return PackedPanels.pack(trans, depth, cols, b, bOff, ldb);
    }

    @Override
    public PackedOperand packRightBfloat16(boolean trans, int depth, int cols, float[] b, int bOff,
                                           int ldb) {
        return PackedPanelsBf16.pack(trans, depth, cols, b, bOff, ldb);
    }

    @Override
    public void gemmPacked(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                           PackedOperand b, float beta, float[] c, int cOff, int ldc,
                           float[] bias, int biasOff, int activation, PackBuffers buffers) {
        if (b instanceof PackedPanelsBf16 half) {
            VectorGemm.multiplyPackedBf16(transA, m, alpha, a, aOff, lda, half, beta,
                    c, cOff, ldc, bias, biasOff, activation, buffers);
            return;
        }
        VectorGemm.multiplyPacked(transA, m, alpha, a, aOff, lda, (PackedPanels) b, beta,
                c, cOff, ldc, bias, biasOff, activation, buffers);
    }
}

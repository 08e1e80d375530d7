package org.vecprop.internal.scalar;

import java.util.concurrent.Executor;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.PackBuffers;
import org.vecprop.reference.ReferenceBias;
import org.vecprop.reference.ReferenceGemm;
import org.vecprop.reference.ReferenceMse;
import org.vecprop.reference.ReferenceRelu;
import org.vecprop.reference.ReferenceStats;
import org.vecprop.reference.ReferenceUpdate;

/**
 * The scalar implementation of {@link Kernels}: what runs when SIMD is off (no incubator
 * module, C2 off, {@code -Dvecprop.vectorBits=0}).
 *
 * <p>It is, visibly, the oracle's code: every operation calls the same loop in
 * {@code org.vecprop.reference} that the tests hold the vector kernels against, so the fallback
 * computes exactly the oracle's results (which, for GEMM, the MSE loss and the summaries, differ
 * from the vector kernels' by rounding, within the bounds the kernels state).
 */
public final class ScalarKernels implements Kernels {
    /** The one instance. */
    public static final ScalarKernels INSTANCE = new ScalarKernels();

    private ScalarKernels() {}

    @Override
    public void reluForward(int rows, int cols, float[] x, int xOff, int ldx,
                            float[] y, int yOff, int ldy) {
        ReferenceRelu.forward(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    @Override
    public void reluMask(int rows, int cols, float[] z, int zOff, int ldz,
                         float[] m, int mOff, int ldm) {
        ReferenceRelu.mask(rows, cols, z, zOff, ldz, m, mOff, ldm);
    }

    @Override
    public void reluBackward(int rows, int cols, float[] z, int zOff, int ldz,
                             float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        ReferenceRelu.backward(rows, cols, z, zOff, ldz, dy, dyOff, lddy, dz, dzOff, lddz);
    }

    @Override
    public void reluBackwardWithBiasGradient(int rows, int cols, float[] z, int zOff, int ldz,
                                             float[] dy, int dyOff, int lddy,
                                             float[] dz, int dzOff, int lddz,
                                             float[] db, int dbOff, boolean accumulate) {
        ReferenceRelu.backward(rows, cols, z, zOff, ldz, dy, dyOff, lddy, dz, dzOff, lddz);
        ReferenceBias.gradient(rows, cols, dz, dzOff, lddz, db, dbOff, accumulate);
    }

    @Override
    public float mseLoss(int rows, int cols, float[] p, int pOff, int ldp,
                         float[] t, int tOff, int ldt) {
        return ReferenceMse.loss(rows, cols, p, pOff, ldp, t, tOff, ldt);
    }

    @Override
    public float mseLossAndGradient(int rows, int cols, float[] p, int pOff, int ldp,
                                    float[] t, int tOff, int ldt, float[] g, int gOff, int ldg) {
        return ReferenceMse.lossAndGradient(rows, cols, p, pOff, ldp, t, tOff, ldt, g, gOff, ldg);
    }

    @Override
    public void biasAdd(int rows, int cols, float[] x, int xOff, int ldx,
                        float[] bias, int biasOff, float[] y, int yOff, int ldy) {
        ReferenceBias.add(rows, cols, x, xOff, ldx, bias, biasOff, y, yOff, ldy);
    }

    @Override
    public void biasGradient(int rows, int cols, float[] dz, int dzOff, int lddz,
                             float[] db, int dbOff, boolean accumulate) {
        ReferenceBias.gradient(rows, cols, dz, dzOff, lddz, db, dbOff, accumulate);
    }

    @Override
    public void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff,
                    float lr, float momentum, float weightDecay, boolean zeroGrad) {
        ReferenceUpdate.sgd(n, w, wOff, g, gOff, v, vOff, lr, momentum, weightDecay, zeroGrad);
    }

    @Override
    public void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out) {
        ReferenceStats.summarize(rows, cols, x, xOff, ldx, out);
    }

    @Override
    public int deadColumns(int rows, int cols, float[] a, int aOff, int lda) {
        return ReferenceStats.deadColumns(rows, cols, a, aOff, lda);
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc,
                     float[] bias, int biasOff, int activation, PackBuffers buffers) {
        ReferenceGemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc);
        if (bias != null) {
            ReferenceBias.add(m, n, c, cOff, ldc, bias, biasOff, c, cOff, ldc);
        }
        if (activation == RELU) {
            ReferenceRelu.forward(m, n, c, cOff, ldc, c, cOff, ldc);
        }
    }

    @Override
    public void gemmParallel(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float beta, float[] c, int cOff, int ldc, Executor executor, int parts) {
        // One thread: the scalar path is for correctness, not speed, and this keeps it simple.
        gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                null, 0, IDENTITY, null);
    }
}

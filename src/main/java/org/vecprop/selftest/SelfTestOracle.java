package org.vecprop.selftest;

import org.vecprop.reference.ReferenceBias;
import org.vecprop.reference.ReferenceGemm;
import org.vecprop.reference.ReferenceMse;
import org.vecprop.reference.ReferenceRelu;
import org.vecprop.reference.ReferenceSigmoid;
import org.vecprop.reference.ReferenceStats;
import org.vecprop.reference.ReferenceTanh;
import org.vecprop.reference.ReferenceUpdate;

/**
 * What {@link SelfTest} holds the kernels against: {@code org.vecprop.reference}, one method per
 * operation. A class, not the static calls, so that a test can hand the self-test a wrong
 * oracle and see it fail (a self-test that cannot fail would prove nothing).
 */
class SelfTestOracle {
    /** The reference oracle. */
    static final SelfTestOracle REFERENCE = new SelfTestOracle();

    /** {@link ReferenceGemm#multiply}. */
    void gemm(boolean transA, boolean transB, int m, int n, int k, float alpha, float[] a, int aOff,
              int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        ReferenceGemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
    }

    /** {@link ReferenceRelu#forward}. */
    void reluForward(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        ReferenceRelu.forward(rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    /** {@link ReferenceRelu#mask}. */
    void reluMask(int rows, int cols, float[] z, int zOff, int ldz, float[] m, int mOff, int ldm) {
        ReferenceRelu.mask(rows, cols, z, zOff, ldz, m, mOff, ldm);
    }

    /** {@link ReferenceRelu#backward}. */
    void reluBackward(int rows, int cols, float[] z, int zOff, int ldz, float[] dy, int dyOff, int lddy,
                      float[] dz, int dzOff, int lddz) {
        ReferenceRelu.backward(rows, cols, z, zOff, ldz, dy, dyOff, lddy, dz, dzOff, lddz);
    }

    /** {@link ReferenceBias#add}. */
    void biasAdd(int rows, int cols, float[] x, int xOff, int ldx, float[] bias, int biasOff,
                 float[] y, int yOff, int ldy) {
        ReferenceBias.add(rows, cols, x, xOff, ldx, bias, biasOff, y, yOff, ldy);
    }

    /** {@link ReferenceBias#gradient}. */
    void biasGradient(int rows, int cols, float[] dz, int dzOff, int lddz, float[] db, int dbOff,
                      boolean accumulate) {
        ReferenceBias.gradient(rows, cols, dz, dzOff, lddz, db, dbOff, accumulate);
    }

    /** {@link ReferenceMse#loss}. */
    float mseLoss(int rows, int cols, float[] p, int pOff, int ldp, float[] t, int tOff, int ldt) {
        return ReferenceMse.loss(rows, cols, p, pOff, ldp, t, tOff, ldt);
    }

    /** {@link ReferenceMse#lossAndGradient}. */
    float mseLossAndGradient(int rows, int cols, float[] p, int pOff, int ldp, float[] t, int tOff,
                             int ldt, float[] g, int gOff, int ldg) {
        return ReferenceMse.lossAndGradient(rows, cols, p, pOff, ldp, t, tOff, ldt, g, gOff, ldg);
    }

    /** {@link ReferenceUpdate#sgd}. */
    void sgd(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff, float lr,
             float momentum, float weightDecay, boolean zeroGrad) {
        ReferenceUpdate.sgd(n, w, wOff, g, gOff, v, vOff, lr, momentum, weightDecay, zeroGrad);
    }

    /** {@link ReferenceStats#summarize}. */
    void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out) {
        ReferenceStats.summarize(rows, cols, x, xOff, ldx, out);
    }

    /** {@link ReferenceStats#deadColumns}. */
    int deadColumns(int rows, int cols, float[] a, int aOff, int lda) {
        return ReferenceStats.deadColumns(rows, cols, a, aOff, lda);
    }

    /** {@link ReferenceSigmoid#value}: the exact sigmoid in double. */
    double sigmoid(double x) {
        return ReferenceSigmoid.value(x);
    }

    /** {@link ReferenceSigmoid#backward(double, double)}: the exact {@code dy a (1 - a)}. */
    double sigmoidBackward(double a, double dy) {
        return ReferenceSigmoid.backward(a, dy);
    }

    /** {@link ReferenceTanh#value}: the exact tanh in double. */
    double tanh(double x) {
        return ReferenceTanh.value(x);
    }

    /** {@link ReferenceTanh#backward(double, double)}: the exact {@code dy (1 - a²)}. */
    double tanhBackward(double a, double dy) {
        return ReferenceTanh.backward(a, dy);
    }
}

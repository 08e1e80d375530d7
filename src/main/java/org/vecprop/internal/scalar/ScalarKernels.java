package org.vecprop.internal.scalar;

import java.util.concurrent.Executor;
import org.vecprop.contract.ArithmeticOrder;
import org.vecprop.contract.SummaryIndex;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.LaneSums;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.PackedOperand;
import org.vecprop.internal.Scratch;
import org.vecprop.internal.TopKSelect;
import org.vecprop.reference.ReferenceBias;
import org.vecprop.reference.ReferenceRelu;
import org.vecprop.reference.ReferenceStats;
import org.vecprop.reference.ReferenceTopK;
import org.vecprop.reference.ReferenceUpdate;

/**
 * The scalar implementation of {@link Kernels}: what runs when SIMD is off (no incubator
 * module, C2 off, {@code -Dvecprop.vectorBits=0}).
 *
 * <p>It computes vecprop's order of arithmetic ({@link ArithmeticOrder}) one element at a
 * time, so its results equal the Vector API kernels' bit for bit at any width. Two kinds of
 * operation, visibly different:
 * <ul>
 *   <li>element-wise operations and the column sums (ReLU and its derivatives, bias add and
 *       gradient, the SGD update, dead-column counts): the order is the formula itself, which
 *       the oracle's loop spells out, so this class calls the oracle in
 *       {@code org.vecprop.reference} (the same code the tests hold the kernels against);
 *       sigmoid and tanh, whose oracle computes in double, in {@link ScalarActivations};</li>
 *   <li>GEMM, the MSE loss and the sum of squares, where the oracle sums in its own textbook
 *       order: loops of their own here, following the depth blocks and virtual lanes of the
 *       order; likewise softmax, cross-entropy and binary cross-entropy, whose oracle computes
 *       in double ({@link ScalarClassification});</li>
 *   <li>argmax (the oracle's scan) and top-k ({@link TopKSelect}): selections, exact.</li>
 * </ul>
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
    public void sigmoidForward(int rows, int cols, float[] x, int xOff, int ldx,
                               float[] y, int yOff, int ldy) {
        ScalarActivations.forward(SIGMOID, rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    @Override
    public void sigmoidBackward(int rows, int cols, float[] a, int aOff, int lda,
                                float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        ScalarActivations.backward(false, rows, cols, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz);
    }

    @Override
    public void sigmoidBackwardWithBiasGradient(int rows, int cols, float[] a, int aOff, int lda,
                                                float[] dy, int dyOff, int lddy,
                                                float[] dz, int dzOff, int lddz,
                                                float[] db, int dbOff, boolean accumulate) {
        ScalarActivations.backward(false, rows, cols, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz);
        ReferenceBias.gradient(rows, cols, dz, dzOff, lddz, db, dbOff, accumulate);
    }

    @Override
    public void tanhForward(int rows, int cols, float[] x, int xOff, int ldx,
                            float[] y, int yOff, int ldy) {
        ScalarActivations.forward(TANH, rows, cols, x, xOff, ldx, y, yOff, ldy);
    }

    @Override
    public void tanhBackward(int rows, int cols, float[] a, int aOff, int lda,
                             float[] dy, int dyOff, int lddy, float[] dz, int dzOff, int lddz) {
        ScalarActivations.backward(true, rows, cols, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz);
    }

    @Override
    public void tanhBackwardWithBiasGradient(int rows, int cols, float[] a, int aOff, int lda,
                                             float[] dy, int dyOff, int lddy,
                                             float[] dz, int dzOff, int lddz,
                                             float[] db, int dbOff, boolean accumulate) {
        ScalarActivations.backward(true, rows, cols, a, aOff, lda, dy, dyOff, lddy, dz, dzOff, lddz);
        ReferenceBias.gradient(rows, cols, dz, dzOff, lddz, db, dbOff, accumulate);
    }

    @Override
    public float mseLoss(int rows, int cols, float[] p, int pOff, int ldp,
                         float[] t, int tOff, int ldt) {
        return mse(rows, cols, p, pOff, ldp, t, tOff, ldt, null, 0, 0);
    }

    @Override
    public float mseLossAndGradient(int rows, int cols, float[] p, int pOff, int ldp,
                                    float[] t, int tOff, int ldt, float[] g, int gOff, int ldg) {
        return mse(rows, cols, p, pOff, ldp, t, tOff, ldt, g, gOff, ldg);
    }

    /** The loss in vecprop's order, and {@code g = 2 (p - t) / n} unless g is null. */
    private static float mse(int rows, int cols, float[] p, int pOff, int ldp,
                             float[] t, int tOff, int ldt, float[] g, int gOff, int ldg) {
        long n = (long) rows * cols;
        float nf = (float) n;
        LaneSums s = LaneSums.ofThisThread();
        float[] lanes = s.lanes;
        int lane = 0, inChunk = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float d = p[pOff + i * ldp + j] - t[tOff + i * ldt + j];
                lanes[lane] = Math.fma(d, d, lanes[lane]);
                if (g != null) {
                    g[gOff + i * ldg + j] = 2f * d / nf;
                }
                lane = lane + 1 == LaneSums.LANES ? 0 : lane + 1;
                if (++inChunk == LaneSums.CHUNK) {
                    s.fold();
                    inChunk = 0;
                }
            }
        }
        s.fold();
        return (float) (s.total() / n);
    }

    @Override
    public void softmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        ScalarClassification.softmax(rows, cols, x, xOff, ldx, y, yOff, ldy, false);
    }

    @Override
    public void logSoftmax(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy) {
        ScalarClassification.softmax(rows, cols, x, xOff, ldx, y, yOff, ldy, true);
    }

    @Override
    public double crossEntropy(int rows, int classes, float[] z, int zOff, int ldz, int[] labels, int labelsOff,
                               float[] dz, int dzOff, int lddz, float gradScale, float labelSmoothing) {
        return ScalarClassification.crossEntropy(rows, classes, z, zOff, ldz, labels, labelsOff,
                dz, dzOff, lddz, gradScale, labelSmoothing);
    }

    @Override
    public double binaryCrossEntropy(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                                     float[] posWeight, int posWeightOff, float[] g, int gOff, int ldg, float gradScale) {
        return ScalarClassification.binaryCrossEntropy(rows, cols, x, xOff, ldx, y, yOff, ldy,
                posWeight, posWeightOff, g, gOff, ldg, gradScale);
    }

    @Override
    public void argmax(int rows, int cols, float[] x, int xOff, int ldx, int[] index, int indexOff) {
        ReferenceTopK.argmax(rows, cols, x, xOff, ldx, index, indexOff);
    }

    @Override
    public void topK(int rows, int cols, int k, float[] x, int xOff, int ldx, int[] index, int indexOff,
                     int ldIndex, float[] values, int valuesOff, int ldValues) {
        for (int i = 0; i < rows; i++) {
            TopKSelect.row(x, xOff + i * ldx, cols, k, index, indexOff + i * ldIndex,
                    values, valuesOff + i * ldValues);
        }
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
    public void adam(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff,
                     float[] v, int vOff, float stepSize, float rootCorrection, float beta1,
                     float beta2, float eps, float coupledDecay, float decay, boolean zeroGrad) {
        float oneMinusBeta1 = 1f - beta1, oneMinusBeta2 = 1f - beta2;
        for (int i = 0; i < n; i++) {
            float wi = w[wOff + i], gi = g[gOff + i];
            if (coupledDecay != 0f) {
                gi = Math.fma(coupledDecay, wi, gi);
            }
            if (decay != 1f) {
                wi = wi * decay;
            }
            float mi = Math.fma(oneMinusBeta1, gi - m[mOff + i], m[mOff + i]);
            float vi = Math.fma(oneMinusBeta2, gi * gi, beta2 * v[vOff + i]);
            float q = mi / ((float) Math.sqrt(vi) / rootCorrection + eps);
            m[mOff + i] = mi;
            v[vOff + i] = vi;
            w[wOff + i] = Math.fma(-stepSize, q, wi);
            if (zeroGrad) {
                g[gOff + i] = 0f;
            }
        }
    }

    @Override
    public void summarize(int rows, int cols, float[] x, int xOff, int ldx, double[] out) {
        LaneSums s = LaneSums.ofThisThread();
        float[] lanes = s.lanes;
        int lane = 0, inChunk = 0;
        float max = 0f;
        long nan = 0, inf = 0;
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                float v = x[xOff + i * ldx + j];
                if (Float.isNaN(v)) {
                    nan++;
                } else if (Float.isInfinite(v)) {
                    inf++;
                } else {
                    lanes[lane] = Math.fma(v, v, lanes[lane]);
                    max = Math.max(max, Math.abs(v));
                }
                lane = lane + 1 == LaneSums.LANES ? 0 : lane + 1;
                if (++inChunk == LaneSums.CHUNK) {
                    s.fold();
                    inChunk = 0;
                }
            }
        }
        s.fold();
        out[SummaryIndex.SUM_SQUARES] = s.total();
        out[SummaryIndex.MAX_ABS] = max;
        out[SummaryIndex.NAN_COUNT] = nan;
        out[SummaryIndex.INF_COUNT] = inf;
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
        // Row by row in outer-product form: for each depth block, a row of accumulators takes
        // op(A)[i][p] * op(B)[p][:] for p in increasing order, so each element's chain is the
        // order's, while B is read along its rows (the oracle walks columns, which is slow).
        if (m == 0 || n == 0) {
            return;
        }
        float[] acc = Scratch.zeroedRow(n);
        int aStepI = transA ? 1 : lda, aStepP = transA ? lda : 1;
        int bStepP = transB ? 1 : ldb, bStepJ = transB ? ldb : 1;
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            if (alpha == 0f || k == 0) {
                for (int j = 0; j < n; j++) {
                    c[row + j] = beta == 0f ? 0f : beta * c[row + j];
                }
            }
            for (int pc = 0; pc < k && alpha != 0f; pc += ArithmeticOrder.DEPTH_BLOCK) {
                int end = Math.min(k, pc + ArithmeticOrder.DEPTH_BLOCK);
                java.util.Arrays.fill(acc, 0, n, 0f);
                for (int p = pc; p < end; p++) {
                    float aip = a[aOff + i * aStepI + p * aStepP];
                    int bp = bOff + p * bStepP;
                    for (int j = 0; j < n; j++) {
                        acc[j] = Math.fma(aip, b[bp + j * bStepJ], acc[j]);
                    }
                }
                for (int j = 0; j < n; j++) {
                    float v = alpha * acc[j];
                    if (pc > 0) {
                        v = v + c[row + j];
                    } else if (beta != 0f) {
                        v = v + beta * c[row + j];
                    }
                    c[row + j] = v;
                }
            }
            for (int j = 0; j < n && (bias != null || activation != IDENTITY); j++) {
                float v = c[row + j];
                if (bias != null) {
                    v = v + bias[biasOff + j];
                }
                c[row + j] = ScalarActivations.apply(v, activation);
            }
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

    @Override
    public PackedOperand packRight(boolean trans, int depth, int cols, float[] b, int bOff, int ldb) {
        DenseOperand packed = new DenseOperand(depth, cols, false);
        packed.repack(trans, b, bOff, ldb);
        return packed;
    }

    @Override
    public PackedOperand packRightBfloat16(boolean trans, int depth, int cols, float[] b, int bOff,
                                           int ldb) {
        DenseOperand packed = new DenseOperand(depth, cols, true);
        packed.repack(trans, b, bOff, ldb);
        return packed;
    }

    @Override
    public void gemmPacked(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                           PackedOperand b, float beta, float[] c, int cOff, int ldc,
                           float[] bias, int biasOff, int activation, PackBuffers buffers) {
        gemm(transA, false, m, b.cols, b.depth, alpha, a, aOff, lda,
                ((DenseOperand) b).data, 0, Math.max(1, b.cols), beta, c, cOff, ldc,
                bias, biasOff, activation, buffers);
    }
}

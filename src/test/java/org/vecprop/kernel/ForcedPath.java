package org.vecprop.kernel;

import org.vecprop.internal.Kernels;
import org.vecprop.internal.gemm.GemmBlocking.Path;
import org.vecprop.internal.gemm.VectorGemm;
import org.vecprop.internal.gemm.GemmBlocking;

/**
 * Runs a GEMM on a chosen path, so that properties cover every path at every shape. On the
 * scalar path there is one implementation, and the call goes through the public API.
 */
public final class ForcedPath {
    private ForcedPath() {}

    /** {@code C = f(alpha op(A) op(B) + beta C + bias)} on {@code path} (AUTO: the public call). */
    public static void multiply(Path path, boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                float[] bias, int biasOff, boolean relu, GemmWorkspace workspace) {
        if (!Simd.enabled() || path == Path.AUTO) {
            Gemm.multiplyBiasActivation(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, bias, biasOff, relu ? Activation.RELU : Activation.IDENTITY);
            return;
        }
        VectorGemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta,
                c, cOff, ldc, bias, biasOff, relu ? Kernels.RELU : Kernels.IDENTITY,
                workspace == null ? null : workspace.buffers, path);
    }
}

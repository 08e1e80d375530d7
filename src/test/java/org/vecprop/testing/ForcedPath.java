package org.vecprop.testing;

import org.vecprop.internal.Kernels;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.gemm.GemmBlocking.Path;
import org.vecprop.internal.gemm.VectorGemm;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Simd;

/**
 * Runs a GEMM on a chosen path, so that properties cover every path at every shape. On the
 * scalar path there is one implementation, and the call goes through the public API.
 */
public final class ForcedPath {
    private ForcedPath() {}

    /**
     * {@code C = f(alpha op(A) op(B) + beta C + bias)} on {@code path} (AUTO: the public call).
     *
     * @param buffers packing buffers (what a {@code Workspace} holds), or null for this thread's
     */
    public static void multiply(Path path, boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                float[] bias, int biasOff, boolean relu, PackBuffers buffers) {
        multiply(path, transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                bias, biasOff, relu ? Activation.RELU : Activation.IDENTITY, buffers);
    }

    /** As the other overload, with any activation. */
    public static void multiply(Path path, boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                float[] bias, int biasOff, Activation activation, PackBuffers buffers) {
        if (!Simd.enabled() || path == Path.AUTO) {
            Gemm.multiplyBiasActivation(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, bias, biasOff, activation);
            return;
        }
        VectorGemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta,
                c, cOff, ldc, bias, biasOff, code(activation), buffers, path);
    }

    /** The implementations' code of an activation. */
    public static int code(Activation activation) {
        return switch (activation) {
            case IDENTITY -> Kernels.IDENTITY;
            case RELU -> Kernels.RELU;
            case SIGMOID -> Kernels.SIGMOID;
            case TANH -> Kernels.TANH;
        };
    }
}

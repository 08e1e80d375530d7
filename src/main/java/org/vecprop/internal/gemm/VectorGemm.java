package org.vecprop.internal.gemm;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.Buffers;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.gemm.GemmBlocking.Path;
import org.vecprop.internal.math.VectorFloatExpRows;

/**
 * The Vector API GEMM's entry: takes a validated problem to its path ({@link
 * GemmBlocking#choosePath}) and applies what the path's own epilogue does not.
 *
 * <p>Structure, as BLIS divides it: {@link GemmBlocking} (sizes and the path rule),
 * {@link GemmPacking}, {@link GemmMacroKernel} (loop nest and register tiles), {@link
 * GemmEpilogue} (the one store formula), {@link GemmSmallProblems} (tiny and direct paths),
 * {@link GemmParallel} (the split over an executor), {@link GemmSegments} (MemorySegment
 * operands).
 */
public final class VectorGemm {
    private VectorGemm() {}

    /**
     * {@code C = f(alpha * op(A) * op(B) + beta * C + bias)} for a validated problem.
     *
     * @param buffers packing buffers, or null for this thread's
     * @param path AUTO, or a path to force (tests; the pieces of a parallel call); DIRECT falls
     *     back to PACKED where it does not apply (B transposed with a depth over
     *     {@link GemmBlocking#PANEL_DIRECT_MAX_K} and not {@link
     *     GemmBlocking#shortDepthOnPanels}), and so does NARROW (C wider than one vector)
     * @param activation {@link Kernels#IDENTITY}, {@link Kernels#RELU}, {@link Kernels#SIGMOID}
     *     or {@link Kernels#TANH}
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                float[] bias, int biasOff, int activation,
                                PackBuffers buffers, Path path) {
        product(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                bias, biasOff, tileActivation(activation), buffers, path);
        applySmooth(m, n, c, cOff, ldc, activation);
    }

    /**
     * The activation the paths apply as they store C: ReLU (a lane-wise max, in registers) or
     * none; sigmoid and tanh are applied by {@link #applySmooth} once C, bias included, is stored.
     */
    private static int tileActivation(int activation) {
        return activation == Kernels.SIGMOID || activation == Kernels.TANH ? Kernels.IDENTITY
                : activation;
    }

    /**
     * Sigmoid or tanh over the stored {@code m x n} C, by {@link VectorFloatExpRows}: the same
     * value as in the epilogue (storing and loading a float is exact, and the order of
     * arithmetic applies the function after the bias), in a pass of its own because these
     * functions must be compiled inlined into a loop that runs long per call (see
     * {@link VectorFloatExpRows}). C was just written, so it is in cache unless it is larger than
     * the cache; the function's cost, about 40 to 50 vector operations per vector, is the same
     * either way.
     */
    private static void applySmooth(int m, int n, float[] c, int cOff, int ldc, int activation) {
        if (m == 0 || n == 0) {
            return;
        }
        if (activation == Kernels.SIGMOID) {
            VectorFloatExpRows.sigmoid(m, n, c, cOff, ldc, c, cOff, ldc);
        } else if (activation == Kernels.TANH) {
            VectorFloatExpRows.tanh(m, n, c, cOff, ldc, c, cOff, ldc);
        }
    }

    /** {@link #multiply} with ReLU or no activation. */
    private static void product(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                float[] bias, int biasOff, int activation,
                                PackBuffers buffers, Path path) {
        if (m == 0 || n == 0) {
            return;
        }
        if (path == Path.AUTO && isTiny(m, n, k, alpha)) {
            // Checked first and apart so that a 1x2x2 product compiles to a small method that inlines.
            GemmSmallProblems.tiny(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, bias, biasOff, activation);
            return;
        }
        Path chosen = alpha == 0f || k == 0 ? Path.AUTO
                : path == Path.AUTO ? GemmBlocking.choosePath(transA, transB, m, n, k) : path;
        if (chosen == Path.NARROW && GemmNarrow.applies(n)) {
            // Bias and activation are applied to each row's vector before it is stored.
            GemmNarrow.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, buffers != null ? buffers : Buffers.ofThisThread().pack,
                    bias, biasOff, activation);
            return;
        }
        // DIRECT over op(B) packed per call: B transposed with a short depth, or one depth block
        // whole panels wide (GemmBlocking.shortDepthOnPanels); else B untransposed is read in place.
        boolean onPanels = chosen == Path.DIRECT
                && (transB ? k <= GemmBlocking.PANEL_DIRECT_MAX_K || GemmBlocking.shortDepthOnPanels(transA, n, k)
                        : !GemmBlocking.directInPlace(m, n, k) && GemmBlocking.shortDepthOnPanels(transA, n, k));
        if (chosen == Path.PACKED || chosen == Path.NARROW || chosen == Path.DIRECT && transB && !onPanels) {
            // Bias and activation are applied to the register tile before it is stored.
            GemmMacroKernel.packed(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, buffers != null ? buffers : Buffers.ofThisThread().pack,
                    bias, biasOff, activation);
            return;
        }
        if (chosen == Path.AUTO) {
            scale(m, n, beta, c, cOff, ldc);
        } else if (chosen == Path.TINY) {
            GemmSmallProblems.tiny(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, bias, biasOff, activation);
            return;
        } else if (onPanels) {
            GemmSmallProblems.directOnPanels(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, buffers != null ? buffers : Buffers.ofThisThread().pack);
        } else {
            GemmSmallProblems.direct(transA, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc);
        }
        // Small problems: bias and activation in a second pass over the C just written
        // (cache-hot), with the same operations in the same order as the packed epilogue.
        if (bias != null || activation != Kernels.IDENTITY) {
            GemmEpilogue.biasAndActivation(m, n, c, cOff, ldc, bias, biasOff, activation);
        }
    }

    /** Whether a problem goes straight to the tiny loops. */
    private static boolean isTiny(int m, int n, int k, float alpha) {
        return (long) m * n * k <= GemmBlocking.TINY_MAX_WORK && alpha != 0f && k > 0;
    }

    /** {@code C = beta * C}, and {@code C = 0} without reading C when {@code beta == 0}. */
    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            int row = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                c[row + j] = beta == 0f ? 0f : beta * c[row + j];
            }
        }
    }

    /**
     * {@code C = f(alpha * op(A) * B + beta * C + bias)} with B packed beforehand, for a
     * validated problem; the same bits as {@link #multiply} on the unpacked B.
     */
    public static void multiplyPacked(boolean transA, int m, float alpha, float[] a, int aOff,
                                      int lda, PackedPanels b, float beta, float[] c, int cOff,
                                      int ldc, float[] bias, int biasOff, int activation,
                                      PackBuffers buffers) {
        int n = b.cols, k = b.depth;
        if (m == 0 || n == 0) {
            return;
        }
        int tile = tileActivation(activation);
        if (alpha == 0f || k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            if (bias != null || tile != Kernels.IDENTITY) {
                GemmEpilogue.biasAndActivation(m, n, c, cOff, ldc, bias, biasOff, tile);
            }
        } else if (GemmNarrow.applies(n)) {
            GemmNarrow.prepacked(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc,
                    buffers != null ? buffers : Buffers.ofThisThread().pack, bias, biasOff, tile);
        } else if (GemmBlocking.directOnPanels(m, k) || GemmBlocking.shortDepthOnPanels(transA, n, k)) {
            GemmSmallProblems.directPacked(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc);
            if (bias != null || tile != Kernels.IDENTITY) {
                GemmEpilogue.biasAndActivation(m, n, c, cOff, ldc, bias, biasOff, tile);
            }
        } else {
            GemmMacroKernel.prepacked(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc,
                    buffers != null ? buffers : Buffers.ofThisThread().pack, bias, biasOff, tile);
        }
        applySmooth(m, n, c, cOff, ldc, activation);
    }

    /**
     * {@link #multiplyPacked} against bfloat16 weights: the same bits as the float product on
     * the weights rounded to bfloat16 ({@link GemmBf16}).
     */
    public static void multiplyPackedBf16(boolean transA, int m, float alpha, float[] a, int aOff,
                                          int lda, PackedPanelsBf16 b, float beta, float[] c,
                                          int cOff, int ldc, float[] bias, int biasOff,
                                          int activation, PackBuffers buffers) {
        int n = b.cols, k = b.depth;
        if (m == 0 || n == 0) {
            return;
        }
        int tile = tileActivation(activation);
        if (alpha == 0f || k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            if (bias != null || tile != Kernels.IDENTITY) {
                GemmEpilogue.biasAndActivation(m, n, c, cOff, ldc, bias, biasOff, tile);
            }
        } else {
            GemmBf16.multiply(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc, bias, biasOff,
                    tile, buffers != null ? buffers : Buffers.ofThisThread().pack);
        }
        applySmooth(m, n, c, cOff, ldc, activation);
    }
}

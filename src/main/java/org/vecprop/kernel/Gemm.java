package org.vecprop.kernel;

import org.vecprop.reference.Checks;

/**
 * General matrix multiply on row-major float arrays:
 * {@code C = alpha * op(A) * op(B) + beta * C}, with {@code op(X) = X} or {@code Xᵀ}.
 *
 * <h2>Structure</h2>
 * Two paths, chosen per call by {@link #usesDirectPath}:
 * <ul>
 *   <li><b>Packed</b> (BLIS/GotoBLAS): op(B) is packed into {@code KC x NR} micro-panels and op(A)
 *       into {@code MR x KC} micro-panels, zero-padded to whole tiles, so transposes cost nothing
 *       extra and the micro-kernel never branches; an {@code MR x NR} tile of C lives in vector
 *       registers and is updated by rank-1 steps (broadcast one element of A, load a vector row
 *       of B, FMA). Partial edge tiles are stored through a scratch tile.</li>
 *   <li><b>Direct</b>: small problems (few rows of C, or little work in all) read A and B in
 *       place, because packing would cost more than it saves.</li>
 * </ul>
 *
 * <h2>Blocking</h2>
 * {@code NR = 2} vectors, {@code MR = 6} rows: 12 accumulators, which leaves registers for the
 * B row and the broadcast even on 16-register AVX2. {@code KC} is chosen so that one
 * {@code KC x NR} B micro-panel takes 16 KiB, half of the 32 KiB L1d; {@code MC x KC} of packed
 * A takes at most 512 KiB, half of the 1 MiB L2; {@code KC x NC} of packed B at most 8 MiB of
 * the 32 MiB L3.
 *
 * <h2>Semantics and accuracy</h2>
 * As BLAS: {@code beta == 0} means C is not read (NaN already in C does not leak);
 * {@code alpha == 0} or {@code k == 0} means A and B are not read and C becomes
 * {@code beta * C}. Each element differs from the exact product of the float inputs by at most
 * about {@code (k + 2) * 2^-24 * (|alpha| * sum_p |a_ip * b_pj| + |beta * c_ij|)}: the same bound as
 * the scalar reference ({@link org.vecprop.reference.Gemm}), from different rounding (FMA,
 * blocked summation order). Results do not depend on the thread or the workspace used.
 *
 * <p>Thread-safe: the static methods keep their packing buffers per thread.
 */
public final class Gemm {
    private Gemm() {}

    /** Rows of the register tile. */
    static final int MR = 6;
    /** Columns of the register tile: two vectors (0 on the scalar path). */
    static final int NR = 2 * Simd.BITS / 32;
    /** Depth of a packed panel: a KC x NR panel of B is 16 KiB. */
    static final int KC = NR == 0 ? 0 : 16 * 1024 / (NR * Float.BYTES);
    /** Rows of A packed at once: MC x KC floats are at most 512 KiB, a multiple of MR. */
    static final int MC = NR == 0 ? 0 : (512 * 1024 / (KC * Float.BYTES)) / MR * MR;
    /** Columns of B packed at once: KC x NC floats are at most 8 MiB, a multiple of NR. */
    static final int NC = NR == 0 ? 0 : Math.min(4096, 8 * 1024 * 1024 / (KC * Float.BYTES)) / NR * NR;

    /** The direct path serves problems with at most this many rows of C... */
    static final int DIRECT_MAX_M = 4;
    /** ...or at most this many multiply-adds in all. */
    static final long DIRECT_MAX_WORK = 16 * 16 * 16;

    private static final ThreadLocal<GemmWorkspace> WORKSPACE =
            ThreadLocal.withInitial(GemmWorkspace::new);

    /**
     * Computes {@code C = alpha * op(A) * op(B) + beta * C} using this thread's workspace.
     *
     * @param transA whether op(A) = Aᵀ; stored A is {@code m x k}, or {@code k x m} if true
     * @param transB whether op(B) = Bᵀ; stored B is {@code k x n}, or {@code n x k} if true
     * @param m rows of op(A) and C, {@code >= 0}
     * @param n columns of op(B) and C, {@code >= 0}
     * @param k columns of op(A) and rows of op(B), {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, starting at {@code aOff}, row stride {@code lda >= max(1, its cols)}
     * @param b stored B, starting at {@code bOff}, row stride {@code ldb >= max(1, its cols)}
     * @param beta scale of the old C; 0 means C is not read
     * @param c C ({@code m x n}), starting at {@code cOff}, row stride {@code ldc >= max(1, n)};
     *     must not overlap A or B
     * @throws IllegalArgumentException for nulls, negative sizes, small leading dimensions or
     *     overlap, and {@link IndexOutOfBoundsException} for extents past an array; both before
     *     anything is written
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null,
                Path.AUTO);
    }

    /**
     * As {@link #multiply(boolean, boolean, int, int, int, float, float[], int, int, float[], int,
     * int, float, float[], int, int)}, packing into the caller's workspace, which must not be in
     * use by another thread during the call.
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc, GemmWorkspace workspace) {
        if (workspace == null) {
            throw new IllegalArgumentException("workspace must not be null");
        }
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                workspace, Path.AUTO);
    }

    /** Which SIMD path a call takes; tests force each one to cover both at every shape. */
    enum Path { AUTO, DIRECT, PACKED }

    /**
     * Whether a problem of this shape takes the direct (unpacked) path: at most
     * {@link #DIRECT_MAX_M} rows, or at most {@link #DIRECT_MAX_WORK} multiply-adds; never when
     * both operands are transposed (the direct path needs one of them readable by rows).
     */
    static boolean usesDirectPath(boolean transA, boolean transB, int m, int n, int k) {
        return !(transA && transB)
                && (m <= DIRECT_MAX_M || (long) m * n * k <= DIRECT_MAX_WORK);
    }

    /**
     * The body after validation. {@code path} forces the direct or the packed path (tests);
     * DIRECT falls back to PACKED where the direct path does not apply (both operands
     * transposed).
     */
    static void run(boolean transA, boolean transB, int m, int n, int k,
                    float alpha, float[] a, int aOff, int lda,
                    float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc, GemmWorkspace workspace, Path path) {
        if (m == 0 || n == 0) {
            return;
        }
        if (!Simd.ENABLED) {
            org.vecprop.reference.Gemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda,
                    b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        if (alpha == 0f || k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        boolean direct = switch (path) {
            case AUTO -> usesDirectPath(transA, transB, m, n, k);
            case DIRECT -> !(transA && transB);
            case PACKED -> false;
        };
        if (direct) {
            SimdGemm.direct(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc);
            return;
        }
        GemmWorkspace ws = workspace != null ? workspace : WORKSPACE.get();
        SimdGemm.packed(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, ws);
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
}

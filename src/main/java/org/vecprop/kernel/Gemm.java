package org.vecprop.kernel;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.Executor;
import org.vecprop.contract.Checks;
import org.vecprop.internal.Buffers;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.gemm.GemmSegments;

/**
 * General matrix multiply on row-major float arrays:
 * {@code C = alpha * op(A) * op(B) + beta * C}, with {@code op(X) = X} or {@code Xᵀ}.
 *
 * <h2>Structure</h2>
 * Three paths, chosen per call by the size of the problem (the rule and the blocking sizes live
 * in {@code org.vecprop.internal.gemm.GemmBlocking}):
 * <ul>
 *   <li><b>Tiny</b>: at most 64 multiply-adds: plain scalar loops with one
 *       FMA per term, cheaper than setting up vector loops for a fraction of a vector.</li>
 *   <li><b>Packed</b> (BLIS/GotoBLAS): op(B) is packed into {@code KC x NR} micro-panels and op(A)
 *       into {@code MR x KC} micro-panels, zero-padded to whole tiles, so transposes cost nothing
 *       extra and the micro-kernel never branches; an {@code MR x NR} tile of C lives in vector
 *       registers and is updated by rank-1 steps (broadcast one element of A, load a vector row
 *       of B, FMA). Partial edge tiles are stored through a scratch tile. A C narrower than half
 *       a tile is computed as {@code Cᵀ = op(B)ᵀ·op(A)ᵀ} and stored transposed, so the long
 *       dimension fills the vectors.</li>
 *   <li><b>Direct</b>: small problems (few rows of C, or little work in all) read A and B in
 *       place, because packing would cost more than it saves. Same depth blocks as the packed
 *       path; with B untransposed, the same FMAs in the same order.</li>
 * </ul>
 *
 * <h2>Blocking</h2>
 * {@code NR = 2} vectors; {@code MR = 8} rows at 512 bits (16 accumulators of 32 registers),
 * {@code MR = 6} otherwise (12 accumulators, leaving registers for the B row and the broadcast
 * on 16-register AVX2). {@code KC = 128} at every width: it is the order of arithmetic's depth
 * block, so that results do not depend on the width; a {@code KC x NR} B micro-panel is then
 * 16 KiB at 512 bits, half of a 32 KiB L1d (8 and 4 KiB at 256 and 128 bits). {@code MC x KC}
 * of packed A takes at most 512 KiB: {@code MC = 1024} at 512 bits, {@code 1020} (a multiple of
 * the 6-row tile) at 256 and 128 bits. {@code NC = 4096} at every width, so {@code KC x NC} of
 * packed B is 2 MiB, within a 32 MiB L3. One row panel of A ({@code MR x KC}, in L1) meets every
 * B micro-panel of the block before the next, so successive tiles of C lie side by side along a
 * row. (These are the values {@code GemmBlocking} derives once from the vector width; its
 * javadoc has the measurements behind them.)
 *
 * <h2>Semantics and accuracy</h2>
 * As BLAS: {@code beta == 0} means C is not read (NaN already in C does not leak);
 * {@code alpha == 0} or {@code k == 0} means A and B are not read and C becomes
 * {@code beta * C}. Each element differs from the exact product of the float inputs by at most
 * about {@code (k + 2) * 2^-24 * (|alpha| * sum_p |a_ip * b_pj| + |beta * c_ij|)}: the same bound as
 * the scalar reference ({@link org.vecprop.reference.ReferenceGemm}), from different rounding (FMA,
 * blocked summation order). Results do not depend on the thread, the workspace, the number of
 * parts of a parallel call, the array or MemorySegment overload, whether B was packed
 * beforehand, nor (with B untransposed) on the path taken.
 *
 * <h2>Why positional arguments</h2>
 * The arguments follow BLAS's {@code sgemm} (transposes, sizes, then each matrix as array,
 * offset and leading dimension), so that code ported from or checked against BLAS reads the
 * same, and so that a call in a hot loop builds no object: a descriptor per call would allocate,
 * or need mutable shared state. Operations that compute something else have their own names
 * ({@link #multiplyBiasActivation}, {@link #multiplyParallel}), and so do the products with a
 * B packed beforehand ({@link #multiplyPacked}, {@link #multiplyPackedBiasActivation},
 * {@link #multiplyPackedParallel}): their argument lists are shorter (the packed B brings its
 * own n and k) and in another order, so a name of their own keeps them from reading like the
 * 16-argument call. Every product comes in the same forms: plain, with a {@link Workspace}
 * (last argument), and, where offered, parallel and on {@link MemorySegment}s.
 *
 * <h2>Threads</h2>
 * Single-threaded unless the caller passes an {@link Executor}; vecprop never starts threads.
 * With an executor the rows (or, for wide problems, the columns) of C are split into parts
 * aligned to the register tile, never the depth k, and every part takes the path the whole
 * problem would take, so each element sees the same arithmetic in the same order and the result
 * is bit-identical for any number of parts.
 *
 * <h2>Memory</h2>
 * Outputs are written, never allocated. The scratch a call needs (packing buffers, the staging
 * of MemorySegment operands, a parallel call's description of its pieces) comes from the
 * {@link Workspace} the caller passes, or, in the forms without one, from buffers vecprop keeps
 * per thread, bounded as {@link Workspace} says: steady state allocates nothing either way on a
 * thread that has called before, and with a workspace nothing at all once the workspace has
 * grown, on any thread. Thread-safe: the static methods share no mutable state.
 */
public final class Gemm {
    private Gemm() {}

    /**
     * Computes {@code C = alpha * op(A) * op(B) + beta * C}, with this thread's buffers.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true
     * @param transB whether op(B) = Bᵀ: stored B is {@code k x n}, or {@code n x k} if true
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param n columns of op(B) and of C, {@code >= 0}
     * @param k the depth: columns of op(A) and rows of op(B), {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b stored B, row-major: element (i, j) at {@code b[bOff + i * ldb + j]}
     * @param bOff index of stored B's element (0, 0) in {@code b}, {@code 0 <= bOff <= b.length}
     * @param ldb row stride of stored B, {@code >= max(1, its columns)} (n, or k when transB)
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A or B (judged on the element ranges they span)
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @throws NullPointerException for a null array, {@link IllegalArgumentException} for
     *     negative sizes, small leading dimensions or overlap, and
     *     {@link IndexOutOfBoundsException} for extents past an array; all before anything is
     *     written
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc) {
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        Implementation.KERNELS.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, null, 0, Kernels.IDENTITY, null);
    }

    /**
     * As {@link #multiply(boolean, boolean, int, int, int, float, float[], int, int, float[], int,
     * int, float, float[], int, int)}, packing into the caller's workspace. The result is
     * bit-identical to the other overload's. Every argument is checked before anything is
     * written.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true
     * @param transB whether op(B) = Bᵀ: stored B is {@code k x n}, or {@code n x k} if true
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param n columns of op(B) and of C, {@code >= 0}
     * @param k the depth: columns of op(A) and rows of op(B), {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b stored B, row-major: element (i, j) at {@code b[bOff + i * ldb + j]}
     * @param bOff index of stored B's element (0, 0) in {@code b}, {@code 0 <= bOff <= b.length}
     * @param ldb row stride of stored B, {@code >= max(1, its columns)} (n, or k when transB)
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A or B (judged on the element ranges they span)
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @param workspace the caller's scratch ({@link Workspace}), grown if this call needs more;
     *     used by this call only, until it returns
     * @throws NullPointerException if {@code workspace}, {@code a}, {@code b} or {@code c} is
     *     null
     * @throws IllegalArgumentException for a negative size, a row stride below its minimum, or C
     *     overlapping A or B
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc, Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        Implementation.KERNELS.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, null, 0, Kernels.IDENTITY, buffers);
    }

    /**
     * The dense-layer forward product with its epilogue fused:
     * {@code C = f(alpha * op(A) * op(B) + beta * C + bias)}, where the bias row is added to every
     * row of C and {@code f} is the activation. On the packed path the bias and activation are
     * applied to the register tile before it is stored, so C is written once; small problems
     * apply them in a second pass over the cache-hot C. The result equals {@link
     * #multiply(boolean, boolean, int, int, int, float, float[], int, int, float[], int, int,
     * float, float[], int, int)} followed by {@link Bias#add} and the activation (for example
     * {@link Relu#forward}), to the GEMM's rounding.
     *
     * <p>No parallel or MemorySegment form: the fused product serves a layer's forward pass on
     * arrays; a caller who wants threads or segments calls {@link #multiplyParallel} or the
     * MemorySegment {@code multiply} and then {@link Bias#add} and the activation, which cost one
     * pass over C ({@code O(mn)}, against the product's {@code O(mnk)}).
     *
     * Every argument is checked before anything is written.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true
     * @param transB whether op(B) = Bᵀ: stored B is {@code k x n}, or {@code n x k} if true
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param n columns of op(B) and of C, {@code >= 0}
     * @param k the depth: columns of op(A) and rows of op(B), {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b stored B, row-major: element (i, j) at {@code b[bOff + i * ldb + j]}
     * @param bOff index of stored B's element (0, 0) in {@code b}, {@code 0 <= bOff <= b.length}
     * @param ldb row stride of stored B, {@code >= max(1, its columns)} (n, or k when transB)
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A or B (judged on the element ranges they span)
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @param bias {@code n} contiguous floats from {@code biasOff}, added to every row of C; or
     *     null for no bias; must not overlap C
     * @param biasOff index of the bias's first element in {@code bias}; not read when
     *     {@code bias} is null
     * @param activation applied to every element after the bias ({@link Activation#IDENTITY}
     *     for none)
     * @throws NullPointerException if {@code a}, {@code b}, {@code c} or {@code activation} is
     *     null
     * @throws IllegalArgumentException for a negative size, a row stride below its minimum, or C
     *     overlapping A, B or the bias
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix or bias that
     *     runs past the end of its array
     */
    public static void multiplyBiasActivation(boolean transA, boolean transB, int m, int n, int k,
                                              float alpha, float[] a, int aOff, int lda,
                                              float[] b, int bOff, int ldb,
                                              float beta, float[] c, int cOff, int ldc,
                                              float[] bias, int biasOff, Activation activation) {
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        checkBiasActivation(m, n, c, cOff, ldc, bias, biasOff, activation);
        Implementation.KERNELS.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, bias, biasOff, activation.code, null);
    }

    /**
     * As {@link #multiplyBiasActivation(boolean, boolean, int, int, int, float, float[], int, int,
     * float[], int, int, float, float[], int, int, float[], int, Activation)}, packing into the
     * caller's workspace; bit-identical to it. Every argument is checked before anything is
     * written.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true
     * @param transB whether op(B) = Bᵀ: stored B is {@code k x n}, or {@code n x k} if true
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param n columns of op(B) and of C, {@code >= 0}
     * @param k the depth: columns of op(A) and rows of op(B), {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b stored B, row-major: element (i, j) at {@code b[bOff + i * ldb + j]}
     * @param bOff index of stored B's element (0, 0) in {@code b}, {@code 0 <= bOff <= b.length}
     * @param ldb row stride of stored B, {@code >= max(1, its columns)} (n, or k when transB)
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A or B (judged on the element ranges they span)
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @param bias {@code n} contiguous floats from {@code biasOff}, added to every row of C; or
     *     null for no bias; must not overlap C
     * @param biasOff index of the bias's first element in {@code bias}; not read when
     *     {@code bias} is null
     * @param activation applied to every element after the bias ({@link Activation#IDENTITY}
     *     for none)
     * @param workspace the caller's scratch ({@link Workspace}), grown if this call needs more;
     *     used by this call only, until it returns
     * @throws NullPointerException if {@code workspace}, {@code a}, {@code b}, {@code c} or
     *     {@code activation} is null
     * @throws IllegalArgumentException for a negative size, a row stride below its minimum, or C
     *     overlapping A, B or the bias
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix or bias that
     *     runs past the end of its array
     */
    public static void multiplyBiasActivation(boolean transA, boolean transB, int m, int n, int k,
                                              float alpha, float[] a, int aOff, int lda,
                                              float[] b, int bOff, int ldb,
                                              float beta, float[] c, int cOff, int ldc,
                                              float[] bias, int biasOff, Activation activation,
                                              Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        checkBiasActivation(m, n, c, cOff, ldc, bias, biasOff, activation);
        Implementation.KERNELS.gemm(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, bias, biasOff, activation.code, buffers);
    }

    /**
     * {@code C = alpha * op(A) * B + beta * C} with B packed beforehand ({@link PackedMatrix}):
     * the same result, bit for bit, as the unpacked call on the values B was packed from, without
     * packing B again. C is {@code m x b.cols()}, the depth is {@code b.rows()}.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true,
     *     where {@code k = b.rows()}
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b op(B), packed by {@link PackedMatrix#pack}; it fixes the depth
     *     {@code k = b.rows()} and the columns of C, {@code n = b.cols()}
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @throws NullPointerException if {@code a}, {@code b} or {@code c} is null
     * @throws IllegalArgumentException for a negative m, a row stride below its minimum, or C
     *     overlapping A
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array; all before anything is written
     */
    public static void multiplyPacked(boolean transA, int m, float alpha, float[] a, int aOff,
                                      int lda, PackedMatrix b, float beta, float[] c, int cOff,
                                      int ldc) {
        checkPacked(transA, m, a, aOff, lda, b, c, cOff, ldc);
        Implementation.KERNELS.gemmPacked(transA, m, alpha, a, aOff, lda, b.operand, beta,
                c, cOff, ldc, null, 0, Kernels.IDENTITY, null);
    }

    /**
     * As {@link #multiplyPacked(boolean, int, float, float[], int, int, PackedMatrix, float,
     * float[], int, int)}, packing A into the caller's workspace; bit-identical to it. Every
     * argument is checked before anything is written.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true,
     *     where {@code k = b.rows()}
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b op(B), packed by {@link PackedMatrix#pack}; it fixes the depth
     *     {@code k = b.rows()} and the columns of C, {@code n = b.cols()}
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @param workspace the caller's scratch ({@link Workspace}), grown if this call needs more;
     *     used by this call only, until it returns
     * @throws NullPointerException if {@code workspace}, {@code a}, {@code b} or {@code c} is
     *     null
     * @throws IllegalArgumentException for a negative m, a row stride below its minimum, or C
     *     overlapping A
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array
     */
    public static void multiplyPacked(boolean transA, int m, float alpha, float[] a, int aOff,
                                      int lda, PackedMatrix b, float beta, float[] c, int cOff,
                                      int ldc, Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        checkPacked(transA, m, a, aOff, lda, b, c, cOff, ldc);
        Implementation.KERNELS.gemmPacked(transA, m, alpha, a, aOff, lda, b.operand, beta,
                c, cOff, ldc, null, 0, Kernels.IDENTITY, buffers);
    }

    /**
     * {@code C = f(alpha * op(A) * B + beta * C + bias)} with B packed beforehand: the dense-layer
     * forward product of {@link #multiplyBiasActivation(boolean, boolean, int, int, int, float,
     * float[], int, int, float[], int, int, float, float[], int, int, float[], int, Activation)}
     * against a packed weight, bit for bit the same.
     *
     * <p>No parallel or MemorySegment form, for the reason {@link #multiplyBiasActivation(boolean,
     * boolean, int, int, int, float, float[], int, int, float[], int, int, float, float[], int,
     * int, float[], int, Activation)} gives: {@link #multiplyPackedParallel} or the MemorySegment
     * {@code multiplyPacked}, then {@link Bias#add} and the activation.
     *
     * Every argument is checked before anything is written.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true,
     *     where {@code k = b.rows()}
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b op(B), packed by {@link PackedMatrix#pack}; it fixes the depth
     *     {@code k = b.rows()} and the columns of C, {@code n = b.cols()}
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @param bias {@code n} contiguous floats from {@code biasOff}, added to every row of C; or
     *     null for no bias; must not overlap C
     * @param biasOff index of the bias's first element in {@code bias}; not read when
     *     {@code bias} is null
     * @param activation applied to every element after the bias ({@link Activation#IDENTITY}
     *     for none)
     * @throws NullPointerException if {@code a}, {@code b}, {@code c} or {@code activation} is
     *     null
     * @throws IllegalArgumentException for a negative m, a row stride below its minimum, or C
     *     overlapping A or the bias
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix or bias that
     *     runs past the end of its array
     */
    public static void multiplyPackedBiasActivation(boolean transA, int m, float alpha, float[] a,
                                                    int aOff, int lda, PackedMatrix b, float beta,
                                                    float[] c, int cOff, int ldc, float[] bias,
                                                    int biasOff, Activation activation) {
        checkPacked(transA, m, a, aOff, lda, b, c, cOff, ldc);
        checkBiasActivation(m, b.cols(), c, cOff, ldc, bias, biasOff, activation);
        Implementation.KERNELS.gemmPacked(transA, m, alpha, a, aOff, lda, b.operand, beta,
                c, cOff, ldc, bias, biasOff, activation.code, null);
    }

    /**
     * As {@link #multiplyPackedBiasActivation(boolean, int, float, float[], int, int,
     * PackedMatrix, float, float[], int, int, float[], int, Activation)}, packing A into the
     * caller's workspace; bit-identical to it. Every argument is checked before anything is
     * written.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true,
     *     where {@code k = b.rows()}
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b op(B), packed by {@link PackedMatrix#pack}; it fixes the depth
     *     {@code k = b.rows()} and the columns of C, {@code n = b.cols()}
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @param bias {@code n} contiguous floats from {@code biasOff}, added to every row of C; or
     *     null for no bias; must not overlap C
     * @param biasOff index of the bias's first element in {@code bias}; not read when
     *     {@code bias} is null
     * @param activation applied to every element after the bias ({@link Activation#IDENTITY}
     *     for none)
     * @param workspace the caller's scratch ({@link Workspace}), grown if this call needs more;
     *     used by this call only, until it returns
     * @throws NullPointerException if {@code workspace}, {@code a}, {@code b}, {@code c} or
     *     {@code activation} is null
     * @throws IllegalArgumentException for a negative m, a row stride below its minimum, or C
     *     overlapping A or the bias
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix or bias that
     *     runs past the end of its array
     */
    public static void multiplyPackedBiasActivation(boolean transA, int m, float alpha, float[] a,
                                                    int aOff, int lda, PackedMatrix b, float beta,
                                                    float[] c, int cOff, int ldc, float[] bias,
                                                    int biasOff, Activation activation,
                                                    Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        checkPacked(transA, m, a, aOff, lda, b, c, cOff, ldc);
        checkBiasActivation(m, b.cols(), c, cOff, ldc, bias, biasOff, activation);
        Implementation.KERNELS.gemmPacked(transA, m, alpha, a, aOff, lda, b.operand, beta,
                c, cOff, ldc, bias, biasOff, activation.code, buffers);
    }

    /**
     * As {@link #multiply(boolean, boolean, int, int, int, float, float[], int, int, float[], int,
     * int, float, float[], int, int)}, split into up to {@code parts} pieces of C that the calling
     * thread and {@code executor} share. The result is bit-identical to the single-threaded call
     * for any {@code parts} and whichever thread runs which piece. Each piece packs into the
     * buffers of the thread that runs it (the form with a {@link Workspace} gives each piece a
     * set of its own instead). (On the scalar path the calling thread runs the whole product and
     * the executor is not used.)
     *
     * <h4>What the executor may do</h4>
     * The caller lends the executor {@code parts - 1} tasks, then itself runs every piece that no
     * task has claimed yet (pieces are claimed atomically, each runs once), and waits only for
     * pieces other threads are already running. So the executor is a source of help, never a
     * dependency: if it rejects a task, throws a {@link RuntimeException} from {@code execute},
     * drops a task silently, loses the worker before the task runs, runs the task much later or
     * never, runs it on the calling thread, or is the pool the caller itself runs in (even a
     * pool of one thread), the call still returns the correct result, only later. A task that
     * runs after the call returned finds nothing to claim: <b>nothing writes C after the call
     * returns or throws</b>, and a task the executor keeps holds no reference to A, B or C. Any
     * executor works, including {@link java.util.concurrent.ForkJoinPool#commonPool()} and
     * {@link java.util.concurrent.Executors#newVirtualThreadPerTaskExecutor()} (there, without a
     * workspace, each new thread also brings new packing buffers: pass a {@link Workspace}).
     *
     * <h4>Interrupts</h4>
     * The call is not interruptible, like the single-threaded call: it completes every piece
     * and returns with the thread's interrupt status as it was (set, if it was set before or
     * during the call), so the caller's next blocking operation sees the interrupt. Completing
     * is what a service wants here: the caller never waits for a task to start, only for pieces
     * that are already running (bounded work), and stopping early would leave C half written,
     * which every caller would then have to treat as garbage.
     *
     * <h4>Failures</h4>
     * If a piece throws (on any thread; for example an {@link OutOfMemoryError} while growing a
     * packing buffer), the pieces not yet started are skipped, the call waits until no piece is
     * running, and then throws that exception or error on the calling thread (later ones are
     * attached as suppressed); C is then partly written. An {@link Error} thrown by {@code
     * executor.execute} is treated the same way (it is not a rejection).
     *
     * <h4>Memory</h4>
     * vecprop allocates nothing per call once the calling thread has made a parallel call before
     * and the packing buffers of the threads that run pieces have grown to the problem's size
     * (the calling thread keeps one reusable description of the pieces, and each thread that runs
     * pieces its packing buffers); what the executor allocates per task (a pool's task wrapper, a
     * virtual thread) is its own. With a {@link Workspace} nothing is allocated in vecprop on any
     * thread once the workspace has served a call cut into as many pieces.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true
     * @param transB whether op(B) = Bᵀ: stored B is {@code k x n}, or {@code n x k} if true
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param n columns of op(B) and of C, {@code >= 0}
     * @param k the depth: columns of op(A) and rows of op(B), {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b stored B, row-major: element (i, j) at {@code b[bOff + i * ldb + j]}
     * @param bOff index of stored B's element (0, 0) in {@code b}, {@code 0 <= bOff <= b.length}
     * @param ldb row stride of stored B, {@code >= max(1, its columns)} (n, or k when transB)
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A or B (judged on the element ranges they span)
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @param executor lent tasks that help with the pieces; vecprop starts no threads of its own
     * @param parts how many pieces to cut C into, {@code >= 1}; more than there are register
     *     tiles along the split dimension is capped; 1 runs on the calling thread only
     * @throws NullPointerException if {@code executor}, {@code a}, {@code b} or {@code c} is
     *     null, before anything is written
     * @throws IllegalArgumentException for {@code parts < 1}, a negative size, a row stride below
     *     its minimum, or C overlapping A or B, before anything is written
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array, before anything is written
     * @throws RuntimeException what a piece threw, rethrown once no piece is running, with C
     *     partly written
     * @throws Error what a piece or {@code executor.execute} threw, rethrown once no piece is
     *     running, with C partly written
     */
    public static void multiplyParallel(boolean transA, boolean transB, int m, int n, int k,
                                        float alpha, float[] a, int aOff, int lda,
                                        float[] b, int bOff, int ldb,
                                        float beta, float[] c, int cOff, int ldc,
                                        Executor executor, int parts) {
        parallel(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                executor, parts, null);
    }

    /**
     * As {@link #multiplyParallel(boolean, boolean, int, int, int, float, float[], int, int,
     * float[], int, int, float, float[], int, int, Executor, int)}, with its scratch from the
     * caller's workspace: piece {@code q} packs into the workspace's set of buffers {@code q},
     * whichever thread runs it, so neither the calling thread nor the executor's threads keep
     * buffers for vecprop, and once the workspace has served a call cut into as many pieces
     * nothing is allocated in vecprop. The same guarantees (no hang, nothing written after the
     * return, failures rethrown) and the same bits as that form and as the single-threaded
     * call. The workspace is the call's until it returns: the executor's threads use it only
     * for pieces of this call.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true
     * @param transB whether op(B) = Bᵀ: stored B is {@code k x n}, or {@code n x k} if true
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param n columns of op(B) and of C, {@code >= 0}
     * @param k the depth: columns of op(A) and rows of op(B), {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b stored B, row-major: element (i, j) at {@code b[bOff + i * ldb + j]}
     * @param bOff index of stored B's element (0, 0) in {@code b}, {@code 0 <= bOff <= b.length}
     * @param ldb row stride of stored B, {@code >= max(1, its columns)} (n, or k when transB)
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A or B (judged on the element ranges they span)
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @param executor lent tasks that help with the pieces; vecprop starts no threads of its own
     * @param parts how many pieces to cut C into, {@code >= 1}; more than there are register
     *     tiles along the split dimension is capped; 1 runs on the calling thread only
     * @param workspace the caller's scratch ({@link Workspace}), grown if this call needs more:
     *     one set of packing buffers per piece, used by whichever thread runs the piece, until
     *     the call returns
     * @throws NullPointerException if {@code workspace}, {@code executor}, {@code a}, {@code b} or
     *     {@code c} is null, before anything is written
     * @throws IllegalArgumentException for {@code parts < 1}, a negative size, a row stride below
     *     its minimum, or C overlapping A or B, before anything is written
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array, before anything is written
     * @throws RuntimeException what a piece threw, rethrown once no piece is running, with C
     *     partly written
     * @throws Error what a piece or {@code executor.execute} threw, rethrown once no piece is
     *     running, with C partly written
     */
    public static void multiplyParallel(boolean transA, boolean transB, int m, int n, int k,
                                        float alpha, float[] a, int aOff, int lda,
                                        float[] b, int bOff, int ldb,
                                        float beta, float[] c, int cOff, int ldc,
                                        Executor executor, int parts, Workspace workspace) {
        parallel(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                executor, parts, Workspace.of(workspace));
    }

    /**
     * As {@link #multiplyPacked(boolean, int, float, float[], int, int, PackedMatrix, float,
     * float[], int, int)}, split into up to {@code parts} pieces of C that the calling thread
     * and {@code executor} share, exactly as {@link #multiplyParallel(boolean, boolean, int, int,
     * int, float, float[], int, int, float[], int, int, float, float[], int, int, Executor, int)}
     * splits (rows of C, or columns when C has more column tiles than row tiles); every piece
     * reads the one packed B, a column piece only its own panels of it. The guarantees are that
     * method's: the executor is a source of help, never a dependency (the call cannot hang
     * whatever it does with the tasks), nothing writes C after the call returns or throws, a
     * failing piece's exception is rethrown once no piece runs, the interrupt status is kept;
     * and the result is bit-identical to {@code multiplyPacked} for any {@code parts}. Each
     * piece packs its part of A into the buffers of the thread that runs it (the form with a
     * {@link Workspace} gives each piece a set of its own). (On the scalar path the calling
     * thread runs the whole product.)
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true,
     *     where {@code k = b.rows()}
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b op(B), packed by {@link PackedMatrix#pack}; it fixes the depth
     *     {@code k = b.rows()} and the columns of C, {@code n = b.cols()}
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @param executor lent tasks that help with the pieces; vecprop starts no threads of its own
     * @param parts how many pieces to cut C into, {@code >= 1}; more than there are register
     *     tiles along the split dimension is capped; 1 runs on the calling thread only
     * @throws NullPointerException if {@code executor}, {@code a}, {@code b} or {@code c} is
     *     null, before anything is written
     * @throws IllegalArgumentException for {@code parts < 1}, a negative m, a row stride below
     *     its minimum, or C overlapping A, before anything is written
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array, before anything is written
     * @throws RuntimeException what a piece threw, rethrown once no piece is running, with C
     *     partly written
     * @throws Error what a piece or {@code executor.execute} threw, rethrown once no piece is
     *     running, with C partly written
     */
    public static void multiplyPackedParallel(boolean transA, int m, float alpha, float[] a,
                                              int aOff, int lda, PackedMatrix b, float beta,
                                              float[] c, int cOff, int ldc,
                                              Executor executor, int parts) {
        packedParallel(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc, executor, parts, null);
    }

    /**
     * As {@link #multiplyPackedParallel(boolean, int, float, float[], int, int, PackedMatrix,
     * float, float[], int, int, Executor, int)}, with its scratch from the caller's workspace as
     * {@link #multiplyParallel(boolean, boolean, int, int, int, float, float[], int, int, float[],
     * int, int, float, float[], int, int, Executor, int, Workspace)} takes it: one set of packing
     * buffers per piece, nothing allocated in vecprop once the workspace has served a call cut
     * into as many pieces; the same guarantees and the same bits.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true,
     *     where {@code k = b.rows()}
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major: element (i, j) at {@code a[aOff + i * lda + j]}
     * @param aOff index of stored A's element (0, 0) in {@code a}, {@code 0 <= aOff <= a.length}
     * @param lda row stride of stored A, {@code >= max(1, its columns)} (k, or m when transA)
     * @param b op(B), packed by {@link PackedMatrix#pack}; it fixes the depth
     *     {@code k = b.rows()} and the columns of C, {@code n = b.cols()}
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major: element (i, j) at {@code c[cOff + i * ldc + j]};
     *     must not overlap A
     * @param cOff index of C's element (0, 0) in {@code c}, {@code 0 <= cOff <= c.length}
     * @param ldc row stride of C, {@code >= max(1, n)}
     * @param executor lent tasks that help with the pieces; vecprop starts no threads of its own
     * @param parts how many pieces to cut C into, {@code >= 1}; more than there are register
     *     tiles along the split dimension is capped; 1 runs on the calling thread only
     * @param workspace the caller's scratch ({@link Workspace}), grown if this call needs more:
     *     one set of packing buffers per piece, used by whichever thread runs the piece, until
     *     the call returns
     * @throws NullPointerException if {@code workspace}, {@code executor}, {@code a}, {@code b} or
     *     {@code c} is null, before anything is written
     * @throws IllegalArgumentException for {@code parts < 1}, a negative m, a row stride below
     *     its minimum, or C overlapping A, before anything is written
     * @throws IndexOutOfBoundsException for an offset outside its array or a matrix that runs
     *     past the end of its array, before anything is written
     * @throws RuntimeException what a piece threw, rethrown once no piece is running, with C
     *     partly written
     * @throws Error what a piece or {@code executor.execute} threw, rethrown once no piece is
     *     running, with C partly written
     */
    public static void multiplyPackedParallel(boolean transA, int m, float alpha, float[] a,
                                              int aOff, int lda, PackedMatrix b, float beta,
                                              float[] c, int cOff, int ldc,
                                              Executor executor, int parts, Workspace workspace) {
        packedParallel(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc, executor, parts,
                Workspace.of(workspace));
    }

    /**
     * As {@link #multiply(boolean, boolean, int, int, int, float, float[], int, int, float[], int,
     * int, float, float[], int, int)} on memory segments (for example off-heap data), with offsets
     * and leading dimensions counted in floats, in native byte order, no alignment required.
     *
     * <p>The operands are staged into this thread's buffers as dense float arrays and the array
     * kernel runs on them, so the result is bit-identical to the array overload on the same
     * values. Staging costs {@code O(mk + kn + mn)} copies against the product's {@code O(mnk)}
     * work. A thread keeps staging buffers of up to 256 Ki floats (1 MiB) each, so a call whose
     * operands fit allocates nothing in steady state, and a larger one allocates its staging
     * buffers every time; the form with a {@link Workspace} keeps whatever it grew to.
     *
     * <p>Segments are checked like arrays, before anything is read or written: a segment whose
     * arena is closed, one confined to another thread, or a read-only c is reported with an
     * exception naming the argument. If another thread closes a shared arena <em>during</em> the
     * call, the JDK guarantees no access to freed memory, and this call throws {@link
     * IllegalStateException} naming the closed operand(s). C is written only at the end, from
     * the staging buffers, after A and B have been read in full: so a or b closed during the
     * call either throws with C unchanged (closed before they were read) or does not matter
     * (closed after), and the call's result is then complete and correct. If c's own arena is
     * closed during the call its memory is gone; nothing else is written. (HotSpot delivers such
     * a close to a thread whose access races with it as an asynchronous exception, and may set
     * that thread's interrupt status to do so; this method leaves the status as the JDK left it,
     * since it cannot tell that interrupt from a genuine one.)
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true
     * @param transB whether op(B) = Bᵀ: stored B is {@code k x n}, or {@code n x k} if true
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param n columns of op(B) and of C, {@code >= 0}
     * @param k the depth: columns of op(A) and rows of op(B), {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major floats: element (i, j) at float index
     *     {@code aOff + i * lda + j}, that is byte offset {@code 4 * (aOff + i * lda + j)}
     * @param aOff float index of stored A's element (0, 0) in {@code a},
     *     {@code 0 <= aOff <= a.byteSize() / 4}
     * @param lda row stride of stored A in floats, {@code >= max(1, its columns)} (k, or m when
     *     transA)
     * @param b stored B, row-major floats: element (i, j) at float index
     *     {@code bOff + i * ldb + j}
     * @param bOff float index of stored B's element (0, 0) in {@code b},
     *     {@code 0 <= bOff <= b.byteSize() / 4}
     * @param ldb row stride of stored B in floats, {@code >= max(1, its columns)} (n, or k when
     *     transB)
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major floats: element (i, j) at float index
     *     {@code cOff + i * ldc + j}; writable, must not overlap A or B in memory
     * @param cOff float index of C's element (0, 0) in {@code c},
     *     {@code 0 <= cOff <= c.byteSize() / 4}
     * @param ldc row stride of C in floats, {@code >= max(1, n)}
     * @throws NullPointerException if {@code a}, {@code b} or {@code c} is null, before any write
     * @throws IllegalArgumentException before any write: for a negative size, a row stride below
     *     its minimum, C overlapping A or B (judged on memory addresses), a read-only {@code c},
     *     or an operand of more floats than one Java array holds (each is staged in one)
     * @throws IndexOutOfBoundsException before any write, for an offset outside its segment or a
     *     matrix that runs past the end of its segment
     * @throws IllegalStateException for a segment whose arena is closed, before any write; or
     *     closed by another thread during the call (see above)
     * @throws WrongThreadException for a segment confined to another thread, before any write
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, MemorySegment a, long aOff, int lda,
                                MemorySegment b, long bOff, int ldb,
                                float beta, MemorySegment c, long cOff, int ldc) {
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        segments(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null);
    }

    /**
     * As {@link #multiply(boolean, boolean, int, int, int, float, MemorySegment, long, int,
     * MemorySegment, long, int, float, MemorySegment, long, int)}, staging the operands in the
     * caller's workspace, which keeps its staging buffers at the size of the largest operands it
     * has staged (until {@link Workspace#release}): steady state allocates nothing, whatever the
     * size. The same checks, the same behaviour when an arena is closed during the call, and the
     * same bits.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true
     * @param transB whether op(B) = Bᵀ: stored B is {@code k x n}, or {@code n x k} if true
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param n columns of op(B) and of C, {@code >= 0}
     * @param k the depth: columns of op(A) and rows of op(B), {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major floats: element (i, j) at float index
     *     {@code aOff + i * lda + j}, that is byte offset {@code 4 * (aOff + i * lda + j)}
     * @param aOff float index of stored A's element (0, 0) in {@code a},
     *     {@code 0 <= aOff <= a.byteSize() / 4}
     * @param lda row stride of stored A in floats, {@code >= max(1, its columns)} (k, or m when
     *     transA)
     * @param b stored B, row-major floats: element (i, j) at float index
     *     {@code bOff + i * ldb + j}
     * @param bOff float index of stored B's element (0, 0) in {@code b},
     *     {@code 0 <= bOff <= b.byteSize() / 4}
     * @param ldb row stride of stored B in floats, {@code >= max(1, its columns)} (n, or k when
     *     transB)
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major floats: element (i, j) at float index
     *     {@code cOff + i * ldc + j}; writable, must not overlap A or B in memory
     * @param cOff float index of C's element (0, 0) in {@code c},
     *     {@code 0 <= cOff <= c.byteSize() / 4}
     * @param ldc row stride of C in floats, {@code >= max(1, n)}
     * @param workspace the caller's scratch ({@link Workspace}), grown if this call needs more;
     *     used by this call only, until it returns
     * @throws NullPointerException if {@code workspace}, {@code a}, {@code b} or {@code c} is
     *     null, before any write
     * @throws IllegalArgumentException before any write: for a negative size, a row stride below
     *     its minimum, C overlapping A or B (judged on memory addresses), a read-only {@code c},
     *     or an operand of more floats than one Java array holds (each is staged in one)
     * @throws IndexOutOfBoundsException before any write, for an offset outside its segment or a
     *     matrix that runs past the end of its segment
     * @throws IllegalStateException for a segment whose arena is closed, before any write; or
     *     closed by another thread during the call
     * @throws WrongThreadException for a segment confined to another thread, before any write
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, MemorySegment a, long aOff, int lda,
                                MemorySegment b, long bOff, int ldb,
                                float beta, MemorySegment c, long cOff, int ldc,
                                Workspace workspace) {
        Buffers buffers = Workspace.of(workspace);
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        segments(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                buffers);
    }

    /**
     * As {@link #multiplyPacked(boolean, int, float, float[], int, int, PackedMatrix, float,
     * float[], int, int)} with A and C on memory segments (for example off-heap activations
     * against weights packed once), offsets and leading dimensions counted in floats, native
     * byte order, no alignment required. A and C are staged into this thread's buffers (as the
     * MemorySegment {@link #multiply(boolean, boolean, int, int, int, float, MemorySegment, long,
     * int, MemorySegment, long, int, float, MemorySegment, long, int) multiply} stages, with the
     * same bound on what a thread keeps), so the result is bit-identical to {@code
     * multiplyPacked} on arrays holding the same values.
     *
     * <p>Segments are checked as that method checks them, before anything is read or written,
     * and an arena closed by another thread during the call behaves the same way: {@link
     * IllegalStateException} naming the closed operand; C, written only at the end from the
     * staging buffer after A has been read in full, unchanged if a was closed before it was
     * read.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true,
     *     where {@code k = b.rows()}
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major floats: element (i, j) at float index
     *     {@code aOff + i * lda + j}, that is byte offset {@code 4 * (aOff + i * lda + j)}
     * @param aOff float index of stored A's element (0, 0) in {@code a},
     *     {@code 0 <= aOff <= a.byteSize() / 4}
     * @param lda row stride of stored A in floats, {@code >= max(1, its columns)} (k, or m when
     *     transA)
     * @param b op(B), packed by {@link PackedMatrix#pack}; it fixes the depth
     *     {@code k = b.rows()} and the columns of C, {@code n = b.cols()}
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major floats: element (i, j) at float index
     *     {@code cOff + i * ldc + j}; writable, must not overlap A in memory
     * @param cOff float index of C's element (0, 0) in {@code c},
     *     {@code 0 <= cOff <= c.byteSize() / 4}
     * @param ldc row stride of C in floats, {@code >= max(1, n)}
     * @throws NullPointerException if {@code a}, {@code b} or {@code c} is null, before any write
     * @throws IllegalArgumentException before any write: for a negative m, a row stride below its
     *     minimum, C overlapping A (judged on memory addresses), a read-only {@code c}, or an
     *     operand of more floats than one Java array holds
     * @throws IndexOutOfBoundsException before any write, for an offset outside its segment or a
     *     matrix that runs past the end of its segment
     * @throws IllegalStateException for a segment whose arena is closed, before any write; or
     *     closed by another thread during the call
     * @throws WrongThreadException for a segment confined to another thread, before any write
     */
    public static void multiplyPacked(boolean transA, int m, float alpha, MemorySegment a,
                                      long aOff, int lda, PackedMatrix b, float beta,
                                      MemorySegment c, long cOff, int ldc) {
        packedSegments(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc, null);
    }

    /**
     * As {@link #multiplyPacked(boolean, int, float, MemorySegment, long, int, PackedMatrix, float,
     * MemorySegment, long, int)}, staging A and C in the caller's workspace, which keeps its
     * staging buffers at the size of the largest operands it has staged: steady state allocates
     * nothing, whatever the size. The same checks, behaviour and bits.
     *
     * @param transA whether op(A) = Aᵀ: stored A is {@code m x k}, or {@code k x m} if true,
     *     where {@code k = b.rows()}
     * @param m rows of op(A) and of C, {@code >= 0}
     * @param alpha scale of the product; 0 means A and B are not read
     * @param a stored A, row-major floats: element (i, j) at float index
     *     {@code aOff + i * lda + j}, that is byte offset {@code 4 * (aOff + i * lda + j)}
     * @param aOff float index of stored A's element (0, 0) in {@code a},
     *     {@code 0 <= aOff <= a.byteSize() / 4}
     * @param lda row stride of stored A in floats, {@code >= max(1, its columns)} (k, or m when
     *     transA)
     * @param b op(B), packed by {@link PackedMatrix#pack}; it fixes the depth
     *     {@code k = b.rows()} and the columns of C, {@code n = b.cols()}
     * @param beta scale of the old C; 0 means C is not read (NaN already in C does not leak)
     * @param c C ({@code m x n}), row-major floats: element (i, j) at float index
     *     {@code cOff + i * ldc + j}; writable, must not overlap A in memory
     * @param cOff float index of C's element (0, 0) in {@code c},
     *     {@code 0 <= cOff <= c.byteSize() / 4}
     * @param ldc row stride of C in floats, {@code >= max(1, n)}
     * @param workspace the caller's scratch ({@link Workspace}), grown if this call needs more;
     *     used by this call only, until it returns
     * @throws NullPointerException if {@code workspace}, {@code a}, {@code b} or {@code c} is
     *     null, before any write
     * @throws IllegalArgumentException before any write: for a negative m, a row stride below its
     *     minimum, C overlapping A (judged on memory addresses), a read-only {@code c}, or an
     *     operand of more floats than one Java array holds
     * @throws IndexOutOfBoundsException before any write, for an offset outside its segment or a
     *     matrix that runs past the end of its segment
     * @throws IllegalStateException for a segment whose arena is closed, before any write; or
     *     closed by another thread during the call
     * @throws WrongThreadException for a segment confined to another thread, before any write
     */
    public static void multiplyPacked(boolean transA, int m, float alpha, MemorySegment a,
                                      long aOff, int lda, PackedMatrix b, float beta,
                                      MemorySegment c, long cOff, int ldc, Workspace workspace) {
        packedSegments(transA, m, alpha, a, aOff, lda, b, beta, c, cOff, ldc, Workspace.of(workspace));
    }

    /** The checks of a product with a packed B, on arrays: b first, then A and C. */
    private static void checkPacked(boolean transA, int m, float[] a, int aOff, int lda,
                                    PackedMatrix b, float[] c, int cOff, int ldc) {
        Checks.gemmPacked(transA, m, b, a, aOff, lda, b == null ? 0 : b.cols(),
                b == null ? 0 : b.rows(), c, cOff, ldc);
    }

    /** The checks the fused forms add: the activation, and the bias (n floats, not inside C). */
    private static void checkBiasActivation(int m, int n, float[] c, int cOff, int ldc,
                                            float[] bias, int biasOff, Activation activation) {
        if (activation == null) {
            throw new NullPointerException("activation must not be null");
        }
        if (bias != null) {
            Checks.vector("bias", bias, biasOff, n);
            if (m > 0) {
                Checks.noOverlap("c", c, cOff, m, n, ldc, "bias", bias, biasOff, 1, n,
                        Math.max(1, n), false);
            }
        }
    }

    /** The parallel product: its checks, then the call; {@code buffers} null for none. */
    private static void parallel(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                                 float beta, float[] c, int cOff, int ldc, Executor executor,
                                 int parts, Buffers buffers) {
        checkParallel(executor, parts);
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        Implementation.KERNELS.gemmParallel(transA, transB, m, n, k, alpha, a, aOff, lda,
                b, bOff, ldb, beta, c, cOff, ldc, executor, parts, buffers);
    }

    /** The parallel product with a packed B: its checks, then the call; {@code buffers} null for none. */
    private static void packedParallel(boolean transA, int m, float alpha, float[] a, int aOff,
                                       int lda, PackedMatrix b, float beta, float[] c, int cOff,
                                       int ldc, Executor executor, int parts, Buffers buffers) {
        checkParallel(executor, parts);
        checkPacked(transA, m, a, aOff, lda, b, c, cOff, ldc);
        if (m == 0 || b.cols() == 0) {
            return;
        }
        Implementation.KERNELS.gemmPackedParallel(transA, m, alpha, a, aOff, lda, b.operand, beta,
                c, cOff, ldc, executor, parts, buffers);
    }

    /** The checks the parallel forms add, before the matrices'. */
    private static void checkParallel(Executor executor, int parts) {
        if (executor == null) {
            throw new NullPointerException("executor must not be null");
        }
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be >= 1, got " + parts);
        }
    }

    /** The validated MemorySegment product, naming an arena closed during the call. */
    private static void segments(boolean transA, boolean transB, int m, int n, int k, float alpha,
                                 MemorySegment a, long aOff, int lda, MemorySegment b, long bOff,
                                 int ldb, float beta, MemorySegment c, long cOff, int ldc,
                                 Buffers buffers) {
        try {
            GemmSegments.multiply(Implementation.KERNELS, transA, transB, m, n, k, alpha, a, aOff,
                    lda, b, bOff, ldb, beta, c, cOff, ldc, buffers);
        } catch (IllegalStateException closed) { // an arena closed by another thread meanwhile
            throw Checks.closedDuringGemm(closed, a, b, c);
        }
    }

    /**
     * The MemorySegment product with a packed B: its checks, then the product, naming an arena
     * closed meanwhile.
     */
    private static void packedSegments(boolean transA, int m, float alpha, MemorySegment a,
                                       long aOff, int lda, PackedMatrix b, float beta,
                                       MemorySegment c, long cOff, int ldc, Buffers buffers) {
        Checks.gemmPacked(transA, m, b, a, aOff, lda, b == null ? 0 : b.cols(),
                b == null ? 0 : b.rows(), c, cOff, ldc);
        try {
            GemmSegments.multiplyPacked(Implementation.KERNELS, transA, m, alpha, a, aOff, lda,
                    b.operand, beta, c, cOff, ldc, buffers);
        } catch (IllegalStateException closed) { // an arena closed by another thread meanwhile
            throw Checks.closedDuringGemmPacked(closed, a, c);
        }
    }
}

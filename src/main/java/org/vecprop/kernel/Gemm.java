package org.vecprop.kernel;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.vecprop.reference.Checks;

/**
 * General matrix multiply on row-major float arrays:
 * {@code C = alpha * op(A) * op(B) + beta * C}, with {@code op(X) = X} or {@code Xᵀ}.
 *
 * <h2>Structure</h2>
 * Three paths, chosen per call by {@link #choosePath}:
 * <ul>
 *   <li><b>Tiny</b>: at most {@link #TINY_MAX_WORK} multiply-adds: plain scalar loops with one
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
 * on 16-register AVX2). {@code KC} is chosen so that one
 * {@code KC x NR} B micro-panel takes 16 KiB, half of a 32 KiB L1d (the design's figure; this
 * machine's Zen 5 has 48 KiB); {@code MC x KC} of packed A takes at most 512 KiB, half of the
 * 1 MiB L2; {@code KC x NC} of packed B at most 8 MiB of the 32 MiB L3. At 512 bits that is
 * KC = 128, MC = 1024, NC = 4096; at 256 bits KC = 256, MC = 510, NC = 4096.
 *
 * <h2>Semantics and accuracy</h2>
 * As BLAS: {@code beta == 0} means C is not read (NaN already in C does not leak);
 * {@code alpha == 0} or {@code k == 0} means A and B are not read and C becomes
 * {@code beta * C}. Each element differs from the exact product of the float inputs by at most
 * about {@code (k + 2) * 2^-24 * (|alpha| * sum_p |a_ip * b_pj| + |beta * c_ij|)}: the same bound as
 * the scalar reference ({@link org.vecprop.reference.Gemm}), from different rounding (FMA,
 * blocked summation order). Results do not depend on the thread, the workspace, the number of
 * parts of a parallel call, the array or MemorySegment overload, nor (with B untransposed) on
 * the path taken.
 *
 * <h2>Threads</h2>
 * Single-threaded unless the caller passes an {@link Executor}; vecprop never starts threads.
 * With an executor the rows (or, for wide problems, the columns) of C are split into parts
 * aligned to the register tile, never the depth k, and every part takes the path the whole
 * problem would take, so each element sees the same arithmetic in the same order and the result
 * is bit-identical for any number of parts.
 *
 * <p>Thread-safe: the static methods keep their packing buffers per thread.
 */
public final class Gemm {
    private Gemm() {}

    /**
     * Rows of the register tile: 8 with 512-bit vectors (16 accumulators of AVX-512's 32
     * registers; batches of 32 or 64 rows then fill whole tiles), else 6 (12 accumulators, which
     * with the B row and the broadcast fit AVX2's 16).
     */
    static final int MR = Simd.BITS == 512 ? 8 : 6;
    /** Columns of the register tile: two vectors (0 on the scalar path). */
    static final int NR = 2 * Simd.BITS / 32;
    /** Depth of a packed panel: a KC x NR panel of B is 16 KiB. */
    static final int KC = NR == 0 ? 0 : 16 * 1024 / (NR * Float.BYTES);
    /** Rows of A packed at once: MC x KC floats are at most 512 KiB, a multiple of MR. */
    static final int MC = NR == 0 ? 0 : (512 * 1024 / (KC * Float.BYTES)) / MR * MR;
    /** Columns of B packed at once: KC x NC floats are at most 8 MiB, a multiple of NR. */
    static final int NC = NR == 0 ? 0 : Math.min(4096, 8 * 1024 * 1024 / (KC * Float.BYTES)) / NR * NR;

    /**
     * Problems with at most this many multiply-adds run as plain scalar loops: at that size a
     * vector loop's setup costs more than the arithmetic.
     */
    static final long TINY_MAX_WORK = 64;

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
        if (shortcutToTiny(m, n, k, alpha)) {
            SimdGemm.tiny(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, null, 0, false);
            return;
        }
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null,
                Path.AUTO, null, 0, false);
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
                workspace, Path.AUTO, null, 0, false);
    }

    /**
     * The dense-layer forward product with its epilogue fused:
     * {@code C = f(alpha * op(A) * op(B) + beta * C + bias)}, where the bias row is added to every
     * row of C and {@code f} is ReLU ({@code max(0, x)}, NaN kept) when {@code relu}, else the
     * identity. On the packed path the bias and ReLU are applied to the register tile before it
     * is stored, so C is written once; small problems apply them in a second pass over the
     * cache-hot C. The result equals {@link #multiply(boolean, boolean, int, int, int, float,
     * float[], int, int, float[], int, int, float, float[], int, int)} followed by
     * {@link Bias#add} and {@link Relu#forward}, to the GEMM's rounding.
     *
     * @param bias {@code n} floats from {@code biasOff}, or null for no bias; may not overlap C
     * @param relu whether to apply ReLU after the bias
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                float[] bias, int biasOff, boolean relu) {
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (bias != null) {
            Checks.vector("bias", bias, biasOff, n);
            if (m > 0) {
                Checks.noOverlap("c", c, cOff, m, n, ldc, "bias", bias, biasOff, 1, n,
                        Math.max(1, n), false);
            }
        }
        if (shortcutToTiny(m, n, k, alpha)) {
            SimdGemm.tiny(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, bias, biasOff, relu);
            return;
        }
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null,
                Path.AUTO, bias, biasOff, relu);
    }

    /**
     * As {@link #multiply(boolean, boolean, int, int, int, float, float[], int, int, float[], int,
     * int, float, float[], int, int)}, split into up to {@code parts} pieces of C run on
     * {@code executor}; the calling thread runs one piece and waits for the others. The result is
     * bit-identical to the single-threaded call for any {@code parts}. Each piece packs into the
     * workspace of the thread that runs it. A parallel call allocates a few small objects (the
     * tasks and a latch); the single-threaded call allocates nothing.
     *
     * @param executor runs the pieces; vecprop starts no threads of its own
     * @param parts how many pieces to cut C into, {@code >= 1}; more than there are register
     *     tiles along the split dimension is capped
     * @throws IllegalArgumentException or IndexOutOfBoundsException for bad arguments, before
     *     anything is written; a {@link RuntimeException} thrown by a piece (including the
     *     executor's rejection) after the others finished, in which case C is partly written
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                Executor executor, int parts) {
        if (executor == null) {
            throw new IllegalArgumentException("executor must not be null");
        }
        if (parts < 1) {
            throw new IllegalArgumentException("parts must be >= 1, got " + parts);
        }
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        int tileM = Math.max(1, MR), tileN = Math.max(1, NR);
        int rowTiles = (m + tileM - 1) / tileM, colTiles = (n + tileN - 1) / tileN;
        boolean splitRows = rowTiles >= colTiles;
        int units = splitRows ? rowTiles : colTiles;
        int pieces = Math.min(parts, units);
        if (pieces <= 1 || !Simd.ENABLED || alpha == 0f || k == 0) {
            run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                    null, Path.AUTO, null, 0, false);
            return;
        }
        Path path = choosePath(transA, transB, m, n, k);
        CountDownLatch done = new CountDownLatch(pieces - 1);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        for (int q = pieces - 1; q >= 0; q--) {
            int from = (int) ((long) units * q / pieces), to = (int) ((long) units * (q + 1) / pieces);
            int i0 = splitRows ? from * tileM : 0, i1 = splitRows ? Math.min(m, to * tileM) : m;
            int j0 = splitRows ? 0 : from * tileN, j1 = splitRows ? n : Math.min(n, to * tileN);
            int pa = aOff + (transA ? i0 : i0 * lda);
            int pb = bOff + (transB ? j0 * ldb : j0);
            int pc = cOff + i0 * ldc + j0;
            Runnable piece = () -> run(transA, transB, i1 - i0, j1 - j0, k, alpha, a, pa, lda,
                    b, pb, ldb, beta, c, pc, ldc, null, path, null, 0, false);
            if (q == 0) {
                try {
                    piece.run(); // the caller's share, while the executor runs the rest
                } catch (RuntimeException e) {
                    failure.compareAndSet(null, e);
                }
                break;
            }
            try {
                executor.execute(() -> {
                    try {
                        piece.run();
                    } catch (RuntimeException e) {
                        failure.compareAndSet(null, e);
                    } finally {
                        done.countDown();
                    }
                });
            } catch (RuntimeException rejected) {
                failure.compareAndSet(null, rejected);
                done.countDown();
            }
        }
        // Wait even if interrupted: the pieces are still writing into the caller's C.
        boolean interrupted = false;
        while (true) {
            try {
                done.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        if (failure.get() != null) {
            throw failure.get();
        }
    }

    /**
     * As {@link #multiply(boolean, boolean, int, int, int, float, float[], int, int, float[], int,
     * int, float, float[], int, int)} on memory segments (for example off-heap data), with offsets
     * and leading dimensions counted in floats, in native byte order, no alignment required.
     *
     * <p>The operands are staged into this thread's workspace as dense float arrays and the
     * array kernel runs on them, so the result is bit-identical to the array overload on the
     * same values. Staging costs {@code O(mk + kn + mn)} copies against the product's
     * {@code O(mnk)} work; the workspace keeps the staging buffers, so steady state allocates
     * nothing.
     *
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write, for the
     *     same reasons as the array overload (overlap judged on memory addresses)
     */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, MemorySegment a, long aOff, int lda,
                                MemorySegment b, long bOff, int ldb,
                                float beta, MemorySegment c, long cOff, int ldc) {
        Checks.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc);
        if (m == 0 || n == 0) {
            return;
        }
        GemmWorkspace ws = WORKSPACE.get();
        int aRows = transA ? k : m, aCols = transA ? m : k;
        int bRows = transB ? n : k, bCols = transB ? k : n;
        ws.copyA = GemmWorkspace.atLeast(ws.copyA, (long) aRows * aCols);
        ws.copyB = GemmWorkspace.atLeast(ws.copyB, (long) bRows * bCols);
        ws.copyC = GemmWorkspace.atLeast(ws.copyC, (long) m * n);
        stage(a, aOff, lda, aRows, aCols, ws.copyA);
        stage(b, bOff, ldb, bRows, bCols, ws.copyB);
        if (beta != 0f) {
            stage(c, cOff, ldc, m, n, ws.copyC);
        }
        run(transA, transB, m, n, k, alpha, ws.copyA, 0, Math.max(1, aCols), ws.copyB, 0,
                Math.max(1, bCols), beta, ws.copyC, 0, n, ws, Path.AUTO, null, 0, false);
        for (int i = 0; i < m; i++) {
            MemorySegment.copy(ws.copyC, i * n, c, ValueLayout.JAVA_FLOAT_UNALIGNED,
                    (cOff + (long) i * ldc) * Float.BYTES, n);
        }
    }

    /** Copies a rows x cols matrix out of a segment into a dense array. */
    private static void stage(MemorySegment s, long off, int ld, int rows, int cols, float[] dst) {
        for (int i = 0; i < rows && cols > 0; i++) {
            MemorySegment.copy(s, ValueLayout.JAVA_FLOAT_UNALIGNED, (off + (long) i * ld) * Float.BYTES,
                    dst, i * cols, cols);
        }
    }

    /** Which SIMD path a call takes; tests force each one to cover both at every shape. */
    enum Path { AUTO, TINY, DIRECT, PACKED }

    /**
     * Whether a validated call goes straight to the tiny loops, skipping {@link #run}: kept out
     * of run() so that a 1x2x2 product compiles to a small method that inlines.
     */
    private static boolean shortcutToTiny(int m, int n, int k, float alpha) {
        return Simd.ENABLED && (long) m * n * k <= TINY_MAX_WORK && alpha != 0f && k > 0;
    }

    /**
     * The path for a problem of this shape: TINY for at most {@link #TINY_MAX_WORK}
     * multiply-adds; DIRECT for at most {@link #DIRECT_MAX_M} rows
     * or at most {@link #DIRECT_MAX_WORK} multiply-adds, unless both operands are transposed
     * (the direct path needs one of them readable by rows); PACKED otherwise.
     */
    static Path choosePath(boolean transA, boolean transB, int m, int n, int k) {
        long work = (long) m * n * k;
        if (work <= TINY_MAX_WORK) {
            return Path.TINY;
        }
        if (!(transA && transB) && (m <= DIRECT_MAX_M || work <= DIRECT_MAX_WORK)) {
            return Path.DIRECT;
        }
        return Path.PACKED;
    }

    /**
     * The body after validation. {@code path} is AUTO ({@link #choosePath}) or forces one path
     * (tests, and the pieces of a parallel call); DIRECT falls back to PACKED where the direct
     * path does not apply (both operands transposed).
     */
    static void run(boolean transA, boolean transB, int m, int n, int k,
                    float alpha, float[] a, int aOff, int lda,
                    float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc, GemmWorkspace workspace, Path path,
                    float[] bias, int biasOff, boolean relu) {
        if (m == 0 || n == 0) {
            return;
        }
        if (!Simd.ENABLED) {
            org.vecprop.reference.Gemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda,
                    b, bOff, ldb, beta, c, cOff, ldc);
            if (bias != null) {
                org.vecprop.reference.Bias.add(m, n, c, cOff, ldc, bias, biasOff, c, cOff, ldc);
            }
            if (relu) {
                org.vecprop.reference.Relu.forward(m, n, c, cOff, ldc, c, cOff, ldc);
            }
            return;
        }
        Path chosen = alpha == 0f || k == 0 ? Path.AUTO
                : path == Path.AUTO ? choosePath(transA, transB, m, n, k) : path;
        if (chosen == Path.PACKED || chosen == Path.DIRECT && transA && transB) {
            // Bias and ReLU are applied to the register tile before it is stored.
            GemmWorkspace ws = workspace != null ? workspace : WORKSPACE.get();
            SimdGemm.packed(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, ws, bias, biasOff, relu);
            return;
        }
        if (chosen == Path.AUTO) {
            scale(m, n, beta, c, cOff, ldc);
        } else if (chosen == Path.TINY) {
            SimdGemm.tiny(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, bias, biasOff, relu);
            return;
        } else {
            SimdGemm.direct(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc);
        }
        // Small problems: bias and ReLU in a second pass over the C just written (cache-hot),
        // with the same operations in the same order as the packed epilogue.
        if (bias != null) {
            SimdBias.add(m, n, c, cOff, ldc, bias, biasOff, c, cOff, ldc);
        }
        if (relu) {
            SimdRelu.forward(m, n, c, cOff, ldc, c, cOff, ldc);
        }
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

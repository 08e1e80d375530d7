package org.vecprop.internal.gemm;

import static org.vecprop.internal.gemm.GemmBlocking.MR;
import static org.vecprop.internal.gemm.GemmBlocking.NR;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.gemm.GemmBlocking.Path;

/**
 * A GEMM split into pieces of C run on a caller's executor and the calling thread. C's rows (or,
 * for wide problems, its columns) are cut into parts aligned to the register tile, never the
 * depth k, and every part takes the path the whole problem would take, so each element sees
 * the same arithmetic in the same order and the result is bit-identical for any number of parts.
 */
public final class GemmParallel {
    private GemmParallel() {}

    /** See {@code org.vecprop.kernel.Gemm#multiplyParallel}; arguments are validated. */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                Executor executor, int parts) {
        int tileM = Math.max(1, MR), tileN = Math.max(1, NR);
        int rowTiles = (m + tileM - 1) / tileM, colTiles = (n + tileN - 1) / tileN;
        boolean splitRows = rowTiles >= colTiles;
        int units = splitRows ? rowTiles : colTiles;
        int pieces = Math.min(parts, units);
        if (pieces <= 1 || alpha == 0f || k == 0) {
            VectorGemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, null, 0, Kernels.IDENTITY, null, Path.AUTO);
            return;
        }
        Path path = GemmBlocking.choosePath(transA, transB, m, n, k);
        CountDownLatch done = new CountDownLatch(pieces - 1);
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        for (int q = pieces - 1; q >= 0; q--) {
            int from = (int) ((long) units * q / pieces), to = (int) ((long) units * (q + 1) / pieces);
            int i0 = splitRows ? from * tileM : 0, i1 = splitRows ? Math.min(m, to * tileM) : m;
            int j0 = splitRows ? 0 : from * tileN, j1 = splitRows ? n : Math.min(n, to * tileN);
            int pa = aOff + (transA ? i0 : i0 * lda);
            int pb = bOff + (transB ? j0 * ldb : j0);
            int pc = cOff + i0 * ldc + j0;
            Runnable piece = () -> VectorGemm.multiply(transA, transB, i1 - i0, j1 - j0, k, alpha,
                    a, pa, lda, b, pb, ldb, beta, c, pc, ldc, null, 0, Kernels.IDENTITY, null, path);
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
}

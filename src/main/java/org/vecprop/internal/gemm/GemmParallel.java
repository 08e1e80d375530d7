package org.vecprop.internal.gemm;

import static org.vecprop.internal.gemm.GemmBlocking.MR;
import static org.vecprop.internal.gemm.GemmBlocking.NR;

import java.util.concurrent.Executor;
import org.vecprop.internal.ClaimableWork;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.gemm.GemmBlocking.Path;

/**
 * A GEMM split into pieces of C, run by the calling thread and, if it lends a hand, a caller's
 * executor. C's rows (or, for wide problems, its columns) are cut into pieces aligned to the
 * register tile, never the depth k, and every piece takes the path the whole problem would take,
 * so each element sees the same arithmetic in the same order and the result is bit-identical to
 * the single-threaded call for any number of pieces and any assignment of pieces to threads.
 *
 * <p>The pieces are a {@link ClaimableWork}: claimed atomically, with the caller running every
 * piece no executor task has claimed, so whatever the executor does costs time, never liveness,
 * and nothing writes C after the call returns. See {@code org.vecprop.kernel.Gemm#multiplyParallel}
 * for the contract.
 */
public final class GemmParallel {
    private GemmParallel() {}

    /** See {@code org.vecprop.kernel.Gemm#multiplyParallel}; arguments are validated. */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                Executor executor, int parts) {
        Pieces work = cut(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                parts);
        if (work == null) {
            VectorGemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c, cOff, ldc, null, 0, Kernels.IDENTITY, null, Path.AUTO);
            return;
        }
        new ClaimableWork(work, work.pieces()).invoke(executor, work.pieces() - 1);
    }

    /**
     * Cuts a problem into up to {@code parts} pieces along C's rows, or along its columns when C
     * has more column tiles than row tiles; or returns null when it is one piece (or only a
     * scaling of C: alpha or k zero), which the caller runs as the single-threaded call.
     */
    static Pieces cut(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, int parts) {
        int tileM = Math.max(1, MR), tileN = Math.max(1, NR);
        int rowTiles = (m + tileM - 1) / tileM, colTiles = (n + tileN - 1) / tileN;
        boolean splitRows = rowTiles >= colTiles;
        int units = splitRows ? rowTiles : colTiles;
        int pieces = Math.min(parts, units);
        if (pieces <= 1 || alpha == 0f || k == 0) {
            return null;
        }
        Path path = GemmBlocking.choosePath(transA, transB, m, n, k);
        return new Pieces(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                beta, c, cOff, ldc, path, splitRows, units, pieces, tileM, tileN);
    }

    /**
     * The problem and its cut: piece {@code q} is units {@code [units q / pieces, units (q + 1) /
     * pieces)} of register tiles along the split dimension.
     */
    record Pieces(boolean transA, boolean transB, int m, int n, int k, float alpha,
                  float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                  float beta, float[] c, int cOff, int ldc, Path path,
                  boolean splitRows, int units, int pieces, int tileM, int tileN)
            implements ClaimableWork.Pieces {
        @Override
        public void run(int q) {
            int from = (int) ((long) units * q / pieces), to = (int) ((long) units * (q + 1) / pieces);
            int i0 = splitRows ? from * tileM : 0, i1 = splitRows ? Math.min(m, to * tileM) : m;
            int j0 = splitRows ? 0 : from * tileN, j1 = splitRows ? n : Math.min(n, to * tileN);
            int pa = aOff + (transA ? i0 : i0 * lda);
            int pb = bOff + (transB ? j0 * ldb : j0);
            int pc = cOff + i0 * ldc + j0;
            // null buffers: each piece packs into the workspace of the thread that runs it.
            VectorGemm.multiply(transA, transB, i1 - i0, j1 - j0, k, alpha, a, pa, lda, b, pb, ldb,
                    beta, c, pc, ldc, null, 0, Kernels.IDENTITY, null, path);
        }
    }
}

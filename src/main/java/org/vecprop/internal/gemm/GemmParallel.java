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
 *
 * <p><b>Each piece packs the part of B it needs.</b> Packing B once into a shared buffer in a
 * first phase, with the row pieces reading it in a second, was tried and measured slower on two
 * threads (512³: 1.36-1.56x one thread against 1.75-1.79x for per-piece packing, in the same
 * alternating run): the second phase waits for the slowest packing piece, and a task that starts
 * late makes every piece wait for it, where per-piece packing lets the caller start computing at
 * once.
 *
 * <p>A call allocates nothing once its thread has called before: each thread keeps one {@link
 * ClaimableWork} and one {@link Pieces} (the problem's description, rewritten per call and
 * emptied after it), the way each thread keeps its packing buffers. A call made while the
 * thread's own pair is in use (an executor whose {@code execute} itself makes a parallel call on
 * the calling thread) takes a fresh pair.
 */
public final class GemmParallel {
    private GemmParallel() {}

    /** A thread's reusable work and problem description, and whether a call is using them. */
    private static final class Reusable {
        final ClaimableWork work = new ClaimableWork();
        final Pieces pieces = new Pieces();
        boolean busy;
    }

    private static final ThreadLocal<Reusable> REUSABLE = ThreadLocal.withInitial(Reusable::new);

    /** See {@code org.vecprop.kernel.Gemm#multiplyParallel}; arguments are validated. */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                Executor executor, int parts) {
        Reusable mine = REUSABLE.get();
        Reusable r = mine.busy ? new Reusable() : mine;
        r.busy = true;
        try {
            Pieces work = r.pieces;
            if (!work.cut(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc,
                    parts)) {
                VectorGemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                        beta, c, cOff, ldc, null, 0, Kernels.IDENTITY, null, Path.AUTO);
                return;
            }
            r.work.invoke(work, work.pieces(), null, executor, work.pieces() - 1);
        } finally {
            r.pieces.forget();
            r.busy = false;
        }
    }

    /**
     * Cuts a problem into up to {@code parts} pieces along C's rows, or along its columns when C
     * has more column tiles than row tiles; or returns null when it is one piece (or only a
     * scaling of C: alpha or k zero), which the caller runs as the single-threaded call.
     */
    static Pieces cut(boolean transA, boolean transB, int m, int n, int k,
                      float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                      float beta, float[] c, int cOff, int ldc, int parts) {
        Pieces p = new Pieces();
        return p.cut(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, parts)
                ? p : null;
    }

    /**
     * The problem and its cut: piece {@code q} is units {@code [units q / pieces, units (q + 1) /
     * pieces)} of register tiles along the split dimension. Mutable so that a thread reuses one:
     * written by {@link #cut} before the call's work is opened, read by the pieces during it,
     * emptied by {@link #forget} after it (see {@link ClaimableWork} for why no piece sees
     * another call's values).
     */
    static final class Pieces implements ClaimableWork.Pieces {
        private boolean transA, transB, splitRows;
        private int m, n, k, aOff, lda, bOff, ldb, cOff, ldc, units, pieces, tileM, tileN;
        private float alpha, beta;
        private float[] a, b, c;
        private Path path;

        /** Describes the problem's cut into this; false (and nothing kept) when it is one piece. */
        boolean cut(boolean transA, boolean transB, int m, int n, int k,
                    float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float beta, float[] c, int cOff, int ldc, int parts) {
            int tileM = Math.max(1, MR), tileN = Math.max(1, NR);
            int rowTiles = (m + tileM - 1) / tileM, colTiles = (n + tileN - 1) / tileN;
            boolean splitRows = rowTiles >= colTiles;
            int units = splitRows ? rowTiles : colTiles;
            int pieces = Math.min(parts, units);
            if (pieces <= 1 || alpha == 0f || k == 0) {
                return false;
            }
            this.transA = transA;
            this.transB = transB;
            this.m = m;
            this.n = n;
            this.k = k;
            this.alpha = alpha;
            this.a = a;
            this.aOff = aOff;
            this.lda = lda;
            this.b = b;
            this.bOff = bOff;
            this.ldb = ldb;
            this.beta = beta;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.path = GemmBlocking.choosePath(transA, transB, m, n, k);
            this.splitRows = splitRows;
            this.units = units;
            this.pieces = pieces;
            this.tileM = tileM;
            this.tileN = tileN;
            return true;
        }

        /** Drops the references to the caller's arrays: a kept task must not hold them. */
        void forget() {
            a = null;
            b = null;
            c = null;
        }

        boolean splitRows() {
            return splitRows;
        }

        int pieces() {
            return pieces;
        }

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

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
 * <p><b>B packed once, by all.</b> When C is split by rows and takes the packed path, every
 * piece needs all of op(B) packed: packing it in every piece would repeat that work once per
 * thread (at 512³ on two threads, about a tenth of each thread's time). Instead the call runs in
 * two phases of its {@link ClaimableWork}: first pieces that each pack a range of B's column
 * panels into one shared buffer in the {@link PackedPanels} layout, then the row pieces, which
 * read it ({@link GemmMacroKernel#withPackedB}): the same panels as per-call packing, so the
 * same bits. The buffer belongs to the calling thread (kept between calls, like packing
 * buffers: {@code k x n} floats rounded up to whole panels); other threads only read it during
 * the call.
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
            r.work.invoke(work, work.total(), work.phaseEnds(), executor, work.pieces() - 1);
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
        /** Pieces packing B's column panels into {@link #sharedB} first, or 0 to pack per piece. */
        private int packPieces;
        /** The whole op(B), packed once per call by the first phase; kept for the next call. */
        private float[] sharedB = new float[0];
        /** The phases' ends when B is shared: {packPieces, packPieces + pieces}. */
        private final int[] ends = new int[2];

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
            long sharedFloats = (long) k * GemmBlocking.roundUp(n, NR);
            boolean share = splitRows && path == Path.PACKED && GemmMacroKernel.directForm(m, n)
                    && NR > 0 && sharedFloats <= Integer.MAX_VALUE - 8;
            if (share) {
                int panels = (n + NR - 1) / NR;
                this.packPieces = Math.min(pieces, panels);
                this.sharedB = org.vecprop.internal.PackBuffers.atLeast(sharedB, sharedFloats);
                ends[0] = packPieces;
                ends[1] = packPieces + pieces;
            } else {
                this.packPieces = 0;
            }
            return true;
        }

        /** Whether the call packs B once into a shared buffer (phase 1) before C's pieces. */
        boolean sharesB() {
            return packPieces > 0;
        }

        /** All pieces of the call: B's packing pieces (if shared), then C's. */
        int total() {
            return packPieces + pieces;
        }

        /** The phases for {@link ClaimableWork}: null when each piece packs B itself. */
        int[] phaseEnds() {
            return packPieces > 0 ? ends : null;
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

        Path path() {
            return path;
        }

        @Override
        public void run(int q) {
            if (q < packPieces) { // phase 1: pack B's panels [q, q + 1) of packPieces
                int panels = (n + tileN - 1) / tileN;
                int p0 = (int) ((long) panels * q / packPieces), p1 = (int) ((long) panels * (q + 1) / packPieces);
                GemmMacroKernel.packColumnsOfB(transB, b, bOff, ldb, k, n, p0 * tileN,
                        Math.min(n, p1 * tileN), sharedB);
                return;
            }
            q -= packPieces;
            int from = (int) ((long) units * q / pieces), to = (int) ((long) units * (q + 1) / pieces);
            int i0 = splitRows ? from * tileM : 0, i1 = splitRows ? Math.min(m, to * tileM) : m;
            int j0 = splitRows ? 0 : from * tileN, j1 = splitRows ? n : Math.min(n, to * tileN);
            int pa = aOff + (transA ? i0 : i0 * lda);
            int pb = bOff + (transB ? j0 * ldb : j0);
            int pc = cOff + i0 * ldc + j0;
            if (packPieces > 0) { // phase 2: rows i0..i1 against the shared B (splitRows here)
                GemmMacroKernel.withPackedB(transA, i1 - i0, n, k, alpha, a, pa, lda, sharedB,
                        beta, c, pc, ldc, org.vecprop.internal.PackBuffers.ofThisThread());
                return;
            }
            // null buffers: each piece packs into the workspace of the thread that runs it.
            VectorGemm.multiply(transA, transB, i1 - i0, j1 - j0, k, alpha, a, pa, lda, b, pb, ldb,
                    beta, c, pc, ldc, null, 0, Kernels.IDENTITY, null, path);
        }
    }
}

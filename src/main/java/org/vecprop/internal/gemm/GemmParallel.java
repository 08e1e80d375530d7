package org.vecprop.internal.gemm;

import static org.vecprop.internal.gemm.GemmBlocking.MR;
import static org.vecprop.internal.gemm.GemmBlocking.NR;

import java.util.concurrent.Executor;
import org.vecprop.internal.Buffers;
import org.vecprop.internal.ClaimableWork;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.PackedOperand;
import org.vecprop.internal.gemm.GemmBlocking.Path;

/**
 * A GEMM split into pieces of C, run by the calling thread and, if it lends a hand, a caller's
 * executor. C's rows (or, for wide problems, its columns) are cut into pieces aligned to the
 * register tile, never the depth k, and every piece takes the path the whole problem would take,
 * so each element sees the same arithmetic in the same order and the result is bit-identical to
 * the single-threaded call for any number of pieces and any assignment of pieces to threads.
 * With B packed beforehand the pieces read the one packed B: a row piece is the packed product
 * on its rows (whatever path that product takes for them: the paths follow one order of
 * arithmetic), a column piece the packed loops on its own panels ({@link PackedPanels}; bfloat16
 * panels, {@link PackedPanelsBf16}, are cut by rows only, each piece widening the weights into
 * its own buffers).
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
 * <p><b>Buffers.</b> A call allocates nothing once its {@link Buffers} have served a call of its
 * size. The call's {@link ClaimableWork} and {@link Pieces} (the problem's description, rewritten
 * per call and emptied after it) are kept in the caller's buffers (a workspace), or in the
 * calling thread's own. With a workspace, piece q packs into the workspace's part q ({@link
 * Buffers#part}), whichever thread runs it, so neither the caller nor the executor's threads
 * need buffers of their own; without one, each piece packs into the buffers of the thread that
 * runs it. A call made while those buffers' pair is in use (an executor whose {@code execute}
 * itself makes a parallel call on the calling thread with the same buffers) takes a fresh pair,
 * and its pieces pack into their threads' own buffers.
 */
public final class GemmParallel {
    private GemmParallel() {}

    /** See {@code org.vecprop.kernel.Gemm#multiplyParallel}; arguments are validated, m, n > 0. */
    public static void multiply(boolean transA, boolean transB, int m, int n, int k,
                                float alpha, float[] a, int aOff, int lda,
                                float[] b, int bOff, int ldb,
                                float beta, float[] c, int cOff, int ldc,
                                Executor executor, int parts, Buffers workspace) {
        run(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, beta, c, cOff, ldc,
                executor, parts, workspace);
    }

    /**
     * See {@code org.vecprop.kernel.Gemm#multiplyPackedParallel}; validated, m, b.cols > 0; b a
     * {@link PackedPanels} or a {@link PackedPanelsBf16}.
     */
    public static void multiplyPacked(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                                      PackedOperand b, float beta, float[] c, int cOff, int ldc,
                                      Executor executor, int parts, Buffers workspace) {
        run(transA, false, m, b.cols, b.depth, alpha, a, aOff, lda, null, 0, 0, b, beta, c, cOff, ldc,
                executor, parts, workspace);
    }

    /** Either product: B from {@code b} when {@code packed} is null. */
    private static void run(boolean transA, boolean transB, int m, int n, int k,
                            float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            PackedOperand packed, float beta, float[] c, int cOff, int ldc,
                            Executor executor, int parts, Buffers workspace) {
        Buffers owner = Buffers.orThisThread(workspace);
        boolean nested = owner.parallelBusy;
        ClaimableWork work;
        Pieces pieces;
        if (nested) {
            work = new ClaimableWork();
            pieces = new Pieces();
        } else {
            if (owner.parallelWork == null) {
                owner.parallelWork = new ClaimableWork();
                owner.parallelPieces = new Pieces();
            }
            work = owner.parallelWork;
            pieces = (Pieces) owner.parallelPieces;
            owner.parallelBusy = true;
        }
        try {
            if (!pieces.cut(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, packed, beta,
                    c, cOff, ldc, parts)) {
                PackBuffers own = workspace == null ? null : workspace.pack;
                if (packed == null) {
                    VectorGemm.multiply(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                            beta, c, cOff, ldc, null, 0, Kernels.IDENTITY, own, Path.AUTO);
                } else {
                    packedRows(transA, m, alpha, a, aOff, lda, packed, beta, c, cOff, ldc, own);
                }
                return;
            }
            if (workspace != null && !nested) {
                workspace.ensureParts(pieces.pieces());
                pieces.parts = workspace;
            }
            work.invoke(pieces, pieces.pieces(), null, executor, pieces.pieces() - 1);
        } finally {
            pieces.forget();
            if (!nested) {
                owner.parallelBusy = false;
            }
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
        return p.cut(transA, transB, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, null, beta, c, cOff,
                ldc, parts) ? p : null;
    }

    /** The packed product on m rows, by the path {@link VectorGemm} takes for them. */
    private static void packedRows(boolean transA, int m, float alpha, float[] a, int aOff, int lda,
                                   PackedOperand packed, float beta, float[] c, int cOff, int ldc,
                                   PackBuffers buffers) {
        if (packed instanceof PackedPanelsBf16 half) {
            VectorGemm.multiplyPackedBf16(transA, m, alpha, a, aOff, lda, half, beta, c, cOff, ldc,
                    null, 0, Kernels.IDENTITY, buffers);
        } else {
            VectorGemm.multiplyPacked(transA, m, alpha, a, aOff, lda, (PackedPanels) packed, beta,
                    c, cOff, ldc, null, 0, Kernels.IDENTITY, buffers);
        }
    }

    /**
     * The problem and its cut: piece {@code q} is units {@code [units q / pieces, units (q + 1) /
     * pieces)} of register tiles along the split dimension. Mutable so that one is reused: written
     * by {@link #cut} before the call's work is opened, read by the pieces during it, emptied by
     * {@link #forget} after it (see {@link ClaimableWork} for why no piece sees another call's
     * values).
     */
    static final class Pieces implements ClaimableWork.Pieces {
        private boolean transA, transB, splitRows;
        private int m, n, k, aOff, lda, bOff, ldb, cOff, ldc, units, pieces, tileM, tileN;
        private float alpha, beta;
        private float[] a, b, c;
        private PackedOperand packed;
        private Path path;
        /** The caller's buffers, whose part q piece q packs into; null: the running thread's own. */
        private Buffers parts;

        /** Describes the problem's cut into this; false (and nothing kept) when it is one piece. */
        boolean cut(boolean transA, boolean transB, int m, int n, int k,
                    float alpha, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    PackedOperand packed, float beta, float[] c, int cOff, int ldc, int parts) {
            int tileM = Math.max(1, MR), tileN = Math.max(1, NR);
            int rowTiles = (m + tileM - 1) / tileM, colTiles = (n + tileN - 1) / tileN;
            // bfloat16 panels have no column loops of their own: their pieces are rows.
            boolean splitRows = rowTiles >= colTiles || packed instanceof PackedPanelsBf16;
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
            this.packed = packed;
            this.beta = beta;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            this.path = packed != null ? Path.PACKED : GemmBlocking.choosePath(transA, transB, m, n, k);
            this.splitRows = splitRows;
            this.units = units;
            this.pieces = pieces;
            this.tileM = tileM;
            this.tileN = tileN;
            return true;
        }

        /** Drops the references to the caller's arrays and buffers: a kept task must not hold them. */
        void forget() {
            a = null;
            b = null;
            c = null;
            packed = null;
            parts = null;
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
            int pc = cOff + i0 * ldc + j0;
            // No caller's buffers: each piece packs into the buffers of the thread that runs it.
            PackBuffers own = parts == null ? null : parts.part(q);
            if (packed != null && splitRows) {
                packedRows(transA, i1 - i0, alpha, a, pa, lda, packed, beta, c, pc, ldc, own);
                return;
            }
            if (packed != null) { // columns j0 .. j1 of the fp32 panels
                GemmMacroKernel.prepacked(transA, m, alpha, a, pa, lda, (PackedPanels) packed, j0,
                        j1 - j0, beta, c, pc, ldc, own != null ? own : Buffers.ofThisThread().pack,
                        null, 0, GemmEpilogue.NONE);
                return;
            }
            int pb = bOff + (transB ? j0 * ldb : j0);
            VectorGemm.multiply(transA, transB, i1 - i0, j1 - j0, k, alpha, a, pa, lda, b, pb, ldb,
                    beta, c, pc, ldc, null, 0, Kernels.IDENTITY, own, path);
        }
    }
}

package org.vecprop.kernel;

import org.vecprop.internal.Buffers;

/**
 * Scratch memory owned by the caller, for every kernel that needs any: pass one to the forms
 * that take a {@code Workspace} (the {@link Gemm} products, {@link Mse}, {@link Stats#summarize},
 * {@link Bias#gradient}, the backward passes fused with a bias gradient, {@link Softmax},
 * {@link CrossEntropy} and {@link BinaryCrossEntropy}) and vecprop keeps no scratch of its own
 * for the call: they then allocate nothing once the workspace has grown to the calls they serve,
 * on whatever thread calls, a fresh virtual thread per request included. A {@code Network}
 * owns one for its layers and its loss. The forms without one are the convenience path:
 * they use a set of buffers kept per thread (see "Without a workspace" below).
 *
 * <h2>What it holds</h2>
 * Each part is made on the first call that needs it, and grows to the largest call it has
 * served; none shrinks until {@link #release}:
 * <ul>
 *   <li><b>GEMM packing buffers</b>: panels of A and B and one register tile, bounded by the
 *       blocking on the general path: at most {@code MC x KC + KC x NC} floats plus a tile,
 *       655,616 floats (2.5 MiB) at 512 bits and slightly less at narrower widths. Two paths
 *       grow with the depth instead: a product whose C is at most one vector wide packs its
 *       whole {@code k x NR} panel of B ({@code 32k} floats at 512 bits), and a product with a
 *       bfloat16 {@link PackedMatrix} of more than a few rows widens the whole B into floats
 *       ({@code k} times B's padded columns);</li>
 *   <li><b>one more set per piece of a parallel call</b> ({@link Gemm#multiplyParallel},
 *       {@link Gemm#multiplyPackedParallel}): piece {@code q} of a call packs into set
 *       {@code q}, whichever thread runs it, so neither the calling thread nor the executor's
 *       threads need buffers of their own; a workspace keeps as many sets as the most pieces a
 *       call was cut into (at most {@code parts}), each bounded as above;</li>
 *   <li><b>MemorySegment staging</b>: dense copies of the segment operands of the {@code
 *       MemorySegment} products (A, B and C), each as large as the largest such operand
 *       staged;</li>
 *   <li><b>a row of floats</b> for the column sums of an accumulating bias gradient (and, on the
 *       scalar path, a row of GEMM accumulators), as long as the widest row;</li>
 *   <li><b>the state of a long sum</b> ({@link Mse}, {@link Stats#summarize},
 *       {@link BinaryCrossEntropy}): fixed, 13 KiB;</li>
 *   <li><b>the fixed scratch of the classification kernels</b>: the softmax and cross-entropy
 *       row lanes and blocks (a few KB), the binary cross-entropy's staging (24 KiB);</li>
 *   <li>a parallel call's description of its pieces, reused by the next.</li>
 * </ul>
 * {@link #bytes()} says how much it holds now (the fixed scratch of the last item left out).
 *
 * <h2>Threads</h2>
 * One call at a time: a workspace is not thread-safe, and two calls that use one at once (from
 * two threads) compute garbage. Give each thread, or each request, its own, or hand one from
 * thread to thread through something that orders the hand-over (a pool, a queue, a lock); a
 * fresh virtual thread per request that takes a workspace from a pool is the case it is built
 * for. During a parallel call the pieces the executor's threads run use the workspace's piece
 * buffers, and the call returns only when every piece has finished: after it returns, the
 * workspace is the caller's again.
 *
 * <h2>Without a workspace</h2>
 * The forms that take none use a set of buffers kept per thread, made on the thread's first call
 * that needs one. That set keeps at most 1 MiB per MemorySegment staging buffer and 256 KiB of
 * column-sum row (a larger call gets buffers of its own for that call, allocated each time), so
 * together with the packing buffers and the sum state a thread keeps about 6 MiB at most (on the
 * general GEMM path: see the packing buffers above for the two that grow with the depth), for as
 * long as it lives. A parallel call without a workspace packs each piece into the buffers of the
 * thread that runs it, so every executor thread keeps such a set too. That is the right choice
 * for a few long-lived threads; a service that runs each request on a new virtual thread, or
 * that wants to bound and free what vecprop holds, passes a workspace instead.
 *
 * <h2>Results</h2>
 * Which buffers a call uses never changes its result: every form with a workspace gives the
 * bits of the same form without one.
 */
public final class Workspace {
    final Buffers buffers = new Buffers();

    /** Creates an empty workspace: nothing is allocated until a call needs it. */
    public Workspace() {}

    /**
     * Drops every buffer this workspace holds, so that the memory can be collected; the next call
     * that uses the workspace allocates what it needs again. Must not be called during a call
     * that uses this workspace.
     */
    public void release() {
        buffers.release();
    }

    /**
     * How much memory this workspace holds now: the bytes of the arrays in it (object headers and
     * the small fixed objects left out).
     *
     * @return the bytes held, 0 for a new or released workspace
     */
    public long bytes() {
        return buffers.bytes();
    }

    /**
     * The buffers of a workspace argument.
     *
     * @throws NullPointerException naming {@code workspace} when it is null
     */
    static Buffers of(Workspace workspace) {
        if (workspace == null) {
            throw new NullPointerException("workspace must not be null");
        }
        return workspace.buffers;
    }
}

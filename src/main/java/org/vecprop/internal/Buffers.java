package org.vecprop.internal;

/**
 * Everything a kernel call may need as scratch, for one thread at a time: the GEMM's packing and
 * staging buffers ({@link PackBuffers}), a row for column sums, the state of a long sum ({@link
 * LaneSums}), and what a parallel GEMM reuses from call to call (its {@link ClaimableWork}, its
 * description of the pieces, and, for a caller's workspace, one set of packing buffers per
 * piece). Each part is made on first use and grows to the largest call it serves, so steady state
 * allocates nothing.
 *
 * <p>Two kinds, with different rules for what they keep:
 * <ul>
 *   <li><b>A caller's</b> ({@code new Buffers()}, behind the public
 *       {@code org.vecprop.kernel.Workspace}): keeps everything it grew to until {@link
 *       #release}, so a caller who passes it allocates nothing in vecprop once it has served each
 *       call's size, on any thread, including a fresh virtual thread per call.</li>
 *   <li><b>A thread's own</b> ({@link #ofThisThread}, the convenience path of calls that bring
 *       none): the only thread-local of vecprop. It keeps at most {@link #KEPT_STAGING_FLOATS}
 *       floats per MemorySegment staging buffer and {@link #KEPT_ROW_FLOATS} floats of column-sum
 *       row; a larger call gets buffers of its own that it drops when it returns (so it allocates
 *       them each time). The packing buffers are bounded by the GEMM's blocking, whatever the
 *       problem: {@code MC x KC + KC x NC} floats plus a register tile, about 2.5 MiB at every
 *       width. A parallel call made without a workspace packs each piece into the buffers of the
 *       thread that runs it. In all, a thread keeps about 6 MiB at most, for as long as it
 *       lives.</li>
 * </ul>
 *
 * <p>Not thread-safe: one call at a time uses a set of buffers, except that the pieces of a
 * parallel call each use the buffers of their own piece ({@link #part}).
 */
public final class Buffers {
    /**
     * The most floats a thread's own buffers keep in each MemorySegment staging buffer: 256 Ki
     * floats (1 MiB, a 512 x 512 matrix). Three such buffers (A, B, C) are about as much as the
     * packing buffers.
     */
    public static final int KEPT_STAGING_FLOATS = 256 * 1024;
    /** The most floats a thread's own buffers keep in the column-sum row: 64 Ki floats (256 KiB). */
    public static final int KEPT_ROW_FLOATS = 64 * 1024;

    private static final ThreadLocal<Buffers> PER_THREAD = ThreadLocal.withInitial(() -> new Buffers(true));

    /** Packing buffers and MemorySegment staging of the GEMM. */
    public final PackBuffers pack = new PackBuffers();
    /** Whether these are a thread's own buffers ({@link #ofThisThread}), whose keep is capped. */
    private final boolean perThread;
    private float[] row = PackBuffers.EMPTY;
    private LaneSums sums;
    /** The fixed scratch of kernels whose scratch is an implementation's own type ({@link #slot}). */
    private final Object[] slots = new Object[3];

    /** {@link #slot} of the Vector API softmax and cross-entropy (a few KB at 512 bits). */
    public static final int SOFTMAX = 0;
    /** {@link #slot} of the Vector API binary cross-entropy's staging (24 KiB). */
    public static final int BCE = 1;
    /** {@link #slot} of the scalar softmax's row lanes (128 B). */
    public static final int ROW_LANES = 2;
    private PackBuffers[] parts = new PackBuffers[0];

    /**
     * The state a parallel GEMM reuses: its work (lent to the executor) and its pieces, which
     * belong to the implementation that runs the call (null until its first call); {@link
     * #parallelBusy} while a call uses them.
     */
    public ClaimableWork parallelWork;
    /** See {@link #parallelWork}. */
    public ClaimableWork.Pieces parallelPieces;
    /** See {@link #parallelWork}. */
    public boolean parallelBusy;

    /** A caller's buffers, empty: each part is made on first use. */
    public Buffers() {
        this(false);
    }

    private Buffers(boolean perThread) {
        this.perThread = perThread;
    }

    /** This thread's own buffers, for calls that bring none (made on the thread's first such call). */
    public static Buffers ofThisThread() {
        return PER_THREAD.get();
    }

    /** {@code buffers}, or this thread's own when it is null. */
    public static Buffers orThisThread(Buffers buffers) {
        return buffers != null ? buffers : PER_THREAD.get();
    }

    /** Whether these are a thread's own buffers, whose keep is capped. */
    public boolean perThread() {
        return perThread;
    }

    /**
     * A row of at least {@code n} floats, its first n set to zero: the running column sums of an
     * accumulating bias gradient, and the scalar GEMM's row of accumulators. A thread's own
     * buffers hand out a row of their own for more than {@link #KEPT_ROW_FLOATS} floats.
     */
    public float[] zeroedRow(int n) {
        if (row.length < n) {
            if (perThread && n > KEPT_ROW_FLOATS) {
                return new float[n]; // used for this call only: a thread keeps a bounded row
            }
            row = new float[n];
        } else {
            java.util.Arrays.fill(row, 0, n, 0f);
        }
        return row;
    }

    /** The state of a long sum, cleared. */
    public LaneSums sums() {
        LaneSums s = sums;
        if (s == null) {
            s = sums = new LaneSums();
        }
        s.clear();
        return s;
    }

    /**
     * The scratch kept in slot {@code index}, made by {@code make} on first use: for kernels whose
     * scratch is a fixed-size object of their own (its type is the implementation's, which this
     * package cannot name). Pass a non-capturing constructor reference, so no call allocates.
     */
    @SuppressWarnings("unchecked")
    public <T> T slot(int index, java.util.function.Supplier<T> make) {
        Object held = slots[index];
        if (held == null) {
            held = slots[index] = make.get();
        }
        return (T) held;
    }

    /**
     * Makes sure there are packing buffers for pieces {@code 0 .. pieces - 1}; called by the
     * thread that starts a parallel call, before its pieces run.
     */
    public void ensureParts(int pieces) {
        if (parts.length < pieces) {
            PackBuffers[] more = java.util.Arrays.copyOf(parts, pieces);
            for (int q = parts.length; q < pieces; q++) {
                more[q] = new PackBuffers();
            }
            parts = more;
        }
    }

    /**
     * The packing buffers of piece {@code q} of a parallel call ({@link #ensureParts} first):
     * only the thread that runs piece q uses them during the call, whichever thread that is.
     */
    public PackBuffers part(int q) {
        return parts[q];
    }

    /**
     * Called when a MemorySegment product is done with its staging buffers: a thread's own
     * buffers drop any above {@link #KEPT_STAGING_FLOATS}; a caller's keep them.
     */
    public void trimStaging() {
        if (perThread) {
            PackBuffers p = pack;
            if (p.copyA.length > KEPT_STAGING_FLOATS) {
                p.copyA = PackBuffers.EMPTY;
            }
            if (p.copyB.length > KEPT_STAGING_FLOATS) {
                p.copyB = PackBuffers.EMPTY;
            }
            if (p.copyC.length > KEPT_STAGING_FLOATS) {
                p.copyC = PackBuffers.EMPTY;
            }
        }
    }

    /** Drops every buffer; each is made again on its next use. Not during a call. */
    public void release() {
        pack.release();
        row = PackBuffers.EMPTY;
        sums = null;
        java.util.Arrays.fill(slots, null);
        parts = new PackBuffers[0];
        parallelWork = null;
        parallelPieces = null;
    }

    /**
     * The bytes of the arrays these buffers hold now (the objects' headers left out, and the
     * fixed scratch of the slots: at most about 30 KB).
     */
    public long bytes() {
        long floats = pack.floats() + row.length;
        for (PackBuffers p : parts) {
            floats += p.floats();
        }
        long b = floats * Float.BYTES;
        if (sums != null) {
            b += LaneSums.BYTES;
        }
        return b;
    }
}

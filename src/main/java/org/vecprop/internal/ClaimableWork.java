package org.vecprop.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.Executor;
import java.util.concurrent.locks.LockSupport;

/**
 * Work cut into numbered pieces that any thread may claim, run by a caller that lends it to an
 * executor without ever depending on the executor: whatever the executor does with what it is
 * lent (runs it, rejects it, throws, drops it, runs it late, runs it on the calling thread, is
 * the very pool the caller runs in), {@link #invoke} returns when every piece has run, and no
 * piece runs after it returns.
 *
 * <p>How: pieces are claimed by an atomic counter, so each runs exactly once, on whichever
 * thread claimed it. The executor is lent tasks that claim pieces until none is left; the calling
 * thread then claims and runs every piece no task has claimed, and waits only for the pieces
 * other threads have already claimed, which are running. A task the executor never runs costs
 * parallelism, not liveness; a task it runs late finds nothing left to claim and touches nothing.
 * After {@code invoke} returns the work forgets its {@link Pieces}, so a task an executor keeps
 * forever holds no reference to the caller's data.
 *
 * <p><b>Phases.</b> The pieces may be grouped into consecutive phases (for example: pack a
 * shared operand, then compute with it): a piece of phase {@code p > 0} starts only after every
 * piece of phase {@code p - 1} has completed. Pieces are claimed in order, so when a piece waits
 * at a phase boundary every piece it waits for is claimed and running, and the wait is bounded.
 * The rule "claim it or the caller runs it" holds for every phase.
 *
 * <p><b>Failures.</b> Every claimed piece completes, even when it throws: the first exception
 * or error a piece throws is kept, later ones are attached to it as suppressed, pieces claimed
 * after a failure are skipped (their work would be wasted), and {@code invoke} rethrows the first
 * one once no piece is running. An {@link Error} thrown by {@link Executor#execute} (for example
 * {@code OutOfMemoryError: unable to create native thread}) is a failure too; a {@link
 * RuntimeException} from it (a rejection) only stops the lending, and the caller runs the rest.
 *
 * <p><b>Interrupts.</b> Ignored while waiting (the pieces being waited for are running and
 * write into the caller's data), and the interrupt status is restored before returning, so the
 * caller's next blocking call sees it. The calling thread never waits for a task to start.
 *
 * <p><b>Reuse without allocation.</b> An instance is itself the task lent to the executor
 * (possibly several times), and may serve any number of calls of {@link #invoke(Pieces, int,
 * int[], Executor, int)}, one at a time: so a caller that keeps one per thread lends work
 * without allocating anything. Each call is a generation: a claim is a compare-and-set of the
 * pair (generation, pieces claimed), and a task reads the call's pieces between reading that
 * pair and setting it, so a task lent for one call that runs during a later one either claims a
 * piece of the later call with that call's pieces (helping it, and waited for like any other
 * claim) or claims nothing. Between calls the pair is closed and no claim succeeds. (The
 * generation is 32 bits: a task would have to sleep through 2<sup>32</sup> calls of one instance
 * between two of its own instructions to claim with a stale one.)
 */
public final class ClaimableWork implements Runnable {
    /** The pieces' computation; called once per piece, on the thread that claimed it. */
    @FunctionalInterface
    public interface Pieces {
        /**
         * Runs piece {@code piece}; pieces of one phase may run concurrently with each other.
         *
         * @param piece from 0 to the total number of pieces, exclusive
         */
        void run(int piece);
    }

    private static final VarHandle STATE, COMPLETED, FAILURE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(ClaimableWork.class, "state", long.class);
            COMPLETED = l.findVarHandle(ClaimableWork.class, "completed", int.class);
            FAILURE = l.findVarHandle(ClaimableWork.class, "failure", Throwable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The low half of {@link #state} between calls: no claim succeeds. */
    private static final int CLOSED = -1;

    /**
     * The generation (high 32 bits, one per call) and the pieces claimed in it so far (low 32
     * bits, from 0 to the call's total; {@link #CLOSED} between calls). Changed only by
     * compare-and-set (claims) and by the calling thread (opening and closing a call).
     */
    @SuppressWarnings("unused") // through STATE
    private volatile long state = CLOSED & 0xFFFF_FFFFL;

    /*
     * The current call. Volatile, and written by the caller before it opens the call's
     * generation: a task reads them after reading the state and before its compare-and-set, so
     * a value from another call is either read by a task whose claim then fails, or not read.
     */
    /** The computation; null between calls, so that a task kept forever holds none of the caller's data. */
    private volatile Pieces pieces;
    /** The number of pieces, over all phases. */
    private volatile int total;
    /** Exclusive end of each phase's piece numbers, increasing, the last equal to total; null for one phase. */
    private volatile int[] phaseEnds;
    /** The thread inside {@link #invoke}, unparked when the last piece completes. */
    private volatile Thread caller;
    /** Claimed pieces of the current call that have finished (run, thrown, or skipped after a failure). */
    private volatile int completed;
    /** The current call's first failure, of a piece, or of the executor with an Error. */
    private volatile Throwable failure;

    /** The pieces of the one-call constructors, for {@link #invoke(Executor, int)}; null once invoked. */
    private Pieces initialPieces;
    private final int initialTotal;
    private int[] initialPhaseEnds;

    /** A reusable instance, for {@link #invoke(Pieces, int, int[], Executor, int)}. */
    public ClaimableWork() {
        this.initialPieces = null;
        this.initialTotal = 0;
        this.initialPhaseEnds = null;
    }

    /**
     * Work of one phase of {@code total} pieces, for one {@link #invoke(Executor, int)}.
     *
     * @param pieces the computation
     * @param total the number of pieces, {@code >= 1}
     */
    public ClaimableWork(Pieces pieces, int total) {
        checkTotal(total);
        this.initialPieces = pieces;
        this.initialTotal = total;
        this.initialPhaseEnds = null;
    }

    /**
     * Work of consecutive phases, for one {@link #invoke(Executor, int)}: phase {@code p} is
     * pieces {@code phaseEnds[p-1]} (0 for the first) to {@code phaseEnds[p]}, exclusive.
     *
     * @param pieces the computation
     * @param phaseEnds strictly increasing exclusive ends, the first {@code >= 1}
     */
    public ClaimableWork(Pieces pieces, int[] phaseEnds) {
        checkPhases(phaseEnds);
        this.initialPieces = pieces;
        this.initialTotal = phaseEnds[phaseEnds.length - 1];
        this.initialPhaseEnds = phaseEnds.clone();
    }

    private static void checkTotal(int total) {
        if (total < 1) {
            throw new IllegalArgumentException("total must be >= 1, got " + total);
        }
    }

    private static void checkPhases(int[] phaseEnds) {
        for (int p = 0; p < phaseEnds.length; p++) {
            if (phaseEnds[p] <= (p == 0 ? 0 : phaseEnds[p - 1])) {
                throw new IllegalArgumentException("phase " + p + " is empty or ends before it starts: "
                        + java.util.Arrays.toString(phaseEnds));
            }
        }
    }

    /**
     * Runs the pieces given to the constructor; see {@link #invoke(Pieces, int, int[], Executor, int)}.
     *
     * @param executor where to lend the tasks; may reject, drop or delay them
     * @param helpers how many tasks to lend, {@code >= 0} (0 runs everything on the caller)
     * @throws IllegalStateException if this instance was made without pieces, or has run them
     */
    public void invoke(Executor executor, int helpers) {
        Pieces work = initialPieces;
        int[] ends = initialPhaseEnds;
        if (work == null) {
            throw new IllegalStateException("no pieces: a reusable ClaimableWork is given them with each call,"
                    + " and one made with pieces runs them once");
        }
        initialPieces = null; // a task the executor keeps must not keep the pieces alive
        initialPhaseEnds = null;
        invoke(work, initialTotal, ends, executor, helpers);
    }

    /**
     * Runs every piece: lends this work to {@code executor} as up to {@code helpers} tasks, runs
     * on the calling thread every piece no task has claimed, waits for the pieces tasks claimed,
     * and returns when all have completed. Nothing runs a piece after this returns or throws.
     * One call at a time per instance (the caller's to ensure, for example with one instance
     * per thread); allocates nothing when the executor does not.
     *
     * @param work the computation
     * @param total the number of pieces, {@code >= 1}
     * @param ends null for one phase, or strictly increasing exclusive ends of the phases, the
     *     last equal to {@code total}; not copied, and not to be changed during the call
     * @param executor where to lend the tasks; may reject, drop or delay them
     * @param helpers how many tasks to lend, {@code >= 0} (0 runs everything on the caller)
     * @throws RuntimeException or Error the first failure of a piece, or an Error thrown by
     *     {@code executor.execute}; thrown once no piece is running, with the pieces after it
     *     skipped
     */
    public void invoke(Pieces work, int total, int[] ends, Executor executor, int helpers) {
        checkTotal(total);
        if (ends != null && ends[ends.length - 1] != total) {
            throw new IllegalArgumentException("the last phase must end at total " + total);
        }
        long closed = state;
        int generation = (int) (closed >>> 32) + 1;
        // Open the call: its fields first, then the generation (see the fields' comment).
        this.total = total;
        this.phaseEnds = ends;
        this.failure = null;
        this.completed = 0;
        this.caller = Thread.currentThread();
        this.pieces = work;
        state = (long) generation << 32;
        try {
            for (int h = 0; h < helpers; h++) {
                try {
                    executor.execute(this);
                } catch (RuntimeException refused) {
                    break; // a rejection (shut down, queue full...): the caller runs the rest
                } catch (Error e) {
                    fail(e);
                    break;
                }
            }
            drain();
            awaitAllCompleted(total);
        } finally {
            // Every piece is claimed and completed: close the generation, then forget the call.
            state = ((long) generation << 32) | (CLOSED & 0xFFFF_FFFFL);
            pieces = null;
            phaseEnds = null;
            caller = null;
        }
        Throwable f = failure;
        failure = null;
        if (f instanceof RuntimeException r) {
            throw r;
        }
        if (f instanceof Error e) {
            throw e;
        }
        if (f != null) { // a checked exception thrown sneakily by a piece
            throw new IllegalStateException("a piece failed", f);
        }
    }

    /** The task lent to the executor: claims and runs pieces until none is left. Never throws. */
    @Override
    public void run() {
        drain();
    }

    /** Claims and runs pieces of the open call until none is left (or, between calls, none at all). */
    private void drain() {
        while (true) {
            long s = state;
            int claimed = (int) s;
            if (claimed == CLOSED) {
                return;
            }
            Pieces work = pieces;
            int t = total;
            int[] ends = phaseEnds;
            if (work == null || claimed >= t) {
                return; // everything is claimed (or the call is closing): nothing for this task
            }
            if (!STATE.compareAndSet(this, s, s + 1)) {
                continue; // another claim, or another call: read again
            }
            // Claimed piece `claimed` of this generation: work, t and ends are this call's.
            try {
                awaitPhaseOf(claimed, ends);
                if (failure == null) {
                    work.run(claimed);
                }
            } catch (Throwable e) {
                fail(e);
            } finally {
                complete(t);
            }
        }
    }
    /** Records a failure: the first is kept, later ones are attached to it. */
    private void fail(Throwable t) {
        if (!FAILURE.compareAndSet(this, null, t)) {
            Throwable first = failure;
            if (first != t) {
                first.addSuppressed(t);
            }
        }
    }

    /** Marks one claimed piece completed, and wakes the caller if it was the last. */
    private void complete(int total) {
        if ((int) COMPLETED.getAndAdd(this, 1) + 1 == total) {
            Thread waiting = caller;
            if (waiting != null && waiting != Thread.currentThread()) {
                LockSupport.unpark(waiting);
            }
        }
    }

    /**
     * Waits until every piece of the phases before {@code piece}'s has completed. Those pieces
     * are all claimed and running, so the wait is short and bounded: it polls. (An interrupted
     * thread polls without sleeping, since parkNanos returns at once; its interrupt is kept.)
     */
    private void awaitPhaseOf(int piece, int[] phaseEnds) {
        if (phaseEnds == null) {
            return;
        }
        int before = 0;
        for (int p = 0; phaseEnds[p] <= piece; p++) {
            before = phaseEnds[p];
        }
        while (completed < before) {
            LockSupport.parkNanos(this, 10_000);
        }
    }

    /**
     * The caller's wait for the pieces other threads claimed. Interrupts are ignored and kept:
     * those pieces write into the caller's data and cannot be stopped. If the last piece
     * completes between the caller's check and its park, the unpark is already there and park
     * returns at once; if it completes before the check, that unpark leaves one spurious
     * wake-up for the caller's next park, which {@link LockSupport#park} allows.
     */
    private void awaitAllCompleted(int total) {
        boolean interrupted = false;
        while (completed < total) {
            LockSupport.park(this);
            interrupted |= Thread.interrupted(); // park returns at once while the flag is set
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}

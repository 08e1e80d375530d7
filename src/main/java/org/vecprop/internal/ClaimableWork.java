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
 * <p>One instance serves one call of {@code invoke}. It is itself the task lent to the
 * executor, possibly several times.
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

    private static final VarHandle CLAIMED, COMPLETED, FAILURE;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            CLAIMED = l.findVarHandle(ClaimableWork.class, "claimed", int.class);
            COMPLETED = l.findVarHandle(ClaimableWork.class, "completed", int.class);
            FAILURE = l.findVarHandle(ClaimableWork.class, "failure", Throwable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The computation; null once the call is over (read before each claim). */
    private Pieces pieces;
    /** The number of pieces, over all phases. */
    private final int total;
    /** Exclusive end of each phase's piece numbers, increasing, the last equal to total; null for one phase. */
    private final int[] phaseEnds;
    /** The thread inside {@link #invoke}, unparked when the last piece completes. */
    private volatile Thread caller;

    /** Claims handed out so far (may run past total: late tasks claim nothing). */
    @SuppressWarnings("unused") // through CLAIMED
    private volatile int claimed;
    /** Claimed pieces that have finished (run, thrown, or skipped after a failure). */
    private volatile int completed;
    /** The first failure of a piece, or of the executor with an Error. */
    private volatile Throwable failure;

    /**
     * One phase of {@code total} pieces.
     *
     * @param pieces the computation
     * @param total the number of pieces, {@code >= 1}
     */
    public ClaimableWork(Pieces pieces, int total) {
        this(pieces, total, null);
    }

    /**
     * Consecutive phases: phase {@code p} is pieces {@code phaseEnds[p-1]} (0 for the first) to
     * {@code phaseEnds[p]}, exclusive.
     *
     * @param pieces the computation
     * @param phaseEnds strictly increasing exclusive ends, the first {@code >= 1}
     */
    public ClaimableWork(Pieces pieces, int[] phaseEnds) {
        this(pieces, phaseEnds[phaseEnds.length - 1], phaseEnds.clone());
        for (int p = 0; p < phaseEnds.length; p++) {
            if (phaseEnds[p] <= (p == 0 ? 0 : phaseEnds[p - 1])) {
                throw new IllegalArgumentException("phase " + p + " is empty or ends before it starts: "
                        + java.util.Arrays.toString(phaseEnds));
            }
        }
    }

    private ClaimableWork(Pieces pieces, int total, int[] phaseEnds) {
        if (total < 1) {
            throw new IllegalArgumentException("total must be >= 1, got " + total);
        }
        this.pieces = pieces;
        this.total = total;
        this.phaseEnds = phaseEnds;
    }

    /**
     * Runs every piece: lends this work to {@code executor} as up to {@code helpers} tasks, runs
     * on the calling thread every piece no task has claimed, waits for the pieces tasks claimed,
     * and returns when all have completed. Nothing runs a piece after this returns or throws.
     *
     * @param executor where to lend the tasks; may reject, drop or delay them
     * @param helpers how many tasks to lend, {@code >= 0} (0 runs everything on the caller)
     * @throws RuntimeException or Error the first failure of a piece, or an Error thrown by
     *     {@code executor.execute}; thrown once no piece is running, with the pieces after it
     *     skipped
     */
    public void invoke(Executor executor, int helpers) {
        caller = Thread.currentThread();
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
            awaitAllCompleted();
        } finally {
            pieces = null; // late or kept tasks must not hold on to the caller's data
            caller = null;
        }
        Throwable f = failure;
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

    /** Claims and runs pieces until none is left (or, for a late task, none at all). */
    private void drain() {
        while (true) {
            Pieces work = pieces; // null only once the call is over: then nothing is left to claim
            if (work == null) {
                return;
            }
            int piece = (int) CLAIMED.getAndAdd(this, 1);
            if (piece >= total) {
                return; // each task overshoots once at most: no overflow
            }
            try {
                awaitPhaseOf(piece);
                if (failure == null) {
                    work.run(piece);
                }
            } catch (Throwable t) {
                fail(t);
            } finally {
                complete();
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
    private void complete() {
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
    private void awaitPhaseOf(int piece) {
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
    private void awaitAllCompleted() {
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

package org.vecprop.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The claim-or-run-it-yourself machinery on its own, with pieces the test controls (pieces that
 * block until released, throw, or record when they ran): every piece runs exactly once, the
 * caller waits only for claimed pieces, failures come back after the running pieces finish,
 * interrupts are kept, phases are ordered, and a task run late touches nothing.
 *
 * <p>Every test has a timeout on a separate thread, so a hang fails instead of blocking the run.
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ClaimableWorkTest {

    /** An executor that keeps what it is given and runs it only when told (or never). */
    static final class Keeper implements java.util.concurrent.Executor {
        final List<Runnable> kept = new ArrayList<>();

        @Override
        public synchronized void execute(Runnable r) {
            kept.add(r);
        }

        synchronized void runAll() {
            kept.forEach(Runnable::run);
        }
    }

    /** Counts each piece's runs. */
    static ClaimableWork.Pieces counting(AtomicIntegerArray runs) {
        return runs::incrementAndGet;
    }

    @Test
    void everyPieceRunsOnceWhateverTheExecutorDoes() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor();
        try {
            java.util.concurrent.Executor[] executors = {
                pool, Runnable::run, r -> { }, r -> { throw new RejectedExecutionException("full"); },
                new Keeper(), virtual,
            };
            for (java.util.concurrent.Executor ex : executors) {
                for (int total : new int[] {1, 2, 7, 64}) {
                    AtomicIntegerArray runs = new AtomicIntegerArray(total);
                    new ClaimableWork(counting(runs), total).invoke(ex, total - 1);
                    assertFalse(Thread.currentThread().isInterrupted(), "no interrupt made up");
                    for (int p = 0; p < total; p++) {
                        assertEquals(1, runs.get(p), ex + ": piece " + p + " of " + total);
                    }
                }
            }
        } finally {
            pool.shutdownNow();
            virtual.shutdownNow();
        }
    }

    @Test
    void aTaskRunLateOrTwiceFindsNothingToDoAndHoldsNoPieces() {
        Keeper keeper = new Keeper();
        AtomicIntegerArray runs = new AtomicIntegerArray(5);
        ClaimableWork work = new ClaimableWork(counting(runs), 5);
        work.invoke(keeper, 4);
        assertEquals(4, keeper.kept.size(), "four tasks lent");
        keeper.runAll();   // after the call: late
        keeper.runAll();   // and again
        for (int p = 0; p < 5; p++) {
            assertEquals(1, runs.get(p), "piece " + p);
        }
        for (Runnable r : keeper.kept) {
            assertSame(work, r, "the work itself is lent");
        }
    }

    /**
     * One instance serving several calls, as each thread's does in the parallel GEMM: tasks lent
     * for the first call and run (on another thread) in the middle of the second claim only the
     * second call's pieces, and run them with the second call's computation; run after both
     * calls, they claim nothing.
     */
    @Test
    void aTaskLentForOneCallAndRunDuringALaterOneClaimsOnlyThatCallsPieces() throws Exception {
        ClaimableWork work = new ClaimableWork();
        Keeper first = new Keeper();
        AtomicIntegerArray runs1 = new AtomicIntegerArray(4);
        work.invoke(counting(runs1), 4, null, first, 3);
        assertEquals(3, first.kept.size(), "three tasks lent and kept");
        AtomicIntegerArray runs2 = new AtomicIntegerArray(6);
        AtomicInteger claimedByLateTasks = new AtomicInteger();
        Thread caller = Thread.currentThread();
        ClaimableWork.Pieces second = p -> {
            runs2.incrementAndGet(p);
            if (Thread.currentThread() != caller) {
                claimedByLateTasks.incrementAndGet();
            } else if (p == 0) { // the caller's first piece: let the first call's tasks run now
                Thread late = new Thread(first::runAll);
                late.start();
                try {
                    late.join();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            }
        };
        work.invoke(second, 6, null, r -> { }, 0);
        for (int p = 0; p < 4; p++) {
            assertEquals(1, runs1.get(p), "first call, piece " + p);
        }
        for (int p = 0; p < 6; p++) {
            assertEquals(1, runs2.get(p), "second call, piece " + p);
        }
        assertEquals(5, claimedByLateTasks.get(), "the late tasks helped the call that was open");
        first.runAll();
        for (int p = 0; p < 6; p++) {
            assertEquals(1, runs2.get(p), "after both calls, piece " + p);
        }
        assertThrows(IllegalStateException.class, () -> new ClaimableWork().invoke(r -> { }, 0),
                "a reusable instance has no pieces of its own");
        // A call of no pieces, or of phases that do not end at the total, is refused before
        // anything is lent or run, and the instance stays usable.
        AtomicIntegerArray runs3 = new AtomicIntegerArray(2);
        IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
                () -> work.invoke(counting(runs3), 0, null, Runnable::run, 1));
        assertEquals("total must be >= 1, got 0", none.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> work.invoke(counting(runs3), 2, new int[] {1}, Runnable::run, 1));
        assertEquals(0, runs3.get(0) + runs3.get(1), "nothing ran");
        work.invoke(counting(runs3), 2, null, Runnable::run, 1);
        assertEquals(1, runs3.get(0), "piece 0 once");
        assertEquals(1, runs3.get(1), "piece 1 once");
    }

    @Test
    void aTaskTheExecutorKeepsHoldsNoReferenceToThePieces() throws Exception {
        Keeper keeper = new Keeper();
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        ClaimableWork.Pieces pieces = counting(runs);
        java.lang.ref.WeakReference<ClaimableWork.Pieces> weak = new java.lang.ref.WeakReference<>(pieces);
        new ClaimableWork(pieces, 3).invoke(keeper, 2);
        pieces = null;
        for (int i = 0; i < 20 && weak.get() != null; i++) {
            System.gc();
            Thread.sleep(10);
        }
        assertEquals(2, keeper.kept.size(), "the kept tasks are still reachable");
        assertTrue(weak.get() == null, "the kept tasks keep the caller's pieces (and data) alive");
    }

    @Test
    void aRejectionStopsTheLendingAndTheCallerRunsTheRest() {
        AtomicInteger offers = new AtomicInteger();
        AtomicIntegerArray runs = new AtomicIntegerArray(6);
        LockSupport.parkNanos(1_000); // consume any permit an earlier test left on this thread
        new ClaimableWork(counting(runs), 6).invoke(r -> {
            offers.incrementAndGet();
            throw new IllegalStateException("shut down");
        }, 5);
        assertEquals(1, offers.get(), "no second offer after a refusal");
        for (int p = 0; p < 6; p++) {
            assertEquals(1, runs.get(p), "piece " + p);
        }
        // The caller ran everything itself and woke nobody: no permit is left on its thread.
        long t0 = System.nanoTime();
        LockSupport.parkNanos(50_000_000L);
        assertTrue(System.nanoTime() - t0 >= 30_000_000L, "a stray unpark was left on the caller");
    }

    @Test
    void theCallerWaitsForAClaimedPieceAndKeepsAnInterruptThatArrivesMeanwhile() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch claimed = new CountDownLatch(1), release = new CountDownLatch(1);
            AtomicIntegerArray runs = new AtomicIntegerArray(2);
            ClaimableWork.Pieces pieces = p -> {
                if (p == 0) {   // claimed by the pool's thread (the caller is still lending)
                    claimed.countDown();
                    awaitQuietly(release);
                }
                runs.incrementAndGet(p);
            };
            AtomicReference<Boolean> interruptedAfter = new AtomicReference<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread caller = new Thread(() -> {
                try {
                    new ClaimableWork(pieces, 2).invoke(r -> {
                        pool.execute(r);
                        awaitQuietly(claimed);   // lend, and return once the task holds piece 0
                    }, 1);
                    interruptedAfter.set(Thread.interrupted());
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            caller.start();
            // The caller runs piece 1, then waits for piece 0: interrupt it while it waits.
            for (int i = 0; i < 30_000 && runs.get(1) == 0; i++) {
                Thread.sleep(1);
            }
            assertEquals(1, runs.get(1), "the caller ran the unclaimed piece");
            waitUntilParked(caller);
            caller.interrupt();
            Thread.sleep(100);
            assertTrue(caller.isAlive(), "an interrupt must not end the wait for a running piece");
            assertEquals(0, runs.get(0), "piece 0 is still held by the pool's thread");
            release.countDown();
            caller.join(30_000);
            assertFalse(caller.isAlive());
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(1, runs.get(0));
            assertEquals(1, runs.get(1));
            assertTrue(interruptedAfter.get(), "the interrupt status is restored");
        } finally {
            pool.shutdownNow();
        }
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    static void waitUntilParked(Thread t) throws InterruptedException {
        for (int i = 0; i < 3000 && t.getState() != Thread.State.WAITING; i++) {
            Thread.sleep(1);
        }
        assertEquals(Thread.State.WAITING, t.getState(), "the caller parks while it waits");
    }

    @Test
    void anInterruptedCallerCompletesEveryPieceAndKeepsItsInterrupt() {
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        Keeper keeper = new Keeper();
        Thread.currentThread().interrupt();
        try {
            new ClaimableWork(counting(runs), 4).invoke(keeper, 3);
            assertTrue(Thread.currentThread().isInterrupted(), "interrupt status kept");
        } finally {
            Thread.interrupted();
        }
        for (int p = 0; p < 4; p++) {
            assertEquals(1, runs.get(p));
        }
    }

    @Test
    void aFailingPieceIsRethrownAfterTheRunningPiecesFinishAndLaterPiecesAreSkipped() throws Exception {
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch workerStarted = new CountDownLatch(1);
            AtomicInteger finishedSlowPiece = new AtomicInteger();
            AtomicIntegerArray runs = new AtomicIntegerArray(8);
            Thread me = Thread.currentThread();
            ClaimableWork.Pieces pieces = p -> {
                runs.incrementAndGet(p);
                if (Thread.currentThread() != me) {   // the worker's piece: slow
                    workerStarted.countDown();
                    sleepQuietly(200);
                    finishedSlowPiece.incrementAndGet();
                } else {
                    awaitQuietly(workerStarted);
                    throw new IllegalStateException("piece " + p + " broke");
                }
            };
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> new ClaimableWork(pieces, 8).invoke(pool, 1));
            assertTrue(e.getMessage().matches("piece \\d broke"), e.getMessage());
            assertEquals(1, finishedSlowPiece.get(), "thrown only after the worker's piece finished");
            int ran = 0;
            for (int p = 0; p < 8; p++) {
                ran += runs.get(p);
            }
            assertEquals(2, ran, "one piece each on the caller and the worker; the rest skipped");
        } finally {
            pool.shutdownNow();
        }
    }

    static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void errorsFromPiecesOnAnyThreadComeBackAsThemselvesWithLaterOnesSuppressed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch both = new CountDownLatch(3);
            OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> new ClaimableWork(p -> {
                both.countDown();
                awaitQuietly(both);   // three pieces running at once, then all fail
                throw new OutOfMemoryError("piece " + p);
            }, 3).invoke(pool, 2));
            assertEquals(2, e.getSuppressed().length, "the other two failures are attached");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aSneakyCheckedExceptionIsWrapped() {
        Exception checked = new java.io.IOException("disk");
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new ClaimableWork(p -> ClaimableWorkTest.<RuntimeException>sneaky(checked), 1)
                        .invoke(Runnable::run, 0));
        assertSame(checked, e.getCause());
    }

    @SuppressWarnings("unchecked")
    static <T extends Throwable> void sneaky(Throwable t) throws T {
        throw (T) t;
    }

    @Test
    void anErrorFromExecuteIsThrownAfterTheLentPiecesFinishAndNoPieceRunsAfter() throws Exception {
        Keeper keeper = new Keeper();
        AtomicIntegerArray runs = new AtomicIntegerArray(4);
        AtomicInteger offers = new AtomicInteger();
        OutOfMemoryError oom = new OutOfMemoryError("unable to create native thread");
        OutOfMemoryError e = assertThrows(OutOfMemoryError.class, () -> new ClaimableWork(counting(runs), 4)
                .invoke(r -> {
                    if (offers.incrementAndGet() == 2) {
                        keeper.execute(r);   // queued, then the executor fails
                        throw oom;
                    }
                    r.run();                 // the first task runs on the spot: piece 0..3
                }, 3));
        assertSame(oom, e);
        int before = 0;
        for (int p = 0; p < 4; p++) {
            before += runs.get(p);
        }
        keeper.runAll();
        int after = 0;
        for (int p = 0; p < 4; p++) {
            after += runs.get(p);
        }
        assertEquals(before, after, "the queued task ran nothing after the call threw");
        assertEquals(4, before, "the first task, run on the spot, took every piece");
    }

    @Test
    void anErrorFromExecuteSkipsThePiecesNotYetStarted() {
        AtomicIntegerArray runs = new AtomicIntegerArray(3);
        assertThrows(StackOverflowError.class, () -> new ClaimableWork(counting(runs), 3)
                .invoke(r -> { throw new StackOverflowError(); }, 2));
        for (int p = 0; p < 3; p++) {
            assertEquals(0, runs.get(p), "piece " + p + " skipped");
        }
    }

    @Test
    void piecesOfALaterPhaseStartOnlyAfterTheEarlierPhaseCompleted() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            for (int round = 0; round < 50; round++) {
                int[] ends = {3, 4, 9};
                AtomicInteger done = new AtomicInteger();
                AtomicIntegerArray seenAtStart = new AtomicIntegerArray(9);
                ClaimableWork.Pieces pieces = p -> {
                    seenAtStart.set(p, done.get());
                    if (p < 3) {
                        sleepQuietly(p);   // phase 0 pieces of different lengths
                    }
                    done.incrementAndGet();
                };
                new ClaimableWork(pieces, ends).invoke(pool, 3);
                assertEquals(9, done.get());
                for (int p = 3; p < 9; p++) {
                    int phaseStart = p < 4 ? 3 : 4;
                    assertTrue(seenAtStart.get(p) >= phaseStart, "round " + round + ": piece " + p
                            + " started with " + seenAtStart.get(p) + " done, needs " + phaseStart);
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPhaseWaitOnTheCallerCompletesWhenTheWorkerFinishesTheEarlierPhase() throws Exception {
        // Phase 0 is one slow piece claimed by the worker; the caller claims phase 1 and must wait.
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            CountDownLatch workerHasIt = new CountDownLatch(1);
            AtomicInteger order = new AtomicInteger();
            int[] at = new int[2];
            Thread me = Thread.currentThread();
            new ClaimableWork(p -> {
                if (p == 0) {
                    assertFalse(Thread.currentThread() == me, "the worker claimed piece 0");
                    workerHasIt.countDown();
                    sleepQuietly(100);
                }
                at[p] = order.incrementAndGet();
            }, new int[] {1, 2}).invoke(r -> {
                pool.execute(r);
                awaitQuietly(workerHasIt);   // the pool's task holds piece 0 before the caller drains
            }, 1);
            assertEquals(1, at[0]);
            assertEquals(2, at[1]);
            assertTrue(workerHasIt.await(0, TimeUnit.SECONDS));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void badPhasesAndTotalsAreRefused() {
        ClaimableWork.Pieces nothing = p -> { };
        assertEquals("total must be >= 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new ClaimableWork(nothing, 0)).getMessage());
        assertEquals("phase 1 is empty or ends before it starts: [2, 2]",
                assertThrows(IllegalArgumentException.class,
                        () -> new ClaimableWork(nothing, new int[] {2, 2})).getMessage());
        assertEquals("phase 0 is empty or ends before it starts: [0, 2]",
                assertThrows(IllegalArgumentException.class,
                        () -> new ClaimableWork(nothing, new int[] {0, 2})).getMessage());
        int[] ends = {1, 2};
        AtomicIntegerArray runs = new AtomicIntegerArray(2);
        ClaimableWork work = new ClaimableWork(counting(runs), ends);
        ends[1] = 1;   // the work keeps its own copy
        work.invoke(Runnable::run, 0);
        assertArrayEquals(new int[] {1, 1}, new int[] {runs.get(0), runs.get(1)});
    }

    @Test
    void aTaskRunningThroughManyCallsRunsEachPieceOnceAndOnlyDuringItsCall() throws Exception {
        // A task an executor runs over and over meets every moment of the calls, opening and closing
        // included: the (generation, claimed) state must let it claim nothing outside an open call.
        ClaimableWork work = new ClaimableWork();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread spinner = new Thread(() -> {
            while (!stop.get()) {
                work.run();
            }
        });
        spinner.start();
        java.util.concurrent.atomic.AtomicInteger open = new java.util.concurrent.atomic.AtomicInteger(-1);
        java.util.concurrent.atomic.AtomicReference<String> wrong = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            for (int call = 0; call < 200_000 && wrong.get() == null; call++) {
                int me = call;
                AtomicIntegerArray runs = new AtomicIntegerArray(2);
                open.set(me);
                work.invoke(piece -> {
                    if (open.get() != me || runs.incrementAndGet(piece) != 1) {
                        wrong.compareAndSet(null, "piece " + piece + " of call " + me + " ran again or outside it");
                    }
                }, 2, null, Runnable::run, 0);
                open.set(-1);
                for (int p = 0; p < 2 && wrong.get() == null; p++) {
                    if (runs.get(p) != 1) {
                        wrong.compareAndSet(null, "piece " + p + " of call " + me + " ran " + runs.get(p) + " times");
                    }
                }
            }
        } finally {
            stop.set(true);
            spinner.join();
        }
        assertNull(wrong.get(), wrong.get());
    }
}

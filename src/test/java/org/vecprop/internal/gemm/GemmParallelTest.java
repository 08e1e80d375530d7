package org.vecprop.internal.gemm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.kernel.Simd;
import org.vecprop.kernel.Workspace;

/**
 * The parallel GEMM against every kind of executor fault an embedding application can hand it:
 * each call must return the single-threaded call's bits, never hang, and write nothing into C
 * after it returns (checked by overwriting C with a sentinel right after the call and letting
 * every task the executor still holds run: the sentinel must survive). Every fault is run
 * against each parallel form: {@code multiplyParallel} and {@code multiplyPackedParallel}, each
 * with this thread's buffers and with a caller's workspace (one workspace reused by every call
 * of a run, so a task that touched it late would show).
 *
 * <p>Every test has a timeout on a separate thread, so a hang fails instead of blocking the run.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class GemmParallelTest {

    /** A problem and its single-threaded result. */
    record Problem(boolean transA, boolean transB, int m, int n, int k, float[] a, int lda,
                   float[] b, int ldb, float beta, float[] c0, int ldc, float[] expected,
                   PackedMatrix packed) {
        static Problem of(long seed, boolean transA, boolean transB, int m, int n, int k, float beta) {
            Random rnd = new Random(seed);
            int lda = (transA ? m : k) + 1, ldb = (transB ? k : n) + 2, ldc = n + 3;
            float[] a = random(rnd, (transA ? k : m) * lda), b = random(rnd, (transB ? n : k) * ldb);
            float[] c0 = random(rnd, m * ldc);
            float[] expected = c0.clone();
            Gemm.multiply(transA, transB, m, n, k, 1.25f, a, 0, lda, b, 0, ldb, beta, expected, 0, ldc);
            return new Problem(transA, transB, m, n, k, a, lda, b, ldb, beta, c0, ldc, expected,
                    PackedMatrix.pack(transB, k, n, b, 0, ldb));
        }

        /** Runs the parallel call into a fresh copy of C and returns it. */
        float[] runParallel(Executor executor, int parts) {
            float[] c = c0.clone();
            runParallel(executor, parts, c);
            return c;
        }

        void runParallel(Executor executor, int parts, float[] c) {
            runParallel(executor, parts, c, Form.PLAIN, null);
        }

        /** One of the parallel forms; {@code ws} for the forms that take a workspace. */
        void runParallel(Executor executor, int parts, float[] c, Form form, Workspace ws) {
            switch (form) {
                case PLAIN -> Gemm.multiplyParallel(transA, transB, m, n, k, 1.25f, a, 0, lda, b, 0, ldb,
                        beta, c, 0, ldc, executor, parts);
                case WORKSPACE -> Gemm.multiplyParallel(transA, transB, m, n, k, 1.25f, a, 0, lda, b, 0,
                        ldb, beta, c, 0, ldc, executor, parts, ws);
                case PACKED -> Gemm.multiplyPackedParallel(transA, m, 1.25f, a, 0, lda, packed, beta, c, 0,
                        ldc, executor, parts);
                case PACKED_WORKSPACE -> Gemm.multiplyPackedParallel(transA, m, 1.25f, a, 0, lda, packed,
                        beta, c, 0, ldc, executor, parts, ws);
            }
        }

        @Override
        public String toString() {
            return (transA ? "T" : "N") + (transB ? "T" : "N") + " " + m + "x" + n + "x" + k + " beta " + beta;
        }
    }

    static float[] random(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() * 2 - 1;
        }
        return x;
    }

    /** Tall (split by rows), wide (split by columns), transposed, beta 0 and not. */
    static final List<Problem> PROBLEMS = List.of(
            Problem.of(1, false, false, 150, 70, 60, 0f),
            Problem.of(2, true, false, 97, 97, 33, 0.5f),
            Problem.of(3, false, true, 5, 400, 40, 1f),
            Problem.of(4, true, true, 64, 48, 130, -1f),
            Problem.of(5, false, true, 120, 100, 300, 0.5f));

    /** The parallel forms: plain and packed B, each without and with a caller's workspace. */
    enum Form { PLAIN, WORKSPACE, PACKED, PACKED_WORKSPACE }

    /**
     * Every problem, parts 2..6, every form: the single-threaded bits, and nothing written after
     * returning.
     */
    static void checkAll(String what, Executor executor, Runnable quiesce) {
        Workspace ws = new Workspace();
        for (Form form : Form.values()) {
            for (Problem p : PROBLEMS) {
                for (int parts = 2; parts <= 6; parts++) {
                    float[] c = p.c0.clone();
                    p.runParallel(executor, parts, c, form, ws);
                    assertArrayEquals(p.expected, c, what + ": " + form + " " + p + ", " + parts + " parts");
                    Arrays.fill(c, -7f);   // a sentinel: any later write into C shows
                    quiesce.run();
                    for (int i = 0; i < c.length; i++) {
                        assertEquals(-7f, c[i], what + ": " + form + " " + p + ", " + parts + " parts: C["
                                + i + "] written after the call returned");
                    }
                }
            }
        }
    }

    static void checkAll(String what, Executor executor) {
        checkAll(what, executor, () -> { });
    }

    /** A thread factory whose threads die quietly (no stack trace on stderr). */
    static Thread quiet(Runnable r) {
        Thread t = new Thread(r);
        t.setDaemon(true);
        t.setUncaughtExceptionHandler((th, e) -> { });
        return t;
    }

    /** A one-thread pool with a one-slot queue, both taken: every execute is refused. */
    static ThreadPoolExecutor full(java.util.concurrent.RejectedExecutionHandler policy, CountDownLatch release) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1), GemmParallelTest::quiet, policy);
        pool.execute(() -> awaitQuietly(release));   // occupies the thread
        pool.execute(() -> { });                       // fills the queue
        return pool;
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aHealthyPoolGivesTheSingleThreadedBits() {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            checkAll("fixed pool", pool, () -> drain((ThreadPoolExecutor) pool));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExecutorThatRejectsEverything() {
        checkAll("rejecting", r -> { throw new RejectedExecutionException("no room"); });
    }

    @Test
    void anExecutorThatThrowsSomethingElse() {
        checkAll("throwing", r -> { throw new IllegalStateException("broken"); });
    }

    @Test
    void aShutDownPool() {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        pool.shutdown();
        checkAll("shut down", pool);
    }

    @Test
    void aFullBoundedQueueThatAborts() {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor pool = full(new ThreadPoolExecutor.AbortPolicy(), release);
        try {
            checkAll("full, abort", pool);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aPoolThatSilentlyDiscardsWork() {
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor pool = full(new ThreadPoolExecutor.DiscardPolicy(), release);
        try {
            checkAll("full, discard", pool);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
        checkAll("dropping lambda", r -> { });
    }

    @Test
    void aPoolThatDiscardsTheOldestQueuedTask() {
        // DiscardOldest throws away the task queued before ours: ours may be dropped by the next.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1), GemmParallelTest::quiet, new ThreadPoolExecutor.DiscardOldestPolicy());
        try {
            checkAll("discard oldest", pool, () -> drain(pool));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aPoolWhoseWorkerDiesBeforeRunningTheTask() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(2, 2, 0, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(64), GemmParallelTest::quiet) {
            @Override
            protected void beforeExecute(Thread t, Runnable r) {
                throw new IllegalStateException("worker dies before running the task");
            }
        };
        try {
            checkAll("dying workers", pool, () -> drain(pool));
        } finally {
            pool.shutdownNow();
        }
        checkAll("thread that dies at once", r -> quiet(() -> { throw new Error("died"); }).start());
    }

    /** Waits (up to 10 s) until a pool has nothing queued and nothing running. */
    static void drain(ThreadPoolExecutor pool) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while ((pool.getActiveCount() > 0 || !pool.getQueue().isEmpty()) && System.nanoTime() < deadline) {
            Thread.yield();
        }
    }

    @Test
    void anExecutorThatQueuesTheTaskAndThenThrows() throws Exception {
        // The task is kept and the caller told it was refused: it runs after the call returned
        // (or, with the second executor, possibly during it) and must write nothing late.
        List<Runnable> kept = new ArrayList<>();
        checkAll("queue then throw", r -> {
            synchronized (kept) {
                kept.add(r);
            }
            throw new RejectedExecutionException("refused after queueing");
        }, () -> {
            synchronized (kept) {
                kept.forEach(Runnable::run);
                kept.clear();
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            checkAll("hand over then throw", r -> {
                pool.execute(r);
                throw new RejectedExecutionException("refused, but it runs anyway");
            }, () -> drain((ThreadPoolExecutor) pool));
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void anExecutorThatRunsTheTaskMuchLater() {
        ScheduledExecutorService later = Executors.newScheduledThreadPool(2);
        try {
            AtomicInteger pending = new AtomicInteger();
            checkAll("much later", r -> {
                pending.incrementAndGet();
                later.schedule(() -> {
                    r.run();
                    pending.decrementAndGet();
                }, 50, TimeUnit.MILLISECONDS);
            }, () -> {
                while (pending.get() > 0) {
                    Thread.onSpinWait();
                }
            });
        } finally {
            later.shutdownNow();
        }
    }

    /**
     * With bfloat16 weights ({@code PackedMatrix.packBfloat16}) the packed parallel product, cut
     * by rows only (each piece widening the weights into its own buffers), gives the bits of the
     * single-threaded packed product on the same matrix, with and without a workspace.
     */
    @Test
    void thePackedParallelProductOnBfloat16WeightsGivesTheSingleThreadedBits() {
        ExecutorService pool = Executors.newFixedThreadPool(3, GemmParallelTest::quiet);
        try {
            Workspace ws = new Workspace();
            for (Problem p : PROBLEMS) {
                PackedMatrix half = PackedMatrix.packBfloat16(p.transB, p.k, p.n, p.b, 0, p.ldb);
                float[] expected = p.c0.clone();
                Gemm.multiplyPacked(p.transA, p.m, 1.25f, p.a, 0, p.lda, half, p.beta, expected, 0, p.ldc);
                for (int parts = 1; parts <= 6; parts++) {
                    float[] c = p.c0.clone(), cw = p.c0.clone();
                    Gemm.multiplyPackedParallel(p.transA, p.m, 1.25f, p.a, 0, p.lda, half, p.beta, c, 0,
                            p.ldc, pool, parts);
                    Gemm.multiplyPackedParallel(p.transA, p.m, 1.25f, p.a, 0, p.lda, half, p.beta, cw, 0,
                            p.ldc, pool, parts, ws);
                    assertArrayEquals(expected, c, p + ", " + parts + " parts, bfloat16");
                    assertArrayEquals(expected, cw, p + ", " + parts + " parts, bfloat16, workspace");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * An executor whose {@code execute} makes a parallel call of its own on the calling thread,
     * with the same workspace (or the same thread's buffers), while the outer call is using them:
     * the inner call takes a fresh description of its pieces and packs into its threads' own
     * buffers, so both calls return the single-threaded bits.
     */
    @Test
    void anExecutorWhoseExecuteMakesAParallelCallOfItsOwnWithTheSameBuffers() {
        Problem inner = PROBLEMS.get(1);
        for (Form form : Form.values()) {
            Workspace ws = new Workspace();
            Executor reentrant = r -> {
                float[] c = inner.c0.clone();
                inner.runParallel(Runnable::run, 3, c, form, ws);
                assertArrayEquals(inner.expected, c, form + ": the inner call");
                r.run();
            };
            for (Problem p : PROBLEMS) {
                for (int parts = 2; parts <= 4; parts++) {
                    float[] c = p.c0.clone();
                    p.runParallel(reentrant, parts, c, form, ws);
                    assertArrayEquals(p.expected, c, form + " " + p + ", " + parts + " parts: the outer call");
                }
            }
        }
    }

    @Test
    void anExecutorThatRunsTheTaskOnTheCallingThread() {
        checkAll("direct", Runnable::run);
        CountDownLatch release = new CountDownLatch(1);
        ThreadPoolExecutor pool = full(new ThreadPoolExecutor.CallerRunsPolicy(), release);
        try {
            checkAll("full, caller runs", pool);
        } finally {
            release.countDown();
            pool.shutdownNow();
        }
    }

    @Test
    void aCallFromInsideATaskOfTheSameOneThreadPool() throws Exception {
        ExecutorService single = Executors.newSingleThreadExecutor();
        try {
            Future<?> f = single.submit(() -> checkAll("inside its own one-thread pool", single));
            f.get(100, TimeUnit.SECONDS);
            // The tasks it lent ran after it: they found nothing to do (checked by the sentinel
            // only for writes before the quiesce; check again once the queue is empty).
            single.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } finally {
            single.shutdownNow();
        }
    }

    @Test
    void aVirtualThreadPerTaskExecutor() {
        try (ExecutorService virtual = Executors.newVirtualThreadPerTaskExecutor()) {
            checkAll("virtual threads", virtual);
        }
    }

    @Test
    void theCommonPoolFromOutsideAndFromInsideIt() throws Exception {
        checkAll("common pool", ForkJoinPool.commonPool());
        ForkJoinPool.commonPool().submit(() -> checkAll("common pool, from a common-pool task",
                ForkJoinPool.commonPool())).get(100, TimeUnit.SECONDS);
        ForkJoinPool one = new ForkJoinPool(1);
        try {
            one.submit(() -> checkAll("its own one-thread fork-join pool", one)).get(100, TimeUnit.SECONDS);
        } finally {
            one.shutdownNow();
        }
    }

    @Test
    void callsFromManyThreadsSharingOnePoolThatIsItselfBusy() throws Exception {
        // Eight callers share a two-thread pool whose threads also run the callers' lent tasks.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        ExecutorService callers = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(callers.submit(() -> {
                    for (int round = 0; round < 5; round++) {
                        for (Problem p : PROBLEMS) {
                            assertArrayEquals(p.expected, p.runParallel(pool, 4), p.toString());
                        }
                    }
                }));
            }
            for (Future<?> f : done) {
                f.get(100, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
            callers.shutdownNow();
        }
    }

    @Test
    void aCallerInterruptedBeforeAndDuringTheCallsGetsEveryResultAndKeepsItsInterrupt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger calls = new AtomicInteger();
            Thread caller = new Thread(() -> {
                Thread.currentThread().interrupt();   // interrupted before the first call
                for (int round = 0; round < 40; round++) {
                    for (Problem p : PROBLEMS) {
                        float[] c = p.runParallel(pool, 3);
                        calls.incrementAndGet();
                        if (!Arrays.equals(p.expected, c)) {
                            throw new AssertionError(p + " wrong while interrupted");
                        }
                        if (!Thread.currentThread().isInterrupted()) {
                            throw new AssertionError(p + ": the interrupt was swallowed");
                        }
                    }
                }
            });
            Throwable[] failure = new Throwable[1];
            caller.setUncaughtExceptionHandler((t, e) -> failure[0] = e);
            caller.start();
            Thread interrupter = new Thread(() -> {
                while (!stop.get()) {
                    caller.interrupt();
                    LockSupport.parkNanos(200_000);
                }
            });
            interrupter.start();
            caller.join(100_000);
            stop.set(true);
            interrupter.join();
            if (failure[0] != null) {
                throw new AssertionError(failure[0]);
            }
            assertEquals(40 * PROBLEMS.size(), calls.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /** Counts the tasks it is lent. */
    static final class Counting implements Executor {
        final AtomicInteger lent = new AtomicInteger();

        @Override
        public void execute(Runnable r) {
            lent.incrementAndGet();
        }
    }

    @Test
    void partsMinusOneTasksAreLentAndOnePartLendsNone() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Simd.enabled(), "the scalar path runs in one piece");
        Problem p = PROBLEMS.get(0);   // 150 rows: at least 18 register tiles to split
        for (int parts = 1; parts <= 8; parts++) {
            Counting counting = new Counting();
            assertArrayEquals(p.expected, p.runParallel(counting, parts));
            assertEquals(parts - 1, counting.lent.get(), parts + " parts");
        }
        // A product with alpha == 0 only scales C: one piece, nothing lent.
        Counting counting = new Counting();
        float[] c = p.c0.clone();
        Gemm.multiplyParallel(false, false, p.m, p.n, p.k, 0f, p.a, 0, p.lda, p.b, 0, p.ldb, 2f,
                c, 0, p.ldc, counting, 4);
        assertEquals(0, counting.lent.get());
    }

    @Test
    void anExecutorWithADifferentFaultPerTask() {
        // An executor that picks a fault at random per task, from a fixed seed.
        Random rnd = new Random(11);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Runnable> kept = new ArrayList<>();
        try {
            Executor chaos = r -> {
                int fault;
                synchronized (rnd) {
                    fault = rnd.nextInt(5);
                }
                switch (fault) {
                    case 0 -> pool.execute(r);
                    case 1 -> r.run();
                    case 2 -> { }   // dropped
                    case 3 -> {
                        synchronized (kept) {
                            kept.add(r);
                        }
                    }
                    default -> throw new RejectedExecutionException("chaos");
                }
            };
            checkAll("chaos", chaos, () -> {
                drain((ThreadPoolExecutor) pool);
                synchronized (kept) {
                    kept.forEach(Runnable::run);
                    kept.clear();
                }
            });
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The cut itself, piece by piece: each piece, run alone into a C of NaN with beta = 0,
     * writes one block of whole register tiles along the split dimension (the last one clipped);
     * the blocks follow each other, cover C, and differ in size by at most one tile. C is split
     * by rows unless it has more column tiles than row tiles.
     */
    @Test
    void thePiecesTileCByRowsOrColumns() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Simd.enabled(), "the pieces run the Vector API GEMM");
        int mr = GemmBlocking.MR, nr = GemmBlocking.NR;
        int[][] problems = {   // m, n, parts
            {150, 70, 4}, {150, 70, 7}, {3 * mr, 3 * nr, 3}, {5, 400, 6}, {mr + 1, 2 * nr, 2}, {40 * mr, 2, 64},
        };
        for (int[] p : problems) {
            int m = p[0], n = p[1], k = 5, parts = p[2];
            float[] a = new float[m * k], b = new float[k * n];
            Arrays.fill(a, 1f);
            Arrays.fill(b, 1f);
            GemmParallel.Pieces cut = GemmParallel.cut(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f,
                    new float[m * n], 0, n, parts);
            int rowTiles = (m + mr - 1) / mr, colTiles = (n + nr - 1) / nr;
            boolean byRows = rowTiles >= colTiles;
            String what = m + "x" + n + " in " + parts;
            assertEquals(byRows, cut.splitRows(), what + ": split by rows");
            int units = byRows ? rowTiles : colTiles, tile = byRows ? mr : nr, extent = byRows ? m : n;
            assertEquals(Math.min(parts, units), cut.pieces(), what + ": pieces");
            int next = 0, smallest = Integer.MAX_VALUE, largest = 0;
            for (int q = 0; q < cut.pieces(); q++) {
                float[] c = new float[m * n];
                Arrays.fill(c, Float.NaN);
                GemmParallel.cut(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n, parts).run(q);
                int first = -1, end = -1;
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        boolean written = c[i * n + j] == k;
                        assertTrue(written || Float.isNaN(c[i * n + j]), what + ": piece " + q + " wrote garbage");
                        int along = byRows ? i : j;
                        if (written) {
                            first = first < 0 ? along : Math.min(first, along);
                            end = Math.max(end, along + 1);
                        }
                    }
                }
                int count = 0;
                for (float v : c) {
                    count += v == k ? 1 : 0;
                }
                assertEquals(next, first, what + ": piece " + q + " starts where the last ended");
                assertEquals((end - first) * (byRows ? n : m), count, what + ": piece " + q + " is one whole block");
                assertTrue(first % tile == 0 && (end % tile == 0 || end == extent), what + ": tile-aligned");
                int tiles = (end - first + tile - 1) / tile;
                smallest = Math.min(smallest, tiles);
                largest = Math.max(largest, tiles);
                next = end;
            }
            assertEquals(extent, next, what + ": the pieces cover C");
            assertTrue(largest - smallest <= 1, what + ": balanced, " + smallest + " to " + largest + " tiles");
        }
        float[] x = new float[64 * 64];
        assertEquals(null, GemmParallel.cut(false, false, 64, 64, 64, 1f, x, 0, 64, x, 0, 64, 0f, x, 0, 64, 1),
                "one part: no cut");
        assertEquals(null, GemmParallel.cut(false, false, mr, nr, 64, 1f, x, 0, 64, x, 0, nr, 0f, x, 0, nr, 4),
                "one tile: no cut");
        assertEquals(null, GemmParallel.cut(false, false, 64, 64, 64, 0f, x, 0, 64, x, 0, 64, 0f, x, 0, 64, 4),
                "alpha 0: no cut");
        assertEquals(null, GemmParallel.cut(false, false, 64, 64, 0, 1f, x, 0, 1, x, 0, 64, 0f, x, 0, 64, 4),
                "k 0: no cut");
    }

    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

    /** Bytes this thread allocated (the bean looked up once: looking it up allocates). */
    static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Every parallel form, 4 parts and 1, with an executor that allocates nothing of its own: the
     * bytes 100 calls allocate, in total (not divided, which would hide anything under 100 B a
     * call), must be 0 once warm.
     */
    @Test
    void aParallelCallAllocatesNothingOnceItsThreadHasCalled() {
        Problem p = Problem.of(9, false, false, 64, 64, 64, 0f);
        float[] c = p.c0.clone();
        Executor direct = Runnable::run;   // no executor allocation of its own
        Workspace ws = new Workspace();
        StringBuilder report = new StringBuilder();
        for (Form form : Form.values()) {
            for (int parts : new int[] {4, 1}) {   // one part is the single-threaded call
                long total = Long.MAX_VALUE;
                for (int round = 0; round < 50 && total > 0; round++) {
                    for (int i = 0; i < 200; i++) {
                        p.runParallel(direct, parts, c, form, ws);
                    }
                    long before = allocated();
                    for (int i = 0; i < 100; i++) {
                        p.runParallel(direct, parts, c, form, ws);
                    }
                    total = allocated() - before;
                }
                report.append(form).append(", ").append(parts).append(" parts: ").append(total)
                        .append(" B over 100 calls; ");
                assertEquals(0, total, form + ", " + parts + " parts allocates: " + report);
            }
        }
        System.out.println("[vecprop] parallel GEMM, direct executor: " + report);
    }

    /**
     * A call leaves its description of the problem behind (in the workspace, or this thread's
     * buffers, for the next call) and an executor may keep a task it never runs; neither may keep
     * the caller's arrays reachable once the call has returned (GemmParallel empties the pieces
     * after each call): with every task kept and never run (the caller runs every piece), the
     * arrays of a call, dropped by the caller, must be collected. Every parallel form, on fresh
     * arrays each time, checked through weak references to A, B, C and the packed B.
     */
    @Test
    void neitherAKeptTaskNorTheBuffersKeepTheCallersArrays() throws InterruptedException {
        Workspace ws = new Workspace();
        List<Runnable> kept = new ArrayList<>();
        Executor keeper = kept::add;
        for (Form form : Form.values()) {
            List<java.lang.ref.WeakReference<Object>> refs = aCallOnFreshArrays(form, ws, keeper);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (refs.stream().anyMatch(r -> r.get() != null) && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(10);
            }
            for (int i = 0; i < refs.size(); i++) {
                assertTrue(refs.get(i).get() == null, form + ": " + List.of("A", "B", "C", "packed B").get(i)
                        + " still reachable after the call returned and the caller dropped it");
            }
        }
        assertTrue(!kept.isEmpty() || !Simd.enabled(), "the executor was lent tasks and kept them");
    }

    /** One parallel call (4 parts) on arrays made here, its bits checked; weak references to them. */
    private static List<java.lang.ref.WeakReference<Object>> aCallOnFreshArrays(Form form, Workspace ws,
                                                                               Executor executor) {
        Problem p = Problem.of(6, false, false, 150, 70, 60, 0.5f);
        float[] c = p.c0.clone();
        p.runParallel(executor, 4, c, form, ws);
        assertArrayEquals(p.expected, c, form + " " + p);
        return List.of(new java.lang.ref.WeakReference<>(p.a), new java.lang.ref.WeakReference<>(p.b),
                new java.lang.ref.WeakReference<>(c), new java.lang.ref.WeakReference<>(p.packed));
    }
}

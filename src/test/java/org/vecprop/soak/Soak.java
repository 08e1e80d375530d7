package org.vecprop.soak;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Workspace;
import org.vecprop.kernel.Simd;
import org.vecprop.nn.Dense;
import org.vecprop.nn.Output;
import org.vecprop.nn.Parameter;
import org.vecprop.nn.SgdOptions;
import org.vecprop.nn.Gradients;
import org.vecprop.nn.Network;
import org.vecprop.nn.Sgd;
import org.vecprop.reference.ReferenceGemm;

/**
 * Soak test: hours of an embedding application's life compressed into minutes. Several threads
 * run, at random, training episodes (each thread its own network), inference over one shared set
 * of weights ({@code Network.sharingWeights}), GEMM on arrays, parallel GEMM on executors that
 * misbehave on purpose, GEMM on off-heap segments whose shared arena another thread closes at a
 * random moment, and calls with bad segments; and checks every result: against the scalar
 * reference within the documented bound, or bit for bit against a single-threaded run made
 * before the soak started. Reports calls, faults injected, failures (must be 0) and the bytes
 * the library allocated per call (ThreadMXBean, measured around the library calls only).
 *
 * <p>Not part of the unit tests: run it with {@code scripts/soak}. Exit status 0 only if no check
 * failed and no thread hung.
 */
public final class Soak {
    private Soak() {}

    /** What a worker does in one step of its loop. */
    enum Op {
        TRAINING_STEP("training step"), INFERENCE("inference (shared weights)"), GEMM("gemm, arrays"),
        GEMM_PARALLEL("gemm, faulty executors"), GEMM_SEGMENTS("gemm, segments closed meanwhile"),
        BAD_SEGMENTS("gemm, bad segments");

        final String label;

        Op(String label) {
            this.label = label;
        }
    }

    /** Per operation: calls, faults injected, failures, bytes allocated inside library calls. */
    static final class Tally {
        final LongAdder calls = new LongAdder(), faults = new LongAdder(), failures = new LongAdder(),
                bytes = new LongAdder(), measuredCalls = new LongAdder(),
                lateBytes = new LongAdder(), lateMeasuredCalls = new LongAdder();
    }

    /** When the second half of the run starts: allocation is reported for it apart (JIT warm). */
    static volatile long secondHalf = Long.MAX_VALUE;

    static final Map<Op, Tally> TALLY = new EnumMap<>(Op.class);
    static final Map<String, LongAdder> FAULT_KINDS = new java.util.concurrent.ConcurrentSkipListMap<>();
    static final ConcurrentLinkedQueue<String> FAILURES = new ConcurrentLinkedQueue<>();
    static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    static {
        for (Op op : Op.values()) {
            TALLY.put(op, new Tally());
        }
    }

    static void fault(Op op, String kind) {
        TALLY.get(op).faults.increment();
        FAULT_KINDS.computeIfAbsent(kind, k -> new LongAdder()).increment();
    }

    static void fail(Op op, String what) {
        TALLY.get(op).failures.increment();
        if (FAILURES.size() < 50) {
            FAILURES.add(op.label + ": " + what + " [" + Thread.currentThread().getName() + "]");
        }
    }

    /** Bytes this thread has allocated so far. */
    static long allocated() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    static void measured(Op op, long bytes) {
        Tally t = TALLY.get(op);
        t.bytes.add(bytes);
        t.measuredCalls.increment();
        if (System.nanoTime() >= secondHalf) {
            t.lateBytes.add(bytes);
            t.lateMeasuredCalls.increment();
        }
    }

    static float[] random(SplittableRandom rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (rnd.nextDouble() * 2 - 1);
        }
        return x;
    }

    // ------------------------------------------------------------------ the fixed workloads

    /** A training job and its single-threaded trajectory: the loss of every step, final weights. */
    record TrainingJob(int[] sizes, int batch, long seed, float lr, float momentum, float[] x, float[] t,
                       float[] losses, float[][] finalWeights) {
        static TrainingJob of(long seed, int batch, int steps, int... sizes) {
            SplittableRandom rnd = new SplittableRandom(seed);
            float[] x = random(rnd, batch * steps * sizes[0]);
            float[] t = random(rnd, batch * steps * sizes[sizes.length - 1]);
            TrainingJob job = new TrainingJob(sizes, batch, seed, 0.05f, 0.9f, x, t, new float[steps], null);
            Network net = job.fresh();
            Sgd sgd = new Sgd(net, SgdOptions.learningRate(job.lr).withMomentum(job.momentum).withWeightDecay(1e-4f));
            for (int s = 0; s < steps; s++) {
                job.losses[s] = job.step(net, sgd, s);
            }
            return new TrainingJob(sizes, batch, seed, job.lr, job.momentum, x, t, job.losses, weights(net));
        }

        Network fresh() {
            return Network.mlp(batch, seed, sizes);
        }

        float step(Network net, Sgd sgd, int s) {
            int in = sizes[0], out = sizes[sizes.length - 1];
            net.forward(x, s * batch * in, in, batch);
            float loss = net.loss(t, s * batch * out, out);
            net.backward(Gradients.ACCUMULATE);
            sgd.step();
            return loss;
        }

        static float[][] weights(Network net) {
            List<float[]> w = new ArrayList<>();
            for (Parameter p : net.parameters()) {
                float[] v = new float[p.size()];
                p.copyTo(v, 0);
                w.add(v);
            }
            return w.toArray(new float[0][]);
        }
    }

    static final int STEPS = 16;
    static List<TrainingJob> jobs;
    static Network shared;
    static float[][] inferenceInputs, inferenceExpected;
    static final int[] INFERENCE_BATCHES = {1, 2, 7, 16, 31, 32};

    static void prepare() {
        jobs = List.of(TrainingJob.of(1, 16, STEPS, 8, 32, 32, 4), TrainingJob.of(2, 32, STEPS, 12, 64, 48, 1),
                TrainingJob.of(3, 5, STEPS, 3, 17, 9, 2), TrainingJob.of(4, 64, STEPS, 20, 33, 17, 3));
        shared = Network.mlp(32, 99, 16, 64, 64, 8);
        Network mine = shared.sharingWeights(32);
        SplittableRandom rnd = new SplittableRandom(7);
        inferenceInputs = new float[INFERENCE_BATCHES.length][];
        inferenceExpected = new float[INFERENCE_BATCHES.length][];
        for (int q = 0; q < INFERENCE_BATCHES.length; q++) {
            inferenceInputs[q] = random(rnd, INFERENCE_BATCHES[q] * 16);
            inferenceExpected[q] = mine.forward(inferenceInputs[q], 0, 16, INFERENCE_BATCHES[q]).toArray();
        }
    }

    // ------------------------------------------------------------------ shared infrastructure

    static ExecutorService helpers;          // the pool parallel GEMMs borrow
    static ScheduledExecutorService later;   // runs tasks late
    static ExecutorService closers;          // closes shared arenas at random moments
    static MemorySegment foreign;            // confined to another thread for the whole soak
    static final CountDownLatch STOP_FOREIGN = new CountDownLatch(1);

    /** An error an executor throws from execute, as {@code OutOfMemoryError: unable to create native thread} would. */
    static final class InjectedError extends Error {
        InjectedError() {
            super("injected by the soak's executor", null, false, false);
        }
    }

    /**
     * An executor that does something different with each task, picked at random: runs it on
     * the pool, runs it inline, drops it, rejects it, keeps it and throws, runs it late, hands it
     * to a thread that dies first, or throws an Error. Counts what is still to run.
     */
    static final class Chaos implements Executor {
        final SplittableRandom rnd;
        final AtomicInteger pending = new AtomicInteger();
        final List<Runnable> kept = new ArrayList<>();
        boolean threwError;
        /** Bytes this executor allocated on the caller's thread (its own, not the library's). */
        long ownBytes;

        Chaos(SplittableRandom rnd) {
            this.rnd = rnd;
        }

        @Override
        public void execute(Runnable r) {
            long start = allocated();
            try {
                choose(r);
            } finally {
                ownBytes += allocated() - start;
            }
        }

        private void choose(Runnable r) {
            int pick = rnd.nextInt(100);
            if (pick < 40) {
                pending.incrementAndGet();
                try {
                    helpers.execute(() -> {
                        try {
                            r.run();
                        } finally {
                            pending.decrementAndGet();
                        }
                    });
                } catch (RejectedExecutionException e) {
                    pending.decrementAndGet();
                    throw e;
                }
                return;
            }
            if (pick < 50) {
                fault(Op.GEMM_PARALLEL, "executor runs the task inline");
                long start = allocated();
                r.run();
                ownBytes -= allocated() - start; // the pieces it ran are the library's
            } else if (pick < 60) {
                fault(Op.GEMM_PARALLEL, "executor drops the task silently");
            } else if (pick < 70) {
                fault(Op.GEMM_PARALLEL, "executor rejects the task");
                throw new RejectedExecutionException("soak: full");
            } else if (pick < 80) {
                fault(Op.GEMM_PARALLEL, "executor keeps the task, then throws");
                kept.add(r);
                throw new RejectedExecutionException("soak: refused after queueing");
            } else if (pick < 94) {
                fault(Op.GEMM_PARALLEL, "executor runs the task late");
                pending.incrementAndGet();
                later.schedule(() -> {
                    try {
                        r.run();
                    } finally {
                        pending.decrementAndGet();
                    }
                }, rnd.nextInt(3000), TimeUnit.MICROSECONDS);
            } else if (pick < 98) {
                fault(Op.GEMM_PARALLEL, "executor's worker dies before running the task");
                Thread t = new Thread(() -> {
                    throw new IllegalStateException("soak: worker died");
                });
                t.setUncaughtExceptionHandler((th, e) -> { });
                t.start();
            } else {
                fault(Op.GEMM_PARALLEL, "executor throws an Error from execute");
                threwError = true;
                throw new InjectedError();
            }
        }

        /** Runs the kept tasks and waits for the late ones: afterwards nothing of this call is left. */
        void flush() {
            kept.forEach(Runnable::run);
            kept.clear();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (pending.get() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
                Thread.yield();
            }
        }
    }

    // ------------------------------------------------------------------ the operations

    /** One thread's state and loop. */
    static final class Worker implements Runnable {
        final SplittableRandom rnd;
        final long deadline;
        final AtomicLong progress = new AtomicLong(System.nanoTime());
        Network inference;
        final Workspace workspace = new Workspace();
        final ExecutorService own = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "soak-own-pool");
            t.setDaemon(true);
            return t;
        });
        Arena confined;   // made and used on this worker's thread

        Worker(long seed, long deadline) {
            this.rnd = new SplittableRandom(seed);
            this.deadline = deadline;
        }

        @Override
        public void run() {
            inference = shared.sharingWeights(32);
            confined = Arena.ofConfined();
            try {
                while (System.nanoTime() < deadline) {
                    int pick = rnd.nextInt(100);
                    Op op = pick < 20 ? Op.TRAINING_STEP : pick < 40 ? Op.INFERENCE : pick < 55 ? Op.GEMM
                            : pick < 80 ? Op.GEMM_PARALLEL : pick < 95 ? Op.GEMM_SEGMENTS : Op.BAD_SEGMENTS;
                    try {
                        switch (op) {
                            case TRAINING_STEP -> trainingEpisode();
                            case INFERENCE -> inference();
                            case GEMM -> gemm();
                            case GEMM_PARALLEL -> gemmParallel();
                            case GEMM_SEGMENTS -> gemmSegments();
                            case BAD_SEGMENTS -> badSegments();
                        }
                    } catch (RuntimeException | Error e) {
                        fail(op, "unexpected " + e);
                    }
                    Thread.interrupted(); // no injected or JDK interrupt may leak into the next op
                    progress.set(System.nanoTime());
                }
            } finally {
                own.shutdownNow();
                confined.close();
            }
        }

        /** A whole episode from a fresh network; every step's loss and the final weights checked. */
        void trainingEpisode() {
            TrainingJob job = jobs.get(rnd.nextInt(jobs.size()));
            Network net = job.fresh();
            Sgd sgd = new Sgd(net, SgdOptions.learningRate(job.lr()).withMomentum(job.momentum()).withWeightDecay(1e-4f));
            for (int s = 0; s < STEPS; s++) {
                long before = allocated();
                float loss = job.step(net, sgd, s);
                measured(Op.TRAINING_STEP, allocated() - before);
                TALLY.get(Op.TRAINING_STEP).calls.increment();
                if (Float.floatToIntBits(loss) != Float.floatToIntBits(job.losses()[s])) {
                    fail(Op.TRAINING_STEP, "job " + job.seed() + " step " + s + ": loss " + loss
                            + ", single-threaded " + job.losses()[s]);
                    return;
                }
            }
            float[][] w = TrainingJob.weights(net);
            for (int i = 0; i < w.length; i++) {
                if (!Arrays.equals(w[i], job.finalWeights()[i])) {
                    fail(Op.TRAINING_STEP, "job " + job.seed() + ": final parameters " + i + " differ");
                }
            }
        }

        void inference() {
            int q = rnd.nextInt(INFERENCE_BATCHES.length), batch = INFERENCE_BATCHES[q];
            long before = allocated();
            Output out = inference.forward(inferenceInputs[q], 0, 16, batch);
            measured(Op.INFERENCE, allocated() - before);
            TALLY.get(Op.INFERENCE).calls.increment();
            if (!Arrays.equals(out.toArray(), inferenceExpected[q])) {
                fail(Op.INFERENCE, "batch " + batch + ": output differs from the single-threaded one");
            }
        }

        /** A random problem; the result against the reference, within the documented bound. */
        void gemm() {
            boolean ta = rnd.nextBoolean(), tb = rnd.nextBoolean();
            int m = 1 + rnd.nextInt(80), n = 1 + rnd.nextInt(80), k = 1 + rnd.nextInt(80);
            float alpha = rnd.nextBoolean() ? 1f : -0.75f, beta = rnd.nextBoolean() ? 0f : 0.5f;
            int lda = ta ? m : k, ldb = tb ? k : n;
            float[] a = random(rnd, (ta ? k : m) * lda), b = random(rnd, (tb ? n : k) * ldb);
            float[] c0 = random(rnd, m * n), c = c0.clone(), expected = c0.clone();
            boolean ws = rnd.nextBoolean();
            long before = allocated();
            if (ws) {
                Gemm.multiply(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, n, workspace);
            } else {
                Gemm.multiply(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c, 0, n);
            }
            measured(Op.GEMM, allocated() - before);
            TALLY.get(Op.GEMM).calls.increment();
            ReferenceGemm.multiply(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, expected, 0, n);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0;
                    for (int p = 0; p < k; p++) {
                        sum += Math.abs((double) (ta ? a[p * lda + i] : a[i * lda + p]) * (tb ? b[j * ldb + p] : b[p * ldb + j]));
                    }
                    double tol = (2.0 * k + 5) * (0x1p-24 * (Math.abs(alpha) * sum + Math.abs(beta * c0[i * n + j]))
                            + 0x1p-150 * (1 + Math.abs(alpha)));
                    if (!(Math.abs((double) c[i * n + j] - expected[i * n + j]) <= tol)) {
                        fail(Op.GEMM, (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k
                                + " C[" + i + "][" + j + "] = " + c[i * n + j] + ", reference " + expected[i * n + j]
                                + " +- " + tol);
                        return;
                    }
                }
            }
        }

        /**
         * A parallel GEMM on the chaos executor (sometimes from inside this worker's own one-thread
         * pool, lent to the call, sometimes with the caller interrupted): the single-threaded bits,
         * the interrupt kept, and nothing written after the call returned.
         */
        void gemmParallel() {
            boolean ta = rnd.nextBoolean(), tb = rnd.nextBoolean();
            int m = 1 + rnd.nextInt(200), n = 1 + rnd.nextInt(200), k = 1 + rnd.nextInt(120);
            int lda = ta ? m : k, ldb = tb ? k : n, parts = 2 + rnd.nextInt(6);
            float[] a = random(rnd, (ta ? k : m) * lda), b = random(rnd, (tb ? n : k) * ldb);
            float[] c0 = random(rnd, m * n), expected = c0.clone();
            Gemm.multiply(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0.5f, expected, 0, n);
            float[] c = c0.clone();
            Chaos chaos = new Chaos(rnd.split());
            int mode = rnd.nextInt(10);
            Throwable thrown = null;
            boolean interruptKept = true;
            long before = allocated();
            try {
                if (mode == 0) {
                    fault(Op.GEMM_PARALLEL, "the call runs inside the one-thread pool it is lent");
                    Future<?> f = own.submit(() -> Gemm.multiplyParallel(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb,
                            0.5f, c, 0, n, own, parts));
                    f.get(60, TimeUnit.SECONDS);
                } else if (mode == 1) {
                    fault(Op.GEMM_PARALLEL, "the caller is interrupted");
                    Thread.currentThread().interrupt();
                    Gemm.multiplyParallel(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0.5f, c, 0, n, chaos, parts);
                    interruptKept = Thread.interrupted();
                } else {
                    Gemm.multiplyParallel(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0.5f, c, 0, n, chaos, parts);
                }
            } catch (InjectedError e) {
                thrown = e;
            } catch (java.util.concurrent.TimeoutException e) {
                fail(Op.GEMM_PARALLEL, "hung inside its own one-thread pool");
                return;
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                fail(Op.GEMM_PARALLEL, "the call inside its own pool failed: " + e);
                return;
            }
            if (mode != 0) { // the in-pool call's allocation is the pool's thread's
                measured(Op.GEMM_PARALLEL, allocated() - before - chaos.ownBytes);
            }
            TALLY.get(Op.GEMM_PARALLEL).calls.increment();
            String shape = (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k + " parts " + parts;
            if (!interruptKept) {
                fail(Op.GEMM_PARALLEL, shape + ": the caller's interrupt was lost");
            }
            if (chaos.threwError != (thrown != null)) {
                fail(Op.GEMM_PARALLEL, shape + ": an Error from execute " + (thrown == null ? "was swallowed" : "appeared from nowhere"));
            }
            if (thrown == null && !Arrays.equals(expected, c)) {
                fail(Op.GEMM_PARALLEL, shape + ": result differs from the single-threaded one");
            }
            Arrays.fill(c, -7f);   // a sentinel: a late write shows
            chaos.flush();
            for (float v : c) {
                if (v != -7f) {
                    fail(Op.GEMM_PARALLEL, shape + ": C written after the call returned");
                    return;
                }
            }
        }

        /**
         * GEMM on segments; A and B in a shared arena that another thread closes at a random
         * moment, C in this worker's confined arena (or, sometimes, in the shared one too). The
         * call completes with the array call's bits, or throws IllegalStateException naming the
         * closed operands with C unchanged (while C is alive).
         */
        void gemmSegments() {
            int m = 1 + rnd.nextInt(8), n = 1 + rnd.nextInt(64), k = 1 + rnd.nextInt(4000);
            float[] a = random(rnd, m * k), b = random(rnd, k * n), c0 = random(rnd, m * n), expected = c0.clone();
            Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0.5f, expected, 0, n);
            Arena arena = Arena.ofShared();
            boolean cShared = rnd.nextInt(4) == 0;
            MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
            MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
            MemorySegment sc = (cShared ? arena : confined).allocateFrom(ValueLayout.JAVA_FLOAT, c0);
            boolean close = rnd.nextBoolean();
            long delay = rnd.nextLong(400_000);
            Future<?> closing = close ? closers.submit(() -> {
                java.util.concurrent.locks.LockSupport.parkNanos(delay);
                arena.close();
            }) : null;
            String shape = m + "x" + n + "x" + k + (cShared ? ", c in the closed arena" : "");
            try {
                long before = allocated();
                try {
                    Gemm.multiply(false, false, m, n, k, 1f, sa, 0, k, sb, 0, n, 0.5f, sc, 0, n);
                } finally {
                    // HotSpot interrupts a thread whose access a close cuts short (it delivers the
                    // close as an asynchronous exception): a JDK side effect, noted and cleared.
                    if (Thread.interrupted()) {
                        FAULT_KINDS.computeIfAbsent("(JDK side effect, not injected) caller interrupted by a close",
                                x -> new LongAdder()).increment();
                    }
                }
                measured(Op.GEMM_SEGMENTS, allocated() - before);
                TALLY.get(Op.GEMM_SEGMENTS).calls.increment();
                float[] result = null;
                try {
                    result = sc.toArray(ValueLayout.JAVA_FLOAT);
                } catch (IllegalStateException closedSince) {
                    // C in the shared arena, closed after the call returned: nothing left to check
                }
                if (result != null && !Arrays.equals(expected, result)) {
                    fail(Op.GEMM_SEGMENTS, shape + ": result differs from the array call");
                }
                if (close) {
                    fault(Op.GEMM_SEGMENTS, "arena closed after the call, or after A and B were read");
                }
            } catch (IllegalStateException e) {
                TALLY.get(Op.GEMM_SEGMENTS).calls.increment();
                String msg = String.valueOf(e.getMessage());
                boolean before = msg.matches("[abc] is closed: the arena that owns it was closed before Gemm.multiply was called.*");
                boolean during = msg.matches("(a|b|a and b)( and c)? (was|were) closed by another thread during Gemm.multiply.*")
                        || msg.startsWith("c was closed by another thread during Gemm.multiply");
                if (!close || !(before || during)) {
                    fail(Op.GEMM_SEGMENTS, shape + ": unexpected " + e);
                } else {
                    fault(Op.GEMM_SEGMENTS, before ? "arena closed before the call" : "arena closed during the call");
                    if (!cShared && !Arrays.equals(c0, sc.toArray(ValueLayout.JAVA_FLOAT))) {
                        fail(Op.GEMM_SEGMENTS, shape + ": C changed by a call that threw: " + msg);
                    }
                }
            }
            // Reading C back (when it is in the arena being closed) races with the close too, and
            // HotSpot may interrupt this thread for it as well: the same JDK side effect.
            if (Thread.interrupted()) {
                FAULT_KINDS.computeIfAbsent("(JDK side effect, not injected) caller interrupted by a close",
                        x -> new LongAdder()).increment();
            }
            try {
                if (closing != null) {
                    closing.get(60, TimeUnit.SECONDS);
                } else {
                    arena.close();
                }
            } catch (Exception e) {
                fail(Op.GEMM_SEGMENTS, "closing the arena: " + e);
            }
        }

        /** Read-only c, a closed segment, a segment confined to another thread: named, C unchanged. */
        void badSegments() {
            int kind = rnd.nextInt(3);
            MemorySegment a = confined.allocate(16 * 4), b = confined.allocate(16 * 4), c = confined.allocate(16 * 4);
            c.fill((byte) 3);
            float[] before = c.toArray(ValueLayout.JAVA_FLOAT);
            String which = new String[] {"a", "b", "c"}[rnd.nextInt(3)];
            MemorySegment bad;
            String expect;
            Class<?> type;
            if (kind == 0) {
                which = "c";
                bad = c.asReadOnly();
                expect = "c must be writable: ";
                type = IllegalArgumentException.class;
                fault(Op.BAD_SEGMENTS, "read-only output");
            } else if (kind == 1) {
                Arena gone = Arena.ofConfined();
                bad = gone.allocate(16 * 4);
                gone.close();
                expect = which + " is closed: ";
                type = IllegalStateException.class;
                fault(Op.BAD_SEGMENTS, "segment of a closed arena");
            } else {
                bad = foreign;
                expect = which + " is confined to another thread: ";
                type = WrongThreadException.class;
                fault(Op.BAD_SEGMENTS, "segment confined to another thread");
            }
            TALLY.get(Op.BAD_SEGMENTS).calls.increment();
            try {
                Gemm.multiply(false, false, 4, 4, 4, 1f, which.equals("a") ? bad : a, 0, 4,
                        which.equals("b") ? bad : b, 0, 4, 0f, which.equals("c") ? bad : c, 0, 4);
                fail(Op.BAD_SEGMENTS, "accepted: " + expect);
            } catch (RuntimeException e) {
                if (e.getClass() != type || !String.valueOf(e.getMessage()).startsWith(expect)) {
                    fail(Op.BAD_SEGMENTS, "expected " + type.getSimpleName() + " '" + expect + "...', got " + e);
                }
            }
            if (!Arrays.equals(before, c.toArray(ValueLayout.JAVA_FLOAT))) {
                fail(Op.BAD_SEGMENTS, "c changed by a refused call");
            }
        }
    }

    // ------------------------------------------------------------------ main

    /**
     * Runs the soak.
     *
     * @param args {@code [--seconds S] [--threads T] [--seed N]}
     */
    public static void main(String[] args) throws Exception {
        double seconds = 180;
        int threads = 4;
        long seed = 1;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--seconds" -> seconds = Double.parseDouble(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                default -> {
                    System.err.println("usage: Soak [--seconds S] [--threads T] [--seed N]");
                    System.exit(2);
                }
            }
        }
        long t0 = System.nanoTime();
        prepare();
        helpers = Executors.newFixedThreadPool(2, r -> daemon(r, "soak-helper"));
        later = Executors.newScheduledThreadPool(1, r -> daemon(r, "soak-later"));
        closers = Executors.newFixedThreadPool(2, r -> daemon(r, "soak-closer"));
        CountDownLatch foreignReady = new CountDownLatch(1);
        Thread owner = daemon(() -> {
            try (Arena theirs = Arena.ofConfined()) {
                foreign = theirs.allocate(64 * 4);
                foreignReady.countDown();
                STOP_FOREIGN.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "soak-foreign-owner");
        owner.start();
        foreignReady.await();

        long start = System.nanoTime(), deadline = start + (long) (seconds * 1e9);
        secondHalf = start + (long) (seconds * 0.5e9);
        Worker[] workers = new Worker[threads];
        Thread[] running = new Thread[threads];
        for (int w = 0; w < threads; w++) {
            workers[w] = new Worker(seed * 1000 + w, deadline);
            running[w] = new Thread(workers[w], "soak-worker-" + w);
            running[w].start();
        }
        boolean hung = false;
        while (!hung && Arrays.stream(running).anyMatch(Thread::isAlive)) {
            Thread.sleep(500);
            for (int w = 0; w < threads; w++) {
                if (running[w].isAlive() && System.nanoTime() - workers[w].progress.get() > 120_000_000_000L) {
                    hung = true;
                    StringBuilder trace = new StringBuilder("soak-worker-" + w + " made no progress for 120 s:");
                    for (StackTraceElement e : running[w].getStackTrace()) {
                        trace.append("\n    at ").append(e);
                    }
                    FAILURES.add(trace.toString());
                }
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        STOP_FOREIGN.countDown();
        helpers.shutdownNow();
        later.shutdownNow();
        closers.shutdownNow();

        long calls = 0, faults = 0, failures = hung ? 1 : 0, bytes = 0, measuredCalls = 0, late = 0, lateCalls = 0;
        StringBuilder out = new StringBuilder();
        out.append(String.format("  %-34s %10s %10s %9s %12s %12s%n", "operation", "calls", "faults", "failures",
                "B/call", "2nd half"));
        for (Op op : Op.values()) {
            Tally t = TALLY.get(op);
            long mc = t.measuredCalls.sum(), lmc = t.lateMeasuredCalls.sum();
            out.append(String.format("  %-34s %10d %10d %9d %12s %12s%n", op.label, t.calls.sum(), t.faults.sum(),
                    t.failures.sum(), mc == 0 ? "-" : String.format("%.1f", (double) t.bytes.sum() / mc),
                    lmc == 0 ? "-" : String.format("%.1f", (double) t.lateBytes.sum() / lmc)));
            calls += t.calls.sum();
            faults += t.faults.sum();
            failures += t.failures.sum();
            bytes += t.bytes.sum();
            measuredCalls += mc;
            late += t.lateBytes.sum();
            lateCalls += lmc;
        }
        System.out.printf("vecprop soak: %s, %d calls, %d faults injected, %d failures; library bytes per call"
                        + " %.1f (whole run), %.1f (second half)%n  %d threads for %.0f s (seed %d, %s; set-up %.1f s)%n",
                failures == 0 ? "PASS" : "FAIL", calls, faults, failures, (double) bytes / Math.max(1, measuredCalls),
                (double) late / Math.max(1, lateCalls), threads, elapsed, seed, Simd.description(), (start - t0) / 1e9);
        System.out.println("  (B/call: bytes the calling thread allocated inside the library calls, ThreadMXBean;"
                + " the faulty executors' own allocation excluded)");
        System.out.print(out);
        System.out.println("  faults injected, by kind:");
        FAULT_KINDS.forEach((k, v) -> System.out.printf("    %-62s %8d%n", k, v.sum()));
        if (!FAILURES.isEmpty()) {
            System.out.println("  failures (first 50):");
            FAILURES.forEach(f -> System.out.println("    " + f));
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}

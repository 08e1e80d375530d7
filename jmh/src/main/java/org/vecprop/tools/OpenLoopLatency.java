package org.vecprop.tools;

import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.sun.management.GarbageCollectionNotificationInfo;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import org.HdrHistogram.Histogram;
import org.vecprop.jmh.InferenceLatency;
import org.vecprop.jmh.OnnxMlpModel;
import org.vecprop.jmh.OrtMlp;
import org.vecprop.kernel.Simd;
import org.vecprop.nn.Network;

/**
 * Inference latency under load, in process (no HTTP): requests at a fixed rate on several threads,
 * open loop, for vecprop and ONNX Runtime on the same 784-256-128-10 ReLU model at batch 1
 * ({@link InferenceLatency}'s weights, seeded biases and inputs).
 *
 * <h2>How the load is offered</h2>
 * Request {@code i} of a run at rate R is due at {@code t0 + i / R}. Worker threads (platform
 * threads, {@code --threads}, default one per CPU) take the next request number from one shared
 * counter, wait until it is due (parked until 100 µs before, then spinning, so that the
 * generator's own wake-up delay stays out of the numbers as far as it can), run it, and record
 * <b>latency = completion - due time</b>. A request that could not start on time because every
 * worker was busy is charged the wait: no coordinated omission, the service's backlog shows up in
 * the percentiles as it would for a client. This is a queue served by T workers, the shape of a
 * service with a pool of T networks (or T ONNX Runtime callers) behind it. Also recorded: the
 * service time (completion - start) and the start lag (start - due; at low load this is the
 * generator's timer error, under load it is queueing).
 *
 * <h2>What is run</h2>
 * Per backend: a closed-loop warm-up (JIT), a closed-loop saturation run (every worker calling
 * back to back: the most requests per second this machine sustains, X), then open-loop runs at
 * the fractions {@code --fractions} of X (or the absolute {@code --rates}), and optionally a soak
 * ({@code --soak-minutes}) at {@code --soak-fraction} of X (0.7) reporting each minute's
 * percentiles, GCs, heap in use at the minute's end and heap after the minute's last GC.
 *
 * <h2>Backends</h2>
 * <ul>
 *   <li>{@code vecprop}: one {@link Network} holds the weights; each worker has
 *       {@link Network#sharingWeights}{@code (1)} of it (its own buffers, shared read-only
 *       weights), as a service's pool does;</li>
 *   <li>{@code onnxruntime}: one {@link OrtSession} shared by every worker (intra-op and inter-op
 *       threads 1, sequential, no spinning, optimization ALL: {@link OrtMlp#openSession}); each
 *       worker has its own input and pinned output tensors over direct buffers.</li>
 * </ul>
 * Both are checked against each other on the first input before any run.
 *
 * <h2>Memory</h2>
 * GCs and pause time come from the collectors' MXBean notifications during each run (every
 * collector's pauses; ZGC's and Shenandoah's "Cycles" beans, which time concurrent work, are left
 * out). Bytes allocated per request are the workers' own ({@code ThreadMXBean.getThreadAllocatedBytes}),
 * so they count what the backend allocates per call and nothing of the generator's bookkeeping
 * (which allocates nothing per request: histograms are made before a run and recorded in place;
 * the main thread allocates a few hundred bytes per minute of a soak for its row).
 *
 * <p>Output: a table on standard output and, with {@code --out}, a CSV (one row per run and per
 * soak minute; {@code #} lines give the machine, JVM and command). {@code scripts/latency} runs it.
 */
public final class OpenLoopLatency {
    private static final long SPIN_NS = 100_000;
    /** A request whose turn comes more than this late is abandoned (counted as an error), so that an overload ends. */
    private static final long ABANDON_NS = 10_000_000_000L;
    /** Latencies are tracked up to 100 s (longer ones are recorded as 100 s), to 3 significant digits. */
    private static final long MAX_TRACKED_NS = 100_000_000_000L;
    private static final int INPUTS = 16;

    private OpenLoopLatency() {}

    /** One inference at batch 1; returns one output value so the work cannot be skipped. */
    interface Caller {
        float call(int input) throws Exception;
    }

    /** A model loaded into one engine, making a caller per worker thread. */
    interface Engine extends AutoCloseable {
        String name();

        String description();

        Caller newCaller() throws Exception;

        @Override
        void close() throws Exception;
    }

    /** {@link #INPUTS} seeded rows, uniform in [-1, 1), cycled through by every worker. */
    static float[][] inputs() {
        java.util.Random r = new java.util.Random(2027);
        float[][] x = new float[INPUTS][InferenceLatency.SIZES[0]];
        for (float[] row : x) {
            for (int i = 0; i < row.length; i++) {
                row[i] = r.nextFloat() * 2 - 1;
            }
        }
        return x;
    }

    static Engine vecprop(InferenceLatency.Weights w, float[][] x) {
        Network master = w.network();
        int in = InferenceLatency.SIZES[0];
        return new Engine() {
            @Override
            public String name() {
                return "vecprop";
            }

            @Override
            public String description() {
                return Simd.description() + "; one Network, each worker on sharingWeights(1)";
            }

            @Override
            public Caller newCaller() {
                Network net = master.sharingWeights(1);
                return i -> net.forward(x[i], 0, in, 1).get(0, 0);
            }

            @Override
            public void close() {}
        };
    }

    static Engine onnxruntime(InferenceLatency.Weights w, float[][] x) throws OrtException {
        int[] sizes = InferenceLatency.SIZES;
        OrtSession session = OrtMlp.openSession(OnnxMlpModel.build(1, sizes, w.w(), w.b()));
        List<OrtMlp> callers = new ArrayList<>();
        return new Engine() {
            @Override
            public String name() {
                return "onnxruntime";
            }

            @Override
            public String description() {
                return "ONNX Runtime " + ai.onnxruntime.OrtEnvironment.getEnvironment().getVersion()
                        + "; one session shared by every worker (intra-op threads 1, inter-op threads 1,"
                        + " sequential, no spinning, optimization ALL)";
            }

            @Override
            public Caller newCaller() throws OrtException {
                OrtMlp m = new OrtMlp(session, 1, sizes[0], sizes[sizes.length - 1]);
                synchronized (callers) {
                    callers.add(m);
                }
                float[] y = new float[sizes[sizes.length - 1]];
                return i -> m.forward(x[i], y)[0];
            }

            @Override
            public void close() throws OrtException {
                for (OrtMlp m : callers) {
                    m.close();
                }
                session.close();
            }
        };
    }

    // ------------------------------------------------------------------------------ GC watch

    /** Pauses and heap after GC, from the collectors' notifications. */
    static final class GcWatch {
        final AtomicLong count = new AtomicLong(), pauseMicros = new AtomicLong(), maxPauseMicros = new AtomicLong();
        volatile long heapAfterLastGc = -1;

        GcWatch() {
            for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
                if (gc.getName().endsWith("Cycles")) {
                    continue; // ZGC, Shenandoah: concurrent cycles, not pauses
                }
                ((NotificationEmitter) gc).addNotificationListener((n, hb) -> {
                    if (!GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION.equals(n.getType())) {
                        return;
                    }
                    GarbageCollectionNotificationInfo info =
                            GarbageCollectionNotificationInfo.from((CompositeData) n.getUserData());
                    long micros = info.getGcInfo().getDuration() * 1000;
                    count.incrementAndGet();
                    pauseMicros.addAndGet(micros);
                    maxPauseMicros.accumulateAndGet(micros, Math::max);
                    long used = 0;
                    for (MemoryUsage u : info.getGcInfo().getMemoryUsageAfterGc().values()) {
                        used += u.getUsed();
                    }
                    heapAfterLastGc = used;
                }, null, null);
            }
        }

        long[] snapshot() {
            return new long[] {count.get(), pauseMicros.get()};
        }
    }

    // ------------------------------------------------------------------------------ workers

    /** What one worker records during a run: reset at its start, read after its end. */
    static final class Worker {
        final Caller caller;
        final Histogram latency = new Histogram(MAX_TRACKED_NS, 3), service = new Histogram(MAX_TRACKED_NS, 3),
                lag = new Histogram(MAX_TRACKED_NS, 3);
        Histogram[] perMinute = new Histogram[0];
        long[] minuteErrors = new long[0];
        long count, errors;
        long lastDone;
        double sink;
        Thread thread;

        Worker(Caller caller) {
            this.caller = caller;
        }

        void reset(int minutes) {
            latency.reset();
            service.reset();
            lag.reset();
            if (perMinute.length < minutes) {
                Histogram[] h = new Histogram[minutes];
                for (int m = 0; m < minutes; m++) {
                    h[m] = m < perMinute.length ? perMinute[m] : new Histogram(MAX_TRACKED_NS, 3);
                }
                perMinute = h;
            }
            for (Histogram h : perMinute) {
                h.reset();
            }
            if (minuteErrors.length < minutes) {
                minuteErrors = new long[minutes];
            }
            java.util.Arrays.fill(minuteErrors, 0);
            count = errors = 0;
        }
    }

    /** One run: closed loop (rate 0) or open loop at {@code rate} requests per second. */
    record Run(String phase, double rate, long durationNs, int minutes) {}

    /** The run every worker performs next, and its clock. */
    private static volatile Run current;
    private static volatile long t0, tEnd;
    private static final AtomicLong next = new AtomicLong();

    static void work(Worker w, CyclicBarrier start, CyclicBarrier done) {
        int input = 0;
        try {
            while (true) {
                start.await();
                Run run = current;
                if (run == null) {
                    return;
                }
                if (run.rate() <= 0) {
                    while (System.nanoTime() < tEnd) {
                        long s = System.nanoTime();
                        try {
                            w.sink += w.caller.call(input);
                            long d = System.nanoTime();
                            w.service.recordValue(Math.min(d - s, MAX_TRACKED_NS));
                            w.latency.recordValue(Math.min(d - s, MAX_TRACKED_NS));
                            w.count++;
                            w.lastDone = d;
                        } catch (Exception e) {
                            w.errors++;
                        }
                        input = (input + 1) % INPUTS;
                    }
                } else {
                    double period = 1e9 / run.rate();
                    while (true) {
                        long i = next.getAndIncrement();
                        long due = t0 + (long) (i * period);
                        if (due >= tEnd) {
                            break;
                        }
                        long now = System.nanoTime();
                        if (due - now > SPIN_NS) {
                            LockSupport.parkNanos(due - now - SPIN_NS);
                        }
                        while ((now = System.nanoTime()) < due) {
                            Thread.onSpinWait();
                        }
                        int minute = run.minutes() == 0 ? 0
                                : (int) Math.min((due - t0) / 60_000_000_000L, run.minutes() - 1);
                        if (now - due > ABANDON_NS) {
                            w.errors++;
                            if (run.minutes() > 0) {
                                w.minuteErrors[minute]++;
                            }
                            continue;
                        }
                        try {
                            w.sink += w.caller.call(input);
                        } catch (Exception e) {
                            w.errors++;
                            if (run.minutes() > 0) {
                                w.minuteErrors[minute]++;
                            }
                            continue;
                        }
                        long d = System.nanoTime();
                        long latency = Math.min(d - due, MAX_TRACKED_NS);
                        w.latency.recordValue(latency);
                        w.service.recordValue(Math.min(d - now, MAX_TRACKED_NS));
                        w.lag.recordValue(Math.min(now - due, MAX_TRACKED_NS));
                        if (run.minutes() > 0) {
                            w.perMinute[minute].recordValue(latency);
                        }
                        w.count++;
                        w.lastDone = d;
                        input = (input + 1) % INPUTS;
                    }
                }
                done.await();
            }
        } catch (Exception e) {
            throw new IllegalStateException("worker stopped: " + e, e);
        }
    }

    // ------------------------------------------------------------------------------ one backend

    /** A row of the report. */
    record Row(String backend, String phase, double offered, double achieved, long requests, long errors,
               Histogram latency, Histogram lag, long gcCount, double gcPauseMs, double gcMaxPauseMs,
               double allocPerRequest, double heapUsedMb, double heapAfterGcMb) {

        static final String HEADER = "backend,phase,offered_rps,achieved_rps,requests,errors,p50_us,p90_us,p99_us,"
                + "p999_us,max_us,lag_p99_us,gc_count,gc_pause_ms,gc_max_pause_ms,alloc_bytes_per_request,"
                + "heap_used_mb,heap_after_gc_mb";

        String csv() {
            return String.join(",", backend, phase, f(offered, 1), f(achieved, 1), Long.toString(requests),
                    Long.toString(errors), us(latency, 50), us(latency, 90), us(latency, 99), us(latency, 99.9),
                    f(latency.getMaxValue() / 1e3, 1), us(lag, 99), Long.toString(gcCount), f(gcPauseMs, 3),
                    f(gcMaxPauseMs, 3), f(allocPerRequest, 1), heapUsedMb < 0 ? "" : f(heapUsedMb, 2),
                    heapAfterGcMb < 0 ? "" : f(heapAfterGcMb, 2));
        }

        String line() {
            return String.format(Locale.ROOT, "%-11s %-15s %9s %9s %8d %6d  %8s %8s %8s %8s %9s  %4d %8.2f %8.1f%s",
                    backend, phase, offered <= 0 ? "closed" : f(offered, 0), f(achieved, 0), requests, errors,
                    us(latency, 50), us(latency, 99), us(latency, 99.9), us(lag, 99),
                    f(latency.getMaxValue() / 1e3, 1), gcCount, gcPauseMs, allocPerRequest,
                    heapUsedMb < 0 ? "" : String.format(Locale.ROOT, "  heap %.1f MB in use, %s",
                            heapUsedMb, heapAfterGcMb < 0 ? "no GC this minute"
                                    : f(heapAfterGcMb, 1) + " MB after its last GC"));
        }

        static String lineHeader() {
            return String.format(Locale.ROOT, "%-11s %-15s %9s %9s %8s %6s  %8s %8s %8s %8s %9s  %4s %8s %8s",
                    "backend", "phase", "offered", "achieved", "requests", "errors", "p50 us", "p99 us", "p99.9 us",
                    "lag p99", "max us", "GCs", "pause ms", "B/req");
        }

        private static String us(Histogram h, double p) {
            return h.getTotalCount() == 0 ? "" : f(h.getValueAtPercentile(p) / 1e3, 1);
        }

        private static String f(double v, int digits) {
            return String.format(Locale.ROOT, "%." + digits + "f", v);
        }
    }

    /** The settings of a whole invocation. */
    record Settings(List<String> backends, int threads, double warmupS, double saturationS, double[] fractions,
                    double[] rates, double durationS, int soakMinutes, double soakFraction, double soakRate, Path out) {}

    static List<Row> runBackend(Engine engine, Settings s, GcWatch gc, PrintWriter log) throws Exception {
        int t = s.threads();
        List<Worker> workers = new ArrayList<>();
        for (int i = 0; i < t; i++) {
            workers.add(new Worker(engine.newCaller()));
        }
        CyclicBarrier start = new CyclicBarrier(t + 1), done = new CyclicBarrier(t + 1);
        for (int i = 0; i < t; i++) {
            Worker w = workers.get(i);
            w.thread = Thread.ofPlatform().daemon().name("load-" + engine.name() + "-" + i)
                    .start(() -> work(w, start, done));
        }
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] ids = workers.stream().mapToLong(w -> w.thread.threadId()).toArray();
        List<Row> rows = new ArrayList<>();
        try {
            run(workers, start, done, threads, ids, gc, engine, new Run("warmup", 0, seconds(s.warmupS()), 0));
            Row sat = run(workers, start, done, threads, ids, gc, engine,
                    new Run("saturation", 0, seconds(s.saturationS()), 0)).get(0);
            rows.add(sat);
            log.println(sat.line());
            log.flush();
            double x = sat.achieved();
            double[] rates = s.rates() != null ? s.rates() : scale(s.fractions(), x);
            for (double r : rates) {
                Row row = run(workers, start, done, threads, ids, gc, engine,
                        new Run("rate", r, seconds(s.durationS()), 0)).get(0);
                rows.add(row);
                log.println(row.line());
                log.flush();
            }
            if (s.soakMinutes() > 0) {
                double r = s.soakRate() > 0 ? s.soakRate() : s.soakFraction() * x;
                log.println("# soak: " + s.soakMinutes() + " minutes at " + Math.round(r) + " requests/s ("
                        + (s.soakRate() > 0 ? "given" : Math.round(s.soakFraction() * 100) + "% of the saturation rate")
                        + "), one row per minute");
                log.flush();
                List<Row> soak = run(workers, start, done, threads, ids, gc, engine,
                        new Run("soak", r, seconds(60.0 * s.soakMinutes()), s.soakMinutes()));
                for (Row row : soak) {
                    log.println(row.line());
                }
                rows.addAll(soak);
                Row first = soak.get(0), last = soak.get(soak.size() - 1);
                List<Row> withGc = soak.stream().filter(row -> row.heapAfterGcMb() >= 0).toList();
                log.println(String.format(Locale.ROOT, "# soak drift: p99 %.1f us in minute 1, %.1f us in minute %d"
                                + " (ratio %.2f); heap after GC %s; heap in use %.1f MB after minute 1, %.1f MB at the end",
                        first.latency().getValueAtPercentile(99) / 1e3, last.latency().getValueAtPercentile(99) / 1e3,
                        soak.size(),
                        (double) last.latency().getValueAtPercentile(99) / Math.max(1, first.latency().getValueAtPercentile(99)),
                        withGc.isEmpty() ? "unknown (no GC during the soak)"
                                : String.format(Locale.ROOT, "%.1f MB in %s, %.1f MB in %s (%d minutes with a GC)",
                                        withGc.get(0).heapAfterGcMb(), withGc.get(0).phase(),
                                        withGc.get(withGc.size() - 1).heapAfterGcMb(), withGc.get(withGc.size() - 1).phase(),
                                        withGc.size()),
                        first.heapUsedMb(), last.heapUsedMb()));
                log.flush();
            }
        } finally {
            current = null;
            start.await();
        }
        return rows;
    }

    private static double[] scale(double[] fractions, double x) {
        double[] r = new double[fractions.length];
        for (int i = 0; i < r.length; i++) {
            r[i] = fractions[i] * x;
        }
        return r;
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    /** Runs one phase on every worker; a soak gives one row per minute, every other run one row. */
    static List<Row> run(List<Worker> workers, CyclicBarrier start, CyclicBarrier done,
                         com.sun.management.ThreadMXBean threads, long[] ids, GcWatch gc, Engine engine, Run run)
            throws Exception {
        for (Worker w : workers) {
            w.reset(run.minutes());
        }
        // Every histogram this run fills is made now, so that nothing is allocated while it runs
        // (a GC during the run is then the backend's doing, not the harness's).
        Histogram latency = new Histogram(MAX_TRACKED_NS, 3), lag = new Histogram(MAX_TRACKED_NS, 3);
        Histogram noLag = new Histogram(MAX_TRACKED_NS, 3); // a soak minute's row shows no lag column
        Histogram[] minuteLatency = new Histogram[run.minutes()];
        for (int m = 0; m < minuteLatency.length; m++) {
            minuteLatency[m] = new Histogram(MAX_TRACKED_NS, 3);
        }
        long[] alloc0 = threads.getThreadAllocatedBytes(ids);
        long[] gc0 = gc.snapshot();
        long max0 = gc.maxPauseMicros.getAndSet(0);
        next.set(0);
        current = run;
        t0 = System.nanoTime() + 5_000_000;
        tEnd = t0 + run.durationNs();
        start.await();
        List<Row> rows = new ArrayList<>();
        if (run.minutes() > 0) {
            // Each minute: sleep to its end, then read the heap and the GCs of that minute.
            long[] gcPrev = gc0;
            long[] allocPrev = alloc0;
            for (int m = 1; m <= run.minutes(); m++) {
                long until = t0 + m * 60_000_000_000L;
                long now;
                while ((now = System.nanoTime()) < until) {
                    LockSupport.parkNanos(until - now);
                }
                long[] g = gc.snapshot();
                long maxPause = gc.maxPauseMicros.getAndSet(0);
                long[] a = threads.getThreadAllocatedBytes(ids);
                double heapUsed = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1048576.0;
                double afterGc = g[0] > gcPrev[0] && gc.heapAfterLastGc >= 0 ? gc.heapAfterLastGc / 1048576.0 : -1;
                rows.add(new Row(engine.name(), "soak-min-" + m, run.rate(), Double.NaN, 0, 0, minuteLatency[m - 1], noLag,
                        g[0] - gcPrev[0], (g[1] - gcPrev[1]) / 1e3, maxPause / 1e3, sum(a) - sum(allocPrev),
                        heapUsed, afterGc));
                gcPrev = g;
                allocPrev = a;
            }
        }
        done.await();
        long[] alloc1 = threads.getThreadAllocatedBytes(ids);
        long[] gc1 = gc.snapshot();
        long maxPause = gc.maxPauseMicros.getAndSet(0);
        long count = 0, errors = 0, last = t0;
        for (Worker w : workers) {
            latency.add(w.latency);
            lag.add(w.lag);
            count += w.count;
            errors += w.errors;
            last = Math.max(last, w.lastDone);
        }
        if (run.minutes() == 0) {
            double seconds = Math.max(run.durationNs(), last - t0) / 1e9;
            rows.add(new Row(engine.name(), run.phase(), run.rate(), count / seconds, count, errors, latency, lag,
                    gc1[0] - gc0[0], (gc1[1] - gc0[1]) / 1e3, Math.max(maxPause, 0) / 1e3,
                    count == 0 ? 0 : (double) (sum(alloc1) - sum(alloc0)) / count, -1, -1));
            return rows;
        }
        // Soak: fill each minute's histogram, count and rate, now that the workers are done.
        List<Row> out = new ArrayList<>();
        for (int m = 0; m < rows.size(); m++) {
            Row r = rows.get(m);
            Histogram h = r.latency();
            long minuteErrors = 0;
            for (Worker w : workers) {
                h.add(w.perMinute[m]);
                minuteErrors += w.minuteErrors[m];
            }
            long n = h.getTotalCount();
            out.add(new Row(r.backend(), r.phase(), r.offered(), n / 60.0, n, minuteErrors, h,
                    r.lag(), r.gcCount(), r.gcPauseMs(), r.gcMaxPauseMs(), n == 0 ? 0 : r.allocPerRequest() / n,
                    r.heapUsedMb(), r.heapAfterGcMb()));
        }
        return out;
    }

    private static long sum(long[] v) {
        long s = 0;
        for (long x : v) {
            s += x;
        }
        return s;
    }

    // ------------------------------------------------------------------------------ command line

    static final String USAGE = """
            usage: OpenLoopLatency [OPTION]...
            Open-loop inference latency at batch 1, vecprop and ONNX Runtime on one 784-256-128-10 model.

              --backends LIST     vecprop,onnxruntime (default both, in that order)
              --threads N         worker threads (default: the CPUs)
              --warmup S          closed-loop warm-up seconds (default 10)
              --saturation S      closed-loop seconds measuring the saturation rate X (default 10)
              --fractions LIST    open-loop rates as fractions of X (default 0.1,0.25,0.5,0.7,0.8,0.9,1.0)
              --rates LIST        absolute rates in requests/s instead of fractions
              --duration S        seconds per rate (default 15)
              --soak-minutes M    then a soak of M minutes (default 0: none)
              --soak-fraction F   its rate as a fraction of X (default 0.7)
              --soak-rate R       its rate in requests/s instead
              --out FILE.csv      also write the rows as CSV
              -h, --help          this text
            """;

    /**
     * Runs the measurement.
     *
     * @param args see {@link #USAGE}
     */
    public static void main(String[] args) throws Exception {
        Settings s;
        try {
            s = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("OpenLoopLatency: " + e.getMessage() + " (see --help)");
            System.exit(2);
            return;
        }
        if (s == null) {
            System.out.print(USAGE);
            return;
        }
        PrintWriter log = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        List<String> header = new ArrayList<>();
        header.add("# in-process open-loop latency, batch 1, model 784-256-128-10 ReLU (InferenceLatency's weights)");
        header.add("# machine: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " CPUs");
        header.add("# jdk: " + System.getProperty("java.vm.name") + " " + Runtime.version() + ", flags "
                + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        header.add("# threads: " + s.threads() + "; latency = completion - due time (open loop, no coordinated omission)");
        InferenceLatency.Weights weights = InferenceLatency.Weights.create(1);
        float[][] x = inputs();
        checkAgreement(weights, x);
        GcWatch gc = new GcWatch();
        List<Row> all = new ArrayList<>();
        for (String h : header) {
            log.println(h);
        }
        log.println(Row.lineHeader());
        for (String b : s.backends()) {
            try (Engine engine = b.equals("vecprop") ? vecprop(weights, x) : onnxruntime(weights, x)) {
                String d = "# " + engine.name() + ": " + engine.description();
                header.add(d);
                log.println(d);
                all.addAll(runBackend(engine, s, gc, log));
            }
        }
        if (s.out() != null) {
            Path parent = s.out().toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            List<String> lines = new ArrayList<>(header);
            lines.add(Row.HEADER);
            for (Row r : all) {
                lines.add(r.csv());
            }
            Files.write(s.out(), lines, StandardCharsets.UTF_8);
            log.println("# wrote " + s.out());
        }
    }

    /** vecprop and ONNX Runtime on the first input: the same model, within float32 rounding. */
    static void checkAgreement(InferenceLatency.Weights w, float[][] x) throws Exception {
        int out = InferenceLatency.SIZES[InferenceLatency.SIZES.length - 1];
        float[] v = w.network().sharingWeights(1).forward(x[0], 0, x[0].length, 1).toArray();
        float[] o = new float[out];
        try (OrtMlp m = new OrtMlp(OnnxMlpModel.build(1, InferenceLatency.SIZES, w.w(), w.b()), 1,
                InferenceLatency.SIZES[0], out)) {
            m.forward(x[0], o);
        }
        double scale = 1, worst = 0;
        for (int i = 0; i < out; i++) {
            scale = Math.max(scale, Math.abs(v[i]));
            worst = Math.max(worst, Math.abs(v[i] - o[i]));
        }
        if (!(worst <= 1e-4 * scale)) {
            throw new IllegalStateException("vecprop and ONNX Runtime differ by " + worst + " on the same model");
        }
    }

    static String cpuModel() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException e) {
            // not Linux
        }
        return System.getProperty("os.arch");
    }

    static Settings parse(String[] args) {
        List<String> backends = List.of("vecprop", "onnxruntime");
        int threads = Runtime.getRuntime().availableProcessors();
        double warmup = 10, saturation = 10, duration = 15, soakFraction = 0.7, soakRate = 0;
        double[] fractions = {0.1, 0.25, 0.5, 0.7, 0.8, 0.9, 1.0}, rates = null;
        int soakMinutes = 0;
        Path out = null;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("-h") || a.equals("--help")) {
                return null;
            }
            if (!a.startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException(a.startsWith("--") ? a + " needs a value"
                        : "unknown argument " + a);
            }
            String v = args[++i];
            switch (a) {
                case "--backends" -> {
                    backends = List.of(v.split(","));
                    for (String b : backends) {
                        if (!b.equals("vecprop") && !b.equals("onnxruntime")) {
                            throw new IllegalArgumentException("--backends takes vecprop and onnxruntime, got " + b);
                        }
                    }
                }
                case "--threads" -> threads = (int) positive(a, v);
                case "--warmup" -> warmup = positive(a, v);
                case "--saturation" -> saturation = positive(a, v);
                case "--fractions" -> fractions = list(a, v);
                case "--rates" -> rates = list(a, v);
                case "--duration" -> duration = positive(a, v);
                case "--soak-minutes" -> soakMinutes = (int) positive(a, v);
                case "--soak-fraction" -> soakFraction = positive(a, v);
                case "--soak-rate" -> soakRate = positive(a, v);
                case "--out" -> out = Path.of(v);
                default -> throw new IllegalArgumentException("unknown option " + a);
            }
        }
        return new Settings(backends, threads, warmup, saturation, fractions, rates, duration, soakMinutes,
                soakFraction, soakRate, out);
    }

    private static double positive(String option, String v) {
        double d;
        try {
            d = Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + v + "'");
        }
        if (!(d > 0) || Double.isInfinite(d)) {
            throw new IllegalArgumentException(option + " must be > 0, got " + v);
        }
        return d;
    }

    private static double[] list(String option, String v) {
        String[] p = v.split(",");
        double[] d = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            d[i] = positive(option, p[i]);
        }
        return d;
    }
}

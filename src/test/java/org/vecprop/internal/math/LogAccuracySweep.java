package org.vecprop.internal.math;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.vecprop.internal.math.ExpAccuracySweep.Stats;

/**
 * The exhaustive accuracy and agreement sweep of log and log1p behind {@code scripts/log-accuracy}
 * (run it through the script; it needs {@code --add-modules jdk.incubator.vector}), built as
 * {@link ExpAccuracySweep} is: for every float bit pattern (or every {@code stride}-th), the
 * scalar {@link FloatLog} against the vector {@link VectorFloatLog} on the species
 * {@link ExpAccuracySweep#S} bit for bit, and with {@code --errors} the scalar result's error
 * against the double-precision truth in ulps ({@link LogFunction}), per region. It prints a
 * Markdown section with a digest of the results on every 65537th float, and exits with status 1
 * if scalar and vector differ anywhere or a result is over its bound. {@code --time} prints rough
 * timings instead.
 *
 * <p>Usage: {@code LogAccuracySweep [--errors] [--stride S] [--threads T] [--label TEXT] | --time}
 */
public final class LogAccuracySweep {
    private LogAccuracySweep() {}

    static final VectorSpecies<Float> S = ExpAccuracySweep.S;
    static final int BLOCK = ExpAccuracySweep.BLOCK;

    /** The regions each function's errors are reported for (k as the reduction computes it). */
    static final String[][] REGIONS = {
        {"subnormal x", "k = 0: x in [0.7071, 1.4142)", "k = -1 or 1", "\\|k\\| >= 2, normal x",
            "x <= 0, +Inf, NaN"},
        {"\\|x\\| < 2^-24 (returns x)", "k = 0: 1 + x in [0.7071, 1.4142), \\|x\\| >= 2^-24",
            "k <= -1: x in (-1, -0.2929)", "k = 1", "k >= 2", "x <= -1, ±0, +Inf, NaN"},
    };

    static int region(LogFunction fn, float x) {
        if (fn == LogFunction.LOG) {
            if (!(x > 0f && x <= Float.MAX_VALUE)) {
                return 4;
            }
            if (x < Float.MIN_NORMAL) {
                return 0;
            }
            int k = (Float.floatToRawIntBits(x) - FloatLog.SQRT_HALF_BITS) >> 23;
            return k == 0 ? 1 : Math.abs(k) == 1 ? 2 : 3;
        }
        if (!(x > -1f && x <= Float.MAX_VALUE) || x == 0f) {
            return 5;
        }
        if (Math.abs(x) < 0x1p-24f) {
            return 0;
        }
        int k = (Float.floatToRawIntBits(1f + x) - FloatLog.SQRT_HALF_BITS) >> 23;
        return k == 0 ? 1 : k < 0 ? 2 : k == 1 ? 3 : 4;
    }

    static void vector(LogFunction fn, float[] in, float[] out) {
        int l = S.length();
        switch (fn) {
            case LOG -> {
                for (int i = 0; i < in.length; i += l) {
                    VectorFloatLog.log(FloatVector.fromArray(S, in, i)).intoArray(out, i);
                }
            }
            case LOG1P -> {
                for (int i = 0; i < in.length; i += l) {
                    VectorFloatLog.log1p(FloatVector.fromArray(S, in, i)).intoArray(out, i);
                }
            }
        }
    }

    static void sweepBlock(float[] in, int n, boolean errors, Stats[] stats, float[] vec) {
        for (LogFunction fn : LogFunction.values()) {
            Stats st = stats[fn.ordinal()];
            vector(fn, in, vec);
            for (int i = 0; i < n; i++) {
                float x = in[i];
                float s = fn.scalar(x);
                if (Float.floatToIntBits(s) != Float.floatToIntBits(vec[i]) && st.mismatches++ == 0) {
                    st.firstMismatch = x;
                }
                st.checked++;
                if (errors) {
                    double t = fn.truth(x);
                    double err = ExpFunction.ulpError(s, t);
                    if (!(err <= fn.bound(x, t)) && st.overBound++ == 0) {
                        st.firstOverBound = x;
                    }
                    int r = region(fn, x);
                    st.count[r]++;
                    if (err > st.worst[r]) {
                        st.worst[r] = err;
                        st.worstArg[r] = x;
                        st.worstGot[r] = s;
                        st.worstTruth[r] = t;
                    }
                    if (Float.floatToIntBits(s) != Float.floatToIntBits((float) t)) {
                        st.notCorrectlyRounded++;
                    }
                }
            }
        }
    }

    public static void main(String[] args) throws InterruptedException {
        boolean errors = false;
        boolean time = false;
        long stride = 1;
        int threads = Runtime.getRuntime().availableProcessors();
        String label = "";
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--errors" -> errors = true;
                case "--time" -> time = true;
                case "--stride" -> stride = Long.parseLong(args[++i]);
                case "--threads" -> threads = Integer.parseInt(args[++i]);
                case "--label" -> label = args[++i];
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + " (usage: [--errors] [--stride S] [--threads T] [--label TEXT] | --time)");
            }
        }
        if (stride < 1) {
            throw new IllegalArgumentException("stride must be >= 1: " + stride);
        }
        if (time) {
            timing();
            return;
        }
        long total = ((1L << 32) + stride - 1) / stride;
        long blocks = (total + BLOCK - 1) / BLOCK;
        AtomicLong next = new AtomicLong();
        List<Stats[]> perThread = new ArrayList<>();
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        final boolean withErrors = errors;
        final long step = stride;
        for (int t = 0; t < threads; t++) {
            Stats[] stats = newStats();
            perThread.add(stats);
            Thread w = new Thread(() -> {
                float[] in = new float[BLOCK];
                float[] vec = new float[BLOCK];
                for (long b; (b = next.getAndIncrement()) < blocks; ) {
                    long first = b * BLOCK;
                    int n = (int) Math.min(BLOCK, total - first);
                    for (int i = 0; i < BLOCK; i++) {
                        long idx = first + (i < n ? i : 0);
                        in[i] = Float.intBitsToFloat((int) (idx * step));
                    }
                    sweepBlock(in, n, withErrors, stats, vec);
                }
            }, "sweep-" + t);
            workers.add(w);
            w.start();
        }
        for (Thread w : workers) {
            w.join();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Stats[] all = newStats();
        for (Stats[] s : perThread) {
            for (LogFunction fn : LogFunction.values()) {
                all[fn.ordinal()].merge(s[fn.ordinal()]);
            }
        }
        print(all, errors, stride, label, seconds, threads);
    }

    static Stats[] newStats() {
        Stats[] s = new Stats[LogFunction.values().length];
        for (LogFunction fn : LogFunction.values()) {
            s[fn.ordinal()] = new Stats(REGIONS[fn.ordinal()].length);
        }
        return s;
    }

    /** As {@link ExpAccuracySweep#digest}: FNV-1a of the vector results on every 65537th float. */
    static long digest(LogFunction fn) {
        long strideD = ExpAccuracySweep.DIGEST_STRIDE;
        int n = (int) (((1L << 32) + strideD - 1) / strideD);
        int padded = (n + BLOCK - 1) / BLOCK * BLOCK;
        float[] in = new float[padded];
        float[] out = new float[padded];
        for (int i = 0; i < padded; i++) {
            in[i] = Float.intBitsToFloat((int) ((i < n ? i : 0) * strideD));
        }
        vector(fn, in, out);
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < n; i++) {
            if (Float.floatToIntBits(out[i]) != Float.floatToIntBits(fn.scalar(in[i]))) {
                throw new AssertionError(fn + ": scalar and vector differ at " + in[i]);
            }
            h = (h ^ Float.floatToIntBits(out[i])) * 0x100000001b3L;
        }
        return h;
    }

    static void print(Stats[] all, boolean errors, long stride, String label, double seconds, int threads) {
        StringBuilder out = new StringBuilder();
        out.append("### ").append(label.isEmpty() ? "sweep" : label).append("\n\n");
        out.append(stride == 1 ? "All 2^32 floats" : "Every " + stride + "-th float bit pattern ("
                + ((1L << 32) + stride - 1) / stride + " values)")
                .append("; ").append(ExpAccuracySweep.jvmFacts()).append("; ").append(threads).append(" threads, ")
                .append(String.format(Locale.ROOT, "%.0f s", seconds)).append(".\n\n");
        out.append("| function | values | scalar != vector (bits) | first mismatch |\n|---|---|---|---|\n");
        for (LogFunction fn : LogFunction.values()) {
            Stats s = all[fn.ordinal()];
            out.append("| ").append(fn.label()).append(" | ").append(s.checked).append(" | ").append(s.mismatches)
                    .append(" | ").append(s.mismatches == 0 ? "-" : ExpAccuracySweep.f(s.firstMismatch)).append(" |\n");
        }
        if (errors) {
            out.append("\n| function | region | values | worst error (ulps) | bound there | at x | result | truth |\n")
                    .append("|---|---|---|---|---|---|---|---|\n");
            for (LogFunction fn : LogFunction.values()) {
                Stats s = all[fn.ordinal()];
                double overall = -1;
                for (int r = 0; r < s.worst.length; r++) {
                    overall = Math.max(overall, s.worst[r]);
                    out.append("| ").append(fn.label()).append(" | ").append(REGIONS[fn.ordinal()][r])
                            .append(" | ").append(s.count[r]).append(" | ");
                    if (s.count[r] == 0) {
                        out.append("- | - | - | - | - |\n");
                    } else {
                        out.append(String.format(Locale.ROOT, "%.4f", s.worst[r])).append(" | ")
                                .append(String.format(Locale.ROOT, "%.2f", fn.bound(s.worstArg[r], s.worstTruth[r])))
                                .append(" | ").append(ExpAccuracySweep.f(s.worstArg[r])).append(" | ")
                                .append(s.worstGot[r]).append(" | ")
                                .append(String.format(Locale.ROOT, "%.10g", s.worstTruth[r])).append(" |\n");
                    }
                }
                out.append(String.format(Locale.ROOT, "| **%s** | **all** | %d | **%.4f** | | | | |%n",
                        fn.label(), s.checked, overall));
            }
            out.append("\nCorrectly rounded (equal to the truth rounded to float): ");
            for (LogFunction fn : LogFunction.values()) {
                Stats s = all[fn.ordinal()];
                out.append(fn.label()).append(String.format(Locale.ROOT, " %.4f%%",
                        100.0 * (s.checked - s.notCorrectlyRounded) / s.checked))
                        .append(fn == LogFunction.LOG1P ? ".\n" : ", ");
            }
            out.append("\nResults over their bound: ");
            for (LogFunction fn : LogFunction.values()) {
                Stats s = all[fn.ordinal()];
                out.append(fn.label()).append(' ').append(s.overBound)
                        .append(s.overBound == 0 ? "" : " (first at " + ExpAccuracySweep.f(s.firstOverBound) + ")")
                        .append(fn == LogFunction.LOG1P ? ".\n" : ", ");
            }
        }
        out.append("\nDigests of the results on every ").append(ExpAccuracySweep.DIGEST_STRIDE).append("-th float: ");
        for (LogFunction fn : LogFunction.values()) {
            out.append(fn.label()).append(' ').append(String.format("%016x", digest(fn)))
                    .append(fn == LogFunction.LOG1P ? ".\n" : ", ");
        }
        System.out.print(out.append('\n'));
        boolean failed = false;
        for (LogFunction fn : LogFunction.values()) {
            if (all[fn.ordinal()].mismatches != 0) {
                System.err.println("MISMATCH: " + fn + " scalar and vector differ on " + all[fn.ordinal()].mismatches + " values");
                failed = true;
            }
            if (all[fn.ordinal()].overBound != 0) {
                System.err.println("OVER BOUND: " + fn + " is over its bound on " + all[fn.ordinal()].overBound + " values");
                failed = true;
            }
        }
        if (failed) {
            System.exit(1);
        }
    }

    // ------------------------------------------------------------------ rough timing

    static final int N = RoughTiming.N;

    static void vectorLog(float[] in, float[] out) {
        for (int i = 0; i < N; i += S.length()) {
            VectorFloatLog.log(FloatVector.fromArray(S, in, i)).intoArray(out, i);
        }
    }

    static void vectorLog1p(float[] in, float[] out) {
        for (int i = 0; i < N; i += S.length()) {
            VectorFloatLog.log1p(FloatVector.fromArray(S, in, i)).intoArray(out, i);
        }
    }

    static void vectorApiLog(float[] in, float[] out) {
        for (int i = 0; i < N; i += S.length()) {
            FloatVector.fromArray(S, in, i).lanewise(jdk.incubator.vector.VectorOperators.LOG).intoArray(out, i);
        }
    }

    static void scalarLog(float[] in, float[] out) {
        for (int i = 0; i < N; i++) {
            out[i] = FloatLog.log(in[i]);
        }
    }

    static void scalarLog1p(float[] in, float[] out) {
        for (int i = 0; i < N; i++) {
            out[i] = FloatLog.log1p(in[i]);
        }
    }

    static void mathLog(float[] in, float[] out) {
        for (int i = 0; i < N; i++) {
            out[i] = (float) Math.log(in[i]);
        }
    }

    static void mathLog1p(float[] in, float[] out) {
        for (int i = 0; i < N; i++) {
            out[i] = (float) Math.log1p(in[i]);
        }
    }

    /** Rough ns per element, as {@link RoughTiming}: 4096 floats, e^u for u uniform in [-10, 10]. */
    static void timing() {
        Random rnd = new Random(1);
        float[] in = new float[N], out = new float[N];
        for (int i = 0; i < N; i++) {
            in[i] = (float) Math.exp(rnd.nextDouble() * 20 - 10);
        }
        StringBuilder sb = new StringBuilder();
        sb.append("### rough timing, ").append(S.vectorBitSize()).append("-bit vectors\n\n").append(ExpAccuracySweep.jvmFacts())
                .append("; 4096 floats e^u, u uniform in [-10, 10], best of 15 rounds of 0.1 s (not JMH; shared machine).\n\n")
                .append("| what | ns per element |\n|---|---|\n");
        Object[][] rows = {
            {"VectorFloatLog.log", (RoughTiming.Kernel) LogAccuracySweep::vectorLog},
            {"VectorFloatLog.log1p", (RoughTiming.Kernel) LogAccuracySweep::vectorLog1p},
            {"FloatVector.lanewise(LOG) (the Vector API's own, for scale)", (RoughTiming.Kernel) LogAccuracySweep::vectorApiLog},
            {"FloatLog.log (scalar)", (RoughTiming.Kernel) LogAccuracySweep::scalarLog},
            {"FloatLog.log1p (scalar)", (RoughTiming.Kernel) LogAccuracySweep::scalarLog1p},
            {"(float) Math.log (scalar, for scale)", (RoughTiming.Kernel) LogAccuracySweep::mathLog},
            {"(float) Math.log1p (scalar, for scale)", (RoughTiming.Kernel) LogAccuracySweep::mathLog1p},
        };
        for (Object[] row : rows) {
            sb.append("| ").append(row[0]).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", RoughTiming.time((RoughTiming.Kernel) row[1], in, out)))
                    .append(" |\n");
        }
        System.out.print(sb.append('\n'));
    }
}

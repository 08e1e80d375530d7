package org.vecprop.internal.math;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The exhaustive accuracy and agreement sweep behind {@code scripts/exp-accuracy} (run it through
 * the script; it needs {@code --add-modules jdk.incubator.vector}).
 *
 * <p>For every float bit pattern (or every {@code stride}-th one), it computes {@link FloatExp}'s
 * exp, sigmoid and tanh in scalar form and {@link VectorFloatExp}'s on the species {@link #S}, and
 * <ul>
 *   <li>counts lanes whose bits differ (NaNs compare equal whatever their payload);</li>
 *   <li>with {@code --errors}, measures the scalar result's error against the double-precision
 *       truth in ulps of the truth, and counts results over their bound (both as defined in
 *       {@link ExpFunction}: |result − truth| / 2^(max(e, −126) − 23) where
 *       2^e <= |truth| < 2^(e+1), so a subnormal truth is measured in units of 2^-149).</li>
 * </ul>
 * It prints a Markdown section: the run's JVM facts, worst errors per function and region with
 * their arguments and the bound there, the share of results that are correctly rounded, the
 * mismatch and over-bound counts, and a digest of results that other runs can be compared with.
 * It exits with status 1 if scalar and vector differ anywhere or any result is over its bound.
 * {@code --time} prints rough timings instead.
 *
 * <p>Usage: {@code ExpAccuracySweep [--errors] [--stride S] [--threads T] [--label TEXT] | --time}
 */
public final class ExpAccuracySweep {
    private ExpAccuracySweep() {}

    /**
     * The species of the vector form: the preferred one, or with {@code -Dvecprop.sweep.species=kernel}
     * the kernels' ({@code SPECIES_MAX} at full width, another vector class of the same width).
     */
    static final VectorSpecies<Float> S = "kernel".equals(System.getProperty("vecprop.sweep.species"))
            ? VectorForm.kernelSpecies() : FloatVector.SPECIES_PREFERRED;
    static final int BLOCK = 1 << 14; // values per block, a multiple of every lane count

    /** The regions each function's errors are reported for. */
    static final String[][] REGIONS = {
        {"normal result (-87.34 < x < 88.72)", "subnormal result (-103.97 < x <= -87.34)",
            "saturated or special (+0, +Inf, NaN)"},
        {"x >= 0", "x < 0, normal result", "x < 0, subnormal result or 0", "NaN"},
        {"\\|x\\| < 0.625 (polynomial)", "0.625 <= \\|x\\| < 9.0109 (1 - 2/(e^2\\|x\\| + 1))",
            "\\|x\\| >= 9.0109 (rounds to 1), NaN"},
    };

    /** Per-thread, then merged, results for one function. */
    static final class Stats {
        final double[] worst;
        final float[] worstArg;
        final float[] worstGot;
        final double[] worstTruth;
        final long[] count;
        long notCorrectlyRounded;
        long overBound;
        float firstOverBound = Float.NaN;
        long mismatches;
        float firstMismatch = Float.NaN;
        long checked;

        Stats(int regions) {
            worst = new double[regions];
            worstArg = new float[regions];
            worstGot = new float[regions];
            worstTruth = new double[regions];
            count = new long[regions];
            java.util.Arrays.fill(worst, -1);
        }

        void merge(Stats o) {
            for (int i = 0; i < worst.length; i++) {
                count[i] += o.count[i];
                if (o.worst[i] > worst[i]) {
                    worst[i] = o.worst[i];
                    worstArg[i] = o.worstArg[i];
                    worstGot[i] = o.worstGot[i];
                    worstTruth[i] = o.worstTruth[i];
                }
            }
            notCorrectlyRounded += o.notCorrectlyRounded;
            if (overBound == 0 && o.overBound > 0) {
                firstOverBound = o.firstOverBound;
            }
            overBound += o.overBound;
            if (mismatches == 0 && o.mismatches > 0) {
                firstMismatch = o.firstMismatch;
            }
            mismatches += o.mismatches;
            checked += o.checked;
        }
    }

    static int region(ExpFunction fn, float x, double truth) {
        return switch (fn) {
            case EXP -> truth >= 0x1p-126 && truth <= Float.MAX_VALUE ? 0
                    : truth > 0 && truth < 0x1p-126 && (float) truth != 0f ? 1 : 2;
            case SIGMOID -> Float.isNaN(x) ? 3 : x >= 0 ? 0 : truth >= 0x1p-126 ? 1 : 2;
            case TANH -> {
                float a = Math.abs(x);
                yield a < FloatExp.TANH_POLY_LIMIT ? 0 : a < 9.010913848876953f ? 1 : 2;
            }
        };
    }

    /** One explicit loop per function, so each call site is monomorphic and inlined. */
    static void vector(ExpFunction fn, float[] in, float[] out) {
        int l = S.length();
        switch (fn) {
            case EXP -> {
                for (int i = 0; i < in.length; i += l) {
                    VectorFloatExp.exp(FloatVector.fromArray(S, in, i)).intoArray(out, i);
                }
            }
            case SIGMOID -> {
                for (int i = 0; i < in.length; i += l) {
                    VectorFloatExp.sigmoid(FloatVector.fromArray(S, in, i)).intoArray(out, i);
                }
            }
            case TANH -> {
                for (int i = 0; i < in.length; i += l) {
                    VectorFloatExp.tanh(FloatVector.fromArray(S, in, i)).intoArray(out, i);
                }
            }
        }
    }

    static void sweepBlock(float[] in, int n, boolean errors, Stats[] stats, float[] vec) {
        for (ExpFunction fn : ExpFunction.values()) {
            Stats st = stats[fn.ordinal()];
            vector(fn, in, vec);
            for (int i = 0; i < n; i++) {
                float x = in[i];
                float s = fn.scalar(x);
                if (Float.floatToIntBits(s) != Float.floatToIntBits(vec[i])) {
                    if (st.mismatches++ == 0) {
                        st.firstMismatch = x;
                    }
                }
                st.checked++;
                if (errors) {
                    double t = fn.truth(x);
                    double err = ExpFunction.ulpError(s, t);
                    if (!(err <= fn.bound(x, t))) {
                        if (st.overBound++ == 0) {
                            st.firstOverBound = x;
                        }
                    }
                    int r = region(fn, x, t);
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
            RoughTiming.run();
            return;
        }
        long total = ((1L << 32) + stride - 1) / stride; // samples: bits = i * stride
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
                        // a short last block is padded with its first value (checked twice, harmless)
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
            for (ExpFunction fn : ExpFunction.values()) {
                all[fn.ordinal()].merge(s[fn.ordinal()]);
            }
        }
        print(all, errors, stride, label, seconds, threads);
    }

    /** Every DIGEST_STRIDE-th bit pattern goes into the digest that runs compare with each other. */
    static final long DIGEST_STRIDE = 65537;

    /**
     * A 64-bit digest of fn's results (vector form, checked against the scalar form) on every {@value #DIGEST_STRIDE}-th float bit
     * pattern, NaNs collapsed: equal digests from runs at different widths and in different JIT
     * tiers mean those runs computed the same bits (the sweeps themselves only compare scalar
     * with vector inside one run).
     */
    static long digest(ExpFunction fn) {
        int n = (int) (((1L << 32) + DIGEST_STRIDE - 1) / DIGEST_STRIDE);
        int padded = (n + BLOCK - 1) / BLOCK * BLOCK;
        float[] in = new float[padded];
        float[] out = new float[padded];
        for (int i = 0; i < padded; i++) {
            in[i] = Float.intBitsToFloat((int) ((i < n ? i : 0) * DIGEST_STRIDE));
        }
        vector(fn, in, out);
        long h = 0xcbf29ce484222325L; // FNV-1a over the result bits
        for (int i = 0; i < n; i++) {
            if (Float.floatToIntBits(out[i]) != Float.floatToIntBits(fn.scalar(in[i]))) {
                throw new AssertionError(fn + ": scalar and vector differ at " + in[i]);
            }
            h = (h ^ Float.floatToIntBits(out[i])) * 0x100000001b3L;
        }
        return h;
    }

    static Stats[] newStats() {
        Stats[] s = new Stats[ExpFunction.values().length];
        for (ExpFunction fn : ExpFunction.values()) {
            s[fn.ordinal()] = new Stats(REGIONS[fn.ordinal()].length);
        }
        return s;
    }

    static String jvmFacts() {
        List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        return "JDK " + System.getProperty("java.vm.version") + " (" + System.getProperty("java.vm.info")
                + "), flags `" + String.join(" ", args) + "`, species " + S;
    }

    static String f(float x) {
        return Float.toString(x) + " (" + Float.toHexString(x) + ")";
    }

    static void print(Stats[] all, boolean errors, long stride, String label, double seconds, int threads) {
        StringBuilder out = new StringBuilder();
        out.append("### ").append(label.isEmpty() ? "sweep" : label).append("\n\n");
        out.append(stride == 1 ? "All 2^32 floats" : "Every " + stride + "-th float bit pattern ("
                + ((1L << 32) + stride - 1) / stride + " values)")
                .append("; ").append(jvmFacts()).append("; ").append(threads).append(" threads, ")
                .append(String.format(Locale.ROOT, "%.0f s", seconds)).append(".\n\n");
        out.append("| function | values | scalar != vector (bits) | first mismatch |\n|---|---|---|---|\n");
        for (ExpFunction fn : ExpFunction.values()) {
            Stats s = all[fn.ordinal()];
            out.append("| ").append(fn.label()).append(" | ").append(s.checked)
                    .append(" | ").append(s.mismatches).append(" | ")
                    .append(s.mismatches == 0 ? "-" : f(s.firstMismatch)).append(" |\n");
        }
        if (errors) {
            out.append("\n| function | region | values | worst error (ulps) | bound there | at x | result | truth |\n")
                    .append("|---|---|---|---|---|---|---|---|\n");
            for (ExpFunction fn : ExpFunction.values()) {
                Stats s = all[fn.ordinal()];
                double overall = -1;
                for (int r = 0; r < s.worst.length; r++) {
                    overall = Math.max(overall, s.worst[r]);
                    out.append("| ").append(fn.label()).append(" | ")
                            .append(REGIONS[fn.ordinal()][r]).append(" | ").append(s.count[r]).append(" | ");
                    if (s.count[r] == 0) {
                        out.append("- | - | - | - | - |\n");
                    } else {
                        out.append(String.format(Locale.ROOT, "%.4f", s.worst[r])).append(" | ")
                                .append(String.format(Locale.ROOT, "%.2f", fn.bound(s.worstArg[r], s.worstTruth[r])))
                                .append(" | ")
                                .append(f(s.worstArg[r])).append(" | ").append(s.worstGot[r]).append(" | ")
                                .append(String.format(Locale.ROOT, "%.10g", s.worstTruth[r])).append(" |\n");
                    }
                }
                out.append(String.format(Locale.ROOT, "| **%s** | **all** | %d | **%.4f** | | | | |%n",
                        fn.label(), s.checked, overall));
            }
            out.append("\nCorrectly rounded (equal to the truth rounded to float): ");
            for (ExpFunction fn : ExpFunction.values()) {
                Stats s = all[fn.ordinal()];
                out.append(fn.label()).append(String.format(Locale.ROOT, " %.4f%%",
                        100.0 * (s.checked - s.notCorrectlyRounded) / s.checked));
                out.append(fn == ExpFunction.TANH ? ".\n" : ", ");
            }
            out.append("\nResults over their bound: ");
            for (ExpFunction fn : ExpFunction.values()) {
                Stats s = all[fn.ordinal()];
                out.append(fn.label()).append(' ').append(s.overBound)
                        .append(s.overBound == 0 ? "" : " (first at " + f(s.firstOverBound) + ")")
                        .append(fn == ExpFunction.TANH ? ".\n" : ", ");
            }
        }
        out.append("\nDigests of the results on every ").append(DIGEST_STRIDE).append("-th float: ");
        for (ExpFunction fn : ExpFunction.values()) {
            out.append(fn.label()).append(' ')
                    .append(String.format("%016x", digest(fn))).append(fn == ExpFunction.TANH ? ".\n" : ", ");
        }
        System.out.print(out.append('\n'));
        boolean failed = false;
        for (ExpFunction fn : ExpFunction.values()) {
            if (all[fn.ordinal()].mismatches != 0) {
                System.err.println("MISMATCH: " + fn + " scalar and vector differ on "
                        + all[fn.ordinal()].mismatches + " values");
                failed = true;
            }
            if (all[fn.ordinal()].overBound != 0) {
                System.err.println("OVER BOUND: " + fn + " is over its error bound on "
                        + all[fn.ordinal()].overBound + " values");
                failed = true;
            }
        }
        if (failed) {
            System.exit(1);
        }
    }
}

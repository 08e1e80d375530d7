package org.vecprop.kernel;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.LongSupplier;

/**
 * A check of every kernel on this machine, this JDK and this JIT, for people who deploy on a
 * CPU, a JDK build or a compiler the project's test suite has never run on (the JDK's own
 * fuzzers keep finding Vector API miscompilations, and a miscompiled kernel computes wrong
 * numbers silently).
 *
 * <p>What it does: first warms the kernels up until the JIT has compiled them (rounds of calls
 * on every path and on the same variety of inputs as the checks, until a round adds under 1% to
 * the JIT's total compilation time, at least {@value #MIN_ROUNDS} rounds, at most {@value
 * #MAX_ROUNDS}), so that what is checked is the optimised code a long-running application runs
 * (checked with {@code -XX:+PrintCompilation} on a 2-core Zen 5 at 512 and 256 bits: every
 * kernel method had reached C2, level 4, by the 8th round, that is within 1,600 calls of each
 * kernel on the hot shapes and 8 passes over the checks' inputs, and no level-4 code was
 * deoptimised during the checks); then checks every public kernel against
 * the scalar oracle in {@code org.vecprop.reference} on generated inputs (all GEMM transposes,
 * tiny, direct and packed shapes, strides, special values; every entry point) with the error
 * bounds the kernels document (see the README's Accuracy table). It checks the path this JVM
 * runs: the vector width chosen at start-up, or the scalar path. To cover every width this CPU
 * supports, run it once per width (the repository's {@code scripts/selftest} does).
 *
 * <p>Run it as {@code java --add-modules jdk.incubator.vector -cp vecprop.jar
 * org.vecprop.kernel.SelfTest} (add {@code -XX:MaxVectorSize=32} or {@code 16} for narrower
 * widths, or leave out the module for the scalar path), or call {@link #run()} from an
 * application's start-up checks. It takes seconds, uses the common fork-join pool for the
 * parallel GEMM, and allocates freely.
 */
public final class SelfTest {
    private SelfTest() {}

    /** Calls of each warm-up operation per round (C2 compiles within the first rounds). */
    static final int CALLS_PER_ROUND = 200;
    /** Warm-up rounds before the JIT's quiet is trusted. */
    static final int MIN_ROUNDS = 4;
    /** Warm-up rounds at most, even if the JIT keeps compiling (other code may). */
    static final int MAX_ROUNDS = 12;
    /** Random GEMM problems checked after the fixed ones. */
    static final int GEMM_CASES = 300;

    /**
     * The outcome of a self-test.
     *
     * @param passed whether every check passed
     * @param checks how many kernel calls were compared with the oracle
     * @param failed how many of them failed
     * @param failures the first failures, in words (kernel, shape, element, expected, got)
     * @param text the whole report, as {@link #main} prints it
     */
    public record Report(boolean passed, long checks, long failed, List<String> failures, String text) {
        /** @return the whole report */
        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * Warms the kernels up, checks them all against the oracle, and reports.
     *
     * @return the verdict, counts, failures and the machine's facts
     */
    public static Report run() {
        return run(1, GEMM_CASES, SelfTestOracle.REFERENCE, MIN_ROUNDS, MAX_ROUNDS, ForkJoinPool.commonPool(),
                jitClock());
    }

    /**
     * Runs the self-test and prints its report; exits 0 if it passed, 1 if not, 2 for bad
     * arguments.
     *
     * @param args {@code [--seed N] [--cases N]}: the input generator's seed (default 1) and
     *     the number of random GEMM problems (default {@value #GEMM_CASES})
     */
    public static void main(String[] args) {
        System.exit(cli(args, System.out));
    }

    /** {@link #main} without the exit: returns the exit status. */
    static int cli(String[] args, java.io.PrintStream out) {
        long seed = 1;
        int cases = GEMM_CASES;
        try {
            for (int i = 0; i < args.length; i++) {
                if (args[i].equals("--seed") && i + 1 < args.length) {
                    seed = Long.parseLong(args[++i]);
                } else if (args[i].equals("--cases") && i + 1 < args.length) {
                    cases = Integer.parseInt(args[++i]);
                } else {
                    throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
        } catch (IllegalArgumentException e) { // NumberFormatException included
            out.println("usage: SelfTest [--seed N] [--cases N] (" + e.getMessage() + ")");
            return 2;
        }
        Report report = run(seed, cases, SelfTestOracle.REFERENCE, MIN_ROUNDS, MAX_ROUNDS,
                ForkJoinPool.commonPool(), jitClock());
        out.println(report);
        return report.passed() ? 0 : 1;
    }

    /** The JIT's total compilation time in ms, or null if this JVM does not report it. */
    static LongSupplier jitClock() {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit::getTotalCompilationTime : null;
    }

    /**
     * The self-test with its knobs: tests give it a wrong oracle, few rounds, or a fake JIT clock.
     *
     * @param jitMillis the JIT's total compilation time so far, or null if unknown
     */
    static Report run(long seed, int gemmCases, SelfTestOracle oracle, int minRounds, int maxRounds,
                      Executor executor, LongSupplier jitMillis) {
        long t0 = System.nanoTime();
        String warmUp = warmUp(minRounds, maxRounds, executor, gemmCases, jitMillis);
        long t1 = System.nanoTime(), jit1 = jitMillis != null ? jitMillis.getAsLong() : 0;
        SelfTestChecks checks = new SelfTestChecks(oracle, seed, executor, true);
        checkAll(checks, gemmCases);
        double seconds = (System.nanoTime() - t0) / 1e9;
        warmUp += String.format(" (%.1f s); checks %.1f s%s", (t1 - t0) / 1e9, (System.nanoTime() - t1) / 1e9,
                jitMillis != null ? ", JIT time meanwhile " + (jitMillis.getAsLong() - jit1)
                        + " ms (mostly the oracle, which the warm-up does not run)" : "");

        StringBuilder text = new StringBuilder();
        boolean passed = checks.failed == 0;
        text.append(String.format("vecprop self-test: %s, %d checks, %d failed (seed %d, %.1f s)%n",
                passed ? "PASS" : "FAIL", checks.checks(), checks.failed, seed, seconds));
        for (String fact : MachineFacts.lines()) {
            text.append("  ").append(fact).append('\n');
        }
        text.append("  warm-up: ").append(warmUp).append('\n');
        for (Map.Entry<String, long[]> e : checks.tally.entrySet()) {
            text.append(String.format("  %-30s %5d checks, %d failed%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
        }
        if (!passed) {
            text.append("  first failures:\n");
            for (String f : checks.failures) {
                text.append("    ").append(f).append('\n');
            }
            text.append("  Please report this with the whole output: a kernel computed a wrong result"
                    + " on this machine and JVM.\n");
        }
        return new Report(passed, checks.checks(), checks.failed, List.copyOf(checks.failures),
                text.toString().stripTrailing());
    }

    /** The fixed shapes, then random ones. */
    private static void checkAll(SelfTestChecks c, int gemmCases) {
        int[][] shapes = {
            {1, 2, 2}, {4, 4, 4}, {1, 1, 65}, {2, 64, 64}, {3, 100, 100}, {16, 16, 16}, {5, 17, 49},
            {37, 45, 29}, {17, 70, 300}, {130, 45, 33}, {4, 300, 20}, {64, 64, 64}, {0, 5, 3}, {5, 0, 3},
            {6, 7, 0},
        };
        float[] alphas = {1f, -1f, 0.5f, 1.75f, 0f}, betas = {0f, 1f, -1f, 0.5f, 2f};
        int[] specials = {0, 0, 2, 30};
        for (int[] s : shapes) {
            for (int flags = 0; flags < 4; flags++) {
                boolean ta = (flags & 1) != 0, tb = (flags & 2) != 0;
                float alpha = alphas[flags % alphas.length], beta = betas[(flags + s[0]) % betas.length];
                c.guarded("Gemm", () -> c.gemm(ta, tb, s[0], s[1], s[2], alpha, beta, 0));
            }
        }
        for (int i = 0; i < gemmCases; i++) {
            boolean ta = c.nextInt(2) == 1, tb = c.nextInt(2) == 1;
            int m = c.nextInt(121), n = c.nextInt(121), k = c.nextInt(121);
            float alpha = alphas[c.nextInt(alphas.length)], beta = betas[c.nextInt(betas.length)];
            int special = specials[c.nextInt(specials.length)];
            c.guarded("Gemm", () -> c.gemm(ta, tb, m, n, k, alpha, beta, special));
        }
        for (int i = 0; i < gemmCases / 3; i++) {
            boolean ta = c.nextInt(2) == 1, tb = c.nextInt(2) == 1, withBias = c.nextInt(4) > 0;
            boolean relu = c.nextInt(2) == 1;
            int m = c.nextInt(80), n = c.nextInt(80), k = c.nextInt(80);
            float alpha = alphas[c.nextInt(alphas.length)], beta = betas[c.nextInt(betas.length)];
            int special = specials[c.nextInt(specials.length)];
            c.guarded("Gemm.multiplyBiasActivation",
                    () -> c.gemmFused(ta, tb, m, n, k, alpha, beta, withBias, relu, special));
        }
        int[][] grids = {{1, 1}, {1, 17}, {3, 35}, {0, 5}, {5, 0}, {97, 97}, {1, 1000}, {64, 64}, {7, 130}};
        for (int[] g : grids) {
            c.guarded("element-wise", () -> c.elementwise(g[0], g[1], 0));
            c.guarded("element-wise", () -> c.elementwise(g[0], g[1], 30));
        }
        for (int i = 0; i < gemmCases / 3; i++) {
            int rows = c.nextInt(65), cols = c.nextInt(200), special = specials[c.nextInt(specials.length)];
            c.guarded("element-wise", () -> c.elementwise(rows, cols, special));
        }
    }

    /**
     * Calls every kernel on every path in rounds until a round adds under 1% to the JIT's total
     * compilation time (after {@code minRounds}), or {@code maxRounds}; returns what happened. A round
     * is {@link #CALLS_PER_ROUND} calls of each kernel on hot shapes, then every kernel on the
     * generated inputs of the checks (other seeds), compared with nothing.
     */
    private static String warmUp(int minRounds, int maxRounds, Executor executor, int gemmCases,
                                 LongSupplier jitMillis) {
        int n = 48; // 1.5 register tiles wide at 512 bits: edge tiles too
        float[] a = new float[n * n], b = new float[n * n], c = new float[n * n], d = new float[n * n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        float[] bias = new float[n], db = new float[n], v = new float[n * n], tiny = new float[4];
        double[] summary = new double[4];
        GemmWorkspace workspace = new GemmWorkspace();
        List<Long> perRound = new ArrayList<>();
        boolean timed = jitMillis != null;
        long first = timed ? jitMillis.getAsLong() : 0, last = first;
        int round = 0;
        boolean quiet = false;
        while (round < maxRounds && !(quiet && round >= minRounds)) {
            for (int i = 0; i < CALLS_PER_ROUND; i++) {
                Gemm.multiply(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                Gemm.multiply(true, false, n, n, n, 1f, a, 0, n, b, 0, n, 0.5f, c, 0, n, workspace);
                Gemm.multiply(false, true, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                Gemm.multiply(true, true, n, n, n, 1f, a, 0, n, b, 0, n, 1f, c, 0, n);
                Gemm.multiply(false, false, 2, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                Gemm.multiply(false, true, 3, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n);
                Gemm.multiply(true, false, 16, 16, 16, 1f, a, 0, 16, b, 0, 16, 0f, c, 0, 16);
                Gemm.multiply(false, false, 1, 2, 2, 1f, a, 0, 2, b, 0, 2, 0f, tiny, 0, 2);
                Gemm.multiplyBiasActivation(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n,
                        bias, 0, Activation.RELU);
                Relu.forward(n, n, a, 0, n, c, 0, n);
                Relu.mask(n, n - 3, a, 0, n, c, 0, n);
                Relu.backward(n, n, a, 0, n, b, 0, n, c, 0, n);
                Relu.backwardWithBiasGradient(n, n, a, 0, n, b, 0, n, c, 0, n, db, 0, true);
                Mse.loss(n, n, a, 0, n, b, 0, n);
                Mse.lossAndGradient(n, n, a, 0, n, b, 0, n, d, 0, n);
                Bias.add(n, n, a, 0, n, bias, 0, c, 0, n);
                Bias.gradient(n, n, a, 0, n, db, 0, false);
                Update.sgd(n * n, d, 0, c, 0, v, 0, 1e-3f, 0.9f, 1e-4f, false);
                Stats.summarize(n, n, a, 0, n, summary);
                Stats.deadColumns(n, n, a, 0, n);
                if (i % 20 == 0) { // heavier per call: the executor and the off-heap staging
                    Gemm.multiplyParallel(false, false, n, n, n, 1f, a, 0, n, b, 0, n, 0f, c, 0, n, executor, 2);
                    try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
                        java.lang.foreign.MemorySegment s = arena.allocate(3L * n * n * Float.BYTES);
                        Gemm.multiply(false, false, n, n, n, 1f, s, 0, n, s, n * n, n, 0f, s, 2L * n * n, n);
                    }
                }
            }
            // The same variety of shapes, strides and values as the checks, without the oracle:
            // compiled code specialised to the hot shapes above alone would be deoptimised by
            // the first unusual shape of the checks, which would then run on recompiled code.
            checkAll(new SelfTestChecks(SelfTestOracle.REFERENCE, 1000 + round, executor, false), gemmCases);
            round++;
            long now = timed ? jitMillis.getAsLong() : 0;
            perRound.add(now - last);
            quiet = timed && (now - last) * 100 <= now - first; // at most 1% of the warm-up's compilation
            last = now;
        }
        return round + " rounds (" + CALLS_PER_ROUND + " calls of each kernel on hot shapes, then each"
                + " on the checks' variety of inputs); "
                + (timed ? "JIT compilation time per round " + perRound + " ms, "
                        + (quiet ? "quiet in the last round (under 1% of the warm-up's)"
                                : "still compiling at the limit (other code may be)")
                        : "this JVM does not report compilation time");
    }
}

package org.vecprop.selftest;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.ForkJoinPool;
import java.util.function.LongSupplier;
import org.vecprop.kernel.Gemm;

/**
 * A check of every kernel on this machine, this JDK and this JIT, for people who deploy on a
 * CPU, a JDK build or a compiler the project's test suite has never run on (the JDK's own
 * fuzzers keep finding Vector API miscompilations, and a miscompiled kernel computes wrong
 * numbers silently).
 *
 * <p>What it does: first warms the kernels up until the JIT has compiled them: rounds of the
 * very kernel calls the checks will make (without the oracle), until a round adds under 1% to
 * the warm-up's compilation time, at least {@value #MIN_ROUNDS} rounds, at most {@value
 * #MAX_ROUNDS}, so that what is checked is the optimised code a long-running application runs
 * (verified with {@code -XX:+PrintCompilation}: see docs/self-test.md); then checks every public
 * kernel against
 * the scalar oracle in {@code org.vecprop.reference} on generated inputs (all GEMM transposes,
 * tiny, direct and packed shapes, strides, special values; every entry point) with the error
 * bounds the kernels document (see the README's Accuracy table). It checks the path this JVM
 * runs: the vector width chosen at start-up, or the scalar path. To cover every width this CPU
 * supports, run it once per width (the repository's {@code scripts/selftest} does).
 *
 * <p>Run it as {@code java --add-modules jdk.incubator.vector -cp vecprop.jar
 * org.vecprop.selftest.SelfTest} (add {@code -XX:MaxVectorSize=32} or {@code 16} for narrower
 * widths, or leave out the module for the scalar path), or call {@link #run()} from an
 * application's start-up checks. It takes seconds, uses the common fork-join pool for the
 * parallel GEMM, and allocates freely.
 */
public final class SelfTest {
    private SelfTest() {}

    /** Warm-up rounds before the JIT's quiet is trusted. */
    static final int MIN_ROUNDS = 4;
    /** Warm-up rounds at most, even if the JIT keeps compiling (other code may). */
    static final int MAX_ROUNDS = 12;
    /** Random problems checked of each kind (GEMM, fused GEMM, element-wise). */
    static final int CASES = 300;

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
        return run(1, CASES, SelfTestOracle.REFERENCE, MIN_ROUNDS, MAX_ROUNDS, ForkJoinPool.commonPool(),
                jitClock());
    }

    /**
     * Runs the self-test and prints its report; exits 0 if it passed, 1 if not, 2 for bad
     * arguments.
     *
     * @param args {@code [--seed N] [--cases N]}: the input generator's seed (default 1) and
     *     the number of random problems of each kind (default {@value #CASES})
     */
    public static void main(String[] args) {
        System.exit(cli(args, System.out, SelfTestOracle.REFERENCE));
    }

    /** {@link #main} without the exit, and with the oracle to use: returns the exit status. */
    static int cli(String[] args, java.io.PrintStream out, SelfTestOracle oracle) {
        long seed = 1;
        int cases = CASES;
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
        Report report = run(seed, cases, oracle, MIN_ROUNDS, MAX_ROUNDS, ForkJoinPool.commonPool(), jitClock());
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
    static Report run(long seed, int cases, SelfTestOracle oracle, int minRounds, int maxRounds,
                      Executor executor, LongSupplier jitMillis) {
        long t0 = System.nanoTime();
        String warmUp = warmUp(minRounds, maxRounds, executor, cases, jitMillis);
        long t1 = System.nanoTime(), jit1 = jitMillis != null ? jitMillis.getAsLong() : 0;
        SelfTestChecks checks = new SelfTestChecks(oracle, seed, executor, true);
        checkAll(checks, cases);
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
            text.append(String.format("  %-38s %5d checks, %d failed%n", e.getKey(), e.getValue()[0], e.getValue()[1]));
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

    private static final boolean[] BOTH = {false, true};
    /** GEMM shapes {m, n, k} for every path and edge: tiny, direct, packed, depth blocks, empty. */
    private static final int[][] SHAPES = {
        {1, 2, 2}, {4, 4, 4}, {1, 1, 65}, {2, 64, 64}, {3, 100, 100}, {16, 16, 16}, {5, 17, 49},
        {37, 45, 29}, {17, 70, 300}, {130, 45, 33}, {4, 300, 20}, {64, 64, 64}, {0, 5, 3}, {5, 0, 3},
        {6, 7, 0},
    };
    /** Element-wise shapes {rows, cols}: single elements, vector tails, empty, long rows. */
    private static final int[][] GRIDS = {{1, 1}, {1, 17}, {3, 35}, {0, 5}, {5, 0}, {97, 97}, {1, 1000}, {64, 64}, {7, 130}};
    private static final float[] ALPHAS = {1f, -1f, 0.5f, 1.75f, 0f}, BETAS = {0f, 1f, -1f, 0.5f, 2f};
    /** Special values per thousand elements: none in half the problems. */
    private static final int[] SPECIALS = {0, 0, 2, 30};

    /**
     * Every check, in a fixed order: the fixed GEMM shapes in all four transposes, then
     * {@code cases} random GEMM, fused and element-wise problems each.
     */
    private static void checkAll(SelfTestChecks c, int cases) {
        for (int[] s : SHAPES) {
            for (boolean ta : BOTH) {
                for (boolean tb : BOTH) {
                    float alpha = c.pick(ALPHAS), beta = c.pick(BETAS);
                    c.guarded("Gemm", () -> c.gemm(ta, tb, s[0], s[1], s[2], alpha, beta, 0));
                }
            }
        }
        for (int i = 0; i < cases; i++) {
            boolean ta = c.nextBoolean(), tb = c.nextBoolean();
            int m = c.nextInt(121), n = c.nextInt(121), k = c.nextInt(121);
            float alpha = c.pick(ALPHAS), beta = c.pick(BETAS);
            int special = c.pick(SPECIALS);
            c.guarded("Gemm", () -> c.gemm(ta, tb, m, n, k, alpha, beta, special));
        }
        for (int i = 0; i < cases; i++) {
            boolean ta = c.nextBoolean(), tb = c.nextBoolean(), withBias = c.nextBoolean(), relu = c.nextBoolean();
            int m = c.nextInt(80), n = c.nextInt(80), k = c.nextInt(80);
            float alpha = c.pick(ALPHAS), beta = c.pick(BETAS);
            int special = c.pick(SPECIALS);
            c.guarded("Gemm.multiplyBiasActivation",
                    () -> c.gemmFused(ta, tb, m, n, k, alpha, beta, withBias, relu, special));
        }
        for (int[] g : GRIDS) {
            for (int special : SPECIALS) {
                c.guarded("element-wise", () -> c.elementwise(g[0], g[1], special));
            }
        }
        for (int i = 0; i < cases; i++) {
            int rows = c.nextInt(65), cols = c.nextInt(200), special = c.pick(SPECIALS);
            c.guarded("element-wise", () -> c.elementwise(rows, cols, special));
        }
    }

    /**
     * Runs every check's kernel calls, without the oracle, in rounds (round r on seed r) until a
     * round adds under 1% to the compilation time of the warm-up so far (after {@code
     * minRounds}), or {@code maxRounds}; returns what happened, in words. The same calls as the
     * checks: code compiled for a narrower set of shapes would be deoptimised by the first
     * unusual shape of the checks, which would then run on recompiled code.
     *
     * @param jitMillis the JIT's total compilation time so far, or null if unknown
     */
    private static String warmUp(int minRounds, int maxRounds, Executor executor, int cases,
                                 LongSupplier jitMillis) {
        List<Long> perRound = new ArrayList<>();
        boolean timed = jitMillis != null;
        long first = timed ? jitMillis.getAsLong() : 0, last = first;
        int round = 0;
        long problems = 0;
        boolean quiet = false;
        while (round < maxRounds && !(quiet && round >= minRounds)) {
            SelfTestChecks calls = new SelfTestChecks(SelfTestOracle.REFERENCE, round, executor, false);
            checkAll(calls, cases);
            problems += calls.problems;
            round++;
            long now = timed ? jitMillis.getAsLong() : 0;
            perRound.add(now - last);
            quiet = timed && (now - last) * 100 <= now - first; // at most 1% of the warm-up's compilation
            last = now;
        }
        return round + " rounds of the checks' kernel calls without the oracle (" + problems + " problems); "
                + (timed ? "JIT compilation time per round " + perRound + " ms, "
                        + (quiet ? "quiet in the last round (under 1% of the warm-up's)"
                                : "still compiling at the limit (other code may be)")
                        : "this JVM does not report compilation time");
    }
}

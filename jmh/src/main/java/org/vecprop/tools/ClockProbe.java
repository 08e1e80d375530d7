package org.vecprop.tools;

import java.util.Arrays;
import java.util.Locale;

/**
 * Measures the core clock the JVM's thread actually runs at, under load, turbo included: times a
 * chain of dependent 64-bit integer multiplies, whose latency is a known number of cycles, and
 * divides. The nominal clock (what the OS or the model name says) is often the base clock, or on
 * a virtual machine the hypervisor's TSC rate; a benchmark runs at whatever the core boosts to.
 *
 * <p>Why squares: each {@code x *= x} needs the previous result, so the chain runs at one
 * multiply per latency, and no operand is loop-invariant, so the JIT cannot regroup the chain
 * into fewer multiplies (with {@code x *= k}, C2 turns {@code x·k·k} into {@code x·(k·k)} and hoists
 * {@code k·k}: an early version of this probe "measured" 420 GHz). The multiplier's latency does
 * not depend on the values. A 64-bit {@code IMUL r64, r64} takes 3 cycles on every x86-64 core
 * since Intel Nehalem (2008) and AMD Zen (2017); the loop's counter and branch run beside the
 * chain. Other architectures are not measured (their multiply latency is not in this table).
 *
 * <p>Result: the best of {@link #RUNS} runs of about 1 ms each (the run least disturbed by
 * other processes, interrupts or a hypervisor), and their median. A preemption makes a run
 * slower, never faster, so the best run is the estimate; its error is that of
 * {@link System#nanoTime()} (tens of ns) over 1 ms, under 0.1%, plus any frequency change within
 * it. The median says how busy the machine was.
 */
final class ClockProbe {
    private ClockProbe() {}

    /** Cycles per dependent 64-bit multiply on x86-64 (Intel since Nehalem, AMD since Zen). */
    static final int MULTIPLY_LATENCY_X86 = 3;
    static final int RUNS = 301;
    /** Multiplies per loop iteration in {@link #chain}. */
    private static final int PER_ITERATION = 8;

    /** Receives each chain's result so that the JIT cannot drop it. */
    private static volatile long sink;

    /**
     * The measurement.
     *
     * @param bestMhz   the fastest run's clock, or NaN when not measured
     * @param medianMhz the median run's clock, or NaN
     * @param method    how it was measured, or why it was not
     */
    record Result(double bestMhz, double medianMhz, String method) {}

    /** Measures, on x86-64 only; elsewhere says why not. Takes about half a second. */
    static Result measure(String arch) {
        String a = arch == null ? "" : arch.toLowerCase(Locale.ROOT);
        if (!(a.equals("x86_64") || a.equals("amd64"))) {
            return new Result(Double.NaN, Double.NaN, "not measured on " + arch
                    + ": the latency of a 64-bit multiply there is not in vecprop's table");
        }
        // Warm up until C2 has compiled chain(): well over its 10 000-backedge threshold.
        for (int i = 0; i < 300; i++) {
            sink = chain(i | 1, 20_000);
        }
        // Size a run at about 1 ms: short enough that many runs fall between two preemptions.
        int n = 200_000;
        long t = time(n);
        n = (int) Math.max(10_000, Math.min(5_000_000, n * (1e6 / Math.max(1, t))));
        double[] mhz = new double[RUNS];
        for (int r = 0; r < RUNS; r++) {
            long ns = time(n);
            mhz[r] = (double) n * PER_ITERATION * MULTIPLY_LATENCY_X86 / ns * 1000;
        }
        Arrays.sort(mhz);
        return new Result(mhz[RUNS - 1], mhz[RUNS / 2], String.format(Locale.ROOT,
                "a dependent chain of 64-bit multiplies (%d cycles each on x86-64), %d runs of about 1 ms"
                        + " on one thread; the fastest run (median %.0f MHz)",
                MULTIPLY_LATENCY_X86, RUNS, mhz[RUNS / 2]));
    }

    private static long time(int n) {
        long start = System.nanoTime();
        long x = chain(start | 1, n);
        long ns = System.nanoTime() - start;
        sink = x;
        return ns;
    }

    /** {@code 8 n} dependent multiplies (squarings). */
    static long chain(long x, int n) {
        for (int i = 0; i < n; i++) {
            x *= x;
            x *= x;
            x *= x;
            x *= x;
            x *= x;
            x *= x;
            x *= x;
            x *= x;
        }
        return x;
    }
}

package org.vecprop.tools;

import java.util.Arrays;

/**
 * The probes' timing loop: several operations warmed up together for 4 s, then taken in turn,
 * 20 calls per timing, for a number of rounds. On a machine shared with other work a burst of it
 * lands on every operation of a round alike, so the minimum and median per operation compare
 * within one JVM (JMH's forks are the other view: between JVMs).
 */
final class InterleavedRounds {
    private InterleavedRounds() {}

    /** Calls per timing. */
    static final int CALLS = 20;

    /** {@code [op][round]}: nanoseconds per call of each operation in each round. */
    static double[][] measure(Runnable[] ops, int rounds) {
        long end = System.nanoTime() + 4_000_000_000L;
        while (System.nanoTime() < end) {
            for (Runnable r : ops) {
                for (int i = 0; i < 200; i++) {
                    r.run();
                }
            }
        }
        double[][] t = new double[ops.length][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int o = 0; o < ops.length; o++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < CALLS; i++) {
                    ops[o].run();
                }
                t[o][round] = (System.nanoTime() - t0) / (double) CALLS;
            }
        }
        return t;
    }

    /** Prints one line per operation: its name, minimum and median nanoseconds per call. */
    static void print(String[] names, double[][] t) {
        for (int o = 0; o < t.length; o++) {
            double[] sorted = t[o].clone();
            Arrays.sort(sorted);
            System.out.printf("  %-16s %8.0f ns  %8.0f ns%n", names[o], sorted[0], sorted[sorted.length / 2]);
        }
    }
}

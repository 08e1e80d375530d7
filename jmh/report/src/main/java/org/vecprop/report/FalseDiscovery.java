package org.vecprop.report;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Benjamini–Hochberg adjustment of many p-values, one per benchmark: calling every result whose
 * adjusted p is at most q keeps the expected share of false calls among all calls at most q
 * (for independent or positively dependent tests, which benchmarks of one run on one machine
 * are at worst). Testing 60 benchmarks at 5% each without it would call about three differences
 * between two identical runs.
 */
final class FalseDiscovery {
    private FalseDiscovery() {}

    /**
     * The adjusted p-values, in the order given: {@code q_(i) = min over j ≥ i of p_(j)·m / j}
     * (ranks by ascending p, capped at 1). NaN entries are not tests: they stay NaN and do not
     * count in m.
     *
     * @throws IllegalArgumentException if {@code p} is null or has a value outside [0, 1]
     */
    static double[] adjust(double[] p) {
        if (p == null) {
            throw new IllegalArgumentException("p must not be null");
        }
        double[] q = new double[p.length];
        Arrays.fill(q, Double.NaN);
        Integer[] order = java.util.stream.IntStream.range(0, p.length).filter(i -> !Double.isNaN(p[i]))
                .boxed().toArray(Integer[]::new);
        for (int i : order) {
            if (p[i] < 0 || p[i] > 1) {
                throw new IllegalArgumentException("p[" + i + "] must be in [0, 1], got " + p[i]);
            }
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> p[i]));
        int m = order.length;
        double running = 1;
        for (int r = m; r >= 1; r--) {
            int i = order[r - 1];
            running = Math.min(running, p[i] * m / r);
            q[i] = running;
        }
        return q;
    }
}

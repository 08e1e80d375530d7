package org.vecprop.report;

import java.util.Arrays;

/**
 * How many times B is A, with a confidence interval: the Hodges–Lehmann estimate on the log
 * scale and its distribution-free (Moses) interval, the estimate and interval that go with the
 * {@link RankSumTest rank-sum test}.
 *
 * <p>The estimate is the median of the {@code nA·nB} pairwise ratios {@code b_j / a_i}. Ordered,
 * those ratios give the interval {@code [r_(K+1), r_(nA·nB−K)]}, K being the largest count with
 * {@code P(U ≤ K) ≤ (1 − level)/2} under the rank-sum null distribution (untied). Its coverage,
 * {@code 1 − 2·P(U ≤ K)}, is at least the level asked for when B is A scaled by a constant
 * factor (a shift on the log scale), whatever the shape of the distribution; the achieved
 * coverage is reported, since with few values it is above the level (5 + 5 values at 95%:
 * 96.8%). The interval excludes 1 exactly when the two-sided rank-sum test, at 1 − level and
 * without ties, rejects. With too few values for any K (3 + 3 at 95%) there is no interval.
 */
final class RatioEstimate {
    private RatioEstimate() {}

    /**
     * The estimate.
     *
     * @param ratio    median of the pairwise ratios b/a
     * @param low      the interval's lower end, NaN if there is none
     * @param high     its upper end, NaN if there is none
     * @param coverage the interval's achieved confidence (e.g. 0.968), NaN if there is none
     */
    record Result(double ratio, double low, double high, double coverage) {
        /** Whether there is an interval. */
        boolean hasInterval() {
            return !Double.isNaN(low);
        }
    }

    /**
     * Estimates B/A.
     *
     * @param level the confidence level asked for, in (0, 1), e.g. 0.95
     * @throws IllegalArgumentException if a sample is null or empty, a value is not finite and
     *                                  positive (times and rates are), or the level is outside (0, 1)
     */
    static Result estimate(double[] a, double[] b, double level) {
        check(a, "a");
        check(b, "b");
        if (!(level > 0 && level < 1)) {
            throw new IllegalArgumentException("level must be in (0, 1), got " + level);
        }
        int nA = a.length;
        int nB = b.length;
        double[] ratios = new double[nA * nB];
        int i = 0;
        for (double x : a) {
            for (double y : b) {
                ratios[i++] = y / x;
            }
        }
        Arrays.sort(ratios);
        double ratio = JmhResult.median(ratios);
        double alphaHalf = (1 - level) / 2;
        // largest K with P(U <= K) <= alpha/2; P(U <= k) grows with k
        double[] cdf = RankSumTest.cdfU(nA, nB);
        int k = -1;
        double tail = 0;
        for (int t = 0; t < nA * nB; t++) {
            double c = cdf[t];
            if (c > alphaHalf) {
                break;
            }
            k = t;
            tail = c;
        }
        if (k < 0) {
            return new Result(ratio, Double.NaN, Double.NaN, Double.NaN);
        }
        return new Result(ratio, ratios[k], ratios[nA * nB - 1 - k], 1 - 2 * tail);
    }

    private static void check(double[] v, String name) {
        if (v == null || v.length == 0) {
            throw new IllegalArgumentException(name + " must have at least one value");
        }
        for (double x : v) {
            if (!(x > 0) || Double.isInfinite(x)) {
                throw new IllegalArgumentException(name + " must be finite and positive, has " + x);
            }
        }
    }
}

package org.vecprop.report;

import java.util.Arrays;

/**
 * The two-sided Wilcoxon–Mann–Whitney rank-sum test: is one sample's distribution shifted
 * against the other's? It uses only the order of the values, so a few slow outliers (a GC pause,
 * a noisy neighbour) cannot dominate it, and it needs no normality: the right test for a handful
 * of skewed timing samples.
 *
 * <p>The p-value is exact (the permutation distribution of A's rank sum over all
 * {@code C(nA+nB, nA)} ways to split the pooled values, ties given mid-ranks) up to
 * {@link #EXACT_LIMIT} pooled values, and the normal approximation with tie and continuity
 * corrections above that. Two-sided: {@code p = P(|W − E[W]| ≥ |w − E[W]|)} under the null
 * hypothesis that both samples come from one distribution.
 *
 * <p>What small samples allow: the smallest p any data can give is
 * {@code 2 / C(nA+nB, nA)} ({@link #smallestP}): 0.10 for 3 + 3 values, 0.029 for 4 + 4,
 * 0.0079 for 5 + 5, 0.00016 for 8 + 8.
 */
final class RankSumTest {
    private RankSumTest() {}

    /** Pooled sample sizes up to this get the exact permutation p-value. */
    static final int EXACT_LIMIT = 60;

    /**
     * A test's outcome.
     *
     * @param nA    values in A
     * @param nB    values in B
     * @param uB    Mann–Whitney U of B: the pairs (a, b) with b &gt; a, ties counting one half;
     *              {@code uB / (nA·nB)} estimates P(B &gt; A)
     * @param p     two-sided p-value
     * @param exact whether p is exact (else the normal approximation)
     */
    record Result(int nA, int nB, double uB, double p, boolean exact) {}

    /**
     * Tests A against B.
     *
     * @throws IllegalArgumentException if either sample is null, empty or has a NaN
     */
    static Result test(double[] a, double[] b) {
        check(a, "a");
        check(b, "b");
        int nA = a.length;
        int nB = b.length;
        int n = nA + nB;
        double[] pooled = new double[n];
        System.arraycopy(a, 0, pooled, 0, nA);
        System.arraycopy(b, 0, pooled, nA, nB);
        int[] twiceRank = twiceMidRanks(pooled);
        long wA2 = 0; // twice A's rank sum
        for (int i = 0; i < nA; i++) {
            wA2 += twiceRank[i];
        }
        double uA = wA2 / 2.0 - nA * (nA + 1) / 2.0; // pairs with a > b, ties one half
        double uB = (double) nA * nB - uA;
        long mean2 = (long) nA * (n + 1); // twice E[W_A]
        if (n <= EXACT_LIMIT) {
            double[] counts = rankSumCounts(twiceRank, nA);
            long dev = Math.abs(wA2 - mean2);
            double total = 0;
            double tail = 0;
            for (int s = 0; s < counts.length; s++) {
                total += counts[s];
                if (counts[s] != 0 && Math.abs(s - mean2) >= dev) {
                    tail += counts[s];
                }
            }
            return new Result(nA, nB, uB, Math.min(1, tail / total), true);
        }
        // Normal approximation: variance with the tie correction, continuity correction 1/2.
        double tieSum = 0;
        double[] sorted = pooled.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && sorted[j] == sorted[i]) {
                j++;
            }
            double t = j - i;
            tieSum += t * t * t - t;
            i = j;
        }
        double var = nA * (double) nB / 12.0 * ((n + 1) - tieSum / ((double) n * (n - 1)));
        double dev = Math.abs(uA - nA * (double) nB / 2.0);
        double z = var > 0 ? Math.max(0, dev - 0.5) / Math.sqrt(var) : 0;
        return new Result(nA, nB, uB, Math.min(1, 2 * upperNormalTail(z)), false);
    }

    /**
     * The smallest two-sided p-value any data can give with these sample sizes: both orders of
     * complete separation, {@code 2 / C(nA+nB, nA)} (at most 1).
     */
    static double smallestP(int nA, int nB) {
        if (nA < 1 || nB < 1) {
            throw new IllegalArgumentException("nA and nB must be at least 1, got nA=" + nA + ", nB=" + nB);
        }
        return Math.min(1, 2 / binomial(nA + nB, nA));
    }

    /**
     * {@code P(U ≤ u)} for u = 0 ... nA·nB ({@code table[u]}), for untied data, U being either
     * sample's Mann–Whitney statistic: exact up to {@link #EXACT_LIMIT} pooled values, else the
     * normal approximation with continuity correction.
     */
    static double[] cdfU(int nA, int nB) {
        if (nA < 1 || nB < 1) {
            throw new IllegalArgumentException("nA and nB must be at least 1, got nA=" + nA + ", nB=" + nB);
        }
        int n = nA + nB;
        double[] cdf = new double[nA * nB + 1];
        if (n <= EXACT_LIMIT) {
            int[] twiceRank = new int[n];
            for (int i = 0; i < n; i++) {
                twiceRank[i] = 2 * (i + 1);
            }
            double[] counts = rankSumCounts(twiceRank, nA);
            long base2 = (long) nA * (nA + 1); // twice the smallest rank sum, where U = 0
            double total = 0;
            for (double c : counts) {
                total += c;
            }
            double below = 0;
            for (int u = 0; u <= nA * nB; u++) {
                below += counts[(int) (base2 + 2L * u)];
                cdf[u] = below / total;
            }
            return cdf;
        }
        double mean = nA * (double) nB / 2;
        double sd = Math.sqrt(nA * (double) nB * (n + 1) / 12.0);
        for (int u = 0; u <= nA * nB; u++) {
            cdf[u] = 1 - upperNormalTail((u + 0.5 - mean) / sd);
        }
        return cdf;
    }

    /**
     * Number of ways to pick {@code k} of the items whose sum of (twice) ranks is s, for every s:
     * {@code counts[s]}. Counts are doubles: C(60, 30) ≈ 1.2·10¹⁷ is past long's exact range of
     * no use here anyway, and a p-value needs ratios, not exact integers.
     */
    private static double[] rankSumCounts(int[] twiceRank, int k) {
        int max = 0;
        for (int r : twiceRank) {
            max += r;
        }
        // dp[j][s]: subsets of size j of the items seen so far with sum s
        double[][] dp = new double[k + 1][max + 1];
        dp[0][0] = 1;
        int seen = 0;
        for (int r : twiceRank) {
            seen += r;
            for (int j = Math.min(k, seen); j >= 1; j--) {
                double[] to = dp[j];
                double[] from = dp[j - 1];
                for (int s = seen; s >= r; s--) {
                    to[s] += from[s - r];
                }
            }
        }
        return dp[k];
    }

    /** Twice the mid-rank of every value (ranks 1..n; tied values share the mean of their ranks). */
    static int[] twiceMidRanks(double[] values) {
        int n = values.length;
        Integer[] order = new Integer[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
        int[] twice = new int[n];
        for (int i = 0; i < n; ) {
            int j = i;
            while (j < n && values[order[j]] == values[order[i]]) {
                j++;
            }
            int sumOfTwiceRanks = (i + 1) + j; // ranks i+1 .. j: mean (i+1+j)/2, twice that
            for (int t = i; t < j; t++) {
                twice[order[t]] = sumOfTwiceRanks;
            }
            i = j;
        }
        return twice;
    }

    /** C(n, k) as a double. */
    static double binomial(int n, int k) {
        double c = 1;
        for (int i = 1; i <= k; i++) {
            c = c * (n - k + i) / i;
        }
        return c < 9e15 ? Math.rint(c) : c; // exact integers below 2^53, else as near as a double gets
    }

    /**
     * P(Z &gt; z) for a standard normal Z, from the complementary error function (Numerical
     * Recipes' erfc Chebyshev fit, relative error below 1.2·10⁻⁷: ample for a p-value).
     */
    static double upperNormalTail(double z) {
        return 0.5 * erfc(z / Math.sqrt(2));
    }

    private static double erfc(double x) {
        double z = Math.abs(x);
        double t = 1 / (1 + 0.5 * z);
        double r = t * Math.exp(-z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? r : 2 - r;
    }

    private static void check(double[] v, String name) {
        if (v == null || v.length == 0) {
            throw new IllegalArgumentException(name + " must have at least one value");
        }
        for (double x : v) {
            if (Double.isNaN(x)) {
                throw new IllegalArgumentException(name + " has a NaN");
            }
        }
    }
}

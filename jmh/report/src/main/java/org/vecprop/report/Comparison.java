package org.vecprop.report;

import java.util.ArrayList;
import java.util.List;

/**
 * The decision for one benchmark measured in two runs, A and B: "B faster", "B slower", "no
 * detectable difference", "within the noise floor", "within fork-to-fork spread" or "too few
 * samples", from the raw iterations or the forks' medians (not from JMH's score ± error: with 3 iterations that interval
 * is Student's t with 2 degrees of freedom, often wider than the score itself, and two overlapping
 * intervals say nothing).
 *
 * <p>The samples: with at least {@link Rules#minSamples()} forks on each side, the median of each
 * fork; otherwise every iteration. A fork is the unit that repeats: its iterations share one JIT
 * compilation, heap layout and stretch of machine time, and on a shared machine two forks of the
 * same build have been measured 25-50% apart at some small GEMM shapes, for OpenBLAS as well as
 * for vecprop, each fork keeping its level for all its iterations. Treating sixteen iterations of
 * two forks as sixteen independent values then calls fork luck a difference.
 *
 * <p>Rules, applied to all benchmarks of one comparison by {@link #decide}:
 * <ol>
 *   <li>Either side has fewer than {@link Rules#minSamples()} samples: <b>too few samples</b>.
 *       No test is run; the ratio of the medians is shown without an interval. (With 3 + 3
 *       iterations the exact rank-sum test cannot give p below 0.10, whatever the data.)</li>
 *   <li>Otherwise the two-sided {@link RankSumTest rank-sum test} gives p, and the
 *       {@link RatioEstimate} gives B/A with its interval at {@link Rules#level()}.</li>
 *   <li>The p-values of all tested benchmarks are adjusted together ({@link FalseDiscovery},
 *       Benjamini–Hochberg). Adjusted p &gt; {@link Rules#alpha()}: <b>no detectable difference</b>.</li>
 *   <li>Adjusted p ≤ alpha but B/A within {@code 1 ± floor} (below {@code 1 + floor} and above
 *       {@code 1 / (1 + floor)}): <b>within the noise floor</b>. The iterations of one JMH fork share
 *       one JIT compilation, code layout and heap; two forks of the same build differ by a few
 *       percent for those reasons alone, and with one fork per run that difference is invisible to
 *       the test, which then finds it "significant". The floor is the smallest difference the
 *       comparison will call.</li>
 *   <li>Tested on iterations, with at least two forks on at least one side, and the exact rank-sum
 *       test of the two sides' fork medians alone (unadjusted) gives p &gt; alpha: <b>within
 *       fork-to-fork spread</b>. The iterations differ, but so few forks cannot show that the
 *       difference is more than which level each fork drew: with 2 + 2 forks no data gives p below
 *       0.33, with 3 + 3 0.10, with 4 + 4 0.029, so below four forks a side nothing is called. (A
 *       rule on the ranges alone, tried first, calls a third of 2 + 2 comparisons of identical
 *       builds whose forks vary.) With one fork a side there is no fork-to-fork information and
 *       only the noise floor stands between fork luck and a verdict.</li>
 *   <li>Otherwise <b>B faster</b> or <b>B slower</b>, by the direction of the ratio and the unit
 *       (for times per operation B/A &lt; 1 is faster, for throughputs &gt; 1 is).</li>
 * </ol>
 */
final class Comparison {
    private Comparison() {}

    /**
     * The decision rules.
     *
     * @param alpha      the false discovery rate for calling differences, e.g. 0.05
     * @param level      the confidence level of the B/A intervals, e.g. 0.95
     * @param floor      the smallest relative difference called, e.g. 0.03 for 3%
     * @param minSamples the fewest samples per side for a test, at least 2; also the fewest forks
     *                   per side for the forks' medians to be the samples
     */
    record Rules(double alpha, double level, double floor, int minSamples) {
        /**
         * The defaults: 5% false discovery rate, 95% intervals, a 5% floor, at least 5 samples a side.
         * The floor: two runs of one OpenBLAS binary on this machine 25 minutes apart, while other
         * jobs ran, differed by under 4% at 10 of 17 shapes and by 4.5-11% at the other 7 (512³,
         * 1024³ and transposed 256³): 5% keeps the first kind out; only a quiet machine (or more
         * forks) removes the second.
         */
        static final Rules DEFAULT = new Rules(0.05, 0.95, 0.05, 5);

        Rules {
            if (!(alpha > 0 && alpha < 1)) {
                throw new IllegalArgumentException("alpha must be in (0, 1), got " + alpha);
            }
            if (!(level > 0 && level < 1)) {
                throw new IllegalArgumentException("level must be in (0, 1), got " + level);
            }
            if (!(floor >= 0 && floor < 1)) {
                throw new IllegalArgumentException("floor must be in [0, 1), got " + floor);
            }
            if (minSamples < 2) {
                throw new IllegalArgumentException("minSamples must be at least 2, got " + minSamples);
            }
        }
    }

    /** A decision. */
    enum Verdict {
        SLOWER("B slower"),
        FASTER("B faster"),
        FLOOR("within noise floor"),
        FORKS("within fork-to-fork spread"),
        NONE("no detectable difference"),
        TOO_FEW("too few samples"),
        UNKNOWN("not comparable");

        final String text;

        Verdict(String text) {
            this.text = text;
        }

        /** Whether the comparison called a difference. */
        boolean called() {
            return this == SLOWER || this == FASTER;
        }
    }

    /**
     * One benchmark's comparison.
     *
     * @param a        A's result
     * @param b        B's result
     * @param rawA     A's samples: its fork medians when {@code byFork}, else its iterations
     * @param rawB     B's samples, in A's unit
     * @param ratio    B/A: the Hodges–Lehmann ratio when tested, else the ratio of the medians
     *                 (NaN when not comparable)
     * @param estimate the ratio and its interval, null when not tested
     * @param test     the rank-sum test, null when not tested
     * @param adjustedP the Benjamini–Hochberg adjusted p, NaN when not tested
     * @param verdict  the decision
     * @param note     for too few samples whether the two ranges overlap, for not comparable why, for
     *                 a difference within the forks' spread the two ranges of fork medians, else ""
     * @param byFork   whether the samples are fork medians (at least {@link Rules#minSamples()} forks
     *                 a side) rather than iterations
     */
    record Row(JmhResult a, JmhResult b, double[] rawA, double[] rawB, double ratio, RatioEstimate.Result estimate,
               RankSumTest.Result test, double adjustedP, Verdict verdict, String note, boolean byFork) {

        /** Whether a larger score is better (throughput), so that B/A &gt; 1 means B is faster. */
        boolean higherIsBetter() {
            return Units.higherIsBetter(a.unit());
        }
    }

    /** A pair of results for one benchmark and parameter set. */
    record Pair(JmhResult a, JmhResult b) {}

    /** Decides every pair, adjusting the p-values of the tested ones together. */
    static List<Row> decide(List<Pair> pairs, Rules rules) {
        List<Row> rows = new ArrayList<>();
        for (Pair p : pairs) {
            rows.add(measure(p.a(), p.b(), rules));
        }
        double[] ps = rows.stream().mapToDouble(r -> r.test() == null ? Double.NaN : r.test().p()).toArray();
        double[] qs = FalseDiscovery.adjust(ps);
        List<Row> out = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            if (r.test() == null) {
                out.add(r);
                continue;
            }
            double q = qs[i];
            Verdict v;
            String note = r.note();
            double forkP = r.byFork() ? Double.NaN : forkP(r); // NaN: nothing for the forks to check
            if (q > rules.alpha()) {
                v = Verdict.NONE;
            } else if (r.ratio() < 1 + rules.floor() && r.ratio() > 1 / (1 + rules.floor())) {
                v = Verdict.FLOOR;
            } else if (forkP > rules.alpha()) {
                v = Verdict.FORKS;
                note = "fork medians A " + range(r.a().forkMedians(), r.a().unit()) + ", B "
                        + range(convertedForkMedians(r), r.a().unit()) + "; their own rank-sum p = "
                        + Compare.pValue(forkP);
            } else {
                v = (r.ratio() > 1) == r.higherIsBetter() ? Verdict.FASTER : Verdict.SLOWER;
            }
            out.add(new Row(r.a(), r.b(), r.rawA(), r.rawB(), r.ratio(), r.estimate(), r.test(), q, v, note,
                    r.byFork()));
        }
        return out;
    }

    /**
     * The exact rank-sum p of the two sides' fork medians alone, or NaN with at most one fork a
     * side (no fork-to-fork information to check). Unadjusted: a row asks for it only after its
     * iteration p has passed the adjustment.
     */
    static double forkP(Row r) {
        double[] fa = r.a().forkMedians();
        double[] fb = convertedForkMedians(r);
        return (fa.length < 2 && fb.length < 2) || fa.length == 0 || fb.length == 0 ? Double.NaN
                : RankSumTest.test(fa, fb).p();
    }

    /** B's fork medians in A's unit. */
    private static double[] convertedForkMedians(Row r) {
        return converted(r.b().forkMedians(), r.b(), r.a());
    }

    private static double[] converted(double[] values, JmhResult from, JmhResult to) {
        double[] out = new double[values.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = Units.convert(values[i], from.unit(), to.unit());
        }
        return out;
    }

    /** {@code [min, max] (n forks)}, each in {@code unit}'s scaled form. */
    private static String range(double[] v, String unit) {
        double lo = Double.POSITIVE_INFINITY, hi = Double.NEGATIVE_INFINITY;
        for (double x : v) {
            lo = Math.min(lo, x);
            hi = Math.max(hi, x);
        }
        return "[" + Units.value(lo, unit) + ", " + Units.value(hi, unit) + "] (" + v.length
                + (v.length == 1 ? " fork)" : " forks)");
    }

    /** One pair before the multiplicity adjustment: the test, or why there is none. */
    private static Row measure(JmhResult a, JmhResult b, Rules rules) {
        double[] forksA = a.forkMedians();
        boolean byFork = forksA.length >= rules.minSamples() && b.forkMedians().length >= rules.minSamples();
        double[] rawA = byFork ? forksA : a.raw();
        double[] rawB = converted(byFork ? b.forkMedians() : b.raw(), b, a);
        if (!a.unit().equals(b.unit()) && (rawB.length == 0 || Double.isNaN(rawB[0]))) {
            return unknown(a, b, rawA, rawB, byFork, "units " + a.unit() + " and " + b.unit() + " do not convert");
        }
        if (!a.mode().equals(b.mode())) {
            return unknown(a, b, rawA, rawB, byFork, "modes " + a.mode() + " and " + b.mode() + " differ");
        }
        if (rawA.length == 0 || rawB.length == 0) {
            return unknown(a, b, rawA, rawB, byFork, "no raw iterations in " + (rawA.length == 0 ? "A" : "B"));
        }
        for (double[] side : List.of(a.raw(), b.raw())) { // every iteration, also under a fork median
            for (double v : side) {
                if (!(v > 0) || Double.isInfinite(v)) {
                    return unknown(a, b, rawA, rawB, byFork, "an iteration is not a positive number: " + v);
                }
            }
        }
        double ratioOfMedians = JmhResult.median(rawB) / JmhResult.median(rawA);
        if (rawA.length < rules.minSamples() || rawB.length < rules.minSamples()) {
            return new Row(a, b, rawA, rawB, ratioOfMedians, null, null, Double.NaN, Verdict.TOO_FEW,
                    "ranges " + (overlap(rawA, rawB) ? "overlap" : "do not overlap"), byFork);
        }
        RankSumTest.Result test = RankSumTest.test(rawA, rawB);
        RatioEstimate.Result est = RatioEstimate.estimate(rawA, rawB, rules.level());
        return new Row(a, b, rawA, rawB, est.ratio(), est, test, Double.NaN, Verdict.NONE, "", byFork);
    }

    private static Row unknown(JmhResult a, JmhResult b, double[] rawA, double[] rawB, boolean byFork,
                               String why) {
        return new Row(a, b, rawA, rawB, Double.NaN, null, null, Double.NaN, Verdict.UNKNOWN, why, byFork);
    }

    /** Whether the ranges [min, max] of two samples overlap. */
    static boolean overlap(double[] x, double[] y) {
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = Double.NEGATIVE_INFINITY;
        double yMin = Double.POSITIVE_INFINITY;
        double yMax = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            xMin = Math.min(xMin, v);
            xMax = Math.max(xMax, v);
        }
        for (double v : y) {
            yMin = Math.min(yMin, v);
            yMax = Math.max(yMax, v);
        }
        return xMin <= yMax && yMin <= xMax;
    }
}

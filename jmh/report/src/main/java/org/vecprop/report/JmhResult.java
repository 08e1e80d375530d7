package org.vecprop.report;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One entry of a JMH JSON result file: one benchmark method at one combination of parameters.
 *
 * @param benchmark   the full name, e.g. {@code org.vecprop.jmh.GemmBenchmark.vecprop}
 * @param mode        JMH's mode: avgt, thrpt, sample, ss
 * @param threads     JMH worker threads (not threads a benchmark starts itself)
 * @param forks       forks measured
 * @param params      the {@code @Param} values, in file order
 * @param score       JMH's score: the mean over all measurement iterations of all forks
 * @param scoreError  half-width of JMH's 99.9% confidence interval of the score (NaN if unknown,
 *                    e.g. with a single iteration)
 * @param unit        the score's unit, e.g. {@code ns/op}
 * @param raw         every measurement iteration of every fork (JMH's rawData, flattened); in
 *                    sample mode, each iteration's median sampled time (from rawDataHistogram)
 * @param allocNorm   {@code gc.alloc.rate.norm} in B/op when run with {@code -prof gc}, else null
 * @param secondary   every secondary metric's score and unit, keys without JMH's leading "·"
 * @param run         which input file this came from
 * @param settings    forks, warmup and measurement as one line, e.g. {@code 1 fork, 2×1 s warmup, 3×1 s}
 * @param forkSizes   how many of {@code raw}'s iterations each fork measured, in order (they sum
 *                    to {@code raw.length}): the iterations of one fork share its JIT compilation,
 *                    heap layout and whatever the machine was doing, so they are not independent
 *                    of each other the way two forks are
 */
record JmhResult(String benchmark, String mode, int threads, int forks, Map<String, String> params,
                 double score, double scoreError, String unit, double[] raw, Double allocNorm,
                 Map<String, Metric> secondary, RunInfo run, String settings, int[] forkSizes) {

    JmhResult {
        int sum = 0;
        for (int n : forkSizes) {
            if (n < 0) {
                throw new IllegalArgumentException("forkSizes must not be negative: " + n);
            }
            sum += n;
        }
        if (sum != raw.length) {
            throw new IllegalArgumentException("forkSizes sum to " + sum + ", raw has " + raw.length);
        }
    }

    /** As the canonical constructor, all iterations from one fork. */
    JmhResult(String benchmark, String mode, int threads, int forks, Map<String, String> params,
              double score, double scoreError, String unit, double[] raw, Double allocNorm,
              Map<String, Metric> secondary, RunInfo run, String settings) {
        this(benchmark, mode, threads, forks, params, score, scoreError, unit, raw, allocNorm, secondary, run,
                settings, raw.length == 0 ? new int[0] : new int[] {raw.length});
    }

    /** The median of each fork's iterations, one value per fork that measured any. */
    double[] forkMedians() {
        double[] out = new double[forkSizes.length];
        int n = 0, from = 0;
        for (int size : forkSizes) {
            if (size > 0) {
                out[n++] = median(Arrays.copyOfRange(raw, from, from + size));
            }
            from += size;
        }
        return Arrays.copyOf(out, n);
    }

    /** A secondary metric: score, error and unit. */
    record Metric(double score, double error, String unit) {}

    /** Where a result came from and what JMH says about the JVM that produced it. */
    record RunInfo(int index, String file, String jmhVersion, String jdkVersion, String vmName,
                   String vmVersion, List<String> jvmArgs) {}

    /** The simple class name, e.g. {@code GemmBenchmark}. */
    String className() {
        String cls = benchmark.substring(0, Math.max(0, benchmark.lastIndexOf('.')));
        return cls.substring(cls.lastIndexOf('.') + 1);
    }

    /** The class name without a trailing {@code Benchmark}, e.g. {@code Gemm}, {@code GemmThreads}. */
    String family() {
        String c = className();
        return c.endsWith("Benchmark") && c.length() > "Benchmark".length()
                ? c.substring(0, c.length() - "Benchmark".length()) : c;
    }

    /** The benchmark method, e.g. {@code vecprop}. */
    String method() {
        return benchmark.substring(benchmark.lastIndexOf('.') + 1);
    }

    /** Parameters as {@code a=1, b=x} (sorted by name, so that two files agree), or empty. */
    String paramString() {
        StringJoiner j = new StringJoiner(", ");
        new TreeMap<>(params).forEach((k, v) -> j.add(k + "=" + v));
        return j.toString();
    }

    /** Identity of a result across files: benchmark, mode, JMH threads and parameters. */
    String key() {
        return benchmark + " [" + mode + (threads != 1 ? ", " + threads + " threads" : "") + "] " + paramString();
    }

    /** Median of the raw iterations, or NaN if there are none. */
    double rawMedian() {
        return median(raw);
    }

    /** Score in nanoseconds per operation (per JMH thread), or NaN if the unit is not a time. */
    double nsPerOp() {
        return Units.nsPerOp(score, unit);
    }

    static double median(double[] values) {
        if (values == null || values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }

    @Override
    public boolean equals(Object o) {
        return this == o;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    @Override
    public String toString() {
        return key() + " = " + score + " ± " + scoreError + " " + unit;
    }
}

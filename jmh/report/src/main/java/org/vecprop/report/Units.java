package org.vecprop.report;

import java.util.Locale;

/**
 * JMH's score units, and number formatting for the report.
 *
 * <p>JMH reports a time per operation ({@code ns/op}, {@code us/op}, {@code ms/op}, {@code s/op};
 * modes avgt, sample, ss) or operations per time ({@code ops/ns} ... {@code ops/s}; mode thrpt).
 * {@link #nsPerOp} turns either into nanoseconds per operation, so that derived units (GF/s,
 * GB/s, speedups) do not depend on the unit a benchmark was written with.
 */
final class Units {
    private Units() {}

    /** Nanoseconds in one unit of time as JMH spells it, or NaN for an unknown name. */
    static double nanos(String timeUnit) {
        return switch (timeUnit.trim()) {
            case "ns" -> 1;
            case "us", "µs", "μs" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "min" -> 60e9;
            case "hr", "h" -> 3600e9;
            default -> Double.NaN;
        };
    }

    /** Whether the unit is a time per operation ({@code X/op}): smaller is better. */
    static boolean isTimePerOp(String unit) {
        return unit.endsWith("/op") && !Double.isNaN(nanos(unit.substring(0, unit.length() - 3)));
    }

    /** Whether the unit is operations per time ({@code ops/X}): larger is better. */
    static boolean isOpsPerTime(String unit) {
        return unit.startsWith("ops/") && !Double.isNaN(nanos(unit.substring(4)));
    }

    /** Whether a larger score is better for this unit (throughput); false for time per op. */
    static boolean higherIsBetter(String unit) {
        return isOpsPerTime(unit);
    }

    /** The score as nanoseconds per operation, or NaN if the unit is neither kind. */
    static double nsPerOp(double score, String unit) {
        if (isTimePerOp(unit)) {
            return score * nanos(unit.substring(0, unit.length() - 3));
        }
        if (isOpsPerTime(unit)) {
            return nanos(unit.substring(4)) / score;
        }
        return Double.NaN;
    }

    /**
     * Converts a value from one unit to another of the same kind (both X/op or both ops/X), or
     * returns NaN when they are not convertible.
     */
    static double convert(double value, String from, String to) {
        if (from.equals(to)) {
            return value;
        }
        if (isTimePerOp(from) && isTimePerOp(to)) {
            return value * nanos(from.substring(0, from.length() - 3)) / nanos(to.substring(0, to.length() - 3));
        }
        if (isOpsPerTime(from) && isOpsPerTime(to)) {
            return value * nanos(to.substring(4)) / nanos(from.substring(4));
        }
        return Double.NaN;
    }

    /** A time unit (ns, µs, ms, s) in which {@code ns} nanoseconds reads as 1 to 999. */
    static String timeUnitFor(double ns) {
        double a = Math.abs(ns);
        if (!(a >= 1e3)) {
            return "ns";
        }
        if (a < 1e6) {
            return "µs";
        }
        if (a < 1e9) {
            return "ms";
        }
        return "s";
    }

    /** Nanoseconds per {@link #timeUnitFor} unit. */
    static double nanosOf(String shortUnit) {
        return switch (shortUnit) {
            case "ns" -> 1;
            case "µs" -> 1e3;
            case "ms" -> 1e6;
            default -> 1e9;
        };
    }

    /** {@code v} with {@code sig} significant digits, no exponent for everyday magnitudes. */
    static String sig(double v, int sig) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "∞" : "-∞";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a >= 1e15 || a < 1e-4) {
            return String.format(Locale.ROOT, "%." + (sig - 1) + "e", v);
        }
        int digitsBefore = (int) Math.floor(Math.log10(a)) + 1;
        int decimals = Math.max(0, sig - digitsBefore);
        String s = String.format(Locale.ROOT, "%,." + decimals + "f", v);
        return s.replace(',', '\u202f'); // thin space as thousands separator: 9 857 190
    }

    /**
     * A score and its error in one unit with matching decimals, e.g. {@code 2.594 ± 0.161 µs}
     * (time units are scaled to ns/µs/ms/s; other units are kept).
     */
    static String scoreWithError(double score, double error, String unit) {
        String u = unit;
        double s = score;
        double e = error;
        if (isTimePerOp(unit)) {
            double ns = nsPerOp(score, unit);
            u = timeUnitFor(ns);
            double f = nanosOf(u);
            s = ns / f;
            e = Double.isNaN(error) ? Double.NaN : nsPerOp(error, unit) / f;
        }
        String main = sig(s, 4);
        int decimals = decimalsOf(main);
        String err = Double.isNaN(e) ? "n/a"
                : String.format(Locale.ROOT, "%,." + decimals + "f", e).replace(',', '\u202f');
        String rel = Double.isNaN(e) || s == 0 ? "" : String.format(Locale.ROOT, " (%.1f%%)", 100 * e / Math.abs(s));
        return main + " ± " + err + " " + u + rel;
    }

    /** A value in a unit, time units scaled like {@link #scoreWithError}. */
    static String value(double v, String unit) {
        if (isTimePerOp(unit)) {
            double ns = nsPerOp(v, unit);
            String u = timeUnitFor(ns);
            return sig(ns / nanosOf(u), 4) + " " + u;
        }
        return sig(v, 4) + " " + unit;
    }

    private static int decimalsOf(String formatted) {
        int dot = formatted.indexOf('.');
        if (dot < 0 || formatted.contains("e")) {
            return 0;
        }
        return formatted.length() - dot - 1;
    }

    /** A ratio such as a speedup: {@code 1.74×}. */
    static String times(double r) {
        if (Double.isNaN(r)) {
            return "—";
        }
        return sig(r, 3) + "×";
    }

    /** A fraction as a percentage: {@code 61.2 %}. */
    static String percent(double f) {
        if (Double.isNaN(f)) {
            return "—";
        }
        return String.format(Locale.ROOT, "%.1f %%", 100 * f);
    }

    /** Bytes per operation from JMH's gc profiler: about 0 is shown as such. */
    static String bytesPerOp(Double b) {
        if (b == null || Double.isNaN(b)) {
            return "—";
        }
        if (Math.abs(b) < 0.5) {
            return "≈ 0";
        }
        return sig(b, 3);
    }
}

package org.vecprop.report;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the report interprets each benchmark family (the benchmark's class, e.g.
 * {@code GemmBenchmark}), and the derived units it computes.
 *
 * <h2>Families</h2>
 * <ul>
 *   <li>{@link Kind#GEMM}: a class named {@code Gemm*} with a {@code shape} parameter
 *       {@code MxKxN[:XY]} ({@code C (MxN) = op(A) (MxK) · op(B) (KxN)}, see the benchmarks'
 *       {@code GemmShape}). Derived: GF/s = {@code 2·M·K·N / (ns/op)}; the fraction of the
 *       machine's peak (below); the speedup over {@code openblasPointer} at the same shape (from the
 *       same class, else from any {@code Gemm*} class, i.e. {@code GemmBenchmark}).</li>
 *   <li>{@link Kind#DENSE}: a class named {@code Dense*} ({@code DenseForward}, {@code DenseBackward};
 *       params {@code batch}, {@code width}). Derived: speedup over {@code unfused} at the same
 *       params, and the time relative to the bare GEMM ({@code gemm} or {@code gemms}).</li>
 *   <li>{@link Kind#TRAIN}: a class named {@code TrainStep*} (param {@code net}, e.g.
 *       {@code 784-256-128-10@64}). Derived: speedup over {@code pytorch} at the same net; for
 *       {@code vecpropForward} / {@code vecpropBackward}, which are parts of a step, their share of
 *       the {@code vecprop} step instead.</li>
 *   <li>{@link Kind#STREAM}: a benchmark with an {@code n} parameter whose class name, method name
 *       or a parameter value contains Streaming, Relu, Mse, Bias or Copy (e.g.
 *       {@code StreamingBenchmark}, params {@code kernel}, {@code n}). Derived: GB/s = bytes
 *       touched / (ns/op), with the bytes from {@link #STREAM_BYTES}, and the ratio to the GB/s of
 *       the {@code copy} method at the same parameters (else at the same n).</li>
 *   <li>{@link Kind#PEAK}: a peak probe (below).</li>
 *   <li>{@link Kind#OTHER}: anything else; listed raw.</li>
 * </ul>
 * Speedup over a peer = peer's ns/op ÷ this ns/op (throughput scores are converted first), so
 * above 1 means faster than the peer.
 *
 * <h2>Peak probe convention</h2>
 * A benchmark whose class is named {@code Peak*} (e.g. {@code org.vecprop.jmh.PeakBenchmark.fma})
 * measures the machine's attainable single-core float FMA rate. Its flop count comes from, in
 * this order,
 * <ol>
 *   <li>a {@code @Param} named {@code flops} (or {@code flopsPerOp}): the floating-point
 *       operations of one benchmark invocation, an FMA counting as 2; GF/s =
 *       {@code flops / (ns/op)}, whatever the mode and time unit; or</li>
 *   <li>a secondary metric named {@code flops} in a rate unit ({@code ops/s}, {@code ops/us}, ...),
 *       as an {@code @AuxCounters(Type.OPERATIONS)} field counting flops produces; GF/s = that
 *       rate in flops per ns; or</li>
 *   <li>a method whose name ends in {@code fma}, whose JMH operation is one lane FMA
 *       ({@code @OperationsPerInvocation} = FMAs per call × lanes), as {@code PeakBenchmark.fma}
 *       does: 2 flops per op, GF/s = {@code 2 / (ns/op)}.</li>
 * </ol>
 * With JMH worker threads ({@code -t}), the rate is divided by the thread count: the peak is per
 * core. The machine's peak is the best GF/s of all probes in the run; a GEMM result's fraction of
 * peak is its GF/s ÷ (peak × cores it used), where cores is N for a method named
 * {@code threadsN} (as in {@code GemmThreadsBenchmark}) or a {@code threads} parameter, else 1.
 * A probe with none of these is listed but ignored.
 */
final class Families {
    private Families() {}

    /** What the report knows how to interpret. */
    enum Kind { GEMM, PEAK, DENSE, TRAIN, STREAM, OTHER }

    /** The method each family's speedups are relative to. */
    static final Map<Kind, String> PEERS = Map.of(
            Kind.GEMM, "openblasPointer",
            Kind.DENSE, "unfused",
            Kind.TRAIN, "pytorch");

    /**
     * Bytes of memory traffic of the streaming benchmarks: bytes = perElement × n + fixed, and
     * GB/s = bytes / (ns/op). An entry counts the float arrays one call must read and write once
     * (4 bytes per float); scalar results are not counted.
     *
     * <p>Keys, matched without regard to case, most specific first: {@code family.method[param=value]},
     * {@code family.*[param=value]}, {@code family.method}, {@code family.*}, {@code *.method},
     * family being the class name without {@code Benchmark}. A streaming benchmark without an
     * entry gets no GB/s (the report says so): add its entry here.
     *
     * <p>The entries mirror {@code StreamingBenchmark.bytesTouched} in jmh/: its methods
     * {@code vecprop}, {@code reference} and {@code copy} (a {@code System.arraycopy} of the same
     * number of bytes, the yardstick) run each {@code kernel} at each {@code n}; the bias kernels
     * work on rows of {@code COLS = 1024} and also touch one row of bias or gradient (4096 bytes).
     */
    static final Map<String, StreamBytes> STREAM_BYTES = Map.ofEntries(
            bytes("streaming.*[kernel=relu]", 8, 0, "y = max(0, x): read x, write y"),
            bytes("streaming.*[kernel=relubackward]", 12, 0, "dz = z > 0 ? dy : 0: read z and dy, write dz"),
            bytes("streaming.*[kernel=mse]", 12, 0, "loss and g = 2(p − t)/n: read p and t, write g"),
            bytes("streaming.*[kernel=biasadd]", 8, 4096, "y = x + b by rows of 1024: read x, write y, read b"),
            bytes("streaming.*[kernel=biasgradient]", 4, 4096,
                    "db = column sums by rows of 1024: read dz, write db"),
            bytes("streaming.*[kernel=adamw]", 32, 0,
                    "AdamW in place: read w, g, m, v, write w, g (zeroed), m, v"));

    /** Bytes touched: {@code perElement × n + fixed}, and what they are. */
    record StreamBytes(String key, double perElement, double fixed, String what) {
        /** {@code 8 n} or {@code 8 n + 4096}. */
        String formula() {
            return plain(perElement) + " n" + (fixed == 0 ? "" : " + " + plain(fixed));
        }

        private static String plain(double v) {
            return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
        }
    }

    private static Map.Entry<String, StreamBytes> bytes(String key, double perElement, double fixed, String what) {
        return Map.entry(key, new StreamBytes(key, perElement, fixed, what));
    }

    private static final Pattern STREAM_NAME = Pattern.compile("(?i).*(streaming|relu|mse|bias|copy).*");
    private static final Pattern THREADS_METHOD = Pattern.compile("threads(\\d+)");

    static Kind kind(JmhResult r) {
        String f = r.family();
        if (f.startsWith("Peak")) {
            return Kind.PEAK;
        }
        if (f.startsWith("Gemm") && GemmShape.parse(r.params().get("shape")) != null) {
            return Kind.GEMM;
        }
        if (f.startsWith("Dense")) {
            return Kind.DENSE;
        }
        if (f.startsWith("TrainStep")) {
            return Kind.TRAIN;
        }
        if (r.params().containsKey("n") && (STREAM_NAME.matcher(f).matches() || STREAM_NAME.matcher(r.method()).matches()
                || r.params().values().stream().anyMatch(v -> STREAM_NAME.matcher(v).matches()))) {
            return Kind.STREAM;
        }
        return Kind.OTHER;
    }

    /** A GEMM shape {@code MxKxN[:XY]}. */
    record GemmShape(int m, int k, int n, boolean transA, boolean transB) {
        private static final Pattern SYNTAX = Pattern.compile("(\\d+)x(\\d+)x(\\d+)(?::([NT])([NT]))?");

        /** The shape, or null if {@code s} is not one. */
        static GemmShape parse(String s) {
            if (s == null) {
                return null;
            }
            Matcher m = SYNTAX.matcher(s.trim());
            if (!m.matches()) {
                return null;
            }
            return new GemmShape(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), "T".equals(m.group(4)), "T".equals(m.group(5)));
        }

        /** Floating-point operations, a multiply-add counting 2. */
        double flops() {
            return 2.0 * m * k * n;
        }

        /** M = K = N with neither operand transposed. */
        boolean square() {
            return m == k && k == n && !transA && !transB;
        }

        /** The cube root of M·K·N: the side of the square product with as many flops. */
        double side() {
            return Math.cbrt((double) m * k * n);
        }
    }

    /** GF/s of a GEMM result: {@code 2·M·K·N / (ns/op)}, or NaN. */
    static double gemmGflops(JmhResult r) {
        GemmShape s = GemmShape.parse(r.params().get("shape"));
        double ns = r.nsPerOp();
        return s == null || !(ns > 0) ? Double.NaN : s.flops() / ns;
    }

    /** Cores a GEMM benchmark uses: N for {@code threadsN}, a {@code threads} param, else 1. */
    static int coresUsed(JmhResult r) {
        Matcher m = THREADS_METHOD.matcher(r.method());
        if (m.matches()) {
            return Math.max(1, Integer.parseInt(m.group(1)));
        }
        String t = r.params().get("threads");
        if (t != null && t.matches("\\d+")) {
            return Math.max(1, Integer.parseInt(t));
        }
        return 1;
    }

    /** One peak probe's rate per core, or NaN if it has no flop count; how it was derived. */
    record PeakRate(JmhResult result, double gflopsPerCore, String how) {}

    /** The peak probe's GF/s per core, by the convention in this class's documentation. */
    static PeakRate peakRate(JmhResult r) {
        int threads = Math.max(1, r.threads());
        for (String p : List.of("flops", "flopsPerOp")) {
            String v = r.params().get(p);
            if (v != null) {
                try {
                    double flops = Double.parseDouble(v.trim());
                    double ns = r.nsPerOp();
                    // avgt is per thread already; thrpt sums over threads
                    double perCore = flops / ns / (Units.isOpsPerTime(r.unit()) ? threads : 1);
                    return new PeakRate(r, perCore, "@Param " + p + " = " + v + " flops per op");
                } catch (NumberFormatException e) {
                    return new PeakRate(r, Double.NaN, "@Param " + p + " = " + v + " is not a number");
                }
            }
        }
        JmhResult.Metric m = r.secondary().get("flops");
        if (m != null && Units.isOpsPerTime(m.unit())) {
            double perNs = Units.convert(m.score(), m.unit(), "ops/ns");
            return new PeakRate(r, perNs / threads, "secondary metric flops = " + Units.sig(m.score(), 4) + " " + m.unit());
        }
        if (r.method().toLowerCase(Locale.ROOT).endsWith("fma")) {
            double perCore = 2 / r.nsPerOp() / (Units.isOpsPerTime(r.unit()) ? threads : 1);
            return new PeakRate(r, perCore, "one op = one lane FMA = 2 flops (@OperationsPerInvocation)");
        }
        return new PeakRate(r, Double.NaN, "no flops @Param, flops counter or fma method: ignored");
    }

    /** The streaming bytes entry for a result, or null. */
    static StreamBytes streamBytes(JmhResult r) {
        String f = r.family().toLowerCase(Locale.ROOT);
        String m = r.method().toLowerCase(Locale.ROOT);
        List<String> keys = new java.util.ArrayList<>();
        for (Map.Entry<String, String> p : r.params().entrySet()) {
            String kv = "[" + p.getKey() + "=" + p.getValue() + "]";
            keys.add((f + "." + m + kv).toLowerCase(Locale.ROOT));
            keys.add((f + ".*" + kv).toLowerCase(Locale.ROOT));
        }
        keys.addAll(List.of(f + "." + m, f + ".*", "*." + m));
        for (String key : keys) {
            StreamBytes b = STREAM_BYTES.get(key);
            if (b != null) {
                return b;
            }
        }
        return null;
    }

    /** GB/s of a streaming result, or NaN without a bytes entry or a numeric n. */
    static double streamGBps(JmhResult r) {
        StreamBytes b = streamBytes(r);
        double n = streamN(r);
        double ns = r.nsPerOp();
        return b == null || Double.isNaN(n) || !(ns > 0) ? Double.NaN : (b.perElement() * n + b.fixed()) / ns;
    }

    /** The {@code n} parameter as a number, or NaN. */
    static double streamN(JmhResult r) {
        try {
            return Double.parseDouble(r.params().getOrDefault("n", "").trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** Whether a streaming result is a copy: the yardstick for the others. */
    static boolean isCopy(JmhResult r) {
        return r.family().toLowerCase(Locale.ROOT).contains("copy") || r.method().toLowerCase(Locale.ROOT).contains("copy");
    }
}

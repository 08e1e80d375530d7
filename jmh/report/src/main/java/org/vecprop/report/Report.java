package org.vecprop.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.jfree.chart.JFreeChart;
import org.vecprop.report.Families.GemmShape;
import org.vecprop.report.Families.Kind;

/**
 * The {@code report} command: JMH result files in, one Markdown report (and PNG plots) out.
 *
 * <p>When the same benchmark with the same parameters is in several files, the file named later
 * on the command line wins, and the report lists what it replaced. Every number shown comes from
 * the JSON: JMH's score and its error (the half-width of JMH's 99.9% confidence interval, Student's
 * t over all measurement iterations of all forks), the median of the raw iterations, and
 * {@code gc.alloc.rate.norm} from {@code -prof gc}; derived units are described in
 * {@link Families}.
 */
final class Report {
    /** Where the Markdown goes (null: standard output) and where plots go (null: no plots). */
    record Options(Path out, Path plots, List<Path> files) {}

    private final Options options;
    private final List<ResultFile> files;
    private final List<String> warnings = new ArrayList<>();
    /** Results after later files replaced earlier ones, in first-seen order. */
    private final List<JmhResult> results = new ArrayList<>();
    /** "[old] → [new]" → what was replaced. */
    private final Map<String, List<String>> superseded = new LinkedHashMap<>();
    private final StringBuilder md = new StringBuilder();
    private Families.PeakRate peak;

    Report(Options options, List<ResultFile> files, List<String> loadWarnings) {
        this.options = options;
        this.files = files;
        this.warnings.addAll(loadWarnings);
        Map<String, Integer> at = new LinkedHashMap<>();
        for (ResultFile f : files) {
            for (JmhResult r : f.results()) {
                Integer i = at.get(r.key());
                if (i == null) {
                    at.put(r.key(), results.size());
                    results.add(r);
                } else {
                    JmhResult old = results.get(i);
                    superseded.computeIfAbsent("[" + old.run().index() + "] by [" + r.run().index() + "]",
                            k -> new ArrayList<>()).add(old.className() + "." + old.method()
                            + (old.paramString().isEmpty() ? "" : " " + String.join(" ", old.params().values())));
                    results.set(i, r);
                }
            }
        }
    }

    /** Writes the Markdown (and the plots) and returns the Markdown. */
    String render() throws IOException {
        boolean multi = files.size() > 1;
        md.append("# vecprop benchmark report\n\n");
        md.append("Generated ").append(LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")))
                .append(" by vecprop-report from ").append(files.size())
                .append(files.size() == 1 ? " JMH result file" : " JMH result files").append(".\n\n");
        inputs();
        machine();
        reading(multi);
        peakSection();
        gemm(multi);
        simpleFamilies(Kind.DENSE, "Dense layers", multi);
        simpleFamilies(Kind.TRAIN, "Training steps", multi);
        streaming(multi);
        other(multi);
        if (!superseded.isEmpty()) {
            md.append("## Replaced results\n\n")
                    .append("These were in more than one file; the later file on the command line wins:\n\n");
            superseded.forEach((k, v) -> md.append("- ").append(k).append(" (").append(v.size()).append("): ")
                    .append(String.join(", ", v)).append('\n'));
            md.append('\n');
        }
        if (!warnings.isEmpty()) {
            md.append("## Warnings\n\n");
            for (String w : warnings) {
                md.append("- ").append(w).append('\n');
            }
            md.append('\n');
        }
        return md.toString();
    }

    private void inputs() {
        Table t = new Table("run", "file", ">results", "date", "JDK (from JMH)", "JMH");
        for (ResultFile f : files) {
            Set<String> jdks = new LinkedHashSet<>();
            Set<String> jmh = new LinkedHashSet<>();
            for (JmhResult r : f.results()) {
                jdks.add(r.run().vmVersion().isEmpty() ? r.run().jdkVersion() : r.run().vmVersion());
                jmh.add(r.run().jmhVersion());
            }
            t.row("[" + f.index() + "]", "`" + f.name() + "`", String.valueOf(f.results().size()), f.date(),
                    String.join(", ", jdks), String.join(", ", jmh));
        }
        md.append(t.render()).append('\n');
    }

    /** The machine-facts block: sidecar facts, then what the JMH JSON itself says. */
    private void machine() {
        md.append("## Machine\n\n");
        List<ResultFile> withFacts = files.stream().filter(f -> !f.facts().isEmpty()).toList();
        List<ResultFile> without = files.stream().filter(f -> f.facts().isEmpty()).toList();
        // Group files with identical facts so that one machine is shown once.
        Map<Map<String, String>, List<ResultFile>> groups = new LinkedHashMap<>();
        for (ResultFile f : withFacts) {
            groups.computeIfAbsent(f.facts(), k -> new ArrayList<>()).add(f);
        }
        if (!groups.isEmpty()) {
            List<Map<String, String>> sets = new ArrayList<>(groups.keySet());
            Set<String> keys = new LinkedHashSet<>();
            sets.forEach(s -> keys.addAll(s.keySet()));
            List<String> headers = new ArrayList<>();
            headers.add("fact");
            for (List<ResultFile> g : groups.values()) {
                headers.add(g.stream().map(f -> "[" + f.index() + "]").collect(Collectors.joining(" ")));
            }
            Table t = new Table(headers.toArray(String[]::new));
            for (String k : keys) {
                List<String> row = new ArrayList<>();
                row.add(k);
                for (Map<String, String> s : sets) {
                    String v = s.getOrDefault(k, "");
                    row.add(k.equals("command") && !v.isEmpty() ? "`" + v.replace("`", "'") + "`" : v);
                }
                t.row(row.toArray(String[]::new));
            }
            md.append(t.render()).append('\n');
        }
        if (!without.isEmpty()) {
            md.append("No machine-facts sidecar for ")
                    .append(without.stream().map(f -> "[" + f.index() + "]").collect(Collectors.joining(" ")))
                    .append(" (`<result>.facts.json`, written by `vecprop_machine_facts` in `scripts/lib/facts.sh`):"
                            + " only what JMH recorded is known for ")
                    .append(without.size() == 1 ? "it" : "them").append(".\n\n");
        }
        // What JMH recorded, per file (distinct values only).
        Table t = new Table("run", "JVM", "JVM arguments (as JMH forked it)", "JMH settings");
        for (ResultFile f : files) {
            Set<String> jvm = new LinkedHashSet<>();
            Set<String> args = new LinkedHashSet<>();
            Set<String> settings = new LinkedHashSet<>();
            for (JmhResult r : f.results()) {
                jvm.add((r.run().vmName() + " " + r.run().vmVersion()).trim());
                args.add(String.join(" ", r.run().jvmArgs()));
                settings.add(r.settings());
            }
            t.row("[" + f.index() + "]", String.join("; ", jvm),
                    args.stream().map(a -> "`" + a + "`").collect(Collectors.joining("; ")),
                    String.join("; ", settings));
        }
        md.append(t.render()).append('\n');
    }

    private void reading(boolean multi) {
        md.append("## How to read the tables\n\n")
                .append("- **score ± 99.9% CI half-width**: JMH's score (the mean of all measurement iterations of"
                        + " all forks) and its scoreError, the half-width of the 99.9% confidence interval; the"
                        + " percentage is that half-width relative to the score. Times are per operation (one call"
                        + " of the benchmark method).\n")
                .append("- **median (n)**: the median of JMH's raw iterations and how many there were; far from"
                        + " the score means outliers.\n")
                .append("- **GF/s** = 2·M·K·N / time for GEMM shape `MxKxN[:XY]` (C(M×N) = op(A)(M×K)·op(B)(K×N)).\n")
                .append("- **speedup vs X** = X's time ÷ this time at the same parameters: above 1× is faster than X.\n")
                .append("- **B/op**: bytes allocated per operation (`gc.alloc.rate.norm`, JMH `-prof gc`);"
                        + " ≈ 0 means below half a byte.\n");
        if (multi) {
            md.append("- **run**: which input file the row comes from (see the list above).\n");
        }
        md.append('\n');
    }

    private List<JmhResult> ofKind(Kind k) {
        return results.stream().filter(r -> Families.kind(r) == k).toList();
    }

    private void peakSection() {
        List<JmhResult> probes = ofKind(Kind.PEAK);
        md.append("## Peak\n\n");
        if (probes.isEmpty()) {
            md.append("No peak probe in this run (a `Peak*` benchmark with a `flops` param or counter; see"
                    + " `Families` in vecprop-report): GEMM results have no fraction of peak.\n\n");
            return;
        }
        Table t = new Table("probe", "params", ">score ± 99.9% CI half-width", ">GF/s per core", "flop count");
        for (JmhResult r : probes) {
            Families.PeakRate p = Families.peakRate(r);
            if (!Double.isNaN(p.gflopsPerCore()) && (peak == null || p.gflopsPerCore() > peak.gflopsPerCore())) {
                peak = p;
            }
            t.row(r.className() + "." + r.method(), r.paramString(), Units.scoreWithError(r.score(), r.scoreError(), r.unit()),
                    Units.sig(p.gflopsPerCore(), 4), p.how());
        }
        md.append(t.render()).append('\n');
        if (peak != null) {
            md.append("Peak used below: **").append(Units.sig(peak.gflopsPerCore(), 4)).append(" GF/s per core** (")
                    .append(peak.result().className()).append('.').append(peak.result().method()).append(").");
            ResultFile from = files.stream().filter(f -> f.index() == peak.result().run().index()).findFirst()
                    .orElse(null);
            String mhz = from == null ? "" : Machine.known(from.facts().get("clock_measured_mhz"));
            if (mhz.matches("\\d+(\\.\\d+)?") && Double.parseDouble(mhz) > 0) {
                double perCycle = peak.gflopsPerCore() * 1000 / Double.parseDouble(mhz);
                md.append(" With the clock measured beside this run (").append(mhz).append(" MHz, facts file), that is ")
                        .append(Units.sig(perCycle, 3)).append(" flops per cycle (FMA = 2): 64 is two 512-bit FMA pipes,"
                                + " 32 two 256-bit ones. The clock was measured outside JMH, so the two may differ a little.");
            }
            md.append("\n\n");
        } else {
            md.append("No probe has a flop count, so there is no peak: GEMM results have no fraction of peak.\n\n");
        }
    }

    // ---------------------------------------------------------------- GEMM

    /** An implementation's name in GEMM tables and plots: the method, plus its class if not GemmBenchmark. */
    private static String gemmImpl(JmhResult r) {
        return r.family().equals("Gemm") ? r.method() : r.method() + " (" + r.family() + ")";
    }

    private void gemm(boolean multi) throws IOException {
        List<JmhResult> all = ofKind(Kind.GEMM);
        if (all.isEmpty()) {
            return;
        }
        String peer = Families.PEERS.get(Kind.GEMM);
        md.append("## GEMM\n\n");
        // Plots first: the overview.
        if (options.plots() != null) {
            plotGemmSquare(all);
            plotGemmShapes(all);
        }
        // GF/s pivot: shapes × implementations.
        List<String> impls = new ArrayList<>(new LinkedHashSet<>(all.stream()
                .sorted(Comparator.comparingInt(Report::implRank).thenComparing(JmhResult::method))
                .map(Report::gemmImpl).toList()));
        List<String> shapes = gemmShapes(all);
        md.append("GF/s by shape and implementation (each on one core unless its name says more, like")
                .append(" threads2; the best one-core result in bold):\n\n");
        List<String> headers = new ArrayList<>();
        headers.add("shape");
        impls.forEach(i -> headers.add(">" + i));
        Table pivot = new Table(headers.toArray(String[]::new));
        for (String shape : shapes) {
            List<String> row = new ArrayList<>();
            row.add(shape);
            double best = all.stream().filter(r -> shape.equals(r.params().get("shape")) && Families.coresUsed(r) == 1)
                    .mapToDouble(Families::gemmGflops).filter(v -> !Double.isNaN(v)).max().orElse(Double.NaN);
            for (String impl : impls) {
                JmhResult r = all.stream().filter(x -> shape.equals(x.params().get("shape")) && gemmImpl(x).equals(impl))
                        .findFirst().orElse(null);
                if (r == null) {
                    row.add("");
                } else {
                    double g = Families.gemmGflops(r);
                    String s = Units.sig(g, 3);
                    row.add(g == best && count(all, shape) > 1 ? "**" + s + "**" : s);
                }
            }
            pivot.row(row.toArray(String[]::new));
        }
        md.append(pivot.render()).append('\n');

        // Detail table per family.
        Map<String, List<JmhResult>> byClass = byClass(all);
        for (Map.Entry<String, List<JmhResult>> e : byClass.entrySet()) {
            md.append("### ").append(e.getKey()).append("\n\n");
            List<String> h = new ArrayList<>(List.of("implementation", "shape", ">score ± 99.9% CI half-width",
                    ">median (n)", ">GF/s"));
            if (peak != null) {
                h.add(">% of peak");
            }
            h.addAll(List.of(">speedup vs " + peer, ">B/op"));
            if (multi) {
                h.add("run");
            }
            Table t = new Table(h.toArray(String[]::new));
            List<JmhResult> rows = new ArrayList<>(e.getValue());
            rows.sort(Comparator.comparing((JmhResult r) -> shapeOrder(r.params().get("shape")))
                    .thenComparingInt(Report::implRank).thenComparing(JmhResult::method));
            boolean peerFromElsewhere = false;
            for (JmhResult r : rows) {
                double g = Families.gemmGflops(r);
                double fraction = peak == null ? Double.NaN : g / (peak.gflopsPerCore() * Families.coresUsed(r));
                JmhResult p = gemmPeer(r, all, peer);
                if (p != null && !p.className().equals(r.className())) {
                    peerFromElsewhere = true;
                }
                String speed = r.method().equals(peer) && p == r ? "1× (peer)" : p == null ? "—"
                        : Units.times(p.nsPerOp() / r.nsPerOp());
                List<String> row = new ArrayList<>(List.of(r.method(), r.params().get("shape"),
                        Units.scoreWithError(r.score(), r.scoreError(), r.unit()), median(r), Units.sig(g, 3)));
                if (peak != null) {
                    row.add(Units.percent(fraction)
                            + (Families.coresUsed(r) > 1 ? " of " + Families.coresUsed(r) + " cores" : ""));
                }
                row.addAll(List.of(speed, Units.bytesPerOp(r.allocNorm())));
                if (multi) {
                    row.add("[" + r.run().index() + "]");
                }
                t.row(row.toArray(String[]::new));
            }
            md.append(t.render()).append('\n');
            if (peerFromElsewhere) {
                md.append("The ").append(peer).append(" times here come from GemmBenchmark (same shape, one core).\n\n");
            }
            List<String> extraParams = e.getValue().stream().flatMap(r -> r.params().keySet().stream())
                    .filter(k -> !k.equals("shape")).distinct().toList();
            if (!extraParams.isEmpty()) {
                md.append("Note: these results have parameters besides `shape` (").append(String.join(", ", extraParams))
                        .append("); the table shows each row, the pivot above the first per shape.\n\n");
            }
        }
        if (peak == null) {
            md.append("No fraction of peak: no peak probe in this run.\n\n");
        } else {
            md.append("% of peak = GF/s ÷ (").append(Units.sig(peak.gflopsPerCore(), 4))
                    .append(" GF/s per core × the cores the implementation uses).\n\n");
        }
    }

    private static long count(List<JmhResult> rs, String shape) {
        return rs.stream().filter(r -> shape.equals(r.params().get("shape"))).count();
    }

    /** The peer at the same shape: same class first, then any Gemm* class. */
    private static JmhResult gemmPeer(JmhResult r, List<JmhResult> all, String peer) {
        String shape = r.params().get("shape");
        JmhResult other = null;
        for (JmhResult x : all) {
            if (x.method().equals(peer) && shape.equals(x.params().get("shape")) && x.mode().equals(r.mode())) {
                if (x.className().equals(r.className()) && x.params().equals(r.params())) {
                    return x;
                }
                if (other == null) {
                    other = x;
                }
            }
        }
        return other;
    }

    /** Shapes ordered: squares by size, then the rest by flops. */
    private static List<String> gemmShapes(List<JmhResult> all) {
        return all.stream().map(r -> r.params().get("shape")).distinct()
                .sorted(Comparator.comparing(Report::shapeOrder)).toList();
    }

    private record ShapeOrder(int group, double flops, String name) implements Comparable<ShapeOrder> {
        @Override
        public int compareTo(ShapeOrder o) {
            int c = Integer.compare(group, o.group);
            if (c == 0) {
                c = Double.compare(flops, o.flops);
            }
            return c != 0 ? c : name.compareTo(o.name);
        }
    }

    private static ShapeOrder shapeOrder(String shape) {
        GemmShape s = GemmShape.parse(shape);
        boolean transposed = s.transA() || s.transB();
        return new ShapeOrder(transposed ? 1 : 0, s.flops(), shape);
    }

    /** vecprop first (then its parts), peers next, the scalar reference last. */
    private static int implRank(JmhResult r) {
        String m = r.method();
        if (m.equals("vecprop") || m.equals("fused")) {
            return 0;
        }
        if (m.startsWith("vecprop")) {
            return m.endsWith("Forward") ? 1 : m.endsWith("Backward") ? 2 : 3;
        }
        if (m.startsWith("threads")) {
            return 4;
        }
        if (Families.PEERS.containsValue(m)) {
            return 5;
        }
        if (m.equals("reference")) {
            return 9;
        }
        return 6;
    }

    private void plotGemmSquare(List<JmhResult> all) throws IOException {
        Map<String, List<double[]>> series = new LinkedHashMap<>();
        all.stream().sorted(Comparator.comparingInt(Report::implRank).thenComparing(JmhResult::method)).forEach(r -> {
            GemmShape s = GemmShape.parse(r.params().get("shape"));
            double[] g = range(r, ns -> s.flops() / ns);
            if (s.square() && g != null) {
                series.computeIfAbsent(gemmImpl(r), k -> new ArrayList<>()).add(new double[] {s.side(), g[0], g[1], g[2]});
            }
        });
        if (series.isEmpty()) {
            md.append("_No square GEMM shapes (n×n×n) in this run: no GF/s-vs-size plot._\n\n");
            return;
        }
        List<Charts.Line> lines = new ArrayList<>();
        if (peak != null) {
            lines.add(new Charts.Line(peak.gflopsPerCore(), "peak, 1 core: " + Units.sig(peak.gflopsPerCore(), 3)
                    + " GF/s", new Color(0xB00020)));
            int maxCores = all.stream().mapToInt(Families::coresUsed).max().orElse(1);
            if (maxCores > 1) {
                lines.add(new Charts.Line(peak.gflopsPerCore() * maxCores, "peak, " + maxCores + " cores: "
                        + Units.sig(peak.gflopsPerCore() * maxCores, 3) + " GF/s", new Color(0x7A0016)));
            }
        }
        double lo = Double.POSITIVE_INFINITY;
        double hi = 0;
        for (List<double[]> pts : series.values()) {
            for (double[] p : pts) {
                lo = Math.min(lo, p[1]);
                hi = Math.max(hi, p[1]);
            }
        }
        boolean logY = hi / lo > 30;
        List<Charts.Series> list = new ArrayList<>();
        series.forEach((k, v) -> list.add(new Charts.Series(k, v)));
        JFreeChart chart = Charts.xy(new Charts.XyOptions("GEMM throughput on square products",
                subtitle("C(n×n) = A(n×n)·B(n×n), float32, one core unless named; median and range of the iterations"
                        + (peak == null ? "; no peak probe in this run" : "")),
                "matrix size n (log scale)", "GF/s  (2·n³ / time" + (logY ? ", log scale)" : ")"),
                true, 2, logY, lines), list);
        link("gemm-square.png", chart, "GEMM GF/s against matrix size (square shapes)");
    }

    private void plotGemmShapes(List<JmhResult> all) throws IOException {
        List<String> shapes = gemmShapes(all);
        if (shapes.size() < 2) {
            return;
        }
        Map<String, Map<String, double[]>> values = new LinkedHashMap<>();
        all.stream().sorted(Comparator.comparingInt(Report::implRank).thenComparing(JmhResult::method)).forEach(r -> {
            GemmShape s = GemmShape.parse(r.params().get("shape"));
            double[] g = range(r, ns -> s.flops() / ns);
            if (g != null) {
                values.computeIfAbsent(gemmImpl(r), k -> new TreeMap<>(Comparator.comparing(Report::shapeOrder)))
                        .put(r.params().get("shape"), g);
            }
        });
        // Categories in shape order for every series; series with fewer than half the shapes (such
        // as GemmThreads' two) would only crowd the chart: they are in the tables.
        Map<String, Map<String, double[]>> ordered = new LinkedHashMap<>();
        List<String> dropped = new ArrayList<>();
        for (Map.Entry<String, Map<String, double[]>> e : values.entrySet()) {
            if (e.getValue().size() * 2 < shapes.size()) {
                dropped.add(e.getKey());
                continue;
            }
            Map<String, double[]> m = new LinkedHashMap<>();
            for (String s : shapes) {
                m.put(s, e.getValue().get(s));
            }
            ordered.put(e.getKey(), m);
        }
        double lo = all.stream().mapToDouble(Families::gemmGflops).filter(v -> v > 0).min().orElse(1);
        double hi = all.stream().mapToDouble(Families::gemmGflops).filter(v -> v > 0).max().orElse(1);
        boolean log = hi / lo > 30;
        List<Charts.Line> lines = peak == null ? List.of()
                : List.of(new Charts.Line(peak.gflopsPerCore(), "peak, 1 core", new Color(0xB00020)));
        JFreeChart chart = Charts.dots(new Charts.DotOptions("GEMM throughput by shape",
                subtitle("shape MxKxN[:XY]: C(M×N) = op(A)(M×K)·op(B)(K×N), T = transposed; median and range of the"
                        + " iterations"), "", "GF/s" + (log ? " (log scale)" : ", linear from 0"), log, lines), ordered);
        int height = Math.max(Charts.HEIGHT, 26 * shapes.size() * Math.max(1, ordered.size()) / 2 + 220);
        linkSized("gemm-shapes.png", chart, "GEMM GF/s for every shape", height);
        if (!dropped.isEmpty()) {
            md.append("(The bar chart leaves out ").append(String.join(", ", dropped))
                    .append(", measured at too few shapes; see the tables.)\n\n");
        }
    }

    // ------------------------------------------------ Dense*, TrainStep*

    private void simpleFamilies(Kind kind, String title, boolean multi) throws IOException {
        List<JmhResult> all = ofKind(kind);
        if (all.isEmpty()) {
            return;
        }
        String peer = Families.PEERS.get(kind);
        md.append("## ").append(title).append("\n\n");
        for (Map.Entry<String, List<JmhResult>> e : byClass(all).entrySet()) {
            List<JmhResult> rows = new ArrayList<>(e.getValue());
            md.append("### ").append(e.getKey()).append("\n\n");
            if (options.plots() != null) {
                plotTimes(e.getKey(), kind, rows);
            }
            // Dense*: the bare GEMM of the same shape is the floor the fused pass is held to.
            String bare = kind == Kind.DENSE ? rows.stream().map(JmhResult::method)
                    .filter(m -> m.equals("gemm") || m.equals("gemms")).findFirst().orElse(null) : null;
            List<String> h = new ArrayList<>(List.of("implementation", "params", ">score ± 99.9% CI half-width",
                    ">median (n)", ">speedup vs " + peer));
            if (bare != null) {
                h.add(">time ÷ " + bare);
            }
            h.add(">B/op");
            if (multi) {
                h.add("run");
            }
            Table t = new Table(h.toArray(String[]::new));
            List<String> paramOrder = rows.stream().map(JmhResult::paramString).distinct().toList();
            rows.sort(Comparator.comparingInt((JmhResult r) -> paramOrder.indexOf(r.paramString()))
                    .thenComparingInt(Report::implRank).thenComparing(JmhResult::method));
            for (JmhResult r : rows) {
                String ratio;
                JmhResult p = sameParams(rows, r, peer);
                if (kind == Kind.TRAIN && (r.method().endsWith("Forward") || r.method().endsWith("Backward"))) {
                    String whole = r.method().replaceFirst("(Forward|Backward)$", "");
                    JmhResult step = sameParams(rows, r, whole);
                    ratio = step == null ? "— (part of a step)"
                            : Units.percent(r.nsPerOp() / step.nsPerOp()) + " of " + whole;
                } else if (r.method().equals(peer)) {
                    ratio = "1× (peer)";
                } else {
                    ratio = p == null ? "—" : Units.times(p.nsPerOp() / r.nsPerOp());
                }
                List<String> row = new ArrayList<>(List.of(r.method(), r.paramString(),
                        Units.scoreWithError(r.score(), r.scoreError(), r.unit()), median(r), ratio));
                if (bare != null) {
                    JmhResult g = sameParams(rows, r, bare);
                    row.add(r.method().equals(bare) ? "1× (floor)"
                            : g == null ? "—" : Units.times(r.nsPerOp() / g.nsPerOp()));
                }
                row.add(Units.bytesPerOp(r.allocNorm()));
                if (multi) {
                    row.add("[" + r.run().index() + "]");
                }
                t.row(row.toArray(String[]::new));
            }
            md.append(t.render()).append('\n');
            if (bare != null) {
                md.append("time ÷ ").append(bare).append(": this time over the bare GEMM's at the same params"
                        + " (1× = the layer costs no more than its GEMM).\n\n");
            }
            if (rows.stream().noneMatch(r -> r.method().equals(peer))) {
                md.append("No `").append(peer).append("` results here, so no speedups.\n\n");
            }
        }
    }

    private static JmhResult sameParams(List<JmhResult> rows, JmhResult r, String method) {
        return rows.stream().filter(x -> x.method().equals(method) && x.params().equals(r.params())
                && x.mode().equals(r.mode()) && x.threads() == r.threads()).findFirst().orElse(null);
    }

    /** Time per operation, one bar per implementation, grouped by params; log scale. */
    private void plotTimes(String cls, Kind kind, List<JmhResult> rows) throws IOException {
        List<JmhResult> timed = rows.stream().filter(r -> r.nsPerOp() > 0).toList();
        if (timed.isEmpty()) {
            return;
        }
        double[] ns = timed.stream().mapToDouble(JmhResult::nsPerOp).sorted().toArray();
        String unit = Units.timeUnitFor(ns[ns.length / 2]);
        double f = Units.nanosOf(unit);
        Map<String, Map<String, double[]>> values = new LinkedHashMap<>();
        timed.stream().sorted(Comparator.comparingInt(Report::implRank).thenComparing(JmhResult::method)).forEach(r ->
                values.computeIfAbsent(r.method(), k -> new LinkedHashMap<>()).put(category(r), range(r, x -> x / f)));
        // keep categories in the order the params first appear
        List<String> cats = timed.stream().map(Report::category).distinct().toList();
        Map<String, Map<String, double[]>> ordered = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            Map<String, double[]> m = new LinkedHashMap<>();
            cats.forEach(c -> m.put(c, v.get(c)));
            ordered.put(k, m);
        });
        boolean log = ns[ns.length - 1] / ns[0] > 20;
        String what = kind == Kind.DENSE ? "fused vs unfused" : "time per training step";
        boolean parts = timed.stream().anyMatch(r -> r.method().matches(".+(Forward|Backward)"));
        String sub = (kind == Kind.DENSE ? "time per call, lower is better"
                : "time per step, lower is better" + (parts ? "; *Forward / *Backward are parts of a step" : ""))
                + "; median and range of the iterations";
        String catLabel = cats.size() == 1 && cats.getFirst().isEmpty() ? ""
                : String.join(" × ", timed.getFirst().params().keySet());
        JFreeChart chart = Charts.dots(new Charts.DotOptions(cls + ": " + what, subtitle(sub), catLabel,
                (kind == Kind.TRAIN ? "time per step (" : "time per call (") + unit
                        + (log ? ", log scale)" : ", linear from 0)"), log, List.of()), ordered);
        String file = cls.toLowerCase().replaceAll("[^a-z0-9]+", "-") + ".png";
        link(file, chart, cls + " time per implementation");
    }

    private static String category(JmhResult r) {
        if (r.params().isEmpty()) {
            return "";
        }
        if (r.params().size() == 1) {
            return r.params().values().iterator().next();
        }
        // values only, "256 × 1024", the axis label naming them ("batch × width"): short enough
        // for nine groups side by side
        return String.join(" × ", r.params().values());
    }

    // ---------------------------------------------------------- streaming

    private void streaming(boolean multi) throws IOException {
        List<JmhResult> all = ofKind(Kind.STREAM);
        if (all.isEmpty()) {
            return;
        }
        md.append("## Streaming kernels\n\n")
                .append("GB/s = bytes touched ÷ time; the bytes come from a table in vecprop-report"
                        + " (`Families.STREAM_BYTES`), listed below. \"vs copy\" = this GB/s ÷ the GB/s of the copy"
                        + " measured with the same params (same bytes), so 1× runs at the memory system's pace.\n\n");
        if (options.plots() != null) {
            plotStreaming(all);
        }
        List<String> h = new ArrayList<>(List.of("benchmark", "params", ">score ± 99.9% CI half-width",
                ">median (n)", ">GB/s", ">vs copy", ">B/op"));
        if (multi) {
            h.add("run");
        }
        Table t = new Table(h.toArray(String[]::new));
        Set<Families.StreamBytes> used = new LinkedHashSet<>();
        Set<String> missing = new LinkedHashSet<>();
        List<JmhResult> rows = new ArrayList<>(all);
        List<String> kernelOrder = rows.stream().map(Report::streamKernel).distinct().toList();
        rows.sort(Comparator.comparing(JmhResult::className)
                .thenComparingInt((JmhResult r) -> kernelOrder.indexOf(streamKernel(r)))
                .thenComparingDouble(Families::streamN)
                .thenComparingInt((JmhResult r) -> Families.isCopy(r) ? 1 : 0)
                .thenComparingInt(Report::implRank).thenComparing(JmhResult::method));
        for (JmhResult r : rows) {
            Families.StreamBytes b = Families.streamBytes(r);
            if (b == null) {
                String other = r.params().entrySet().stream().filter(p -> !p.getKey().equals("n"))
                        .map(p -> p.getKey() + "=" + p.getValue()).collect(Collectors.joining(", "));
                missing.add(r.className() + "." + r.method() + (other.isEmpty() ? "" : " (" + other + ")"));
            } else {
                used.add(b);
            }
            double gb = Families.streamGBps(r);
            JmhResult copy = copyFor(r, all);
            double vsCopy = copy == null || copy == r ? Double.NaN : gb / Families.streamGBps(copy);
            List<String> row = new ArrayList<>(List.of(r.className() + "." + r.method(), r.paramString(),
                    Units.scoreWithError(r.score(), r.scoreError(), r.unit()), median(r),
                    Double.isNaN(gb) ? "—" : Units.sig(gb, 3),
                    copy == r ? "(copy)" : Units.times(vsCopy), Units.bytesPerOp(r.allocNorm())));
            if (multi) {
                row.add("[" + r.run().index() + "]");
            }
            t.row(row.toArray(String[]::new));
        }
        md.append(t.render()).append('\n');
        if (!used.isEmpty()) {
            md.append("Bytes touched per call:\n\n");
            for (Families.StreamBytes b : used) {
                md.append("- `").append(b.key()).append("`: ").append(b.formula()).append(" bytes (")
                        .append(b.what()).append(")\n");
            }
            md.append('\n');
        }
        if (!missing.isEmpty()) {
            md.append("No bytes-touched entry (so no GB/s) for: ").append(String.join(", ", missing))
                    .append(". Add one to `Families.STREAM_BYTES`.\n\n");
        }
    }

    /** The copy measured with the same params in the same class, else any copy of the same n. */
    private static JmhResult copyFor(JmhResult r, List<JmhResult> all) {
        double n = Families.streamN(r);
        JmhResult any = null;
        for (JmhResult x : all) {
            if (!Families.isCopy(x) || Double.isNaN(Families.streamGBps(x))) {
                continue;
            }
            if (x.className().equals(r.className()) && x.params().equals(r.params())) {
                return x;
            }
            if (any == null && Families.streamN(x) == n) {
                any = x;
            }
        }
        return any;
    }

    /**
     * One chart per n: GB/s per kernel (category), one bar per implementation (series), copy in
     * black. A kernel is the params other than n (StreamingBenchmark's {@code kernel}); for a
     * benchmark without such params it is its class and method, and its one series "measured".
     */
    private void plotStreaming(List<JmhResult> all) throws IOException {
        Map<Double, List<JmhResult>> byN = new TreeMap<>();
        for (JmhResult r : all) {
            if (Families.streamGBps(r) > 0) {
                byN.computeIfAbsent(Families.streamN(r), k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<Double, List<JmhResult>> e : byN.entrySet()) {
            double n = e.getKey();
            Map<String, Map<String, double[]>> values = new LinkedHashMap<>();
            List<JmhResult> rows = new ArrayList<>(e.getValue());
            rows.sort(Comparator.comparingInt((JmhResult r) -> Families.isCopy(r) ? 1 : 0)
                    .thenComparingInt(Report::implRank).thenComparing(JmhResult::method));
            List<String> kernels = e.getValue().stream().map(Report::streamKernel).distinct().toList();
            for (JmhResult r : rows) {
                values.computeIfAbsent(streamSeries(r), k -> new LinkedHashMap<>());
            }
            for (Map<String, double[]> m : values.values()) {
                for (String k : kernels) {
                    m.put(k, null);
                }
            }
            double lo = Double.POSITIVE_INFINITY;
            double hi = 0;
            for (JmhResult r : rows) {
                Families.StreamBytes b = Families.streamBytes(r);
                double bytes = b.perElement() * n + b.fixed();
                values.get(streamSeries(r)).put(streamKernel(r), range(r, x -> bytes / x));
                double gb = Families.streamGBps(r);
                lo = Math.min(lo, gb);
                hi = Math.max(hi, gb);
            }
            boolean log = hi / lo > 20;
            String title = "Streaming kernels at n = " + Charts.axisNumber().format(n) + " floats ("
                    + bytesHuman(4 * n) + " per array)";
            JFreeChart chart = Charts.dots(new Charts.DotOptions(title,
                    subtitle("GB/s = bytes touched ÷ time, higher is better; copy = System.arraycopy of the same bytes;"
                            + " median and range of the iterations"),
                    "kernel", "GB/s" + (log ? " (log scale)" : ", linear from 0"), log, List.of()), values);
            String file = "streaming-n" + (long) n + ".png";
            link(file, chart, "Streaming kernels GB/s at n = " + (long) n + ", with copy");
        }
    }

    private static String streamKernel(JmhResult r) {
        String other = r.params().entrySet().stream().filter(p -> !p.getKey().equals("n"))
                .map(Map.Entry::getValue).collect(Collectors.joining(" "));
        return !other.isEmpty() ? other : Families.isCopy(r) ? "copy" : r.family() + "." + r.method();
    }

    private static String streamSeries(JmhResult r) {
        boolean otherParams = r.params().keySet().stream().anyMatch(k -> !k.equals("n"));
        return otherParams ? r.method() : Families.isCopy(r) ? "copy" : "measured";
    }

    /** 4096 → 4 KiB, 4194304 → 4 MiB. */
    private static String bytesHuman(double b) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        int i = 0;
        while (b >= 1024 && i < units.length - 1) {
            b /= 1024;
            i++;
        }
        return Charts.axisNumber().format(Math.round(b * 10) / 10.0) + " " + units[i];
    }

    // -------------------------------------------------------------- other

    private void other(boolean multi) {
        List<JmhResult> all = ofKind(Kind.OTHER);
        if (all.isEmpty()) {
            return;
        }
        md.append("## Other benchmarks (shown raw)\n\n")
                .append("The report has no interpretation for these families; scores as JMH gave them.\n\n");
        List<String> h = new ArrayList<>(List.of("benchmark", "mode", "params", ">score ± 99.9% CI half-width",
                ">median (n)", ">B/op"));
        if (multi) {
            h.add("run");
        }
        Table t = new Table(h.toArray(String[]::new));
        for (JmhResult r : all) {
            List<String> row = new ArrayList<>(List.of(r.className() + "." + r.method(), r.mode(), r.paramString(),
                    Units.scoreWithError(r.score(), r.scoreError(), r.unit()), median(r),
                    Units.bytesPerOp(r.allocNorm())));
            if (multi) {
                row.add("[" + r.run().index() + "]");
            }
            t.row(row.toArray(String[]::new));
        }
        md.append(t.render()).append('\n');
    }

    // ------------------------------------------------------------ helpers

    /**
     * The machine under every chart: the CPU as a reader identifies it, the JDK, the vector width,
     * the date; or, for files from several machines, that the table names them.
     */
    private String machineCaption() {
        Set<String> lines = new LinkedHashSet<>();
        for (ResultFile f : files) {
            lines.add(Machine.of(f).oneLine());
        }
        return lines.size() == 1 ? lines.iterator().next()
                : files.size() + " result files from " + lines.size() + " machines or settings: see the report's Machine table";
    }

    /** A chart's subtitle: what it shows, then the machine on a second line. */
    private String subtitle(String what) {
        return what + "\n" + machineCaption();
    }

    /** {@code {median, lowest, highest}} of f(ns per op) over the iterations, or null. */
    private static double[] range(JmhResult r, java.util.function.DoubleUnaryOperator fromNs) {
        Index.Value v = Index.derived(r, fromNs);
        return v == null ? null : new double[] {v.median(), v.low(), v.high()};
    }

    private static Map<String, List<JmhResult>> byClass(List<JmhResult> rs) {
        Map<String, List<JmhResult>> m = new LinkedHashMap<>();
        for (JmhResult r : rs) {
            m.computeIfAbsent(r.className(), k -> new ArrayList<>()).add(r);
        }
        return m;
    }

    private static String median(JmhResult r) {
        if (r.raw().length == 0) {
            return "—";
        }
        return Units.value(r.rawMedian(), r.unit()) + " (" + r.raw().length + ")";
    }

    /** Saves a chart under the plots folder and links it from the Markdown. */
    private void link(String fileName, JFreeChart chart, String alt) throws IOException {
        linkSized(fileName, chart, alt, Charts.HEIGHT);
    }

    /** {@link #link} at a given height (a dot chart grows with its rows). */
    private void linkSized(String fileName, JFreeChart chart, String alt, int height) throws IOException {
        Path file = options.plots().resolve(fileName);
        Charts.save(chart, file, Charts.WIDTH, height);
        Path base = options.out() == null ? Path.of("").toAbsolutePath()
                : Objects.requireNonNullElse(options.out().toAbsolutePath().getParent(), Path.of("").toAbsolutePath());
        String rel = base.relativize(file.toAbsolutePath()).toString().replace('\\', '/');
        md.append("![").append(alt).append("](").append(rel).append(")\n\n");
        System.err.println("report: wrote " + file);
    }
}

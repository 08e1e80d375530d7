package org.vecprop.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The {@code index} command: every run under {@code results/contrib/<machine>-<date>/} (the
 * layout results/README.md describes) on a few headline benchmarks, ranked, with the machine
 * each ran on: {@code results/INDEX.md} and a chart.
 *
 * <p>Headline numbers, each the median of the run's measurement iterations, with the range of
 * the iterations where it matters:
 * <ul>
 *   <li>GEMM 1024³ and 256³ ({@code GemmBenchmark.vecprop}) in GF/s, and as a share of the run's
 *       own peak ({@code PeakBenchmark.fma}, same run, one core): how well vecprop uses that CPU;</li>
 *   <li>OpenBLAS at 1024³ ({@code GemmBenchmark.openblasPointer}) on the same machine, and
 *       vecprop ÷ OpenBLAS;</li>
 *   <li>one training step of the 784-256-128-10 MLP at batch 64 ({@code TrainStep.vecprop}, µs),
 *       beside PyTorch through DJL ({@code TrainStep.pytorch});</li>
 *   <li>ReLU over 1 M floats ({@code StreamingBenchmark.vecprop}, kernel relu) in GB/s, beside a
 *       copy of the same bytes: the memory system's pace.</li>
 * </ul>
 * Machines are ranked by GEMM 1024³ GF/s; a run without it goes last. A missing benchmark is
 * "—", never estimated.
 */
final class Index {
    /** Where to read and write. */
    record Options(Path results, Path out, Path plot) {}

    /** One run folder: its files and the headline numbers. */
    record Entry(Path folder, ResultFile file, Machine machine, Value peak, Value gemm1024, Value gemm256,
                 Value blas1024, Value train, Value trainTorch, Value relu, Value copy) {
        /** The rank key: GEMM 1024³ GF/s, NaN last. */
        double rankKey() {
            return gemm1024 == null ? Double.NEGATIVE_INFINITY : gemm1024.median();
        }
    }

    /**
     * A headline number in its derived unit (GF/s, µs, GB/s): the median iteration and the
     * iterations' range, and how many there were.
     */
    record Value(double median, double low, double high, int n) {}

    private final Options options;

    Index(Options options) {
        this.options = options;
    }

    /** The run folders under {@code results/contrib}, in name order. */
    List<Path> folders() throws IOException {
        Path contrib = options.results().resolve("contrib");
        if (!Files.isDirectory(contrib)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(contrib)) {
            return s.filter(Files::isDirectory).sorted().toList();
        }
    }

    /** The JMH result files of a run folder: *.json that are neither sidecars nor other tools' files. */
    static List<Path> resultFiles(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> {
                String n = p.getFileName().toString();
                return n.endsWith(".json") && !n.endsWith(".facts.json") && !n.equals("machine.json")
                        && !n.startsWith("numpy-");
            }).sorted().toList();
        }
    }

    List<Entry> entries(List<String> warnings) throws IOException {
        List<Entry> out = new ArrayList<>();
        int index = 1;
        for (Path folder : folders()) {
            List<Path> files = resultFiles(folder);
            if (files.isEmpty()) {
                warnings.add(folder.getFileName() + ": no JMH result file");
                continue;
            }
            if (files.size() > 1) {
                warnings.add(folder.getFileName() + ": " + files.size() + " result files; the index reads "
                        + files.getLast().getFileName() + " (one run per folder)");
            }
            ResultFile f;
            try {
                f = ResultFile.load(index++, files.getLast());
            } catch (IOException e) {
                warnings.add(folder.getFileName() + ": " + e.getMessage());
                continue;
            }
            out.add(entry(folder, f));
        }
        out.sort(Comparator.comparingDouble(Entry::rankKey).reversed());
        return out;
    }

    static Entry entry(Path folder, ResultFile f) {
        JmhResult peak = find(f, r -> Families.kind(r) == Families.Kind.PEAK && Families.peakRate(r).gflopsPerCore() > 0);
        Value peakV = null;
        if (peak != null) {
            // peakRate: GF/s for the score; scale it to each iteration's time
            double perNs = Families.peakRate(peak).gflopsPerCore() * peak.nsPerOp();
            peakV = derived(peak, ns -> perNs / ns);
        }
        return new Entry(folder, f, Machine.of(f), peakV,
                gemm(f, "vecprop", "1024x1024x1024"), gemm(f, "vecprop", "256x256x256"),
                gemm(f, "openblasPointer", "1024x1024x1024"),
                time(find(f, r -> r.className().equals("TrainStep") && r.method().equals("vecprop")
                        && "784-256-128-10@64".equals(r.params().get("net")))),
                time(find(f, r -> r.className().equals("TrainStep") && r.method().equals("pytorch")
                        && "784-256-128-10@64".equals(r.params().get("net")))),
                stream(f, "vecprop"), stream(f, "copy"));
    }

    private static JmhResult find(ResultFile f, Predicate<JmhResult> p) {
        return f.results().stream().filter(p).findFirst().orElse(null);
    }

    private static Value gemm(ResultFile f, String method, String shape) {
        JmhResult r = find(f, x -> x.className().equals("GemmBenchmark") && x.method().equals(method)
                && shape.equals(x.params().get("shape")));
        if (r == null) {
            return null;
        }
        double flops = Families.GemmShape.parse(shape).flops();
        return derived(r, ns -> flops / ns);
    }

    private static Value stream(ResultFile f, String method) {
        JmhResult r = find(f, x -> Families.kind(x) == Families.Kind.STREAM && x.method().equals(method)
                && "relu".equals(x.params().get("kernel")) && "1048576".equals(x.params().get("n")));
        if (r == null || Families.streamBytes(r) == null) {
            return null;
        }
        Families.StreamBytes b = Families.streamBytes(r);
        double bytes = b.perElement() * 1048576 + b.fixed();
        return derived(r, ns -> bytes / ns);
    }

    /** A time in µs. */
    private static Value time(JmhResult r) {
        return r == null ? null : derived(r, ns -> ns / 1000);
    }

    /** The iterations' median and range of {@code f(ns per op)}; f may reverse the order. */
    static Value derived(JmhResult r, java.util.function.DoubleUnaryOperator f) {
        double[] raw = r.raw().length > 0 ? r.raw() : new double[] {r.score()};
        double[] v = Arrays.stream(raw).map(x -> f.applyAsDouble(Units.nsPerOp(x, r.unit())))
                .filter(x -> x > 0 && Double.isFinite(x)).sorted().toArray();
        if (v.length == 0) {
            return null;
        }
        return new Value(JmhResult.median(v), v[0], v[v.length - 1], v.length);
    }

    String render() throws IOException {
        List<String> warnings = new ArrayList<>();
        List<Entry> entries = entries(warnings);
        StringBuilder md = new StringBuilder();
        md.append("# vecprop on many CPUs\n\n")
                .append("Generated by `scripts/index` on ").append(LocalDate.now()).append(" from ")
                .append(entries.size()).append(entries.size() == 1 ? " run" : " runs")
                .append(" under `results/contrib/` (one folder per machine and date: raw JMH JSON plus machine facts;"
                        + " how to add yours: [README.md](README.md)). Ranked by vecprop's GEMM 1024³ GF/s on one core."
                        + " Every number is the median of that run's measurement iterations; \"% of peak\" divides by"
                        + " the same run's single-core FMA probe (`PeakBenchmark.fma`), so it says how well vecprop"
                        + " uses that CPU whatever its clock.\n\n");
        if (entries.isEmpty()) {
            md.append("No runs yet.\n");
            return md.toString();
        }
        if (options.plot() != null) {
            IndexPlot.save(entries, options.plot());
            Path base = options.out() == null ? Path.of("").toAbsolutePath()
                    : Objects.requireNonNullElse(options.out().toAbsolutePath().getParent(), Path.of("").toAbsolutePath());
            md.append("![GEMM 1024³ GF/s per machine](")
                    .append(base.relativize(options.plot().toAbsolutePath()).toString().replace('\\', '/'))
                    .append(")\n\n");
        }
        md.append("## Ranking\n\n");
        Table t = new Table(">#", "machine", ">GEMM 1024³ GF/s", ">% of peak", ">GEMM 256³ GF/s", ">% of peak ",
                ">OpenBLAS 1024³ GF/s", ">vecprop ÷ OpenBLAS", ">train step µs", ">PyTorch µs", ">ReLU 1M GB/s",
                ">copy GB/s");
        int rank = 1;
        for (Entry e : entries) {
            double peak = e.peak() == null ? Double.NaN : e.peak().median();
            t.row(String.valueOf(rank++), e.machine().cpuLine(), withRange(e.gemm1024()), pct(e.gemm1024(), peak),
                    withRange(e.gemm256()), pct(e.gemm256(), peak), withRange(e.blas1024()),
                    e.gemm1024() == null || e.blas1024() == null ? "—"
                            : Units.times(e.gemm1024().median() / e.blas1024().median()),
                    withRange(e.train()), plain(e.trainTorch()), plain(e.relu()), plain(e.copy()));
        }
        md.append(t.render()).append('\n');
        md.append("GF/s and GB/s: median [lowest, highest] of the iterations. Train step: one SGD step of the"
                        + " 784-256-128-10 MLP at batch 64 (`TrainStep`, lower is better); ReLU: `StreamingBenchmark`"
                        + " at n = 1 048 576 (8 bytes per element), copy: `System.arraycopy` of the same bytes.\n\n");
        if (entries.stream().anyMatch(e -> e.peak() != null && (above(e.gemm1024(), e.peak()) || above(e.gemm256(), e.peak())))) {
            md.append("**A share above 100 %** means that run's FMA probe fell short of the CPU's real peak, not that"
                    + " GEMM beat it: read it as a flag on the probe. (The Zen 4 contributor measured 116.6 GF/s per"
                    + " core another way; `PeakBenchmark.fma` reached less in that run.)\n\n");
        }
        md.append("## Machines\n\n");
        Table m = new Table("machine", "cores", "JDK", "vecprop width", ">peak GF/s (1 core)", ">clock MHz",
                "OpenBLAS kernel", "vecprop", ">iterations", "folder");
        for (Entry e : entries) {
            var x = e.file().facts();
            String measured = Machine.known(x.get("clock_measured_mhz"));
            String nominal = Machine.known(x.get("clock_nominal_mhz"));
            String clock = !measured.isEmpty() ? measured + " measured" + (nominal.isEmpty() ? "" : " (" + nominal + " nominal)")
                    : nominal.isEmpty() ? "—" : nominal + " nominal";
            String core = Machine.known(x.get("openblas_core"));
            String env = Machine.known(x.get("openblas_coretype_env"));
            int iterations = e.file().results().stream().mapToInt(r -> r.raw().length).max().orElse(0);
            m.row(e.machine().cpuLine(), e.machine().cores(), e.machine().jdk(), e.machine().width(),
                    plain(e.peak()), clock, !core.isEmpty() ? core : env.startsWith("unset") ? "own choice (not recorded)"
                            : env.isEmpty() ? "not recorded" : "OPENBLAS_CORETYPE=" + env,
                    Machine.known(x.get("vecprop_commit")).replaceAll(" .*", ""), String.valueOf(iterations),
                    "[" + e.folder().getFileName() + "](contrib/" + e.folder().getFileName() + "/)");
        }
        md.append(m.render()).append('\n');
        md.append("Machine names come from each run's facts file (`*.facts.json`); where that file predates"
                        + " schema 2 and lacks the CPU family and model, the folder's `machine.json` states them and"
                        + " says who did (see each folder). Clock: measured by `org.vecprop.tools.MachineFacts`"
                        + " (schema 2 only); nominal is what the OS reports (under a hypervisor, its TSC rate).\n\n");
        if (!warnings.isEmpty()) {
            md.append("## Warnings\n\n");
            warnings.forEach(w -> md.append("- ").append(w).append('\n'));
            md.append('\n');
        }
        return md.toString();
    }

    private static boolean above(Value v, Value peak) {
        return v != null && v.median() > peak.median();
    }

    private static String withRange(Value v) {
        if (v == null) {
            return "—";
        }
        return Units.sig(v.median(), 3) + " [" + Units.sig(v.low(), 3) + ", " + Units.sig(v.high(), 3) + "]";
    }

    private static String plain(Value v) {
        return v == null ? "—" : Units.sig(v.median(), 3);
    }

    private static String pct(Value v, double peak) {
        return v == null || !(peak > 0) ? "—" : String.format(Locale.ROOT, "%.0f %%", 100 * v.median() / peak);
    }
}

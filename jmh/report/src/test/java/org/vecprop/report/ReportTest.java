package org.vecprop.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tests on {@code synthetic-all-families.json}: made-up numbers (not a measurement) in JMH's JSON
 * layout, one or more benchmarks of every family the report interprets, with a facts sidecar.
 */
class ReportTest {
    @TempDir
    Path tmp;

    private static Path synthetic() throws URISyntaxException {
        return Path.of(ReportTest.class.getResource("/synthetic-all-families.json").toURI());
    }

    @Test
    void unitsConvertAndFormat() {
        assertEquals(1500, Units.nsPerOp(1.5, "us/op"), 1e-9);
        assertEquals(2e6, Units.nsPerOp(500, "ops/s"), 1e-6);
        assertEquals(0.25, Units.convert(250, "ns/op", "us/op"), 1e-12);
        assertTrue(Double.isNaN(Units.convert(1, "ns/op", "ops/s")));
        assertEquals("1.980 ± 0.092 µs (4.6%)", Units.scoreWithError(1980, 92, "ns/op"));
        assertEquals("12.61 ± n/a ns", Units.scoreWithError(12.61, Double.NaN, "ns/op"));
        assertEquals("1.74×", Units.times(1.7432));
        assertEquals("≈ 0", Units.bytesPerOp(0.0004));
    }

    @Test
    void familiesAndDerivedUnits() throws IOException, URISyntaxException {
        Families.GemmShape s = Families.GemmShape.parse("784x64x256:TN");
        assertNotNull(s);
        assertTrue(s.transA() && !s.transB() && !s.square());
        assertEquals(2.0 * 784 * 64 * 256, s.flops());
        assertNull(Families.GemmShape.parse("784x64"));

        ResultFile f = ResultFile.load(1, synthetic());
        Map<String, JmhResult> byName = new java.util.HashMap<>();
        f.results().forEach(r -> byName.putIfAbsent(r.className() + "." + r.method() + " " + r.paramString(), r));
        JmhResult gemm = byName.get("GemmBenchmark.vecprop shape=512x512x512");
        assertEquals(Families.Kind.GEMM, Families.kind(gemm));
        assertEquals(2.0 * 512 * 512 * 512 / gemm.nsPerOp(), Families.gemmGflops(gemm), 1e-9);
        assertEquals(2, Families.coresUsed(byName.get("GemmThreadsBenchmark.threads2 shape=512x512x512")));
        JmhResult peak = byName.get("PeakBenchmark.fma ");
        assertEquals(Families.Kind.PEAK, Families.kind(peak));
        assertEquals(2 / peak.nsPerOp(), Families.peakRate(peak).gflopsPerCore(), 1e-9); // one op = one lane FMA
        JmhResult relu = byName.get("StreamingBenchmark.vecprop kernel=reluBackward, n=1024");
        assertEquals(Families.Kind.STREAM, Families.kind(relu));
        assertEquals(12 * 1024 / relu.nsPerOp(), Families.streamGBps(relu), 1e-9);
        JmhResult bias = byName.get("StreamingBenchmark.copy kernel=biasAdd, n=1048576");
        assertEquals((8 * 1048576 + 4096) / bias.nsPerOp(), Families.streamGBps(bias), 1e-9);
        assertTrue(Double.isNaN(Families.streamGBps(byName.get("StreamingBenchmark.vecprop kernel=softmax, n=1024"))));
        assertEquals(Families.Kind.DENSE, Families.kind(byName.get("DenseForward.fused batch=1, width=64")));
        assertEquals(Families.Kind.TRAIN, Families.kind(byName.get("TrainStep.pytorch net=2-2-1@1")));
        assertEquals(Families.Kind.OTHER, Families.kind(byName.get("InitBenchmark.xavier fanIn=784, fanOut=256")));
    }

    @Test
    void peakFromAFlopsParam() {
        JmhResult.RunInfo run = new JmhResult.RunInfo(1, "x.json", "1.37", "25", "VM", "25", List.of());
        JmhResult probe = new JmhResult("org.vecprop.jmh.PeakBenchmark.chains", "avgt", 1, 1,
                Map.of("flops", "1000"), 2.0, 0.1, "us/op", new double[] {2.0}, null, Map.of(), run, "");
        assertEquals(0.5, Families.peakRate(probe).gflopsPerCore(), 1e-12); // 1000 flops / 2000 ns
        JmhResult none = new JmhResult("org.vecprop.jmh.PeakBenchmark.other", "avgt", 1, 1,
                Map.of(), 2.0, 0.1, "ns/op", new double[] {2.0}, null, Map.of(), run, "");
        assertTrue(Double.isNaN(Families.peakRate(none).gflopsPerCore()));
    }

    @Test
    void reportHasEveryFamilyAndItsPlots() throws Exception {
        Path out = tmp.resolve("report.md");
        Path plots = tmp.resolve("plots");
        assertEquals(0, Main.run(new String[] {"report", "--out", out.toString(), "--plots", plots.toString(),
                synthetic().toString()}));
        String md = Files.readString(out);
        for (String expected : List.of("## Machine", "| cpu_model", "512-bit (16 float lanes)",
                "score ± 99.9% CI half-width", "median (n)", "GF/s per core", "% of peak", "of 2 cores",
                "speedup vs openblasPointer", "### DenseForward", "speedup vs unfused", "time ÷ gemm",
                "time ÷ gemms", "speedup vs pytorch", "% of vecprop", "## Streaming kernels", "vs copy",
                "(copy)", "`streaming.*[kernel=biasadd]`: 8 n + 4096 bytes",
                "No bytes-touched entry (so no GB/s) for: StreamingBenchmark.vecprop (kernel=softmax)",
                "## Other benchmarks (shown raw)", "InitBenchmark.xavier", "](plots/gemm-square.png)",
                "](plots/streaming-n1048576.png)")) {
            assertTrue(md.contains(expected), "report lacks: " + expected);
        }
        for (String png : List.of("gemm-square.png", "gemm-shapes.png", "denseforward.png", "densebackward.png",
                "trainstep.png", "streaming-n1024.png", "streaming-n1048576.png", "streaming-n16777216.png")) {
            BufferedImage img = ImageIO.read(plots.resolve(png).toFile());
            assertNotNull(img, png);
            assertEquals(Charts.WIDTH, img.getWidth(), png);
            assertEquals(Charts.HEIGHT, img.getHeight(), png);
        }
    }

    @Test
    void laterFilesWinAndBrokenFilesAreSkipped() throws Exception {
        Path empty = Files.createFile(tmp.resolve("running.json"));
        Path facts = tmp.resolve("running.facts.json");
        Files.writeString(facts, "{}");
        Path out = tmp.resolve("r.md");
        assertEquals(0, Main.run(new String[] {"report", "--out", out.toString(), synthetic().toString(),
                synthetic().toString(), empty.toString(), facts.toString()}));
        String md = Files.readString(out);
        assertTrue(md.contains("## Replaced results"));
        assertTrue(md.contains("[1] by [2] (132)"), md);
        assertTrue(md.contains("skipped " + empty + ": empty"));
        IOException e = assertThrows(IOException.class, () -> ResultFile.load(1, empty));
        assertTrue(e.getMessage().contains("still going"));
    }

    @Test
    void compareDecidesFromTheRawIterations() throws Exception {
        Path a = tmp.resolve("a.json");
        Path b = tmp.resolve("b.json");
        double[] base = {100, 101, 99, 100.5, 99.5, 100.2};
        double[] same = {100.3, 99.8, 100.1, 100.6, 99.4, 100.9};
        double[] slower = {190, 191, 189, 190.5, 189.5, 190.2};
        Files.writeString(a, "[" + jmh("X.m", base) + "," + jmh("X.n", base) + "," + jmh("X.o", 1, 1.1, 0.9)
                + "," + jmh("X.p", 5, 5.1, 4.9) + "]");
        Files.writeString(b, "[" + jmh("X.m", same) + "," + jmh("X.n", slower) + "," + jmh("X.p", 9, 9.1, 8.9) + "]");
        Files.writeString(tmp.resolve("a.facts.json"), "{\"cpu_model\": \"CPU\", \"vecprop_species\": \"512-bit\"}");
        Files.writeString(tmp.resolve("b.facts.json"), "{\"cpu_model\": \"CPU\", \"vecprop_species\": \"256-bit\"}");
        ResultFile fa = ResultFile.load(1, a);
        ResultFile fb = ResultFile.load(2, b);
        Compare c = new Compare(new Compare.Options(a, b, null, null, null, null), fa, fb);
        assertEquals("512-bit", c.labelA());
        assertEquals("256-bit", c.labelB());
        assertEquals(List.of(Comparison.Verdict.NONE, Comparison.Verdict.SLOWER, Comparison.Verdict.TOO_FEW),
                c.verdicts());

        Path out = tmp.resolve("c.md");
        Path plot = tmp.resolve("c.png");
        assertEquals(0, Main.run(new String[] {"compare", a.toString(), b.toString(), "--out", out.toString(),
                "--plot", plot.toString(), "--label-a", "before", "--label-b", "after"}));
        String md = Files.readString(out);
        for (String expected : List.of("**A** = before", "**B slower**", "no detectable difference",
                "too few samples; ranges do not overlap", "3 + 3: 0.10", "Wilcoxon–Mann–Whitney",
                "Benjamini–Hochberg", "Only in A:", "| A | CPU", "1.900 [1.886, 1.915] (95.9 %)", "adjusted p ≤ 0.05,")) {
            assertTrue(md.contains(expected), "compare lacks: " + expected + "\n" + md);
        }
        assertNotNull(ImageIO.read(plot.toFile()));

        // without facts the labels are the file names
        Files.delete(tmp.resolve("a.facts.json"));
        String[] labels = Compare.defaultLabels(ResultFile.load(1, a), ResultFile.load(2, b));
        assertEquals("a", labels[0]);
        assertEquals("b", labels[1]);
        // bad rules are a usage error
        assertThrows(Main.UsageException.class, () -> Main.run(new String[] {"compare", a.toString(), b.toString(),
                "--alpha", "2"}));
    }

    @Test
    void eachForksIterationsAreKeptApart() throws Exception {
        Path f = tmp.resolve("forks.json");
        Files.writeString(f, "[" + forked("X.m", new double[][] {{1, 2}, {3, 4, 5}}) + "]");
        JmhResult r = ResultFile.load(1, f).results().getFirst();
        assertArrayEquals(new double[] {1, 2, 3, 4, 5}, r.raw(), 0);
        assertArrayEquals(new int[] {2, 3}, r.forkSizes());
        assertArrayEquals(new double[] {1.5, 4}, r.forkMedians(), 0);
    }

    @Test
    void sampleModeForksAreKeptApartToo() throws Exception {
        Path f = tmp.resolve("sample.json");
        Files.writeString(f, """
                [{"jmhVersion": "1.37", "benchmark": "org.vecprop.jmh.X.m", "mode": "sample", "threads": 1,
                  "forks": 2, "jvmArgs": [], "jdkVersion": "25", "vmName": "VM", "vmVersion": "25", "params": {},
                  "primaryMetric": {"score": 3, "scoreError": "NaN", "scoreUnit": "us/op",
                    "rawDataHistogram": [[[[1.0, 3], [2.0, 1]], [[5.0, 2]]], [[], [[7.0, 1]]]]},
                  "secondaryMetrics": {}}]
                """);
        JmhResult r = ResultFile.load(1, f).results().getFirst();
        assertArrayEquals(new double[] {1, 5, 7}, r.raw(), 0);
        assertArrayEquals(new int[] {2, 1}, r.forkSizes()); // the empty iteration has no median
        assertArrayEquals(new double[] {3, 7}, r.forkMedians(), 0);
    }

    @Test
    void compareShowsForkSamplesAndForkSpread() throws Exception {
        Path a = tmp.resolve("fa.json");
        Path b = tmp.resolve("fb.json");
        // X.m0-X.m6: five forks a side, clearly apart (seven, so that 5 + 5's smallest p, 0.0079, times
        // the eight benchmarks exceeds 0.05 and the report warns); X.n: two forks a side, iterations
        // apart, forks not
        StringBuilder fiveA = new StringBuilder();
        StringBuilder fiveB = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            fiveA.append(forked("X.m" + i, new double[][] {{100, 101}, {103, 102}, {98, 99}, {101, 100}, {99, 98}}))
                    .append(",");
            fiveB.append(forked("X.m" + i, new double[][] {{150, 151}, {155, 154}, {148, 149}, {152, 151},
                    {149, 150}})).append(",");
        }
        Files.writeString(a, "[" + fiveA + forked("X.n", new double[][] {{100, 100.1, 100.2, 100.3, 100.4, 100.5, 100.6,
                100.7}, {103, 103.1, 103.2, 103.3, 103.4, 103.5, 103.6, 103.7}}) + "]");
        Files.writeString(b, "[" + fiveB + forked("X.n", new double[][] {{102, 102.1, 102.2, 102.3, 102.4, 102.5, 102.6,
                102.7}, {200, 200.1, 200.2, 200.3, 200.4, 200.5, 200.6, 200.7}}) + "]");
        Path out = tmp.resolve("f.md");
        Path plot = tmp.resolve("f.png");
        assertEquals(0, Main.run(new String[] {"compare", a.toString(), b.toString(), "--out", out.toString(),
                "--plot", plot.toString()}));
        String md = Files.readString(out);
        for (String expected : List.of("5 + 5 forks", "(5 forks)", "within fork-to-fork spread [1]",
                "[1] X.n : fork medians A [100.4 ns, 103.4 ns] (2 forks)", "A lone difference cannot be called")) {
            assertTrue(md.contains(expected), "compare lacks: " + expected + "\n" + md);
        }
        assertNotNull(ImageIO.read(plot.toFile()));
    }

    private static String forked(String benchmark, double[][] forks) {
        return forked(benchmark, "{}", forks);
    }

    /** One JMH result entry, avgt in ns/op, with {@code params} (a JSON object) and these forks' iterations. */
    private static String forked(String benchmark, String params, double[][] forks) {
        StringBuilder raw = new StringBuilder();
        double sum = 0;
        int n = 0;
        for (double[] f : forks) {
            raw.append(raw.isEmpty() ? "[" : ", [");
            for (int i = 0; i < f.length; i++) {
                raw.append(i == 0 ? "" : ", ").append(f[i]);
                sum += f[i];
                n++;
            }
            raw.append("]");
        }
        return """
                {"jmhVersion": "1.37", "benchmark": "org.vecprop.jmh.%s", "mode": "avgt", "threads": 1, "forks": %d,
                 "jvmArgs": [], "jdkVersion": "25", "vmName": "VM", "vmVersion": "25", "params": %s,
                 "primaryMetric": {"score": %s, "scoreError": "NaN", "scoreUnit": "ns/op", "rawData": [%s]},
                 "secondaryMetrics": {}}
                """.formatted(benchmark, forks.length, params, sum / n, raw);
    }

    @Test
    void indexRanksContributedRunsWithTheirMachines() throws Exception {
        Path results = tmp.resolve("results");
        Path slow = Files.createDirectories(results.resolve("contrib/cpu-zen4-2026-01-02"));
        Path fast = Files.createDirectories(results.resolve("contrib/cpu-zen5-2026-01-01"));
        // 1024^3 = 2.147e9 flops: 20 ms -> 107 GF/s, 10 ms -> 215 GF/s; peak: 2 flops per op
        Files.writeString(slow.resolve("run.json"), "[" + gemm1024("vecprop", 20e6, 20.2e6, 19.8e6) + ","
                + peak(0.02, 0.0201) + "]");
        Files.writeString(fast.resolve("run.json"), "[" + gemm1024("vecprop", 10e6, 10.1e6, 9.9e6) + ","
                + gemm1024("openblasPointer", 9e6, 9e6) + "," + peak(0.008, 0.008) + "]");
        Files.writeString(fast.resolve("run.facts.json"), """
                {"schema_version": 2, "cpu_model": "AMD EPYC", "cpu_family": 26, "cpu_model_number": 2,
                 "cpu_stepping": 1, "cpu_microarchitecture": "Zen 5", "physical_cores": 2, "logical_cpus": 2,
                 "jdk_version": "25.0.3", "clock_measured_mhz": 3450, "openblas_core": "Cooperlake"}""");
        Files.writeString(slow.resolve("run.facts.json"), "{\"cpu_model\": \"AMD EPYC\", \"caches\": \"L1d 32K, L2 1024K\"}");
        Files.writeString(slow.resolve("machine.json"), """
                {"source": "the contributor's lscpu", "cpu_family": 25, "cpu_model_number": 17,
                 "cpu_microarchitecture": "Zen 4", "cpu_model": "ignored: the facts have it"}""");
        Files.writeString(slow.resolve("numpy-trainstep-x.json"), "{}"); // not a JMH file: skipped

        Path out = results.resolve("INDEX.md");
        Path plot = results.resolve("plots/index.png");
        assertEquals(0, Main.run(new String[] {"index", "--results", results.toString(), "--out", out.toString(),
                "--plot", plot.toString()}));
        String md = Files.readString(out);
        int zen5 = md.indexOf("|   1 | AMD EPYC, Zen 5 (family 26, model 2, stepping 1)");
        int zen4 = md.indexOf("|   2 | AMD EPYC, Zen 4 (family 25, model 17)");
        assertTrue(zen5 > 0 && zen4 > zen5, md);
        assertTrue(md.contains("215 [213, 217]"), md); // 2·1024³ / 10 ms, iterations 10.1 and 9.9 ms
        assertTrue(md.contains("86 %"), md); // 215 / (2 / 0.008 ns = 250 GF/s)
        assertTrue(md.contains("0.900×"), md); // vecprop ÷ OpenBLAS = 9 / 10 ms
        assertTrue(md.contains("3450 measured") && md.contains("Cooperlake"), md);
        assertNotNull(ImageIO.read(plot.toFile()));

        ResultFile f = ResultFile.load(1, slow.resolve("run.json"));
        assertEquals("25", f.facts().get("cpu_family"));
        assertEquals("AMD EPYC", f.facts().get("cpu_model"));
        assertTrue(f.facts().get("facts_supplement").contains("the contributor's lscpu"), f.facts().toString());
        assertFalse(f.facts().get("facts_supplement").contains("cpu_model,"), f.facts().toString());
        assertEquals("AMD EPYC (family/model not recorded; L1d 32K)",
                Machine.of(new ResultFile(1, slow.resolve("x.json"), List.of(), Map.of("cpu_model", "AMD EPYC",
                        "caches", "L1d 32K, L2 1024K"), null)).cpuLine());
    }

    @Test
    void sampleModeIterationsAreTheirMedians() throws Exception {
        com.fasterxml.jackson.databind.JsonNode it = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree("[[10.0, 3], [12.0, 1], [50.0, 1]]"); // 10 10 10 12 50
        assertEquals(10.0, ResultFile.histogramMedian(it), 0);
        it = new com.fasterxml.jackson.databind.ObjectMapper().readTree("[[10.0, 2], [20.0, 2]]");
        assertEquals(15.0, ResultFile.histogramMedian(it), 0);
    }

    private static String gemm1024(String method, double... rawNs) {
        return entry("GemmBenchmark." + method, "{\"shape\": \"1024x1024x1024\"}", rawNs);
    }

    private static String peak(double... rawNs) {
        return entry("PeakBenchmark.fma", "{}", rawNs);
    }

    private static String entry(String benchmark, String params, double... raw) {
        double score = java.util.Arrays.stream(raw).average().orElseThrow();
        String values = java.util.Arrays.stream(raw).mapToObj(Double::toString)
                .collect(java.util.stream.Collectors.joining(", "));
        return """
                {"jmhVersion": "1.37", "benchmark": "org.vecprop.jmh.%s", "mode": "avgt", "threads": 1, "forks": 1,
                 "jvmArgs": [], "jdkVersion": "25", "vmName": "VM", "vmVersion": "25", "params": %s,
                 "primaryMetric": {"score": %s, "scoreError": "NaN", "scoreUnit": "ns/op", "rawData": [[%s]]},
                 "secondaryMetrics": {}}
                """.formatted(benchmark, params, score, values);
    }

    /** A minimal JMH result entry in ns/op with these iterations (one fork). */
    private static String jmh(String benchmark, double... raw) {
        return forked(benchmark, "{\"shape\": \"2x2x2\"}", new double[][] {raw});
    }

    @Test
    void usageErrorsNameWhatTheCommandAccepts() {
        // A usage error is printed as one line: the command's synopsis, continuation joined.
        String compare = Main.synopsis(new String[] {"compare", "--no-such-option"});
        assertTrue(compare.startsWith("compare A.json B.json [--out FILE.md]"), compare);
        assertTrue(compare.endsWith("[--min-samples 5]"), compare);
        assertFalse(compare.contains("\n"), compare);
        assertEquals("report [--out FILE.md] [--plots DIR] RESULT.json...",
                Main.synopsis(new String[] {"report", "--x"}));
        String unknown = Main.synopsis(new String[] {"nonsense"});
        assertTrue(unknown.contains("report, compare, index, gradients, latency, fashion-curves, confusion"),
                unknown);
    }
}

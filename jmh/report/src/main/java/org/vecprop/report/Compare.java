package org.vecprop.report;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.vecprop.report.Comparison.Row;
import org.vecprop.report.Comparison.Verdict;

/**
 * The {@code compare} command: two JMH result files side by side, for every benchmark and
 * parameter set present in both (two machines, two JDKs, two vector widths, before and after).
 *
 * <p>Per row: each side's median iteration and count, B/A with its confidence interval, the
 * rank-sum test's p-value before and after the multiplicity adjustment, and the verdict; the
 * rules are {@link Comparison}'s. For times per operation B/A below 1 means B is faster; for
 * throughputs above 1 does.
 *
 * <p>Labels default to what tells the two apart among the facts' CPU, JDK and vector width;
 * without facts, or when those are the same, the file names.
 */
final class Compare {
    /** What to compare and how. */
    record Options(Path a, Path b, Path out, Path plot, String labelA, String labelB, Comparison.Rules rules) {
        Options(Path a, Path b, Path out, Path plot, String labelA, String labelB) {
            this(a, b, out, plot, labelA, labelB, Comparison.Rules.DEFAULT);
        }
    }

    private final Options options;
    private final ResultFile a;
    private final ResultFile b;
    private final String labelA;
    private final String labelB;

    Compare(Options options, ResultFile a, ResultFile b) {
        this.options = options;
        this.a = a;
        this.b = b;
        String[] labels = defaultLabels(a, b);
        this.labelA = options.labelA() != null ? options.labelA() : labels[0];
        this.labelB = options.labelB() != null ? options.labelB() : labels[1];
    }

    /** Labels from the facts that differ between the two files, else the file names. */
    static String[] defaultLabels(ResultFile a, ResultFile b) {
        Machine ma = Machine.of(a);
        Machine mb = Machine.of(b);
        List<String> pa = new ArrayList<>();
        List<String> pb = new ArrayList<>();
        boolean hasFacts = !a.facts().isEmpty() && !b.facts().isEmpty();
        if (hasFacts) {
            if (!ma.cpuLine().equals(mb.cpuLine())) {
                pa.add(ma.cpuLine());
                pb.add(mb.cpuLine());
            }
            if (!ma.jdk().equals(mb.jdk()) && !ma.jdk().isEmpty() && !mb.jdk().isEmpty()) {
                pa.add(ma.jdk());
                pb.add(mb.jdk());
            }
            String wa = Machine.known(a.facts().get("vecprop_species"));
            String wb = Machine.known(b.facts().get("vecprop_species"));
            if (!wa.equals(wb) && !wa.isEmpty() && !wb.isEmpty()) {
                pa.add(wa);
                pb.add(wb);
            }
        }
        if (pa.isEmpty()) {
            String na = stem(a.name());
            String nb = stem(b.name());
            if (na.equals(nb)) {
                na = a.path().toString();
                nb = b.path().toString();
            }
            return new String[] {na, nb};
        }
        return new String[] {String.join(", ", pa), String.join(", ", pb)};
    }

    private static String stem(String name) {
        return name.endsWith(".json") ? name.substring(0, name.length() - 5) : name;
    }

    /** Every benchmark and parameter set in both files, decided. */
    List<Row> rows() {
        Map<String, JmhResult> inB = new LinkedHashMap<>();
        b.results().forEach(r -> inB.put(r.key(), r));
        List<Comparison.Pair> pairs = new ArrayList<>();
        for (JmhResult ra : a.results()) {
            JmhResult rb = inB.get(ra.key());
            if (rb != null) {
                pairs.add(new Comparison.Pair(ra, rb));
            }
        }
        return Comparison.decide(pairs, options.rules());
    }

    String render() throws IOException {
        List<Row> rows = rows();
        Comparison.Rules rules = options.rules();
        StringBuilder md = new StringBuilder();
        md.append("# vecprop benchmark comparison\n\n");
        md.append("- **A** = ").append(labelA).append(" (`").append(a.path()).append("`)\n");
        md.append("- **B** = ").append(labelB).append(" (`").append(b.path()).append("`)\n\n");
        md.append("| | machine |\n| --- | --- |\n");
        md.append("| A | ").append(Table.escape(Machine.of(a).oneLine())).append(" |\n");
        md.append("| B | ").append(Table.escape(Machine.of(b).oneLine())).append(" |\n\n");
        if (rows.isEmpty()) {
            md.append("No benchmark with the same parameters is in both files.\n\n");
        } else {
            summary(md, rows, rules);
            if (options.plot() != null) {
                ComparePlot.save(rows, rules, options.plot(), labelA, labelB, Machine.of(a), Machine.of(b));
                Path base = options.out() == null ? Path.of("").toAbsolutePath()
                        : Objects.requireNonNullElse(options.out().toAbsolutePath().getParent(),
                        Path.of("").toAbsolutePath());
                md.append("![B/A per benchmark with ").append(percent(rules.level())).append(" intervals](")
                        .append(base.relativize(options.plot().toAbsolutePath()).toString().replace('\\', '/'))
                        .append(")\n\n");
            }
            table(md, rows, rules);
        }
        List<String> onlyA = only(a, b);
        List<String> onlyB = only(b, a);
        if (!onlyA.isEmpty()) {
            md.append("Only in A:\n\n");
            onlyA.forEach(x -> md.append("- ").append(x).append('\n'));
            md.append('\n');
        }
        if (!onlyB.isEmpty()) {
            md.append("Only in B:\n\n");
            onlyB.forEach(x -> md.append("- ").append(x).append('\n'));
            md.append('\n');
        }
        facts(md);
        return md.toString();
    }

    private void summary(StringBuilder md, List<Row> rows, Comparison.Rules rules) {
        Map<Verdict, Long> counts = new LinkedHashMap<>();
        for (Verdict v : Verdict.values()) {
            counts.put(v, rows.stream().filter(r -> r.verdict() == v).count());
        }
        md.append("**").append(rows.size()).append(" benchmarks in both:** ");
        List<String> parts = new ArrayList<>();
        counts.forEach((v, n) -> {
            if (n > 0) {
                parts.add(v.text + " in " + n);
            }
        });
        md.append(String.join(", ", parts)).append(".");
        double geo = Math.exp(rows.stream().filter(r -> r.ratio() > 0 && Units.isTimePerOp(r.a().unit()))
                .mapToDouble(r -> Math.log(r.ratio())).average().orElse(Double.NaN));
        if (!Double.isNaN(geo)) {
            md.append(" Geometric mean of B/A over the times per operation: ").append(Units.sig(geo, 3))
                    .append(" (B takes ").append(String.format(Locale.ROOT, "%.1f %%", 100 * Math.abs(geo - 1)))
                    .append(geo < 1 ? " less" : " more").append(" time on average).");
        }
        md.append("\n\n");
        Set<String> sizes = new LinkedHashSet<>();
        rows.forEach(r -> sizes.add(r.rawA().length + " + " + r.rawB().length + (r.byFork() ? " forks" : "")));
        long tested = rows.stream().filter(r -> r.test() != null).count();
        md.append("How this is decided (").append(tested).append(" of ").append(rows.size())
                .append(" benchmarks tested; samples A + B: ").append(String.join(", ", sizes)).append(")");
        Set<String> floors = new LinkedHashSet<>();
        rows.stream().filter(r -> r.rawA().length > 0 && r.rawB().length > 0).forEach(r -> floors.add(
                r.rawA().length + " + " + r.rawB().length + ": " + pValue(RankSumTest.smallestP(r.rawA().length,
                        r.rawB().length))));
        md.append("; smallest p any data could give with ").append(String.join(", ", floors));
        double worstSmallest = rows.stream().filter(r -> r.test() != null)
                .mapToDouble(r -> RankSumTest.smallestP(r.rawA().length, r.rawB().length)).max().orElse(0);
        if (tested > 0 && worstSmallest * tested > rules.alpha()) {
            md.append(". **A lone difference cannot be called here**: with ").append(tested)
                    .append(" benchmarks adjusted together, p = ").append(pValue(worstSmallest))
                    .append(" passes only when several other benchmarks are as small; more samples a side"
                            + " (6 forks for up to 23 benchmarks, 7 for up to 85) lift that limit");
        }
        md.append(":\n\n")
                .append("- **Samples**: with at least ").append(rules.minSamples()).append(" forks on each side,"
                        + " the median of each fork (marked \"forks\"); otherwise every measurement iteration"
                        + " (JMH's raw data). Never JMH's score ± error. A fork's iterations share its JIT"
                        + " compilation, heap layout and stretch of machine time: on a shared machine two forks of"
                        + " one build can differ by far more than the noise floor, so the fork is the unit that"
                        + " repeats.\n")
                .append("- **Fork-to-fork spread**: tested on iterations with two or more forks on a side, a"
                        + " difference is called only if the exact rank-sum test of the forks' medians alone also"
                        + " gives p ≤ ").append(rules.alpha()).append(" (unadjusted); otherwise it is \"within"
                        + " fork-to-fork spread\" and the note gives both ranges. Below four forks a side that"
                        + " never happens (2 + 2: p ≥ 0.33). With one fork a side the spread is not measured"
                        + " at all. The fork test assumes A's and B's forks could have been swapped: JMH runs one"
                        + " method's forks back to back, so a slow stretch of the machine can land on one side"
                        + " only; alternate A and B runs where it matters.\n")
                .append("- **Test**: two-sided Wilcoxon–Mann–Whitney rank-sum test, exact p (permutations; normal"
                        + " approximation above ").append(RankSumTest.EXACT_LIMIT).append(" values).\n")
                .append("- **Many benchmarks**: the p-values are adjusted together (Benjamini–Hochberg);"
                        + " a difference needs adjusted p ≤ ").append(rules.alpha())
                .append(", so that at most ").append(percent(rules.alpha()))
                .append(" of the differences called are expected to be false.\n")
                .append("- **Noise floor**: a difference under ").append(percent(rules.floor()))
                .append(" (B/A between ").append(Units.sig(1 / (1 + rules.floor()), 3)).append(" and ")
                .append(Units.sig(1 + rules.floor(), 3)).append(") is reported as within noise floor even when"
                        + " significant: tested on iterations, the samples share their forks' JIT compilation and"
                        + " memory layout, so a few percent between two forks of the same build is not in them.\n")
                .append("- **B/A**: median of all pairwise ratios b/a of the samples (Hodges–Lehmann), with its ")
                .append(percent(rules.level())).append(" distribution-free interval (Moses; per benchmark, not"
                        + " simultaneous; an achieved level above it is shown in brackets).\n")
                .append("- **Too few samples**: fewer than ").append(rules.minSamples())
                .append(" samples on a side; no test (with 3 + 3 no data can give p below 0.10), and B/A is"
                        + " the ratio of the medians without an interval. Run with more iterations (`-i`) or forks"
                        + " (`-f`).\n\n");
    }

    private void table(StringBuilder md, List<Row> rows, Comparison.Rules rules) {
        Table t = new Table("benchmark", "params", ">A: median (n)", ">B: median (n)",
                ">B/A [" + percent(rules.level()) + " interval]", ">p", ">adjusted p", "verdict");
        List<String> notes = new ArrayList<>();
        for (Row r : rows) {
            String verdict = r.verdict().called() ? "**" + r.verdict().text + "**" : r.verdict().text;
            if (r.verdict() == Verdict.TOO_FEW) {
                verdict += "; " + r.note();
            } else if (!r.note().isEmpty()) {
                notes.add(r.a().className() + "." + r.a().method() + " " + r.a().paramString() + ": " + r.note());
                verdict += " [" + notes.size() + "]";
            }
            t.row(r.a().className() + "." + r.a().method(), r.a().paramString(), median(r.rawA(), r.a().unit(), r.byFork()),
                    median(r.rawB(), r.a().unit(), r.byFork()), ratioCell(r, rules),
                    r.test() == null ? "—" : pValue(r.test().p()), Double.isNaN(r.adjustedP()) ? "—"
                            : pValue(r.adjustedP()), verdict);
        }
        md.append(t.render()).append('\n');
        if (!notes.isEmpty()) {
            for (int i = 0; i < notes.size(); i++) {
                md.append("[").append(i + 1).append("] ").append(notes.get(i)).append("  \n");
            }
            md.append('\n');
        }
    }

    /** {@code 1.89 [1.85, 1.93]}, with the achieved level when it is above the one asked for. */
    static String ratioCell(Row r, Comparison.Rules rules) {
        if (Double.isNaN(r.ratio())) {
            return "—";
        }
        String s = ratio(r.ratio());
        RatioEstimate.Result e = r.estimate();
        if (e == null) {
            return s + " (medians)";
        }
        if (!e.hasInterval()) {
            return s + " [no interval]";
        }
        String level = e.coverage() > rules.level() + 0.0005
                ? " (" + String.format(Locale.ROOT, "%.1f %%", 100 * e.coverage()) + ")" : "";
        return s + " [" + ratio(e.low()) + ", " + ratio(e.high()) + "]" + level;
    }

    /** A ratio with three decimals between 0.1 and 10 (so that a column lines up), else 3 digits. */
    static String ratio(double r) {
        return r >= 0.1 && r < 10 ? String.format(Locale.ROOT, "%.3f", r) : Units.sig(r, 3);
    }

    private static String median(double[] raw, String unit, boolean byFork) {
        if (raw.length == 0) {
            return "—";
        }
        return Units.value(JmhResult.median(raw), unit) + " (" + raw.length + (byFork ? " forks)" : ")");
    }

    /** p with two significant digits, small ones in scientific notation: 0.031, 1.6e-4. */
    static String pValue(double p) {
        if (Double.isNaN(p)) {
            return "—";
        }
        if (p >= 0.001) {
            return Units.sig(p, 2);
        }
        return String.format(Locale.ROOT, "%.1e", p);
    }

    private static String percent(double f) {
        double pct = 100 * f;
        return (pct == Math.rint(pct) ? String.valueOf((long) pct) : Units.sig(pct, 3)) + "%";
    }

    /** Facts side by side: the sidecars' keys, then the JVM arguments JMH recorded. */
    private void facts(StringBuilder md) {
        md.append("## Machine facts\n\n");
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : a.facts().entrySet()) {
            rows.computeIfAbsent(e.getKey(), k -> new String[2])[0] = e.getValue();
        }
        for (Map.Entry<String, String> e : b.facts().entrySet()) {
            rows.computeIfAbsent(e.getKey(), k -> new String[2])[1] = e.getValue();
        }
        rows.computeIfAbsent("JVM (from JMH)", k -> new String[2])[0] = jvm(a);
        rows.get("JVM (from JMH)")[1] = jvm(b);
        Set<String> argsA = args(a);
        Set<String> argsB = args(b);
        Set<String> common = new LinkedHashSet<>(argsA);
        common.retainAll(argsB);
        rows.computeIfAbsent("JVM args only here (from JMH)", k -> new String[2])[0] = argsA.stream()
                .filter(x -> !common.contains(x)).collect(Collectors.joining(" "));
        rows.get("JVM args only here (from JMH)")[1] = argsB.stream().filter(x -> !common.contains(x))
                .collect(Collectors.joining(" "));
        Table t = new Table("fact", "A", "B", "same");
        rows.forEach((k, v) -> t.row(k, Objects.requireNonNullElse(v[0], "—"), Objects.requireNonNullElse(v[1], "—"),
                Objects.equals(v[0], v[1]) ? "yes" : "**no**"));
        md.append(t.render()).append('\n');
        if (!common.isEmpty()) {
            md.append("JVM arguments in both (from JMH, any benchmark): `").append(String.join(" ", common))
                    .append("`\n\n");
        }
        if (a.facts().isEmpty() || b.facts().isEmpty()) {
            md.append("(No machine-facts sidecar for ").append(a.facts().isEmpty() && b.facts().isEmpty() ? "A or B"
                    : a.facts().isEmpty() ? "A" : "B").append(".)\n\n");
        }
    }

    private static String jvm(ResultFile f) {
        return f.results().stream().map(r -> (r.run().vmName() + " " + r.run().vmVersion()).trim()).distinct()
                .collect(Collectors.joining("; "));
    }

    /** Every distinct JVM argument of any benchmark in the file. */
    private static Set<String> args(ResultFile f) {
        Set<String> s = new LinkedHashSet<>();
        f.results().forEach(r -> s.addAll(r.run().jvmArgs()));
        return s;
    }

    /** What is in x but not in y, one entry per benchmark: {@code GemmBenchmark.ejml (shape: 1x2x2, 32x64x64)}. */
    private static List<String> only(ResultFile x, ResultFile y) {
        Set<String> keys = new java.util.HashSet<>(y.results().stream().map(JmhResult::key).toList());
        Map<String, List<String>> byBenchmark = new LinkedHashMap<>();
        for (JmhResult r : x.results()) {
            if (!keys.contains(r.key())) {
                byBenchmark.computeIfAbsent(r.className() + "." + r.method(), k -> new ArrayList<>())
                        .add(String.join(" ", r.params().values()));
            }
        }
        List<String> out = new ArrayList<>();
        byBenchmark.forEach((bm, ps) -> out.add("`" + bm + "`" + (ps.stream().allMatch(String::isEmpty) ? ""
                : " (" + String.join(", ", ps) + ")")));
        return out;
    }

    String labelA() {
        return labelA;
    }

    String labelB() {
        return labelB;
    }

    /** For tests: the verdicts in row order. */
    List<Verdict> verdicts() {
        return rows().stream().map(Row::verdict).toList();
    }

    @Override
    public String toString() {
        return "Compare[" + labelA + " vs " + labelB + ", " + Arrays.asList(options.a(), options.b()) + "]";
    }
}

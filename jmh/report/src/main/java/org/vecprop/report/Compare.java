package org.vecprop.report;

import java.awt.Color;
import java.awt.Paint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.CategoryTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAnchor;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.ui.TextAnchor;

/**
 * The {@code compare} command: two JMH result files side by side, for every benchmark and
 * parameter set present in both (two machines, two JDKs, two vector widths, before and after).
 *
 * <p>Per row: A's and B's score with JMH's 99.9% CI half-width, the ratio B/A of the scores (B
 * converted to A's unit), and a verdict: "within error" when {@code |A − B| ≤ errA + errB} (the two
 * confidence intervals overlap), else which one is faster. For times per operation a ratio below
 * 1 means B is faster; for throughputs above 1 does.
 *
 * <p>Labels default to what tells the two apart among the facts' {@code cpu_model},
 * {@code jdk_version} and {@code vecprop_species}; without facts, or when those are the same, the
 * file names.
 */
final class Compare {
    record Options(Path a, Path b, Path out, Path plot, String labelA, String labelB) {}

    static final Color WITHIN = new Color(0x999999);
    static final Color BETTER = new Color(0x009E73);
    static final Color WORSE = new Color(0xD55E00);

    /** One benchmark and parameter set in both files. */
    record Row(JmhResult a, JmhResult b, double bInA, double ratio, Verdict verdict) {}

    enum Verdict {
        WITHIN("within error"), B_BETTER("B faster"), B_WORSE("B slower"), UNKNOWN("error unknown");

        final String text;

        Verdict(String text) {
            this.text = text;
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
        List<String> pa = new ArrayList<>();
        List<String> pb = new ArrayList<>();
        for (String k : List.of("cpu_model", "jdk_version", "vecprop_species")) {
            String va = a.facts().get(k);
            String vb = b.facts().get(k);
            if (va != null && vb != null && !va.isBlank() && !vb.isBlank() && !va.equals(vb)) {
                pa.add(k.equals("jdk_version") ? "JDK " + va : va);
                pb.add(k.equals("jdk_version") ? "JDK " + vb : vb);
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

    List<Row> rows() {
        Map<String, JmhResult> inB = new LinkedHashMap<>();
        b.results().forEach(r -> inB.put(r.key(), r));
        List<Row> rows = new ArrayList<>();
        for (JmhResult ra : a.results()) {
            JmhResult rb = inB.get(ra.key());
            if (rb == null) {
                continue;
            }
            double bInA = Units.convert(rb.score(), rb.unit(), ra.unit());
            double errB = Units.convert(rb.scoreError(), rb.unit(), ra.unit());
            double ratio = bInA / ra.score();
            Verdict v;
            if (Double.isNaN(bInA)) {
                v = Verdict.UNKNOWN;
            } else if (Double.isNaN(ra.scoreError()) || Double.isNaN(errB)) {
                v = Verdict.UNKNOWN;
            } else if (Math.abs(ra.score() - bInA) <= ra.scoreError() + errB) {
                v = Verdict.WITHIN;
            } else {
                boolean bHigher = bInA > ra.score();
                v = bHigher == Units.higherIsBetter(ra.unit()) ? Verdict.B_BETTER : Verdict.B_WORSE;
            }
            rows.add(new Row(ra, rb, bInA, ratio, v));
        }
        return rows;
    }

    String render() throws IOException {
        List<Row> rows = rows();
        StringBuilder md = new StringBuilder();
        md.append("# vecprop benchmark comparison\n\n");
        md.append("- **A** = ").append(labelA).append(" (`").append(a.path()).append("`)\n");
        md.append("- **B** = ").append(labelB).append(" (`").append(b.path()).append("`)\n\n");
        facts(md);
        if (rows.isEmpty()) {
            md.append("No benchmark with the same parameters is in both files.\n\n");
        } else {
            long better = rows.stream().filter(r -> r.verdict() == Verdict.B_BETTER).count();
            long worse = rows.stream().filter(r -> r.verdict() == Verdict.B_WORSE).count();
            long within = rows.stream().filter(r -> r.verdict() == Verdict.WITHIN).count();
            double geo = Math.exp(rows.stream().filter(r -> r.ratio() > 0 && Units.isTimePerOp(r.a().unit()))
                    .mapToDouble(r -> Math.log(r.ratio())).average().orElse(Double.NaN));
            md.append(rows.size()).append(" benchmarks in both: B faster in ").append(better).append(", slower in ")
                    .append(worse).append(", within error in ").append(within);
            long unknown = rows.size() - better - worse - within;
            if (unknown > 0) {
                md.append(", error unknown in ").append(unknown);
            }
            md.append(".");
            if (!Double.isNaN(geo)) {
                md.append(" Geometric mean of B/A over the times: ").append(Units.sig(geo, 4)).append(" (B takes ")
                        .append(String.format(Locale.ROOT, "%.1f %%", 100 * Math.abs(geo - 1)))
                        .append(geo < 1 ? " less" : " more").append(" time on average)");
                md.append(better + worse == 0 ? ", though no single difference is outside the error." : ".");
            }
            md.append("\n\nB/A is the ratio of the scores: for times per op, below 1 means B is faster."
                    + " \"within error\" means |A − B| ≤ errA + errB, the errors being JMH's 99.9% CI half-widths.\n\n");
            if (options.plot() != null) {
                plot(rows);
                Path base = options.out() == null ? Path.of("").toAbsolutePath()
                        : Objects.requireNonNullElse(options.out().toAbsolutePath().getParent(),
                        Path.of("").toAbsolutePath());
                md.append("![B/A ratios](").append(base.relativize(options.plot().toAbsolutePath()).toString()
                        .replace('\\', '/')).append(")\n\n");
            }
            Table t = new Table("benchmark", "params", ">A: score ± 99.9% CI half-width",
                    ">B: score ± 99.9% CI half-width", ">B/A", "difference");
            for (Row r : rows) {
                t.row(r.a().className() + "." + r.a().method(), r.a().paramString(),
                        Units.scoreWithError(r.a().score(), r.a().scoreError(), r.a().unit()),
                        Units.scoreWithError(r.b().score(), r.b().scoreError(), r.b().unit()),
                        Units.sig(r.ratio(), 3), r.verdict() == Verdict.WITHIN || r.verdict() == Verdict.UNKNOWN
                                ? r.verdict().text : "**" + r.verdict().text + "**");
            }
            md.append(t.render()).append('\n');
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
        return md.toString();
    }

    /** Facts side by side: the sidecars' keys, plus the JVM JMH recorded. */
    private void facts(StringBuilder md) {
        Map<String, String[]> rows = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : a.facts().entrySet()) {
            rows.computeIfAbsent(e.getKey(), k -> new String[2])[0] = e.getValue();
        }
        for (Map.Entry<String, String> e : b.facts().entrySet()) {
            rows.computeIfAbsent(e.getKey(), k -> new String[2])[1] = e.getValue();
        }
        rows.computeIfAbsent("JVM (from JMH)", k -> new String[2])[0] = jvm(a);
        rows.get("JVM (from JMH)")[1] = jvm(b);
        rows.computeIfAbsent("JVM args (from JMH)", k -> new String[2])[0] = args(a);
        rows.get("JVM args (from JMH)")[1] = args(b);
        Table t = new Table("fact", "A", "B", "same");
        rows.forEach((k, v) -> t.row(k, Objects.requireNonNullElse(v[0], "—"), Objects.requireNonNullElse(v[1], "—"),
                Objects.equals(v[0], v[1]) ? "yes" : "**no**"));
        md.append(t.render()).append('\n');
        if (a.facts().isEmpty() || b.facts().isEmpty()) {
            md.append("(No machine-facts sidecar for ").append(a.facts().isEmpty() && b.facts().isEmpty() ? "A or B"
                    : a.facts().isEmpty() ? "A" : "B").append(".)\n\n");
        }
    }

    private static String jvm(ResultFile f) {
        return f.results().stream().map(r -> (r.run().vmName() + " " + r.run().vmVersion()).trim()).distinct()
                .collect(Collectors.joining("; "));
    }

    private static String args(ResultFile f) {
        return f.results().stream().map(r -> String.join(" ", r.run().jvmArgs())).distinct()
                .collect(Collectors.joining("; "));
    }

    /** What is in x but not in y, one entry per benchmark: {@code GemmBenchmark.ejml (shape: 1x2x2, 32x64x64)}. */
    private static List<String> only(ResultFile x, ResultFile y) {
        java.util.Set<String> keys = new java.util.HashSet<>(y.results().stream().map(JmhResult::key).toList());
        Map<String, List<String>> byBenchmark = new LinkedHashMap<>();
        for (JmhResult r : x.results()) {
            if (!keys.contains(r.key())) {
                byBenchmark.computeIfAbsent(r.className() + "." + r.method(), k -> new ArrayList<>())
                        .add(String.join(" ", r.params().values()));
            }
        }
        List<String> out = new ArrayList<>();
        byBenchmark.forEach((b, ps) -> out.add("`" + b + "`" + (ps.stream().allMatch(String::isEmpty) ? ""
                : " (" + String.join(", ", ps) + ")")));
        return out;
    }

    private void plot(List<Row> rows) throws IOException {
        Map<String, Double> values = new LinkedHashMap<>();
        List<Verdict> verdicts = new ArrayList<>();
        for (Row r : rows) {
            if (!(r.ratio() > 0)) {
                continue;
            }
            Map<String, String> ps = r.a().params();
            String label = r.a().family() + "." + r.a().method() + (ps.isEmpty() ? ""
                    : ps.size() == 1 ? " " + ps.values().iterator().next()
                    : " " + ps.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(" ")));
            if (values.containsKey(label)) {
                label = label + " (" + r.a().mode() + ")";
            }
            values.put(label, r.ratio());
            verdicts.add(r.verdict());
        }
        if (values.isEmpty()) {
            return;
        }
        boolean allTimes = rows.stream().allMatch(r -> Units.isTimePerOp(r.a().unit()));
        Paint[] paints = verdicts.stream().map(v -> switch (v) {
            case B_BETTER -> BETTER;
            case B_WORSE -> WORSE;
            default -> WITHIN;
        }).toArray(Paint[]::new);
        Map<String, Map<String, Double>> series = new LinkedHashMap<>();
        series.put("B/A", values);
        JFreeChart chart = Charts.bars(new Charts.BarOptions("B / A per benchmark",
                "A = " + labelA + ",  B = " + labelB,
                "", allTimes ? "B/A of time per op (log scale): left of 1 = B faster, right = B slower"
                        : "B/A of score (log scale): for times left of 1 = B faster, for throughputs right",
                true, true, false, null, List.of(new Charts.Line(1, "", Color.BLACK)), 1.0), series, i -> paints[i]);
        CategoryPlot plot = (CategoryPlot) chart.getPlot();
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_LEFT);
        // symmetric around 1, so that 0.5 and 2 are as far from the middle
        double m = 1.15;
        for (double r : values.values()) {
            m = Math.max(m, Math.max(r, 1 / r));
        }
        m = Charts.nice(m * 1.25, true);
        plot.getRangeAxis().setRange(1 / m, m);
        CategoryAxis cat = plot.getDomainAxis();
        cat.setMaximumCategoryLabelWidthRatio(0.45f);
        cat.setMaximumCategoryLabelLines(1);
        double margin = Math.min(0.05, 6.0 / (32 * values.size()));
        cat.setLowerMargin(margin);
        cat.setUpperMargin(margin);
        cat.setTickLabelFont(Charts.TICK.deriveFont(14f));
        // the ratio at the end of each bar, outside it
        for (Map.Entry<String, Double> e : values.entrySet()) {
            double r = e.getValue();
            CategoryTextAnnotation a = new CategoryTextAnnotation(" " + new java.text.DecimalFormat("0.00").format(r) + " ",
                    e.getKey(), r);
            a.setFont(Charts.ITEM.deriveFont(13f));
            a.setPaint(Color.DARK_GRAY);
            a.setCategoryAnchor(CategoryAnchor.MIDDLE);
            a.setTextAnchor(r < 1 ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT);
            plot.addAnnotation(a);
        }
        Map<String, Color> legend = new LinkedHashMap<>();
        legend.put("B faster", BETTER);
        legend.put("B slower", WORSE);
        legend.put("within error (or unknown)", WITHIN);
        Charts.legend(chart, legend);
        int height = Math.max(Charts.HEIGHT, 32 * values.size() + 220);
        Charts.save(chart, options.plot(), Charts.WIDTH, height);
        System.err.println("compare: wrote " + options.plot());
    }

    String labelA() {
        return labelA;
    }

    String labelB() {
        return labelB;
    }
}

package org.vecprop.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;
import org.vecprop.report.Comparison.Row;
import org.vecprop.report.Comparison.Verdict;

/**
 * The comparison's chart: one line per benchmark, B/A as a marker on a log axis centred on 1,
 * its confidence interval as a whisker, the noise floor as a shaded band. The verdict sets the
 * marker's shape and fill as well as its colour, so that the chart reads in grey too: filled
 * square = B slower, filled diamond = B faster, filled circle = within the noise floor, filled tall
 * oval = significant on iterations but within the fork-to-fork spread, hollow
 * circle = no detectable difference, hollow square = too few samples (no interval: the ratio of
 * the medians alone).
 */
final class ComparePlot {
    private ComparePlot() {}

    private static final Map<Verdict, Color> COLOUR = new EnumMap<>(Map.of(
            Verdict.SLOWER, new Color(0xD55E00),
            Verdict.FASTER, new Color(0x009E73),
            Verdict.FLOOR, new Color(0x0072B2),
            Verdict.FORKS, new Color(0xCC79A7),
            Verdict.NONE, new Color(0x555555),
            Verdict.TOO_FEW, new Color(0x000000)));

    private static final Map<Verdict, Shape> SHAPE = new EnumMap<>(Map.of(
            Verdict.SLOWER, new Rectangle2D.Double(-6, -6, 12, 12),
            Verdict.FASTER, Charts.diamond(8),
            Verdict.FLOOR, new Ellipse2D.Double(-5, -5, 10, 10),
            Verdict.FORKS, new Ellipse2D.Double(-4, -7, 8, 14),
            Verdict.NONE, new Ellipse2D.Double(-6, -6, 12, 12),
            Verdict.TOO_FEW, new Rectangle2D.Double(-6, -6, 12, 12)));

    private static boolean filled(Verdict v) {
        return v == Verdict.SLOWER || v == Verdict.FASTER || v == Verdict.FLOOR || v == Verdict.FORKS;
    }

    /** Draws the chart of the comparable rows into {@code file}; nothing if none is comparable. */
    static void save(List<Row> rows, Comparison.Rules rules, Path file, String labelA, String labelB, Machine ma,
                     Machine mb) throws IOException {
        List<Row> shown = rows.stream().filter(r -> r.ratio() > 0).toList();
        if (shown.isEmpty()) {
            return;
        }
        String[] labels = new String[shown.size()];
        Map<Verdict, YIntervalSeries> series = new EnumMap<>(Verdict.class);
        for (Verdict v : Verdict.values()) {
            if (COLOUR.containsKey(v)) {
                series.put(v, new YIntervalSeries(legend(v, rules), false, true));
            }
        }
        double extent = 1 + rules.floor();
        for (int i = 0; i < shown.size(); i++) {
            Row r = shown.get(i);
            labels[i] = label(r, java.util.Arrays.asList(labels).subList(0, i));
            RatioEstimate.Result e = r.estimate();
            // a FORKS row's interval comes from pseudo-replicated iterations: no whisker
            boolean interval = e != null && e.hasInterval() && r.verdict() != Verdict.FORKS;
            double lo = interval ? e.low() : r.ratio();
            double hi = interval ? e.high() : r.ratio();
            series.get(r.verdict()).add(i, r.ratio(), lo, hi);
            extent = Math.max(extent, Math.max(hi, 1 / lo));
        }
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        List<Verdict> order = new ArrayList<>();
        for (Map.Entry<Verdict, YIntervalSeries> e : series.entrySet()) {
            if (e.getValue().getItemCount() > 0) {
                data.addSeries(e.getValue());
                order.add(e.getKey());
            }
        }

        SymbolAxis benchmarks = new SymbolAxis("", labels);
        benchmarks.setInverted(true); // the first row on top, as in the table
        benchmarks.setGridBandsVisible(true);
        benchmarks.setGridBandPaint(new Color(0xF4F4F4));
        benchmarks.setGridBandAlternatePaint(Color.WHITE);
        benchmarks.setRange(-0.6, shown.size() - 0.4);
        boolean allTimes = shown.stream().allMatch(r -> Units.isTimePerOp(r.a().unit()));
        LogAxis ratio = Charts.logValueAxis(allTimes
                ? "B/A of time per op (log scale): left of 1 = B faster, right of 1 = B slower"
                : "B/A of score (log scale): for times left of 1 = B faster, for throughputs right of 1", 1, 1);
        double m = Charts.nice(extent * 1.3, true);
        ratio.setRange(1 / m, m);

        XYErrorRenderer renderer = new XYErrorRenderer();
        renderer.setDrawXError(false);
        renderer.setDrawYError(true);
        renderer.setCapLength(7);
        renderer.setErrorStroke(new BasicStroke(2.2f));
        renderer.setDefaultLinesVisible(false);
        renderer.setUseFillPaint(true);
        renderer.setUseOutlinePaint(true);
        renderer.setDrawOutlines(true);
        for (int s = 0; s < order.size(); s++) {
            Verdict v = order.get(s);
            renderer.setSeriesPaint(s, COLOUR.get(v));
            renderer.setSeriesOutlinePaint(s, COLOUR.get(v));
            renderer.setSeriesFillPaint(s, filled(v) ? COLOUR.get(v) : Color.WHITE);
            renderer.setSeriesShape(s, SHAPE.get(v));
            renderer.setSeriesShapesFilled(s, true);
            renderer.setSeriesOutlineStroke(s, new BasicStroke(2f));
        }
        renderer.setErrorPaint(null); // whiskers in each series' colour

        XYPlot plot = new XYPlot(data, benchmarks, ratio, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        // translucent and in front: the axis' grid bands would hide a background band
        IntervalMarker band = new IntervalMarker(1 / (1 + rules.floor()), 1 + rules.floor(), new Color(0, 114, 178, 45));
        band.setLabel("noise floor ±" + new DecimalFormat("0.#").format(100 * rules.floor()) + "%");
        band.setLabelFont(Charts.ITEM);
        band.setLabelPaint(new Color(0x3A5A80));
        band.setLabelAnchor(RectangleAnchor.TOP);
        band.setLabelTextAnchor(TextAnchor.TOP_CENTER);
        band.setLabelBackgroundColor(new Color(255, 255, 255, 0));
        plot.addRangeMarker(band, Layer.FOREGROUND);
        ValueMarker one = new ValueMarker(1, Color.BLACK, new BasicStroke(1.2f));
        plot.addRangeMarker(one, Layer.FOREGROUND);
        DecimalFormat two = new DecimalFormat("0.00");
        for (int i = 0; i < shown.size(); i++) {
            Row r = shown.get(i);
            RatioEstimate.Result e = r.estimate();
            double hi = e != null && e.hasInterval() ? e.high() : r.ratio();
            XYTextAnnotation t = new XYTextAnnotation("  " + two.format(r.ratio()), i, hi);
            t.setFont(Charts.ITEM.deriveFont(13f));
            t.setPaint(Color.DARK_GRAY);
            t.setTextAnchor(TextAnchor.CENTER_LEFT);
            plot.addAnnotation(t);
        }
        JFreeChart chart = new JFreeChart("B / A per benchmark, " + pct(rules.level()) + " intervals", Charts.TITLE,
                plot, true);
        String sub = "A = " + labelA + "   B = " + labelB + "\n" + machines(ma, mb);
        Charts.finish(chart, sub, plot);
        benchmarks.setTickLabelFont(Charts.TICK.deriveFont(14f));
        plot.setDomainGridlinesVisible(false);
        plot.setAxisOffset(new RectangleInsets(4, 4, 4, 4));
        chart.getLegend().setItemFont(Charts.LEGEND.deriveFont(Font.PLAIN, 14f));
        int height = Math.max(Charts.HEIGHT, 30 * shown.size() + 260);
        Charts.save(chart, file, Charts.WIDTH + 200, height);
        System.err.println("compare: wrote " + file);
    }

    private static String legend(Verdict v, Comparison.Rules rules) {
        return switch (v) {
            case SLOWER -> "B slower";
            case FASTER -> "B faster";
            case FLOOR -> "significant, within noise floor";
            case FORKS -> "significant on iterations, not on the forks";
            case NONE -> "no detectable difference";
            case TOO_FEW -> "too few samples (ratio of medians, no interval)";
            default -> v.text;
        };
    }

    /** The machines once if they are one, else both: the chart's caption. */
    private static String machines(Machine ma, Machine mb) {
        String a = ma.oneLine();
        String b = mb.oneLine();
        return a.equals(b) ? a : "A: " + a + "\nB: " + b;
    }

    private static String label(Row r, List<String> before) {
        Map<String, String> ps = r.a().params();
        String label = r.a().family() + "." + r.a().method() + (ps.isEmpty() ? ""
                : ps.size() == 1 ? " " + ps.values().iterator().next()
                : " " + ps.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                        .collect(Collectors.joining(" ")));
        return before.contains(label) ? label + " (" + r.a().mode() + ")" : label;
    }

    private static String pct(double f) {
        return new DecimalFormat("0.#").format(100 * f) + "%";
    }
}

package org.vecprop.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.text.NumberFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.HorizontalAlignment;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The report's charts, built with JFreeChart and saved as PNG. One look for all of them: white
 * background, light grid, large sans-serif text, a colour-blind-safe palette (Okabe–Ito) with a
 * fixed colour per implementation name, so that vecprop has the same colour in every chart.
 */
final class Charts {
    private Charts() {}

    static final int WIDTH = 1000;
    static final int HEIGHT = 600;

    private static final String FONT = "DejaVu Sans";
    static final Font TITLE = new Font(FONT, Font.BOLD, 22);
    static final Font SUBTITLE = new Font(FONT, Font.PLAIN, 15);
    static final Font AXIS_LABEL = new Font(FONT, Font.PLAIN, 17);
    static final Font TICK = new Font(FONT, Font.PLAIN, 15);
    static final Font LEGEND = new Font(FONT, Font.PLAIN, 15);
    static final Font ITEM = new Font(FONT, Font.PLAIN, 12);
    static final Font MARKER = new Font(FONT, Font.BOLD, 14);

    /** Okabe–Ito, minus yellow (too light on white). */
    private static final Color[] PALETTE = {
            new Color(0x0072B2), // blue
            new Color(0xE69F00), // orange
            new Color(0x009E73), // green
            new Color(0xCC79A7), // purple
            new Color(0xD55E00), // vermillion
            new Color(0x56B4E9), // sky blue
            new Color(0x555555), // grey
            new Color(0x000000), // black
    };

    /** Colours for the names that recur, so that they look the same in every chart. */
    private static final Map<String, Color> KNOWN = Map.ofEntries(
            Map.entry("vecprop", PALETTE[0]),
            Map.entry("fused", PALETTE[0]),
            Map.entry("threads1", new Color(0x882255)), // wine: not vecprop's blue, though it is vecprop
            Map.entry("openblasPointer", PALETTE[1]),
            Map.entry("unfused", PALETTE[1]),
            Map.entry("pytorch", PALETTE[4]),
            Map.entry("numpy", PALETTE[1]),
            Map.entry("openblasArray", PALETTE[5]),
            Map.entry("ejml", PALETTE[2]),
            Map.entry("gemm", PALETTE[2]),
            Map.entry("gemms", PALETTE[2]),
            Map.entry("threads2", PALETTE[3]),
            Map.entry("reference", new Color(0x999999)), // light grey: the scalar baseline, not black like copy
            Map.entry("vecpropForward", PALETTE[5]),
            Map.entry("vecpropBackward", PALETTE[3]),
            Map.entry("copy", PALETTE[7]));

    private static final Shape[] SHAPES = {
            new Ellipse2D.Double(-5, -5, 10, 10),
            new Rectangle2D.Double(-4.5, -4.5, 9, 9),
            diamond(6),
            triangle(6),
            new Ellipse2D.Double(-4, -4, 8, 8),
            new Rectangle2D.Double(-3.5, -3.5, 7, 7),
    };

    /**
     * Colours for a list of series names: known names get their colour, the rest the palette's
     * remaining colours in order. The key of a name is its first word ({@code threads2 (GemmThreads)}
     * → {@code threads2}).
     */
    static List<Color> colours(List<String> names) {
        List<Color> out = new ArrayList<>();
        List<Color> used = new ArrayList<>();
        for (String n : names) {
            Color c = KNOWN.get(key(n));
            out.add(c);
            if (c != null) {
                used.add(c);
            }
        }
        int next = 0;
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i) == null) {
                Color c = null;
                for (int tries = 0; tries < PALETTE.length && c == null; tries++) {
                    Color cand = PALETTE[next++ % PALETTE.length];
                    if (!used.contains(cand)) {
                        c = cand;
                    }
                }
                if (c == null) {
                    c = PALETTE[i % PALETTE.length];
                }
                used.add(c);
                out.set(i, c);
            }
        }
        return out;
    }

    private static String key(String name) {
        String k = name.trim();
        int sp = k.indexOf(' ');
        k = sp < 0 ? k : k.substring(0, sp);
        int dot = k.lastIndexOf('.');
        return dot < 0 ? k : k.substring(dot + 1);
    }

    /** One XY series: a name and its points. */
    record Series(String name, List<double[]> points, boolean dashed, Color colour) {
        Series(String name, List<double[]> points) {
            this(name, points, false, null);
        }
    }

    /** A horizontal line across an XY or bar chart, with a label. */
    record Line(double value, String label, Color colour) {}

    /** Options of an XY chart; axes are log when asked (values must then be > 0). */
    record XyOptions(String title, String subtitle, String xLabel, String yLabel, boolean logX, int logXBase,
                     boolean logY, List<Line> lines) {}

    /** Dash patterns, one per series in turn, so that overlapping lines stay apart in grey too. */
    private static final float[][] DASHES = {null, {9f, 5f}, {2.5f, 4f}, {12f, 4f, 2.5f, 4f}, {5f, 3f}, {16f, 6f}};

    /** The stroke of the i-th series: solid, dashed, dotted, dash-dot, ... */
    static BasicStroke seriesStroke(int i) {
        float[] d = DASHES[i % DASHES.length];
        return d == null ? new BasicStroke(2.5f)
                : new BasicStroke(2.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, d, 0f);
    }

    /** The marker of the i-th series. */
    static Shape seriesShape(int i) {
        return SHAPES[i % SHAPES.length];
    }

    /**
     * A line chart with markers: one line per series, each with its own colour, marker shape and
     * dash pattern. A point {@code {x, y, low, high}} gets a whisker from low to high (e.g. the
     * range of the iterations); {@code {x, y}} none.
     */
    static JFreeChart xy(XyOptions o, List<Series> series) {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        double yMax = 0;
        double yMin = Double.POSITIVE_INFINITY;
        double xMin = Double.POSITIVE_INFINITY;
        double xMax = 0;
        for (Series s : series) {
            YIntervalSeries xs = new YIntervalSeries(s.name(), true, true);
            for (double[] p : s.points()) {
                double lo = p.length >= 4 ? p[2] : p[1];
                double hi = p.length >= 4 ? p[3] : p[1];
                xs.add(p[0], p[1], lo, hi);
                yMax = Math.max(yMax, hi);
                yMin = Math.min(yMin, lo);
                xMin = Math.min(xMin, p[0]);
                xMax = Math.max(xMax, p[0]);
            }
            data.addSeries(xs);
        }
        for (Line l : o.lines()) {
            yMax = Math.max(yMax, l.value());
            yMin = Math.min(yMin, l.value());
        }
        ValueAxis x;
        if (o.logX()) {
            LogAxis lx = new LogAxis(o.xLabel());
            lx.setBase(o.logXBase());
            lx.setTickUnit(new NumberTickUnit(1));
            lx.setNumberFormatOverride(axisNumber());
            lx.setMinorTickMarksVisible(false);
            if (xMax > 0) {
                lx.setRange(xMin / Math.pow(o.logXBase(), 0.3), xMax * Math.pow(o.logXBase(), 0.3));
            }
            x = lx;
        } else {
            x = new NumberAxis(o.xLabel());
        }
        ValueAxis y;
        if (o.logY()) {
            y = logValueAxis(o.yLabel(), yMin, yMax);
        } else {
            NumberAxis ny = new NumberAxis(o.yLabel());
            ny.setRange(0, yMax > 0 ? yMax * 1.12 : 1);
            ny.setNumberFormatOverride(axisNumber());
            y = ny;
        }
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setDrawYError(true);
        r.setCapLength(6);
        r.setErrorPaint(null); // whiskers in the series' colour
        r.setErrorStroke(new BasicStroke(1.6f));
        r.setDefaultLinesVisible(true);
        r.setDefaultShapesVisible(true);
        List<Color> colours = colours(series.stream().map(Series::name).toList());
        for (int i = 0; i < series.size(); i++) {
            Color own = series.get(i).colour();
            r.setSeriesPaint(i, own != null ? own : colours.get(i));
            r.setSeriesShape(i, seriesShape(i));
            r.setSeriesStroke(i, series.get(i).dashed() ? seriesStroke(1) : seriesStroke(i));
            r.setSeriesLinesVisible(i, true);
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        for (Line l : o.lines()) {
            ValueMarker m = new ValueMarker(l.value(), l.colour(), new BasicStroke(2f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_ROUND, 1f, new float[] {10f, 6f}, 0f));
            m.setLabel(l.label());
            m.setLabelFont(MARKER);
            m.setLabelPaint(l.colour());
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.BOTTOM_LEFT);
            m.setLabelOffset(new RectangleInsets(2, 8, 2, 8));
            m.setLabelBackgroundColor(new Color(255, 255, 255, 0));
            plot.addRangeMarker(m);
        }
        return finish(new JFreeChart(o.title(), TITLE, plot, true), o.subtitle(), plot);
    }

    /** Options of a dot chart: log values when asked (values must then be > 0), else linear from 0. */
    record DotOptions(String title, String subtitle, String categoryLabel, String valueLabel, boolean logValues,
                      List<Line> lines) {}

    /**
     * A dot chart (Cleveland's): one row per category, one marker per series in it, each series
     * with its own colour and shape and nudged apart vertically, the value axis horizontal, log or
     * linear from 0 (never bars on an arbitrary baseline). {@code values.get(series).get(category)}
     * is {@code {value, low, high}}: the marker and its whisker (e.g. the iterations' range); a
     * missing value leaves no marker. Categories in first-seen order, top to bottom; each gets a
     * label of the series' value when there are few markers.
     */
    static JFreeChart dots(DotOptions o, Map<String, Map<String, double[]>> values) {
        List<String> categories = new ArrayList<>();
        for (Map<String, double[]> byCat : values.values()) {
            for (String c : byCat.keySet()) {
                if (!categories.contains(c)) {
                    categories.add(c);
                }
            }
        }
        int n = values.size();
        double band = Math.min(0.7, 0.16 * n); // the vertical spread of one category's markers
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        double min = Double.POSITIVE_INFINITY;
        double max = 0;
        int si = 0;
        for (Map.Entry<String, Map<String, double[]>> s : values.entrySet()) {
            YIntervalSeries ys = new YIntervalSeries(s.getKey(), false, true);
            double offset = n == 1 ? 0 : -band / 2 + band * si / (n - 1);
            for (int c = 0; c < categories.size(); c++) {
                double[] v = s.getValue().get(categories.get(c));
                if (v == null || !(v[0] > 0 || !o.logValues() && v[0] >= 0)) {
                    continue;
                }
                ys.add(c + offset, v[0], v[1], v[2]);
                min = Math.min(min, v[1]);
                max = Math.max(max, v[2]);
            }
            data.addSeries(ys);
            si++;
        }
        for (Line l : o.lines()) {
            min = Math.min(min, l.value());
            max = Math.max(max, l.value());
        }
        org.jfree.chart.axis.SymbolAxis cat = new org.jfree.chart.axis.SymbolAxis(o.categoryLabel(),
                categories.toArray(String[]::new));
        cat.setInverted(true);
        cat.setRange(-0.6, categories.size() - 0.4);
        cat.setGridBandsVisible(true);
        cat.setGridBandPaint(new Color(0xF4F4F4));
        cat.setGridBandAlternatePaint(Color.WHITE);
        ValueAxis val;
        if (o.logValues()) {
            val = logValueAxis(o.valueLabel(), min, max);
        } else {
            NumberAxis na = new NumberAxis(o.valueLabel());
            double step = max > 0 ? nice(max / 6, true) : 1;
            na.setRange(0, max > 0 ? Math.ceil(max * 1.1 / step) * step : 1);
            na.setTickUnit(new NumberTickUnit(step));
            na.setNumberFormatOverride(axisNumber());
            val = na;
        }
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setDrawYError(true);
        r.setCapLength(5);
        r.setErrorPaint(null);
        r.setErrorStroke(new BasicStroke(1.8f));
        r.setDefaultLinesVisible(false);
        List<String> names = new ArrayList<>(values.keySet());
        List<Color> colours = colours(names);
        for (int i = 0; i < names.size(); i++) {
            r.setSeriesPaint(i, colours.get(i));
            r.setSeriesShape(i, seriesShape(i));
        }
        if (categories.size() * n <= 24) {
            r.setDefaultItemLabelGenerator((dataset, series, item) -> "  " + plainNumber().format(dataset.getYValue(series, item)));
            r.setDefaultItemLabelsVisible(true);
            r.setDefaultItemLabelFont(ITEM);
            r.setDefaultItemLabelPaint(Color.DARK_GRAY);
            r.setDefaultPositiveItemLabelPosition(new org.jfree.chart.labels.ItemLabelPosition(
                    org.jfree.chart.labels.ItemLabelAnchor.OUTSIDE3, TextAnchor.CENTER_LEFT));
        }
        XYPlot plot = new XYPlot(data, cat, val, r);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        for (Line l : o.lines()) {
            ValueMarker m = new ValueMarker(l.value(), l.colour(), new BasicStroke(2f, BasicStroke.CAP_BUTT,
                    BasicStroke.JOIN_ROUND, 1f, new float[] {10f, 6f}, 0f));
            m.setLabel(l.label());
            m.setLabelFont(MARKER);
            m.setLabelPaint(l.colour());
            // the label left of the line, at the top, so that it never runs off the plot
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.TOP_RIGHT);
            m.setLabelOffset(new RectangleInsets(4, 6, 4, 6));
            m.setLabelBackgroundColor(new Color(255, 255, 255, 200));
            plot.addRangeMarker(m);
        }
        JFreeChart chart = finish(new JFreeChart(o.title(), TITLE, plot, true), o.subtitle(), plot);
        chart.setPadding(new RectangleInsets(6, 10, 6, 40)); // room for the last tick label
        plot.setDomainGridlinesVisible(false);
        cat.setTickLabelFont(TICK);
        return chart;
    }

    /** A log axis over [lo, hi] with a little room, labelled with plain numbers at 1-2-5 steps. */
    static LogAxis logValueAxis(String label, double lo, double hi) {
        NiceLogAxis a = new NiceLogAxis(label);
        a.setNumberFormatOverride(axisNumber());
        if (hi > 0 && lo > 0 && Double.isFinite(lo)) {
            double decades = Math.log10(hi / lo);
            double from = lo / Math.pow(10, Math.max(0.05, decades * 0.04));
            double to = hi * Math.pow(10, Math.max(0.08, decades * 0.08));
            // Widen to the next 1-2-5 value when that is close, so that both ends have a label.
            double niceFrom = nice(from, false);
            double niceTo = nice(to, true);
            a.setRange(from / niceFrom <= 2.6 ? niceFrom : from, niceTo / to <= 2.6 ? niceTo : to);
        }
        a.setMinorTickMarksVisible(true);
        return a;
    }

    /** The nearest of 1, 2, 5 × 10^k at or below (or above, if {@code up}) v > 0. */
    static double nice(double v, boolean up) {
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        double[] steps = {1, 2, 5, 10};
        if (up) {
            for (double s : steps) {
                if (s * p >= v * (1 - 1e-9)) {
                    return s * p;
                }
            }
            return 10 * p;
        }
        double best = p;
        for (double s : steps) {
            if (s * p <= v * (1 + 1e-9)) {
                best = s * p;
            }
        }
        return best;
    }

    /**
     * A base-10 log axis whose labels are at round values: powers of 10 when the axis spans more
     * than 4 decades, 1-2-5 steps down to 1.5 decades, 1-2-3-5-7 below that, and 1, 1.5, 2, 2.5,
     * 3, 4, ... 9 under 0.9 decades; unlabelled minor ticks at the other integer mantissas. (JFreeChart's
     * own LogAxis labels 10^(k/4) steps such as 1.78, 3.16, 5.62 on short ranges.)
     */
    static final class NiceLogAxis extends LogAxis {
        private static final long serialVersionUID = 1L;

        NiceLogAxis(String label) {
            super(label);
        }

        @Override
        protected List<org.jfree.chart.axis.ValueTick> refreshTicksVertical(java.awt.Graphics2D g2,
                Rectangle2D dataArea, RectangleEdge edge) {
            return ticks(edge == RectangleEdge.LEFT ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT);
        }

        @Override
        protected List<org.jfree.chart.axis.ValueTick> refreshTicksHorizontal(java.awt.Graphics2D g2,
                Rectangle2D dataArea, RectangleEdge edge) {
            return ticks(edge == RectangleEdge.TOP ? TextAnchor.BOTTOM_CENTER : TextAnchor.TOP_CENTER);
        }

        private List<org.jfree.chart.axis.ValueTick> ticks(TextAnchor anchor) {
            List<org.jfree.chart.axis.ValueTick> out = new ArrayList<>();
            double lo = getLowerBound();
            double hi = getUpperBound();
            if (!(lo > 0) || !(hi > lo)) {
                return out;
            }
            double decades = Math.log10(hi / lo);
            double[] labelled = decades > 4 ? new double[] {1} : decades > 1.5 ? new double[] {1, 2, 5}
                    : decades > 0.9 ? new double[] {1, 2, 3, 5, 7}
                    : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 7, 8, 9};
            double[] all = decades > 0.9 ? new double[] {1, 2, 3, 4, 5, 6, 7, 8, 9} : labelled;
            for (int k = (int) Math.floor(Math.log10(lo)); k <= (int) Math.ceil(Math.log10(hi)); k++) {
                for (double m : all) {
                    double v = m * Math.pow(10, k);
                    if (v < lo || v > hi) {
                        continue;
                    }
                    boolean major = false;
                    for (double l : labelled) {
                        major |= l == m;
                    }
                    out.add(new org.jfree.chart.axis.LogTick(
                            major ? org.jfree.chart.axis.TickType.MAJOR : org.jfree.chart.axis.TickType.MINOR, v,
                            major ? createTickLabel(v) : null, anchor));
                }
            }
            return out;
        }
    }

    /** Axis labels: round values without trailing zeros, 1 000 not 1E3, 0.5 not 5E-1. */
    static NumberFormat axisNumber() {
        DecimalFormat f = new DecimalFormat("#,##0.######", DecimalFormatSymbols.getInstance(Locale.ROOT));
        DecimalFormatSymbols s = f.getDecimalFormatSymbols();
        s.setGroupingSeparator('\u2009');
        f.setDecimalFormatSymbols(s);
        return f;
    }

    /** Values (bar labels): 3 significant digits, 1 000 not 1E3, 0.5 not 5E-1. */
    static NumberFormat plainNumber() {
        DecimalFormat f = new DecimalFormat("#,##0.###", DecimalFormatSymbols.getInstance(Locale.ROOT));
        DecimalFormatSymbols s = f.getDecimalFormatSymbols();
        s.setGroupingSeparator('\u2009');
        f.setDecimalFormatSymbols(s);
        return new NumberFormat() {
            @Override
            public StringBuffer format(double v, StringBuffer b, java.text.FieldPosition p) {
                String t = Math.abs(v) >= 100 || v == 0 ? f.format(Math.rint(v)) : Units.sig(v, 3);
                return b.append(t.replace('\u202f', '\u2009'));
            }

            @Override
            public StringBuffer format(long v, StringBuffer b, java.text.FieldPosition p) {
                return b.append(f.format(v));
            }

            @Override
            public Number parse(String s, java.text.ParsePosition p) {
                return f.parse(s, p);
            }
        };
    }

    /** Shared look: fonts, colours, grid, legend at the bottom, optional subtitle. */
    static JFreeChart finish(JFreeChart chart, String subtitle, org.jfree.chart.plot.Plot plot) {
        chart.setBackgroundPaint(Color.WHITE);
        chart.setAntiAlias(true);
        chart.setTextAntiAlias(true);
        chart.getTitle().setPaint(Color.BLACK);
        chart.getTitle().setMargin(6, 0, 2, 0);
        if (subtitle != null && !subtitle.isBlank()) {
            TextTitle t = new TextTitle(subtitle, SUBTITLE);
            t.setPaint(Color.DARK_GRAY);
            t.setMargin(0, 0, 6, 0);
            chart.addSubtitle(t);
        }
        chart.setPadding(new RectangleInsets(6, 10, 6, 16));
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(Color.GRAY);
        if (plot instanceof XYPlot p) {
            grid(p.getDomainAxis(), p.getRangeAxis());
            p.setDomainGridlinePaint(new Color(0xDDDDDD));
            p.setRangeGridlinePaint(new Color(0xDDDDDD));
            p.setDomainGridlineStroke(new BasicStroke(1f));
            p.setRangeGridlineStroke(new BasicStroke(1f));
            p.setRangeMinorGridlinesVisible(false);
        } else if (plot instanceof CategoryPlot p) {
            grid(p.getDomainAxis(), p.getRangeAxis());
            p.setRangeGridlinePaint(new Color(0xDDDDDD));
            p.setRangeGridlineStroke(new BasicStroke(1f));
            p.setDomainGridlinesVisible(false);
        }
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setItemFont(LEGEND);
            legend.setPosition(RectangleEdge.BOTTOM);
            legend.setHorizontalAlignment(HorizontalAlignment.CENTER);
            legend.setFrame(BlockBorder.NONE);
            legend.setBackgroundPaint(Color.WHITE);
            legend.setItemLabelPadding(new RectangleInsets(2, 4, 2, 14));
        }
        return chart;
    }

    private static void grid(org.jfree.chart.axis.Axis domain, org.jfree.chart.axis.Axis range) {
        for (org.jfree.chart.axis.Axis a : new org.jfree.chart.axis.Axis[] {domain, range}) {
            a.setLabelFont(AXIS_LABEL);
            a.setTickLabelFont(TICK);
            a.setLabelPaint(Color.BLACK);
            a.setTickLabelPaint(Color.BLACK);
        }
    }

    static void save(JFreeChart chart, Path file, int width, int height) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        ChartUtils.saveChartAsPNG(file.toFile(), chart, width, height);
    }

    static Shape diamond(double s) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(0, -s);
        p.lineTo(s, 0);
        p.lineTo(0, s);
        p.lineTo(-s, 0);
        p.closePath();
        return p;
    }

    static Shape triangle(double s) {
        Path2D.Double p = new Path2D.Double();
        p.moveTo(0, -s);
        p.lineTo(s, s * 0.8);
        p.lineTo(-s, s * 0.8);
        p.closePath();
        return p;
    }
}

package org.vecprop.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Shape;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

/**
 * The index's chart: one row per run, GF/s on a linear axis from 0, vecprop's and OpenBLAS's
 * GEMM 1024³ and the run's own FMA peak as markers of different shape and fill (readable in grey),
 * each with the range of its measurement iterations as a whisker.
 */
final class IndexPlot {
    private IndexPlot() {}

    private record SeriesStyle(String name, Color colour, Shape shape, boolean filled, double offset) {}

    private static final List<SeriesStyle> STYLES = List.of(
            new SeriesStyle("vecprop, GEMM 1024³", new Color(0x0072B2), new Ellipse2D.Double(-6, -6, 12, 12), true, -0.2),
            new SeriesStyle("OpenBLAS, GEMM 1024³", new Color(0xE69F00), new Rectangle2D.Double(-6, -6, 12, 12), false, 0),
            new SeriesStyle("the run's FMA peak, one core", new Color(0xB00020), Charts.diamond(7), true, 0.2));

    static void save(List<Index.Entry> entries, Path file) throws IOException {
        String[] labels = new String[entries.size()];
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        YIntervalSeries[] series = new YIntervalSeries[STYLES.size()];
        for (int s = 0; s < series.length; s++) {
            series[s] = new YIntervalSeries(STYLES.get(s).name(), false, true);
        }
        double max = 0;
        for (int i = 0; i < entries.size(); i++) {
            Index.Entry e = entries.get(i);
            Machine m = e.machine();
            labels[i] = m.cpuLine() + (m.jdk().isEmpty() ? "" : " · " + m.jdk()) + (m.date().isEmpty() ? "" : " · " + m.date());
            Index.Value[] values = {e.gemm1024(), e.blas1024(), e.peak()};
            for (int s = 0; s < values.length; s++) {
                Index.Value v = values[s];
                if (v != null) {
                    series[s].add(i + STYLES.get(s).offset(), v.median(), v.low(), v.high());
                    max = Math.max(max, v.high());
                }
            }
        }
        for (YIntervalSeries s : series) {
            data.addSeries(s);
        }
        SymbolAxis machines = new SymbolAxis("", labels);
        machines.setInverted(true); // rank 1 on top
        machines.setRange(-0.6, entries.size() - 0.4);
        machines.setGridBandsVisible(true);
        machines.setGridBandPaint(new Color(0xF4F4F4));
        machines.setGridBandAlternatePaint(Color.WHITE);
        NumberAxis gflops = new NumberAxis("GF/s on one core (linear, from 0): whisker = lowest to highest iteration");
        double step = max > 0 ? Charts.nice(max / 6, true) : 1;
        gflops.setRange(0, max > 0 ? Math.ceil(max * 1.12 / step) * step : 1);
        gflops.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(step));
        gflops.setNumberFormatOverride(Charts.axisNumber());

        XYErrorRenderer r = new XYErrorRenderer();
        r.setDrawXError(false);
        r.setDrawYError(true);
        r.setCapLength(6);
        r.setErrorStroke(new BasicStroke(2f));
        r.setErrorPaint(null);
        r.setDefaultLinesVisible(false);
        r.setUseFillPaint(true);
        r.setUseOutlinePaint(true);
        r.setDrawOutlines(true);
        for (int s = 0; s < STYLES.size(); s++) {
            SeriesStyle st = STYLES.get(s);
            r.setSeriesPaint(s, st.colour());
            r.setSeriesOutlinePaint(s, st.colour());
            r.setSeriesFillPaint(s, st.filled() ? st.colour() : Color.WHITE);
            r.setSeriesShape(s, st.shape());
            r.setSeriesShapesFilled(s, true);
            r.setSeriesOutlineStroke(s, new BasicStroke(2f));
        }
        XYPlot plot = new XYPlot(data, machines, gflops, r);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        for (int i = 0; i < entries.size(); i++) {
            Index.Entry e = entries.get(i);
            if (e.gemm1024() == null) {
                continue;
            }
            String share = e.peak() == null ? "" : String.format(java.util.Locale.ROOT, " = %.0f %% of its peak",
                    100 * e.gemm1024().median() / e.peak().median());
            org.jfree.chart.annotations.XYTextAnnotation t = new org.jfree.chart.annotations.XYTextAnnotation(
                    "   " + Units.sig(e.gemm1024().median(), 3) + " GF/s" + share, i + STYLES.get(0).offset(),
                    e.gemm1024().high());
            t.setFont(Charts.ITEM.deriveFont(13f));
            t.setPaint(STYLES.get(0).colour().darker());
            t.setTextAnchor(org.jfree.chart.ui.TextAnchor.CENTER_LEFT);
            plot.addAnnotation(t);
        }
        JFreeChart chart = new JFreeChart("GEMM 1024³ (float32, one core) on every machine in results/contrib",
                Charts.TITLE, plot, true);
        Charts.finish(chart, "Each row one run, ranked by vecprop's GF/s; markers are medians of the run's"
                + " measurement iterations", plot);
        machines.setTickLabelFont(Charts.TICK.deriveFont(14f));
        plot.setDomainGridlinesVisible(false);
        int height = Math.max(380, 90 * entries.size() + 220);
        Charts.save(chart, file, Charts.WIDTH + 300, height);
        System.err.println("index: wrote " + file);
    }
}

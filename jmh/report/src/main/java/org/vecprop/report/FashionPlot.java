package org.vecprop.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.PaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.data.xy.DefaultXYZDataset;

/**
 * The charts of {@code scripts/demo fashion}: the training loss and validation accuracy per epoch
 * of every run (vecprop's and the NumPy peer's) in one figure, and the test confusion matrix.
 *
 * <p>Input: the runs' JSON files, {@code results/fashion/vecprop.json} (written by the demo) and
 * {@code results/fashion/numpy.json} ({@code scripts/fashion_numpy.py}). Both have
 * {@code runtime} (the series' name: its first word), {@code epochs} (a list of objects with
 * {@code epoch}, {@code train_loss}, {@code validation_accuracy}, {@code seconds}) and
 * {@code test_accuracy}; vecprop's also has {@code setup}, {@code machine}, {@code jdk} (the
 * caption: both runs ran on the same machine in the same demo), {@code classes} and
 * {@code confusion} (rows: true class, columns: predicted).
 */
final class FashionPlot {
    private FashionPlot() {}

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One epoch of a run. */
    record Epoch(int epoch, double trainLoss, double validationAccuracy, double seconds) {}

    /**
     * A run, as read from its JSON.
     *
     * @param name the runtime's first word ({@code vecprop}, {@code numpy}): the series' name
     * @param runtime the runtime as the file says it ({@code numpy 2.4.6})
     * @param epochs its epochs in order
     * @param testAccuracy NaN when the file has none
     * @param setup, machine, jdk the caption's facts, empty when absent
     * @param classes the class names, empty when absent
     * @param confusion the test confusion matrix, null when absent
     */
    record Run(String name, String runtime, List<Epoch> epochs, double testAccuracy, String setup,
               String machine, String jdk, List<String> classes, long[][] confusion) {
        double trainSeconds() {
            return epochs.stream().mapToDouble(Epoch::seconds).sum();
        }
    }

    static Run read(Path file) throws IOException {
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new IOException(file + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            throw new IOException(file + ": expected a JSON object");
        }
        String runtime = root.path("runtime").asText("");
        if (runtime.isBlank()) {
            throw new IOException(file + ": no \"runtime\"");
        }
        JsonNode es = root.path("epochs");
        if (!es.isArray() || es.isEmpty()) {
            throw new IOException(file + ": no \"epochs\" list");
        }
        List<Epoch> epochs = new ArrayList<>();
        for (JsonNode e : es) {
            for (String k : new String[] {"epoch", "train_loss", "validation_accuracy"}) {
                if (!e.path(k).isNumber()) {
                    throw new IOException(file + ": an epoch without a number \"" + k + "\": " + e);
                }
            }
            epochs.add(new Epoch(e.get("epoch").asInt(), e.get("train_loss").asDouble(),
                    e.get("validation_accuracy").asDouble(), e.path("seconds").asDouble(Double.NaN)));
        }
        List<String> classes = new ArrayList<>();
        root.path("classes").forEach(c -> classes.add(c.asText()));
        long[][] confusion = null;
        JsonNode cm = root.path("confusion");
        if (cm.isArray() && !cm.isEmpty()) {
            confusion = new long[cm.size()][];
            for (int i = 0; i < cm.size(); i++) {
                JsonNode row = cm.get(i);
                if (!row.isArray() || row.size() != cm.size()) {
                    throw new IOException(file + ": \"confusion\" must be square, row " + i + " is " + row);
                }
                confusion[i] = new long[row.size()];
                for (int j = 0; j < row.size(); j++) {
                    if (!row.get(j).canConvertToLong() || row.get(j).asLong() < 0) {
                        throw new IOException(file + ": \"confusion\"[" + i + "][" + j + "] is not a count: " + row.get(j));
                    }
                    confusion[i][j] = row.get(j).asLong();
                }
            }
        }
        JsonNode test = root.path("test_accuracy");
        String name = runtime.trim().split("\\s+")[0];
        return new Run(name, runtime, epochs, test.isNumber() ? test.asDouble() : Double.NaN,
                root.path("setup").asText(""), root.path("machine").asText(""), root.path("jdk").asText(""),
                classes, confusion);
    }

    /** {@code machine, JDK jdk} of the first run that says, or empty. */
    private static String machineLine(List<Run> runs) {
        for (Run r : runs) {
            if (!r.machine().isEmpty() || !r.jdk().isEmpty()) {
                return (r.machine() + (r.jdk().isEmpty() ? "" : ", JDK " + r.jdk())).strip();
            }
        }
        return "";
    }

    /** The side-by-side summary of the runs' test accuracies (standard output of the command). */
    static String summary(List<Run> runs) {
        StringBuilder s = new StringBuilder();
        for (Run r : runs) {
            s.append(String.format(Locale.ROOT, "%-8s test accuracy %s after %d epochs, training %.1f s (%s)%n",
                    r.name(), Double.isNaN(r.testAccuracy()) ? "-" : String.format(Locale.ROOT, "%.4f", r.testAccuracy()),
                    r.epochs().size(), r.trainSeconds(), r.runtime()));
        }
        if (runs.size() == 2 && !Double.isNaN(runs.get(0).testAccuracy()) && !Double.isNaN(runs.get(1).testAccuracy())) {
            s.append(String.format(Locale.ROOT, "difference %.2f accuracy points (%s - %s)%n",
                    100 * (runs.get(1).testAccuracy() - runs.get(0).testAccuracy()), runs.get(1).name(),
                    runs.get(0).name()));
        }
        return s.toString();
    }

    /** Training loss (top) and validation accuracy (bottom) per epoch, one line per run. */
    static void saveCurves(List<Run> runs, Path png) throws IOException {
        if (runs.isEmpty()) {
            throw new IOException("no runs to draw");
        }
        List<Charts.Series> loss = new ArrayList<>();
        List<Charts.Series> accuracy = new ArrayList<>();
        double lo = 1;
        double hi = 0;
        for (Run r : runs) {
            List<double[]> l = new ArrayList<>();
            List<double[]> a = new ArrayList<>();
            for (Epoch e : r.epochs()) {
                l.add(new double[] {e.epoch(), e.trainLoss()});
                a.add(new double[] {e.epoch(), e.validationAccuracy()});
                lo = Math.min(lo, e.validationAccuracy());
                hi = Math.max(hi, e.validationAccuracy());
            }
            loss.add(new Charts.Series(r.name(), l));
            accuracy.add(new Charts.Series(r.name(), a));
        }
        XYPlot top = Charts.xy(new Charts.XyOptions("", "", "epoch", "training loss", false, 10, false, List.of()),
                loss).getXYPlot();
        XYPlot bottom = Charts.xy(new Charts.XyOptions("", "", "epoch", "validation accuracy", false, 10, false,
                List.of()), accuracy).getXYPlot();
        NumberAxis acc = (NumberAxis) bottom.getRangeAxis();
        double pad = Math.max(0.002, (hi - lo) * 0.08);
        acc.setRange(Math.max(0, lo - pad), Math.min(1, hi + pad));
        acc.setAutoRangeIncludesZero(false);
        NumberAxis epochAxis = new NumberAxis("epoch");
        epochAxis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        int last = runs.stream().mapToInt(r -> r.epochs().getLast().epoch()).max().orElse(1);
        epochAxis.setRange(0.5, last + 0.5);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(epochAxis);
        plot.setGap(14);
        plot.add(top, 1);
        plot.add(bottom, 1);
        LegendItemCollection legend = top.getLegendItems();
        plot.setFixedLegendItems(legend); // one entry per run, not one per run and panel
        List<String> caption = new ArrayList<>();
        Run withSetup = runs.stream().filter(r -> !r.setup().isEmpty()).findFirst().orElse(null);
        if (withSetup != null) {
            caption.add(withSetup.setup());
        }
        List<String> tests = new ArrayList<>();
        for (Run r : runs) {
            if (!Double.isNaN(r.testAccuracy())) {
                tests.add(String.format(Locale.ROOT, "%s %.4f", r.name(), r.testAccuracy()));
            }
        }
        if (!tests.isEmpty()) {
            caption.add("test accuracy after the last epoch: " + String.join(", ", tests));
        }
        String machine = machineLine(runs);
        if (!machine.isEmpty()) {
            caption.add(machine);
        }
        JFreeChart chart = Charts.finish(new JFreeChart("Fashion-MNIST: training loss and validation accuracy",
                Charts.TITLE, plot, true), String.join("\n", caption), top); // the panels are styled already
        plot.setBackgroundPaint(Color.WHITE);
        plot.setOutlinePaint(null);
        epochAxis.setLabelFont(Charts.AXIS_LABEL);
        epochAxis.setTickLabelFont(Charts.TICK);
        Charts.save(chart, png, Charts.WIDTH, 760);
    }

    /**
     * The confusion matrix as a heat map: cell colour is the share of the true class (the row),
     * the number in it the count.
     */
    static void saveConfusion(Run run, Path png) throws IOException {
        long[][] m = run.confusion();
        if (m == null) {
            throw new IOException(run.name() + ": the file has no \"confusion\" matrix");
        }
        int n = m.length;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(i < run.classes().size() ? i + " " + run.classes().get(i) : String.valueOf(i));
        }
        double[] xs = new double[n * n];
        double[] ys = new double[n * n];
        double[] zs = new double[n * n];
        long total = 0;
        long right = 0;
        for (int i = 0; i < n; i++) {
            long row = 0;
            for (long v : m[i]) {
                row += v;
            }
            for (int j = 0; j < n; j++) {
                xs[i * n + j] = j;
                ys[i * n + j] = i;
                zs[i * n + j] = row == 0 ? 0 : (double) m[i][j] / row;
            }
            total += row;
            right += m[i][i];
        }
        DefaultXYZDataset data = new DefaultXYZDataset();
        data.addSeries("share of the true class", new double[][] {xs, ys, zs});
        SymbolAxis predicted = new SymbolAxis("predicted class", names.toArray(String[]::new));
        predicted.setVerticalTickLabels(true);
        predicted.setGridBandsVisible(false);
        predicted.setRange(-0.5, n - 0.5);
        SymbolAxis truth = new SymbolAxis("true class", names.toArray(String[]::new));
        truth.setInverted(true); // class 0 at the top, as the matrix is written
        truth.setGridBandsVisible(false);
        truth.setRange(-0.5, n - 0.5);
        XYBlockRenderer r = new XYBlockRenderer();
        PaintScale scale = new ShareScale();
        r.setPaintScale(scale);
        XYPlot plot = new XYPlot(data, predicted, truth, r);
        Font cell = new Font(Charts.ITEM.getName(), Font.PLAIN, n <= 12 ? 14 : 10);
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                XYTextAnnotation a = new XYTextAnnotation(Long.toString(m[i][j]), j, i);
                a.setFont(cell);
                a.setPaint(zs[i * n + j] > 0.5 ? Color.WHITE : Color.BLACK);
                plot.addAnnotation(a);
            }
        }
        String caption = String.join("\n", List.of(
                String.format(Locale.ROOT, "%s: %d test images, accuracy %s (the diagonal); colour: share of the"
                        + " row's true class", run.name(), total, String.format(Locale.ROOT, "%.4f",
                        total == 0 ? 0 : (double) right / total)),
                run.setup(), machineLine(List.of(run))).stream().filter(s -> !s.isBlank()).toList());
        JFreeChart chart = Charts.finish(new JFreeChart("Fashion-MNIST: test confusion matrix", Charts.TITLE, plot,
                false), caption, plot);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        NumberAxis shares = new NumberAxis("share of the true class");
        shares.setTickUnit(new org.jfree.chart.axis.NumberTickUnit(0.1));
        PaintScaleLegend legend = new PaintScaleLegend(scale, shares);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setMargin(new RectangleInsets(10, 10, 10, 10));
        legend.setStripWidth(16);
        legend.getAxis().setLabelFont(Charts.TICK);
        legend.getAxis().setTickLabelFont(Charts.TICK);
        chart.addSubtitle(legend);
        Charts.save(chart, png, Charts.WIDTH, 900);
    }

    /** White at 0 to vecprop's blue at 1, through light blue: counts stay readable on every cell. */
    static final class ShareScale implements PaintScale {
        private static final Color FULL = new Color(0x0072B2);

        @Override
        public double getLowerBound() {
            return 0;
        }

        @Override
        public double getUpperBound() {
            return 1;
        }

        @Override
        public java.awt.Paint getPaint(double value) {
            double t = Double.isNaN(value) ? 0 : Math.max(0, Math.min(1, value));
            t = Math.sqrt(t); // small off-diagonal shares (1-10%) visibly tinted
            return new Color((int) Math.round(255 + (FULL.getRed() - 255) * t),
                    (int) Math.round(255 + (FULL.getGreen() - 255) * t),
                    (int) Math.round(255 + (FULL.getBlue() - 255) * t));
        }
    }
}

package org.vecprop.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The gradient-norm chart of {@code scripts/demo gradients}: the weight-gradient L2 norm of every
 * layer of one network per run (sigmoid, tanh, ReLU, an over-scaled initialisation), at one epoch,
 * on a log axis, so that a gradient vanishing or exploding from the last layer to the first shows
 * as a line falling or rising by orders of magnitude.
 *
 * <p>Input: the demo's CSV. Lines starting with {@code #} are comments; {@code # setup: ...},
 * {@code # machine: ...} and {@code # jdk: ...} become the chart's caption. The header row is
 * {@code run,activation,init,epoch,layer,weight_grad_norm}, layers counted from 0; the run names
 * the line. Rows of other epochs are ignored; norms that are not positive cannot be drawn on a log
 * axis and are left out (and reported on standard error).
 */
final class GradientPlot {
    private GradientPlot() {}

    /** One row of the CSV. */
    record Row(String run, int epoch, int layer, double norm) {}

    /** The parsed file: rows in order, and the caption's lines. */
    record Data(List<Row> rows, String setup, String machine, String jdk) {
        int lastEpoch() {
            return rows.stream().mapToInt(Row::epoch).max().orElse(0);
        }
    }

    static Data read(Path csv) throws IOException {
        List<Row> rows = new ArrayList<>();
        String setup = "", machine = "", jdk = "";
        boolean header = true;
        int lineNo = 0;
        for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
            lineNo++;
            if (line.isBlank()) {
                continue;
            }
            if (line.startsWith("#")) {
                String c = line.substring(1).trim();
                if (c.startsWith("setup:")) {
                    setup = c.substring(6).trim();
                } else if (c.startsWith("machine:")) {
                    machine = c.substring(8).trim();
                } else if (c.startsWith("jdk:")) {
                    jdk = c.substring(4).trim();
                }
                continue;
            }
            String[] f = line.split(",", -1);
            if (header) {
                if (f.length < 6 || !f[0].equals("run") || !f[5].equals("weight_grad_norm")) {
                    throw new IOException(csv + ":" + lineNo + ": expected the header "
                            + "run,activation,init,epoch,layer,weight_grad_norm, got " + line);
                }
                header = false;
                continue;
            }
            if (f.length < 6) {
                throw new IOException(csv + ":" + lineNo + ": expected 6 fields, got " + line);
            }
            try {
                rows.add(new Row(f[0], Integer.parseInt(f[3]), Integer.parseInt(f[4]),
                        Double.parseDouble(f[5])));
            } catch (NumberFormatException e) {
                throw new IOException(csv + ":" + lineNo + ": " + e.getMessage());
            }
        }
        if (rows.isEmpty()) {
            throw new IOException(csv + ": no rows");
        }
        return new Data(rows, setup, machine, jdk);
    }

    /**
     * Draws the chart of {@code epoch} (negative: the last one) into {@code png}.
     *
     * @return the epoch drawn
     */
    static int save(Data d, int epoch, Path png) throws IOException {
        int e = epoch >= 0 ? epoch : d.lastEpoch();
        Map<String, List<double[]>> byRun = new LinkedHashMap<>();
        for (Row r : d.rows()) {
            if (r.epoch() != e) {
                continue;
            }
            List<double[]> points = byRun.computeIfAbsent(r.run(), k -> new ArrayList<>());
            if (r.norm() > 0 && Double.isFinite(r.norm())) {
                points.add(new double[] {r.layer(), r.norm()});
            } else {
                System.err.println("gradients: " + r.run() + " layer " + r.layer() + " epoch " + e
                        + ": norm " + r.norm() + " left out of the log-scale chart");
            }
        }
        if (byRun.isEmpty()) {
            throw new IOException("no rows for epoch " + e);
        }
        List<Charts.Series> series = new ArrayList<>();
        byRun.forEach((run, points) -> series.add(new Charts.Series(run, points)));
        String caption = String.join("\n", List.of(
                d.setup().isEmpty() ? "epoch " + e : d.setup() + "; " + (e == 0
                        ? "at initialisation" : "epoch " + e),
                (d.machine() + (d.jdk().isEmpty() ? "" : ", JDK " + d.jdk())).trim()))
                .strip();
        Charts.XyOptions o = new Charts.XyOptions("Weight-gradient norm per layer", caption,
                "layer (0 = first, next to the input)", "‖dW‖ (L2, log scale)", false, 10, true,
                List.of());
        org.jfree.chart.JFreeChart chart = Charts.xy(o, series);
        // Norms span 20 decades here: powers of ten as 1E-6 .. 1E14, not as digit strings.
        chart.getXYPlot().getRangeAxis().setTickLabelFont(Charts.TICK);
        ((org.jfree.chart.axis.LogAxis) chart.getXYPlot().getRangeAxis()).setNumberFormatOverride(
                new java.text.DecimalFormat("0E0",
                        java.text.DecimalFormatSymbols.getInstance(java.util.Locale.ROOT)));
        ((org.jfree.chart.axis.NumberAxis) chart.getXYPlot().getDomainAxis()).setStandardTickUnits(
                org.jfree.chart.axis.NumberAxis.createIntegerTickUnits());
        Charts.save(chart, png, Charts.WIDTH, Charts.HEIGHT);
        return e;
    }
}

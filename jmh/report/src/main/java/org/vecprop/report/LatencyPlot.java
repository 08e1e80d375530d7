package org.vecprop.report;

import java.awt.Color;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Latency against offered load, one colour per backend and one line style per percentile (p50
 * solid, p99 dashed, p99.9 dotted), log latency axis, a line at 1 ms: the chart of
 * {@code scripts/load-http} (HTTP, h2load) and {@code scripts/latency} (in process).
 *
 * <p>Input: CSV files with a header naming at least {@code backend}, {@code phase},
 * {@code offered_rps}, {@code p50_us}, {@code p99_us} and {@code p999_us}; only rows whose phase
 * is {@code rate} are drawn (saturation and soak rows are not points of this curve). Lines
 * starting with {@code #} are comments; {@code # machine: ...}, {@code # jdk: ...} and
 * {@code # tool: ...} become the caption. A row whose {@code errors} column is above 0 is drawn
 * all the same and listed on standard error, so that a point bought with errors is not mistaken
 * for a clean one; where an {@code achieved_rps} column shows that less than 97% of a rate was
 * achieved, the caption names the lowest such rate per backend: from there on the x axis is what
 * was asked for, not what the service got.
 */
final class LatencyPlot {
    private LatencyPlot() {}

    record Point(String backend, double offered, double achieved, double p50, double p99, double p999, long errors) {
        /** Whether the load was really offered: achieved at least 97% of it (unknown: yes). */
        boolean met() {
            return Double.isNaN(achieved) || achieved >= 0.97 * offered;
        }
    }

    record Data(List<Point> points, List<String> caption) {}

    static Data read(List<Path> files) throws IOException {
        List<Point> points = new ArrayList<>();
        List<String> caption = new ArrayList<>();
        for (Path csv : files) {
            Map<String, Integer> col = null;
            int lineNo = 0;
            for (String line : Files.readAllLines(csv, StandardCharsets.UTF_8)) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                if (line.startsWith("#")) {
                    String c = line.substring(1).trim();
                    for (String key : new String[] {"machine:", "jdk:", "tool:"}) {
                        if (c.startsWith(key) && !caption.contains(c)) {
                            caption.add(c);
                        }
                    }
                    continue;
                }
                String[] f = line.split(",", -1);
                if (col == null) {
                    col = new LinkedHashMap<>();
                    for (int i = 0; i < f.length; i++) {
                        col.put(f[i].trim(), i);
                    }
                    for (String need : new String[] {"backend", "phase", "offered_rps", "p50_us", "p99_us", "p999_us"}) {
                        if (!col.containsKey(need)) {
                            throw new IOException(csv + ":" + lineNo + ": the header has no column " + need);
                        }
                    }
                    continue;
                }
                if (!f[col.get("phase")].equals("rate")) {
                    continue;
                }
                try {
                    Integer e = col.get("errors"), a = col.get("achieved_rps");
                    points.add(new Point(f[col.get("backend")], Double.parseDouble(f[col.get("offered_rps")]),
                            a == null || f[a].isEmpty() ? Double.NaN : Double.parseDouble(f[a]),
                            Double.parseDouble(f[col.get("p50_us")]), Double.parseDouble(f[col.get("p99_us")]),
                            Double.parseDouble(f[col.get("p999_us")]),
                            e == null || f[e].isEmpty() ? 0 : Long.parseLong(f[e])));
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException ex) {
                    throw new IOException(csv + ":" + lineNo + ": " + ex.getMessage());
                }
            }
        }
        if (points.isEmpty()) {
            throw new IOException("no rows with phase 'rate' in " + files);
        }
        return new Data(points, caption);
    }

    static void save(Data d, String title, Path png) throws IOException {
        Map<String, List<Point>> byBackend = new LinkedHashMap<>();
        for (Point p : d.points()) {
            byBackend.computeIfAbsent(p.backend(), k -> new ArrayList<>()).add(p);
            if (p.errors() > 0) {
                System.err.println("latency: " + p.backend() + " at " + Math.round(p.offered()) + " requests/s had "
                        + p.errors() + " errors");
            }
        }
        List<String> backends = new ArrayList<>(byBackend.keySet());
        List<Color> colours = Charts.colours(backends);
        String[] names = {"p50", "p99", "p99.9"};
        List<Charts.Series> series = new ArrayList<>();
        for (int b = 0; b < backends.size(); b++) {
            List<Point> ps = byBackend.get(backends.get(b));
            ps.sort((x, y) -> Double.compare(x.offered(), y.offered()));
            for (int k = 0; k < 3; k++) {
                List<double[]> xy = new ArrayList<>();
                for (Point p : ps) {
                    double v = k == 0 ? p.p50() : k == 1 ? p.p99() : p.p999();
                    if (v > 0) {
                        xy.add(new double[] {p.offered(), v});
                    }
                }
                series.add(new Charts.Series(backends.get(b) + " " + names[k], xy, false, colours.get(b)));
            }
        }
        List<String> caption = new ArrayList<>(d.caption());
        List<String> unmet = new ArrayList<>();
        for (String b : backends) {
            byBackend.get(b).stream().filter(p -> !p.met()).mapToDouble(Point::offered).min()
                    .ifPresent(r -> unmet.add(b + " from " + Math.round(r) + "/s"));
        }
        if (!unmet.isEmpty()) {
            caption.add("achieved < 97% of the offered rate: " + String.join(", ", unmet));
        }
        Charts.XyOptions o = new Charts.XyOptions(title, String.join("\n", caption),
                "offered load (requests/s)", "latency (µs, log scale)", false, 10, true,
                List.of(new Charts.Line(1000, "1 ms", new Color(0x555555))));
        org.jfree.chart.JFreeChart chart = Charts.xy(o, series);
        org.jfree.chart.renderer.xy.XYItemRenderer r = chart.getXYPlot().getRenderer();
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesStroke(i, Charts.seriesStroke(i % 3 == 0 ? 0 : i % 3 == 1 ? 1 : 2));
            r.setSeriesShape(i, Charts.seriesShape(i / 3));
        }
        Charts.save(chart, png, Charts.WIDTH, Charts.HEIGHT);
    }
}

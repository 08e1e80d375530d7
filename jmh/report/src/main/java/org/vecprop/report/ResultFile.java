package org.vecprop.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One JMH result file ({@code -rf json}) and its optional machine-facts sidecar.
 *
 * <p>The sidecar of {@code results/x.json} is {@code results/x.facts.json} (or
 * {@code results/x.json.facts.json}): a flat JSON object as written by
 * {@code scripts/lib/facts.sh} ({@code cpu_model}, {@code cores}, {@code jdk_version},
 * {@code vecprop_species}, ...). Every key present is shown; none is required.
 *
 * @param index   1-based position among the files of one report, shown as {@code [1]}
 * @param path    the result file
 * @param results its entries, in file order
 * @param facts   the sidecar's keys and values as text, in file order; empty without a sidecar
 * @param factsFile the sidecar, or null
 */
record ResultFile(int index, Path path, List<JmhResult> results, Map<String, String> facts, Path factsFile) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether a path names a sidecar rather than a result file. */
    static boolean isFactsFile(Path p) {
        return p.getFileName().toString().endsWith(".facts.json");
    }

    /** The sidecar for a result file, if one exists. */
    static Path factsFor(Path result) {
        String name = result.getFileName().toString();
        String stem = name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
        for (String candidate : List.of(stem + ".facts.json", name + ".facts.json")) {
            Path p = result.resolveSibling(candidate);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * Reads a result file and its sidecar.
     *
     * @throws IOException with a one-line reason when the file is missing, empty (a JMH run
     *                     writes its JSON only when it finishes) or not a JMH result array
     */
    static ResultFile load(int index, Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException(path + ": no such file");
        }
        if (Files.size(path) == 0) {
            throw new IOException(path + ": empty (JMH writes the file when the run ends: is a run still going?)");
        }
        JsonNode root;
        try {
            root = JSON.readTree(path.toFile());
        } catch (IOException e) {
            throw new IOException(path + ": not valid JSON (" + firstLine(e.getMessage()) + ")", e);
        }
        if (root == null || !root.isArray()) {
            throw new IOException(path + ": not a JMH result file (expected a JSON array of benchmark results)");
        }
        List<JmhResult> results = new ArrayList<>();
        String fileName = path.getFileName().toString();
        for (JsonNode r : root) {
            if (!r.hasNonNull("benchmark") || !r.hasNonNull("primaryMetric")) {
                throw new IOException(path + ": an entry has no benchmark or primaryMetric: not JMH JSON?");
            }
            results.add(parse(r, index, fileName));
        }
        Path factsFile = factsFor(path);
        Map<String, String> facts = new LinkedHashMap<>();
        if (factsFile != null) {
            try {
                JsonNode f = JSON.readTree(factsFile.toFile());
                if (f != null && f.isObject()) {
                    for (Map.Entry<String, JsonNode> e : f.properties()) {
                        facts.put(e.getKey(), text(e.getValue()));
                    }
                } else {
                    facts.put("note", factsFile.getFileName() + " is not a JSON object; ignored");
                }
            } catch (IOException e) {
                facts.put("note", factsFile.getFileName() + " is not valid JSON; ignored");
            }
        }
        supplement(path, facts);
        return new ResultFile(index, path, results, facts, factsFile);
    }

    /**
     * Adds what a run folder's {@code machine.json} states to facts that lack it: a schema-1
     * facts file has no CPU family or model, so a contributor (or this project) may state them
     * there, with a {@code source} saying who and how. Only keys the facts do not have, or have as
     * "unknown", are added; {@code facts_supplement} then names them and the source, so that a
     * reader sees what was stated rather than collected.
     */
    private static void supplement(Path result, Map<String, String> facts) {
        Path parent = result.toAbsolutePath().getParent();
        Path m = parent == null ? null : parent.resolve("machine.json");
        if (m == null || !Files.isRegularFile(m)) {
            return;
        }
        try {
            JsonNode f = JSON.readTree(m.toFile());
            if (f == null || !f.isObject()) {
                facts.put("facts_supplement", "machine.json is not a JSON object; ignored");
                return;
            }
            List<String> added = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : f.properties()) {
                String k = e.getKey();
                String have = facts.get(k);
                if (!k.equals("source") && (have == null || have.isBlank() || have.equalsIgnoreCase("unknown"))) {
                    facts.put(k, text(e.getValue()));
                    added.add(k);
                }
            }
            if (!added.isEmpty()) {
                facts.put("facts_supplement", "from machine.json (" + f.path("source").asText("source not given")
                        + "): " + String.join(", ", added));
            }
        } catch (IOException e) {
            facts.put("facts_supplement", "machine.json is not valid JSON; ignored");
        }
    }

    /** The file's name, e.g. {@code amd-epyc-2026-11-29-1841.json}. */
    String name() {
        return path.getFileName().toString();
    }

    /** The facts' {@code date}, else the file's modification time. */
    String date() {
        String d = facts.get("date");
        if (d != null && !d.isBlank()) {
            return d;
        }
        try {
            Instant t = Files.getLastModifiedTime(path).toInstant();
            return DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneId.systemDefault()).format(t)
                    + " (file time)";
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static JmhResult parse(JsonNode r, int index, String fileName) {
        Map<String, String> params = new LinkedHashMap<>();
        JsonNode p = r.get("params");
        if (p != null && p.isObject()) {
            for (Map.Entry<String, JsonNode> e : p.properties()) {
                params.put(e.getKey(), e.getValue().asText());
            }
        }
        JsonNode pm = r.get("primaryMetric");
        List<Double> raw = new ArrayList<>();
        List<Integer> forkSizes = new ArrayList<>();
        JsonNode rawData = pm.get("rawData");
        if (rawData != null && rawData.isArray()) {
            for (JsonNode fork : rawData) {
                if (fork.isArray()) {
                    for (JsonNode v : fork) {
                        raw.add(number(v));
                    }
                    forkSizes.add(fork.size());
                }
            }
        }
        JsonNode histograms = pm.get("rawDataHistogram");
        if (raw.isEmpty() && histograms != null && histograms.isArray()) {
            // sample mode: per fork, per iteration, [value, count] pairs; one value per iteration
            forkSizes.clear();
            for (JsonNode fork : histograms) {
                int size = 0;
                for (JsonNode iteration : fork) {
                    double m = histogramMedian(iteration);
                    if (!Double.isNaN(m)) {
                        raw.add(m);
                        size++;
                    }
                }
                forkSizes.add(size);
            }
        }
        Map<String, JmhResult.Metric> secondary = new LinkedHashMap<>();
        JsonNode sm = r.get("secondaryMetrics");
        if (sm != null && sm.isObject()) {
            for (Map.Entry<String, JsonNode> e : sm.properties()) {
                String name = e.getKey().replaceFirst("^[·\u00b7.]+", "");
                JsonNode m = e.getValue();
                secondary.put(name, new JmhResult.Metric(number(m.get("score")), number(m.get("scoreError")),
                        m.path("scoreUnit").asText("")));
            }
        }
        JmhResult.Metric alloc = secondary.get("gc.alloc.rate.norm");
        List<String> jvmArgs = new ArrayList<>();
        r.path("jvmArgs").forEach(a -> jvmArgs.add(a.asText()));
        JmhResult.RunInfo run = new JmhResult.RunInfo(index, fileName, r.path("jmhVersion").asText(""),
                r.path("jdkVersion").asText(""), r.path("vmName").asText(""), r.path("vmVersion").asText(""),
                List.copyOf(jvmArgs));
        return new JmhResult(r.get("benchmark").asText(), r.path("mode").asText(""), r.path("threads").asInt(1),
                r.path("forks").asInt(1), params, number(pm.get("score")), number(pm.get("scoreError")),
                pm.path("scoreUnit").asText(""), raw.stream().mapToDouble(Double::doubleValue).toArray(),
                alloc == null ? null : alloc.score(), secondary, run, settings(r),
                forkSizes.stream().mapToInt(Integer::intValue).toArray());
    }

    /**
     * The median of one iteration's sampled times, JMH's {@code [[value, count], ...]}, or NaN
     * when it has none. Sample mode records thousands of calls per iteration; the iteration, not
     * the call, is the unit that repeats independently enough for a test, so an iteration
     * contributes its median.
     */
    static double histogramMedian(JsonNode iteration) {
        List<double[]> bins = new ArrayList<>();
        long total = 0;
        for (JsonNode pair : iteration) {
            if (pair.isArray() && pair.size() == 2) {
                double v = number(pair.get(0));
                long c = pair.get(1).asLong();
                if (!Double.isNaN(v) && c > 0) {
                    bins.add(new double[] {v, c});
                    total += c;
                }
            }
        }
        if (total == 0) {
            return Double.NaN;
        }
        bins.sort((x, y) -> Double.compare(x[0], y[0]));
        // the lower and upper middle of total values, averaged
        long lo = (total - 1) / 2;
        long hi = total / 2;
        double vLo = Double.NaN;
        double vHi = Double.NaN;
        long seen = 0;
        for (double[] b : bins) {
            long next = seen + (long) b[1];
            if (Double.isNaN(vLo) && lo < next) {
                vLo = b[0];
            }
            if (hi < next) {
                vHi = b[0];
                break;
            }
            seen = next;
        }
        return (vLo + vHi) / 2;
    }

    /** {@code 1 fork, warmup 2 × 1 s, measurement 3 × 1 s}. */
    private static String settings(JsonNode r) {
        int forks = r.path("forks").asInt(1);
        return forks + (forks == 1 ? " fork" : " forks")
                + ", warmup " + r.path("warmupIterations").asInt(0) + " × " + r.path("warmupTime").asText("?")
                + ", measurement " + r.path("measurementIterations").asInt(0) + " × "
                + r.path("measurementTime").asText("?")
                + (r.path("threads").asInt(1) != 1 ? ", " + r.path("threads").asInt() + " JMH threads" : "");
    }

    /** A JSON number, or a string such as JMH's {@code "NaN"}; NaN when absent. */
    static double number(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return Double.NaN;
        }
        if (n.isNumber()) {
            return n.asDouble();
        }
        try {
            return Double.parseDouble(n.asText().trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    /** A facts value as text: arrays joined with spaces, objects as JSON. */
    private static String text(JsonNode v) {
        if (v.isTextual()) {
            return v.asText();
        }
        if (v.isArray()) {
            List<String> parts = new ArrayList<>();
            v.forEach(x -> parts.add(x.isValueNode() ? x.asText() : x.toString()));
            return String.join(" ", parts);
        }
        if (v.isNull()) {
            return "";
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

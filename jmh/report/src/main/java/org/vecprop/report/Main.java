package org.vecprop.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * vecprop-report: Markdown reports and plots from JMH result JSON.
 *
 * <pre>
 * java -jar report.jar report [--out FILE.md] [--plots DIR] RESULT.json...
 * java -jar report.jar compare A.json B.json [--out FILE.md] [--plot FILE.png] [--label-a X] [--label-b Y]
 *                                [--alpha Q] [--level L] [--floor PCT] [--min-samples N]
 * java -jar report.jar index [--results DIR] [--out FILE.md] [--plot FILE.png]
 * java -jar report.jar gradients NORMS.csv --plot FILE.png [--epoch N]
 * java -jar report.jar latency LOAD.csv... --plot FILE.png [--title TEXT]
 * java -jar report.jar fashion-curves RUN.json... --plot FILE.png
 * java -jar report.jar confusion RUN.json --plot FILE.png
 * </pre>
 *
 * Without {@code --out} the Markdown goes to standard output; without {@code --plots} /
 * {@code --plot} no plots are drawn. Plots are linked from the Markdown by paths relative to the
 * Markdown file. Exit status: 0 on success, 2 on a usage error or when no input could be read.
 */
public final class Main {
    private Main() {}

    static final String USAGE = """
            usage:
              report [--out FILE.md] [--plots DIR] RESULT.json...
                  Markdown report of JMH results (tables per benchmark family, derived GF/s, GB/s,
                  speedups, machine facts from RESULT.facts.json sidecars) and PNG plots in DIR.
                  Later files win when the same benchmark+params is in several.
              compare A.json B.json [--out FILE.md] [--plot FILE.png] [--label-a X] [--label-b Y]
                      [--alpha 0.05] [--level 0.95] [--floor 5] [--min-samples 5]
                  Every benchmark in both files: B faster, B slower, no detectable difference,
                  within the noise floor, within fork-to-fork spread, or too few samples, from
                  the raw iterations, or the forks' medians with --min-samples forks a side
                  (rank-sum test, Benjamini-Hochberg across benchmarks at --alpha, differences
                  under --floor percent not called, nor ones the forks alone do not support,
                  fewer than --min-samples samples a side not tested); B/A with its --level
                  interval; a chart of the ratios.
              index [--results DIR] [--out FILE.md] [--plot FILE.png]
                  Every run under DIR/contrib/<machine>-<date>/ (default DIR: results) ranked on
                  headline benchmarks (GEMM 1024^3 and 256^3 GF/s and % of the run's own peak,
                  OpenBLAS, a training step, ReLU GB/s), with each machine's identity.
              gradients NORMS.csv --plot FILE.png [--epoch N]
                  The weight-gradient norm per layer, one line per run, log scale, of epoch N
                  (default: the last; 0 is at initialisation), from the CSV scripts/demo
                  gradients writes.
              latency LOAD.csv... --plot FILE.png [--title TEXT]
                  Latency (p50, p99, p99.9) against offered load, one colour per backend, from
                  the CSV files scripts/load-http and scripts/latency write.
              fashion-curves RUN.json... --plot FILE.png
                  Training loss and validation accuracy per epoch, one line per run (vecprop's and
                  the NumPy peer's JSON from scripts/demo fashion), machine and JDK in the
                  caption; prints the runs' test accuracies side by side.
              confusion RUN.json --plot FILE.png
                  The run's test confusion matrix: counts, coloured by the share of the true class.
            Without --out the Markdown goes to standard output.""";

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        int status;
        try {
            status = run(args);
        } catch (UsageException e) {
            // One line, as a Unix command's usage error is: what is wrong and what is accepted.
            System.err.println("error: " + e.getMessage() + "; usage: " + synopsis(args)
                    + " (--help for more)");
            status = 2;
        } catch (IOException e) {
            System.err.println("error: " + e.getMessage());
            status = 1;
        }
        System.exit(status);
    }

    static final class UsageException extends Exception {
        private static final long serialVersionUID = 1L;

        UsageException(String message) {
            super(message);
        }
    }

    /**
     * The synopsis of the command {@code args[0]} names, from {@link #USAGE} (its line and the
     * option lines that continue it, joined), or the list of commands when it names none.
     */
    static String synopsis(String[] args) {
        String command = args.length == 0 ? "" : args[0];
        List<String> lines = USAGE.lines().toList();
        List<String> commands = new ArrayList<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (!line.startsWith("  ") || line.startsWith("   ")) {
                continue; // only command lines are indented by exactly two spaces
            }
            String name = line.strip().split(" ", 2)[0];
            commands.add(name);
            if (name.equals(command)) {
                StringBuilder text = new StringBuilder(line.strip());
                for (int j = i + 1; j < lines.size() && lines.get(j).strip().startsWith("["); j++) {
                    text.append(' ').append(lines.get(j).strip());
                }
                return text.toString();
            }
        }
        return "COMMAND ... with COMMAND one of " + String.join(", ", commands);
    }

    static int run(String[] args) throws IOException, UsageException {
        if (args.length == 0 || args[0].equals("-h") || args[0].equals("--help") || args[0].equals("help")) {
            System.out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        String command = args[0];
        List<String> rest = List.of(args).subList(1, args.length);
        return switch (command) {
            case "report" -> report(rest);
            case "compare" -> compare(rest);
            case "index" -> index(rest);
            case "gradients" -> gradients(rest);
            case "latency" -> latency(rest);
            case "fashion-curves" -> fashionCurves(rest);
            case "confusion" -> confusion(rest);
            default -> throw new UsageException("unknown command '" + command + "'");
        };
    }

    private static int report(List<String> args) throws IOException, UsageException {
        Path out = null;
        Path plots = null;
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--plots" -> plots = Path.of(value(args, ++i, a));
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return 0;
                }
                default -> {
                    if (a.startsWith("--")) {
                        throw new UsageException("unknown option " + a);
                    }
                    inputs.add(Path.of(a));
                }
            }
        }
        if (inputs.isEmpty()) {
            throw new UsageException("report needs at least one JMH result file");
        }
        List<String> warnings = new ArrayList<>();
        List<ResultFile> files = new ArrayList<>();
        for (Path p : inputs) {
            if (ResultFile.isFactsFile(p)) {
                continue; // a glob such as results/*.json also matches the sidecars
            }
            try {
                files.add(ResultFile.load(files.size() + 1, p));
            } catch (IOException e) {
                warnings.add("skipped " + e.getMessage());
                System.err.println("report: skipped " + e.getMessage());
            }
        }
        if (files.isEmpty()) {
            System.err.println("error: none of the files could be read");
            return 2;
        }
        Report report = new Report(new Report.Options(out, plots, inputs), files, warnings);
        write(out, report.render());
        return 0;
    }

    private static int compare(List<String> args) throws IOException, UsageException {
        Path out = null;
        Path plot = null;
        String labelA = null;
        String labelB = null;
        Comparison.Rules d = Comparison.Rules.DEFAULT;
        double alpha = d.alpha();
        double level = d.level();
        double floor = d.floor();
        int minSamples = d.minSamples();
        List<Path> inputs = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--plot" -> plot = Path.of(value(args, ++i, a));
                case "--label-a" -> labelA = value(args, ++i, a);
                case "--label-b" -> labelB = value(args, ++i, a);
                case "--alpha" -> alpha = number(value(args, ++i, a), a);
                case "--level" -> level = number(value(args, ++i, a), a);
                case "--floor" -> floor = number(value(args, ++i, a), a) / 100;
                case "--min-samples" -> minSamples = (int) number(value(args, ++i, a), a);
                case "-h", "--help" -> {
                    System.out.println(USAGE);
                    return 0;
                }
                default -> {
                    if (a.startsWith("--")) {
                        throw new UsageException("unknown option " + a);
                    }
                    inputs.add(Path.of(a));
                }
            }
        }
        if (inputs.size() != 2) {
            throw new UsageException("compare needs exactly two JMH result files, got " + inputs.size());
        }
        ResultFile a = ResultFile.load(1, inputs.get(0));
        ResultFile b = ResultFile.load(2, inputs.get(1));
        Comparison.Rules rules;
        try {
            rules = new Comparison.Rules(alpha, level, floor, minSamples);
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
        Compare c = new Compare(new Compare.Options(a.path(), b.path(), out, plot, labelA, labelB, rules), a, b);
        write(out, c.render());
        return 0;
    }

    private static int index(List<String> args) throws IOException, UsageException {
        Path results = Path.of("results");
        Path out = null;
        Path plot = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--results" -> results = Path.of(value(args, ++i, a));
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--plot" -> plot = Path.of(value(args, ++i, a));
                default -> throw new UsageException("unknown argument " + a);
            }
        }
        if (!Files.isDirectory(results)) {
            throw new UsageException(results + " is not a folder");
        }
        write(out, new Index(new Index.Options(results, out, plot)).render());
        return 0;
    }

    private static int gradients(List<String> args) throws IOException, UsageException {
        Path csv = null;
        Path plot = null;
        int epoch = -1;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--plot" -> plot = Path.of(value(args, ++i, a));
                case "--epoch" -> epoch = (int) number(value(args, ++i, a), a);
                default -> {
                    if (a.startsWith("--") || csv != null) {
                        throw new UsageException("unknown argument " + a);
                    }
                    csv = Path.of(a);
                }
            }
        }
        if (csv == null || plot == null) {
            throw new UsageException("gradients needs a CSV file and --plot FILE.png");
        }
        int drawn = GradientPlot.save(GradientPlot.read(csv), epoch, plot);
        System.err.println("wrote " + plot + " (epoch " + drawn + ")");
        return 0;
    }

    private static int latency(List<String> args) throws IOException, UsageException {
        List<Path> csvs = new ArrayList<>();
        Path plot = null;
        String title = "Latency against offered load";
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--plot" -> plot = Path.of(value(args, ++i, a));
                case "--title" -> title = value(args, ++i, a);
                default -> {
                    if (a.startsWith("--")) {
                        throw new UsageException("unknown argument " + a);
                    }
                    csvs.add(Path.of(a));
                }
            }
        }
        if (csvs.isEmpty() || plot == null) {
            throw new UsageException("latency needs CSV files and --plot FILE.png");
        }
        LatencyPlot.save(LatencyPlot.read(csvs), title, plot);
        System.err.println("wrote " + plot);
        return 0;
    }

    private static int fashionCurves(List<String> args) throws IOException, UsageException {
        List<Path> files = new ArrayList<>();
        Path plot = plotAndFiles(args, files, "fashion-curves");
        List<FashionPlot.Run> runs = new ArrayList<>();
        for (Path f : files) {
            runs.add(FashionPlot.read(f));
        }
        FashionPlot.saveCurves(runs, plot);
        System.out.print(FashionPlot.summary(runs));
        System.err.println("wrote " + plot);
        return 0;
    }

    private static int confusion(List<String> args) throws IOException, UsageException {
        List<Path> files = new ArrayList<>();
        Path plot = plotAndFiles(args, files, "confusion");
        if (files.size() != 1) {
            throw new UsageException("confusion needs exactly one JSON file, got " + files.size());
        }
        FashionPlot.saveConfusion(FashionPlot.read(files.get(0)), plot);
        System.err.println("wrote " + plot);
        return 0;
    }

    /** Parses {@code FILE... --plot FILE.png}: the files into {@code files}, the plot returned. */
    private static Path plotAndFiles(List<String> args, List<Path> files, String command) throws UsageException {
        Path plot = null;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--plot")) {
                plot = Path.of(value(args, ++i, a));
            } else if (a.startsWith("--")) {
                throw new UsageException("unknown argument " + a);
            } else {
                files.add(Path.of(a));
            }
        }
        if (files.isEmpty() || plot == null) {
            throw new UsageException(command + " needs JSON files and --plot FILE.png");
        }
        return plot;
    }

    private static String value(List<String> args, int i, String option) throws UsageException {
        if (i >= args.size()) {
            throw new UsageException(option + " needs a value");
        }
        return args.get(i);
    }

    private static double number(String v, String option) throws UsageException {
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw new UsageException(option + " needs a number, got '" + v + "'");
        }
    }

    private static void write(Path out, String markdown) throws IOException {
        if (out == null) {
            // UTF-8 whatever the locale: the Markdown has ±, ×, µ.
            java.io.PrintStream ps = new java.io.PrintStream(
                    new java.io.FileOutputStream(java.io.FileDescriptor.out), false, StandardCharsets.UTF_8);
            ps.print(markdown);
            ps.flush();
            return;
        }
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, markdown, StandardCharsets.UTF_8);
        System.err.println("wrote " + out);
    }
}

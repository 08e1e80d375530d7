package org.vecprop.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.bytedeco.openblas.global.openblas;
import org.vecprop.jmh.GemmShape;
import org.vecprop.jmh.OpenBlas;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.Simd;

/**
 * Accuracy report: a program, not a benchmark; it lives in the JMH project because it needs the
 * same peers on its class path. Run it through {@code scripts/accuracy}, or as
 * {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -cp jmh/target/benchmarks.jar org.vecprop.tools.Accuracy [options]} from the repository root.
 *
 * <h2>GEMM</h2>
 * For each shape ({@code MxKxN[:XY]}, as in {@link GemmShape}) and each input distribution
 * (uniform in [-1, 1], where terms cancel, and uniform in [0, 1], where they do not), A and B are
 * filled from fixed seeds and {@code C = op(A)·op(B)} is computed three ways ({@link GemmError}):
 * in double (a plain loop on the widened inputs, the reference), by vecprop
 * ({@link Gemm#multiply}) and by OpenBLAS ({@code cblas_sgemm}, {@code float[]} overload,
 * row-major, one thread). For every element the error is divided by the classical bound of a
 * float dot product of length k in any order,
 * <pre>  ratio = |c - c64| / (k · u · Σ_p |a_ip · b_pj|),   u = 2^-24,</pre>
 * and the maximum and the mean of that ratio over C are reported (≤ 1 means within the bound;
 * the double reference's own error is below 2^-29 of the bound). Each implementation is called
 * a few times and the last result is used, so the measured code is the JIT-compiled one; whether
 * every call gave bit-identical results is reported too.
 *
 * <h2>MSE</h2>
 * For each distribution and n in {1K, 1M, 16M}, p and t (the first n elements of two seeded
 * 16M-element arrays) give an exact loss in double (differences and squares in double, Neumaier
 * summation) and vecprop's {@link Mse#loss} (as a 1 x n matrix) its relative error
 * ({@link MseError}). The arrays are written as raw little-endian float32 files with a manifest,
 * and {@code scripts/accuracy_numpy.py} computes ({@link NumpyMse}) NumPy's float32
 * {@code np.mean((p - t)**2)} on the same bytes (and a float64 mean, as a check of the exact
 * value).
 *
 * <p>Everything is seeded: two runs on the same machine, JDK and library versions print the same
 * numbers. Output ({@link AccuracyReport}): a Markdown report on stdout, also written to
 * {@code <out-dir>/accuracy-<yyyy-mm-dd>.md} with a JSON twin {@code accuracy-<yyyy-mm-dd>.json}
 * (a second run on the same day overwrites them).
 *
 * <p>Options: {@code --out-dir DIR} (default results), {@code --no-numpy}, {@code --python CMD}
 * (default python3), {@code --numpy-script PATH} (default scripts/accuracy_numpy.py),
 * {@code --data-dir DIR} (where the MSE inputs go; default a temporary directory deleted at the
 * end), {@code --quick} (drops 1024x1024x1024 and n = 16M), {@code --command TEXT} (the command
 * line recorded in the report).
 */
public final class Accuracy {
    /** GEMM shapes, MxKxN[:XY] as in GemmShape. */
    static final String[] SHAPES = {
            "64x64x64", "256x256x256", "1024x1024x1024",
            "1x4096x4096", "4096x64x64", "64x16384x64",
            "256x256x256:NT", "256x256x256:TN", "256x256x256:TT",
    };
    static final List<String> QUICK_DROPS = List.of("1024x1024x1024");

    static final int[] MSE_N = {1 << 10, 1 << 20, 1 << 24};

    private static final String[] ENV_KEYS = {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS"};

    private Accuracy() {}

    /**
     * Runs the report; the options are in the class comment.
     *
     * @throws IllegalArgumentException on an unknown option or one missing its value
     */
    public static void main(String[] args) throws Exception {
        Path outDir = Path.of("results");
        Path numpyScript = Path.of("scripts", "accuracy_numpy.py");
        String python = "python3";
        Path dataDir = null;
        boolean numpy = true, quick = false;
        String command = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out-dir" -> outDir = Path.of(value(args, ++i));
                case "--no-numpy" -> numpy = false;
                case "--python" -> python = value(args, ++i);
                case "--numpy-script" -> numpyScript = Path.of(value(args, ++i));
                case "--data-dir" -> dataDir = Path.of(value(args, ++i));
                case "--quick" -> quick = true;
                case "--command" -> command = value(args, ++i);
                case "-h", "--help" -> {
                    System.out.println("usage: Accuracy [--out-dir DIR] [--no-numpy] [--python CMD]"
                            + " [--numpy-script PATH] [--data-dir DIR] [--quick] [--command TEXT]");
                    return;
                }
                default -> throw new IllegalArgumentException("unknown option " + args[i] + " (try --help)");
            }
        }
        long t0 = System.nanoTime();
        ZonedDateTime now = ZonedDateTime.now();

        OpenBlas.useOneThread();
        log("# " + Simd.description());
        log("# " + OpenBlas.description());

        // ---- GEMM ----
        List<GemmError.Row> gemm = new ArrayList<>();
        for (String name : SHAPES) {
            if (quick && QUICK_DROPS.contains(name)) {
                continue;
            }
            GemmShape s = GemmShape.parse(name);
            for (GemmError.Dist d : GemmError.Dist.values()) {
                long ts = System.nanoTime();
                GemmError.Row r = GemmError.measure(s, d);
                gemm.add(r);
                log(String.format(Locale.ROOT, "gemm %-15s %-15s vecprop max %.3g mean %.3g | openblas max %.3g mean %.3g  (%.1f s)",
                        name, d.label, r.vecprop().maxRatio(), r.vecprop().meanRatio(), r.openblas().maxRatio(),
                        r.openblas().meanRatio(), (System.nanoTime() - ts) / 1e9));
            }
        }

        // ---- MSE ----
        boolean tempData = dataDir == null;
        if (tempData) {
            dataDir = Files.createTempDirectory("vecprop-accuracy-");
        } else {
            Files.createDirectories(dataDir);
        }
        int[] ns = quick ? Arrays.copyOf(MSE_N, MSE_N.length - 1) : MSE_N;
        int nMax = ns[ns.length - 1];
        List<MseError.Row> mse = new ArrayList<>();
        StringBuilder manifest = new StringBuilder("# data\tn\tp_file\tt_file\texact_loss\n");
        for (MseError.Data data : MseError.Data.values()) {
            float[][] pt = data.make(nMax);
            float[] p = pt[0], t = pt[1];
            Path pf = dataDir.resolve("p-" + data.name + ".f32"), tf = dataDir.resolve("t-" + data.name + ".f32");
            MseError.writeF32(pf, p);
            MseError.writeF32(tf, t);
            for (int n : ns) {
                MseError.Row r = MseError.measure(data, p, t, n);
                mse.add(r);
                manifest.append(data.name).append('\t').append(n).append('\t').append(pf.toAbsolutePath())
                        .append('\t').append(tf.toAbsolutePath()).append('\t').append(r.exact()).append('\n');
                log(String.format(Locale.ROOT, "mse  %-8s n=%-9d exact %.17g vecprop %.9g rel %.3e",
                        data.name, n, r.exact(), r.vecprop(), r.vecpropRel()));
            }
        }
        Path manifestFile = dataDir.resolve("mse.tsv");
        Files.writeString(manifestFile, manifest);

        String numpyVersion = null, numpyNote;
        if (!numpy) {
            numpyNote = "NumPy part skipped (--no-numpy).";
        } else if (!Files.isRegularFile(numpyScript)) {
            numpyNote = "NumPy part skipped: " + numpyScript + " not found.";
        } else {
            NumpyMse np = NumpyMse.run(python, numpyScript, manifestFile);
            numpyNote = np.note;
            numpyVersion = np.version;
            mse.replaceAll(r -> {
                double[] v = np.losses.get(r.data().name + "/" + r.n());
                return v == null ? r : r.withNumpy(v[0], v[1]);
            });
        }
        if (numpyNote != null) {
            log("# " + numpyNote);
        }
        if (tempData) {
            deleteTree(dataDir);
        }

        double seconds = (System.nanoTime() - t0) / 1e9;
        String date = now.format(DateTimeFormatter.ISO_LOCAL_DATE);
        if (command == null) {
            command = "java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED"
                    + " -cp jmh/target/benchmarks.jar " + Accuracy.class.getName() + " " + String.join(" ", args);
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("date", now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        env.put("cpu", cpuModel());
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("vecprop_simd", Simd.description());
        env.put("openblas", openblas.OPENBLAS_VERSION.trim() + " (JavaCPP org.bytedeco:openblas), 1 thread, float[] overload");
        for (String key : ENV_KEYS) {
            env.put(key, System.getenv().getOrDefault(key, "(unset)"));
        }
        env.put("openblas build core", openblas.OPENBLAS_CHAR_CORENAME);
        env.put("numpy", numpyVersion == null ? "(not run)" : numpyVersion);
        env.put("command", command.trim());
        env.put("run_seconds", String.format(Locale.ROOT, "%.1f", seconds));

        String md = AccuracyReport.markdown(env, gemm, mse, numpyNote, quick);
        System.out.println();
        System.out.print(md);
        Files.createDirectories(outDir);
        Path mdFile = outDir.resolve("accuracy-" + date + ".md"), jsonFile = outDir.resolve("accuracy-" + date + ".json");
        Files.writeString(mdFile, md);
        Files.writeString(jsonFile, AccuracyReport.json(env, gemm, mse, quick));
        log("# wrote " + mdFile + " and " + jsonFile + String.format(Locale.ROOT, " (%.1f s)", seconds));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value (try --help)");
        }
        return args[i];
    }

    static String cpuModel() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/cpuinfo"))) {
            return lines.filter(l -> l.startsWith("model name")).findFirst()
                    .map(l -> l.substring(l.indexOf(':') + 1).trim()).orElse("unknown");
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Progress and notes go to stderr; stdout carries the report. */
    static void log(String s) {
        System.err.println(s);
    }
}

package org.vecprop.jmh;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import org.bytedeco.openblas.global.openblas;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.Simd;

/**
 * Accuracy report (not a JMH benchmark: a plain {@code main}). Run it through {@code scripts/accuracy},
 * or as {@code java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED
 * -cp jmh/target/benchmarks.jar org.vecprop.jmh.Accuracy [options]} from the repository root.
 *
 * <h2>GEMM</h2>
 * For each shape ({@code MxKxN[:XY]}, as in {@link GemmShape}) and each input distribution
 * (uniform in [-1, 1], where terms cancel, and uniform in [0, 1], where they do not), A and B are
 * filled from fixed seeds and {@code C = op(A)·op(B)} is computed three ways: in double (a plain
 * loop on the widened inputs, the reference), by vecprop ({@link Gemm#multiply}) and by OpenBLAS
 * ({@code cblas_sgemm}, {@code float[]} overload, row-major, one thread). For every element the
 * error is divided by the classical bound of a float dot product of length k in any order,
 * <pre>  ratio = |c - c64| / (k · u · Σ_p |a_ip · b_pj|),   u = 2^-24,</pre>
 * and the maximum and the mean of that ratio over C are reported (≤ 1 means within the bound;
 * the double reference's own error is below 2^-29 of the bound). Each implementation is called
 * a few times and the last result is used, so the measured code is the JIT-compiled one; whether
 * every call gave bit-identical results is reported too.
 *
 * <h2>MSE</h2>
 * For each distribution and n in {1K, 1M, 16M}, p and t (the first n elements of two seeded
 * 16M-element arrays) give an exact loss in double (differences and squares in double, Neumaier
 * summation) and vecprop's {@link Mse#loss} (as a 1 x n matrix) its relative error. The arrays are
 * written as raw little-endian float32 files with a manifest, and {@code scripts/accuracy_numpy.py}
 * computes NumPy's float32 {@code np.mean((p - t)**2)} on the same bytes (and a float64 mean, as a
 * check of the exact value).
 *
 * <p>Everything is seeded: two runs on the same machine, JDK and library versions print the same
 * numbers. Output: a Markdown report on stdout, also written to
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
    static final double U = 0x1p-24;

    /** GEMM shapes, MxKxN[:XY] as in GemmShape. */
    static final String[] SHAPES = {
            "64x64x64", "256x256x256", "1024x1024x1024",
            "1x4096x4096", "4096x64x64", "64x16384x64",
            "256x256x256:NT", "256x256x256:TN", "256x256x256:TT",
    };
    static final String[] QUICK_DROPS = {"1024x1024x1024"};

    static final int[] MSE_N = {1 << 10, 1 << 20, 1 << 24};

    /** Input distributions: name, seeds of A (or p) and B (or t). */
    enum Dist {
        SIGNED("uniform [-1,1]", 42, 4242),
        POSITIVE("uniform [0,1]", 43, 4343);

        final String label;
        final long seedA, seedB;

        Dist(String label, long seedA, long seedB) {
            this.label = label;
            this.seedA = seedA;
            this.seedB = seedB;
        }

        float[] fill(int size, long seed) {
            Random r = new Random(seed);
            float[] x = new float[size];
            for (int i = 0; i < size; i++) {
                float u = r.nextFloat(); // a multiple of 2^-24 in [0, 1): 2u - 1 is exact
                x[i] = this == SIGNED ? u * 2f - 1f : u;
            }
            return x;
        }
    }

    /** MSE data sets: p and t of 16M elements each, from fixed seeds. */
    enum MseData {
        /** p and t independent, uniform in [-1, 1]: squared differences up to 4. */
        UNIFORM("uniform", "p, t independent uniform [-1,1]", 7, 77),
        /** t uniform in [0, 1], p = t + N(0, 1e-3²): a fit near convergence, small residuals. */
        NEAR("near", "t uniform [0,1], p = t + 1e-3·N(0,1)", 8, 88);

        final String name, label;
        final long seedP, seedT;

        MseData(String name, String label, long seedP, long seedT) {
            this.name = name;
            this.label = label;
            this.seedP = seedP;
            this.seedT = seedT;
        }

        float[][] make(int n) {
            float[] p = new float[n], t = new float[n];
            Random rp = new Random(seedP), rt = new Random(seedT);
            for (int i = 0; i < n; i++) {
                if (this == UNIFORM) {
                    p[i] = rp.nextFloat() * 2f - 1f;
                    t[i] = rt.nextFloat() * 2f - 1f;
                } else {
                    t[i] = rt.nextFloat();
                    p[i] = t[i] + (float) (1e-3 * rp.nextGaussian());
                }
            }
            return new float[][] {p, t};
        }
    }

    record ErrStats(double maxRatio, double meanRatio, double maxAbs, int argMax, boolean repeatable) {}

    record GemmRow(String shape, Dist dist, int k, ErrStats vecprop, ErrStats openblas) {}

    record MseRow(MseData data, int n, double exact, float vecprop, double vecpropRel, boolean repeatable,
                  Double numpy32, Double numpy32Rel, Double numpy64, Double numpy64Rel) {}

    private static final String[] ENV_KEYS = {"OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE", "OPENBLAS_NUM_THREADS"};

    public static void main(String[] args) throws Exception {
        Path outDir = Path.of("results");
        Path numpyScript = Path.of("scripts", "accuracy_numpy.py");
        String python = "python3";
        Path dataDir = null;
        boolean numpy = true, quick = false;
        String command = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out-dir" -> outDir = Path.of(args[++i]);
                case "--no-numpy" -> numpy = false;
                case "--python" -> python = args[++i];
                case "--numpy-script" -> numpyScript = Path.of(args[++i]);
                case "--data-dir" -> dataDir = Path.of(args[++i]);
                case "--quick" -> quick = true;
                case "--command" -> command = args[++i];
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

        openblas.blas_set_num_threads(1);
        int threads = openblas.blas_get_num_threads();
        if (threads != 1) {
            throw new IllegalStateException("OpenBLAS still uses " + threads + " threads");
        }
        log("# " + Simd.description());
        log("# " + openblas.OPENBLAS_VERSION.trim() + ", threads " + threads);

        // ---- GEMM ----
        List<GemmRow> gemm = new ArrayList<>();
        for (String name : SHAPES) {
            if (quick && Arrays.asList(QUICK_DROPS).contains(name)) {
                continue;
            }
            GemmShape s = GemmShape.parse(name);
            for (Dist d : Dist.values()) {
                long ts = System.nanoTime();
                gemm.add(gemmRow(s, d));
                GemmRow r = gemm.getLast();
                log(String.format(Locale.ROOT, "gemm %-15s %-15s vecprop max %.3g mean %.3g | openblas max %.3g mean %.3g  (%.1f s)",
                        name, d.label, r.vecprop.maxRatio, r.vecprop.meanRatio, r.openblas.maxRatio,
                        r.openblas.meanRatio, (System.nanoTime() - ts) / 1e9));
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
        List<MseRow> mse = new ArrayList<>();
        StringBuilder manifest = new StringBuilder("# data\tn\tp_file\tt_file\texact_loss\n");
        for (MseData data : MseData.values()) {
            float[][] pt = data.make(nMax);
            float[] p = pt[0], t = pt[1];
            Path pf = dataDir.resolve("p-" + data.name + ".f32"), tf = dataDir.resolve("t-" + data.name + ".f32");
            writeF32(pf, p);
            writeF32(tf, t);
            for (int n : ns) {
                double exact = exactMse(p, t, n);
                float got = 0;
                boolean same = true;
                for (int rep = 0; rep < 5; rep++) {
                    float g = Mse.loss(1, n, p, 0, n, t, 0, n);
                    same &= rep == 0 || Float.floatToRawIntBits(g) == Float.floatToRawIntBits(got);
                    got = g;
                }
                mse.add(new MseRow(data, n, exact, got, Math.abs(got - exact) / exact, same, null, null, null, null));
                manifest.append(data.name).append('\t').append(n).append('\t').append(pf.toAbsolutePath())
                        .append('\t').append(tf.toAbsolutePath()).append('\t').append(exact).append('\n');
                log(String.format(Locale.ROOT, "mse  %-8s n=%-9d exact %.17g vecprop %.9g rel %.3e",
                        data.name, n, exact, got, mse.getLast().vecpropRel()));
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
            Map<String, double[]> res = new HashMap<>();
            String[] version = new String[1];
            numpyNote = runNumpy(python, numpyScript, manifestFile, res, version);
            numpyVersion = version[0];
            for (int i = 0; i < mse.size(); i++) {
                MseRow r = mse.get(i);
                double[] v = res.get(r.data.name + "/" + r.n);
                if (v != null) {
                    mse.set(i, new MseRow(r.data, r.n, r.exact, r.vecprop, r.vecpropRel, r.repeatable,
                            v[0], Math.abs(v[0] - r.exact) / r.exact, v[1], Math.abs(v[1] - r.exact) / r.exact));
                }
            }
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
                    + " -cp jmh/target/benchmarks.jar org.vecprop.jmh.Accuracy " + String.join(" ", args);
        }
        Map<String, String> env = new java.util.LinkedHashMap<>();
        env.put("date", now.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        env.put("cpu", cpuModel());
        env.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        env.put("vecprop_simd", Simd.description());
        env.put("openblas", openblas.OPENBLAS_VERSION.trim() + " (JavaCPP org.bytedeco:openblas), 1 thread, float[] overload");
        for (String key : ENV_KEYS) {
            env.put(key, System.getenv().getOrDefault(key, "(unset)"));
        }
        env.put("openblas build core", org.bytedeco.openblas.global.openblas.OPENBLAS_CHAR_CORENAME);
        env.put("numpy", numpyVersion == null ? "(not run)" : numpyVersion);
        env.put("command", command.trim());
        env.put("run_seconds", String.format(Locale.ROOT, "%.1f", seconds));

        String md = markdown(env, gemm, mse, numpyNote, quick);
        System.out.println();
        System.out.print(md);
        Files.createDirectories(outDir);
        Path mdFile = outDir.resolve("accuracy-" + date + ".md"), jsonFile = outDir.resolve("accuracy-" + date + ".json");
        Files.writeString(mdFile, md);
        Files.writeString(jsonFile, json(env, gemm, mse, quick));
        log("# wrote " + mdFile + " and " + jsonFile + String.format(Locale.ROOT, " (%.1f s)", seconds));
    }

    // ------------------------------------------------------------------------------------------
    // GEMM

    static GemmRow gemmRow(GemmShape s, Dist d) {
        int m = s.m, n = s.n, k = s.k;
        float[] a = d.fill(s.aRows() * s.aCols(), d.seedA);
        float[] b = d.fill(s.bRows() * s.bCols(), d.seedB);

        // Reference in double: op(A) and op(B) widened into plain row-major m x k and k x n.
        double[] c64 = new double[m * n], scale = new double[m * n];
        {
            double[] opA = new double[m * k];
            for (int i = 0; i < m; i++) {
                for (int p = 0; p < k; p++) {
                    opA[i * k + p] = s.transA ? a[p * m + i] : a[i * k + p];
                }
            }
            double[] opB = new double[k * n], absB = new double[k * n];
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    double v = s.transB ? b[j * k + p] : b[p * n + j];
                    opB[p * n + j] = v;
                    absB[p * n + j] = Math.abs(v);
                }
            }
            for (int i = 0; i < m; i++) {
                int ci = i * n;
                for (int p = 0; p < k; p++) {
                    double aip = opA[i * k + p], aabs = Math.abs(aip);
                    int bp = p * n;
                    for (int j = 0; j < n; j++) {
                        c64[ci + j] += aip * opB[bp + j];
                        scale[ci + j] += aabs * absB[bp + j];
                    }
                }
            }
        }

        // Enough calls that the last one runs JIT-compiled code: at least 3, up to ~5e8 multiply-adds.
        int reps = (int) Math.max(3, Math.min(50, 5e8 / ((double) m * n * k)));
        float[] c = new float[m * n];
        ErrStats vp = run(reps, c, () -> Gemm.multiply(s.transA, s.transB, m, n, k,
                1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc()), c64, scale, k);
        int ta = s.transA ? openblas.CblasTrans : openblas.CblasNoTrans;
        int tb = s.transB ? openblas.CblasTrans : openblas.CblasNoTrans;
        ErrStats ob = run(reps, c, () -> openblas.cblas_sgemm(openblas.CblasRowMajor, ta, tb, m, n, k,
                1f, a, s.lda(), b, s.ldb(), 0f, c, s.ldc()), c64, scale, k);
        return new GemmRow(s.name, d, k, vp, ob);
    }

    /** Calls {@code gemm} {@code reps} times (C filled with NaN before each), measures the last result. */
    static ErrStats run(int reps, float[] c, Runnable gemm, double[] c64, double[] scale, int k) {
        float[] first = null;
        boolean same = true;
        for (int r = 0; r < reps; r++) {
            Arrays.fill(c, Float.NaN);
            gemm.run();
            if (first == null) {
                first = c.clone();
            } else {
                same &= Arrays.equals(first, c); // Arrays.equals on float[] compares bits
            }
        }
        double max = 0, sum = 0, maxAbs = 0;
        int arg = -1;
        for (int i = 0; i < c.length; i++) {
            double err = Math.abs((double) c[i] - c64[i]);
            double bound = k * U * scale[i];
            double ratio = bound > 0 ? err / bound : (err == 0 ? 0 : Double.POSITIVE_INFINITY);
            if (!(ratio <= max)) { // NaN also lands here and sticks
                max = ratio;
                arg = i;
            }
            sum += ratio;
            maxAbs = Math.max(maxAbs, err);
        }
        return new ErrStats(max, sum / c.length, maxAbs, arg, same);
    }

    // ------------------------------------------------------------------------------------------
    // MSE

    /** mean((p - t)²) over the first n elements, in double with Neumaier summation. */
    static double exactMse(float[] p, float[] t, int n) {
        double sum = 0, comp = 0;
        for (int i = 0; i < n; i++) {
            double d = (double) p[i] - t[i];
            double x = d * d;
            double s = sum + x;
            comp += Math.abs(sum) >= x ? (sum - s) + x : (x - s) + sum;
            sum = s;
        }
        return (sum + comp) / n;
    }

    static void writeF32(Path file, float[] x) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
        try (OutputStream out = Files.newOutputStream(file)) {
            for (float v : x) {
                if (!buf.hasRemaining()) {
                    out.write(buf.array(), 0, buf.position());
                    buf.clear();
                }
                buf.putFloat(v);
            }
            out.write(buf.array(), 0, buf.position());
        }
    }

    /**
     * Runs the NumPy script on the manifest; fills {@code res} ("data/n" -> {float32 loss, float64
     * loss}) and {@code version[0]}. Returns a note when something went wrong, else null.
     */
    static String runNumpy(String python, Path script, Path manifest, Map<String, double[]> res,
                           String[] version) throws InterruptedException {
        List<String> cmd = List.of(python, script.toString(), manifest.toString());
        log("# running " + String.join(" ", cmd));
        Process proc;
        try {
            proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        } catch (IOException e) {
            return "NumPy part skipped: cannot start " + python + " (" + e.getMessage() + ").";
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(proc.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                String[] f = line.split("\t");
                if (f[0].equals("numpy") && f.length >= 2) {
                    version[0] = f[1];
                } else if (f[0].equals("result") && f.length >= 5) {
                    res.put(f[1] + "/" + f[2], new double[] {Double.parseDouble(f[3]), Double.parseDouble(f[4])});
                }
            }
        } catch (IOException e) {
            return "NumPy part failed reading output: " + e.getMessage();
        }
        int rc = proc.waitFor();
        if (rc == 3) {
            return "NumPy part skipped: numpy is not installed for " + python + ".";
        }
        if (rc != 0) {
            return "NumPy part failed: " + String.join(" ", cmd) + " exited with " + rc + ".";
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------
    // Output

    static String markdown(Map<String, String> env, List<GemmRow> gemm, List<MseRow> mse, String numpyNote,
                           boolean quick) {
        StringBuilder sb = new StringBuilder();
        sb.append("# vecprop accuracy report\n\n");
        sb.append("Generated ").append(env.get("date")).append(" by `org.vecprop.jmh.Accuracy`")
                .append(quick ? " (--quick: 1024x1024x1024 and n = 16M left out)" : "").append(".\n\n");
        sb.append("| | |\n| --- | --- |\n");
        for (Map.Entry<String, String> e : env.entrySet()) {
            if (!e.getKey().equals("date")) {
                sb.append("| ").append(e.getKey()).append(" | `").append(e.getValue()).append("` |\n");
            }
        }

        sb.append("\n## GEMM: error / bound\n\n");
        sb.append("Per element of C, `|c - c64| / (k · u · Σ_p |a_ip·b_pj|)` with `u = 2^-24`, against a float64\n"
                + "reference on the same float inputs; max and mean over C. ≤ 1 is within the classical bound for\n"
                + "a length-k float dot product. OpenBLAS is `cblas_sgemm` (row-major, `float[]`, 1 thread).\n"
                + "The bound is loose (typical errors grow like √k, not k), so the ratios are far below 1; the JSON\n"
                + "also gives `max_ratio_times_k`, the largest error in units of `u · Σ|a·b|`. Each implementation ran\n"
                + "at least 3 times on the same inputs and the last C is measured.\n"
                + "Target: vecprop no worse than OpenBLAS, i.e. max and mean both ≤ OpenBLAS's (÷ columns ≤ 1).\n\n");
        sb.append("| shape (MxKxN:op) | inputs | vecprop max | OpenBLAS max | vecprop mean | OpenBLAS mean"
                + " | max: vecprop ÷ OpenBLAS | mean: vecprop ÷ OpenBLAS | target met |\n");
        sb.append("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | :---: |\n");
        int gemmMet = 0;
        List<String> notRepeatable = new ArrayList<>();
        for (GemmRow r : gemm) {
            boolean maxOk = r.vecprop.maxRatio <= r.openblas.maxRatio;
            boolean meanOk = r.vecprop.meanRatio <= r.openblas.meanRatio;
            if (maxOk && meanOk) {
                gemmMet++;
            }
            String verdict = maxOk && meanOk ? "yes" : "**no** (" + (maxOk ? "mean" : meanOk ? "max" : "max, mean") + ")";
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                    r.shape, r.dist.label, g(r.vecprop.maxRatio), g(r.openblas.maxRatio),
                    g(r.vecprop.meanRatio), g(r.openblas.meanRatio),
                    quotient(r.vecprop.maxRatio, r.openblas.maxRatio),
                    quotient(r.vecprop.meanRatio, r.openblas.meanRatio), verdict));
            if (!r.vecprop.repeatable) {
                notRepeatable.add("vecprop " + r.shape + " " + r.dist.label);
            }
            if (!r.openblas.repeatable) {
                notRepeatable.add("OpenBLAS " + r.shape + " " + r.dist.label);
            }
        }
        sb.append(String.format(Locale.ROOT, "\nGEMM target met (max and mean ≤ OpenBLAS) in %d of %d rows.", gemmMet, gemm.size()));
        sb.append(notRepeatable.isEmpty()
                ? " Every implementation gave bit-identical C on every repeated call.\n"
                : " Not bit-identical across repeated calls: " + String.join(", ", notRepeatable) + ".\n");

        sb.append("\n## MSE: relative loss error\n\n");
        sb.append("`|loss - exact| / exact`, exact = mean((p - t)²) over the float inputs in double (Neumaier sum).\n"
                + "vecprop is `Mse.loss` on a 1 x n matrix; NumPy float32 is `np.mean((p - t)**2)` on float32 arrays\n"
                + "read from the same bytes; NumPy float64 (the same expression after `astype(float64)`) checks the exact value.\n"
                + "Target: vecprop no worse than NumPy float32.\n\n");
        for (MseData data : MseData.values()) {
            sb.append("- `").append(data.name).append("`: ").append(data.label).append('\n');
        }
        sb.append("\nIn parentheses: the same error in units of u = 2^-24 ≈ 5.96e-8 (one float rounding).\n");
        sb.append("\n| data | n | exact loss | vecprop rel. error | NumPy f32 rel. error | vecprop ≤ NumPy f32 | NumPy f64 rel. error |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | :---: | ---: |\n");
        int mseMet = 0, mseCompared = 0;
        for (MseRow r : mse) {
            String verdict = "n/a";
            if (r.numpy32Rel != null) {
                mseCompared++;
                boolean ok = r.vecpropRel <= r.numpy32Rel;
                mseMet += ok ? 1 : 0;
                verdict = ok ? "yes" : "**no**";
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.10g | %s | %s | %s | %s |\n",
                    r.data.name, nName(r.n), r.exact, eu(r.vecpropRel),
                    r.numpy32Rel == null ? "–" : eu(r.numpy32Rel), verdict,
                    r.numpy64Rel == null ? "–" : e(r.numpy64Rel)));
        }
        if (numpyNote != null) {
            sb.append("\n").append(numpyNote).append('\n');
        } else {
            sb.append(String.format(Locale.ROOT, "\nMSE target met (vecprop ≤ NumPy float32) in %d of %d rows.\n",
                    mseMet, mseCompared));
        }
        boolean mseRepeat = mse.stream().allMatch(MseRow::repeatable);
        sb.append(mseRepeat ? "vecprop's loss was bit-identical over 5 calls at every n.\n"
                : "vecprop's loss was NOT bit-identical over repeated calls for some n.\n");
        return sb.toString();
    }

    static String json(Map<String, String> env, List<GemmRow> gemm, List<MseRow> mse, boolean quick) {
        StringBuilder sb = new StringBuilder("{\n  \"environment\": {");
        String sep = "\n";
        for (Map.Entry<String, String> e : env.entrySet()) {
            sb.append(sep).append("    ").append(q(e.getKey())).append(": ").append(q(e.getValue()));
            sep = ",\n";
        }
        sb.append("\n  },\n  \"quick\": ").append(quick).append(",\n  \"unit_roundoff\": ").append(num(U));
        sb.append(",\n  \"gemm\": [");
        sep = "\n";
        for (GemmRow r : gemm) {
            sb.append(sep).append("    {\"shape\": ").append(q(r.shape)).append(", \"inputs\": ").append(q(r.dist.label))
                    .append(", \"k\": ").append(r.k)
                    .append(", \"vecprop\": ").append(stats(r.vecprop, r.k))
                    .append(", \"openblas\": ").append(stats(r.openblas, r.k)).append('}');
            sep = ",\n";
        }
        sb.append("\n  ],\n  \"mse\": [");
        sep = "\n";
        for (MseRow r : mse) {
            sb.append(sep).append("    {\"data\": ").append(q(r.data.name)).append(", \"description\": ").append(q(r.data.label))
                    .append(", \"n\": ").append(r.n).append(", \"exact\": ").append(num(r.exact))
                    .append(", \"vecprop\": ").append(num(r.vecprop)).append(", \"vecprop_rel_error\": ").append(num(r.vecpropRel))
                    .append(", \"vecprop_repeatable\": ").append(r.repeatable)
                    .append(", \"numpy_f32\": ").append(num(r.numpy32)).append(", \"numpy_f32_rel_error\": ").append(num(r.numpy32Rel))
                    .append(", \"numpy_f64\": ").append(num(r.numpy64)).append(", \"numpy_f64_rel_error\": ").append(num(r.numpy64Rel))
                    .append('}');
            sep = ",\n";
        }
        sb.append("\n  ]\n}\n");
        return sb.toString();
    }

    static String stats(ErrStats s, int k) {
        return "{\"max_ratio\": " + num(s.maxRatio) + ", \"mean_ratio\": " + num(s.meanRatio)
                + ", \"max_ratio_times_k\": " + num(s.maxRatio * k)
                + ", \"max_abs_error\": " + num(s.maxAbs) + ", \"argmax\": " + s.argMax
                + ", \"repeatable\": " + s.repeatable + "}";
    }

    static String num(Double x) {
        if (x == null || x.isNaN() || x.isInfinite()) {
            return x == null ? "null" : q(x.toString());
        }
        return Double.toString(x);
    }

    static String num(double x) {
        return num(Double.valueOf(x));
    }

    static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (ch < 0x20) {
                        sb.append(String.format("\\u%04x", (int) ch));
                    } else {
                        sb.append(ch);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    static String g(double x) {
        return x == 0 ? "0" : String.format(Locale.ROOT, "%.3g", x);
    }

    static String quotient(double x, double y) {
        return y == 0 ? (x == 0 ? "1" : "∞") : String.format(Locale.ROOT, "%.2f", x / y);
    }

    /** A relative error, and the same in units of u. */
    static String eu(double x) {
        return x == 0 ? "0" : String.format(Locale.ROOT, "%.2e (%.2f u)", x, x / U);
    }

    static String e(double x) {
        return x == 0 ? "0" : String.format(Locale.ROOT, "%.2e", x);
    }

    static String nName(int n) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) {
            return (n >> 20) + "M (" + n + ")";
        }
        if (n >= 1 << 10 && n % (1 << 10) == 0) {
            return (n >> 10) + "K (" + n + ")";
        }
        return Integer.toString(n);
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

    static void log(String s) {
        System.err.println(s);
    }
}

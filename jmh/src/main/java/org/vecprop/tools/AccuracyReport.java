package org.vecprop.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The accuracy report's two renderings of the same rows: Markdown for people, JSON for tools.
 *
 * <p>JSON keys: {@code environment} (the string map the report's table shows), {@code quick},
 * {@code unit_roundoff}, {@code gemm} (per row {@code shape}, {@code inputs}, {@code k}, and
 * {@code vecprop} and {@code openblas} each with {@code max_ratio}, {@code mean_ratio},
 * {@code max_ratio_times_k}, {@code max_abs_error}, {@code argmax}, {@code repeatable}) and
 * {@code mse} (per row {@code data}, {@code description}, {@code n}, {@code exact},
 * {@code vecprop}, {@code vecprop_rel_error}, {@code vecprop_repeatable}, {@code numpy_f32},
 * {@code numpy_f32_rel_error}, {@code numpy_f64}, {@code numpy_f64_rel_error}; the NumPy fields
 * null where NumPy did not run). NaN and infinities are written as the strings {@code "NaN"},
 * {@code "Infinity"}, {@code "-Infinity"} (Jackson's default), as JSON has no such numbers.
 */
final class AccuracyReport {
    private static final double U = GemmError.U;
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private AccuracyReport() {}

    /** The Markdown report. */
    static String markdown(Map<String, String> env, List<GemmError.Row> gemm, List<MseError.Row> mse,
                           String numpyNote, boolean quick) {
        StringBuilder sb = new StringBuilder();
        sb.append("# vecprop accuracy report\n\n");
        sb.append("Generated ").append(env.get("date")).append(" by `").append(Accuracy.class.getName()).append('`')
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
        for (GemmError.Row r : gemm) {
            boolean maxOk = r.vecprop().maxRatio() <= r.openblas().maxRatio();
            boolean meanOk = r.vecprop().meanRatio() <= r.openblas().meanRatio();
            if (maxOk && meanOk) {
                gemmMet++;
            }
            String verdict = maxOk && meanOk ? "yes" : "**no** (" + (maxOk ? "mean" : meanOk ? "max" : "max, mean") + ")";
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                    r.shape(), r.dist().label, g(r.vecprop().maxRatio()), g(r.openblas().maxRatio()),
                    g(r.vecprop().meanRatio()), g(r.openblas().meanRatio()),
                    quotient(r.vecprop().maxRatio(), r.openblas().maxRatio()),
                    quotient(r.vecprop().meanRatio(), r.openblas().meanRatio()), verdict));
            if (!r.vecprop().repeatable()) {
                notRepeatable.add("vecprop " + r.shape() + " " + r.dist().label);
            }
            if (!r.openblas().repeatable()) {
                notRepeatable.add("OpenBLAS " + r.shape() + " " + r.dist().label);
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
        for (MseError.Data data : MseError.Data.values()) {
            sb.append("- `").append(data.name).append("`: ").append(data.label).append('\n');
        }
        sb.append("\nIn parentheses: the same error in units of u = 2^-24 ≈ 5.96e-8 (one float rounding).\n");
        sb.append("\n| data | n | exact loss | vecprop rel. error | NumPy f32 rel. error | vecprop ≤ NumPy f32 | NumPy f64 rel. error |\n");
        sb.append("| --- | ---: | ---: | ---: | ---: | :---: | ---: |\n");
        int mseMet = 0, mseCompared = 0;
        for (MseError.Row r : mse) {
            String verdict = "n/a";
            if (r.numpy32Rel() != null) {
                mseCompared++;
                boolean ok = r.vecpropRel() <= r.numpy32Rel();
                mseMet += ok ? 1 : 0;
                verdict = ok ? "yes" : "**no**";
            }
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.10g | %s | %s | %s | %s |\n",
                    r.data().name, nName(r.n()), r.exact(), eu(r.vecpropRel()),
                    r.numpy32Rel() == null ? "–" : eu(r.numpy32Rel()), verdict,
                    r.numpy64Rel() == null ? "–" : e(r.numpy64Rel())));
        }
        if (numpyNote != null) {
            sb.append("\n").append(numpyNote).append('\n');
        } else {
            sb.append(String.format(Locale.ROOT, "\nMSE target met (vecprop ≤ NumPy float32) in %d of %d rows.\n",
                    mseMet, mseCompared));
        }
        boolean mseRepeat = mse.stream().allMatch(MseError.Row::repeatable);
        sb.append(mseRepeat ? "vecprop's loss was bit-identical over 5 calls at every n.\n"
                : "vecprop's loss was NOT bit-identical over repeated calls for some n.\n");
        return sb.toString();
    }

    /** The JSON twin of {@link #markdown}; keys in the class comment. */
    static String json(Map<String, String> env, List<GemmError.Row> gemm, List<MseError.Row> mse,
                       boolean quick) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode environment = root.putObject("environment");
        env.forEach(environment::put);
        root.put("quick", quick);
        root.put("unit_roundoff", U);
        ArrayNode gemmRows = root.putArray("gemm");
        for (GemmError.Row r : gemm) {
            ObjectNode row = gemmRows.addObject();
            row.put("shape", r.shape());
            row.put("inputs", r.dist().label);
            row.put("k", r.k());
            putStats(row.putObject("vecprop"), r.vecprop(), r.k());
            putStats(row.putObject("openblas"), r.openblas(), r.k());
        }
        ArrayNode mseRows = root.putArray("mse");
        for (MseError.Row r : mse) {
            ObjectNode row = mseRows.addObject();
            row.put("data", r.data().name);
            row.put("description", r.data().label);
            row.put("n", r.n());
            row.put("exact", r.exact());
            row.put("vecprop", (double) r.vecprop()); // widened: the same digits as the float64 columns
            row.put("vecprop_rel_error", r.vecpropRel());
            row.put("vecprop_repeatable", r.repeatable());
            row.put("numpy_f32", r.numpy32());
            row.put("numpy_f32_rel_error", r.numpy32Rel());
            row.put("numpy_f64", r.numpy64());
            row.put("numpy_f64_rel_error", r.numpy64Rel());
        }
        try {
            return JSON.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write the accuracy JSON", e); // a tree of plain values
        }
    }

    private static void putStats(ObjectNode o, GemmError.Stats s, int k) {
        o.put("max_ratio", s.maxRatio());
        o.put("mean_ratio", s.meanRatio());
        o.put("max_ratio_times_k", s.maxRatio() * k);
        o.put("max_abs_error", s.maxAbs());
        o.put("argmax", s.argMax());
        o.put("repeatable", s.repeatable());
    }

    private static String g(double x) {
        return x == 0 ? "0" : String.format(Locale.ROOT, "%.3g", x);
    }

    private static String quotient(double x, double y) {
        return y == 0 ? (x == 0 ? "1" : "∞") : String.format(Locale.ROOT, "%.2f", x / y);
    }

    /** A relative error, and the same in units of u. */
    private static String eu(double x) {
        return x == 0 ? "0" : String.format(Locale.ROOT, "%.2e (%.2f u)", x, x / U);
    }

    private static String e(double x) {
        return x == 0 ? "0" : String.format(Locale.ROOT, "%.2e", x);
    }

    private static String nName(int n) {
        if (n >= 1 << 20 && n % (1 << 20) == 0) {
            return (n >> 20) + "M (" + n + ")";
        }
        if (n >= 1 << 10 && n % (1 << 10) == 0) {
            return (n >> 10) + "K (" + n + ")";
        }
        return Integer.toString(n);
    }
}

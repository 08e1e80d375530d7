package org.vecprop.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes the machine-facts sidecar of a benchmark result ({@code results/x.json} →
 * {@code results/x.facts.json}): what a reader needs to identify the CPU, the JVM and the
 * libraries a result was measured with, schema version {@value #SCHEMA}.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED [BENCHMARK JVM FLAGS] \
 *      -cp jmh/target/benchmarks.jar org.vecprop.tools.MachineFacts \
 *      --out FILE [--jvm-flags "FLAGS"] [--command "COMMAND"] [--commit REV]
 * java -cp jmh/target/benchmarks.jar org.vecprop.tools.MachineFacts --slug
 * </pre>
 *
 * {@code --slug} prints a folder name for this machine ({@code amd-epyc-zen5}: the CPU's name and
 * microarchitecture) and exits. scripts/lib/facts.sh runs it with the benchmark's flags and
 * environment.
 *
 * <p>The file is one flat JSON object (strings, numbers, booleans) so that the report can show
 * it as a table and still read schema-1 files (those of scripts/lib/facts.sh, which had no
 * {@code schema_version}): every schema-1 key is kept with its meaning ({@code cpu_model},
 * {@code cpu_vendor}, {@code arch}, {@code cores}, {@code isa_flags}, {@code caches},
 * {@code memory}, {@code os}, {@code kernel}, {@code jdk_home}, {@code jdk_vendor},
 * {@code jdk_version}, {@code jvm_flags}, {@code vecprop_species}, {@code simd_enabled},
 * {@code vecprop_simd}, {@code command}, {@code date}). Added in schema 2: {@code schema_version},
 * {@code collector}, {@code vecprop_commit}, the CPU's identity and topology ({@link CpuFacts}),
 * the measured clock ({@link ClockProbe}: {@code clock_measured_mhz},
 * {@code clock_measured_median_mhz}, {@code clock_measured_method}), the JVM's options in effect
 * and the reason for vecprop's width ({@link JvmFacts}), and the peers' versions with the
 * OpenBLAS kernel in use ({@link PeerVersions}). A value that cannot be found out is
 * "unknown", with the reason where there is one; no key is ever left out.
 */
public final class MachineFacts {
    private MachineFacts() {}

    /** The sidecar's schema version. */
    public static final int SCHEMA = 2;

    /**
     * Writes the facts, or prints the slug.
     *
     * @param args {@code --out FILE [--jvm-flags F] [--command C] [--commit R] [--no-clock]}, or {@code --slug}
     */
    public static void main(String[] args) throws IOException {
        // OSHI logs through SLF4J, which has no provider here: say so once, quietly.
        if (System.getProperty("slf4j.provider") == null) {
            System.setProperty("slf4j.provider", "org.slf4j.helpers.NOP_FallbackServiceProvider");
        }
        Path out = null;
        String jvmFlags = "";
        String command = "";
        String commit = "unknown";
        boolean clock = true;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--out" -> out = Path.of(value(args, ++i));
                case "--jvm-flags" -> jvmFlags = value(args, ++i);
                case "--command" -> command = value(args, ++i);
                case "--commit" -> commit = value(args, ++i);
                case "--no-clock" -> clock = false;
                case "--slug" -> {
                    System.out.println(slug());
                    return;
                }
                default -> usage("unknown argument '" + args[i] + "'");
            }
        }
        if (out == null) {
            usage("--out FILE is required");
        }
        Map<String, Object> facts = collect(jvmFlags, command, commit, clock);
        Path parent = out.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(out, toJson(facts), StandardCharsets.UTF_8);
        System.err.println("facts: wrote " + out + " (" + facts.get("cpu_model") + ", "
                + facts.get("cpu_microarchitecture") + ", measured " + facts.get("clock_measured_mhz") + " MHz)");
    }

    /** All facts, in the file's order. */
    static Map<String, Object> collect(String jvmFlags, String command, String commit, boolean clock) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("schema_version", SCHEMA);
        f.put("collector", "org.vecprop.tools.MachineFacts (OSHI for the CPU, memory and OS)");
        f.put("date", OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS).toString());
        f.put("command", command);
        f.put("vecprop_commit", commit);
        guarded(f, "cpu", () -> CpuFacts.collect(f));
        if (clock) {
            ClockProbe.Result c = ClockProbe.measure(String.valueOf(f.getOrDefault("arch", System.getProperty("os.arch"))));
            f.put("clock_measured_mhz", Double.isNaN(c.bestMhz()) ? "unknown" : Math.round(c.bestMhz()));
            f.put("clock_measured_median_mhz", Double.isNaN(c.medianMhz()) ? "unknown" : Math.round(c.medianMhz()));
            f.put("clock_measured_method", c.method());
        } else {
            f.put("clock_measured_mhz", "unknown");
            f.put("clock_measured_median_mhz", "unknown");
            f.put("clock_measured_method", "not measured (--no-clock)");
        }
        f.put("jvm_flags", jvmFlags);
        guarded(f, "jvm", () -> JvmFacts.collect(f));
        guarded(f, "peers", () -> PeerVersions.collect(f));
        return f;
    }

    /** Runs one collector; a failure becomes a fact instead of losing the others. */
    private static void guarded(Map<String, Object> f, String part, Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | LinkageError e) {
            f.put("error_" + part, e.toString());
        }
    }

    /** {@code amd-epyc-zen5}: the CPU's name and microarchitecture as a folder name. */
    static String slug() {
        Map<String, Object> f = new LinkedHashMap<>();
        try {
            CpuFacts.collect(f);
        } catch (RuntimeException | LinkageError e) {
            return "unknown-cpu";
        }
        return slug(String.valueOf(f.get("cpu_model")), String.valueOf(f.get("cpu_microarchitecture")));
    }

    /** {@code ("AMD EPYC 9B14 (tm)", "Zen 4")} → {@code amd-epyc-9b14-zen4}. */
    static String slug(String model, String uarch) {
        String m = clean(model.replaceAll("\\([^)]*\\)", ""), "-");
        String u = uarch == null || uarch.equals("unknown") ? "" : clean(uarch, "");
        String s = u.isEmpty() || m.replace("-", "").contains(u) ? m : m + "-" + u;
        return s.isEmpty() ? "unknown-cpu" : s;
    }

    private static String clean(String s, String space) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", space.isEmpty() ? "" : "-")
                .replaceAll("^-|-$", "");
    }

    /** The facts as a JSON object, one key per line, in insertion order. */
    static String toJson(Map<String, Object> facts) {
        StringBuilder sb = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Object> e : facts.entrySet()) {
            sb.append("  ").append(quote(e.getKey())).append(": ");
            Object v = e.getValue();
            if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                sb.append(quote(String.valueOf(v)));
            }
            sb.append(++i < facts.size() ? ",\n" : "\n");
        }
        return sb.append("}\n").toString();
    }

    static String quote(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String why) {
        System.err.println("error: " + why);
        System.err.println("usage: MachineFacts --out FILE [--jvm-flags FLAGS] [--command COMMAND] [--commit REV]"
                + " [--no-clock] | --slug");
        System.exit(2);
    }
}

package org.vecprop.report;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Who ran a result file: the CPU a reader can identify (name, microarchitecture, family/model/
 * stepping), the JDK and the vector width vecprop used, from the file's facts sidecar, for
 * titles, captions and the index.
 *
 * <p>Reads both sidecar schemas. Schema 1 ({@code scripts/lib/facts.sh} before schema versions;
 * no {@code schema_version} key) has only {@code cpu_model}, which on cloud machines is often just
 * "AMD EPYC": such a machine is named by its model, ISA flags and caches, and says that its
 * family and model were not recorded. Schema 2 ({@code org.vecprop.tools.MachineFacts}) adds
 * {@code cpu_family}, {@code cpu_model_number}, {@code cpu_stepping}, {@code cpu_microarchitecture}
 * and more. A key missing or "unknown" is left out, never guessed.
 *
 * @param cpu     the CPU's name, e.g. {@code AMD EPYC}
 * @param uarch   the microarchitecture, e.g. {@code Zen 5}, or "" if not recorded
 * @param cpuid   {@code family 26, model 2, stepping 1}, or "" if not recorded
 * @param cores   e.g. {@code 2 cores} or {@code 2 cores, SMT 2} , or ""
 * @param jdk     e.g. {@code JDK 25.0.3+9-LTS}, or ""
 * @param width   the vector width vecprop used, e.g. {@code 512-bit}, or ""
 * @param date    the run's date (ISO day), or ""
 * @param caches  the caches as the facts give them, or ""
 */
record Machine(String cpu, String uarch, String cpuid, String cores, String jdk, String width, String date,
               String caches) {

    /** The machine of a result file (its facts; the JDK from JMH when the facts lack it). */
    static Machine of(ResultFile f) {
        Map<String, String> x = f.facts();
        String cpu = known(x.get("cpu_model"));
        if (cpu.isEmpty()) {
            cpu = "unknown CPU";
        }
        String uarch = known(x.get("cpu_microarchitecture"));
        List<String> id = new ArrayList<>();
        for (String[] k : new String[][] {{"cpu_family", "family"}, {"cpu_model_number", "model"},
                {"cpu_stepping", "stepping"}}) {
            String v = known(x.get(k[0]));
            if (!v.isEmpty()) {
                id.add(k[1] + " " + v);
            }
        }
        String cores = "";
        String physical = known(x.get("physical_cores"));
        String logical = known(x.get("logical_cpus"));
        if (!physical.isEmpty()) {
            cores = physical + (physical.equals("1") ? " core" : " cores");
            if (!logical.isEmpty() && !logical.equals(physical)) {
                cores += " / " + logical + " threads";
            }
        } else if (!known(x.get("cores")).isEmpty()) {
            cores = known(x.get("cores")) + " CPUs";
        }
        String jdk = known(x.get("jdk_version"));
        if (jdk.isEmpty()) {
            Set<String> fromJmh = new LinkedHashSet<>();
            f.results().forEach(r -> fromJmh.add(r.run().vmVersion()));
            fromJmh.remove("");
            jdk = String.join(", ", fromJmh);
        }
        jdk = jdk.isEmpty() ? "" : "JDK " + jdk;
        String width = known(x.get("vecprop_species"));
        int paren = width.indexOf(" (");
        width = paren > 0 ? width.substring(0, paren) : width;
        String date = known(x.get("date"));
        date = date.length() >= 10 ? date.substring(0, 10) : date;
        return new Machine(cpu, uarch, String.join(", ", id), cores, jdk, width, date, known(x.get("caches")));
    }

    /** The CPU as a reader identifies it: {@code AMD EPYC, Zen 5 (family 26, model 2, stepping 1)}. */
    String cpuLine() {
        StringBuilder s = new StringBuilder(cpu);
        if (!uarch.isEmpty() && !cpu.toLowerCase(java.util.Locale.ROOT).contains(uarch.toLowerCase(java.util.Locale.ROOT))) {
            s.append(", ").append(uarch);
        }
        if (!cpuid.isEmpty()) {
            s.append(" (").append(cpuid).append(')');
        } else if (uarch.isEmpty()) {
            s.append(" (family/model not recorded").append(caches.isEmpty() ? "" : "; " + firstCache()).append(')');
        }
        return s.toString();
    }

    /** The CPU, cores, JDK and width in one line, for a chart's subtitle. */
    String oneLine() {
        List<String> parts = new ArrayList<>();
        parts.add(cpuLine());
        for (String p : List.of(cores, jdk, width.isEmpty() ? "" : "vecprop " + width, date)) {
            if (!p.isEmpty()) {
                parts.add(p);
            }
        }
        return String.join(" · ", parts);
    }

    /** What tells machines apart in the index: the CPU's identity, never the run. */
    String key() {
        return cpu + "|" + uarch + "|" + cpuid + "|" + (cpuid.isEmpty() && uarch.isEmpty() ? caches : "");
    }

    private String firstCache() {
        int comma = caches.indexOf(',');
        return comma > 0 ? caches.substring(0, comma) : caches;
    }

    /** The value, or "" when it is absent, blank or "unknown". */
    static String known(String v) {
        if (v == null || v.isBlank() || v.trim().equalsIgnoreCase("unknown")) {
            return "";
        }
        return v.trim();
    }
}

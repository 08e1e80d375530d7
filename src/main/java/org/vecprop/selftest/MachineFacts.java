package org.vecprop.selftest;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.vecprop.kernel.Simd;

/**
 * The facts about this machine and JVM that decide which code the kernels run, as lines of
 * text for {@link SelfTest}'s report: CPU model and vector flags, JDK, JVM arguments, and the
 * vector width vecprop chose and why. Best effort: what cannot be read is reported as unknown.
 */
final class MachineFacts {
    private MachineFacts() {}

    /** The CPU flags that matter to vector code, as /proc/cpuinfo names them (x86 and ARM). */
    private static final Set<String> VECTOR_FLAGS = Set.of("sse4_2", "avx", "avx2", "fma", "avx512f",
            "avx512dq", "avx512bw", "avx512vl", "avx512_bf16", "avx512_fp16", "asimd", "sve", "sve2");

    /** @return the facts, one "name: value" line each */
    static List<String> lines() {
        List<String> lines = new ArrayList<>();
        String model = "unknown", flags = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                String[] keyValue = line.split(":", 2);
                if (keyValue.length < 2) {
                    continue; // blank separator lines
                }
                String key = keyValue[0].trim(), value = keyValue[1].trim();
                if (model.equals("unknown") && (key.equals("model name") || key.equals("Model"))) {
                    model = value;
                }
                if (flags.equals("unknown") && (key.equals("flags") || key.equals("Features"))) {
                    Set<String> vector = new TreeSet<>();
                    for (String f : value.split("\\s+")) {
                        if (VECTOR_FLAGS.contains(f)) {
                            vector.add(f);
                        }
                    }
                    flags = vector.isEmpty() ? "none of " + new TreeSet<>(VECTOR_FLAGS) : String.join(" ", vector);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or not readable: the JVM's own view below still says a lot
        }
        lines.add("CPU: " + model + " (" + System.getProperty("os.arch") + ", "
                + Runtime.getRuntime().availableProcessors() + " processors, " + System.getProperty("os.name") + ")");
        lines.add("CPU vector flags: " + flags);
        lines.add("JDK: " + System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name")
                + " " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vm.info") + ")");
        String args;
        try {
            args = String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments());
        } catch (RuntimeException | LinkageError e) {
            args = "unknown";
        }
        lines.add("JVM arguments: " + (args.isEmpty() ? "(none)" : args));
        lines.add("vectors: " + Simd.description() + (Simd.enabled() ? "; the width is the JVM's preferred"
                + " float species on this CPU (-XX:MaxVectorSize lowers it, -Dvecprop.vectorBits forces"
                + " a narrower one)" : ""));
        return lines;
    }
}

package org.vecprop.tools;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.vecprop.kernel.Simd;

/**
 * The JDK, the JVM options in effect and the vector width vecprop chose, and why. Run in a JVM
 * started with the benchmark's own flags (scripts/lib/facts.sh passes them), so that
 * {@code -XX:MaxVectorSize} and {@code -Dvecprop.vectorBits} have the effect they had there.
 *
 * <p>Keys written: {@code jdk_home}, {@code jdk_vendor}, {@code jdk_version}, {@code jvm_name},
 * {@code jvm_input_arguments}, {@code jvm_options_in_effect}, {@code vector_preferred_bits},
 * {@code vecprop_species}, {@code simd_enabled}, {@code vecprop_simd}, {@code vecprop_vector_bits},
 * {@code vecprop_width_reason}.
 */
final class JvmFacts {
    private JvmFacts() {}

    /** HotSpot options that decide vector code and memory behaviour, reported as in effect. */
    static final List<String> OPTIONS = List.of("MaxVectorSize", "UseAVX", "UseFMA", "UseSuperWord",
            "UseCompressedOops", "UseLargePages", "UseTransparentHugePages", "TieredCompilation", "MaxHeapSize");

    static void collect(Map<String, Object> out) {
        out.put("jdk_home", System.getProperty("java.home"));
        out.put("jdk_vendor", System.getProperty("java.vendor"));
        out.put("jdk_version", System.getProperty("java.runtime.version"));
        out.put("jvm_name", System.getProperty("java.vm.name") + " (" + System.getProperty("java.vm.info") + ")");
        out.put("jvm_input_arguments", String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
        out.put("jvm_options_in_effect", optionsInEffect());

        int preferred = preferredFloatBits();
        out.put("vector_preferred_bits", preferred > 0 ? preferred : "unknown");
        boolean enabled = Simd.enabled();
        int bits = Simd.vectorBits();
        out.put("vecprop_species", enabled ? bits + "-bit (" + bits / 32 + " float lanes)" : "scalar");
        out.put("simd_enabled", enabled);
        out.put("vecprop_simd", Simd.description());
        out.put("vecprop_vector_bits", bits);
        String forced = System.getProperty("vecprop.vectorBits");
        String reason = preferred > 0
                ? "the JVM's preferred float species is " + preferred + " bits (MaxVectorSize="
                        + option("MaxVectorSize") + ", UseAVX=" + option("UseAVX") + ")"
                : "the Vector API is not available in this JVM (no --add-modules jdk.incubator.vector?)";
        reason += forced == null ? "; -Dvecprop.vectorBits not set" : "; -Dvecprop.vectorBits=" + forced;
        out.put("vecprop_width_reason", reason + "; " + Simd.description());
    }

    /** {@code MaxVectorSize=64 UseAVX=3 ... gc=G1}: the options of {@link #OPTIONS} and the collectors. */
    static String optionsInEffect() {
        List<String> parts = new ArrayList<>();
        for (String o : OPTIONS) {
            String v = option(o);
            if (!v.equals("unknown")) {
                parts.add(o + "=" + v);
            }
        }
        List<String> gcs = new ArrayList<>();
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            gcs.add(gc.getName());
        }
        parts.add("gc=" + String.join("+", gcs).replace(' ', '_'));
        return String.join(" ", parts);
    }

    /** A HotSpot option's value, or "unknown" when this JVM has no such option. */
    static String option(String name) {
        try {
            HotSpotDiagnosticMXBean hs = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            return hs == null ? "unknown" : hs.getVMOption(name).getValue();
        } catch (RuntimeException | LinkageError e) {
            return "unknown";
        }
    }

    /** {@code FloatVector.SPECIES_PREFERRED}'s bits, or 0 without the incubator module. */
    static int preferredFloatBits() {
        try {
            Class<?> fv = Class.forName("jdk.incubator.vector.FloatVector");
            Object species = fv.getField("SPECIES_PREFERRED").get(null);
            // through the public interface: the species' own class is not exported
            return (Integer) Class.forName("jdk.incubator.vector.VectorSpecies").getMethod("vectorBitSize")
                    .invoke(species);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return 0;
        }
    }
}

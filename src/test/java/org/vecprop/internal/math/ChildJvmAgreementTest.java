package org.vecprop.internal.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Vector results of exp, sigmoid, tanh, log and log1p computed in child JVMs
 * ({@link ChildJvmForms}) on the edges and random values:
 * each must equal the child's scalar result and this JVM's scalar result (which C1 or C2 may have
 * compiled). The children get this run's {@code -XX:MaxVectorSize}, so the same preferred
 * and maximal species. About 2 seconds each.
 * <ul>
 *   <li>{@code -Xint}: the interpreter runs both forms on the preferred species and on
 *       {@code SPECIES_MAX}, so the interpreter agrees with the compiled code of this JVM (every
 *       JIT tier);</li>
 *   <li>every species from 64 to 512 bits and {@code SPECIES_MAX}, whatever the preferred one
 *       is: the functions take any species. In a child JVM because mixing species spoils C2's
 *       profiles (see {@link ChildJvmForms}).</li>
 * </ul>
 */
class ChildJvmAgreementTest {

    @BeforeEach
    void needsTheVectorModule() {
        Assumptions.assumeTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the module jdk.incubator.vector is not loaded: no vector form to test");
    }

    @Test
    void interpreterAgreesWithThisJvm() throws IOException, InterruptedException {
        check(List.of("-Xint"), List.of("0", "-1"));
    }

    @Test
    void everySpeciesAgreesWithThisJvm() throws IOException, InterruptedException {
        check(List.of(), List.of("64", "128", "256", "512", "-1"));
    }

    static void check(List<String> jvmFlags, List<String> species) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.addAll(List.of("--add-modules", "jdk.incubator.vector"));
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.startsWith("-XX:MaxVectorSize=")) {
                cmd.add(arg);
            }
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), ChildJvmForms.class.getName()));
        cmd.addAll(species);
        Process child = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        assertTrue(child.waitFor(120, TimeUnit.SECONDS), "the child JVM did not finish: " + cmd);
        assertEquals(0, child.exitValue(), "the child JVM failed: " + cmd);

        float[] xs = ChildJvmForms.inputs(), ls = ChildJvmForms.logInputs();
        String[] lines = out.split("\n");
        assertEquals(species.size() * (ExpFunction.values().length * xs.length
                + LogFunction.values().length * ls.length), lines.length, "lines from the child JVM " + cmd);
        List<String> names = new ArrayList<>();
        List<float[]> inputs = new ArrayList<>();
        for (ExpFunction fn : ExpFunction.values()) {
            names.add(fn.name());
            inputs.add(xs);
        }
        for (LogFunction fn : LogFunction.values()) {
            names.add(fn.name());
            inputs.add(ls);
        }
        int k = 0;
        for (String bits : species) {
            for (int n = 0; n < names.size(); n++) {
                String name = names.get(n);
                for (float x : inputs.get(n)) {
                    String[] f = lines[k++].split(" ");
                    assertEquals(name + " " + bits, f[0] + " " + f[1], "line order");
                    assertEquals(Float.floatToRawIntBits(x), Integer.parseUnsignedInt(f[2], 16), "argument order");
                    int scalar = Float.floatToIntBits(Float.intBitsToFloat(Integer.parseUnsignedInt(f[3], 16)));
                    int vector = Float.floatToIntBits(Float.intBitsToFloat(Integer.parseUnsignedInt(f[4], 16)));
                    int here = Float.floatToIntBits(ChildJvmForms.scalar(name, x));
                    if (scalar != vector || here != scalar) {
                        assertEquals(Float.intBitsToFloat(scalar), Float.intBitsToFloat(vector),
                                name + "(" + x + " = " + Float.toHexString(x) + "), " + bits
                                        + "-bit species (0: the kernels', -1: SPECIES_MAX), child " + jvmFlags + ": scalar vs vector");
                        assertEquals(Float.intBitsToFloat(here), Float.intBitsToFloat(scalar),
                                name + "(" + x + " = " + Float.toHexString(x) + "): this JVM's scalar vs the child's");
                    }
                }
            }
        }
    }
}

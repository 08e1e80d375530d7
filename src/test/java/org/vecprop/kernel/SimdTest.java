package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.vecprop.internal.gemm.GemmBlocking;

/**
 * The run really uses the width it claims. {@code scripts/test} passes
 * {@code -Dvecprop.expect.bits} for each of its runs (512, 256, 128, or 0 for the scalar runs:
 * without the incubator module, with C2 off, and with the width property forcing scalar), and for
 * the scalar runs {@code -Dvecprop.expect.reason}, a fragment of the one log line that must say
 * why; so a run that silently took another path fails.
 */
class SimdTest {

    @Test
    void runsAtTheExpectedWidth() {
        Integer expected = Integer.getInteger("vecprop.expect.bits");
        Assumptions.assumeTrue(expected != null, "no -Dvecprop.expect.bits given");
        assertEquals(expected.intValue(), Simd.vectorBits(), Simd.description());
        assertEquals(expected != 0, Simd.enabled(), Simd.description());
        String reason = System.getProperty("vecprop.expect.reason");
        if (reason != null) {
            assertTrue(Simd.description().contains(reason),
                    "expected the fallback reason '" + reason + "' in: " + Simd.description());
        }
    }

    @Test
    void describesTheChoice() {
        String d = Simd.description();
        assertTrue(d.startsWith("vecprop: "), d);
        if (Simd.enabled()) {
            assertTrue(d.contains(Simd.vectorBits() + "-bit"), d);
            assertEquals(2 * Simd.vectorBits() / 32, GemmBlocking.NR);
            assertTrue(GemmBlocking.KC > 0 && GemmBlocking.MC % GemmBlocking.MR == 0 && GemmBlocking.NC % GemmBlocking.NR == 0);
        } else {
            assertTrue(d.contains("because"), d);
            assertEquals(0, Simd.vectorBits());
        }
    }

    @Test
    void requireVectorizedRefusesOnlyTheScalarPath() {
        if (Simd.enabled()) {
            Simd.requireVectorized();
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, Simd::requireVectorized);
            assertTrue(e.getMessage().contains("because"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
    }

    /** What a child JVM run with the strict property and without the incubator module prints. */
    public static void main(String[] args) {
        try {
            Relu.forward(1, 1, new float[1], 0, 1, new float[1], 0, 1);
            System.out.println("computed");
        } catch (IllegalStateException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }

    @Test
    void theStrictPropertyMakesEveryKernelRefuseTheScalarPath() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(List.of(java, "-Dvecprop.requireSimd=true",
                "-cp", System.getProperty("java.class.path"), SimdTest.class.getName()))
                .redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        assertTrue(out.contains("refused: vecprop: SIMD is required but off, because the module "
                + "jdk.incubator.vector is not loaded; run java with --add-modules jdk.incubator.vector"), out);
        assertFalse(out.contains("computed"), out);
    }
}

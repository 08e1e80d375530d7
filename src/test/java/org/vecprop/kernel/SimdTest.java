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
    void requireVectorizedRefusesOnlyTheScalarPathOrSoftwareFma() {
        if (Simd.enabled() && Simd.hardwareFma()) {
            Simd.requireVectorized();
            assertTrue(Simd.description().contains("hardware FMA"), Simd.description());
        } else {
            IllegalStateException e = assertThrows(IllegalStateException.class, Simd::requireVectorized);
            assertTrue(e.getMessage().contains(Simd.enabled() ? "FMA" : "because"), e.getMessage());
            assertFalse(e.getMessage().contains("\n"), "one line");
        }
    }

    /**
     * The refusal's text says which path the kernels are on (checked here directly: mutation
     * testing runs in a JVM with SIMD and hardware FMA, where requireVectorized never refuses).
     */
    @Test
    void theRefusalSaysWhetherSimdIsOn() {
        String refusal = Simd.refusal();
        assertTrue(refusal.startsWith("vecprop: SIMD with hardware FMA is required, but "
                + (Simd.enabled() ? "SIMD is on and " : "SIMD is off, because ")), refusal);
    }

    /**
     * What a child JVM prints: the description, whether FMA is in hardware, whether
     * requireVectorized refuses, a hash of a few kernel results (GEMM across depth blocks, the
     * fused epilogue with sigmoid), and whether a kernel call computes or refuses.
     */
    public static void main(String[] args) {
        System.out.println("description: " + Simd.description());
        System.out.println("hardwareFma: " + Simd.hardwareFma());
        try {
            Simd.requireVectorized();
            System.out.println("requireVectorized: passes");
        } catch (IllegalStateException e) {
            System.out.println("requireVectorized: " + e.getMessage());
        }
        try {
            System.out.println("hash: " + kernelHash());
            System.out.println("kernels: computed");
        } catch (IllegalStateException e) {
            System.out.println("refused: " + e.getMessage());
        }
    }

    /** Bits of a small GEMM (two depth blocks) and a fused sigmoid layer, hashed. */
    static long kernelHash() {
        int m = 5, n = 7, k = 300;
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n], bias = new float[n];
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(5);
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) rnd.nextDouble(-1, 1);
        }
        for (int i = 0; i < n; i++) {
            bias[i] = (float) rnd.nextDouble(-1, 1);
        }
        long h = 17;
        Gemm.multiply(false, false, m, n, k, 0.75f, a, 0, k, b, 0, n, 0f, c, 0, n);
        for (float v : c) {
            h = h * 31 + Float.floatToIntBits(v);
        }
        Gemm.multiplyBiasActivation(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n,
                bias, 0, Activation.SIGMOID);
        for (float v : c) {
            h = h * 31 + Float.floatToIntBits(v);
        }
        return h;
    }

    private static String child(String... jvmArgs) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        List<String> cmd = new java.util.ArrayList<>(List.of(java));
        cmd.addAll(List.of(jvmArgs));
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), SimdTest.class.getName()));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, child.waitFor(), out);
        return out;
    }

    /**
     * A JVM without hardware FMA (simulated with {@code -XX:-UseFMA}, which makes HotSpot compute
     * fma in software as on a CPU without the instruction): vecprop says so, requireVectorized
     * refuses, and the results are still the same bits as with the instruction.
     */
    @Test
    void withoutHardwareFmaTheDescriptionSaysSoAndRequireVectorizedRefuses() throws Exception {
        Assumptions.assumeTrue(Simd.hardwareFma(), "this JVM has no hardware FMA to turn off");
        String out = child("--add-modules", "jdk.incubator.vector", "-XX:-UseFMA");
        assertTrue(out.contains("hardwareFma: false"), out);
        assertTrue(out.contains("description: vecprop: SIMD on, ") && out.contains("does not use an FMA instruction"), out);
        assertTrue(out.contains("requireVectorized: vecprop: SIMD with hardware FMA is required, but SIMD is on and"
                + " the JVM does not use an FMA instruction"), out);
        assertTrue(out.contains("hash: " + kernelHash() + "\n"), "the same bits in software: " + out);
        String strict = child("--add-modules", "jdk.incubator.vector", "-XX:-UseFMA", "-Dvecprop.requireSimd=true");
        assertTrue(strict.contains("refused: vecprop: SIMD with hardware FMA is required"), strict);
        assertFalse(strict.contains("kernels: computed"), strict);
    }

    /** With hardware FMA and the module, a child JVM passes requireVectorized and computes. */
    @Test
    void withHardwareFmaAndTheModuleNothingRefuses() throws Exception {
        Assumptions.assumeTrue(Simd.hardwareFma(), "this JVM has no hardware FMA");
        String out = child("--add-modules", "jdk.incubator.vector", "-Dvecprop.requireSimd=true");
        assertTrue(out.contains("hardwareFma: true") && out.contains("requireVectorized: passes"), out);
        assertTrue(out.contains("hash: " + kernelHash() + "\n") && out.contains("kernels: computed"), out);
    }

    @Test
    void theStrictPropertyMakesEveryKernelRefuseTheScalarPath() throws Exception {
        String out = child("-Dvecprop.requireSimd=true");
        assertTrue(out.contains("refused: vecprop: SIMD with hardware FMA is required, but SIMD is off,"
                + " because the module jdk.incubator.vector is not loaded; run java with --add-modules"
                + " jdk.incubator.vector"), out);
        assertFalse(out.contains("kernels: computed"), out);
    }
}

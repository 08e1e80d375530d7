package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
class SimdSelectionTest {

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
}

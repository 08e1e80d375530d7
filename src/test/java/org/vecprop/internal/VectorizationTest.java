package org.vecprop.internal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Simd;

/** The width decision: what the probe reports against what was chosen. */
class VectorizationTest {
    @Test
    void theProbeReportsAtLeastTheChosenWidth() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Simd.enabled(), "the probe runs only with SIMD on");
        int preferred = VectorProbe.preferredFloatBits();
        assertTrue(preferred >= 128 && preferred >= Simd.vectorBits(),
                "preferred " + preferred + " bits, chosen " + Simd.vectorBits());
    }
}

package org.vecprop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Simd;

/**
 * The width and FMA decision: {@link Vectorization#choose} on what a CPU and a command line could
 * present (wider than 512 bits, widths no shape exists for, no FMA), and what this run chose
 * against what the probe reports.
 */
class VectorizationTest {
    @Test
    void theProbeReportsAtLeastTheChosenWidth() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Simd.enabled(), "the probe runs only with SIMD on");
        int preferred = VectorProbe.preferredFloatBits();
        assertTrue(preferred >= 128 && preferred >= Simd.vectorBits(),
                "preferred " + preferred + " bits, chosen " + Simd.vectorBits());
        assertEquals(Simd.vectorBits(), Lanes.L * 32, "the species the kernels use has the chosen width");
        assertTrue(Lanes.L <= 16, "at most 16 lanes: the long sums step 4 vectors through 64 virtual lanes");
    }

    @Test
    void widthsAbove512BitsRunAt512() {
        for (int preferred : new int[] {640, 1024, 1536, 2048}) {
            Vectorization.Choice c = Vectorization.choose("", null, null, preferred, true);
            assertTrue(c.enabled(), c.description());
            assertEquals(512, c.bits(), c.description());
            assertTrue(c.description().contains("the CPU prefers " + preferred), c.description());
        }
        assertEquals(256, Vectorization.choose("256", null, null, 2048, true).bits());
        assertEquals(128, Vectorization.choose("128", null, null, 1024, true).bits());
    }

    @Test
    void aWidthWithNoVectorShapeRunsAtTheWidestShapeBelowIt() {
        // SVE lets a CPU prefer any multiple of 128 bits; the Vector API's shapes are 128/256/512.
        assertEquals(256, Vectorization.choose("", null, null, 384, true).bits());
        assertEquals(512, Vectorization.choose("", null, null, 768, true).bits());
        assertEquals(128, Vectorization.choose("", null, null, 128, true).bits());
        assertEquals(256, Vectorization.choose("512", null, null, 256, true).bits(),
                "a request wider than the CPU runs at the CPU's width");
    }

    @Test
    void theScalarPathAndItsReasons() {
        Vectorization.Choice off = Vectorization.choose("0", null, null, 512, true);
        assertFalse(off.enabled());
        assertEquals(0, off.bits());
        assertTrue(off.whyOff().contains("vectorBits=0"), off.whyOff());
        assertEquals(off.whyOff(), off.whySlow());
        assertTrue(Vectorization.choose("300", null, null, 512, true).whyOff().contains("not one of 0, 128, 256, 512"));
        assertTrue(Vectorization.choose("", "no module", null, 512, true).whyOff().contains("no module"));
        assertTrue(Vectorization.choose("", null, "no C2", 512, true).whyOff().contains("no C2"));
        assertTrue(Vectorization.choose("", null, null, 64, true).whyOff().contains("64 bits (< 128)"));
    }

    @Test
    void withoutHardwareFmaSimdStaysOnButTheChoiceIsSlowAndSaysWhy() {
        Vectorization.Choice c = Vectorization.choose("", null, null, 512, false);
        assertTrue(c.enabled(), "the vector path is still the faster of two slow ones");
        assertEquals(512, c.bits());
        assertNull(c.whyOff());
        assertTrue(c.whySlow().contains("does not use an FMA instruction"), c.whySlow());
        assertTrue(c.description().startsWith("vecprop: SIMD on, 512-bit") && c.description().contains("FMA"),
                c.description());
        Vectorization.Choice scalar = Vectorization.choose("", "no module", null, 0, false);
        assertTrue(scalar.description().contains("no module") && scalar.description().contains("FMA"),
                scalar.description());
        Vectorization.Choice fine = Vectorization.choose("", null, null, 512, true);
        assertNull(fine.whySlow());
        assertTrue(fine.description().endsWith("hardware FMA"), fine.description());
    }

    @Test
    void theDescriptionGivesTheLaneCountOfTheChosenWidth() {
        // A float is 32 bits: the lanes are the width over 32, as a user reading the log line expects.
        int[][] bitsAndLanes = {{128, 4}, {256, 8}, {512, 16}};
        for (int[] bl : bitsAndLanes) {
            String d = Vectorization.choose("", null, null, bl[0], true).description();
            assertTrue(d.contains(bl[0] + "-bit float vectors (" + bl[1] + " lanes)"), d);
        }
    }

    @Test
    void aRequestTheCpuCannotMeetIsNotedAndOnlyThen() {
        // The note says why the width is not the requested one; a met request, or none, needs no note.
        String unmet = Vectorization.choose("512", null, null, 256, true).description();
        assertTrue(unmet.contains(", 512 requested but the CPU prefers 256"), unmet);
        String met = Vectorization.choose("256", null, null, 512, true).description();
        assertFalse(met.contains("requested"), met);
        String none = Vectorization.choose("", null, null, 256, true).description();
        assertFalse(none.contains("requested"), none);
    }

    @Test
    void aCpuPreferringExactlyTheMaximumWidthGetsNoNoteAboutWiderVectors() {
        // Only a preference above MAX_BITS is cut down, so only that one is noted.
        String d = Vectorization.choose("", null, null, Vectorization.MAX_BITS, true).description();
        assertFalse(d.contains("the CPU prefers"), d);
        String wider = Vectorization.choose("", null, null, 2 * Vectorization.MAX_BITS, true).description();
        assertTrue(wider.contains("the CPU prefers " + 2 * Vectorization.MAX_BITS), wider);
    }

    @Test
    void theRequireSimdWarningIsInTheDescriptionOnlyWhenItIsSetAndTheRunIsSlow() {
        // -Dvecprop.requireSimd=true makes a slow run throw; the line says so then, and never otherwise.
        String warning = "-D" + Vectorization.REQUIRE_PROPERTY + "=true";
        String off = Vectorization.choose("0", null, null, 512, true).description();
        assertEquals(Vectorization.REQUIRED, off.contains(warning), off);
        String noFma = Vectorization.choose("", null, null, 512, false).description();
        assertEquals(Vectorization.REQUIRED, noFma.contains(warning), noFma);
        String fine = Vectorization.choose("", null, null, 512, true).description();
        assertFalse(fine.contains(warning), fine);
    }
}

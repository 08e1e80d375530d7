package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;
import static org.vecprop.testing.Rejections.rejectsWithPrefix;

import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Activation;

/**
 * {@link GradCheck} itself: its step check, its counting (kinks, errors above 1e-3) and naming of
 * the worst parameter, and its summary line (found unchecked by mutation testing,
 * scripts/mutation). That backprop agrees with it is tested in NetworkTest.
 */
class GradCheckTest {

    @Test
    void rejectsABadStep() {
        Network net = Network.mlp(1, 1, 1, 1);
        rejects(IllegalArgumentException.class, "h must be finite and > 0, got 0.0",
                () -> GradCheck.check(net, new float[1], 0, 1, new float[1], 0, 1, 1, 0));
        rejects(IllegalArgumentException.class, "h must be finite and > 0, got NaN",
                () -> GradCheck.check(net, new float[1], 0, 1, new float[1], 0, 1, 1, Double.NaN));
    }

    @Test
    void rejectsInputsOrTargetsTooShortNamingThemAndLeavesTheNetworkAlone() {
        // A 3 -> 2 network, batch 2: x needs 6 elements, t 4.
        Network net = Network.mlp(2, 1, 3, 2);
        float[] w = net.layer(0).weightArray().clone();
        rejectsWithPrefix(IndexOutOfBoundsException.class, "x must fit in its array: a 2 x 3 matrix at xOff = 0",
                () -> GradCheck.check(net, new float[5], 0, 3, new float[4], 0, 2, 2, 1e-3));
        rejectsWithPrefix(IndexOutOfBoundsException.class, "t must fit in its array: a 2 x 2 matrix at tOff = 1",
                () -> GradCheck.check(net, new float[6], 0, 3, new float[4], 1, 2, 2, 1e-3));
        rejects(NullPointerException.class, "t must not be null",
                () -> GradCheck.check(net, new float[6], 0, 3, null, 0, 2, 2, 1e-3));
        assertEquals(-1, net.batch(), "no forward pass on the network itself");
        org.vecprop.testing.Compare.sameArray(w, net.layer(0).weightArray(), "weights unchanged");
    }

    @Test
    void countsKinksAndExactAgreement() {
        // ReLU unit at z = 0 exactly (x = 0, b = 0): moving its bias crosses the kink; then an
        // identity unit. With h = 1/4 every difference quotient of this quadratic loss is exact.
        Network net = new Network(Dense.of(1, 1, Activation.RELU, new float[] {1f}, new float[] {0f}, 1),
                Dense.of(1, 1, Activation.IDENTITY, new float[] {2f}, new float[] {0.5f}, 1));
        GradCheck.Result r = GradCheck.check(net, new float[] {0f}, 0, 1, new float[] {0f}, 0, 1, 1, 0.25);
        assertEquals(4, r.parameters());
        assertEquals(1, r.atKink(), "the first layer's bias");
        assertEquals(0, r.above1e3());
        assertEquals(0.0, r.worstError());
        assertEquals("none", r.worstParameter());
        assertTrue(r.forwardNanos() >= 0 && r.backwardNanos() >= 0 && r.finiteDifferenceNanos() >= 0);
    }

    @Test
    void aUnitThatOnlyReachesTheKinkIsNotAtTheKink() {
        // z = b = -1/4 and h = 1/4: z + h = 0 is still "off", like z - h, so no on/off change.
        Network net = new Network(Dense.of(1, 1, Activation.RELU, new float[] {1f}, new float[] {-0.25f}, 1),
                Dense.of(1, 1, Activation.IDENTITY, new float[] {2f}, new float[] {0.5f}, 1));
        GradCheck.Result r = GradCheck.check(net, new float[] {0f}, 0, 1, new float[] {0f}, 0, 1, 1, 0.25);
        assertEquals(0, r.atKink());
        assertEquals(0, r.above1e3());
        assertEquals(0.0, r.worstError());
    }

    @Test
    void flagsAGradientThatFloatRoundingLost() {
        // P = fl(3 * fl(1/3)) = 1 = T in float, so backprop sees no error and gives zero
        // gradients; in double the loss still depends on W and b: relative error 1 for both.
        Network net = new Network(Dense.of(1, 1, Activation.IDENTITY, new float[] {1f / 3}, new float[] {0f}, 1));
        GradCheck.Result r = GradCheck.check(net, new float[] {3f}, 0, 1, new float[] {1f}, 0, 1, 1, 1.0 / 1024);
        assertEquals(2, r.parameters());
        assertEquals(2, r.above1e3());
        assertEquals(0, r.atKink());
        assertEquals(1.0, r.worstError());
        assertEquals("layer 0 W[0][0]", r.worstParameter(), "the first of equals is the worst");
    }

    @Test
    void aRelativeErrorOfExactly1e3IsNotAbove1e3() {
        // One weight, no bias, identity, batch 1. x = w = 1 + 2^-12, so x * w = 1 + 2^-11 + 2^-24
        // exactly; float rounds that tie to even, P = 1 + 2^-11. The target T = P + 1000 * 2^-24
        // makes float's P - T = -1000 * 2^-24 where the exact x * w - T is -999 * 2^-24: backprop
        // gives 2 (P - T) x = -2000 (1 + 2^-12) 2^-24 (exact in float), the central difference
        // (exact in double for this quadratic with h = 2^-12) -1998 (1 + 2^-12) 2^-24. Their
        // relative error |2 (1 + 2^-12)| / |2000 (1 + 2^-12)| is 1/1000 exactly, which rounds to
        // the double 1e-3: not "above 1e-3".
        float xw = 1f + 0x1p-12f;
        Network net = new Network(Dense.of(1, 1, Activation.IDENTITY, new float[] {xw}, null, 1));
        float t = 1f + 0x1p-11f + 1000 * 0x1p-24f;
        GradCheck.Result r = GradCheck.check(net, new float[] {xw}, 0, 1, new float[] {t}, 0, 1, 1, 0x1p-12);
        assertEquals(1, r.parameters());
        assertEquals(1e-3, r.worstError(), "the relative error is 1/1000 exactly");
        assertEquals(0, r.above1e3(), "1e-3 itself is not above 1e-3");
        assertEquals("layer 0 W[0][0]", r.worstParameter());
    }

    @Test
    void namesTheLastParameterWhenAllAreNaN() {
        // NaN errors count as worst; each later NaN takes over, so the last parameter is named.
        float[] w = {1, 2, 3, 4, 5, 6};
        Network noBias = new Network(Dense.of(3, 2, Activation.IDENTITY, w, null, 1));
        GradCheck.Result r = GradCheck.check(noBias, new float[] {1f, Float.NaN, 2f}, 0, 3, new float[2], 0, 2, 1, 1e-3);
        assertEquals("layer 0 W[2][1]", r.worstParameter());
        assertTrue(Double.isNaN(r.worstError()));
        assertEquals(6, r.above1e3());
        Network twoLayers = new Network(Dense.of(3, 2, Activation.IDENTITY, w, null, 1),
                Dense.of(2, 3, Activation.IDENTITY, w, new float[3], 1));
        r = GradCheck.check(twoLayers, new float[] {1f, Float.NaN, 2f}, 0, 3, new float[3], 0, 3, 1, 1e-3);
        assertEquals("layer 1 b[2]", r.worstParameter());
        assertEquals(15, r.above1e3());
    }

    @Test
    void resultReadsAsALine() {
        GradCheck.Result r = new GradCheck.Result(1.5e-4, "layer 0 W[1][2]", 10, 2, 3, 4_000, 200_000,
                5_000_000);
        String expected = String.format("gradcheck: %d parameters (%d at a ReLU kink, skipped), %d with"
                        + " relative error above 1e-3, worst %.2e (%s); one backward %.1f us against %d"
                        + " forward passes of %.1f us = %.1f ms (finite differences here, in double:"
                        + " %.1f ms)",
                10, 3, 2, 1.5e-4, "layer 0 W[1][2]", 4.0, 20, 200.0, 4.0, 5.0);
        assertEquals(expected, r.toString());
    }
}

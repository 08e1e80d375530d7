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
    void refusesABadTargetBeforeTheStepTheInputsOrAnyForwardPass() {
        // The float-target form checks t itself, before the checks it shares with the label form
        // (step, batch, x) and before the timed forward passes: without that check t would be
        // refused only by the loss, after 20 forward passes, and a call that is also bad in h or
        // x would be refused naming h or x. A 3 -> 2 network, batch 2: t needs 4 elements, has 3.
        Network net = Network.mlp(2, 1, 3, 2);
        rejectsWithPrefix(IndexOutOfBoundsException.class, "t must fit in its array: a 2 x 2 matrix at tOff = 0",
                () -> GradCheck.check(net, new float[6], 0, 3, new float[3], 0, 2, 2, Double.NaN));
        rejectsWithPrefix(IndexOutOfBoundsException.class, "t must fit in its array: a 2 x 2 matrix at tOff = 0",
                () -> GradCheck.check(net, new float[5], 0, 3, new float[3], 0, 2, 2, 1e-3));
    }

    /** A cross-entropy network 2 -> 3 (identity, with bias) for the label form; maxBatch 4. */
    private static Network threeClasses() {
        return new Network(Loss.crossEntropy(), Dense.of(2, 3, Activation.IDENTITY,
                new float[] {0.5f, -0.25f, 1f, 0.75f, 0.125f, -1f}, new float[] {0.25f, 0f, -0.5f}, 4));
    }

    @Test
    void refusesALabelOutsideTheClassesNamingItsIndex() {
        // The label form checks every label of the batch itself, in the cross-entropy kernel's
        // words (docs/conventions.md: a per-row argument is named by its row): the label equal to
        // outputs (3) is the first one out, already for a batch of one row, and with labelsOff = 2
        // row 1's label is labels[3], which the message also names.
        Network net = threeClasses();
        float[] x = {1f, 2f, -1f, 0.5f, 0.25f, -2f};
        rejects(IllegalArgumentException.class, "labels must be in [0, classes = 3), got 3 for row 0",
                () -> GradCheck.check(net, x, 0, 2, new int[] {3}, 0, 1, 1e-3));
        rejects(IllegalArgumentException.class, "labels must be in [0, classes = 3), got -1 for row 1"
                + " (at labelsOff + 1 = 3)",
                () -> GradCheck.check(net, x, 0, 2, new int[] {9, 9, 0, -1, 1}, 2, 3, 1e-3));
        rejects(IllegalArgumentException.class, "labels must be in [0, classes = 3), got 3 for row 2"
                + " (at labelsOff + 2 = 4)",
                () -> GradCheck.check(net, x, 0, 2, new int[] {9, 9, 0, 2, 3}, 2, 3, 1e-3));
        // The labels' extent is checked first, in the same form as every array's.
        rejects(IndexOutOfBoundsException.class, "labels must fit in its array: 3 elements at labelsOff = 3"
                + " need 6, but labels.length is 5",
                () -> GradCheck.check(net, x, 0, 2, new int[] {0, 0, 0, 0, 0}, 3, 3, 1e-3));
        assertEquals(-1, net.batch(), "no forward pass on the network itself");
    }

    @Test
    void acceptsTheLastClassAndIgnoresLabelsPastTheBatch() {
        // Labels 2 (= outputs - 1) and 0 for rows 0 and 1 are valid; labels[3] = 3 lies after the
        // batch's two labels and is not one of them, so it must not be read as one.
        Network net = threeClasses();
        float[] x = {1f, 2f, -1f, 0.5f};
        GradCheck.Result r = GradCheck.check(net, x, 0, 2, new int[] {7, 2, 0, 3}, 1, 2, 1e-3);
        assertEquals(9, r.parameters());
        assertEquals(0, r.atKink(), "no ReLU");
    }

    @Test
    void crossEntropyInDoubleTakesEachRowsOwnMaximum() {
        // Logits (0, 0) for row 0 and (1000, 0) for row 1 (a 1 -> 2 identity layer, W = [1, 0],
        // x = 0 and 1000), labels 1 and 0, mean over the rows. Log-sum-exp must subtract each
        // row's own maximum: row 1 with row 0's would take exp(1000) = infinity. Exactly, row 0
        // gives log 2 and row 1 log(1 + e^-1000), which is 0 in double: the loss is log(2) / 2.
        Network net = new Network(Loss.crossEntropy(),
                Dense.of(1, 2, Activation.IDENTITY, new float[] {1f, 0f}, null, 2));
        double loss = GradCheck.lossInDouble(net, new float[] {0f, 1000f}, 0, 1, null, 0, 0,
                new int[] {1, 0}, 0, 2, 0, 0, 0, 0.0, new long[1]);
        assertEquals(Math.log(2) / 2, loss, 1e-15, "loss over two rows whose maxima are 1000 apart");
        GradCheck.Result r = GradCheck.check(net, new float[] {0f, 1000f}, 0, 1, new int[] {1, 0}, 0, 2, 1e-3);
        assertEquals(0, r.above1e3(), "the check of that network agrees with backprop");
        assertTrue(Double.isFinite(r.worstError()));
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

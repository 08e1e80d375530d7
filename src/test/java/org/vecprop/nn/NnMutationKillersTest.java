package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.vecprop.kernel.Compare;
import org.vecprop.kernel.Values;
import org.vecprop.kernel.Activation;

/**
 * Behaviour of the nn API that mutation testing (scripts/mutation) found unchecked: argument
 * checks and their messages, accessors, layers without bias, the momentum and weight-decay
 * paths of {@link Sgd}, the initialisers' distributions, every flag of {@link Diagnostics} at
 * its threshold, and {@link GradCheck}'s counting and naming.
 */
class NnMutationKillersTest {

    static void rejects(Class<? extends RuntimeException> type, String message, Executable call) {
        RuntimeException e = assertThrows(type, call);
        assertEquals(message, e.getMessage());
    }

    static void startsWith(Class<? extends RuntimeException> type, String prefix, Executable call) {
        RuntimeException e = assertThrows(type, call);
        assertTrue(e.getMessage().startsWith(prefix), "\"" + e.getMessage() + "\" should start with \""
                + prefix + "\"");
    }

    // ------------------------------------------------------------------ Dense

    @Test
    void denseInitialisesByActivation() {
        Dense relu = new Dense(7, 5, Activation.RELU, true, 3, 42);
        float[] he = new float[35];
        Init.he(he, 7, new SplittableRandom(42));
        assertArrayEquals(he, relu.weights(), "ReLU layers start from He normal");
        Dense identity = new Dense(7, 5, Activation.IDENTITY, true, 3, 42);
        float[] glorot = new float[35];
        Init.glorot(glorot, 7, 5, new SplittableRandom(42));
        assertArrayEquals(glorot, identity.weights(), "identity layers start from Glorot uniform");
        assertArrayEquals(new float[5], identity.bias(), "bias starts at 0");
        assertNull(new Dense(7, 5, Activation.RELU, false, 3, 42).bias());
        assertNull(new Dense(7, 5, Activation.RELU, false, 3, 42).biasGrad());
    }

    @Test
    void denseAccessors() {
        Dense d = new Dense(3, 4, Activation.IDENTITY, true, 6, 1);
        assertEquals(3, d.inputs());
        assertEquals(4, d.outputs());
        assertEquals(Activation.IDENTITY, d.activation());
        assertEquals(6, d.maxBatch());
        assertEquals(-1, d.batch(), "no forward yet");
        assertEquals(12, d.weights().length);
        assertEquals(12, d.weightGrad().length);
        assertEquals(4, d.biasGrad().length);
        assertEquals(24, d.output().length);
        assertEquals(24, d.outputGrad().length);
        assertEquals(18, d.inputGrad().length);
        d.forward(new float[15], 0, 3, 5);
        assertEquals(5, d.batch());
        Dense shared = d.sharingWeights(2);
        assertSame(d.weights(), shared.weights());
        assertSame(d.bias(), shared.bias());
        assertNotSame(d.output(), shared.output());
        assertEquals(2, shared.maxBatch());
        assertEquals(-1, shared.batch());
    }

    @Test
    void denseRejectsBadShapes() {
        rejects(IllegalArgumentException.class, "in must be >= 1, got 0",
                () -> new Dense(0, 2, Activation.RELU, true, 1, 1));
        rejects(IllegalArgumentException.class, "out must be >= 1, got 0",
                () -> new Dense(2, 0, Activation.RELU, true, 1, 1));
        rejects(IllegalArgumentException.class, "maxBatch must be >= 1, got 0",
                () -> new Dense(2, 2, Activation.RELU, true, 0, 1));
        rejects(IllegalArgumentException.class, "activation must not be null",
                () -> new Dense(2, 2, null, true, 1, 1));
        // Sizes whose buffers do not fit one Java array, refused before anything is allocated.
        rejects(IllegalArgumentException.class,
                "layer 65536 x 65536 at maxBatch 1 needs 4294967296 floats in one array",
                () -> new Dense(65536, 65536, Activation.RELU, true, 1, 1));
        rejects(IllegalArgumentException.class,
                "layer 1 x 2 at maxBatch 1073741824 needs 2147483648 floats in one array",
                () -> new Dense(1, 2, Activation.RELU, true, 1 << 30, 1));
        rejects(IllegalArgumentException.class,
                "layer 1048576 x 1 at maxBatch 2048 needs 2147483648 floats in one array",
                () -> new Dense(1 << 20, 1, Activation.RELU, true, 1 << 11, 1));
        rejects(IllegalArgumentException.class,
                "layer 1048576 x 1 at maxBatch 2048 needs 2147483648 floats in one array",
                () -> Dense.of(1 << 20, 1, Activation.RELU, new float[1 << 20], null, 1 << 11));
    }

    @Test
    void denseOfCopiesAndChecks() {
        float[] w = {1, 2, 3, 4, 5, 6}, b = {0.5f, -0.5f, 1.5f};
        Dense d = Dense.of(2, 3, Activation.IDENTITY, w, b, 2);
        w[0] = 99;
        b[0] = 99;
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, d.weights(), "weights are copied");
        assertArrayEquals(new float[] {0.5f, -0.5f, 1.5f}, d.bias(), "bias is copied");
        rejects(IndexOutOfBoundsException.class, "weights: 6 elements at weightsOff 0 run past"
                + " weights.length 5", () -> Dense.of(2, 3, Activation.RELU, new float[5], b, 2));
        rejects(IllegalArgumentException.class, "weights must not be null",
                () -> Dense.of(2, 3, Activation.RELU, null, b, 2));
        rejects(IndexOutOfBoundsException.class, "bias: 3 elements at biasOff 0 run past"
                + " bias.length 2", () -> Dense.of(2, 3, Activation.RELU, w, new float[2], 2));
        // A longer array is fine: the first in * out (and out) elements are used.
        Dense longer = Dense.of(2, 3, Activation.RELU, new float[9], new float[4], 2);
        assertEquals(6, longer.weights().length);
        assertEquals(3, longer.bias().length);
        assertNull(Dense.of(2, 3, Activation.RELU, w, null, 2).bias());
    }

    @Test
    void denseForwardAndBackwardChecks() {
        Dense d = new Dense(3, 2, Activation.RELU, true, 4, 1);
        rejects(IllegalStateException.class, "backward before forward",
                () -> d.backward(new float[8], 0, 2, Gradients.OVERWRITE, true));
        rejects(IllegalArgumentException.class, "batch must be in [1, maxBatch = 4], got 0",
                () -> d.forward(new float[12], 0, 3, 0));
        rejects(IllegalArgumentException.class, "batch must be in [1, maxBatch = 4], got 5",
                () -> d.forward(new float[15], 0, 3, 5));
        startsWith(IndexOutOfBoundsException.class, "x: a 2 x 3 matrix at xOff 1",
                () -> d.forward(new float[6], 1, 3, 2));
        assertEquals(-1, d.batch(), "a rejected forward leaves no batch behind");
        d.forward(new float[6], 0, 3, 2);
        rejects(IllegalArgumentException.class, "mode must not be null",
                () -> d.backward(new float[4], 0, 2, null, true));
        startsWith(IndexOutOfBoundsException.class, "dA: a 2 x 2 matrix at dAOff 0",
                () -> d.backward(new float[3], 0, 2, Gradients.OVERWRITE, true));
        Dense identity = new Dense(3, 2, Activation.IDENTITY, false, 4, 1);
        identity.forward(new float[6], 0, 3, 2);
        startsWith(IndexOutOfBoundsException.class, "dA: a 2 x 2 matrix at dAOff 1",
                () -> identity.backward(new float[4], 1, 2, Gradients.OVERWRITE, true));
    }

    /** Layers without bias: the ReLU backward without the bias gradient, and the identity one. */
    @Test
    void layersWithoutBias() {
        Random rnd = new Random(4);
        int in = 5, out = 19, batch = 3;
        float[] w = Values.random(rnd, in * out, 0, 1f);
        float[] x = Values.random(rnd, batch * in, 0, 1f), dA = Values.random(rnd, batch * out, 0, 1f);
        for (Activation act : Activation.values()) {
            Dense d = Dense.of(in, out, act, w, null, batch);
            float[] a = d.forward(x, 0, in, batch).clone();
            float[] z = new float[batch * out];
            org.vecprop.reference.ReferenceGemm.multiply(false, false, batch, out, in, 1f, x, 0, in, w, 0, out,
                    0f, z, 0, out);
            float[] dz = dA.clone();
            if (act == Activation.RELU) {
                org.vecprop.reference.ReferenceRelu.backward(batch, out, a, 0, out, dA, 0, out, dz, 0, out);
            }
            Arrays.fill(d.weightGrad(), 1f);
            d.backward(dA, 0, out, Gradients.ACCUMULATE, true);
            if (act == Activation.RELU) {
                Compare.sameArray(dz, Arrays.copyOf(d.outputGrad(), batch * out), act + " dZ");
            } else {
                assertArrayEquals(new float[batch * out], Arrays.copyOf(d.outputGrad(), batch * out),
                        "an identity layer leaves outputGrad alone");
            }
            for (int p = 0; p < in; p++) {
                for (int j = 0; j < out; j++) {
                    double sum = 1;
                    double t = 1;
                    for (int i = 0; i < batch; i++) {
                        sum += (double) x[i * in + p] * dz[i * out + j];
                        t += Math.abs((double) x[i * in + p] * dz[i * out + j]);
                    }
                    assertEquals(sum, d.weightGrad()[p * out + j], 1e-5 * t, act + " dW accumulated");
                }
            }
            d.zeroGrad();
            assertArrayEquals(new float[in * out], d.weightGrad(), "zeroGrad without bias");
        }
    }

    // ------------------------------------------------------------------ Network and MseLoss

    @Test
    void networkChecksAndAccessors() {
        rejects(IllegalArgumentException.class, "sizes must name at least an input and an output width",
                () -> Network.mlp(2, 1, 3));
        rejects(IllegalArgumentException.class, "sizes must name at least an input and an output width",
                () -> Network.mlp(2, 1, (int[]) null));
        rejects(IllegalArgumentException.class, "a network needs at least one layer", () -> new Network());
        rejects(IllegalArgumentException.class, "a network needs at least one layer",
                () -> new Network((Dense[]) null));
        Dense first = new Dense(3, 4, Activation.RELU, true, 4, 1);
        rejects(IllegalArgumentException.class, "layer 1 is null", () -> new Network(first, null));
        rejects(IllegalArgumentException.class, "layer 1 has maxBatch 3, layer 0 has 4",
                () -> new Network(first, new Dense(4, 2, Activation.IDENTITY, true, 3, 1)));

        Dense second = new Dense(4, 2, Activation.IDENTITY, false, 4, 1);
        Network net = new Network(first, second);
        assertEquals(3 * 4 + 4 + 4 * 2, net.parameterCount());
        assertEquals(2, net.depth());
        assertSame(first, net.layer(0));
        assertSame(second, net.layers().get(1));
        assertThrows(UnsupportedOperationException.class, () -> net.layers().set(0, second));
        assertEquals(4, net.maxBatch());
        assertEquals(-1, net.batch());
        assertEquals(2, net.lossFunction().outputs());
        assertEquals(5 * 7 + 7 + 7 * 2 + 2, Network.mlp(3, 1, 5, 7, 2).parameterCount());

        rejects(IllegalStateException.class, "no forward pass yet", () -> net.loss(new float[8], 0, 2));
        rejects(IllegalStateException.class, "no forward pass yet", () -> net.backward(Gradients.OVERWRITE));
        rejects(IllegalArgumentException.class, "batch must be in [1, maxBatch = 4], got 0",
                () -> net.forward(new float[12], 0, 3, 0));
        rejects(IllegalArgumentException.class, "batch must be in [1, maxBatch = 4], got 5",
                () -> net.forward(new float[15], 0, 3, 5));
        net.forward(new float[9], 0, 3, 3);
        assertEquals(3, net.batch());
        Network other = net.sharingWeights(2);
        assertEquals(2, other.maxBatch());
        assertSame(net.layer(1).weights(), other.layer(1).weights());
    }

    @Test
    void backwardLeavesTheDataGradientOfTheFirstLayerAlone() {
        Network net = Network.mlp(4, 9, 3, 6, 2);
        float[] x = Values.random(new Random(8), 12, 0, 1f);
        net.forward(x, 0, 3, 4);
        net.loss(new float[8], 0, 2);
        net.backward(Gradients.OVERWRITE);
        assertArrayEquals(new float[12], net.layer(0).inputGrad(), "layer 0 computes no dX");
        boolean written = false;
        for (float v : net.layer(1).inputGrad()) {
            written |= v != 0f;
        }
        assertTrue(written, "layer 1 computes its dX, the dA of layer 0");
    }

    @Test
    void mseLossChecks() {
        rejects(IllegalArgumentException.class, "outputs must be >= 1, got 0", () -> new MseLoss(0, 2));
        rejects(IllegalArgumentException.class, "maxBatch must be >= 1, got 0", () -> new MseLoss(2, 0));
        MseLoss loss = new MseLoss(2, 3);
        assertEquals(2, loss.outputs());
        assertEquals(6, loss.gradient().length);
        rejects(IllegalArgumentException.class, "batch must be in [1, maxBatch = 3], got 0",
                () -> loss.compute(new float[6], 0, 2, new float[6], 0, 2, 0));
        rejects(IllegalArgumentException.class, "batch must be in [1, maxBatch = 3], got 4",
                () -> loss.compute(new float[8], 0, 2, new float[8], 0, 2, 4));
        float[] p = {1, 2, 3, 4}, t = {0, 0, 5, 4};
        assertEquals((1 + 4 + 4 + 0) / 4f, loss.compute(p, 0, 2, t, 0, 2, 2));
        assertArrayEquals(new float[] {0.5f, 1f, -1f, 0f, 0f, 0f}, loss.gradient());
    }

    // ------------------------------------------------------------------ Sgd

    @Test
    void sgdWithMomentumAndWeightDecay() {
        float[] w = {1f, -2f}, b = {0.5f};
        Network net = new Network(Dense.of(2, 1, Activation.IDENTITY, w, b, 1));
        Dense d = net.layer(0);
        float lr = 0.5f, m = 0.25f, wd = 0.125f;
        Sgd sgd = new Sgd(net, lr, m, wd);
        assertEquals(lr, sgd.learningRate());
        float[] vw = new float[2], vb = new float[1];
        float[] ew = w.clone(), eb = b.clone();
        for (int step = 0; step < 2; step++) {
            float[] gw = {0.75f + step, -1.5f}, gb = {2f - step};
            System.arraycopy(gw, 0, d.weightGrad(), 0, 2);
            d.biasGrad()[0] = gb[0];
            sgd.step();
            for (int i = 0; i < 2; i++) {
                vw[i] = m * vw[i] + (gw[i] + wd * ew[i]);
                ew[i] = ew[i] - lr * vw[i];
            }
            vb[0] = m * vb[0] + gb[0];        // no weight decay on the bias
            eb[0] = eb[0] - lr * vb[0];
            assertArrayEquals(ew, d.weights(), "weights after step " + step);
            assertArrayEquals(eb, d.bias(), "bias after step " + step);
            assertArrayEquals(new float[2], d.weightGrad(), "weight gradient zeroed");
            assertArrayEquals(new float[1], d.biasGrad(), "bias gradient zeroed");
        }
    }

    @Test
    void sgdWithoutMomentumOnALayerWithoutBias() {
        Network net = new Network(Dense.of(2, 1, Activation.IDENTITY, new float[] {1f, 2f}, null, 1));
        Sgd sgd = new Sgd(net, 0.5f, 0f, 0.5f);
        net.layer(0).weightGrad()[0] = 1f;
        net.layer(0).weightGrad()[1] = Float.NaN;
        assertEquals(0, sgd.stepIfFinite(), "a NaN weight gradient in layer 0");
        assertArrayEquals(new float[] {1f, 2f}, net.layer(0).weights());
        net.layer(0).weightGrad()[1] = -2f;
        assertEquals(-1, sgd.stepIfFinite());
        // w - lr * (g + wd * w): 1 - 0.5 * 1.5 and 2 - 0.5 * (-1)
        assertArrayEquals(new float[] {0.25f, 2.5f}, net.layer(0).weights());
    }

    @Test
    void sgdHyperparameterBounds() {
        Network net = Network.mlp(1, 1, 1, 1);
        rejects(IllegalArgumentException.class, "network must not be null", () -> new Sgd(null, 0.1f, 0f, 0f));
        rejects(IllegalArgumentException.class, "lr must be finite and > 0, got 0.0", () -> new Sgd(net, 0f, 0f, 0f));
        rejects(IllegalArgumentException.class, "lr must be finite and > 0, got Infinity",
                () -> new Sgd(net, Float.POSITIVE_INFINITY, 0f, 0f));
        rejects(IllegalArgumentException.class, "momentum must be in [0, 1), got 1.0", () -> new Sgd(net, 0.1f, 1f, 0f));
        rejects(IllegalArgumentException.class, "momentum must be in [0, 1), got -0.01",
                () -> new Sgd(net, 0.1f, -0.01f, 0f));
        rejects(IllegalArgumentException.class, "momentum must be in [0, 1), got NaN",
                () -> new Sgd(net, 0.1f, Float.NaN, 0f));
        rejects(IllegalArgumentException.class, "weightDecay must be finite and >= 0, got -0.5",
                () -> new Sgd(net, 0.1f, 0f, -0.5f));
        rejects(IllegalArgumentException.class, "weightDecay must be finite and >= 0, got Infinity",
                () -> new Sgd(net, 0.1f, 0f, Float.POSITIVE_INFINITY));
        rejects(IllegalArgumentException.class, "weightDecay must be finite and >= 0, got NaN",
                () -> new Sgd(net, 0.1f, 0f, Float.NaN));
        // The edges that are allowed.
        new Sgd(net, Float.MIN_VALUE, 0f, 0f);
        new Sgd(net, Float.MAX_VALUE, Math.nextDown(1f), Float.MAX_VALUE);
    }

    // ------------------------------------------------------------------ Init

    @Test
    void heIsNormalWithVarianceTwoOverFanIn() {
        float[] w = new float[200_000];
        Init.he(w, 8, new SplittableRandom(5));
        double sum = 0, squares = 0;
        long positive = 0;
        for (float v : w) {
            assertTrue(Float.isFinite(v));
            sum += v;
            squares += (double) v * v;
            positive += v > 0 ? 1 : 0;
        }
        double mean = sum / w.length, std = Math.sqrt(squares / w.length - mean * mean);
        assertEquals(0, mean, 0.005, "mean");
        assertEquals(0.5, std, 0.005, "std = sqrt(2 / 8)");
        assertEquals(0.5, positive / (double) w.length, 0.01, "symmetric");
        // A normal has about 4.55% of its mass beyond 2 sigma.
        long tails = 0;
        for (float v : w) {
            tails += Math.abs(v) > 1.0 ? 1 : 0;
        }
        assertEquals(0.0455, tails / (double) w.length, 0.003, "two-sigma tails");
    }

    @Test
    void glorotIsUniformWithinTheLimit() {
        float[] w = new float[100_000];
        Init.glorot(w, 10, 14, new SplittableRandom(6));
        double limit = Math.sqrt(6.0 / 24), sum = 0, squares = 0, maxAbs = 0;
        for (float v : w) {
            assertTrue(Math.abs(v) <= limit, v + " beyond the limit " + limit);
            sum += v;
            squares += (double) v * v;
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        assertEquals(0, sum / w.length, 0.005, "mean");
        assertEquals(limit * limit / 3, squares / w.length, 0.005 * limit * limit, "variance of U(-l, l)");
        assertTrue(maxAbs > 0.999 * limit, "reaches the limit: " + maxAbs);
    }

    // ------------------------------------------------------------------ GradCheck

    @Test
    void gradCheckRejectsABadStep() {
        Network net = Network.mlp(1, 1, 1, 1);
        rejects(IllegalArgumentException.class, "h must be > 0, got 0.0",
                () -> GradCheck.check(net, new float[1], new float[1], 1, 0));
        rejects(IllegalArgumentException.class, "h must be > 0, got NaN",
                () -> GradCheck.check(net, new float[1], new float[1], 1, Double.NaN));
    }

    @Test
    void gradCheckCountsKinksAndExactAgreement() {
        // ReLU unit at z = 0 exactly (x = 0, b = 0): moving its bias crosses the kink; then an
        // identity unit. With h = 1/4 every difference quotient of this quadratic loss is exact.
        Network net = new Network(Dense.of(1, 1, Activation.RELU, new float[] {1f}, new float[] {0f}, 1),
                Dense.of(1, 1, Activation.IDENTITY, new float[] {2f}, new float[] {0.5f}, 1));
        GradCheck.Result r = GradCheck.check(net, new float[] {0f}, new float[] {0f}, 1, 0.25);
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
        GradCheck.Result r = GradCheck.check(net, new float[] {0f}, new float[] {0f}, 1, 0.25);
        assertEquals(0, r.atKink());
        assertEquals(0, r.above1e3());
        assertEquals(0.0, r.worstError());
    }

    @Test
    void gradCheckFlagsAGradientThatFloatRoundingLost() {
        // P = fl(3 * fl(1/3)) = 1 = T in float, so backprop sees no error and gives zero
        // gradients; in double the loss still depends on W and b: relative error 1 for both.
        Network net = new Network(Dense.of(1, 1, Activation.IDENTITY, new float[] {1f / 3}, new float[] {0f}, 1));
        GradCheck.Result r = GradCheck.check(net, new float[] {3f}, new float[] {1f}, 1, 1.0 / 1024);
        assertEquals(2, r.parameters());
        assertEquals(2, r.above1e3());
        assertEquals(0, r.atKink());
        assertEquals(1.0, r.worstError());
        assertEquals("layer 0 W[0][0]", r.worstParameter(), "the first of equals is the worst");
    }

    @Test
    void gradCheckNamesTheLastParameterWhenAllAreNaN() {
        // NaN errors count as worst; each later NaN takes over, so the last parameter is named.
        float[] w = {1, 2, 3, 4, 5, 6};
        Network noBias = new Network(Dense.of(3, 2, Activation.IDENTITY, w, null, 1));
        GradCheck.Result r = GradCheck.check(noBias, new float[] {1f, Float.NaN, 2f}, new float[2], 1, 1e-3);
        assertEquals("layer 0 W[2][1]", r.worstParameter());
        assertTrue(Double.isNaN(r.worstError()));
        assertEquals(6, r.above1e3());
        Network twoLayers = new Network(Dense.of(3, 2, Activation.IDENTITY, w, null, 1),
                Dense.of(2, 3, Activation.IDENTITY, w, new float[3], 1));
        r = GradCheck.check(twoLayers, new float[] {1f, Float.NaN, 2f}, new float[3], 1, 1e-3);
        assertEquals("layer 1 b[2]", r.worstParameter());
        assertEquals(15, r.above1e3());
    }

    @Test
    void gradCheckResultReadsAsALine() {
        GradCheck.Result r = new GradCheck.Result(1.5e-4, "layer 0 W[1][2]", 10, 2, 3, 4_000, 200_000,
                5_000_000);
        String expected = String.format("gradcheck: %d parameters (%d at a ReLU kink, skipped), %d with"
                        + " relative error above 1e-3, worst %.2e (%s); one backward %.1f us against %d"
                        + " forward passes of %.1f us = %.1f ms (finite differences here, in double:"
                        + " %.1f ms)",
                10, 3, 2, 1.5e-4, "layer 0 W[1][2]", 4.0, 20, 200.0, 4.0, 5.0);
        assertEquals(expected, r.toString());
    }

    // ------------------------------------------------------------------ Diagnostics

    /**
     * relu(3 -> 10) -> relu(10 -> 4) -> identity(4 -> 2), maxBatch 5, after a forward pass of a
     * batch of 4, with every output set to 1 (alive) and every gradient to 0.
     */
    static Network cleared() {
        Network net = Network.mlp(5, 3, 3, 10, 4, 2);
        net.forward(Values.random(new Random(1), 12, 0, 1f), 0, 3, 4);
        for (Dense d : net.layers()) {
            Arrays.fill(d.output(), 1f);      // every unit alive
            Arrays.fill(d.weightGrad(), 0f);
            Arrays.fill(d.biasGrad(), 0f);
        }
        return net;
    }

    /** Sets weight gradients so that the layers' norms are exactly {@code norms}. */
    static void norms(Network net, float... norms) {
        for (int l = 0; l < norms.length; l++) {
            net.layer(l).weightGrad()[0] = norms[l];
        }
    }

    @Test
    void diagnosticsBeforeAnyForwardPass() {
        Network net = Network.mlp(4, 3, 3, 10, 4, 2);
        Diagnostics d = new Diagnostics(net);
        assertEquals(0, d.deadShare(0), "nothing read yet");
        d.update(net);
        for (int l = 0; l < 3; l++) {
            assertEquals(0, d.deadShare(l), "no batch: no dead units, layer " + l);
        }
        assertEquals(-1, d.deadLayer());
        assertTrue(Double.isNaN(d.normRatio()), "zero gradients: no ratio");
        assertFalse(d.vanishing(), "all-zero gradients do not vanish");
        assertFalse(d.exploding());
        assertTrue(d.healthy());
        assertEquals("ok", d.verdict());
    }

    @Test
    void diagnosticsReadEveryBuffer() {
        Network net = cleared();
        Dense l0 = net.layer(0), l1 = net.layer(1), l2 = net.layer(2);
        // Layer 0 (ReLU, 10 units, batch 4): 2 dead columns, 1 NaN and 2 infinities.
        for (int i = 0; i < 4; i++) {
            l0.output()[i * 10 + 3] = 0f;
            l0.output()[i * 10 + 7] = -1f;
        }
        l0.output()[5] = Float.NaN;
        l0.output()[11] = Float.POSITIVE_INFINITY;
        l0.output()[12] = Float.NEGATIVE_INFINITY;
        l0.output()[40] = Float.NaN;          // row 5, past the batch of 4: not read
        // Weight gradient norm 5, largest 4, plus a NaN and an infinity; bias gradient norm 12
        // and a NaN.
        l0.weightGrad()[0] = 3f;
        l0.weightGrad()[1] = -4f;
        l0.weightGrad()[2] = Float.NaN;
        l0.weightGrad()[3] = Float.NEGATIVE_INFINITY;
        l0.biasGrad()[4] = 12f;
        l0.biasGrad()[5] = Float.NaN;
        // Layer 1 (ReLU, 4 units): 1 dead column. Layer 2 (identity): a column <= 0 is not "dead".
        for (int i = 0; i < 4; i++) {
            l1.output()[i * 4 + 2] = -3f;
            l2.output()[i * 2 + 1] = -3f;
        }
        l1.weightGrad()[0] = 2f;
        l2.weightGrad()[0] = 1f;
        l2.biasGrad()[1] = Float.POSITIVE_INFINITY;
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        assertEquals(5, d.weightGradNorm(0));
        assertEquals(4, d.weightGradMax(0));
        assertEquals(12, d.biasGradNorm(0));
        assertEquals(2, d.weightGradNorm(1));
        assertEquals(0, d.biasGradNorm(1));
        assertEquals(1, d.activationNaN(0));
        assertEquals(2, d.activationInf(0));
        assertEquals(2, d.gradientNaN(0));
        assertEquals(1, d.gradientInf(0));
        assertEquals(0, d.gradientInf(1));
        assertEquals(1, d.gradientInf(2));
        assertEquals(0.2, d.deadShare(0));
        assertEquals(0.25, d.deadShare(1));
        assertEquals(0, d.deadShare(2), "identity layers have no dead units");
        assertEquals(3 / 14.0, d.deadShare(), "over the ReLU layers only");
        assertEquals(1 + 2 + 2 + 1 + 1, d.nonFinite());
        assertEquals(5, d.normRatio());
        assertTrue(d.exploding(), "an infinite gradient");
        assertFalse(d.vanishing());
        assertEquals(-1, d.deadLayer());
        assertFalse(d.healthy());
        assertEquals("NON-FINITE from layer 0 (3 NaN, 3 Inf) EXPLODING", d.verdict());
        String[] lines = d.toString().split("\n");
        assertEquals(4, lines.length);
        assertEquals(String.format("layer %d: |dW| %.3e max %.3e |db| %.3e dead %.1f%% nan %d/%d inf %d/%d",
                0, 5.0, 4.0, 12.0, 20.0, 1, 2, 2, 1), lines[0].strip());
        assertEquals(String.format("layer %d: |dW| %.3e max %.3e |db| %.3e dead %.1f%% nan %d/%d inf %d/%d",
                2, 1.0, 1.0, 0.0, 0.0, 0, 0, 0, 1),
                lines[2].strip());
        assertEquals(String.format("first/last |dW| ratio %.3e: %s", 5.0, d.verdict()), lines[3]);
        rejects(IllegalArgumentException.class, "network has 2 layers, these diagnostics were made for 3",
                () -> d.update(Network.mlp(4, 3, 3, 2, 1)));
    }

    @Test
    void diagnosticsNameTheFirstNonFiniteLayerAndCountEachKind() {
        // One kind of non-finite value at a time, in layer 1 only (and twice that in layer 2).
        for (int kind = 0; kind < 4; kind++) {
            Network net = cleared();
            norms(net, 1f, 1f, 1f);
            for (int l = 1; l < 3; l++) {
                Dense layer = net.layer(l);
                for (int rep = 0; rep < l; rep++) {
                    switch (kind) {
                        case 0 -> layer.output()[rep] = Float.NaN;
                        case 1 -> layer.output()[rep] = Float.NEGATIVE_INFINITY;
                        case 2 -> layer.weightGrad()[1 + rep] = Float.NaN;
                        default -> layer.biasGrad()[rep] = Float.POSITIVE_INFINITY;
                    }
                }
            }
            Diagnostics d = new Diagnostics(net);
            d.update(net);
            assertEquals(3, d.nonFinite(), "kind " + kind);
            String counts = kind == 0 || kind == 2 ? "(1 NaN, 0 Inf)" : "(0 NaN, 1 Inf)";
            assertTrue(d.verdict().startsWith("NON-FINITE from layer 1 " + counts), kind + ": " + d.verdict());
        }
    }

    @Test
    void diagnosticsThresholdsAreExclusiveOrInclusiveAsDocumented() {
        // Vanishing: a first/last ratio of exactly 1e-3 is not vanishing; below it is.
        Network net = cleared();
        norms(net, 1f, 1f, 1000f);
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        assertEquals(1e-3, d.normRatio());
        assertFalse(d.vanishing());
        assertTrue(d.healthy());
        assertEquals("ok", d.verdict());
        norms(net, 0.5f, 1f, 1000f);
        d.update(net);
        assertTrue(d.vanishing());
        assertEquals("VANISHING", d.verdict());
        norms(net, 0f, 1f, 1000f);
        d.update(net);
        assertTrue(d.vanishing(), "a zero first-layer gradient under a live one");

        // Exploding by ratio: exactly 1e3 is not; above it is.
        norms(net, 1000f, 1f, 1f);
        d.update(net);
        assertFalse(d.exploding());
        norms(net, 2000f, 1f, 1f);
        d.update(net);
        assertTrue(d.exploding());
        assertEquals("EXPLODING", d.verdict());

        // Exploding by norm: exactly 1e4 in every layer is not; above it in a middle layer is.
        norms(net, 1e4f, 1e4f, 1e4f);
        d.update(net);
        assertEquals(1, d.normRatio());
        assertFalse(d.exploding());
        norms(net, 1e4f, 2e4f, 1e4f);
        d.update(net);
        assertTrue(d.exploding());

        // Dead layer: exactly 90% of a ReLU layer's units dead is a dead layer; 80% is not.
        norms(net, 1f, 1f, 1f);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 9; j++) {
                net.layer(0).output()[i * 10 + j] = j < 8 ? 0f : -2f;
            }
        }
        d.update(net);
        assertEquals(0.9, d.deadShare(0));
        assertEquals(0, d.deadLayer());
        assertEquals("DEAD LAYER 0 (90% of units)", d.verdict());
        net.layer(0).output()[8] = 1f;
        d.update(net);
        assertEquals(-1, d.deadLayer());
        assertTrue(d.healthy());
        // In the second layer: 3 of 4 units dead is 75%, 4 of 4 is a dead layer 1.
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                net.layer(1).output()[i * 4 + j] = -1f;
            }
        }
        d.update(net);
        assertEquals(1, d.deadLayer());
        assertEquals("DEAD LAYER 1 (100% of units)", d.verdict());
    }

    @Test
    void diagnosticsOfASingleIdentityLayer() {
        Network net = new Network(Dense.of(2, 3, Activation.IDENTITY, new float[6], null, 2));
        net.forward(new float[] {1, 2, 3, 4}, 0, 2, 2);
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        assertEquals(0, d.deadShare(), "no ReLU units at all");
        assertEquals(0, d.biasGradNorm(0), "no bias");
        net.layer(0).weightGrad()[0] = 3f;
        d.update(net);
        assertEquals(1, d.normRatio());
        assertFalse(d.vanishing());
        assertFalse(d.exploding());
        assertTrue(d.healthy());
    }
}

package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;
import static org.vecprop.testing.Rejections.rejectsWithPrefix;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Activation;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * The network API: the article's example, the zero_grad trap, backprop against finite
 * differences, training, shared weights, bad input; and, found unchecked by mutation testing
 * (scripts/mutation), the argument checks' messages, the accessors, and the first layer's
 * skipped data gradient.
 */
class NetworkTest {

    /** As in the kernel-level article test: decimal inputs rounded to float, few operations. */
    static final float TOL = 2e-6f;

    @Test
    void articleExampleThroughTheNetworkApi() {
        Network net = new Network(
                Dense.of(2, 2, Activation.RELU, new float[] {0.5f, -0.3f, 0.2f, 0.8f}, null, 1),
                Dense.of(2, 1, Activation.IDENTITY, new float[] {0.6f, -0.4f}, null, 1));
        Output p = net.forward(new float[] {1f, 2f}, 0, 2, 1);
        assertEquals(1, p.rows());
        assertEquals(0.02f, p.get(0, 0), TOL);
        assertEquals(0.9604f, net.loss(new float[] {1f}, 0, 1), TOL);
        net.zeroGrad();
        net.backward(Gradients.ACCUMULATE);
        assertArrayEquals(new float[] {-1.764f, -2.548f}, net.layer(1).weightGrad(), TOL);
        assertArrayEquals(new float[] {-1.176f, 0.784f, -2.352f, 1.568f},
                net.layer(0).weightGrad(), TOL);
    }

    @Test
    void twoBackwardsWithoutZeroGradGiveTwiceTheGradient() {
        Network net = Network.mlp(16, 3, 5, 7, 3);
        Random rnd = new Random(1);
        float[] x = Values.random(rnd, 16 * 5, 0, 1f), t = Values.random(rnd, 16 * 3, 0, 1f);
        net.forward(x, 0, 5, 16);
        net.loss(t, 0, 3);
        net.backward(Gradients.OVERWRITE);
        float[][] once = snapshot(net);
        net.backward(Gradients.ACCUMULATE); // the trap: no zeroGrad in between
        float[][] twice = snapshot(net);
        for (int i = 0; i < once.length; i++) {
            for (int j = 0; j < once[i].length; j++) {
                // g + g is exact in float, and the second pass computes the same g bit for bit.
                Compare.same(2 * once[i][j], twice[i][j], "buffer " + i + " element " + j);
            }
        }
        net.backward(Gradients.OVERWRITE); // overwrite: back to one batch's gradient
        float[][] again = snapshot(net);
        for (int i = 0; i < once.length; i++) {
            Compare.sameArray(once[i], again[i], "overwrite buffer " + i);
        }
        net.zeroGrad();
        for (float[] g : snapshot(net)) {
            for (float v : g) {
                assertEquals(0f, v);
            }
        }
    }

    static float[][] snapshot(Network net) {
        float[][] s = new float[2 * net.depth()][];
        for (int l = 0; l < net.depth(); l++) {
            s[2 * l] = net.layer(l).weightGrad().clone();
            s[2 * l + 1] = net.layer(l).biasGrad().clone();
        }
        return s;
    }

    @Test
    void gradCheckAgreesWithBackprop() {
        // Networks of 1 to 3 layers with random widths, including 1 and widths off tile edges.
        Props.theory(20).forAll(org.quicktheories.generators.Generate.range(1, 3),
                org.quicktheories.generators.Generate.range(1, 37),
                org.quicktheories.generators.Generate.range(1, 9),
                org.quicktheories.generators.Generate.longRange(0, 1000))
                .checkAssert((depth, width, batch, seed) -> {
            int[] sizes = new int[depth + 1];
            Random rnd = new Random(seed);
            for (int i = 0; i <= depth; i++) {
                sizes[i] = i == 0 ? 1 + rnd.nextInt(6) : i == depth ? 1 + rnd.nextInt(3) : width;
            }
            Network net = Network.mlp(batch, seed, sizes);
            float[] x = Values.random(rnd, batch * sizes[0], 0, 1f);
            float[] t = Values.random(rnd, batch * sizes[depth], 0, 1f);
            GradCheck.Result r = GradCheck.check(net, x, 0, sizes[0], t, 0, sizes[depth], batch, 1e-3);
            assertTrue(r.worstError() <= 1e-3, java.util.Arrays.toString(sizes) + " batch "
                    + batch + ": " + r);
        });
    }

    @Test
    void gradCheckAgreesWithBackpropWithAnActivationPerLayer() {
        // Sigmoid, tanh and ReLU chosen per hidden layer (the Network(Dense...) way), 1 to 4
        // layers; the double-precision check evaluates the same functions.
        Activation[] hidden = {Activation.SIGMOID, Activation.TANH, Activation.RELU};
        Props.theory(20).forAll(org.quicktheories.generators.Generate.range(1, 4),
                org.quicktheories.generators.Generate.range(1, 37),
                org.quicktheories.generators.Generate.range(1, 9),
                org.quicktheories.generators.Generate.longRange(0, 1000))
                .checkAssert((depth, width, batch, seed) -> {
            Random rnd = new Random(seed);
            Dense[] layers = new Dense[depth];
            StringBuilder what = new StringBuilder();
            int in = 1 + rnd.nextInt(6);
            int inputs = in;
            for (int l = 0; l < depth; l++) {
                boolean last = l == depth - 1;
                int out = last ? 1 + rnd.nextInt(3) : width;
                Activation act = last ? Activation.IDENTITY : hidden[rnd.nextInt(hidden.length)];
                layers[l] = new Dense(in, out, act, true, batch, seed + l);
                Values.fill(rnd, layers[l].biasArray(), 0, 0.5f);
                what.append(act).append(' ').append(in).append('x').append(out).append(", ");
                in = out;
            }
            Network net = new Network(layers);
            float[] x = Values.random(rnd, batch * inputs, 0, 1f);
            float[] t = Values.random(rnd, batch * in, 0, 1f);
            GradCheck.Result r = GradCheck.check(net, x, 0, inputs, t, 0, in, batch, 1e-3);
            assertTrue(r.worstError() <= 1e-3, what + "batch " + batch + ": " + r);
        });
    }

    @Test
    void mlpTakesTheHiddenActivation() {
        Network net = Network.mlp(4, 9, Activation.TANH, 3, 6, 5, 2);
        assertEquals(Activation.TANH, net.layer(0).activation());
        assertEquals(Activation.TANH, net.layer(1).activation());
        assertEquals(Activation.IDENTITY, net.layer(2).activation());
        Network relu = Network.mlp(4, 9, 3, 6, 5, 2);
        Network explicit = Network.mlp(4, 9, Activation.RELU, 3, 6, 5, 2);
        for (int l = 0; l < 3; l++) {
            assertEquals(relu.layer(l).activation(), explicit.layer(l).activation());
            Compare.sameArray(relu.layer(l).weightArray(), explicit.layer(l).weightArray(),
                    "mlp without an activation is mlp with ReLU, layer " + l);
        }
        // Layer l is initialised from seed + l, as documented: the same weights as a Dense made
        // with that seed (layer 0 alone would not tell seed + l from seed - l).
        for (int l = 0; l < 3; l++) {
            Dense alone = new Dense(net.layer(l).inputs(), net.layer(l).outputs(),
                    net.layer(l).activation(), true, 4, 9 + l);
            Compare.sameArray(alone.weightArray(), net.layer(l).weightArray(), "mlp layer " + l + " seed");
        }
        rejects(NullPointerException.class, "hidden must not be null",
                () -> Network.mlp(4, 9, (Activation) null, 3, 2));
        rejects(IllegalArgumentException.class, "sizes must all be >= 1, got 0 at index 1",
                () -> Network.mlp(4, 9, Activation.SIGMOID, 3, 0, 2));
    }

    @Test
    void sharedWeightsGiveTheSameInference() {
        Network net = Network.mlp(8, 11, 4, 19, 2);
        Network other = net.sharingWeights(8);
        Random rnd = new Random(2);
        float[] x = Values.random(rnd, 8 * 4, 0, 1f);
        float[] a = net.forward(x, 0, 4, 8).toArray();
        float[] b = other.forward(x, 0, 4, 8).toArray();
        assertEquals(16, a.length);
        Compare.sameArray(a, b, "outputs");
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
    void badInputIsRejectedOrFlagged() {
        Network net = Network.mlp(4, 1, 3, 5, 2);
        float[] x = new float[5 * 3];
        assertThrows(IllegalArgumentException.class, () -> net.forward(x, 0, 3, 5),
                "batch 5 > maxBatch 4");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new Network(new Dense(3, 5, Activation.RELU, true, 4, 1),
                        new Dense(4, 2, Activation.IDENTITY, true, 4, 1)));
        assertEquals("layers must fit together, got layer 1 taking 4 inputs but layer 0 giving 5",
                e.getMessage());
        assertThrows(IllegalStateException.class, () -> Network.mlp(2, 1, 2, 2).backward(Gradients.OVERWRITE));
        assertThrows(IndexOutOfBoundsException.class, () -> net.forward(x, 4, 3, 4));
        // NaN in the input: computed, and flagged by the diagnostics.
        x[4] = Float.NaN;
        net.forward(x, 0, 3, 4);
        net.loss(new float[8], 0, 2);
        net.backward(Gradients.OVERWRITE);
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        assertFalse(d.healthy());
        assertTrue(d.activationNaN(0) > 0 && d.verdict().contains("NON-FINITE from layer 0"), d.verdict());
    }

    @Test
    void checksAndAccessors() {
        rejects(IllegalArgumentException.class, "sizes must hold at least 2 widths (input and output), got 1",
                () -> Network.mlp(2, 1, 3));
        rejects(NullPointerException.class, "sizes must not be null",
                () -> Network.mlp(2, 1, (int[]) null));
        rejects(IllegalArgumentException.class, "sizes must all be >= 1, got 0 at index 1", () -> Network.mlp(2, 1, 3, 0, 1));
        rejects(IllegalArgumentException.class, "maxBatch must be >= 1, got 0", () -> Network.mlp(0, 1, 3, 1));
        rejects(IllegalArgumentException.class, "layers must hold at least one layer, got none",
                () -> new Network());
        rejects(NullPointerException.class, "layers must not be null", () -> new Network((Dense[]) null));
        Dense first = new Dense(3, 4, Activation.RELU, true, 4, 1);
        rejects(NullPointerException.class, "layers must not contain null, got null at index 1",
                () -> new Network(first, null));
        Dense square = new Dense(4, 4, Activation.RELU, true, 4, 1);
        rejects(IllegalArgumentException.class, "layers must be distinct objects, got layer 2 the"
                + " same object as layer 1: each layer"
                + " owns its buffers, use one object per position", () -> new Network(first, square, square));
        rejects(IllegalArgumentException.class, "layers must share one maxBatch, got 3 for layer 1"
                        + " and 4 for layer 0",
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
        assertEquals(Loss.mse(), net.lossFunction(), "a network of layers alone trains with MSE");
        assertEquals(4 * 2, net.lossGradient().length);
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
        assertSame(net.layer(1).weightArray(), other.layer(1).weightArray());
    }

    /**
     * probabilities is checked before it writes: before any forward pass it refuses with the
     * documented IllegalStateException (not with a complaint about a batch of -1 rows), and a dst
     * too short for {@code batch x outputs} or a row stride below outputs is refused naming dst
     * (the network's check, not the softmax kernel's, which would name its own y); dst is left
     * as it was each time. (PIT at 4ef7807: removing either check survived.)
     */
    @Test
    void probabilitiesRefusesBeforeAForwardAndABadDstWithoutWriting() {
        Network net = Network.classifier(4, 3, 6, 7, 5);
        float[] dst = new float[4 * 5 + 1];
        java.util.Arrays.fill(dst, -7f);
        float[] untouched = dst.clone();
        rejects(IllegalStateException.class, "no forward pass yet", () -> net.probabilities(dst, 0, 5));
        Compare.sameArray(untouched, dst, "dst after probabilities before any forward");

        net.forward(Values.random(new Random(4), 4 * 6, 0, 1f), 0, 6, 4);
        rejectsWithPrefix(IndexOutOfBoundsException.class, "dst must fit in its array: a 4 x 5 matrix at"
                + " dstOff = 2 with ", () -> net.probabilities(dst, 2, 5));
        rejects(IndexOutOfBoundsException.class, "dstOff must be in [0, dst.length = 21], got 22",
                () -> net.probabilities(dst, 22, 5));
        // The row stride is named as the parameter is, lddst (the BLAS-style ld + array name).
        rejects(IllegalArgumentException.class, "lddst must be >= max(1, cols = 5), got 4",
                () -> net.probabilities(dst, 0, 4));
        Compare.sameArray(untouched, dst, "dst after the refused calls");
        net.probabilities(dst, 1, 5); // the same dst, in bounds, is written
        assertEquals(-7f, dst[0]);
        assertFalse(dst[1] == -7f, "row 0's first probability written");
    }

    /**
     * A network's layers run one at a time, so they share one scratch (GEMM packing and the
     * like), the network's: n layers keep one set of buffers, not n. A layer built alone keeps
     * its own until it joins a network, and a network made by sharingWeights has a scratch of
     * its own (it runs on another thread). (Only the allocation test, outside PIT, measured
     * anything of this before: PIT at 4ef7807 let the shared scratch go unnoticed.)
     */
    @Test
    void aNetworksLayersShareTheNetworksOneScratch() {
        Dense a = new Dense(3, 4, Activation.RELU, true, 2, 1);
        Dense b = new Dense(4, 4, Activation.TANH, true, 2, 2);
        Dense c = new Dense(4, 2, Activation.IDENTITY, true, 2, 3);
        assertFalse(a.workspace() == b.workspace(), "layers built alone have scratches of their own");
        Network net = new Network(a, b, c);
        assertSame(a.workspace(), b.workspace(), "layers 0 and 1 share the network's scratch");
        assertSame(a.workspace(), c.workspace(), "layers 0 and 2 share the network's scratch");
        Network other = net.sharingWeights(2);
        assertSame(other.layer(0).workspace(), other.layer(2).workspace(), "the sharer's layers share one");
        assertFalse(other.layer(0).workspace() == a.workspace(), "the sharer's scratch is its own");
    }

    @Test
    void callsInTheWrongOrderAreRejected() {
        Network net = Network.mlp(4, 2, 3, 5, 2);
        float[] x = Values.random(new Random(3), 12, 0, 1f), t = new float[8];
        rejects(IllegalStateException.class, "no forward pass yet", () -> net.backward(Gradients.OVERWRITE));
        net.forward(x, 0, 3, 4);
        assertFalse(net.lossReady());
        rejects(IllegalStateException.class, "backward needs loss(...) after the last forward",
                () -> net.backward(Gradients.OVERWRITE));
        net.loss(t, 0, 2);
        assertTrue(net.lossReady());
        net.backward(Gradients.OVERWRITE);
        net.backward(Gradients.ACCUMULATE); // again: allowed (the zero_grad trap is a choice)
        net.forward(x, 0, 3, 2);
        rejects(IllegalStateException.class, "backward needs loss(...) after the last forward",
                () -> net.backward(Gradients.ACCUMULATE));
        // A rejected forward keeps the previous pass: its batch, its loss, its backward.
        net.loss(t, 0, 2);
        assertThrows(IllegalArgumentException.class, () -> net.forward(x, 0, 3, 5));
        assertEquals(2, net.batch());
        assertTrue(net.lossReady());
        net.backward(Gradients.OVERWRITE);
        rejects(NullPointerException.class, "mode must not be null", () -> net.backward(null));
        rejects(NullPointerException.class, "x must not be null", () -> net.forward(null, 0, 3, 1));
        rejects(NullPointerException.class, "t must not be null", () -> net.loss(null, 0, 2));
        rejects(IndexOutOfBoundsException.class, "l must be in [0, depth() = 2), got 2", () -> net.layer(2));
        rejects(IndexOutOfBoundsException.class, "l must be in [0, depth() = 2), got -1", () -> net.layer(-1));
        assertEquals(3, net.inputs());
        assertEquals(2, net.outputs());
        assertEquals("Network[Linear(3, 5), ReLU(), Linear(5, 2)]", net.toString());
    }

    @Test
    void gradCheckLeavesTheNetworkAsItWas() {
        Network net = Network.mlp(4, 5, 3, 6, 2);
        Random rnd = new Random(4);
        float[] x = Values.random(rnd, 3 * 9, 0, 1f), t = Values.random(rnd, 3 * 4, 0, 1f);
        net.forward(x, 0, 3, 4);
        net.loss(t, 0, 2);
        net.backward(Gradients.ACCUMULATE);
        net.layer(1).freeze();
        java.util.List<float[]> before = new java.util.ArrayList<>();
        for (Dense d : net.layers()) {
            for (float[] a : new float[][] {d.weightArray(), d.biasArray(), d.weightGrad(),
                d.biasGrad(), d.output(), d.outputGrad(), d.inputGrad()}) {
                before.add(a.clone());
            }
        }
        before.add(net.lossGradient().clone());
        // Rows 1 and 2 of strided x (ld 9, from 3) and t (ld 4, from 2): the layout conventions.
        GradCheck.Result r = GradCheck.check(net, x, 3 + 9, 9, t, 2 + 4, 4, 2, 1e-3);
        assertTrue(r.worstError() <= 1e-3, r.toString());
        assertEquals(3 * 6 + 6, r.parameters(), "the frozen layer is not checked");
        int i = 0;
        for (Dense d : net.layers()) {
            for (float[] a : new float[][] {d.weightArray(), d.biasArray(), d.weightGrad(),
                d.biasGrad(), d.output(), d.outputGrad(), d.inputGrad()}) {
                Compare.sameArray(before.get(i++), a, "buffer " + (i - 1));
            }
        }
        Compare.sameArray(before.get(i), net.lossGradient(), "dP");
        assertEquals(4, net.batch());
        assertTrue(net.lossReady());
        assertTrue(net.layer(1).frozen());
        // The same rows given densely give the same result.
        float[] xd = java.util.Arrays.copyOfRange(x, 3 + 9, 3 + 9 + 2 * 9), td = new float[4];
        float[] xdense = new float[6];
        for (int row = 0; row < 2; row++) {
            System.arraycopy(xd, row * 9, xdense, row * 3, 3);
            System.arraycopy(t, 2 + 4 + row * 4, td, row * 2, 2);
        }
        GradCheck.Result dense = GradCheck.check(net, xdense, 0, 3, td, 0, 2, 2, 1e-3);
        assertEquals(r.worstError(), dense.worstError());
        assertEquals(r.worstParameter(), dense.worstParameter());
        rejects(IllegalArgumentException.class, "h must be finite and > 0, got Infinity",
                () -> GradCheck.check(net, x, 0, 3, t, 0, 2, 1, Double.POSITIVE_INFINITY));
        rejects(IllegalArgumentException.class, "batch must be >= 1, got 0",
                () -> GradCheck.check(net, x, 0, 3, t, 0, 2, 0, 1e-3));
        rejects(NullPointerException.class, "net must not be null",
                () -> GradCheck.check(null, x, 0, 3, t, 0, 2, 1, 1e-3));
        assertThrows(IndexOutOfBoundsException.class,
                () -> GradCheck.check(net, x, 0, 3, t, 0, 2, 10, 1e-3));
    }
}

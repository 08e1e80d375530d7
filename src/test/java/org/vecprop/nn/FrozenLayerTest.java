package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Activation;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * Frozen layers: no parameter gradient, no update, the gradient still passed to the layers
 * below; layers below the lowest trainable one not visited; the diagnostics telling a frozen
 * layer from a dead one and from one whose gradient is zero for another reason.
 */
class FrozenLayerTest {

    static float[][] grads(Network net) {
        float[][] g = new float[2 * net.depth()][];
        for (int l = 0; l < net.depth(); l++) {
            g[2 * l] = net.layer(l).weightGrad().clone();
            g[2 * l + 1] = net.layer(l).biasGrad().clone();
        }
        return g;
    }

    static void step(Network net, float[] x, float[] t, Gradients mode) {
        net.forward(x, 0, net.inputs(), net.maxBatch());
        net.loss(t, 0, net.outputs());
        net.backward(mode);
    }

    @Test
    void aFrozenMiddleLayerPassesTheGradientOnButGetsNone() {
        Random rnd = new Random(2);
        Network net = Network.mlp(6, 3, 4, 9, 7, 2);
        float[] x = Values.random(rnd, 6 * 4, 0, 1f), t = Values.random(rnd, 6 * 2, 0, 1f);
        step(net, x, t, Gradients.OVERWRITE);
        float[][] all = grads(net);
        net.layer(1).freeze();
        assertTrue(net.layer(1).frozen());
        assertArrayEquals(new float[9 * 7], net.layer(1).weightGrad(), "freeze zeroes the gradient");
        step(net, x, t, Gradients.OVERWRITE);
        float[][] frozen = grads(net);
        Compare.sameArray(all[0], frozen[0], "layer 0 still gets its gradient (through layer 1)");
        Compare.sameArray(all[1], frozen[1], "layer 0 bias");
        Compare.sameArray(all[4], frozen[4], "layer 2");
        Compare.sameArray(new float[9 * 7], frozen[2], "no weight gradient for the frozen layer");
        Compare.sameArray(new float[7], frozen[3], "no bias gradient for the frozen layer");
        net.layer(1).unfreeze();
        step(net, x, t, Gradients.OVERWRITE);
        Compare.sameArray(all[2], grads(net)[2], "unfrozen, it gets its gradient again");
    }

    @Test
    void layersBelowTheLowestTrainableOneAreNotVisited() {
        Random rnd = new Random(3);
        Network net = Network.mlp(5, 4, 3, 8, 6, 2);
        float[] x = Values.random(rnd, 5 * 3, 0, 1f), t = Values.random(rnd, 5 * 2, 0, 1f);
        step(net, x, t, Gradients.OVERWRITE);
        float[][] all = grads(net);
        net.layer(0).freeze();
        net.layer(1).freeze();
        Arrays.fill(net.layer(1).inputGrad(), 42f);
        Arrays.fill(net.layer(2).inputGrad(), 42f);
        step(net, x, t, Gradients.OVERWRITE);
        for (float v : net.layer(2).inputGrad()) {
            assertEquals(42f, v, "the lowest trainable layer computes no dX");
        }
        for (float v : net.layer(1).inputGrad()) {
            assertEquals(42f, v, "a frozen layer below it is not visited");
        }
        Compare.sameArray(all[4], grads(net)[4], "layer 2 gets its gradient as before");
        // Every layer frozen: backward runs nothing and changes nothing.
        net.layer(2).freeze();
        step(net, x, t, Gradients.OVERWRITE);
        for (float[] g : grads(net)) {
            Compare.sameArray(new float[g.length], g, "all frozen");
        }
    }

    @Test
    void aFrozenLayerIsNotUpdatedAndTheOthersAre() {
        Random rnd = new Random(4);
        Network net = Network.mlp(8, 5, 2, 16, 1);
        Sgd sgd = new Sgd(net, SgdOptions.learningRate(0.05f).withMomentum(0.9f));
        net.layer(0).freeze();
        float[] w0 = net.layer(0).weightArray().clone(), w1 = net.layer(1).weightArray().clone();
        for (int i = 0; i < 5; i++) {
            step(net, Values.random(rnd, 16, 0, 1f), Values.random(rnd, 8, 0, 1f), Gradients.ACCUMULATE);
            sgd.step();
        }
        Compare.sameArray(w0, net.layer(0).weightArray(), "frozen");
        assertFalse(Arrays.equals(w1, net.layer(1).weightArray()), "trainable");
    }

    @Test
    void aLoneFrozenDenseComputesOnlyDx() {
        Random rnd = new Random(6);
        Dense d = new Dense(5, 3, Activation.RELU, true, 4, 1);
        Dense twin = d.sharingWeights(4);
        float[] x = Values.random(rnd, 4 * 5, 0, 1f), dA = Values.random(rnd, 4 * 3, 0, 1f);
        d.forward(x, 0, 5, 4);
        twin.forward(x, 0, 5, 4);
        twin.backward(dA, 0, 3, Gradients.OVERWRITE, true);
        d.freeze();
        assertTrue(d.sharingWeights(4).frozen(), "a sharing layer starts frozen too");
        d.backward(dA, 0, 3, Gradients.OVERWRITE, true);
        Compare.sameArray(twin.inputGrad(), d.inputGrad(), "dX as if trainable");
        Compare.sameArray(new float[15], d.weightGrad(), "no dW");
        Compare.sameArray(new float[3], d.biasGrad(), "no db");
        Arrays.fill(d.inputGrad(), 5f);
        d.backward(dA, 0, 3, Gradients.OVERWRITE, false);
        assertEquals(5f, d.inputGrad()[0], "frozen, without dX: nothing to do");
    }

    @Test
    void diagnosticsTellFrozenFromDeadFromNoGradient() {
        Random rnd = new Random(7);
        float[] x = Values.random(rnd, 16 * 2, 0, 1f), t = Values.random(rnd, 16, 0, 1f);

        // Frozen on purpose: FROZEN, and not vanishing (it is left out of the comparison).
        Network frozen = Network.mlp(16, 7, 2, 32, 32, 1);
        frozen.layer(0).freeze();
        step(frozen, x, t, Gradients.OVERWRITE);
        Diagnostics d = new Diagnostics(frozen);
        d.update(frozen);
        assertEquals(Diagnostics.LayerState.FROZEN, d.state(0));
        assertEquals(Diagnostics.LayerState.OK, d.state(1));
        assertTrue(d.frozen(0));
        assertFalse(d.vanishing(), "a frozen layer's zero gradient is not a vanishing one");
        assertTrue(d.healthy());
        assertEquals("ok, FROZEN LAYER 0", d.verdict());
        assertTrue(d.toString().startsWith("layer 0: FROZEN (no gradient, not updated) dead "),
                d.toString());

        // Dead: every first-layer ReLU off. Its own gradient is zero: DEAD, not NO_GRADIENT.
        Network dead = Network.mlp(16, 7, 2, 32, 32, 1);
        dead.parameter("0.bias").fill(-5f);
        step(dead, x, t, Gradients.OVERWRITE);
        d.update(dead);
        assertEquals(Diagnostics.LayerState.DEAD, d.state(0));
        assertEquals(0, d.deadLayer());
        assertFalse(d.healthy());
        assertFalse(d.verdict().contains("FROZEN"), d.verdict());

        // No gradient: layer 1 dead, so nothing reaches layer 0, which is alive and trainable.
        Network starved = Network.mlp(16, 7, 2, 32, 32, 1);
        starved.parameter("2.bias").fill(-5f);
        step(starved, x, t, Gradients.OVERWRITE);
        d.update(starved);
        assertEquals(Diagnostics.LayerState.DEAD, d.state(1));
        assertEquals(Diagnostics.LayerState.NO_GRADIENT, d.state(0));
        assertEquals(0, d.noGradientLayer());
        assertTrue(d.verdict().contains("NO GRADIENT IN LAYER 0"), d.verdict());
        assertTrue(d.deadShare(0) < Diagnostics.DEAD_LAYER_SHARE, "layer 0 is alive");

        // Before any backward, every gradient is zero: NO_GRADIENT, but nothing flagged.
        Network fresh = Network.mlp(16, 7, 2, 32, 32, 1);
        d.update(fresh);
        assertEquals(Diagnostics.LayerState.NO_GRADIENT, d.state(0));
        assertEquals(-1, d.noGradientLayer());
        assertTrue(d.healthy());
    }
}

package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Compare;
import org.vecprop.kernel.Props;
import org.vecprop.kernel.Values;
import org.vecprop.kernel.Activation;

/**
 * The network API: the zero_grad trap, gradient checks, shared weights, bad input. (The article's
 * example through the network API and the demo's training run are tested in examples/demo.)
 */
class NetworkTest {
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
            GradCheck.Result r = GradCheck.check(net, x, t, batch, 1e-3);
            assertTrue(r.worstError() <= 1e-3, java.util.Arrays.toString(sizes) + " batch "
                    + batch + ": " + r);
        });
    }

    @Test
    void sharedWeightsGiveTheSameInference() {
        Network net = Network.mlp(8, 11, 4, 19, 2);
        Network other = net.sharingWeights(8);
        Random rnd = new Random(2);
        float[] x = Values.random(rnd, 8 * 4, 0, 1f);
        float[] a = net.forward(x, 0, 4, 8).clone();
        float[] b = other.forward(x, 0, 4, 8);
        Compare.sameArray(java.util.Arrays.copyOf(a, 16), java.util.Arrays.copyOf(b, 16), "outputs");
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
        assertTrue(e.getMessage().contains("layer 1 takes 4 inputs but layer 0 gives 5"), e.getMessage());
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
}

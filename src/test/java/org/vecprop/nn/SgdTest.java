package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Compare;
import org.vecprop.kernel.Props;
import org.vecprop.kernel.Update;
import org.vecprop.kernel.Values;
import org.quicktheories.generators.Generate;

/** The SGD update kernel against its reference, and the optimizer's non-finite guard. */
class SgdTest {

    @Test
    void updateIsBitIdenticalToTheReference() {
        Props.theory().forAll(Generate.range(0, 300), Generate.booleans(), Generate.booleans(),
                Generate.longRange(0, 1 << 30)).checkAssert((n, momentum, zero, seed) -> {
            Random rnd = new Random(seed);
            float[] w = Values.random(rnd, n + 3, 30, 1f), g = Values.random(rnd, n + 1, 30, 1f);
            float[] v = Values.random(rnd, n + 2, 30, 1f);
            float[] w2 = w.clone(), g2 = g.clone(), v2 = v.clone();
            float mom = momentum ? 0.9f : 0f;
            org.vecprop.reference.ReferenceUpdate.sgd(n, w, 3, g, 1, v, 2, 0.01f, mom, 1e-3f, zero);
            Update.sgd(n, w2, 3, g2, 1, v2, 2, 0.01f, mom, 1e-3f, zero);
            Compare.sameArray(w, w2, "w");
            Compare.sameArray(g, g2, "g");
            Compare.sameArray(v, v2, "v");
        });
    }

    @Test
    void nonFiniteGradientsRefuseTheStepAndNameTheLayer() {
        Network net = Network.mlp(8, 4, 3, 6, 2);
        Sgd sgd = new Sgd(net, 0.1f, 0f, 0f);
        float[] x = Values.random(new Random(1), 8 * 3, 0, 1f), t = new float[16];
        net.forward(x, 0, 3, 8);
        net.loss(t, 0, 2);
        net.backward(Gradients.OVERWRITE);
        net.layer(1).biasGrad()[1] = Float.POSITIVE_INFINITY; // one bad gradient in layer 1
        float[] w0 = net.layer(0).weights().clone();
        float[] g0 = net.layer(0).weightGrad().clone();
        assertEquals(1, sgd.stepIfFinite());
        Compare.sameArray(w0, net.layer(0).weights(), "weights untouched");
        Compare.sameArray(g0, net.layer(0).weightGrad(), "gradients kept for inspection");
        net.layer(1).biasGrad()[1] = 0f;
        assertEquals(-1, sgd.stepIfFinite());
        assertEquals(0f, net.layer(0).weightGrad()[0], "the applied step zeroes gradients");
    }

    @Test
    void badHyperparametersAreRejected() {
        Network net = Network.mlp(1, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> new Sgd(net, 0f, 0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(net, Float.NaN, 0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(net, 0.1f, 1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(net, 0.1f, 0f, -1f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(null, 0.1f, 0f, 0f));
    }
}

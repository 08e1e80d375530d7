package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/** The optimizer's non-finite guard and its hyperparameter checks (the update kernel: kernel.UpdateTest). */
class SgdTest {

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

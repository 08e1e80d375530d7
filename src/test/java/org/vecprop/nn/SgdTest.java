package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.vecprop.testing.Rejections.rejects;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Activation;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * {@link Sgd}: the non-finite guard, the momentum and weight-decay paths (found unchecked by
 * mutation testing, scripts/mutation), and the hyperparameter checks. The update kernel it
 * runs is tested in kernel.UpdateTest.
 */
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
    void withMomentumAndWeightDecay() {
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
    void withoutMomentumOnALayerWithoutBias() {
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
    void badHyperparametersAreRejected() {
        Network net = Network.mlp(1, 1, 1, 1);
        assertThrows(IllegalArgumentException.class, () -> new Sgd(net, 0f, 0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(net, Float.NaN, 0f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(net, 0.1f, 1f, 0f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(net, 0.1f, 0f, -1f));
        assertThrows(IllegalArgumentException.class, () -> new Sgd(null, 0.1f, 0f, 0f));
    }

    @Test
    void hyperparameterBounds() {
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
}

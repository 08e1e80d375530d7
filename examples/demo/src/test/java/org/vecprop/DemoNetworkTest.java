package org.vecprop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vecprop.nn.Gradients;
import org.vecprop.nn.Network;

/**
 * The demo's network parts: the article's example through the {@link Network} API, and the
 * training run {@code scripts/demo train} shows. (Moved here from the library's NetworkTest with
 * Demo itself, which is not part of the library.)
 */
class DemoNetworkTest {
    /** As in ArticleExampleTest: decimal inputs rounded to float, few operations. */
    static final float TOL = 2e-6f;

    @Test
    void articleExampleThroughTheNetworkApi() {
        Network net = Demo.articleNetwork();
        float[] p = net.forward(new float[] {1f, 2f}, 0, 2, 1);
        assertEquals(0.02f, p[0], TOL);
        assertEquals(0.9604f, net.loss(new float[] {1f}, 0, 1), TOL);
        net.zeroGrad();
        net.backward(Gradients.ACCUMULATE);
        assertArrayEquals(new float[] {-1.764f, -2.548f}, net.layer(1).weightGrad(), TOL);
        assertArrayEquals(new float[] {-1.176f, 0.784f, -2.352f, 1.568f},
                net.layer(0).weightGrad(), TOL);
    }

    @Test
    void trainingConvergesOnTheDemoTask() {
        // A behaviour test: fixed seed, fixed number of epochs, the loss must fall 20x.
        Demo.Trained t = Demo.train(Demo.Task.generate(7), 12, 0.05f, 7, line -> { });
        assertTrue(t.finalTestLoss() * 20 <= t.firstTestLoss(),
                "test loss went from " + t.firstTestLoss() + " to " + t.finalTestLoss());
        assertTrue(t.finalTestLoss() < 0.005f, "final test loss " + t.finalTestLoss());
    }
}

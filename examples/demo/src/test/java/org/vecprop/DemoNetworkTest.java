package org.vecprop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.vecprop.nn.Diagnostics;
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
        assertEquals(0.02f, net.forward(new float[] {1f, 2f}, 0, 2, 1).get(0, 0), TOL);
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

    @Test
    void theDiagnosticsTellTheThreeStalledLayersApart() {
        // What scripts/demo train prints in its last part: layer 0 never moves in any of the
        // three runs, the output layer does, and the diagnostics name a different cause each time.
        java.util.List<Demo.Stalled> runs = Demo.stalledLayers(Demo.Task.generate(7));
        assertEquals(3, runs.size());
        Diagnostics.LayerState[] cause = {Diagnostics.LayerState.FROZEN, Diagnostics.LayerState.DEAD,
            Diagnostics.LayerState.NO_GRADIENT};
        for (int i = 0; i < 3; i++) {
            Demo.Stalled s = runs.get(i);
            assertEquals(0.0, s.layer0Moved(), s.what());
            assertTrue(s.layer2Moved() > 0, s.what());
            assertEquals(cause[i], s.states().get(0), s.what());
        }
        assertEquals(Diagnostics.LayerState.DEAD, runs.get(2).states().get(1), "layer 1 is the dead one");
        assertEquals("ok, FROZEN LAYER 0", runs.get(0).verdict());
        assertTrue(runs.get(1).verdict().contains("DEAD LAYER 0"), runs.get(1).verdict());
        assertTrue(runs.get(2).verdict().contains("DEAD LAYER 1")
                && runs.get(2).verdict().contains("NO GRADIENT IN LAYER 0"), runs.get(2).verdict());
    }
}

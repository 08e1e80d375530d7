package org.vecprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code scripts/demo gradients} shows, as a behaviour test on two epochs: the sigmoid
 * network's first-layer gradient is orders of magnitude below its last layer's and the
 * diagnostics flag every step as vanishing; tanh and ReLU keep the scale and are not flagged;
 * weights four times too large explode at initialisation and overflow after a step. And the CSV
 * the plot is drawn from.
 */
class GradientNormsTest {
    @TempDir
    Path tmp;

    @Test
    void sigmoidVanishesReluAndTanhDoNotAndTheOverScaledInitExplodes() throws IOException {
        Path csv = tmp.resolve("norms.csv");
        List<GradientNorms.Result> rs = GradientNorms.demo(2, 0.05f, 42, csv, line -> { });
        assertEquals(4, rs.size());
        GradientNorms.Result sigmoid = rs.get(0), tanh = rs.get(1), relu = rs.get(2), big = rs.get(3);
        int steps = GradientNorms.POINTS / GradientNorms.BATCH;
        assertTrue(sigmoid.ratio(0) < 1e-5, "sigmoid first/last at init " + sigmoid.ratio(0));
        assertTrue(sigmoid.ratio(2) < 1e-4, "sigmoid first/last after training " + sigmoid.ratio(2));
        for (int e = 0; e <= 2; e++) {
            assertEquals(steps, sigmoid.vanishingSteps()[e], "sigmoid epoch " + e);
            assertEquals(0, relu.vanishingSteps()[e] + relu.explodingSteps()[e], "relu epoch " + e);
            assertEquals(0, tanh.vanishingSteps()[e] + tanh.explodingSteps()[e], "tanh epoch " + e);
        }
        // The vanishing gradient also shows as layer 0's weights barely moving between steps.
        assertTrue(sigmoid.verdict().matches("VANISHING UPDATES TOO SMALL IN LAYER 0 \\(ratio [0-9.]+e-0[7-9]\\)"),
                sigmoid.verdict());
        assertTrue(sigmoid.explanation().startsWith("The gradient vanishes: layer 0's weight gradient"),
                sigmoid.explanation());
        for (GradientNorms.Result r : List.of(tanh, relu)) {
            assertTrue(r.ratio(0) > 1e-2 && r.ratio(2) > 1e-2, r.run().name() + " " + r.ratio(0));
            assertEquals("ok", r.verdict(), r.run().name());
            assertTrue(r.loss()[2] < r.loss()[0], r.run().name() + " learns");
            assertNull(r.stopped());
        }
        assertEquals(steps, big.explodingSteps()[0], "over-scaled: every step at init explodes");
        assertEquals("EXPLODING", big.firstVerdict());
        assertTrue(big.norms()[0][0] > 1e4, "norm " + big.norms()[0][0]);
        assertNotNull(big.stopped(), "one step of SGD with exploded gradients overflows the network");
        assertEquals(1, big.norms().length, "only the epoch at initialisation completed");

        List<String> lines = Files.readAllLines(csv);
        assertTrue(lines.get(1).startsWith("# setup: 10 hidden layers of 32"), lines.get(1));
        assertTrue(lines.get(2).startsWith("# machine: "), lines.get(2));
        assertTrue(lines.get(3).startsWith("# jdk: "), lines.get(3));
        int header = lines.indexOf("run,activation,init,epoch,layer,weight_grad_norm");
        assertTrue(header > 0);
        int layers = GradientNorms.HIDDEN + 1;
        assertEquals(3 * 3 * layers + layers, lines.size() - header - 1,
                "three runs of epochs 0..2 and the stopped run's epoch 0, every layer");
        assertTrue(lines.get(header + 1).startsWith("sigmoid,SIGMOID,Glorot uniform,0,0,"), lines.get(header + 1));
    }
}

package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Activation;
import org.vecprop.testing.Values;

/**
 * {@link Diagnostics}: every buffer read, every flag at its threshold, the verdict and report
 * lines (found unchecked by mutation testing, scripts/mutation).
 */
class DiagnosticsTest {

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
    void beforeAnyForwardPass() {
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
    void readEveryBuffer() {
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
        rejects(IllegalArgumentException.class, "network must have the 3 layers these diagnostics"
                        + " were made for, got 2",
                () -> d.update(Network.mlp(4, 3, 3, 2, 1)));
    }

    @Test
    void nameTheFirstNonFiniteLayerAndCountEachKind() {
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
    void explanationSaysWhatIsFlaggedWithTheNumbers() {
        Network net = cleared();
        Diagnostics d = new Diagnostics(net);
        norms(net, 0.5f, 1f, 1000f);
        d.update(net);
        assertEquals("The gradient vanishes: layer 0's weight gradient (norm 5.0e-01) is 5.0e-04 of"
                + " layer 2's (1.0e+03), below the 1e-03 threshold, so the layers nearest the input"
                + " barely learn.", d.explanation());
        norms(net, 2000f, 1f, 1f);
        d.update(net);
        assertEquals("The gradient explodes: layer 0's weight gradient (norm 2.0e+03) is 2.0e+03"
                + " times layer 2's (1.0e+00), above the 1e+03 threshold.", d.explanation());
        norms(net, 1f, 2e4f, 1f);
        d.update(net);
        assertEquals("The gradient explodes: layer 1's weight gradient has norm 2.0e+04 (the limit"
                + " is 1e+04); a step of SGD with it would throw the weights far off.", d.explanation());
        norms(net, 1f, 1f, 4f);
        d.update(net);
        assertEquals("Nothing flagged: layer 0's weight gradient (norm 1.0e+00) is 2.5e-01 of"
                + " layer 2's (4.0e+00), within [1e-03, 1e+03].", d.explanation());
        net.layer(0).freeze();
        d.update(net);
        assertEquals("Nothing flagged: layer 1's weight gradient (norm 1.0e+00) is 2.5e-01 of"
                + " layer 2's (4.0e+00), within [1e-03, 1e+03]. Layer 0 is frozen on purpose (not"
                + " compared, not updated).", d.explanation());
        net.layer(1).freeze();
        d.update(net);
        assertEquals("Nothing flagged. Layers 0, 1 are frozen on purpose (not compared, not"
                + " updated).", d.explanation());
    }

    /**
     * The chain-rule argument, end to end: in a deep narrow sigmoid network (10 layers of 32,
     * Glorot initialisation) every layer multiplies the gradient by its weights and by
     * {@code σ' <= 1/4}, so the first layer's weight gradient is orders of magnitude below the
     * last one's and the diagnostics flag it; the same network with ReLU (He initialisation)
     * keeps the gradient's scale and is not flagged.
     */
    @Test
    void aDeepSigmoidNetworkVanishesAndTheSameReluNetworkDoesNot() {
        int[] sizes = {32, 32, 32, 32, 32, 32, 32, 32, 32, 32, 1};
        Random rnd = new Random(42);
        float[] x = Values.random(rnd, 64 * 32, 0, 1f), t = Values.random(rnd, 64, 0, 1f);
        double[] ratio = new double[2];
        Activation[] acts = {Activation.SIGMOID, Activation.RELU};
        for (int i = 0; i < 2; i++) {
            Network net = Network.mlp(64, 42, acts[i], sizes);
            net.forward(x, 0, 32, 64);
            net.loss(t, 0, 1);
            net.backward(Gradients.OVERWRITE);
            Diagnostics d = new Diagnostics(net);
            d.update(net);
            ratio[i] = d.normRatio();
            if (acts[i] == Activation.SIGMOID) {
                assertTrue(d.vanishing(), "sigmoid: " + d);
                assertTrue(d.explanation().startsWith("The gradient vanishes: layer 0's"), d.explanation());
            } else {
                assertFalse(d.vanishing(), "relu: " + d);
                assertTrue(d.healthy(), "relu: " + d);
            }
        }
        assertTrue(ratio[0] < 1e-4 && ratio[1] > 1e-2, java.util.Arrays.toString(ratio));
    }

    @Test
    void thresholdsAreExclusiveOrInclusiveAsDocumented() {
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
    void ofASingleIdentityLayer() {
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

    @Test
    void checksItsArguments() {
        Network net = Network.mlp(4, 3, 3, 10, 4, 2);
        Diagnostics d = new Diagnostics(net);
        rejects(NullPointerException.class, "network must not be null", () -> new Diagnostics(null));
        rejects(NullPointerException.class, "network must not be null", () -> d.update(null));
        rejects(IllegalArgumentException.class, "network must have the layers these diagnostics were"
                + " made for, got layer 1 10 x 5 RELU where they expect 10 x 4 RELU", () -> d.update(Network.mlp(4, 3, 3, 10, 5, 2)));
        rejects(IllegalArgumentException.class, "network must have the layers these diagnostics were"
                + " made for, got layer 0 3 x 10 IDENTITY where they expect 3 x 10 RELU", () -> d.update(new Network(
                        new Dense(3, 10, Activation.IDENTITY, true, 4, 1),
                        new Dense(10, 4, Activation.RELU, true, 4, 1),
                        new Dense(4, 2, Activation.IDENTITY, true, 4, 1))));
        rejects(IndexOutOfBoundsException.class, "l must be in [0, depth = 3), got 3", () -> d.weightGradNorm(3));
        rejects(IndexOutOfBoundsException.class, "l must be in [0, depth = 3), got -1", () -> d.deadShare(-1));
        rejects(IndexOutOfBoundsException.class, "l must be in [0, depth = 3), got 3", () -> d.state(3));
        d.update(net.sharingWeights(2)); // the same shape: fine
    }

    @Test
    void aBiasGradientAloneIsAGradient() {
        // Layer 1 of cleared(): weight gradient zero (its inputs could all be zero), bias
        // gradient not: it learns through its bias, so it is OK, not NO_GRADIENT.
        Network net = cleared();
        norms(net, 1f, 0f, 1f);
        net.layer(1).biasGrad()[2] = 0.5f;
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        assertEquals(Diagnostics.LayerState.OK, d.state(1));
        assertEquals(-1, d.noGradientLayer());
        net.layer(1).biasGrad()[2] = 0f;
        d.update(net);
        assertEquals(Diagnostics.LayerState.NO_GRADIENT, d.state(1));
        assertEquals(1, d.noGradientLayer());
        assertEquals("NO GRADIENT IN LAYER 1", d.verdict());
    }

    @Test
    void aLayerAtExactlyTheDeadShareIsDeadInItsStateAndItsExplanation() {
        // DEAD_LAYER_SHARE is inclusive ("at least"): 9 of layer 0's 10 ReLU units never
        // positive in the batch is exactly 0.9, a dead layer in state(), deadLayer() and the
        // explanation, with its share in percent; 8 of 10 is not.
        Network net = cleared();
        norms(net, 1f, 1f, 1f);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 9; j++) {
                net.layer(0).output()[i * 10 + j] = j % 2 == 0 ? 0f : -1f;
            }
        }
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        assertEquals(Diagnostics.DEAD_LAYER_SHARE, d.deadShare(0));
        assertEquals(Diagnostics.LayerState.DEAD, d.state(0));
        assertEquals(Diagnostics.LayerState.OK, d.state(1));
        assertEquals("Layer 0 is dead: 90% of its ReLU units are never positive in the batch, so"
                + " they pass no gradient.", d.explanation());
        net.layer(0).output()[8] = 0.5f;                  // unit 8 alive in row 0
        d.update(net);
        assertEquals(0.8, d.deadShare(0));
        assertEquals(Diagnostics.LayerState.OK, d.state(0));
        assertTrue(d.explanation().startsWith("Nothing flagged"), d.explanation());
    }

    @Test
    void explanationNamesTheFirstNonFiniteLayerWithItsCount() {
        // Layer 0 clean; layer 1 holds 1 NaN and 2 infinities in its activations, 3 NaN and
        // 4 infinities in its gradients: 10 in all, each kind counted once. The infinite
        // gradient entries also make it the exploding layer.
        Network net = cleared();
        norms(net, 1f, 1f, 1f);
        Dense l1 = net.layer(1);
        l1.output()[0] = Float.NaN;
        l1.output()[1] = Float.POSITIVE_INFINITY;
        l1.output()[6] = Float.NEGATIVE_INFINITY;
        l1.weightGrad()[1] = Float.NaN;
        l1.weightGrad()[2] = Float.NaN;
        l1.biasGrad()[0] = Float.NaN;
        l1.weightGrad()[3] = Float.POSITIVE_INFINITY;
        l1.biasGrad()[1] = Float.NEGATIVE_INFINITY;
        l1.biasGrad()[2] = Float.POSITIVE_INFINITY;
        l1.biasGrad()[3] = Float.POSITIVE_INFINITY;
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        assertEquals(Diagnostics.LayerState.OK, d.state(0));
        assertEquals(Diagnostics.LayerState.NON_FINITE, d.state(1));
        assertEquals(10, d.nonFinite());
        assertEquals("NON-FINITE from layer 1 (4 NaN, 6 Inf) EXPLODING", d.verdict());
        assertEquals("Layer 1 holds 10 NaN or infinite values in its activations or gradients; the"
                + " layers after it inherit them. The gradient explodes: layer 1's weight gradient"
                + " has norm 1.0e+00 and infinite entries (the limit is 1e+04); a step of SGD with"
                + " it would throw the weights far off.", d.explanation());
    }

    @Test
    void explanationNamesTheFirstLayerAboveTheExplodingNorm() {
        // EXPLODING_NORM is exclusive ("above"): a norm of exactly 1e4 is not exploding, so with
        // 1e4 in layer 0 and 2e4 in layer 1 the explanation names layer 1.
        Network net = cleared();
        norms(net, 1e4f, 2e4f, 1e4f);
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        assertEquals(Diagnostics.EXPLODING_NORM, d.weightGradNorm(0));
        assertEquals("The gradient explodes: layer 1's weight gradient has norm 2.0e+04 (the limit"
                + " is 1e+04); a step of SGD with it would throw the weights far off.", d.explanation());
        // Two layers above it: the first one is named, even when it is layer 0 and the ratio
        // between the first and the last layer is unremarkable (2e4 / 3e4).
        norms(net, 2e4f, 1f, 3e4f);
        d.update(net);
        assertEquals("EXPLODING", d.verdict());
        assertEquals("The gradient explodes: layer 0's weight gradient has norm 2.0e+04 (the limit"
                + " is 1e+04); a step of SGD with it would throw the weights far off.", d.explanation());
    }

    @Test
    void theFirstLayerWithoutGradientIsFlaggedEvenWhenItIsLayerZero() {
        // Layer 0 trainable, alive and finite with zero weight and bias gradients, while layer 1
        // has a weight gradient and layer 2 a bias gradient only (so no first/last weight-norm
        // ratio exists and nothing vanishes): NO_GRADIENT in layer 0, not healthy.
        Network net = cleared();
        norms(net, 0f, 1f, 0f);
        net.layer(2).biasGrad()[0] = 0.5f;
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        assertEquals(Diagnostics.LayerState.NO_GRADIENT, d.state(0));
        assertEquals(Diagnostics.LayerState.OK, d.state(2), "a bias gradient alone is a gradient");
        assertEquals(0, d.noGradientLayer());
        assertFalse(d.vanishing());
        assertFalse(d.exploding());
        assertFalse(d.healthy());
        assertEquals("NO GRADIENT IN LAYER 0", d.verdict());
        assertEquals("Layer 0 gets no gradient at all while others do: nothing reaches it from"
                + " above.", d.explanation());
    }

    @Test
    void nothingFlaggedWithoutALastLayerWeightGradientHasNoRatioToShow() {
        // Every gradient zero (no backward pass yet): nothing flagged, and no first/last ratio
        // (it is undefined), so the explanation gives none.
        Network net = cleared();
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        assertTrue(d.healthy());
        assertTrue(Double.isNaN(d.normRatio()));
        assertEquals("Nothing flagged.", d.explanation());
        // The last layer learning through its bias only: still no ratio of weight gradients.
        norms(net, 1f, 1f, 0f);
        net.layer(2).biasGrad()[1] = 2f;
        d.update(net);
        assertTrue(d.healthy());
        assertTrue(Double.isNaN(d.normRatio()));
        assertEquals("Nothing flagged.", d.explanation());
    }

    @Test
    void withEveryLayerFrozenNothingIsComparedOrFlagged() {
        // No trainable layer: normRatio is NaN (documented), and a frozen layer's gradient buffer
        // is not judged, not even one above EXPLODING_NORM or one far below the others (freeze()
        // zeroes the buffers; written here afterwards, as a stale buffer could hold anything).
        Network net = cleared();
        for (Dense layer : net.layers()) {
            layer.freeze();
        }
        norms(net, 2e4f, 1f, 1e-6f);
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        for (int l = 0; l < 3; l++) {
            assertEquals(Diagnostics.LayerState.FROZEN, d.state(l));
        }
        assertTrue(Double.isNaN(d.normRatio()), "no trainable layer: " + d.normRatio());
        assertFalse(d.vanishing());
        assertFalse(d.exploding());
        assertEquals(-1, d.noGradientLayer());
        assertTrue(d.healthy());
        assertEquals("ok, FROZEN LAYERS 0, 1, 2", d.verdict());
        assertEquals("Nothing flagged. Layers 0, 1, 2 are frozen on purpose (not compared, not"
                + " updated).", d.explanation());
    }

    @Test
    void aFrozenLayersReportLineGivesItsDeadShareInPercent() {
        // Layer 0 frozen with 2 of its 10 ReLU units dead in the batch: its line says FROZEN
        // and 20.0% dead (toString formats in the default locale, so the expectation does too).
        Network net = cleared();
        norms(net, 1f, 1f, 1f);
        for (int i = 0; i < 4; i++) {
            net.layer(0).output()[i * 10 + 4] = 0f;
            net.layer(0).output()[i * 10 + 9] = -2f;
        }
        net.layer(0).freeze();
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        assertEquals(0.2, d.deadShare(0));
        assertEquals(String.format("layer %d: FROZEN (no gradient, not updated) dead %.1f%% nan %d/%d"
                + " inf %d/%d", 0, 20.0, 0, 0, 0, 0), d.toString().split("\n")[0].strip());
    }
    /** One step of training on fixed random data, then the diagnostics read. */
    static void stepAndRead(Network net, Optimizer opt, Diagnostics d, long seed) {
        SgdTest.trainedOnce(net, seed);
        d.update(net);
        opt.step();
    }

    @Test
    void theUpdateRatioIsTheRelativeChangeOfEachLayersWeightsBetweenTwoReads() {
        Network net = Network.mlp(8, 4, 6, 12, 3);
        Diagnostics d = new Diagnostics(net);
        Sgd sgd = new Sgd(net, SgdOptions.learningRate(0.01f));
        SgdTest.trainedOnce(net, 1);
        d.update(net);
        assertTrue(Double.isNaN(d.updateRatio(0)), "nothing to compare with at the first read");
        float[][] before = {net.layer(0).weightArray().clone(), net.layer(1).weightArray().clone()};
        sgd.step();
        SgdTest.trainedOnce(net, 2);
        d.update(net);
        for (int l = 0; l < 2; l++) {
            double diff = 0, norm = 0;
            float[] w = net.layer(l).weightArray();
            for (int i = 0; i < w.length; i++) {
                diff += ((double) w[i] - before[l][i]) * ((double) w[i] - before[l][i]);
                norm += (double) before[l][i] * before[l][i];
            }
            assertEquals(Math.sqrt(diff / norm), d.updateRatio(l), 1e-12, "layer " + l);
            assertTrue(d.updateRatio(l) > 1e-5 && d.updateRatio(l) < 1e-1, "a sensible rate: " + d.updateRatio(l));
        }
        assertTrue(d.healthy(), d.verdict());
        d.update(net);
        assertEquals(0.0, d.updateRatio(0), "no step between two reads: 0, and not flagged");
        assertEquals(-1, d.updateRatioLayer());
    }

    @Test
    void aLearningRateFarTooLargeOrTooSmallIsFlaggedWithAnyOptimizer() {
        Network big = Network.mlp(8, 4, 6, 12, 3);
        Diagnostics d = new Diagnostics(big);
        Adam adam = new Adam(big, AdamOptions.adamW(5f));
        stepAndRead(big, adam, d, 1);
        stepAndRead(big, adam, d, 2);
        assertTrue(d.updateRatio(0) > Diagnostics.UPDATE_RATIO_HIGH, "ratio " + d.updateRatio(0));
        assertEquals(0, d.updateRatioLayer());
        assertFalse(d.healthy());
        assertTrue(d.verdict().contains("UPDATES TOO LARGE IN LAYER 0"), d.verdict());
        assertTrue(d.explanation().contains("the learning rate is far too large"), d.explanation());

        Network small = Network.mlp(8, 4, 6, 12, 3);
        Diagnostics e = new Diagnostics(small);
        Adam slow = new Adam(small, AdamOptions.adamW(1e-7f)); // Adam moves each weight by about lr
        stepAndRead(small, slow, e, 1);
        stepAndRead(small, slow, e, 2);
        assertTrue(e.updateRatio(0) > 0 && e.updateRatio(0) < Diagnostics.UPDATE_RATIO_LOW, "ratio " + e.updateRatio(0));
        assertTrue(e.verdict().contains("UPDATES TOO SMALL IN LAYER 0"), e.verdict());
        assertTrue(e.explanation().contains("the learning rate is far too small"), e.explanation());
        assertTrue(e.toString().contains("update/weight"), "the report line shows the ratio once measured");
    }

    @Test
    void aFrozenLayersUpdateRatioIsZeroAndNotFlagged() {
        Network net = Network.mlp(8, 4, 6, 12, 3);
        net.layer(0).freeze();
        Diagnostics d = new Diagnostics(net);
        Adam adam = new Adam(net, AdamOptions.adamW(1e-3f));
        stepAndRead(net, adam, d, 1);
        stepAndRead(net, adam, d, 2);
        assertEquals(0.0, d.updateRatio(0));
        assertTrue(d.updateRatio(1) > 0);
        assertEquals(-1, d.updateRatioLayer(), d.verdict());
        rejects(IndexOutOfBoundsException.class, "Index 2 out of bounds for length 2", () -> d.updateRatio(2));
    }

    @Test
    void aFreshDiagnosticsHasNoUpdateRatioYet() {
        // Documented: the update ratio is NaN before the second update(), so also before the
        // first one (not 0, which would read as "no step ran").
        Network net = Network.mlp(4, 3, 3, 10, 4, 2);
        Diagnostics d = new Diagnostics(net);
        for (int l = 0; l < 3; l++) {
            assertTrue(Double.isNaN(d.updateRatio(l)), "layer " + l + ": " + d.updateRatio(l));
        }
    }

    /** Sets weight 0 of layer l to w, in place, and tells the layer. */
    static void weight0(Network net, int l, float w) {
        net.layer(l).weightArray()[0] = w;
        net.layer(l).weightsChanged();
    }

    @Test
    void allZeroWeightsThatDoNotChangeHaveUpdateRatioZero() {
        // ||W_before|| = 0: a ratio of 0/0. Unchanged weights mean no step ran, so the ratio is
        // 0 (not NaN) and not flagged; zero weights that become nonzero grew infinitely, +Inf,
        // flagged as too large.
        Network net = new Network(Dense.of(2, 3, Activation.IDENTITY, new float[6], null, 2));
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        d.update(net);
        assertEquals(0.0, d.updateRatio(0));
        assertEquals(-1, d.updateRatioLayer());
        assertEquals("ok", d.verdict());
        weight0(net, 0, 1f);
        d.update(net);
        assertEquals(Double.POSITIVE_INFINITY, d.updateRatio(0));
        assertEquals(0, d.updateRatioLayer());
    }

    @Test
    void updateRatiosExactlyAtTheThresholdsAreNotFlaggedAndAnyLayerIsNamed() {
        // Both bounds are exclusive ("above" UPDATE_RATIO_HIGH, "below" UPDATE_RATIO_LOW), and
        // both are reachable exactly: a weight 10 -> 11 in a layer whose other weights are 0
        // gives sqrt(1 / 100) == 0.1 and 1e6 -> 1000001 gives sqrt(1 / 1e12) == 1e-6 (all exact
        // in float and double, sqrt correctly rounded to the double nearest the decimal).
        // Layer 0: 1 -> 2, layer 1: 2 -> 1, identity, no bias; every gradient 0 (nothing else
        // flagged).
        Network net = new Network(Dense.of(1, 2, Activation.IDENTITY, new float[] {10f, 0f}, null, 1),
                Dense.of(2, 1, Activation.IDENTITY, new float[] {1e6f, 0f}, null, 1));
        Diagnostics d = new Diagnostics(net);
        d.update(net);
        weight0(net, 0, 11f);
        d.update(net);
        assertEquals(Diagnostics.UPDATE_RATIO_HIGH, d.updateRatio(0), "exactly, no bound");
        assertEquals(0.0, d.updateRatio(1));
        assertEquals(-1, d.updateRatioLayer(), "exactly 1e-1 is not above it");
        assertEquals("ok", d.verdict());
        weight0(net, 1, 1000001f);
        d.update(net);
        assertEquals(0.0, d.updateRatio(0));
        assertEquals(Diagnostics.UPDATE_RATIO_LOW, d.updateRatio(1), "exactly, no bound");
        assertEquals(-1, d.updateRatioLayer(), "exactly 1e-6 is not below it");
        assertEquals("ok", d.verdict());

        // Past the bounds, in layer 1 while layer 0 is not flagged (ratio 0): layer 1 is named,
        // with the threshold it crossed. 1000001 -> 1000001.25 (exact: floats here are
        // multiples of 1/16) is 0.25 / 1000001, about 2.5e-7, below 1e-6 (to 1e-22, about two
        // ulps: sqrt(0.0625 / 1000001^2) rounds twice).
        weight0(net, 1, 1000001.25f);
        d.update(net);
        assertEquals(0.25 / 1000001, d.updateRatio(1), 1e-22);
        assertEquals(1, d.updateRatioLayer());
        assertEquals("UPDATES TOO SMALL IN LAYER 1 (ratio 2.5e-07)", d.verdict());
        assertEquals("Layer 1's weights moved by 2.5e-07 of their size since the last update, below"
                + " 1e-06: the learning rate is far too small.", d.explanation());
        // 1000001.25 -> 0: ||W - W_before|| == ||W_before||, a ratio of exactly 1, above 1e-1.
        weight0(net, 1, 0f);
        d.update(net);
        assertEquals(1.0, d.updateRatio(1));
        assertEquals(1, d.updateRatioLayer());
        assertEquals("UPDATES TOO LARGE IN LAYER 1 (ratio 1.0e+00)", d.verdict());
        assertEquals("Layer 1's weights moved by 1.0e+00 of their size since the last update, above"
                + " 1e-01: the learning rate is far too large (about 1e-3 is usual).", d.explanation());
    }
}

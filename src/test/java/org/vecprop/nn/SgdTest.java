package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;

import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Activation;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * {@link Sgd} with {@link SgdOptions} and {@link LearningRateSchedule}: the non-finite guard,
 * the momentum and weight-decay paths (found unchecked by mutation testing, scripts/mutation),
 * learning rates that change between steps, frozen layers, and the option checks. The update
 * kernel it runs is tested in kernel.UpdateTest.
 */
class SgdTest {

    static Network trainedOnce(Network net, long seed) {
        Random rnd = new Random(seed);
        int batch = net.maxBatch();
        net.forward(Values.random(rnd, batch * net.inputs(), 0, 1f), 0, net.inputs(), batch);
        net.loss(Values.random(rnd, batch * net.outputs(), 0, 1f), 0, net.outputs());
        net.backward(Gradients.OVERWRITE);
        return net;
    }

    @Test
    void nonFiniteGradientsRefuseTheStepAndNameTheLayer() {
        Network net = trainedOnce(Network.mlp(8, 4, 3, 6, 2), 1);
        Sgd sgd = new Sgd(net, SgdOptions.learningRate(0.1f));
        net.layer(1).biasGrad()[1] = Float.POSITIVE_INFINITY; // one bad gradient in layer 1
        float[] w0 = net.layer(0).weightArray().clone();
        float[] g0 = net.layer(0).weightGrad().clone();
        assertEquals(OptionalInt.of(1), sgd.stepIfFinite());
        assertEquals(0, sgd.steps(), "a refused step does not count");
        Compare.sameArray(w0, net.layer(0).weightArray(), "weights untouched");
        Compare.sameArray(g0, net.layer(0).weightGrad(), "gradients kept for inspection");
        net.layer(1).biasGrad()[1] = 0f;
        assertEquals(OptionalInt.empty(), sgd.stepIfFinite());
        assertEquals(1, sgd.steps());
        assertEquals(0f, net.layer(0).weightGrad()[0], "the applied step zeroes gradients");
    }

    /**
     * A layer large enough for the packed weights (batch x in x out above Dense.PLAIN_MAX_WORK)
     * keeps a packed copy of its weights; a step must mark it stale, so the next forward pass
     * computes with the stepped weights: bit for bit what a network built afresh from those
     * weights computes.
     */
    @Test
    void theForwardPassAfterAStepUsesTheSteppedWeightsOnThePackedPath() throws Exception {
        int batch = 16;
        Network net = trainedOnce(Network.mlp(batch, 7, 32, 32, 4), 2);
        assertTrue((long) batch * 32 * 32 > Dense.PLAIN_MAX_WORK, "layer 0 takes the packed path");
        new Sgd(net, SgdOptions.learningRate(0.5f)).step();
        float[] x = Values.random(new Random(3), batch * 32, 0, 1f);
        float[] stepped = net.forward(x, 0, 32, batch).toArray();
        float[] fresh = Network.fromSafeTensors(net.toSafeTensors(), batch).forward(x, 0, 32, batch).toArray();
        Compare.sameArray(fresh, stepped, "forward after the step vs a network built from the stepped weights");
    }

    /**
     * The documented ranges' closed ends are accepted: a step decay's factor of exactly 1 (no
     * decay), a cosine floor equal to its initial rate (a constant), a cosine of exactly one
     * step; each then gives the rates its formula says.
     */
    @Test
    void theSchedulesAcceptTheClosedEndsOfTheirRanges() {
        LearningRateSchedule flat = LearningRateSchedule.stepDecay(0.25f, 1f, 1);
        assertEquals(0.25f, flat.rate(0));
        assertEquals(0.25f, flat.rate(1000));
        LearningRateSchedule level = LearningRateSchedule.cosine(0.5f, 0.5f, 10);
        assertEquals(0.5f, level.rate(0));
        assertEquals(0.5f, level.rate(5));
        LearningRateSchedule once = LearningRateSchedule.cosine(0.5f, 0f, 1);
        assertEquals(0.5f, once.rate(0));
        assertEquals(0f, once.rate(1));
    }

    @Test
    void withMomentumAndWeightDecay() {
        float[] w = {1f, -2f}, b = {0.5f};
        Network net = new Network(Dense.of(2, 1, Activation.IDENTITY, w, b, 1));
        Dense d = net.layer(0);
        float lr = 0.5f, m = 0.25f, wd = 0.125f;
        Sgd sgd = new Sgd(net, SgdOptions.learningRate(lr).withMomentum(m).withWeightDecay(wd));
        assertEquals(lr, sgd.learningRate());
        assertEquals(m, sgd.momentum());
        assertEquals(wd, sgd.weightDecay());
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
            assertArrayEquals(ew, d.weightArray(), "weights after step " + step);
            assertArrayEquals(eb, d.biasArray(), "bias after step " + step);
            assertArrayEquals(vw, sgd.weightVelocity(0), "velocity after step " + step);
            assertArrayEquals(new float[2], d.weightGrad(), "weight gradient zeroed");
            assertArrayEquals(new float[1], d.biasGrad(), "bias gradient zeroed");
        }
        assertEquals(2, sgd.steps());
    }

    @Test
    void withoutMomentumOnALayerWithoutBias() {
        Network net = new Network(Dense.of(2, 1, Activation.IDENTITY, new float[] {1f, 2f}, null, 1));
        Sgd sgd = new Sgd(net, SgdOptions.learningRate(0.5f).withWeightDecay(0.5f));
        assertNull(sgd.weightVelocity(0), "no velocity without momentum");
        net.layer(0).weightGrad()[0] = 1f;
        net.layer(0).weightGrad()[1] = Float.NaN;
        assertEquals(OptionalInt.of(0), sgd.stepIfFinite(), "a NaN weight gradient in layer 0");
        assertArrayEquals(new float[] {1f, 2f}, net.layer(0).weightArray());
        net.layer(0).weightGrad()[1] = -2f;
        assertTrue(sgd.stepIfFinite().isEmpty());
        // w - lr * (g + wd * w): 1 - 0.5 * 1.5 and 2 - 0.5 * (-1)
        assertArrayEquals(new float[] {0.25f, 2.5f}, net.layer(0).weightArray());
    }

    @Test
    void theLearningRateChangesBetweenSteps() {
        // One weight, gradient 1 each step: the weight moves by exactly the rate of each step.
        Network net = new Network(Dense.of(1, 1, Activation.IDENTITY, new float[] {0f}, null, 1));
        Sgd sgd = new Sgd(net, SgdOptions.learningRate(0.5f));
        float[] expected = {0f};
        float[] rates = new float[6];
        for (int step = 0; step < 6; step++) {
            if (step == 2) {
                sgd.setLearningRate(0.25f);
            }
            if (step == 4) {
                sgd.setSchedule(LearningRateSchedule.stepDecay(1f, 0.5f, 1));
            }
            rates[step] = sgd.learningRate();
            net.layer(0).weightGrad()[0] = 1f;
            sgd.step();
            expected[0] -= rates[step];
            assertArrayEquals(expected, net.layer(0).weightArray(), "after step " + step);
        }
        // steps 4 and 5 ask the schedule with the steps applied so far: 1 * 0.5^4, 1 * 0.5^5
        assertArrayEquals(new float[] {0.5f, 0.5f, 0.25f, 0.25f, 0.0625f, 0.03125f}, rates);
        assertEquals(6, sgd.steps());
    }

    @Test
    void theBuiltInSchedulesAreRecordsTheFactoriesMake() {
        // Values: options holding a schedule compare and print by its parameters, and code can
        // read a schedule's parameters back by its record type.
        assertEquals(new LearningRateSchedule.Cosine(0.1f, 0.01f, 100), LearningRateSchedule.cosine(0.1f, 0.01f, 100));
        assertEquals(new LearningRateSchedule.StepDecay(0.1f, 0.5f, 10), LearningRateSchedule.stepDecay(0.1f, 0.5f, 10));
        assertEquals(new LearningRateSchedule.Constant(0.3f), LearningRateSchedule.constant(0.3f));
        assertEquals("Cosine[initial=0.1, floor=0.01, steps=100]", LearningRateSchedule.cosine(0.1f, 0.01f, 100).toString());
        assertEquals(AdamOptions.adamW(0.3f), AdamOptions.adamW(0.3f));
        assertEquals(SgdOptions.schedule(LearningRateSchedule.cosine(0.1f, 0f, 5)), SgdOptions.schedule(LearningRateSchedule.cosine(0.1f, 0f, 5)));
        if (LearningRateSchedule.stepDecay(0.2f, 0.5f, 7) instanceof LearningRateSchedule.StepDecay(float i, float f, long every)) {
            assertEquals(0.2f, i);
            assertEquals(0.5f, f);
            assertEquals(7, every);
        } else {
            throw new AssertionError("stepDecay makes a StepDecay");
        }
        // The constructors check as the factories do.
        rejects(IllegalArgumentException.class, "initial must be finite and > 0, got NaN",
                () -> new LearningRateSchedule.Cosine(Float.NaN, 0f, 1));
    }

    @Test
    void builtInSchedules() {
        LearningRateSchedule step = LearningRateSchedule.stepDecay(0.1f, 0.5f, 10);
        assertEquals(0.1f, step.rate(0));
        assertEquals(0.1f, step.rate(9));
        assertEquals((float) (0.1f * 0.5), step.rate(10));
        assertEquals((float) (0.1f * 0.25), step.rate(25));
        LearningRateSchedule cos = LearningRateSchedule.cosine(0.1f, 0.01f, 100);
        assertEquals(0.1f, cos.rate(0));
        assertEquals((float) (0.01 + (0.1f - (double) 0.01f) / 2), cos.rate(50), 1e-9);
        assertEquals(0.01f, cos.rate(100));
        assertEquals(0.01f, cos.rate(1000), "the floor after the descent");
        assertEquals(0.3f, LearningRateSchedule.constant(0.3f).rate(12345));
        for (long s = 0; s < 100; s++) {
            assertTrue(cos.rate(s + 1) <= cos.rate(s), "cosine descends at step " + s);
        }
        rejects(IllegalArgumentException.class, "rate must be finite and > 0, got 0.0",
                () -> LearningRateSchedule.constant(0f));
        rejects(IllegalArgumentException.class, "initial must be finite and > 0, got NaN",
                () -> LearningRateSchedule.stepDecay(Float.NaN, 0.5f, 1));
        rejects(IllegalArgumentException.class, "factor must be in (0, 1], got 1.5",
                () -> LearningRateSchedule.stepDecay(0.1f, 1.5f, 1));
        rejects(IllegalArgumentException.class, "factor must be in (0, 1], got 0.0",
                () -> LearningRateSchedule.stepDecay(0.1f, 0f, 1));
        rejects(IllegalArgumentException.class, "every must be >= 1, got 0",
                () -> LearningRateSchedule.stepDecay(0.1f, 0.5f, 0));
        rejects(IllegalArgumentException.class, "floor must be in [0, initial = 0.1], got 0.2",
                () -> LearningRateSchedule.cosine(0.1f, 0.2f, 10));
        rejects(IllegalArgumentException.class, "floor must be in [0, initial = 0.1], got -0.1",
                () -> LearningRateSchedule.cosine(0.1f, -0.1f, 10));
        rejects(IllegalArgumentException.class, "steps must be >= 1, got 0",
                () -> LearningRateSchedule.cosine(0.1f, 0f, 0));
    }

    @Test
    void aBadScheduledRateChangesNothing() {
        Network net = trainedOnce(Network.mlp(4, 2, 3, 5, 2), 2);
        Sgd sgd = new Sgd(net, SgdOptions.schedule(step -> step == 0 ? 0.1f : Float.NaN)
                .withMomentum(0.5f));
        sgd.step();
        trainedOnce(net, 3);
        float[][] before = {net.layer(0).weightArray().clone(), net.layer(0).weightGrad().clone(),
            sgd.weightVelocity(0).clone()};
        rejects(IllegalStateException.class, "the learning-rate schedule gave NaN for step 1;"
                + " a rate must be finite and >= 0", sgd::step);
        rejects(IllegalStateException.class, "the learning-rate schedule gave NaN for step 1;"
                + " a rate must be finite and >= 0", sgd::stepIfFinite);
        Compare.sameArray(before[0], net.layer(0).weightArray(), "weights");
        Compare.sameArray(before[1], net.layer(0).weightGrad(), "gradient");
        Compare.sameArray(before[2], sgd.weightVelocity(0), "velocity");
        assertEquals(1, sgd.steps());
        sgd.setSchedule(s -> -1f);
        rejects(IllegalStateException.class, "the learning-rate schedule gave -1.0 for step 1;"
                + " a rate must be finite and >= 0", sgd::learningRate);
        sgd.setSchedule(s -> 0f); // zero is a rate (a schedule may end there)
        sgd.step();
        Compare.sameArray(before[0], net.layer(0).weightArray(), "a zero rate leaves the weights");
    }

    @Test
    void frozenLayersAreNotUpdated() {
        Network net = trainedOnce(Network.mlp(4, 5, 3, 6, 2), 4);
        net.layer(0).freeze();
        Sgd sgd = new Sgd(net, SgdOptions.learningRate(0.1f).withMomentum(0.9f).withWeightDecay(0.1f));
        trainedOnce(net, 5);
        float[] w0 = net.layer(0).weightArray().clone(), b0 = net.layer(0).biasArray().clone();
        float[] w1 = net.layer(1).weightArray().clone();
        net.layer(0).weightGrad()[0] = Float.NaN; // a frozen layer's gradient is not read
        assertEquals(OptionalInt.empty(), sgd.stepIfFinite());
        Compare.sameArray(w0, net.layer(0).weightArray(), "frozen weights");
        Compare.sameArray(b0, net.layer(0).biasArray(), "frozen bias");
        Compare.sameArray(new float[w0.length], sgd.weightVelocity(0), "frozen velocity");
        assertTrue(Float.isNaN(net.layer(0).weightGrad()[0]), "a frozen layer's gradient is not zeroed");
        assertTrue(!java.util.Arrays.equals(w1, net.layer(1).weightArray()), "layer 1 trains");
    }

    @Test
    void optionsAreChecked() {
        Network net = Network.mlp(1, 1, 1, 1);
        rejects(NullPointerException.class, "network must not be null",
                () -> new Sgd(null, SgdOptions.learningRate(0.1f)));
        rejects(NullPointerException.class, "options must not be null", () -> new Sgd(net, null));
        rejects(NullPointerException.class, "schedule must not be null",
                () -> SgdOptions.schedule(null));
        // The argument named as the method names it (learningRate), not as the schedule
        // underneath does (LearningRateSchedule.constant(rate)).
        rejects(IllegalArgumentException.class, "learningRate must be finite and > 0, got 0.0",
                () -> SgdOptions.learningRate(0f));
        rejects(IllegalArgumentException.class, "learningRate must be finite and > 0, got Infinity",
                () -> SgdOptions.learningRate(Float.POSITIVE_INFINITY));
        rejects(IllegalArgumentException.class, "learningRate must be finite and > 0, got NaN",
                () -> SgdOptions.learningRate(Float.NaN));
        rejects(IllegalArgumentException.class, "learningRate must be finite and > 0, got NaN",
                () -> new Sgd(net, SgdOptions.learningRate(Float.NaN)));
        SgdOptions ok = SgdOptions.learningRate(0.1f);
        rejects(IllegalArgumentException.class, "momentum must be in [0, 1), got 1.0",
                () -> ok.withMomentum(1f));
        rejects(IllegalArgumentException.class, "momentum must be in [0, 1), got -0.01",
                () -> ok.withMomentum(-0.01f));
        rejects(IllegalArgumentException.class, "momentum must be in [0, 1), got NaN",
                () -> ok.withMomentum(Float.NaN));
        rejects(IllegalArgumentException.class, "weightDecay must be finite and >= 0, got -0.5",
                () -> ok.withWeightDecay(-0.5f));
        rejects(IllegalArgumentException.class, "weightDecay must be finite and >= 0, got Infinity",
                () -> ok.withWeightDecay(Float.POSITIVE_INFINITY));
        rejects(IllegalArgumentException.class, "weightDecay must be finite and >= 0, got NaN",
                () -> ok.withWeightDecay(Float.NaN));
        Sgd sgd = new Sgd(net, ok);
        rejects(IllegalArgumentException.class, "learningRate must be finite and > 0, got -1.0",
                () -> sgd.setLearningRate(-1f));
        rejects(IllegalArgumentException.class, "learningRate must be finite and > 0, got NaN",
                () -> sgd.setLearningRate(Float.NaN));
        rejects(NullPointerException.class, "schedule must not be null", () -> sgd.setSchedule(null));
        assertEquals(0.1f, sgd.learningRate(), "rejected changes leave the rate");
        // The edges that are allowed.
        new Sgd(net, SgdOptions.learningRate(Float.MIN_VALUE));
        new Sgd(net, SgdOptions.learningRate(Float.MAX_VALUE).withMomentum(Math.nextDown(1f))
                .withWeightDecay(Float.MAX_VALUE));
        assertEquals(new SgdOptions(LearningRateSchedule.constant(0.1f), 0.5f, 0f),
                ok.withMomentum(0.5f), "options are values");
    }

    /**
     * Optimizer.parameters() lists what the optimizer updates: the network's parameters, the same
     * views in the same order, those of a frozen layer included (skipped at each step, not dropped
     * from the list). Sgd and Adam share the accessor (OptimizerCore); both are checked.
     */
    @Test
    void theOptimizersParametersAreTheNetworksInOrderFrozenIncluded() {
        Network net = Network.mlp(4, 5, 3, 6, 2);
        net.layer(0).freeze();
        for (Optimizer opt : new Optimizer[] {new Sgd(net, SgdOptions.learningRate(0.1f)),
                new Adam(net, AdamOptions.adam(1e-3f))}) {
            java.util.List<Parameter> p = opt.parameters();
            assertEquals(4, p.size(), opt.getClass().getSimpleName() + ": two layers, a weight and a bias each");
            for (int i = 0; i < p.size(); i++) {
                assertTrue(p.get(i) == net.parameters().get(i), "the network's own view " + i);
            }
            assertEquals(true, p.get(0).frozen(), "a frozen layer's weight stays in the list");
        }
    }
}

package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;

import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Update;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * {@link Adam} with {@link AdamOptions}: a step is the kernel's update of every parameter with
 * the step count PyTorch uses (bit for bit), frozen layers keep their weights and moments, the
 * non-finite guard, learning rates that change between steps, the options' checks, and a
 * network learning. The update kernel itself is tested in kernel.UpdateTest.
 */
class AdamTest {

    /** The network's parameters and gradients after one backward pass on random data. */
    static Network withGradients(Network net, long seed) {
        return SgdTest.trainedOnce(net, seed);
    }

    @Test
    void aStepIsTheKernelsUpdateOfEveryParameterWithPyTorchsStepCount() throws Exception {
        for (boolean decoupled : new boolean[] {true, false}) {
            Network net = withGradients(Network.mlp(8, 3, 5, 7, 3), 1);
            Network twin = Network.fromSafeTensors(net.toSafeTensors(), 8);
            AdamOptions o = (decoupled ? AdamOptions.adamW(0.01f) : AdamOptions.adam(0.01f)).withWeightDecay(0.05f);
            Adam adam = new Adam(net, o);
            float[][] m = new float[4][], v = new float[4][];
            for (long step = 1; step <= 3; step++) {
                int k = 0;
                for (int l = 0; l < net.depth(); l++) {
                    Dense d = net.layer(l), t = twin.layer(l);
                    float[] g = d.weightGrad().clone(), gb = d.biasGrad().clone();
                    if (step == 1) {
                        m[k] = new float[g.length];
                        v[k] = new float[g.length];
                        m[k + 1] = new float[gb.length];
                        v[k + 1] = new float[gb.length];
                    }
                    Update.adam(g.length, t.weightArray(), 0, g, 0, m[k], 0, v[k], 0, 0.01f, 0.9f, 0.999f,
                            1e-8f, 0.05f, decoupled, step, true);
                    Update.adam(gb.length, t.biasArray(), 0, gb, 0, m[k + 1], 0, v[k + 1], 0, 0.01f, 0.9f,
                            0.999f, 1e-8f, 0.05f, decoupled, step, true);
                    k += 2;
                }
                adam.step();
                assertEquals(step, adam.steps());
                for (int l = 0; l < net.depth(); l++) {
                    Compare.sameArray(twin.layer(l).weightArray(), net.layer(l).weightArray(), "w" + l + " step " + step);
                    Compare.sameArray(twin.layer(l).biasArray(), net.layer(l).biasArray(), "b" + l + " step " + step);
                    Compare.sameArray(new float[net.layer(l).weightGrad().length], net.layer(l).weightGrad(),
                            "gradients zeroed");
                }
                Compare.sameArray(m[2], adam.firstMoment(1), "exp_avg of layer 1");
                Compare.sameArray(v[2], adam.secondMoment(1), "exp_avg_sq of layer 1");
                withGradients(net, 1); // new gradients at the new weights for the next step
            }
        }
    }

    @Test
    void frozenLayersKeepTheirWeightsAndMoments() {
        Network net = withGradients(Network.mlp(4, 5, 3, 4, 2), 2);
        Adam adam = new Adam(net, AdamOptions.adamW(0.1f));
        adam.step();
        float[] m0 = adam.firstMoment(0).clone(), w0 = net.layer(0).weightArray().clone();
        net.layer(0).freeze();
        withGradients(net, 3);
        adam.step();
        Compare.sameArray(w0, net.layer(0).weightArray(), "frozen weights");
        Compare.sameArray(m0, adam.firstMoment(0), "frozen moments");
        assertTrue(adam.firstMoment(1)[0] != 0f, "layer 1 trains");
    }

    @Test
    void nonFiniteGradientsRefuseTheStepAndChangeNothing() {
        Network net = withGradients(Network.mlp(4, 6, 3, 4, 2), 4);
        Adam adam = new Adam(net, AdamOptions.adamW(0.1f));
        net.layer(1).weightGrad()[2] = Float.NaN;
        float[] w = net.layer(0).weightArray().clone(), g = net.layer(0).weightGrad().clone();
        assertEquals(OptionalInt.of(1), adam.stepIfFinite());
        assertEquals(0, adam.steps());
        Compare.sameArray(w, net.layer(0).weightArray(), "weights");
        Compare.sameArray(g, net.layer(0).weightGrad(), "gradients kept");
        Compare.sameArray(new float[adam.firstMoment(0).length], adam.firstMoment(0), "moments");
        net.layer(1).weightGrad()[2] = 0f;
        assertEquals(OptionalInt.empty(), adam.stepIfFinite());
        assertEquals(1, adam.steps());
    }

    @Test
    void theRateComesFromTheScheduleOrTheLastSetting() {
        Network net = withGradients(Network.mlp(4, 7, 3, 2), 5);
        Adam adam = new Adam(net, AdamOptions.adamW(0.1f).withSchedule(LearningRateSchedule.stepDecay(0.1f, 0.5f, 1)));
        assertEquals(0.1f, adam.learningRate());
        adam.step();
        assertEquals(0.05f, adam.learningRate());
        adam.setLearningRate(0.3f);
        assertEquals(0.3f, adam.learningRate());
        rejects(IllegalArgumentException.class, "learningRate must be finite and > 0, got NaN",
                () -> adam.setLearningRate(Float.NaN));
        adam.setSchedule(s -> Float.NaN);
        rejects(IllegalStateException.class, "the learning-rate schedule gave NaN for step 1; a rate must be finite and >= 0",
                adam::step);
        assertEquals(1, adam.steps(), "a refused step does not count");
    }

    @Test
    void optionsAreCheckedByName() {
        AdamOptions ok = AdamOptions.adamW(1e-3f);
        assertEquals(0.01f, ok.weightDecay(), "PyTorch's AdamW default");
        assertTrue(ok.decoupled());
        assertEquals(0f, AdamOptions.adam(1e-3f).weightDecay(), "PyTorch's Adam default");
        rejects(IllegalArgumentException.class, "beta1 must be in [0, 1), got 1.0", () -> ok.withBetas(1f, 0.999f));
        rejects(IllegalArgumentException.class, "beta2 must be in [0, 1), got -0.5", () -> ok.withBetas(0.9f, -0.5f));
        rejects(IllegalArgumentException.class, "beta2 must be in [0, 1), got NaN", () -> ok.withBetas(0.9f, Float.NaN));
        rejects(IllegalArgumentException.class, "eps must be finite and > 0, got 0.0", () -> ok.withEps(0f));
        rejects(IllegalArgumentException.class, "eps must be finite and > 0, got Infinity", () -> ok.withEps(Float.POSITIVE_INFINITY));
        rejects(IllegalArgumentException.class, "weightDecay must be finite and >= 0, got -0.1", () -> ok.withWeightDecay(-0.1f));
        rejects(IllegalArgumentException.class, "learningRate must be finite and > 0, got 0.0", () -> AdamOptions.adamW(0f));
        rejects(NullPointerException.class, "schedule must not be null", () -> ok.withSchedule(null));
        rejects(NullPointerException.class, "network must not be null", () -> new Adam(null, ok));
        rejects(NullPointerException.class, "options must not be null", () -> new Adam(Network.mlp(1, 1, 2, 1), null));
    }

    @Test
    void theOptimizerReportsTheOptionsItWasMadeWith() {
        // options() is how a caller reads the betas, eps and decay back (the rate excepted).
        AdamOptions o = AdamOptions.adam(0.02f).withBetas(0.8f, 0.99f).withEps(1e-6f).withWeightDecay(0.1f);
        assertEquals(o, new Adam(Network.mlp(1, 1, 2, 1), o).options());
    }

    /** AdamW fits a small regression that plain SGD at the same rate fits more slowly. */
    @Test
    void aNetworkLearns() {
        Network net = Network.mlp(32, 8, 2, 16, 1);
        Adam adam = new Adam(net, AdamOptions.adamW(0.01f));
        Random rnd = new Random(3);
        float[] x = Values.random(rnd, 32 * 2, 0, 1f), y = new float[32];
        for (int i = 0; i < 32; i++) {
            y[i] = (float) Math.sin(3 * x[2 * i]) * 0.5f + x[2 * i + 1] * 0.25f;
        }
        net.forward(x, 0, 2, 32);
        float first = net.loss(y, 0, 1);
        float last = first;
        for (int step = 0; step < 300; step++) {
            net.forward(x, 0, 2, 32);
            last = net.loss(y, 0, 1);
            net.backward(Gradients.ACCUMULATE);
            adam.step();
        }
        assertTrue(last < first / 10, "loss " + first + " -> " + last);
    }
}

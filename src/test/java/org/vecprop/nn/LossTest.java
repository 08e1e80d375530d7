package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;

import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.BinaryCrossEntropy;
import org.vecprop.kernel.CrossEntropy;
import org.vecprop.kernel.Reduction;
import org.vecprop.kernel.Softmax;
import org.vecprop.kernel.TopK;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * Networks that take a loss: the classifier's cross-entropy with labels and the scorer's binary
 * cross-entropy with logits next to MSE; each network's dP is its kernel's, bit for bit; backprop
 * agrees with finite differences in double for every loss, reduction, smoothing and weighting;
 * the inference helpers (probabilities, argmax, top-k); the loss kept through sharing, saving and
 * loading; and every wrong call refused, naming why, with nothing written.
 */
class LossTest {
    static final int BATCH = 6;

    static float[] inputs(Network net, long seed) {
        return Values.random(new Random(seed), BATCH * net.inputs(), 0, 1f);
    }

    static int[] labels(Network net, long seed) {
        Random rnd = new Random(seed);
        int[] l = new int[BATCH + 2];
        for (int i = 0; i < l.length; i++) {
            l[i] = rnd.nextInt(net.outputs());
        }
        return l;
    }

    @Test
    void theClassifiersDpIsTheCrossEntropyKernelsBitForBit() {
        for (Loss loss : new Loss[] {Loss.crossEntropy(), Loss.crossEntropy(Reduction.SUM, 0.1f)}) {
            Network net = Network.mlp(BATCH, 3, loss, Activation.RELU, 7, 12, 5);
            float[] x = inputs(net, 1);
            int[] y = labels(net, 2);
            net.forward(x, 0, 7, BATCH);
            float[] logits = net.output().toArray();
            float[] dz = new float[BATCH * 5];
            Loss.CrossEntropy ce = (Loss.CrossEntropy) loss;
            float expected = CrossEntropy.lossAndGradient(BATCH, 5, logits, 0, 5, y, 2, dz, 0, 5,
                    ce.reduction(), ce.labelSmoothing());
            Compare.same(expected, net.loss(y, 2), "loss " + loss);
            Compare.sameArray(dz, java.util.Arrays.copyOf(net.lossGradient(), BATCH * 5), "dP " + loss);
            net.backward(Gradients.OVERWRITE);
        }
    }

    @Test
    void theScorersDpIsTheBinaryCrossEntropyKernelsBitForBit() {
        float[] pw = {0.5f, 2f, 1f};
        Network net = Network.mlp(BATCH, 4, Loss.binaryCrossEntropyWithLogits(Reduction.MEAN, pw),
                Activation.TANH, 7, 9, 3);
        float[] x = inputs(net, 3), t = Values.random(new Random(4), BATCH * 3, 0, 1f);
        for (int i = 0; i < t.length; i++) {
            t[i] = Math.abs(t[i]);
        }
        net.forward(x, 0, 7, BATCH);
        float[] logits = net.output().toArray(), g = new float[BATCH * 3];
        float expected = BinaryCrossEntropy.lossAndGradient(BATCH, 3, logits, 0, 3, t, 0, 3, pw, 0, g, 0, 3,
                Reduction.MEAN);
        Compare.same(expected, net.loss(t, 0, 3), "loss");
        Compare.sameArray(g, java.util.Arrays.copyOf(net.lossGradient(), BATCH * 3), "dP");
    }

    @Test
    void backpropMatchesFiniteDifferencesForEveryLoss() {
        Loss[] losses = {Loss.crossEntropy(), Loss.crossEntropy(Reduction.SUM, 0.2f),
            Loss.binaryCrossEntropyWithLogits(), Loss.binaryCrossEntropyWithLogits(Reduction.SUM, new float[] {3f, 0.25f, 1f, 1f})};
        for (Loss loss : losses) {
            // tanh and sigmoid hidden layers: no ReLU kinks, so every parameter is checked
            Network net = new Network(loss, new Dense(5, 8, Activation.TANH, true, BATCH, 1),
                    new Dense(8, 6, Activation.SIGMOID, true, BATCH, 2), new Dense(6, 4, Activation.IDENTITY, true, BATCH, 3));
            float[] x = inputs(net, 5);
            GradCheck.Result r;
            if (loss.takesLabels()) {
                r = GradCheck.check(net, x, 0, 5, labels(net, 6), 1, BATCH, 1e-3);
            } else {
                float[] t = Values.random(new Random(7), BATCH * 4, 0, 1f);
                for (int i = 0; i < t.length; i++) {
                    t[i] = Math.abs(t[i]);
                }
                r = GradCheck.check(net, x, 0, 5, t, 0, 4, BATCH, 1e-3);
            }
            assertEquals(0, r.atKink());
            assertTrue(r.worstError() < 1e-3, loss + ": " + r);
        }
    }

    @Test
    void probabilitiesArgmaxAndTopKReadTheLastForward() {
        Network net = Network.classifier(BATCH, 5, 7, 12, 5);
        float[] x = inputs(net, 8);
        net.forward(x, 0, 7, BATCH);
        float[] logits = net.output().toArray();
        float[] p = new float[BATCH * 6 + 1], expected = new float[BATCH * 5];
        net.probabilities(p, 1, 6);
        Softmax.forward(BATCH, 5, logits, 0, 5, expected, 0, 5);
        for (int i = 0; i < BATCH; i++) {
            for (int j = 0; j < 5; j++) {
                Compare.same(expected[i * 5 + j], p[1 + i * 6 + j], "p[" + i + "][" + j + "]");
            }
        }
        int[] cls = new int[BATCH], ref = new int[BATCH];
        net.argmax(cls, 0);
        TopK.argmax(BATCH, 5, logits, 0, 5, ref, 0);
        assertArrayEquals(ref, cls);
        int[] top = new int[BATCH * 3], refTop = new int[BATCH * 3];
        float[] vals = new float[BATCH * 3], refVals = new float[BATCH * 3];
        net.topK(3, top, 0, 3, vals, 0, 3);
        TopK.select(BATCH, 5, 3, expected, 0, 5, refTop, 0, 3, refVals, 0, 3);
        assertArrayEquals(refTop, top);
        Compare.sameArray(refVals, vals, "top-3 probabilities");
        for (int i = 0; i < BATCH; i++) {
            assertEquals(cls[i], top[i * 3], "the top class is the argmax");
        }
        // A scorer's probabilities are sigmoids; an MSE network's outputs are not probabilities.
        Network scorer = Network.mlp(BATCH, 6, Loss.binaryCrossEntropyWithLogits(), Activation.RELU, 7, 4, 2);
        scorer.forward(x, 0, 7, BATCH);
        float[] s = new float[BATCH * 2], sig = new float[BATCH * 2];
        scorer.probabilities(s, 0, 2);
        Activation.SIGMOID.forward(BATCH, 2, scorer.output().toArray(), 0, 2, sig, 0, 2);
        Compare.sameArray(sig, s, "sigmoids");
        Network mse = Network.mlp(BATCH, 7, 7, 4, 2);
        mse.forward(x, 0, 7, BATCH);
        rejects(IllegalStateException.class, "an MSELoss() network's outputs are predictions, not"
                + " probabilities: read them with output()", () -> mse.probabilities(s, 0, 2));
        int[] mseTop = new int[BATCH];
        float[] mseVals = new float[BATCH];
        mse.topK(1, mseTop, 0, 1, mseVals, 0, 1);
        mse.argmax(cls, 0);
        for (int i = 0; i < BATCH; i++) {
            assertEquals(cls[i], mseTop[i]);
            Compare.same(mse.output().get(i, cls[i]), mseVals[i], "MSE top-1 value is the output");
        }
    }

    @Test
    void wrongCallsAreRefusedAndWriteNothing() {
        Network net = Network.classifier(BATCH, 5, 7, 12, 5);
        rejects(IllegalStateException.class, "no forward pass yet", () -> net.loss(new int[BATCH], 0));
        rejects(IllegalStateException.class, "no forward pass yet", () -> net.argmax(new int[BATCH], 0));
        net.forward(inputs(net, 9), 0, 7, BATCH);
        float[] dp = net.lossGradient().clone();
        rejects(IllegalStateException.class, "this network's loss, CrossEntropyLoss(), takes class labels:"
                + " call loss(int[] labels, int labelsOff)", () -> net.loss(new float[BATCH * 5], 0, 5));
        int[] y = new int[BATCH];
        y[3] = 12;
        rejects(IllegalArgumentException.class, "labels must be in [0, classes = 5), got 12 for row 3", () -> net.loss(y, 0));
        y[3] = -1;
        rejects(IllegalArgumentException.class, "labels must be in [0, classes = 5), got -1 for row 3", () -> net.loss(y, 0));
        rejects(NullPointerException.class, "labels must not be null", () -> net.loss(null, 0));
        Compare.sameArray(dp, net.lossGradient(), "dP untouched by rejected calls");
        assertEquals(false, net.lossReady());
        int[] small = new int[2];
        org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class, () -> net.argmax(small, 0));
        assertArrayEquals(new int[2], small);
        int[] idx = new int[BATCH * 2];
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> net.topK(6, idx, 0, 6, null, 0, 0));
        org.junit.jupiter.api.Assertions.assertThrows(IndexOutOfBoundsException.class, () -> net.topK(2, idx, 1, 2, null, 0, 0));
        assertArrayEquals(new int[BATCH * 2], idx, "nothing written");
        Network mse = Network.mlp(BATCH, 7, 7, 4, 2);
        mse.forward(inputs(mse, 1), 0, 7, BATCH);
        rejects(IllegalStateException.class, "this network's loss, MSELoss(), takes float targets: call"
                + " loss(float[] t, int tOff, int ldt)", () -> mse.loss(new int[BATCH], 0));
        rejects(IllegalArgumentException.class, "labelSmoothing must be in [0, 1], got 1.5",
                () -> Loss.crossEntropy(Reduction.MEAN, 1.5f));
        rejects(IllegalArgumentException.class, "posWeight[1] must be finite and >= 0, got -2.0",
                () -> Loss.binaryCrossEntropyWithLogits(Reduction.MEAN, new float[] {1f, -2f}));
        rejects(IllegalArgumentException.class, "posWeight has 2 weights, the network has 3 outputs",
                () -> Network.mlp(2, 1, Loss.binaryCrossEntropyWithLogits(Reduction.MEAN, new float[2]),
                        Activation.RELU, 4, 3));
    }

    @Test
    void aScorersTargetsThatDoNotFitAreRefusedNamingTheArgumentT() {
        // The network's argument is t (the kernel calls it y): a BCE network must name t, as the
        // MSE one does, and write nothing to dP.
        Network net = Network.mlp(BATCH, 4, Loss.binaryCrossEntropyWithLogits(), Activation.TANH, 7, 9, 3);
        net.forward(inputs(net, 5), 0, 7, BATCH);
        float[] dp = net.lossGradient().clone();
        org.vecprop.testing.Rejections.rejectsWithPrefix(IndexOutOfBoundsException.class,
                "t must fit in its array: a 6 x 3 matrix at tOff = 1",
                () -> net.loss(new float[BATCH * 3], 1, 3));
        Compare.sameArray(dp, net.lossGradient(), "dP untouched");
        assertEquals(false, net.lossReady());
    }

    @Test
    void theScorersLossIsAValueOfItsReductionAndWeights() {
        // BCEWithLogitsLoss holds an array, so equality, hashing and the accessor are by the
        // weights' values (a record's own would compare and hand out the array itself).
        float[] pw = {1.5f, 3f};
        Loss.BinaryCrossEntropyWithLogits b =
                (Loss.BinaryCrossEntropyWithLogits) Loss.binaryCrossEntropyWithLogits(Reduction.MEAN, pw);
        float[] got = b.posWeight();
        assertArrayEquals(pw, got, "the weights");
        got[0] = 9f;
        assertArrayEquals(pw, b.posWeight(), "a copy: writing it changes nothing");
        assertEquals(null, ((Loss.BinaryCrossEntropyWithLogits) Loss.binaryCrossEntropyWithLogits()).posWeight(),
                "no weights");
        Loss same = Loss.binaryCrossEntropyWithLogits(Reduction.MEAN, new float[] {1.5f, 3f});
        assertEquals(b, same, "equal weights");
        assertEquals(b.hashCode(), same.hashCode(), "equal values hash alike");
        Loss[] others = {Loss.binaryCrossEntropyWithLogits(Reduction.SUM, pw),
            Loss.binaryCrossEntropyWithLogits(Reduction.MEAN, new float[] {1.5f, 4f}),
            Loss.binaryCrossEntropyWithLogits(), Loss.mse(), Loss.crossEntropy()};
        for (Loss o : others) {
            assertEquals(false, b.equals(o), b + " vs " + o);
        }
        // The hash follows the reduction as well as the weights (reductions with equal weights
        // would otherwise all collide).
        assertEquals(false, b.hashCode() == others[0].hashCode(), "MEAN and SUM hash apart");
        assertEquals(false, b.hashCode() == others[1].hashCode(), "other weights hash apart");
    }

    @Test
    void topKBeforeAnyForwardOrOntoTheOutputsItRanksIsRefusedWritingNothing() {
        // topK ranks the last forward's outputs: before one there is nothing to rank (for the
        // classifier, whose probabilities go through the network's buffer, and for MSE, whose
        // outputs are ranked as they are), and values may not be the output buffer it reads
        // (the last layer's output(), reachable through layer(l)): refused, nothing written.
        for (Network net : new Network[] {Network.classifier(BATCH, 5, 7, 12, 5), Network.mlp(BATCH, 7, 7, 4, 5)}) {
            int[] idx = new int[BATCH * 2];
            java.util.Arrays.fill(idx, -3);
            float[] vals = new float[BATCH * 2];
            java.util.Arrays.fill(vals, -3f);
            int[] idxBefore = idx.clone();
            float[] valsBefore = vals.clone();
            rejects(IllegalStateException.class, "no forward pass yet",
                    () -> net.topK(2, idx, 0, 2, vals, 0, 2));
            assertArrayEquals(idxBefore, idx, "index untouched");
            Compare.sameArray(valsBefore, vals, "values untouched");
        }
        Network net = Network.classifier(BATCH, 5, 7, 12, 5);
        net.forward(inputs(net, 10), 0, 7, BATCH);
        float[] outputs = net.layer(net.depth() - 1).output();
        float[] before = outputs.clone();
        int[] idx = new int[BATCH * 2];
        rejects(IllegalArgumentException.class, "values must not overlap x: values spans elements"
                + " 0..11 and x 0..29 of the same array", () -> net.topK(2, idx, 0, 2, outputs, 0, 2));
        Compare.sameArray(before, outputs, "the outputs untouched");
        assertArrayEquals(new int[BATCH * 2], idx, "index untouched");
    }

    @Test
    void theLossIsKeptBySharingSavingAndLoading(@TempDir Path dir) throws Exception {
        Loss[] losses = {Loss.mse(), Loss.crossEntropy(), Loss.crossEntropy(Reduction.SUM, 0.1f),
            Loss.crossEntropy(Reduction.MEAN, 0.05f), Loss.binaryCrossEntropyWithLogits(),
            Loss.binaryCrossEntropyWithLogits(Reduction.SUM, new float[] {1.5f, 3f})};
        for (Loss loss : losses) {
            Network net = Network.mlp(BATCH, 2, loss, Activation.RELU, 3, 4, 2);
            assertEquals(loss, net.lossFunction());
            assertEquals(loss, net.sharingWeights(2).lossFunction());
            Path f = dir.resolve("net.safetensors");
            net.save(f);
            assertEquals(loss.toString(), net.toSafeTensors().metadata().get("vecprop.loss"));
            assertEquals(loss, Network.load(f, 3).lossFunction(), "loaded " + loss);
            assertEquals(loss, Loss.parse(loss.toString()));
        }
        assertEquals("CrossEntropyLoss(reduction='sum', label_smoothing=0.1)",
                Loss.crossEntropy(Reduction.SUM, 0.1f).toString());
        assertEquals("BCEWithLogitsLoss(pos_weight=[1.5, 3.0])",
                Loss.binaryCrossEntropyWithLogits(Reduction.MEAN, new float[] {1.5f, 3f}).toString());
        for (String bad : new String[] {"L1Loss()", "CrossEntropyLoss(weight=[1.0])", "CrossEntropyLoss(label_smoothing=x)",
            "BCEWithLogitsLoss(pos_weight=[1.0, -1.0])", "MSELoss(reduction='sum')"}) {
            org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> Loss.parse(bad));
        }
    }

    /** A classifier learns a toy problem with AdamW: the class is the largest of the inputs. */
    @Test
    void aClassifierLearns() {
        Network net = Network.classifier(32, 3, 4, 32, 4);
        Adam adam = new Adam(net, AdamOptions.adamW(1e-2f));
        Random rnd = new Random(11);
        float[] x = new float[32 * 4];
        int[] y = new int[32];
        int correct = 0;
        for (int step = 0; step < 400; step++) {
            for (int i = 0; i < 32; i++) {
                for (int j = 0; j < 4; j++) {
                    x[i * 4 + j] = rnd.nextFloat();
                }
                int best = 0;
                for (int j = 1; j < 4; j++) {
                    best = x[i * 4 + j] > x[i * 4 + best] ? j : best;
                }
                y[i] = best;
            }
            net.forward(x, 0, 4, 32);
            if (step >= 380) {
                int[] pred = new int[32];
                net.argmax(pred, 0);
                for (int i = 0; i < 32; i++) {
                    correct += pred[i] == y[i] ? 1 : 0;
                }
            }
            net.loss(y, 0);
            net.backward(Gradients.OVERWRITE);
            adam.step();
        }
        assertTrue(correct > 0.85 * 20 * 32, "accuracy over the last 20 batches " + correct / 640.0);
    }
}

package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * An optimizer step repacks the layers' packed weights (the forward's W and the backward's Wᵀ)
 * a block of rows at a time as it writes them, instead of leaving them stale for the next
 * product to repack: training that way must give, bit for bit, what training gives when every
 * product repacks from the weights (the same network with its packed forms marked stale before
 * each forward), for SGD with momentum and weight decay and for AdamW, at shapes whose sizes are
 * not multiples of a panel and whose weights span several row blocks.
 */
class PackedWeightsInTheStepTest {

    @Test
    void trainingWithTheStepsRefreshMatchesRepackingFromTheWeights() {
        Props.theory(30).forAll(Generate.range(1, 70), Generate.range(20, 300), Generate.range(16, 90),
                Generate.range(0, 1 << 20))
                .checkAssert((in, hidden1, hidden2, seed) -> {
                    int out = 2 + seed % 11, batch = 12 + seed % 9;
                    Function<Network, Optimizer> optimizer = seed % 2 == 0
                            ? n -> new Sgd(n, SgdOptions.learningRate(0.05f).withMomentum(0.9f)
                                    .withWeightDecay(1e-3f))
                            : n -> new Adam(n, AdamOptions.adamW(1e-2f));
                    Network fused = Network.mlp(batch, seed, in, hidden1, hidden2, out);
                    Network repacked = Network.mlp(batch, seed, in, hidden1, hidden2, out);
                    Optimizer a = optimizer.apply(fused), b = optimizer.apply(repacked);
                    Random rnd = new Random(seed);
                    String what = in + "-" + hidden1 + "-" + hidden2 + "-" + out + "@" + batch
                            + " " + a.getClass().getSimpleName();
                    for (int step = 0; step < 4; step++) {
                        float[] x = Values.random(rnd, batch * in, 0, 1f);
                        float[] t = Values.random(rnd, batch * out, 0, 1f);
                        for (Dense d : repacked.layers()) {
                            d.weightsChanged(); // every packed form stale: the products repack
                        }
                        Compare.sameArray(repacked.forward(x, 0, in, batch).toArray(),
                                fused.forward(x, 0, in, batch).toArray(), what + ": output, step " + step);
                        assertEquals(repacked.loss(t, 0, out), fused.loss(t, 0, out));
                        repacked.backward(Gradients.OVERWRITE);
                        fused.backward(Gradients.OVERWRITE);
                        for (int l = 1; l < fused.depth(); l++) {
                            Compare.sameArray(repacked.layer(l).inputGrad(), fused.layer(l).inputGrad(),
                                    what + ": dX of layer " + l + ", step " + step);
                        }
                        a.step();
                        b.step();
                        for (int l = 0; l < fused.depth(); l++) {
                            Dense d = fused.layer(l);
                            Compare.sameArray(repacked.layer(l).weightArray(), d.weightArray(),
                                    what + ": weights of layer " + l + ", step " + step);
                            if (d.readsPacked(batch)) {
                                // The step kept them current: the next products do not repack.
                                assertTrue(d.cell().current.packedCurrent(), what + ": W of layer " + l);
                                assertEquals(l > 0, d.cell().current.packedTransposedCurrent(),
                                        what + ": Wᵀ of layer " + l + " (made for dX, which layer 0 skips)");
                            }
                        }
                    }
                });
    }

    /**
     * Any other in-place change still marks both forms stale: a write through a parameter view
     * between steps is seen by the next forward and backward (their products repack).
     */
    @Test
    void aWriteThroughAParameterMarksBothFormsStale() throws Exception {
        int batch = 16;
        Network net = Network.mlp(batch, 3, 40, 64, 48, 10);
        Random rnd = new Random(4);
        float[] x = Values.random(rnd, batch * 40, 0, 1f), t = Values.random(rnd, batch * 10, 0, 1f);
        net.forward(x, 0, 40, batch);
        net.loss(t, 0, 10);
        net.backward(Gradients.OVERWRITE);
        new Sgd(net, SgdOptions.learningRate(0.1f)).step();
        WeightVersion v = net.layer(1).cell().current;
        assertTrue(v.packedCurrent() && v.packedTransposedCurrent(), "kept current by the step");
        net.layer(1).weight().set(3 * 48 + 5, 0.25f);
        assertFalse(v.packedCurrent(), "W stale after the write");
        assertFalse(v.packedTransposedCurrent(), "Wᵀ stale after the write");
        float[] viaNet = net.forward(x, 0, 40, batch).toArray();
        float[] fresh = Network.fromSafeTensors(net.toSafeTensors(), batch).forward(x, 0, 40, batch).toArray();
        Compare.sameArray(fresh, viaNet, "forward after the write vs a network built from the weights");
    }

    /**
     * A change that throws part-way, after asking to keep the packed forms current, leaves them
     * stale (it may have written rows it never repacked): the next forward computes with the
     * weights as they are, whatever was written.
     */
    @Test
    void aChangeThatThrowsLeavesBothFormsStale() throws Exception {
        int batch = 16;
        Network net = Network.mlp(batch, 5, 40, 64, 48, 10);
        Random rnd = new Random(6);
        float[] x = Values.random(rnd, batch * 40, 0, 1f), t = Values.random(rnd, batch * 10, 0, 1f);
        net.forward(x, 0, 40, batch);
        net.loss(t, 0, 10);
        net.backward(Gradients.OVERWRITE);
        WeightVersion v = net.layer(1).cell().current;
        assertTrue(v.packedCurrent() && v.packedTransposedCurrent(), "both made by the passes");
        IllegalStateException thrown = new IllegalStateException("planted");
        WeightChange failing = new WeightChange() {
            @Override
            public boolean changes(int l) {
                return l == 1;
            }

            @Override
            public void change(int l, float[] w, float[] b, WeightVersion inPlace) {
                assertTrue(inPlace.beginRowRefresh());
                w[0] += 1f; // written, never repacked
                throw thrown;
            }
        };
        assertEquals(thrown, org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> net.changeWeights(failing)));
        assertFalse(v.packedCurrent(), "W stale after the failed change");
        assertFalse(v.packedTransposedCurrent(), "Wᵀ stale after the failed change");
        float[] viaNet = net.forward(x, 0, 40, batch).toArray();
        float[] fresh = Network.fromSafeTensors(net.toSafeTensors(), batch).forward(x, 0, 40, batch).toArray();
        Compare.sameArray(fresh, viaNet, "forward after the failed change vs the weights as written");
    }
}

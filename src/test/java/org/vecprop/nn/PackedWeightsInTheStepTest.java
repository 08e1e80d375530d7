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

    private static final int BATCH = 16;

    /**
     * A forward pass of a random batch of 40 inputs through {@code net} (40 - 64 - 48 - 10),
     * an MSE loss against random targets and a backward pass, which make the packed forms.
     *
     * @return the batch, for a later forward pass
     */
    private static float[] forwardAndBackward(Network net, long seed) {
        Random rnd = new Random(seed);
        float[] x = Values.random(rnd, BATCH * 40, 0, 1f), t = Values.random(rnd, BATCH * 10, 0, 1f);
        net.forward(x, 0, 40, BATCH);
        net.loss(t, 0, 10);
        net.backward(Gradients.OVERWRITE);
        return x;
    }

    /**
     * Any other in-place change still marks both forms stale: a write through a parameter view
     * between steps is seen by the next forward and backward (their products repack).
     */
    @Test
    void aWriteThroughAParameterMarksBothFormsStale() throws Exception {
        Network net = Network.mlp(BATCH, 3, 40, 64, 48, 10);
        float[] x = forwardAndBackward(net, 4);
        new Sgd(net, SgdOptions.learningRate(0.1f)).step();
        WeightVersion v = net.layer(1).cell().current;
        assertTrue(v.packedCurrent() && v.packedTransposedCurrent(), "kept current by the step");
        net.layer(1).weight().set(3 * 48 + 5, 0.25f);
        assertFalse(v.packedCurrent(), "W stale after the write");
        assertFalse(v.packedTransposedCurrent(), "Wᵀ stale after the write");
        Network fresh = Network.fromSafeTensors(net.toSafeTensors(), BATCH);
        Compare.sameArray(fresh.forward(x, 0, 40, BATCH).toArray(), net.forward(x, 0, 40, BATCH).toArray(),
                "forward after the write vs a network built from the weights");
        // And the backward product repacks Wᵀ from the written weights: dX as the fresh network's.
        float[] t = Values.random(new Random(5), BATCH * 10, 0, 1f);
        net.loss(t, 0, 10);
        fresh.loss(t, 0, 10);
        net.backward(Gradients.OVERWRITE);
        fresh.backward(Gradients.OVERWRITE);
        Compare.sameArray(fresh.layer(1).inputGrad(), net.layer(1).inputGrad(),
                "dX of layer 1 after the write vs a network built from the weights");
    }

    /**
     * The step's row block: about ROW_BLOCK_FLOATS floats of W and a whole number of 32-row
     * groups (whole transposed panels at every width), at least 32 rows. Any block gives the same
     * bits (the tests above), so only the size itself can show it changed.
     */
    @Test
    void theStepsRowBlockIsAMultipleOf32RowsOfAbout8192Floats() {
        assertEquals(32, OptimizerCore.rowBlock(256));
        assertEquals(64, OptimizerCore.rowBlock(128));
        assertEquals(800, OptimizerCore.rowBlock(10));
        assertEquals(32, OptimizerCore.rowBlock(4096));
        assertEquals(8192, OptimizerCore.rowBlock(1));
    }

    /**
     * A change that throws part-way, after asking to keep the packed forms current, leaves them
     * stale (it may have written rows it never repacked): the next forward computes with the
     * weights as they are, whatever was written.
     */
    @Test
    void aChangeThatThrowsLeavesBothFormsStale() throws Exception {
        Network net = Network.mlp(BATCH, 5, 40, 64, 48, 10);
        float[] x = forwardAndBackward(net, 6);
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
        float[] viaNet = net.forward(x, 0, 40, BATCH).toArray();
        float[] fresh = Network.fromSafeTensors(net.toSafeTensors(), BATCH).forward(x, 0, 40, BATCH).toArray();
        Compare.sameArray(fresh, viaNet, "forward after the failed change vs the weights as written");
    }
}

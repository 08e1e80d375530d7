package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * Networks reading their weights as bfloat16 ({@link WeightFormat#BFLOAT16}): bit for bit the
 * composed kernels on the rounded weights at every batch size (plain and packed thresholds alike),
 * close to and different from float32, following hot swaps and training of the float32 network
 * they share with, and refusing backward.
 */
class Bfloat16NetworkTest {
    static final int[] SIZES = {30, 24, 16, 5};

    /** The forward of {@code net}'s current weights with every layer's weights as PackedMatrix.packBfloat16. */
    static float[] composed(Network net, float[] x, int batch) {
        float[] a = Arrays.copyOf(x, batch * net.inputs());
        for (int l = 0; l < net.depth(); l++) {
            Dense d = net.layer(l);
            float[] z = new float[batch * d.outputs()];
            PackedMatrix w = PackedMatrix.packBfloat16(false, d.inputs(), d.outputs(), d.weightArray(), 0, d.outputs());
            Gemm.multiplyPackedBiasActivation(false, batch, 1f, a, 0, d.inputs(), w, 0f, z, 0, d.outputs(),
                    d.biasArray(), 0, d.activation());
            a = z;
        }
        return a;
    }

    @Test
    void aBfloat16NetworkIsTheComposedKernelsOnTheRoundedWeightsAtEveryBatch() {
        Network net = Network.mlp(40, 3, Loss.crossEntropy(), Activation.RELU, SIZES);
        Network bf = net.sharingWeights(40, WeightFormat.BFLOAT16);
        assertEquals(WeightFormat.BFLOAT16, bf.layer(0).weightFormat());
        assertEquals(WeightFormat.FLOAT32, net.layer(0).weightFormat());
        Random rnd = new Random(5);
        float[] x = Values.random(rnd, 40 * 30, 0, 1f);
        for (int batch : new int[] {1, 2, 3, 4, 5, 17, 40}) {
            float[] got = bf.forward(x, 0, 30, batch).toArray();
            Compare.sameArray(composed(net, x, batch), got, "batch " + batch);
            float[] f32 = net.forward(x, 0, 30, batch).toArray();
            assertFalse(Arrays.equals(f32, got), "bfloat16 is a different computation");
            double scale = 0, worst = 0;
            for (int i = 0; i < got.length; i++) {
                scale = Math.max(scale, Math.abs(f32[i]));
                worst = Math.max(worst, Math.abs(f32[i] - got[i]));
            }
            // 8 bits of mantissa: each weight within 2^-9 relative; three layers, small sums
            assertTrue(worst <= 0.02 * scale, "batch " + batch + ": worst " + worst + " of " + scale);
        }
    }

    @Test
    void aBfloat16NetworkFollowsSwapsAndTraining() throws Exception {
        Network net = Network.mlp(8, 4, SIZES);
        Network bf = net.sharingWeights(8, WeightFormat.BFLOAT16);
        float[] x = Values.random(new Random(6), 8 * 30, 0, 1f);
        bf.forward(x, 0, 30, 8);
        net.loadWeights(Network.mlp(8, 9, SIZES).toSafeTensors());
        Compare.sameArray(composed(net, x, 8), bf.forward(x, 0, 30, 8).toArray(), "after a swap");
        Adam adam = new Adam(net, AdamOptions.adamW(1e-2f));
        net.forward(x, 0, 30, 8);
        net.loss(Values.random(new Random(7), 8 * 5, 0, 1f), 0, 5);
        net.backward(Gradients.OVERWRITE);
        adam.step();
        Compare.sameArray(composed(net, x, 8), bf.forward(x, 0, 30, 8).toArray(), "after a step");
        net.layer(1).bias().set(2, 7f); // the bias alone: the bfloat16 weights are kept
        Compare.sameArray(composed(net, x, 8), bf.forward(x, 0, 30, 8).toArray(), "after a bias write");
    }

    @Test
    void aBfloat16NetworkComputesForwardPassesOnly() {
        Network net = Network.mlp(4, 4, SIZES);
        Network bf = net.sharingWeights(4, WeightFormat.BFLOAT16);
        float[] x = new float[4 * 30];
        bf.forward(x, 0, 30, 4);
        bf.loss(new float[4 * 5], 0, 5);
        rejects(IllegalStateException.class, "a network reading BFLOAT16 weights computes forward passes"
                + " only: train the float32 network whose weights it shares", () -> bf.backward(Gradients.ACCUMULATE));
        rejects(IllegalStateException.class, "a layer reading BFLOAT16 weights computes forward passes only:"
                + " train the float32 layer whose weights it shares",
                () -> bf.layer(0).backward(new float[4 * 24], 0, 24, Gradients.ACCUMULATE, false));
        rejects(NullPointerException.class, "format must not be null", () -> net.sharingWeights(4, null));
        assertEquals(WeightFormat.FLOAT32, bf.sharingWeights(2).layer(2).weightFormat(),
                "a sharer reads float32 unless asked otherwise, whoever it shares with");
    }
}

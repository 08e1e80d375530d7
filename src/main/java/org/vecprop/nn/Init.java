package org.vecprop.nn;

import java.util.SplittableRandom;

/**
 * Seeded weight initialisation: He for ReLU layers, Glorot for identity layers. Biases start at
 * zero.
 */
public final class Init {
    private Init() {}

    /**
     * He (Kaiming) normal: {@code N(0, 2 / fanIn)}, which keeps the variance of ReLU activations
     * roughly constant from layer to layer.
     */
    public static void he(float[] w, int fanIn, SplittableRandom rnd) {
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (gaussian(rnd) * std);
        }
    }

    /**
     * Glorot (Xavier) uniform: {@code U(-l, l)} with {@code l = sqrt(6 / (fanIn + fanOut))}, which
     * balances the variance of the forward and the backward signal for linear layers.
     */
    public static void glorot(float[] w, int fanIn, int fanOut, SplittableRandom rnd) {
        double limit = Math.sqrt(6.0 / (fanIn + fanOut));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
        }
    }

    /** A standard normal variate by the Box-Muller transform (reproducible from the seed). */
    private static double gaussian(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble(); // (0, 1]: log is finite
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    }
}

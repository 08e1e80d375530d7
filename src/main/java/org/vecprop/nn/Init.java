package org.vecprop.nn;

import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Seeded weight initialisation: He for ReLU layers, Glorot for identity, sigmoid and tanh layers. Biases start at
 * zero. Every value written is finite: the fans are checked ({@code >= 1}) and their sum taken
 * in {@code long}, so no size makes a variance infinite or NaN.
 */
public final class Init {
    private Init() {}

    /**
     * He (Kaiming) normal: {@code N(0, 2 / fanIn)}, which keeps the variance of ReLU activations
     * roughly constant from layer to layer. Fills the whole array.
     *
     * @param w the weights to fill
     * @param fanIn inputs per unit, {@code >= 1}
     * @param rnd the source of randomness (advanced)
     * @throws NullPointerException if {@code w} or {@code rnd} is null
     * @throws IllegalArgumentException if {@code fanIn < 1}, before any write
     */
    public static void he(float[] w, int fanIn, SplittableRandom rnd) {
        Objects.requireNonNull(w, "w must not be null");
        Objects.requireNonNull(rnd, "rnd must not be null");
        fan("fanIn", fanIn);
        double std = Math.sqrt(2.0 / fanIn);
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) (gaussian(rnd) * std);
        }
    }

    /**
     * Glorot (Xavier) uniform: {@code U(-l, l)} with {@code l = sqrt(6 / (fanIn + fanOut))}, which
     * balances the variance of the forward and the backward signal for linear layers, and for
     * tanh and sigmoid near 0 (where they are close to linear; for sigmoid that still leaves the
     * factor {@code σ' <= 1/4} per layer, the vanishing gradient of deep sigmoid networks). Fills the
     * whole array.
     *
     * @param w the weights to fill
     * @param fanIn inputs per unit, {@code >= 1}
     * @param fanOut outputs per unit, {@code >= 1}
     * @param rnd the source of randomness (advanced)
     * @throws NullPointerException if {@code w} or {@code rnd} is null
     * @throws IllegalArgumentException if a fan is below 1, before any write
     */
    public static void glorot(float[] w, int fanIn, int fanOut, SplittableRandom rnd) {
        Objects.requireNonNull(w, "w must not be null");
        Objects.requireNonNull(rnd, "rnd must not be null");
        fan("fanIn", fanIn);
        fan("fanOut", fanOut);
        double limit = Math.sqrt(6.0 / ((long) fanIn + fanOut));
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) ((rnd.nextDouble() * 2 - 1) * limit);
        }
    }

    private static void fan(String name, int value) {
        if (value < 1) {
            throw new IllegalArgumentException(name + " must be >= 1, got " + value);
        }
    }

    /** A standard normal variate by the Box-Muller transform (reproducible from the seed). */
    private static double gaussian(SplittableRandom rnd) {
        double u1 = 1.0 - rnd.nextDouble(); // (0, 1]: log is finite
        double u2 = rnd.nextDouble();
        return Math.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2 * Math.PI * u2);
    }
}

package org.vecprop.testing;

import java.util.Random;

/**
 * Seeded test data: ordinary values in [-1, 1], optionally sprinkled with the special values
 * every kernel must handle (NaN, +-Inf, -0.0, +0.0, subnormals).
 */
public final class Values {
    private Values() {}

    /** Special values, chosen uniformly when a slot is special. */
    static final float[] SPECIALS = {
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
        Float.MIN_VALUE, -Float.MIN_VALUE, 3.5e-39f, -1.2e-40f, Float.MIN_NORMAL
    };

    /**
     * Fills {@code a} with values: each one special with probability {@code specialPermille}/1000,
     * otherwise uniform in [-1, 1] times {@code scale}.
     */
    public static void fill(Random rnd, float[] a, int specialPermille, float scale) {
        for (int i = 0; i < a.length; i++) {
            a[i] = rnd.nextInt(1000) < specialPermille
                    ? SPECIALS[rnd.nextInt(SPECIALS.length)]
                    : (rnd.nextFloat() * 2f - 1f) * scale;
        }
    }

    /** A fresh array of {@code n} values (see {@link #fill}). */
    public static float[] random(Random rnd, int n, int specialPermille, float scale) {
        float[] a = new float[n];
        fill(rnd, a, specialPermille, scale);
        return a;
    }

    /** {@code n} values {@code i - 20.5}: distinct, negative then positive, exact in float. */
    public static float[] ramp(int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i - 20.5f;
        }
        return x;
    }
}

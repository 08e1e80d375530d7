package org.vecprop.jmh;

import java.util.Random;

/**
 * Seeded random inputs for the benchmarks and tools: the one place they are drawn, so every
 * class draws the same values from the same seed.
 */
public final class RandomData {
    private RandomData() {}

    /**
     * {@code n} values uniform in [-1, 1), the next {@code n} draws of {@code r}.
     *
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public static float[] uniform(Random r, int n) {
        return uniform(r, n, -1f, 1f);
    }

    /**
     * {@code n} values uniform in [-1, 1) from a new {@code Random(seed)}.
     *
     * @throws IllegalArgumentException if {@code n < 0}
     */
    public static float[] uniform(long seed, int n) {
        return uniform(new Random(seed), n);
    }

    /**
     * {@code n} values {@code lo + (hi - lo)·u}, u the next {@code n} {@link Random#nextFloat}
     * draws of {@code r}. {@code nextFloat} is a multiple of 2^-24 in [0, 1), so for ranges such
     * as [-1, 1), [0, 1) and [-0.5, 0.5) (width a power of two, lo a multiple of it over 2^24)
     * every value is exact and lies in [lo, hi).
     *
     * @throws IllegalArgumentException if {@code n < 0} or {@code !(lo < hi)}
     */
    public static float[] uniform(Random r, int n, float lo, float hi) {
        if (n < 0) {
            throw new IllegalArgumentException("n must be >= 0, got " + n);
        }
        if (!(lo < hi)) {
            throw new IllegalArgumentException("need lo < hi, got lo = " + lo + ", hi = " + hi);
        }
        float width = hi - lo;
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = lo + width * r.nextFloat();
        }
        return x;
    }
}

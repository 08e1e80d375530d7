package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link Init}: the initialisers' distributions (found unchecked by mutation testing, scripts/mutation). */
class InitTest {

    @Test
    void heIsNormalWithVarianceTwoOverFanIn() {
        float[] w = new float[200_000];
        Init.he(w, 8, new SplittableRandom(5));
        double sum = 0, squares = 0;
        long positive = 0;
        for (float v : w) {
            assertTrue(Float.isFinite(v));
            sum += v;
            squares += (double) v * v;
            positive += v > 0 ? 1 : 0;
        }
        double mean = sum / w.length, std = Math.sqrt(squares / w.length - mean * mean);
        assertEquals(0, mean, 0.005, "mean");
        assertEquals(0.5, std, 0.005, "std = sqrt(2 / 8)");
        assertEquals(0.5, positive / (double) w.length, 0.01, "symmetric");
        // A normal has about 4.55% of its mass beyond 2 sigma.
        long tails = 0;
        for (float v : w) {
            tails += Math.abs(v) > 1.0 ? 1 : 0;
        }
        assertEquals(0.0455, tails / (double) w.length, 0.003, "two-sigma tails");
    }

    @Test
    void glorotIsUniformWithinTheLimit() {
        float[] w = new float[100_000];
        Init.glorot(w, 10, 14, new SplittableRandom(6));
        double limit = Math.sqrt(6.0 / 24), sum = 0, squares = 0, maxAbs = 0;
        for (float v : w) {
            assertTrue(Math.abs(v) <= limit, v + " beyond the limit " + limit);
            sum += v;
            squares += (double) v * v;
            maxAbs = Math.max(maxAbs, Math.abs(v));
        }
        assertEquals(0, sum / w.length, 0.005, "mean");
        assertEquals(limit * limit / 3, squares / w.length, 0.005 * limit * limit, "variance of U(-l, l)");
        assertTrue(maxAbs > 0.999 * limit, "reaches the limit: " + maxAbs);
    }

    @Test
    void badFansAndNullsAreRejectedBeforeAnyWrite() {
        float[] w = {7f, 7f};
        java.util.SplittableRandom rnd = new java.util.SplittableRandom(1);
        org.vecprop.testing.Rejections.rejects(IllegalArgumentException.class, "fanIn must be >= 1, got 0",
                () -> Init.he(w, 0, rnd));
        org.vecprop.testing.Rejections.rejects(IllegalArgumentException.class, "fanIn must be >= 1, got -3",
                () -> Init.glorot(w, -3, 2, rnd));
        org.vecprop.testing.Rejections.rejects(IllegalArgumentException.class, "fanOut must be >= 1, got 0",
                () -> Init.glorot(w, 2, 0, rnd));
        org.vecprop.testing.Rejections.rejects(NullPointerException.class, "w must not be null",
                () -> Init.he(null, 2, rnd));
        org.vecprop.testing.Rejections.rejects(NullPointerException.class, "rnd must not be null",
                () -> Init.glorot(w, 2, 2, null));
        org.junit.jupiter.api.Assertions.assertArrayEquals(new float[] {7f, 7f}, w);
        // Fans whose int sum overflows: a finite limit, sqrt(6 / (2^32 - 2)).
        Init.glorot(w, Integer.MAX_VALUE, Integer.MAX_VALUE, rnd);
        double limit = Math.sqrt(6.0 / (2.0 * Integer.MAX_VALUE));
        for (float v : w) {
            assertTrue(Float.isFinite(v) && Math.abs(v) <= limit, v + " for the largest fans");
        }
        Init.he(w, Integer.MAX_VALUE, rnd);
        assertTrue(Float.isFinite(w[0]) && Float.isFinite(w[1]));
    }
}

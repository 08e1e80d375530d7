package org.vecprop.internal.math;

import java.util.Arrays;
import java.util.Random;

/**
 * Test inputs for log and log1p: special values, every point where the algorithm changes
 * behaviour with its neighbourhood, and seeded random values, as {@link ExpInputs} has for exp.
 */
final class LogInputs {
    private LogInputs() {}

    /** Special values, each also negated. */
    static final float[] SPECIALS = {
        Float.NaN, Float.POSITIVE_INFINITY, 0f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
        1f, 2f, 0.5f, 1e-20f, 3.5e-39f, 1e30f, Float.intBitsToFloat(0x7fc00001),
        Float.intBitsToFloat(0x7f800001), 0x1p-24f, 0x1p24f,
    };

    /**
     * Where log or log1p changes behaviour or the reduction changes k (both signs are tested):
     * 1 (log's zero), the reduction's boundaries √2/2 and √2 and their powers of two, the
     * subnormal switch, log1p's tiny-argument limit 2^-24, -1 and its neighbours, √2 − 1 and
     * √2/2 − 1 (k changes), 2^24 and 2^25 (where 2^-k − 1 stops being exact), the largest float.
     */
    static final float[] THRESHOLDS = {
        1f, Float.intBitsToFloat(FloatLog.SQRT_HALF_BITS), 2 * Float.intBitsToFloat(FloatLog.SQRT_HALF_BITS),
        0x1p-60f * Float.intBitsToFloat(FloatLog.SQRT_HALF_BITS), 0x1p60f * Float.intBitsToFloat(FloatLog.SQRT_HALF_BITS),
        Float.MIN_NORMAL, 0x1p-24f, 0x1p-25f, 1f, 0.41421357f, 0.29289323f, 0x1p24f, 0x1p25f, 0x1.6a09e6p24f,
        Float.MAX_VALUE, 0.5f, 2f, 0.75f, 1.5f,
    };

    /** Neighbourhood half-width, in ulps, around each threshold. */
    static final int NEIGHBOURHOOD = 8;

    /** The specials and every threshold's neighbourhood, both signs. */
    static float[] edges() {
        float[] out = new float[2 * SPECIALS.length + THRESHOLDS.length * 2 * (2 * NEIGHBOURHOOD + 1)];
        int k = 0;
        for (float s : SPECIALS) {
            out[k++] = s;
            out[k++] = -s;
        }
        for (float t : THRESHOLDS) {
            for (float signed : new float[] {t, -t}) {
                float x = signed;
                for (int i = 0; i < NEIGHBOURHOOD; i++) {
                    x = Math.nextDown(x);
                }
                for (int i = 0; i <= 2 * NEIGHBOURHOOD; i++, x = Math.nextUp(x)) {
                    out[k++] = x;
                }
            }
        }
        return Arrays.copyOf(out, k);
    }

    /**
     * n seeded values: a third uniform over all 2^32 bit patterns, a third uniform in value over
     * (-1, 4] (log1p's interesting range, and log's around 1), a third exponentials of
     * uniform [-100, 100] (every binade of log's argument).
     */
    static float[] random(long seed, int n) {
        Random rnd = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = switch (i % 3) {
                case 0 -> Float.intBitsToFloat(rnd.nextInt());
                case 1 -> -1f + rnd.nextFloat() * 5f;
                default -> (float) Math.exp(rnd.nextDouble() * 200 - 100);
            };
        }
        return out;
    }
}

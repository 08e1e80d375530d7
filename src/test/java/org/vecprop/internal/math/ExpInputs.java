package org.vecprop.internal.math;

import java.util.Arrays;
import java.util.Random;

/**
 * Test inputs for exp, sigmoid and tanh: special values, every threshold of the three functions
 * with its neighbourhood, whole binades, and seeded random values over the whole float range.
 */
final class ExpInputs {
    private ExpInputs() {}

    static final float LN2 = (float) Math.log(2);

    /** Special values, each also negated. */
    static final float[] SPECIALS = {
        Float.NaN, Float.POSITIVE_INFINITY, 0f, Float.MIN_VALUE, Float.MIN_NORMAL, Float.MAX_VALUE,
        1f, 2f, 0.5f, 1e-20f, 3.5e-39f, Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0x7f800001),
    };

    /**
     * Every threshold where a function changes behaviour or branch (both signs are tested):
     * exp's clamp bounds, its overflow, subnormal and zero thresholds (the first float whose exp
     * overflows, is below 2^-126, rounds to 0), points where the reduction's n changes
     * ((k + 1/2)·ln2), the sigmoid's saturation to 1, tanh's polynomial limit, its saturation,
     * its exp-argument cap and where e^{2|x|} would overflow, and where tanh crosses 1/2.
     */
    static final float[] THRESHOLDS = {
        0f, FloatExp.EXP_MAX_ARG, FloatExp.EXP_MIN_ARG, 88.72283935546875f, 87.3365478515625f,
        103.97208404541016f, 0.5f * LN2, 1.5f * LN2, 127.5f * LN2, 149.5f * LN2, 125.5f * LN2,
        17.32868003845215f, FloatExp.TANH_POLY_LIMIT, 9.010913848876953f,
        FloatExp.TANH_EXP_ARG_MAX / 2, 88.72283935546875f / 2, 0.54930615f, Float.MIN_NORMAL,
    };

    /** Neighbourhood half-width, in ulps, around each threshold. */
    static final int NEIGHBOURHOOD = 8;

    /** The specials, both signs. */
    static float[] specials() {
        float[] out = new float[2 * SPECIALS.length];
        for (int i = 0; i < SPECIALS.length; i++) {
            out[2 * i] = SPECIALS[i];
            out[2 * i + 1] = -SPECIALS[i];
        }
        return out;
    }

    /**
     * Every threshold, both signs, and the NEIGHBOURHOOD floats on each side of it (stepping
     * through float bit patterns, so around 0 these are the smallest subnormals).
     */
    static float[] thresholdNeighbourhoods() {
        float[] out = new float[THRESHOLDS.length * 2 * (2 * NEIGHBOURHOOD + 1)];
        int k = 0;
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

    /** The specials and the threshold neighbourhoods together. */
    static float[] edges() {
        float[] a = specials();
        float[] b = thresholdNeighbourhoods();
        float[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Every {@code stride}-th float of the binade [lo, 2·lo) (lo a power of two, either sign). */
    static float[] binade(float lo, int stride) {
        int first = Float.floatToRawIntBits(lo);
        int count = 1 << 23;
        float[] out = new float[(count + stride - 1) / stride];
        for (int i = 0; i < out.length; i++) {
            out[i] = Float.intBitsToFloat(first + i * stride);
        }
        return out;
    }

    /**
     * n seeded values: half uniform over all 2^32 bit patterns (every binade equally likely,
     * NaNs and infinities included), half uniform in value over [-110, 110], where exp, sigmoid
     * and tanh do not saturate.
     */
    static float[] random(long seed, int n) {
        Random rnd = new Random(seed);
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = (i & 1) == 0 ? Float.intBitsToFloat(rnd.nextInt()) : (rnd.nextFloat() * 2f - 1f) * 110f;
        }
        return out;
    }
}

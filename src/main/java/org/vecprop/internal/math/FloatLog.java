package org.vecprop.internal.math;

import static org.vecprop.internal.math.FloatExp.MANTISSA_BITS;
import static org.vecprop.internal.math.FloatExp.ROUND_SHIFT;
import static org.vecprop.internal.math.FloatExp.ROUND_SHIFT_BITS;

/**
 * vecprop's own float natural logarithm {@code log x} and {@code log1p x = log(1 + x)}, in
 * scalar form.
 *
 * <p>{@link VectorFloatLog} computes the same functions on Vector API lanes with the same IEEE
 * operations in the same order, so the two agree bit for bit on every input, at every vector
 * width and in every JIT tier, as {@link FloatExp} and {@link VectorFloatExp} do: only float
 * additions, multiplications and {@link Math#fma} (exactly rounded in Java), and integer steps on
 * the reinterpreted bits. No {@link Math#log}, no Vector API transcendental. This class has no
 * Vector API import: it loads without the incubator module.
 *
 * <h2>log</h2>
 * A subnormal x is first multiplied by 2^23 (exact). Then {@code x = 2^k·m} with m in
 * [√2/2, √2), read from the bits (the exponent is taken after subtracting the bits of √2/2, so no
 * comparison is needed), and {@code f = m − 1} is exact (Sterbenz). {@code log x = k·ln2 +
 * log1p(f)} with {@code log1p(f) = f − f²/2 + f³·P(f)}, P a degree-8 polynomial
 * ({@code scripts/log_coefficients.py}; relative error of the whole log1p 0.017·2^-24 with the
 * float coefficients). The large terms are added with error-free transformations: {@code k·ln2hi}
 * is exact (ln2hi has 15 significant bits, |k| &lt;= 149), {@code S = k·ln2hi + f} with its
 * rounding error (Fast2Sum, |k·ln2hi| >= |f| unless k = 0), {@code f² = h + hl} exactly (FMA),
 * {@code S2 = S − h/2} with its rounding error (Fast2Sum); every rounding error and the small
 * terms ({@code f³·P − hl/2}, {@code k·ln2lo}) are summed into a tail, and the one rounding of
 * size 2^-24 is the last addition {@code S2 + tail}.
 *
 * <h2>log1p</h2>
 * {@code 1 + x} is rounded only to choose k (its bits as above); the reduced argument is then
 * formed from x itself: {@code (1 + x)/2^k − 1 = x·2^-k + (2^-k − 1)}, where {@code x·2^-k} is
 * exact (k subtracted from the exponent bits) and {@code 2^-k − 1} is exact for k &lt;= 24 (for
 * larger k its lost part 2^-k is below 0.03 ulp of the result). Their sum {@code f} and its
 * rounding error {@code fl} come from TwoSum; fl is nonzero only for k >= 1, where it enters the
 * tail as {@code fl·(1 − f)} ≈ {@code fl/(1 + f)}. Then the same core as log. So log1p is
 * accurate for tiny x (it returns x for |x| &lt; 2^-24) and near -1, where {@code log(1 + x)}
 * would lose everything to the rounding of 1 + x.
 *
 * <h2>Error bounds</h2>
 * Against the double-precision truth ({@link Math#log}, {@link Math#log1p} of the float
 * argument), in float ulps of the truth. The bounds come from a first-order error analysis
 * evaluated on a dense grid of the reduced argument for every k ({@code docs/log.md},
 * {@code scripts/log_coefficients.py}); the exhaustive sweep over all 2^32 floats
 * ({@code scripts/log-accuracy}, {@code results/log-accuracy.md}) measures the worst errors:
 * both are within <b>0.75 ulp</b> (the analysis gives 0.7464 for each, at the ends of f's
 * interval for k = 0 and |k| = 1; 0.58 for |k| >= 2).
 */
public final class FloatLog {
    private FloatLog() {}

    /** Bits of √2/2 rounded to float: m is taken from [this, this + 2^23 bit patterns). */
    static final int SQRT_HALF_BITS = 0x3f35_04f3;
    static final int MANTISSA_MASK = 0x007f_ffff;
    /** The sign and exponent bits: {@code ix & EXPONENT_FIELD} is {@code k << 23} for ix = bits − SQRT_HALF_BITS. */
    static final int EXPONENT_FIELD = 0xff80_0000;
    /** Bits of 4.0f: {@code 4·2^-k} from them minus {@code k << 23} stays normal for k in [-24, 128]. */
    static final int FOUR_BITS = 0x4080_0000;
    /** Subnormal arguments are scaled by this (exact), and 23 is taken off k. */
    static final float TWO_23 = 0x1p23f;
    /** ln2 in two parts: LN2_HI has 15 significant bits, so k·LN2_HI is exact for |k| &lt; 512;
     *  LN2_HI + LN2_LO = ln2 within 5.5e-14. */
    static final float LN2_HI = 0x1.62e4p-1f;
    static final float LN2_LO = 0x1.7f7d1cp-20f;
    /** P(f) ≈ (log1p(f) − f + f²/2)/f³ on [√2/2 − 1, √2 − 1] (widened by 2^-22), coefficient of f^i. */
    static final float P0 = 0x1.555548p-2f;
    static final float P1 = -0x1.000008p-2f;
    static final float P2 = 0x1.99a4aep-3f;
    static final float P3 = -0x1.555c22p-3f;
    static final float P4 = 0x1.233718p-3f;
    static final float P5 = -0x1.fc2182p-4f;
    static final float P6 = 0x1.e6eff2p-4f;
    static final float P7 = -0x1.de3ba8p-4f;
    static final float P8 = 0x1.145734p-4f;

    /**
     * The natural logarithm, from vecprop's own algorithm (see the class comment), identical to
     * {@link VectorFloatLog#log} lane by lane.
     *
     * <p>Special values: NaN gives NaN, ±0 give -Inf, x &lt; 0 (and -Inf) gives NaN, +Inf gives
     * +Inf, 1 gives +0; subnormal arguments are handled (log(2^-149) = -103.28).
     *
     * @param x any float
     * @return log x, within 0.75 ulp
     */
    public static float log(float x) {
        boolean subnormal = x < Float.MIN_NORMAL;               // also x <= 0; false for NaN
        float xn = subnormal ? x * TWO_23 : x;                  // exact for subnormal x
        int ix = Float.floatToRawIntBits(xn) - SQRT_HALF_BITS;
        float f = Float.intBitsToFloat((ix & MANTISSA_MASK) + SQRT_HALF_BITS) - 1f; // m - 1, exact
        // k as a float without a conversion: 1.5·2^23 + k read from bits, minus 1.5·2^23 (and 23
        // more for a scaled subnormal); exact, since |k| is small.
        float kf = Float.intBitsToFloat(ROUND_SHIFT_BITS + (ix >> MANTISSA_BITS))
                - (subnormal ? ROUND_SHIFT + 23f : ROUND_SHIFT);
        float r = core(kf, f, kf * LN2_LO);
        if (x > 0f && x <= Float.MAX_VALUE) {
            return r;
        }
        return x == 0f ? Float.NEGATIVE_INFINITY : x < 0f ? Float.NaN : x; // +Inf and NaN: x
    }

    /**
     * {@code log(1 + x)}, from vecprop's own algorithm (see the class comment), identical to
     * {@link VectorFloatLog#log1p} lane by lane.
     *
     * <p>Special values: NaN gives NaN, ±0 give ±0, -1 gives -Inf, x &lt; -1 (and -Inf) gives
     * NaN, +Inf gives +Inf; |x| &lt; 2^-24 gives x.
     *
     * @param x any float
     * @return log(1 + x), within 0.75 ulp
     */
    public static float log1p(float x) {
        float u = 1f + x;                                       // only to choose k
        int kBits = (Float.floatToRawIntBits(u) - SQRT_HALF_BITS) & EXPONENT_FIELD; // k << 23
        float xs = Float.intBitsToFloat(Float.floatToRawIntBits(x) - kBits);        // x·2^-k, exact
        float cst = Math.fma(0.25f, Float.intBitsToFloat(FOUR_BITS - kBits), -1f);  // 2^-k - 1
        float f = xs + cst;                                     // (1 + x)/2^k - 1, rounded
        float bb = f - xs;
        float fl = (xs - (f - bb)) + (cst - bb);                // xs + cst = f + fl (TwoSum)
        float kf = Float.intBitsToFloat(ROUND_SHIFT_BITS + (kBits >> MANTISSA_BITS)) - ROUND_SHIFT;
        // log1p(f + fl) = log1p(f) + fl/(1 + f) + O(fl²); fl·(1 - f) is close enough (|fl| <= 2^-26).
        float r = core(kf, f, Math.fma(kf, LN2_LO, Math.fma(-fl, f, fl)));
        if (x > -1f && x <= Float.MAX_VALUE && x != 0f) {
            return r;
        }
        return x == -1f ? Float.NEGATIVE_INFINITY : x >= 0f ? x : Float.NaN; // ±0, +Inf: x
    }

    /**
     * {@code k·ln2 + log1p(f) + c} for the reduced argument f (m = 1 + f in about [√2/2, √2]),
     * k as the float kf, and a small term c that holds {@code k·ln2lo} and, for log1p, the
     * correction of f's rounding.
     */
    private static float core(float kf, float f, float c) {
        float a = kf * LN2_HI;                       // exact
        float s = a + f;
        float e1 = (a - s) + f;                      // a + f = s + e1 exactly (Fast2Sum: |a| >= |f| or a = 0)
        float h = f * f;
        float hl = Math.fma(f, f, -h);               // f² = h + hl exactly
        float hh = -0.5f * h;                        // exact
        float s2 = s + hh;
        float e2 = (s - s2) + hh;                    // s - h/2 = s2 + e2 exactly (Fast2Sum: |s| >= h/2)
        float p = Math.fma(P8, f, P7);
        p = Math.fma(p, f, P6);
        p = Math.fma(p, f, P5);
        p = Math.fma(p, f, P4);
        p = Math.fma(p, f, P3);
        p = Math.fma(p, f, P2);
        p = Math.fma(p, f, P1);
        p = Math.fma(p, f, P0);
        float t = Math.fma(h * f, p, -0.5f * hl);    // f³·P(f) - hl/2
        float tail = (t + c) + (e1 + e2);
        return s2 + tail;                            // the one rounding of size 2^-24
    }
}

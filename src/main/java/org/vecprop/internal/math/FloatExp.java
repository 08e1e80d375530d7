package org.vecprop.internal.math;

/**
 * vecprop's own float exponential, logistic sigmoid and hyperbolic tangent, in scalar form.
 *
 * <p>{@link VectorFloatExp} computes the same functions on Vector API lanes with the same IEEE
 * operations in the same order, so the two agree bit for bit on every input, at every vector width
 * and in every JIT tier (Java has no floating-point contraction, {@link Math#fma} and
 * {@code FloatVector.fma} are both exactly rounded, and the integer steps act on the reinterpreted
 * bits). No result depends on {@link Math#exp}, which may differ between JDKs and CPUs, nor on the
 * Vector API's transcendental lanewise operations. This class has no Vector API import: it loads
 * without the incubator module.
 *
 * <h2>exp</h2>
 * Cody–Waite range reduction with FMA: {@code n = rint(x·log2 e)} (by adding and subtracting
 * 1.5·2^23, so there is no float-to-int conversion at all), {@code r1 = x − n·ln2hi} exactly (one
 * FMA; ln2hi has 20 significant bits and |r1| &lt;= ln2/2 + 2^-12), {@code c = −n·ln2lo}. Then
 * {@code e^(r1 + c) ≈ 1 + r1 + (c + r²·P(r))} with {@code r = r1 + c} rounded, P a degree-4
 * minimax polynomial for the relative error (coefficients from {@code scripts/exp_coefficients.py},
 * relative approximation error 0.076·2^-24 with the float coefficients). {@code 1 + r1} is split
 * exactly into {@code hi + lo} (Fast2Sum), so the only rounding of size 2^-24 is the final
 * {@code hi + (lo + c + r²·P)}. Finally {@code 2^n} is applied in two steps: {@code n1 = n >> 1}
 * is added to the exponent bits (exact: the value stays normal), then the value is multiplied by
 * the float {@code 2^(n − n1)}, which rounds once where the result is subnormal or overflows. The
 * argument is clamped to [-104, 89] first, which keeps {@code n} in [-150, 128] and both factors
 * representable, and gives +0 below the underflow threshold and +Inf above the overflow threshold.
 *
 * <h2>sigmoid and tanh</h2>
 * Both come from the exp above and carry the rounding errors of their divisions and additions in
 * error-free transformations (Fast2Sum, the FMA residual of a quotient) into one final rounding,
 * so their error is 0.5 ulp plus what exp's error becomes through them; see the methods.
 *
 * <h2>Error bounds</h2>
 * Against the double-precision truth, in float ulps of the truth (the spacing of floats in the
 * binade of the exact value; 2^-149 where the exact value is subnormal). The bounds come from an
 * error analysis ({@code docs/exp.md}); the measured worst errors over all 2^32 floats
 * ({@code scripts/exp-accuracy}, {@code results/exp-accuracy.md}) are below them:
 * <table>
 *   <caption>Error bounds in ulps</caption>
 *   <tr><th>function</th><th>where</th><th>bound</th></tr>
 *   <tr><td>exp</td><td>normal result</td><td>0.81</td></tr>
 *   <tr><td>exp</td><td>subnormal result</td><td>0.91</td></tr>
 *   <tr><td>sigmoid</td><td>{@code x >= 0}</td><td>0.86</td></tr>
 *   <tr><td>sigmoid</td><td>{@code x < 0}, normal result</td><td>1.92</td></tr>
 *   <tr><td>sigmoid</td><td>subnormal result</td><td>0.91</td></tr>
 *   <tr><td>tanh</td><td>{@code |x| < 0.625}</td><td>1.1</td></tr>
 *   <tr><td>tanh</td><td>{@code |x| >= 0.625}</td><td>1.0</td></tr>
 * </table>
 */
public final class FloatExp {
    private FloatExp() {}

    // ---- exp ----
    /** Arguments are clamped to [EXP_MIN_ARG, EXP_MAX_ARG]: exp(-104) &lt; 2^-150 rounds to +0,
     *  exp(89) > Float.MAX_VALUE overflows; n stays in [-150, 128]. */
    static final float EXP_MIN_ARG = -104f;
    static final float EXP_MAX_ARG = 89f;
    /** log2(e) rounded to float. */
    static final float LOG2E = 0x1.715476p+0f;
    /** 1.5·2^23: adding it rounds to an integer (ties to even) whose value sits in the low bits. */
    static final float ROUND_SHIFT = 0x1.8p23f;
    static final int ROUND_SHIFT_BITS = Float.floatToRawIntBits(ROUND_SHIFT);
    /** -ln2 in two parts: -(NEG_LN2_HI + NEG_LN2_LO) = ln2 within 8.8e-17; NEG_LN2_HI has 20 bits. */
    static final float NEG_LN2_HI = -0x1.62e43p-1f;
    static final float NEG_LN2_LO = 0x1.05c61p-29f;
    /** Minimax coefficients of P(r) ≈ (e^r − 1 − r)/r² on |r| &lt;= ln2/2 + 2^-12. */
    static final float EXP_C2 = 0x1.fffffcp-2f;
    static final float EXP_C3 = 0x1.55549p-3f;
    static final float EXP_C4 = 0x1.5558f4p-5f;
    static final float EXP_C5 = 0x1.123a3ep-7f;
    static final float EXP_C6 = 0x1.6a239cp-10f;
    static final int EXPONENT_BIAS = 127;
    static final int MANTISSA_BITS = 23;

    // ---- tanh ----
    /** Below this |x| tanh is the odd polynomial, from it on 1 − 2/(e^{2|x|} + 1). */
    static final float TANH_POLY_LIMIT = 0.625f;
    /** exp's argument 2|x| is capped here: tanh(10) already rounds to 1, and e^20 + 1 stays finite,
     *  so the error-free steps never meet an infinity (Inf - Inf would be NaN). */
    static final float TANH_EXP_ARG_MAX = 20f;
    /** Minimax coefficients of Q(z) ≈ (tanh(a) − a)/a³, z = a², on 0 &lt;= a &lt;= 0.625. */
    static final float TANH_T0 = -0x1.555532p-2f;
    static final float TANH_T1 = 0x1.110726p-3f;
    static final float TANH_T2 = -0x1.b83c5ap-5f;
    static final float TANH_T3 = 0x1.52269cp-6f;
    static final float TANH_T4 = -0x1.75e1cep-8f;
    static final int SIGN_BIT = 0x8000_0000;

    /**
     * e^x, from vecprop's own algorithm (see the class comment), identical to
     * {@link VectorFloatExp#exp} lane by lane.
     *
     * <p>Special values: NaN gives NaN (the argument itself), +Inf gives +Inf, -Inf gives +0,
     * ±0 gives exactly 1; x >= 88.72284 gives +Inf, x &lt;= -103.97208 gives +0, and results below
     * 2^-126 are subnormal (gradual underflow, rounded once).
     *
     * @param x any float
     * @return e^x, within 0.81 ulp (0.91 subnormal ulp for a subnormal result)
     */
    public static float exp(float x) {
        float xc = Math.min(Math.max(x, EXP_MIN_ARG), EXP_MAX_ARG); // NaN stays NaN
        float shifted = Math.fma(xc, LOG2E, ROUND_SHIFT);
        float n = shifted - ROUND_SHIFT;             // exact: an integer in [-150, 128]
        float r1 = Math.fma(n, NEG_LN2_HI, xc);      // exact, |r1| <= ln2/2 + 2^-12
        float c = n * NEG_LN2_LO;                    // the rest of -n·ln2, |c| < 3e-7
        float r = r1 + c;                            // the reduced argument, for the polynomial
        float p = Math.fma(EXP_C6, r, EXP_C5);
        p = Math.fma(p, r, EXP_C4);
        p = Math.fma(p, r, EXP_C3);
        p = Math.fma(p, r, EXP_C2);
        // e^r = 1 + r1 + (c + r²·P(r)): 1 + r1 as hi + lo exactly (Fast2Sum, |r1| < 1), so the
        // only rounding of size 2^-24 is the last addition.
        float hi = 1f + r1;
        float lo = (1f - hi) + r1;
        float er = hi + Math.fma(p, r * r, c + lo);  // e^r in [0.70, 1.42]
        int k = Float.floatToRawIntBits(shifted) - ROUND_SHIFT_BITS; // = n, without a conversion
        int k1 = k >> 1;
        int k2 = k - k1;                             // both in [-75, 64]
        float scaled = Float.intBitsToFloat(Float.floatToRawIntBits(er) + (k1 << MANTISSA_BITS));
        float result = scaled * Float.intBitsToFloat((k2 + EXPONENT_BIAS) << MANTISSA_BITS);
        return x != x ? x : result; // NaN: the steps above ran on garbage bits, discard them
    }

    /**
     * The logistic function 1/(1 + e^-x), identical to {@link VectorFloatExp#sigmoid} lane by
     * lane. Computed from {@code t = exp(-|x|)} as {@code 1/(1 + t)} for x >= 0 and
     * {@code t/(1 + t)} for x &lt; 0, so large negative x give the (possibly subnormal) value
     * e^x instead of 0 from an overflowed e^-x. The quotient {@code y = num/d}, d = fl(1 + t), is
     * corrected once: {@code num − y·(1 + t)} is computed exactly from the FMA residual and the
     * rounding error of d, and {@code y + that/(1 + t)} (with 1/(1 + t) taken as y, or 1 − y for
     * x &lt; 0, accurate enough for a correction) is the one final rounding.
     *
     * <p>Special values: NaN gives NaN, +Inf gives 1, -Inf gives +0, ±0 give 0.5; x >= 17.32868
     * gives exactly 1.
     *
     * @param x any float
     * @return σ(x), within 0.86 ulp for x >= 0, 1.92 ulps for x &lt; 0 (0.91 for a subnormal result)
     */
    public static float sigmoid(float x) {
        float t = exp(-Math.abs(x));
        float d = 1f + t;
        float dLo = (1f - d) + t;                    // 1 + t = d + dLo exactly (Fast2Sum, t <= 1)
        boolean nonNegative = x >= 0f;
        float num = nonNegative ? 1f : t;
        float y = num / d;
        float residual = Math.fma(-y, d, num);       // num - y·d, exact
        float correction = Math.fma(-y, dLo, residual); // num - y·(1 + t)
        float inverse = nonNegative ? y : 1f - y;    // ≈ 1/(1 + t), only scales the correction
        return Math.fma(correction, inverse, y);
    }

    /**
     * The hyperbolic tangent, identical to {@link VectorFloatExp#tanh} lane by lane. With
     * {@code a = |x|}: below 0.625, the odd minimax polynomial {@code a + a·(z·Q(z))}, z = a²
     * (full relative accuracy near 0, where 1 − 2/(e^{2a} + 1) would cancel); from 0.625 on,
     * {@code 1 − 2/(exp(2a) + 1)} with the rounding errors of {@code e + 1}, the quotient and
     * the subtraction carried exactly into one final rounding. The sign of x is then copied onto
     * the result, so {@code tanh(-x) == -tanh(x)} bit for bit.
     *
     * <p>Special values: NaN gives NaN, ±Inf give ±1, ±0 give ±0; |x| >= 9.010914 gives ±1 exactly.
     *
     * @param x any float
     * @return tanh(x), within 1.1 ulps for |x| &lt; 0.625 and 1.0 ulp from there on
     */
    public static float tanh(float x) {
        float a = Math.abs(x);
        float y;
        if (a < TANH_POLY_LIMIT) {
            float z = a * a;
            float poly = Math.fma(TANH_T4, z, TANH_T3);
            poly = Math.fma(poly, z, TANH_T2);
            poly = Math.fma(poly, z, TANH_T1);
            poly = Math.fma(poly, z, TANH_T0);
            y = Math.fma(a, z * poly, a);               // a + a·(z·Q(z))
        } else {
            // 1 - 2/(e + 1), e = exp(2a), with the quotient's and the subtraction's rounding
            // errors carried (error-free transformations) into one final rounding.
            float e = exp(Math.min(a + a, TANH_EXP_ARG_MAX)); // a + a is exact
            float d = e + 1f;
            float dLo = (e - d) + 1f;                // e + 1 = d + dLo exactly (Fast2Sum, e >= 1)
            float q = 2f / d;
            float residual = Math.fma(-q, d, 2f);    // 2 - q·d, exact
            float qLo = Math.fma(-q, dLo, residual) * (q * 0.5f); // ≈ 2/(e + 1) - q
            float h = 1f - q;
            float hLo = (1f - h) - q;                // 1 - q = h + hLo exactly (Fast2Sum, q < 1)
            y = h + (hLo - qLo);
        }
        return Float.intBitsToFloat(Float.floatToRawIntBits(y) | (Float.floatToRawIntBits(x) & SIGN_BIT));
    }
}

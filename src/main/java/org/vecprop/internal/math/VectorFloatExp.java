package org.vecprop.internal.math;

import static org.vecprop.internal.math.FloatExp.EXPONENT_BIAS;
import static org.vecprop.internal.math.FloatExp.EXP_C2;
import static org.vecprop.internal.math.FloatExp.EXP_C3;
import static org.vecprop.internal.math.FloatExp.EXP_C4;
import static org.vecprop.internal.math.FloatExp.EXP_C5;
import static org.vecprop.internal.math.FloatExp.EXP_C6;
import static org.vecprop.internal.math.FloatExp.EXP_MAX_ARG;
import static org.vecprop.internal.math.FloatExp.EXP_MIN_ARG;
import static org.vecprop.internal.math.FloatExp.LOG2E;
import static org.vecprop.internal.math.FloatExp.MANTISSA_BITS;
import static org.vecprop.internal.math.FloatExp.NEG_LN2_HI;
import static org.vecprop.internal.math.FloatExp.NEG_LN2_LO;
import static org.vecprop.internal.math.FloatExp.ROUND_SHIFT;
import static org.vecprop.internal.math.FloatExp.ROUND_SHIFT_BITS;
import static org.vecprop.internal.math.FloatExp.TANH_EXP_ARG_MAX;
import static org.vecprop.internal.math.FloatExp.TANH_POLY_LIMIT;
import static org.vecprop.internal.math.FloatExp.TANH_T0;
import static org.vecprop.internal.math.FloatExp.TANH_T1;
import static org.vecprop.internal.math.FloatExp.TANH_T2;
import static org.vecprop.internal.math.FloatExp.TANH_T3;
import static org.vecprop.internal.math.FloatExp.TANH_T4;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link FloatExp}'s exp, sigmoid and tanh on every lane of a {@link FloatVector} of any species:
 * the same IEEE operations in the same order, so each lane equals the scalar function of that
 * lane bit for bit (NaN payloads aside), whatever the vector width and JIT tier. Algorithms and
 * error bounds are documented on {@link FloatExp}.
 *
 * <p>The methods are small static functions meant to be inlined into a caller's loop, where C2
 * keeps every vector in registers (nothing is allocated once the caller is compiled); the
 * constants are broadcasts that C2 hoists out of the loop. Their bytecode (113 to 264 bytes) is
 * under C2's {@code FreqInlineSize}, and their code when compiled on their own is under
 * {@code InlineSmallCode}, so hot callers inline them.
 *
 * <p>Use one species per JVM: the kernels' {@code org.vecprop.internal.Lanes.F}, which at full
 * width is {@code SPECIES_MAX}, a different vector class from {@code SPECIES_PREFERRED} of the
 * same width.
 * Calling these shared methods with two vector classes spoils C2's type profiles inside them and
 * in the Vector API's own code; C2 then boxes vectors for every caller (measured: allocation on
 * every call, and up to 150 times slower). Load this class only when the module
 * {@code jdk.incubator.vector} is present.
 */
public final class VectorFloatExp {
    private VectorFloatExp() {}

    /**
     * e^x on every lane, bit-identical to {@link FloatExp#exp} per lane.
     *
     * @param x any values, any species
     * @return a vector of x's species
     */
    public static FloatVector exp(FloatVector x) {
        FloatVector one = x.broadcast(1f);
        FloatVector xc = x.max(EXP_MIN_ARG).min(EXP_MAX_ARG);     // lanewise Math.max/min: NaN stays
        FloatVector shifted = xc.fma(LOG2E, ROUND_SHIFT);
        FloatVector n = shifted.sub(ROUND_SHIFT);
        FloatVector r1 = n.fma(x.broadcast(NEG_LN2_HI), xc);
        FloatVector c = n.mul(NEG_LN2_LO);
        FloatVector r = r1.add(c);
        FloatVector p = r.fma(EXP_C6, EXP_C5);                    // = Math.fma(EXP_C6, r, EXP_C5)
        p = p.fma(r, x.broadcast(EXP_C4));
        p = p.fma(r, x.broadcast(EXP_C3));
        p = p.fma(r, x.broadcast(EXP_C2));
        FloatVector hi = r1.add(1f);
        FloatVector lo = one.sub(hi).add(r1);
        FloatVector er = hi.add(p.fma(r.mul(r), c.add(lo)));
        IntVector k = shifted.reinterpretAsInts().sub(ROUND_SHIFT_BITS);
        IntVector k1 = k.lanewise(VectorOperators.ASHR, 1);
        IntVector k2 = k.sub(k1);
        FloatVector scaled = er.reinterpretAsInts()
                .add(k1.lanewise(VectorOperators.LSHL, MANTISSA_BITS)).reinterpretAsFloats();
        FloatVector result = scaled.mul(
                k2.add(EXPONENT_BIAS).lanewise(VectorOperators.LSHL, MANTISSA_BITS).reinterpretAsFloats());
        return result.blend(x, x.test(VectorOperators.IS_NAN));
    }

    /**
     * The logistic function 1/(1 + e^-x) on every lane, bit-identical to
     * {@link FloatExp#sigmoid} per lane.
     *
     * @param x any values, any species
     * @return a vector of x's species
     */
    public static FloatVector sigmoid(FloatVector x) {
        FloatVector one = x.broadcast(1f);
        FloatVector t = exp(x.abs().neg());
        FloatVector d = t.add(1f);
        FloatVector dLo = one.sub(d).add(t);
        VectorMask<Float> nonNegative = x.compare(VectorOperators.GE, 0f);
        FloatVector num = t.blend(one, nonNegative);
        FloatVector y = num.div(d);
        FloatVector residual = y.neg().fma(d, num);
        FloatVector correction = y.neg().fma(dLo, residual);
        FloatVector inverse = one.sub(y).blend(y, nonNegative);
        return correction.fma(inverse, y);
    }

    /**
     * The hyperbolic tangent on every lane, bit-identical to {@link FloatExp#tanh} per lane: both
     * of its branches are computed for every lane and blended.
     *
     * @param x any values, any species
     * @return a vector of x's species
     */
    public static FloatVector tanh(FloatVector x) {
        FloatVector a = x.abs();
        FloatVector z = a.mul(a);
        FloatVector poly = z.fma(TANH_T4, TANH_T3);               // = Math.fma(TANH_T4, z, TANH_T3)
        poly = poly.fma(z, x.broadcast(TANH_T2));
        poly = poly.fma(z, x.broadcast(TANH_T1));
        poly = poly.fma(z, x.broadcast(TANH_T0));
        FloatVector small = a.fma(z.mul(poly), a);
        FloatVector one = x.broadcast(1f);
        FloatVector two = x.broadcast(2f);
        FloatVector e = exp(a.add(a).min(TANH_EXP_ARG_MAX));
        FloatVector d = e.add(1f);
        FloatVector dLo = e.sub(d).add(1f);
        FloatVector q = two.div(d);
        FloatVector residual = q.neg().fma(d, two);
        FloatVector qLo = q.neg().fma(dLo, residual).mul(q.mul(0.5f));
        FloatVector h = one.sub(q);
        FloatVector hLo = one.sub(h).sub(q);
        FloatVector large = h.add(hLo.sub(qLo));
        FloatVector y = large.blend(small, a.compare(VectorOperators.LT, TANH_POLY_LIMIT));
        // y | (x & SIGN_BIT) on the bits, as FloatExp does, but without leaving float lanes:
        // -|y| is y with its sign bit set (ABS and NEG touch only that bit, NaN payloads
        // included), and IS_NEGATIVE tests x's sign bit. A round trip through int lanes here
        // was the one lane-type change C2 sometimes failed to intrinsify (it had spent its
        // inlining budget on exp by then; the Java fallback allocated a float[L] per vector:
        // 47,040 B per 97 x 97 fused bias+tanh call in 6 of 35 fresh JVMs at 512 bits, and
        // once in CI, with JFR placing every allocation on this line).
        return y.blend(y.abs().neg(), x.test(VectorOperators.IS_NEGATIVE));
    }
}

package org.vecprop.internal.math;

import static org.vecprop.internal.math.FloatExp.MANTISSA_BITS;
import static org.vecprop.internal.math.FloatExp.ROUND_SHIFT;
import static org.vecprop.internal.math.FloatExp.ROUND_SHIFT_BITS;
import static org.vecprop.internal.math.FloatLog.EXPONENT_FIELD;
import static org.vecprop.internal.math.FloatLog.FOUR_BITS;
import static org.vecprop.internal.math.FloatLog.LN2_HI;
import static org.vecprop.internal.math.FloatLog.LN2_LO;
import static org.vecprop.internal.math.FloatLog.MANTISSA_MASK;
import static org.vecprop.internal.math.FloatLog.P0;
import static org.vecprop.internal.math.FloatLog.P1;
import static org.vecprop.internal.math.FloatLog.P2;
import static org.vecprop.internal.math.FloatLog.P3;
import static org.vecprop.internal.math.FloatLog.P4;
import static org.vecprop.internal.math.FloatLog.P5;
import static org.vecprop.internal.math.FloatLog.P6;
import static org.vecprop.internal.math.FloatLog.P7;
import static org.vecprop.internal.math.FloatLog.P8;
import static org.vecprop.internal.math.FloatLog.SQRT_HALF_BITS;
import static org.vecprop.internal.math.FloatLog.TWO_23;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;

/**
 * {@link FloatLog}'s log and log1p on every lane of a {@link FloatVector} of any species: the
 * same IEEE operations in the same order (the scalar branches become blends of values computed
 * the same way), so each lane equals the scalar function of that lane bit for bit (NaN payloads
 * aside), whatever the vector width and JIT tier. Algorithms and error bounds are documented on
 * {@link FloatLog} and in {@code docs/log.md}.
 *
 * <p>As {@link VectorFloatExp}: small static methods for a caller's loop to inline (each under
 * C2's {@code FreqInlineSize}; the shared core is a method of its own for that reason), one
 * species per JVM (the kernels' {@code org.vecprop.internal.Lanes.F}), and load this class only
 * when the module {@code jdk.incubator.vector} is present.
 */
public final class VectorFloatLog {
    private VectorFloatLog() {}

    /**
     * log x on every lane, bit-identical to {@link FloatLog#log} per lane.
     *
     * @param x any values, any species
     * @return a vector of x's species
     */
    public static FloatVector log(FloatVector x) {
        VectorMask<Float> subnormal = x.compare(VectorOperators.LT, Float.MIN_NORMAL);
        FloatVector xn = x.blend(x.mul(TWO_23), subnormal);
        IntVector ix = xn.reinterpretAsInts().sub(SQRT_HALF_BITS);
        FloatVector f = ix.and(MANTISSA_MASK).add(SQRT_HALF_BITS).reinterpretAsFloats().sub(1f);
        FloatVector shift = x.broadcast(ROUND_SHIFT).blend(ROUND_SHIFT + 23f, subnormal);
        FloatVector kf = ix.lanewise(VectorOperators.ASHR, MANTISSA_BITS).add(ROUND_SHIFT_BITS)
                .reinterpretAsFloats().sub(shift);
        FloatVector r = core(kf, f, kf.mul(LN2_LO));
        VectorMask<Float> finitePositive = x.compare(VectorOperators.GT, 0f)
                .and(x.compare(VectorOperators.LE, Float.MAX_VALUE));
        FloatVector special = x.blend(Float.NaN, x.compare(VectorOperators.LT, 0f))
                .blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, 0f));
        return special.blend(r, finitePositive);
    }

    /**
     * log(1 + x) on every lane, bit-identical to {@link FloatLog#log1p} per lane.
     *
     * @param x any values, any species
     * @return a vector of x's species
     */
    public static FloatVector log1p(FloatVector x) {
        IntVector kBits = x.add(1f).reinterpretAsInts().sub(SQRT_HALF_BITS).and(EXPONENT_FIELD);
        FloatVector xs = x.reinterpretAsInts().sub(kBits).reinterpretAsFloats();
        FloatVector cst = kBits.neg().add(FOUR_BITS).reinterpretAsFloats().fma(0.25f, -1f);
        FloatVector f = xs.add(cst);
        FloatVector bb = f.sub(xs);
        FloatVector fl = xs.sub(f.sub(bb)).add(cst.sub(bb));
        FloatVector kf = kBits.lanewise(VectorOperators.ASHR, MANTISSA_BITS).add(ROUND_SHIFT_BITS)
                .reinterpretAsFloats().sub(ROUND_SHIFT);
        FloatVector r = core(kf, f, kf.fma(kf.broadcast(LN2_LO), fl.neg().fma(f, fl)));
        VectorMask<Float> regular = x.compare(VectorOperators.GT, -1f)
                .and(x.compare(VectorOperators.LE, Float.MAX_VALUE))
                .and(x.compare(VectorOperators.NE, 0f));
        FloatVector special = x.blend(Float.NaN, x.compare(VectorOperators.LT, 0f))
                .blend(Float.NEGATIVE_INFINITY, x.compare(VectorOperators.EQ, -1f)); // ±0, +Inf, NaN: x
        return special.blend(r, regular);
    }

    /** {@link FloatLog}'s core, lane-wise: {@code k·ln2 + log1p(f) + c}. */
    static FloatVector core(FloatVector kf, FloatVector f, FloatVector c) {
        FloatVector a = kf.mul(LN2_HI);
        FloatVector s = a.add(f);
        FloatVector e1 = a.sub(s).add(f);
        FloatVector h = f.mul(f);
        FloatVector hl = f.fma(f, h.neg());
        FloatVector hh = h.mul(-0.5f);
        FloatVector s2 = s.add(hh);
        FloatVector e2 = s.sub(s2).add(hh);
        FloatVector p = f.fma(P8, P7);                       // = Math.fma(P8, f, P7)
        p = p.fma(f, f.broadcast(P6));
        p = p.fma(f, f.broadcast(P5));
        p = p.fma(f, f.broadcast(P4));
        p = p.fma(f, f.broadcast(P3));
        p = p.fma(f, f.broadcast(P2));
        p = p.fma(f, f.broadcast(P1));
        p = p.fma(f, f.broadcast(P0));
        FloatVector t = h.mul(f).fma(p, hl.mul(-0.5f));
        FloatVector tail = t.add(c).add(e1.add(e2));
        return s2.add(tail);
    }
}

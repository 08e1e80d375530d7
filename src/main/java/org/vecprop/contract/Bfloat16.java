package org.vecprop.contract;

/**
 * bfloat16, the weights format of {@code PackedMatrix.packBfloat16}: the upper 16 bits of a
 * float (sign, the same 8 exponent bits, 7 fraction bits), so every bfloat16 widens to a float
 * exactly and a product against bfloat16 weights is the ordinary product, in the ordinary order
 * of arithmetic, against the float values they widen to. Only the rounding of the weights is
 * new, and it is defined here, once, for every implementation.
 *
 * <p>Rounding: to nearest, ties to even (IEEE 754's default), on the float's bits: a float
 * whose low 16 bits are above half, or exactly half with the kept part odd, rounds up in
 * magnitude; the carry runs into the exponent, so the largest floats round to infinity and
 * subnormals stay subnormal (bfloat16 has the float's exponent range). Infinities keep their
 * sign; a NaN stays a NaN of the same sign (quiet, its payload's top bits kept). Relative error
 * of a rounded finite weight within the normal range: at most {@code 2^-8}.
 */
public final class Bfloat16 {
    private Bfloat16() {}

    /**
     * The bfloat16 nearest to {@code x}, ties to even, as its 16 bits.
     *
     * @param x any float
     * @return the bits of the rounded value
     */
    public static short round(float x) {
        int bits = Float.floatToRawIntBits(x);
        if ((bits & 0x7fffffff) > 0x7f800000) { // NaN: keep sign and top payload, make it quiet
            return (short) ((bits >>> 16) | 0x0040);
        }
        return (short) ((bits + 0x7fff + ((bits >>> 16) & 1)) >>> 16);
    }

    /**
     * The float a bfloat16 stands for: exact.
     *
     * @param h the bits of a bfloat16
     * @return its value as a float
     */
    public static float widen(short h) {
        return Float.intBitsToFloat(h << 16);
    }

    /**
     * {@code x} rounded to bfloat16 and widened back: the value a bfloat16 weight computes with.
     *
     * @param x any float
     * @return {@code widen(round(x))}
     */
    public static float rounded(float x) {
        return widen(round(x));
    }
}

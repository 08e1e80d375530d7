package org.vecprop.internal.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Applies {@link VectorFloatExp}'s functions to float arrays, for the tests. The test classes
 * themselves never name a Vector API type, so they load (and skip with a reason) without the
 * incubator module; only this class needs it.
 */
final class VectorForm {
    private VectorForm() {}

    /** A constant, so C2 intrinsifies the preferred-species loops below. */
    static final VectorSpecies<Float> PREFERRED = FloatVector.SPECIES_PREFERRED;

    /** The preferred species' width in bits. */
    static int preferredBits() {
        return PREFERRED.vectorBitSize();
    }

    /** The float species of {@code bits} bits (64, 128, 256, 512). */
    static VectorSpecies<Float> species(int bits) {
        return VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /**
     * out[i] = fn(in[i]) for i < n on the preferred species, by whole vectors; a partial last
     * vector is computed on a copy padded with zeros, so every element goes through the vector
     * form. One loop per function with a constant species keeps each call site monomorphic and
     * intrinsified: C2 inlines the function and keeps its vectors in registers.
     */
    static void apply(ExpFunction fn, float[] in, float[] out, int n) {
        int whole = PREFERRED.loopBound(n);
        switch (fn) {
            case EXP -> exp(in, out, whole);
            case SIGMOID -> sigmoid(in, out, whole);
            case TANH -> tanh(in, out, whole);
        }
        if (whole < n) {
            float[] tailIn = new float[PREFERRED.length()];
            float[] tailOut = new float[PREFERRED.length()];
            System.arraycopy(in, whole, tailIn, 0, n - whole);
            apply(fn, tailIn, tailOut, tailIn.length);
            System.arraycopy(tailOut, 0, out, whole, n - whole);
        }
    }

    static void exp(float[] in, float[] out, int n) {
        for (int i = 0; i < n; i += PREFERRED.length()) {
            VectorFloatExp.exp(FloatVector.fromArray(PREFERRED, in, i)).intoArray(out, i);
        }
    }

    static void sigmoid(float[] in, float[] out, int n) {
        for (int i = 0; i < n; i += PREFERRED.length()) {
            VectorFloatExp.sigmoid(FloatVector.fromArray(PREFERRED, in, i)).intoArray(out, i);
        }
    }

    static void tanh(float[] in, float[] out, int n) {
        for (int i = 0; i < n; i += PREFERRED.length()) {
            VectorFloatExp.tanh(FloatVector.fromArray(PREFERRED, in, i)).intoArray(out, i);
        }
    }

    /**
     * out[i] = fn(in[i]) for i < n on the species of {@code bits} bits, whatever the preferred
     * one is. The species is not a constant here, so this runs the Vector API's Java code
     * (slowly, and allocating): for small samples only.
     */
    static void applyWith(int bits, ExpFunction fn, float[] in, float[] out, int n) {
        VectorSpecies<Float> s = species(bits);
        float[] lanesIn = new float[s.length()];
        float[] lanesOut = new float[s.length()];
        for (int i = 0; i < n; i += s.length()) {
            int m = Math.min(s.length(), n - i);
            java.util.Arrays.fill(lanesIn, 0f);
            System.arraycopy(in, i, lanesIn, 0, m);
            FloatVector x = FloatVector.fromArray(s, lanesIn, 0);
            FloatVector y = switch (fn) {
                case EXP -> VectorFloatExp.exp(x);
                case SIGMOID -> VectorFloatExp.sigmoid(x);
                case TANH -> VectorFloatExp.tanh(x);
            };
            y.intoArray(lanesOut, 0);
            System.arraycopy(lanesOut, 0, out, i, m);
        }
    }
}

package org.vecprop.internal.math;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * Applies {@link VectorFloatExp}'s and {@link VectorFloatLog}'s functions to float arrays, for the tests. The test classes
 * themselves never name a Vector API type, so they load (and skip with a reason) without the
 * incubator module; only this class needs it.
 */
final class VectorForm {
    private VectorForm() {}

    /**
     * The kernels' species, {@link org.vecprop.internal.Lanes#F}, where SIMD is on, else the
     * preferred one. Tests that run vector code in the same JVM as the kernels must use this very
     * species: at full width it is {@code SPECIES_MAX}, another vector class than
     * {@code SPECIES_PREFERRED} of the same width, and code shared by two vector classes (the
     * Vector API's own and vecprop's exp) gets polluted type profiles, after which C2 boxes the
     * vectors (the allocation test failed that way in the whole suite). A constant, so C2
     * intrinsifies the loops below.
     */
    static final VectorSpecies<Float> SPECIES = kernelSpecies();

    /** The kernels' species where SIMD is on ({@code Lanes} loads only then), else the preferred one. */
    static VectorSpecies<Float> kernelSpecies() {
        return org.vecprop.kernel.Simd.enabled() ? org.vecprop.internal.Lanes.F : FloatVector.SPECIES_PREFERRED;
    }

    /** The species' width in bits. */
    static int bits() {
        return SPECIES.vectorBitSize();
    }

    /** The float species of {@code bits} bits (64, 128, 256, 512), or -1 for SPECIES_MAX. */
    static VectorSpecies<Float> species(int bits) {
        return bits == -1 ? FloatVector.SPECIES_MAX : VectorSpecies.of(float.class, VectorShape.forBitSize(bits));
    }

    /**
     * out[i] = fn(in[i]) for i < n on {@link #SPECIES}, by whole vectors; a partial last
     * vector is computed on a copy padded with zeros, so every element goes through the vector
     * form. One loop per function with a constant species keeps each call site monomorphic and
     * intrinsified: C2 inlines the function and keeps its vectors in registers.
     */
    static void apply(ExpFunction fn, float[] in, float[] out, int n) {
        int whole = SPECIES.loopBound(n);
        switch (fn) {
            case EXP -> exp(in, out, whole);
            case SIGMOID -> sigmoid(in, out, whole);
            case TANH -> tanh(in, out, whole);
        }
        if (whole < n) {
            float[] tailIn = new float[SPECIES.length()];
            float[] tailOut = new float[SPECIES.length()];
            System.arraycopy(in, whole, tailIn, 0, n - whole);
            apply(fn, tailIn, tailOut, tailIn.length);
            System.arraycopy(tailOut, 0, out, whole, n - whole);
        }
    }

    static void exp(float[] in, float[] out, int n) {
        for (int i = 0; i < n; i += SPECIES.length()) {
            VectorFloatExp.exp(FloatVector.fromArray(SPECIES, in, i)).intoArray(out, i);
        }
    }

    static void sigmoid(float[] in, float[] out, int n) {
        for (int i = 0; i < n; i += SPECIES.length()) {
            VectorFloatExp.sigmoid(FloatVector.fromArray(SPECIES, in, i)).intoArray(out, i);
        }
    }

    static void tanh(float[] in, float[] out, int n) {
        for (int i = 0; i < n; i += SPECIES.length()) {
            VectorFloatExp.tanh(FloatVector.fromArray(SPECIES, in, i)).intoArray(out, i);
        }
    }

    /**
     * out[i] = fn(in[i]) for i < n on the species of {@code bits} bits (-1: SPECIES_MAX),
     * whatever {@link #SPECIES} is. The species is not a constant here, so this runs the Vector API's Java code
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

    /** out[i] = fn(in[i]) for i < n on {@link #SPECIES}, as the ExpFunction overload does. */
    static void apply(LogFunction fn, float[] in, float[] out, int n) {
        int whole = SPECIES.loopBound(n);
        switch (fn) {
            case LOG -> log(in, out, whole);
            case LOG1P -> log1p(in, out, whole);
        }
        if (whole < n) {
            float[] tailIn = new float[SPECIES.length()];
            float[] tailOut = new float[SPECIES.length()];
            System.arraycopy(in, whole, tailIn, 0, n - whole);
            apply(fn, tailIn, tailOut, tailIn.length);
            System.arraycopy(tailOut, 0, out, whole, n - whole);
        }
    }

    static void log(float[] in, float[] out, int n) {
        for (int i = 0; i < n; i += SPECIES.length()) {
            VectorFloatLog.log(FloatVector.fromArray(SPECIES, in, i)).intoArray(out, i);
        }
    }

    static void log1p(float[] in, float[] out, int n) {
        for (int i = 0; i < n; i += SPECIES.length()) {
            VectorFloatLog.log1p(FloatVector.fromArray(SPECIES, in, i)).intoArray(out, i);
        }
    }

    /** As the ExpFunction overload: any species, the Vector API's Java code, small samples only. */
    static void applyWith(int bits, LogFunction fn, float[] in, float[] out, int n) {
        VectorSpecies<Float> s = species(bits);
        float[] lanesIn = new float[s.length()];
        float[] lanesOut = new float[s.length()];
        for (int i = 0; i < n; i += s.length()) {
            int m = Math.min(s.length(), n - i);
            java.util.Arrays.fill(lanesIn, 0f);
            System.arraycopy(in, i, lanesIn, 0, m);
            FloatVector x = FloatVector.fromArray(s, lanesIn, 0);
            FloatVector y = fn == LogFunction.LOG ? VectorFloatLog.log(x) : VectorFloatLog.log1p(x);
            y.intoArray(lanesOut, 0);
            System.arraycopy(lanesOut, 0, out, i, m);
        }
    }
}

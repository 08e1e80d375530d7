package org.vecprop.internal.math;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.testing.Props;
import org.vecprop.kernel.Simd;

/**
 * The Vector API forms equal the scalar forms bit for bit (NaN payloads aside) on every input
 * tested: specials and threshold neighbourhoods, whole binades, random values over the whole
 * range, on the kernels' species (the width this run simulates; {@code SPECIES_MAX} at full width,
 * see {@link VectorForm#SPECIES}). Combined with {@link FloatExpTest}, the vector forms meet the
 * same error bounds. Other species, and the interpreter, are checked in child JVMs
 * ({@link ChildJvmAgreementTest}): only the kernels' species may run in this JVM (see
 * {@link ChildJvmForms}).
 *
 * <p>In the C1-only run ({@code -XX:TieredStopAtLevel=1}) the module is present and these tests
 * run too, on the Vector API's Java fallback code that C1 compiles: that is the JIT-tier check.
 * There, and wherever the kernels do not use SIMD, the exhaustive binades are sampled (every
 * 1024th float) and the random blocks are smaller, because the fallback is slow. Without the
 * module the tests are skipped.
 */
class VectorFloatExpTest {

    static boolean vectorModulePresent() {
        return ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
    }

    @BeforeEach
    void needsTheVectorModule() {
        Assumptions.assumeTrue(vectorModulePresent(),
                "the module jdk.incubator.vector is not loaded: no vector form to test");
    }

    /** Asserts the vector form on the kernels' species equals the scalar form on every x. */
    static void agree(ExpFunction fn, float[] xs, String what) {
        float[] out = new float[xs.length];
        VectorForm.apply(fn, xs, out, xs.length);
        compare(fn, xs, out, what + ", " + VectorForm.SPECIES);
    }

    static void compare(ExpFunction fn, float[] xs, float[] vector, String what) {
        for (int i = 0; i < xs.length; i++) {
            float s = fn.scalar(xs[i]);
            if (Float.floatToIntBits(s) != Float.floatToIntBits(vector[i])) {
                fail(fn.label() + "(" + xs[i] + " = " + Float.toHexString(xs[i]) + "): scalar " + s + " ("
                        + Float.toHexString(s) + "), vector " + vector[i] + " (" + Float.toHexString(vector[i])
                        + ") (" + what + ")");
            }
        }
    }

    @Test
    void edgesAgreeOnTheKernelsSpecies() {
        float[] edges = ExpInputs.edges();
        for (ExpFunction fn : ExpFunction.values()) {
            agree(fn, edges, "specials and threshold neighbourhoods");
        }
    }

    /** The binades of {@link FloatExpTest#BINADES}, every float where C2 compiles the vector form. */
    @Test
    void binadesAgree() {
        int stride = Simd.enabled() ? 1 : 1024;
        for (Object[] c : FloatExpTest.BINADES) {
            agree((ExpFunction) c[0], ExpInputs.binade((float) c[1], stride),
                    "binade of " + c[1] + ", every " + stride + "th float");
        }
    }

    @Test
    void randomValuesAgree() {
        // 1023 and 31: not multiples of any lane count, so the padded last vector runs too;
        // the smaller block where the Vector API runs as slow Java code (C1, forced scalar)
        int block = Simd.enabled() ? 1023 : 31;
        Props.theory().forAll(Generate.longRange(0, Long.MAX_VALUE)).checkAssert(seed -> {
            float[] xs = ExpInputs.random(seed, block);
            for (ExpFunction fn : ExpFunction.values()) {
                agree(fn, xs, "random block, seed " + seed);
            }
        });
    }
}

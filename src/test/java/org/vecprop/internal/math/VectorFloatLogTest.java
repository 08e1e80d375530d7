package org.vecprop.internal.math;

import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.kernel.Simd;
import org.vecprop.testing.Props;

/**
 * The Vector API log and log1p equal the scalar forms bit for bit (NaN payloads aside) on the
 * kernels' species, on specials and threshold neighbourhoods, the binades of
 * {@link FloatLogTest#BINADES} and random values; with {@link FloatLogTest} the vector forms meet
 * the same bound. As {@link VectorFloatExpTest}: under C1 the Vector API's Java code runs (the
 * JIT-tier check), sampled because it is slow; skipped without the module. Other species and the
 * interpreter: {@link ChildJvmAgreementTest}.
 */
class VectorFloatLogTest {

    @BeforeEach
    void needsTheVectorModule() {
        Assumptions.assumeTrue(VectorFloatExpTest.vectorModulePresent(),
                "the module jdk.incubator.vector is not loaded: no vector form to test");
    }

    static void agree(LogFunction fn, float[] xs, String what) {
        float[] out = new float[xs.length];
        VectorForm.apply(fn, xs, out, xs.length);
        for (int i = 0; i < xs.length; i++) {
            float s = fn.scalar(xs[i]);
            if (Float.floatToIntBits(s) != Float.floatToIntBits(out[i])) {
                fail(fn.label() + "(" + xs[i] + " = " + Float.toHexString(xs[i]) + "): scalar " + s + " ("
                        + Float.toHexString(s) + "), vector " + out[i] + " (" + Float.toHexString(out[i])
                        + ") (" + what + ", " + VectorForm.SPECIES + ")");
            }
        }
    }

    @Test
    void edgesAgreeOnTheKernelsSpecies() {
        for (LogFunction fn : LogFunction.values()) {
            agree(fn, LogInputs.edges(), "specials and threshold neighbourhoods");
        }
    }

    @Test
    void binadesAgree() {
        int stride = Simd.enabled() ? 1 : 1024;
        for (Object[] c : FloatLogTest.BINADES) {
            float[] all = FloatLogTest.binade((float) c[1]);
            float[] xs = new float[(all.length + stride - 1) / stride];
            for (int i = 0; i < xs.length; i++) {
                xs[i] = all[i * stride];
            }
            agree((LogFunction) c[0], xs, "binade of " + c[1] + ", every " + stride + "th float");
        }
    }

    @Test
    void randomValuesAgree() {
        int block = Simd.enabled() ? 1023 : 31;
        Props.theory().forAll(Generate.longRange(0, Long.MAX_VALUE)).checkAssert(seed -> {
            float[] xs = LogInputs.random(seed, block);
            for (LogFunction fn : LogFunction.values()) {
                agree(fn, xs, "random block, seed " + seed);
            }
        });
    }
}

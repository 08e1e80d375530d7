package org.vecprop.internal.math;

import static org.junit.jupiter.api.Assertions.fail;
import static org.vecprop.internal.math.FloatExpTest.same;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.testing.Props;

/**
 * The scalar log and log1p against a double-precision truth, within the 0.75-ulp bound derived in
 * {@code docs/log.md} ({@link LogFunction}): special values exactly, every threshold and its
 * ±8-ulp neighbourhood, whole binades exhaustively (where the worst errors of the all-floats sweep
 * lie), and random values over the whole float range. Runs in every test configuration.
 */
class FloatLogTest {

    /** Asserts fn is within its bound at every x, and returns the worst error seen. */
    static double checkBounds(LogFunction fn, float[] xs, String what) {
        double worst = 0;
        for (float x : xs) {
            float got = fn.scalar(x);
            double truth = fn.truth(x);
            double err = ExpFunction.ulpError(got, truth);
            double bound = fn.bound(x, truth);
            if (!(err <= bound)) {
                fail(String.format(Locale.ROOT, "%s(%s = %s) = %s, truth %.12g: error %.4f ulps > bound %.2f (%s)",
                        fn.label(), x, Float.toHexString(x), got, truth, err, bound, what));
            }
            worst = Math.max(worst, err);
        }
        return worst;
    }

    @Test
    void logSpecialValues() {
        same(Float.NaN, FloatLog.log(Float.NaN), "log(NaN)");
        same(Float.NEGATIVE_INFINITY, FloatLog.log(0f), "log(+0)");
        same(Float.NEGATIVE_INFINITY, FloatLog.log(-0f), "log(-0)");
        same(Float.NaN, FloatLog.log(-1f), "log(-1)");
        same(Float.NaN, FloatLog.log(-Float.MIN_VALUE), "log(-smallest subnormal)");
        same(Float.NaN, FloatLog.log(Float.NEGATIVE_INFINITY), "log(-Inf)");
        same(Float.POSITIVE_INFINITY, FloatLog.log(Float.POSITIVE_INFINITY), "log(+Inf)");
        same(0f, FloatLog.log(1f), "log(1) is +0");
        same((float) Math.log(2), FloatLog.log(2f), "log(2)");
        same((float) Math.log(0x1p-149), FloatLog.log(Float.MIN_VALUE), "log(smallest subnormal)");
        same((float) Math.log(Float.MAX_VALUE), FloatLog.log(Float.MAX_VALUE), "log(MAX)");
        same((float) (-126 * Math.log(2)), FloatLog.log(Float.MIN_NORMAL), "log(2^-126)");
    }

    @Test
    void log1pSpecialValues() {
        same(Float.NaN, FloatLog.log1p(Float.NaN), "log1p(NaN)");
        same(0f, FloatLog.log1p(0f), "log1p(+0)");
        same(-0f, FloatLog.log1p(-0f), "log1p(-0) keeps its sign");
        same(Float.NEGATIVE_INFINITY, FloatLog.log1p(-1f), "log1p(-1)");
        same(Float.NaN, FloatLog.log1p(Math.nextDown(-1f)), "log1p(just below -1)");
        same(Float.NaN, FloatLog.log1p(-2f), "log1p(-2)");
        same(Float.NaN, FloatLog.log1p(Float.NEGATIVE_INFINITY), "log1p(-Inf)");
        same(Float.POSITIVE_INFINITY, FloatLog.log1p(Float.POSITIVE_INFINITY), "log1p(+Inf)");
        same((float) Math.log1p(Float.MAX_VALUE), FloatLog.log1p(Float.MAX_VALUE), "log1p(MAX)");
        // Just above -1, 1 + x is 2^-24 exactly: log1p is -24 ln2, not log of a rounded 1 + x.
        same((float) (-24 * Math.log(2)), FloatLog.log1p(Math.nextUp(-1f)), "log1p(-1 + 2^-24)");
        same((float) Math.log(2), FloatLog.log1p(1f), "log1p(1)");
    }

    /** |x| < 2^-24: log1p(x) = x - x²/2 + ... rounds to x, and the function returns x exactly. */
    @Test
    void log1pOfTinyArgumentsIsTheArgument() {
        float[] tiny = {Float.MIN_VALUE, 1e-40f, Float.MIN_NORMAL, 1e-30f, 1e-20f, 1e-10f, 0x1p-25f,
            Math.nextDown(0x1p-24f)};
        for (float t : tiny) {
            same(t, FloatLog.log1p(t), "log1p(" + t + ")");
            same(-t, FloatLog.log1p(-t), "log1p(" + -t + ")");
        }
    }

    @Test
    void specialsAndThresholdNeighbourhoodsWithinBounds() {
        float[] edges = LogInputs.edges();
        for (LogFunction fn : LogFunction.values()) {
            checkBounds(fn, edges, "specials and +-" + LogInputs.NEIGHBOURHOOD + " ulps around every threshold");
        }
    }

    /**
     * Whole binades, every float: log on [0.5, 1) and [1, 2) (k = -1, 0 and 1, the ends of the
     * reduced argument's interval, where the bound and the all-floats sweep's worst error lie)
     * and a subnormal binade; log1p on [0.25, 0.5) and [-0.5, -0.25) (both sides of k = 0, its
     * worst case), [1, 2) and a binade of tiny arguments.
     */
    static final Object[][] BINADES = {
        {LogFunction.LOG, 0.5f}, {LogFunction.LOG, 1f}, {LogFunction.LOG, 0x1p-140f},
        {LogFunction.LOG1P, 0.25f}, {LogFunction.LOG1P, -0.25f}, {LogFunction.LOG1P, 1f},
        {LogFunction.LOG1P, 0x1p-30f},
    };

    /** Every float of [lo, 2·lo) (lo a power of two, either sign; 2^22 floats for a subnormal lo). */
    static float[] binade(float lo) {
        if (Math.abs(lo) < Float.MIN_NORMAL) {
            int first = Float.floatToRawIntBits(lo), count = Float.floatToRawIntBits(Math.abs(lo));
            float[] out = new float[count];
            for (int i = 0; i < count; i++) {
                out[i] = Float.intBitsToFloat(first + i);
            }
            return out;
        }
        return ExpInputs.binade(lo, 1);
    }

    @Test
    void exhaustiveBinadesWithinBounds() {
        StringBuilder report = new StringBuilder("[vecprop] worst errors of log, log1p over whole binades (ulps):");
        for (Object[] c : BINADES) {
            LogFunction fn = (LogFunction) c[0];
            float lo = (float) c[1];
            double worst = checkBounds(fn, binade(lo), "binade of " + lo);
            report.append(String.format(Locale.ROOT, " %s on [%s, %s): %.4f;", fn.label(), lo, 2 * lo, worst));
        }
        System.out.println(report);
    }

    /** Random values over the whole float range and over log1p's and log's busy ranges, 4096 per example. */
    @Test
    void randomValuesWithinBounds() {
        Props.theory().forAll(Generate.longRange(0, Long.MAX_VALUE)).checkAssert(seed -> {
            float[] xs = LogInputs.random(seed, 4096);
            for (LogFunction fn : LogFunction.values()) {
                checkBounds(fn, xs, "random block, seed " + seed);
            }
        });
    }

    /** The float at position i of the ordered floats: i >= 0 the bits i, else minus the bits -i. */
    static float ordered(int i) {
        return i >= 0 ? Float.intBitsToFloat(i) : -Float.intBitsToFloat(-i);
    }

    /** log and log1p never decrease, over every 997th float of their domains. */
    @Test
    void nonDecreasing() {
        for (LogFunction fn : LogFunction.values()) {
            int from = fn == LogFunction.LOG ? 1 : -Float.floatToRawIntBits(Math.nextUp(-1f) * -1f);
            float prev = Float.NEGATIVE_INFINITY;
            for (int i = from; i <= Float.floatToRawIntBits(Float.MAX_VALUE) && i >= from; i += 997) {
                float x = ordered(i), y = fn.scalar(x);
                if (!(y >= prev)) {
                    fail(fn.label() + " decreases at " + x + ": " + prev + " then " + y);
                }
                prev = y;
            }
        }
    }
}

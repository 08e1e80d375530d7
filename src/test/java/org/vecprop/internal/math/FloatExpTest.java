package org.vecprop.internal.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.testing.Props;

/**
 * The scalar exp, sigmoid and tanh against a double-precision truth, within the error bounds in
 * ulps derived in {@code docs/exp.md} (see {@link ExpFunction}): special values exactly, every
 * threshold and its ±8-ulp neighbourhood, whole binades exhaustively, and random values over the
 * whole float range. Runs in every test configuration, with or without the Vector API module.
 */
class FloatExpTest {

    /** Asserts fn is within its bound at every x, and reports the worst error seen. */
    static double checkBounds(ExpFunction fn, float[] xs, String what) {
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

    static void same(float expected, float actual, String what) {
        assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(actual),
                what + ": expected " + expected + " (" + Float.toHexString(expected) + "), got " + actual
                        + " (" + Float.toHexString(actual) + ")");
    }

    @Test
    void expSpecialValues() {
        same(Float.NaN, FloatExp.exp(Float.NaN), "exp(NaN)");
        same(Float.POSITIVE_INFINITY, FloatExp.exp(Float.POSITIVE_INFINITY), "exp(+Inf)");
        same(0f, FloatExp.exp(Float.NEGATIVE_INFINITY), "exp(-Inf) is +0");
        same(1f, FloatExp.exp(0f), "exp(+0)");
        same(1f, FloatExp.exp(-0f), "exp(-0)");
        same(1f, FloatExp.exp(Float.MIN_VALUE), "exp(smallest subnormal)");
        same(1f, FloatExp.exp(-Float.MIN_VALUE), "exp(-smallest subnormal)");
        same(Float.POSITIVE_INFINITY, FloatExp.exp(Float.MAX_VALUE), "exp(MAX)");
        same(0f, FloatExp.exp(-Float.MAX_VALUE), "exp(-MAX)");
        // Overflow: 88.72283935546875 is the first float whose exp exceeds MAX + ulp/2.
        same(Float.POSITIVE_INFINITY, FloatExp.exp(88.72283935546875f), "exp(first overflowing x)");
        assertTrue(Float.isFinite(FloatExp.exp(88.72283172607422f)), "exp(largest x with a finite result)");
        // Underflow: exp(x) <= 2^-150 rounds to +0 (ties to even), just above rounds to 2^-149.
        same(0f, FloatExp.exp(-103.97208404541016f), "exp(first x rounding to 0)");
        same(Float.MIN_VALUE, FloatExp.exp(-103.97207641601562f), "exp(smallest x with a nonzero result)");
        // Gradual underflow: the results from -87.3365 down are subnormal, not flushed.
        float sub = FloatExp.exp(-87.3365478515625f);
        assertTrue(sub > 0f && sub < Float.MIN_NORMAL, "exp(-87.3365) is subnormal: " + sub);
        assertTrue(FloatExp.exp(-87.33654f) >= Float.MIN_NORMAL, "exp(-87.33654) is normal");
    }

    @Test
    void sigmoidSpecialValues() {
        same(Float.NaN, FloatExp.sigmoid(Float.NaN), "sigmoid(NaN)");
        same(1f, FloatExp.sigmoid(Float.POSITIVE_INFINITY), "sigmoid(+Inf)");
        same(0f, FloatExp.sigmoid(Float.NEGATIVE_INFINITY), "sigmoid(-Inf) is +0");
        same(0.5f, FloatExp.sigmoid(0f), "sigmoid(+0)");
        same(0.5f, FloatExp.sigmoid(-0f), "sigmoid(-0)");
        same(1f, FloatExp.sigmoid(Float.MAX_VALUE), "sigmoid(MAX)");
        same(0f, FloatExp.sigmoid(-Float.MAX_VALUE), "sigmoid(-MAX)");
        // 17.32868 is the first float whose sigmoid rounds to 1.
        same(1f, FloatExp.sigmoid(17.32868003845215f), "sigmoid(first x rounding to 1)");
        assertTrue(FloatExp.sigmoid(Math.nextDown(17.32868003845215f)) < 1f, "sigmoid just below saturation");
        // Where 1/(1 + e^-x) would divide by an overflowed e^-x, the result is e^x, subnormal.
        float deep = FloatExp.sigmoid(-95f);
        assertTrue(deep > 0f && deep < Float.MIN_NORMAL, "sigmoid(-95) is a subnormal, not 0: " + deep);
        same(FloatExp.exp(-95f), deep, "sigmoid(-95) = exp(-95)");
        same(0f, FloatExp.sigmoid(-104f), "sigmoid(-104) rounds to 0");
    }

    @Test
    void tanhSpecialValues() {
        same(Float.NaN, FloatExp.tanh(Float.NaN), "tanh(NaN)");
        same(1f, FloatExp.tanh(Float.POSITIVE_INFINITY), "tanh(+Inf)");
        same(-1f, FloatExp.tanh(Float.NEGATIVE_INFINITY), "tanh(-Inf)");
        same(0f, FloatExp.tanh(0f), "tanh(+0)");
        same(-0f, FloatExp.tanh(-0f), "tanh(-0) keeps its sign");
        same(Float.MIN_VALUE, FloatExp.tanh(Float.MIN_VALUE), "tanh(smallest subnormal)");
        same(-1e-20f, FloatExp.tanh(-1e-20f), "tanh(tiny) is its argument");
        same(1f, FloatExp.tanh(Float.MAX_VALUE), "tanh(MAX)");
        same(-1f, FloatExp.tanh(-Float.MAX_VALUE), "tanh(-MAX)");
        // 9.010914 is the first float whose tanh rounds to 1.
        same(1f, FloatExp.tanh(9.010913848876953f), "tanh(first x rounding to 1)");
        assertTrue(FloatExp.tanh(Math.nextDown(9.010913848876953f)) < 1f, "tanh just below saturation");
        same(1f, FloatExp.tanh(50f), "tanh(50): the capped exp argument still gives 1");
    }

    @Test
    void specialsAndThresholdNeighbourhoodsWithinBounds() {
        float[] edges = ExpInputs.edges();
        for (ExpFunction fn : ExpFunction.values()) {
            checkBounds(fn, edges, "specials and +-" + ExpInputs.NEIGHBOURHOOD + " ulps around every threshold");
        }
    }

    /**
     * One whole binade per function, every float: for exp [-128, -64) (normal, subnormal and
     * zero results, the underflow thresholds, n from -185 to -93 and every pattern of the reduced
     * argument's high bits), for sigmoid [-8, -4) (the negative branch, where its error is
     * largest), for tanh [0.5, 1) (both branches and the switch at 0.625).
     */
    static final Object[][] BINADES = {
        {ExpFunction.EXP, -64f}, {ExpFunction.SIGMOID, -4f}, {ExpFunction.TANH, 0.5f},
    };

    @Test
    void exhaustiveBinadesWithinBounds() {
        StringBuilder report = new StringBuilder("[vecprop] worst errors over whole binades (ulps):");
        for (Object[] c : BINADES) {
            ExpFunction fn = (ExpFunction) c[0];
            float lo = (float) c[1];
            double worst = checkBounds(fn, ExpInputs.binade(lo, 1), "binade of " + lo);
            report.append(String.format(Locale.ROOT, " %s on [%s, %s): %.4f;", fn.label(), lo, 2 * lo, worst));
        }
        System.out.println(report);
    }

    /** Random values over the whole float range (see {@link ExpInputs#random}), 4096 per example. */
    @Test
    void randomValuesWithinBounds() {
        Props.theory().forAll(Generate.longRange(0, Long.MAX_VALUE)).checkAssert(seed -> {
            float[] xs = ExpInputs.random(seed, 4096);
            for (ExpFunction fn : ExpFunction.values()) {
                checkBounds(fn, xs, "random block, seed " + seed);
            }
        });
    }

    /** tanh(-x) == -tanh(x) bit for bit: on samples of two binades, the edges and random values. */
    @Test
    void tanhIsExactlyOdd() {
        float[][] sets = {ExpInputs.binade(0.5f, 4), ExpInputs.binade(0x1p-20f, 64), ExpInputs.edges(),
            ExpInputs.random(Props.SEED, 1 << 16)};
        for (float[] xs : sets) {
            for (float x : xs) {
                float minus = -FloatExp.tanh(x), ofMinus = FloatExp.tanh(-x);
                if (Float.floatToIntBits(minus) != Float.floatToIntBits(ofMinus)) {
                    same(minus, ofMinus, "tanh(-x) vs -tanh(x) at x = " + x);
                }
            }
        }
    }

    /** Ranges of the results: exp >= 0, sigmoid in [0, 1], tanh in [-1, 1], on edges and random values. */
    @Test
    void resultsStayInRange() {
        float[][] sets = {ExpInputs.edges(), ExpInputs.random(Props.SEED + 1, 1 << 16)};
        for (float[] xs : sets) {
            for (float x : xs) {
                if (Float.isNaN(x)) {
                    continue;
                }
                float e = FloatExp.exp(x), s = FloatExp.sigmoid(x), t = FloatExp.tanh(x);
                assertTrue(e >= 0f, "exp(" + x + ") = " + e);
                assertTrue(s >= 0f && s <= 1f, "sigmoid(" + x + ") = " + s);
                assertTrue(t >= -1f && t <= 1f, "tanh(" + x + ") = " + t);
            }
        }
    }
}

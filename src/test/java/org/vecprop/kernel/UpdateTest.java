package org.vecprop.kernel;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.testing.BadCalls;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * {@link Update}: the SGD update against its reference, bit-identical (with and without
 * momentum, zeroing the gradient or not, with special values); Adam and AdamW within their
 * stated bound of the exact formula and bit-identical to the scalar implementation; the bad
 * input of both (shared with the reference: {@link BadCalls#sgdChecks}, {@link BadCalls#adamChecks}).
 */
class UpdateTest {

    @Test
    void sgdIsBitIdenticalToTheReference() {
        Props.theory().forAll(Generate.range(0, 300), Generate.booleans(), Generate.booleans(),
                Generate.longRange(0, 1 << 30)).checkAssert((n, momentum, zero, seed) -> {
            Random rnd = new Random(seed);
            float[] w = Values.random(rnd, n + 3, 30, 1f), g = Values.random(rnd, n + 1, 30, 1f);
            float[] v = Values.random(rnd, n + 2, 30, 1f);
            float[] w2 = w.clone(), g2 = g.clone(), v2 = v.clone();
            float mom = momentum ? 0.9f : 0f;
            org.vecprop.reference.ReferenceUpdate.sgd(n, w, 3, g, 1, v, 2, 0.01f, mom, 1e-3f, zero);
            Update.sgd(n, w2, 3, g2, 1, v2, 2, 0.01f, mom, 1e-3f, zero);
            Compare.sameArray(w, w2, "w");
            Compare.sameArray(g, g2, "g");
            Compare.sameArray(v, v2, "v");
        });
    }

    @Test
    void sgdRejectsBadArgumentsBeforeWriting() {
        BadCalls.sgdChecks(Update::sgd);
    }
    /** The exact values of one Adam element, in double from the float inputs (the oracle's math). */
    record AdamExact(double m, double v, double den, double q, double w, double step) {
        static AdamExact of(float w0, float g0, float m0, float v0, float lr, float b1, float b2,
                            float eps, float wd, boolean decoupled, long t) {
            double c1 = 1 - StrictMath.pow(b1, t), c2 = 1 - StrictMath.pow(b2, t);
            double w = w0, g = g0;
            if (decoupled) {
                w = w * (1 - (double) lr * wd);
            } else {
                g = g + (double) wd * w0;
            }
            double m = b1 * (double) m0 + (1 - (double) b1) * g;
            double v = b2 * (double) v0 + (1 - (double) b2) * g * g;
            double den = Math.sqrt(v) / Math.sqrt(c2) + eps;
            double s = lr / c1;
            return new AdamExact(m, v, den, m / den, w - s * m / den, s);
        }
    }

    /**
     * Adam and AdamW against the exact formula within the bounds {@link Update#adam} states, over
     * sizes on both sides of the vector length, both kinds of weight decay, steps from 1 (the
     * largest bias correction) to a million, betas below and above 0.5 (where {@code 1 - beta}
     * is rounded or exact), moments of any history.
     */
    @Test
    void adamIsWithinItsStatedBoundOfTheExactFormula() {
        float[] b1s = {0.9f, 0.5f, 0f, 0.3f}, b2s = {0.999f, 0.99f, 0.3f}, lrs = {1e-3f, 0.1f, 0f};
        float[] wds = {0f, 0.01f, 0.1f}, epss = {1e-8f, 1e-3f};
        Props.theory().forAll(Generate.range(0, 200), Generate.range(0, 1 << 10),
                Generate.longRange(1, 1_000_000), Generate.longRange(0, 1 << 30)).checkAssert((n, pick, t, seed) -> {
            Random rnd = new Random(seed);
            float b1 = b1s[pick % 4], b2 = b2s[(pick / 4) % 3], lr = lrs[(pick / 12) % 3];
            float wd = wds[(pick / 36) % 3], eps = epss[(pick / 108) % 2];
            boolean decoupled = (pick / 216) % 2 == 0;
            long step = (pick / 432) % 2 == 0 ? t : 1 + t % 5;
            float[] w = Values.random(rnd, n + 1, 0, 2f), g = Values.random(rnd, n + 2, 0, 1f);
            float[] m = Values.random(rnd, n + 3, 0, 0.5f), v = Values.random(rnd, n + 4, 0, 0.5f);
            for (int i = 0; i < v.length; i++) {
                v[i] = v[i] * v[i]; // a second moment is a mean of squares
            }
            float[] w0 = w.clone(), g0 = g.clone(), m0 = m.clone(), v0 = v.clone();
            Update.adam(n, w, 1, g, 2, m, 3, v, 4, lr, b1, b2, eps, wd, decoupled, step, true);
            double u = Compare.U, tiny = 4 * Compare.SUBNORMAL_ROUNDING;
            double a = 1 - (double) b1;
            for (int i = 0; i < n; i++) {
                AdamExact x = AdamExact.of(w0[i + 1], g0[i + 2], m0[i + 3], v0[i + 4], lr, b1, b2, eps, wd,
                        decoupled, step);
                double gx = decoupled ? g0[i + 2] : g0[i + 2] + (double) wd * w0[i + 1];
                double errM = 2 * u * (Math.abs(x.m()) + a * Math.abs(gx - m0[i + 3]) + a * Math.abs(gx)) + tiny;
                double errV = 4 * u * x.v() + tiny;
                double errW = u * Math.abs(x.w()) + 2 * u * Math.abs(w0[i + 1]) + x.step() * errM / x.den()
                        + 10 * u * Math.abs(x.step() * x.q()) + tiny;
                String where = "element " + i + " of " + n + " (beta1 " + b1 + ", beta2 " + b2 + ", lr " + lr
                        + ", wd " + wd + (decoupled ? " decoupled" : " L2") + ", eps " + eps + ", step " + step + ")";
                Compare.close((float) x.m(), m[i + 3], errM, "m " + where);
                Compare.close((float) x.v(), v[i + 4], errV, "v " + where);
                if (Math.abs(m[i + 3] - x.m()) > errM || Math.abs(v[i + 4] - x.v()) > errV
                        || Math.abs(w[i + 1] - x.w()) > errW) {
                    throw new AssertionError("outside the bound: " + where + ": w " + w[i + 1] + " exact " + x.w()
                            + " bound " + errW + "; m " + m[i + 3] + " exact " + x.m() + "; v " + v[i + 4]
                            + " exact " + x.v());
                }
                Compare.same(0f, g[i + 2], "g zeroed " + where);
            }
            Compare.same(w0[0], w[0], "w before the window");
            Compare.same(g0[1], g[1], "g before the window");
            Compare.same(m0[2], m[2], "m before the window");
            Compare.same(v0[3], v[3], "v before the window");
        });
    }

    /** The scalar implementation and the public kernel (vector at any width) give the same bits. */
    @Test
    void adamIsTheSameBitsAsTheScalarImplementation() {
        Props.theory().forAll(Generate.range(0, 300), Generate.booleans(), Generate.booleans(),
                Generate.longRange(0, 1 << 30)).checkAssert((n, decoupled, zero, seed) -> {
            Random rnd = new Random(seed);
            float[] w = Values.random(rnd, n + 3, 30, 1f), g = Values.random(rnd, n + 1, 30, 1f);
            float[] m = Values.random(rnd, n + 2, 30, 1f), v = Values.random(rnd, n + 2, 30, 1f);
            float[] w2 = w.clone(), g2 = g.clone(), m2 = m.clone(), v2 = v.clone();
            long step = 1 + Math.floorMod(seed, 5000);
            float lr = 3e-3f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f, wd = 0.05f;
            Update.adam(n, w, 3, g, 1, m, 2, v, 2, lr, b1, b2, eps, wd, decoupled, step, zero);
            org.vecprop.internal.scalar.ScalarKernels.INSTANCE.adam(n, w2, 3, g2, 1, m2, 2, v2, 2,
                    org.vecprop.contract.ArithmeticOrder.adamStepSize(lr, b1, step),
                    org.vecprop.contract.ArithmeticOrder.adamRootCorrection(b2, step), b1, b2, eps,
                    decoupled ? 0f : wd, decoupled ? org.vecprop.contract.ArithmeticOrder.adamDecay(lr, wd) : 1f, zero);
            Compare.sameArray(w2, w, "w");
            Compare.sameArray(g2, g, "g");
            Compare.sameArray(m2, m, "m");
            Compare.sameArray(v2, v, "v");
        });
    }

    /**
     * The first step, worked by hand from PyTorch's formulas: m = (1 - b1) g and v = (1 - b2) g²,
     * so the bias-corrected step is {@code lr * g / (|g| + eps)}, nearly {@code lr * sign(g)}
     * whatever the gradient's size (Adam's known first-step behaviour); AdamW first shrinks w by
     * {@code 1 - lr * wd}, Adam adds {@code wd * w} to g instead.
     */
    @Test
    void theFirstStepMovesEveryWeightByAboutTheLearningRate() {
        float[] w = {1f, -2f, 0.5f, 3f}, g = {4f, -1e-3f, 0f, 1e3f}, m = new float[4], v = new float[4];
        Update.adam(4, w, 0, g, 0, m, 0, v, 0, 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f, true, 1, false);
        // AdamW: w * (1 - 0.001) - 0.01 * sign(g) (g = 0: m = 0, no move)
        Compare.close(0.999f - 0.01f, w[0], 2e-7, "w[0]");
        Compare.close(-1.998f + 0.01f, w[1], 2e-6, "w[1]");
        Compare.close(0.4995f, w[2], 1e-7, "w[2]");
        Compare.close(2.997f - 0.01f, w[3], 4e-7, "w[3]");
        Compare.close(0.4f, m[0], 1e-7, "m[0] = 0.1 * 4");
        Compare.close((float) ((1 - (double) 0.999f) * 16), v[0], 1e-9, "v[0] = (1 - 0.999f) * 16 (0.999f is 0.99900001...)");
        float[] w2 = {1f}, g2 = {0f}, m2 = new float[1], v2 = new float[1];
        Update.adam(1, w2, 0, g2, 0, m2, 0, v2, 0, 0.01f, 0.9f, 0.999f, 1e-8f, 0.1f, false, 1, false);
        // Adam with L2: g = 0 + 0.1 * 1 = 0.1, so w moves by lr * 0.1 / (0.1 + 1e-8): about 0.01
        Compare.close(0.99f, w2[0], 2e-7, "Adam's L2 penalty is part of the gradient");
    }

    /** A NaN or infinite gradient poisons its own element only, as in PyTorch; the rest step normally. */
    @Test
    void aNonFiniteGradientPoisonsOnlyItsElement() {
        int n = 40;
        float[] w = Values.ramp(n), g = Values.ramp(n), m = new float[n], v = new float[n];
        g[5] = Float.NaN;
        g[17] = Float.POSITIVE_INFINITY;
        float[] w2 = w.clone(), g2 = g.clone(), m2 = m.clone(), v2 = v.clone();
        Update.adam(n, w, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, true, 3, true);
        org.vecprop.reference.ReferenceUpdate.adam(n, w2, 0, g2, 0, m2, 0, v2, 0, 1e-3f, 0.9f, 0.999f,
                1e-8f, 0.01f, true, 3, true);
        for (int i = 0; i < n; i++) {
            boolean poisoned = i == 5 || i == 17;
            if (poisoned != Float.isNaN(w[i])) {
                throw new AssertionError("w[" + i + "] = " + w[i]);
            }
            Compare.close(w2[i], w[i], 4 * Math.ulp(Math.max(1f, Math.abs(w2[i]))), "w[" + i + "] against the oracle");
        }
    }

    @Test
    void adamRejectsBadArgumentsBeforeWriting() {
        BadCalls.adamChecks(Update::adam);
    }

    /**
     * The reference's Adam (the oracle the kernel's bound is measured against) is the formula in
     * double: with Adam's L2 penalty (decoupled = false, weightDecay = 0.5 so g + wd * w differs
     * from g in every element), an offset window (wOff = 3, so w[wOff + i] is not w[wOff - i]
     * nor w[i]) and eps = 0.25 (so + eps is far from - eps), each float it writes is the double
     * formula of {@link AdamExact} rounded once to float: the same bits, no bound needed.
     */
    @Test
    void theReferenceAdamWithTheL2PenaltyIsTheFormulaInDouble() {
        int n = 5, wOff = 3, gOff = 1, mOff = 2, vOff = 0;
        float[] w = {9f, -9f, 7f, 1.5f, -0.75f, 2f, 0.125f, -3f, 11f};
        float[] g = {5f, 0.5f, -1f, 0.25f, 2f, -0.125f};
        float[] m = {4f, 4f, 0.1f, -0.2f, 0.3f, 0.05f, -0.4f};
        float[] v = {0.01f, 0.04f, 0.5f, 0.002f, 1f};
        float lr = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 0.25f, wd = 0.5f;
        long step = 3;
        float[] w0 = w.clone(), g0 = g.clone(), m0 = m.clone(), v0 = v.clone();
        org.vecprop.reference.ReferenceUpdate.adam(n, w, wOff, g, gOff, m, mOff, v, vOff, lr, b1, b2, eps,
                wd, false, step, false);
        for (int i = 0; i < n; i++) {
            AdamExact x = AdamExact.of(w0[wOff + i], g0[gOff + i], m0[mOff + i], v0[vOff + i], lr, b1, b2,
                    eps, wd, false, step);
            Compare.same((float) x.w(), w[wOff + i], "w[" + (wOff + i) + "]");
            Compare.same((float) x.m(), m[mOff + i], "m[" + (mOff + i) + "]");
            Compare.same((float) x.v(), v[vOff + i], "v[" + (vOff + i) + "]");
        }
        // Element 0 by hand: g = 0.5 + 0.5 * 1.5 = 1.25 with the penalty; m = 0.9 * 0.1 + 0.1 * 1.25,
        // v = 0.999 * 0.01 + 0.001 * 1.5625; the step is about 3.6e-3 (a penalty-free g = 0.5 gives 2.5e-3).
        double c1 = 1 - Math.pow(b1, 3), c2 = 1 - Math.pow(b2, 3);
        double gHand = 0.5 + 0.5 * 1.5;
        double mHand = b1 * (double) 0.1f + (1 - (double) b1) * gHand;
        double vHand = b2 * (double) 0.01f + (1 - (double) b2) * gHand * gHand;
        double wHand = 1.5 - lr / c1 * mHand / (Math.sqrt(vHand) / Math.sqrt(c2) + 0.25);
        Compare.close((float) wHand, w[wOff], 1e-6, "w[3] by hand, with the L2 penalty in the gradient");
        Compare.sameArray(g0, g, "g kept (zeroGrad = false)");
        for (int i = 0; i < wOff; i++) {
            Compare.same(w0[i], w[i], "w before the window");
        }
    }

    @Test
    void theReferenceAdamRejectsTheSame() {
        BadCalls.adamChecks(org.vecprop.reference.ReferenceUpdate::adam);
    }
}

package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.BadCalls.rejectedBeforeAnyWrite;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.internal.math.FloatExp;
import org.vecprop.internal.math.FloatLog;
import org.vecprop.internal.scalar.ScalarKernels;
import org.vecprop.reference.ReferenceBinaryCrossEntropy;
import org.vecprop.testing.BadCalls;
import org.vecprop.testing.BadCalls.Bad;
import org.vecprop.testing.ClassificationBounds;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * {@link BinaryCrossEntropy}: the loss and each gradient element against the double-precision
 * oracle within the bounds the class states, on generated batches (strided and contiguous,
 * in place on x or y, positive weights or none, both reductions, logits over several magnitudes,
 * element counts on both sides of the 1024-element chunk); the gradient against central finite
 * differences; the same bits as the documented order and the scalar implementation; no weights
 * equal to weights of 1; a batch worked by hand with PyTorch's formulas; the stable form where the
 * textbook one cancels; infinite logits; bad input.
 */
class BinaryCrossEntropyTest {
    static final double U = Compare.U;

    /** A generated batch. weights: 0 none, 1 positive weights in [0, 10]. inPlace: 0 no, 1 on x, 2 on y. */
    record Case(int rows, int cols, int[] slack, int inPlace, boolean weights, boolean mean, float scale, long seed) {
        int ld(int which) {
            return slack[6] == 0 ? Math.max(1, cols) : Math.max(1, cols) + slack[2 * which + 1];
        }

        int off(int which) {
            return slack[2 * which];
        }

        float[] logits(Random rnd) {
            float[] a = Values.random(rnd, off(0) + rows * ld(0) + 3, 0, 1f);
            for (int i = 0; i < a.length; i++) {
                a[i] *= scale;
            }
            return a;
        }

        float[] targets(Random rnd) {
            float[] a = new float[off(1) + rows * ld(1) + 3];
            for (int i = 0; i < a.length; i++) {
                int k = rnd.nextInt(4);
                a[i] = k == 0 ? 0f : k == 1 ? 1f : rnd.nextFloat();
            }
            return a;
        }

        float[] posWeight(Random rnd) {
            if (!weights) {
                return null;
            }
            float[] w = new float[slack[4] + cols + 1];
            for (int i = 0; i < w.length; i++) {
                w[i] = rnd.nextInt(5) == 0 ? 1f : rnd.nextFloat() * 10f;
            }
            return w;
        }

        Reduction reduction() {
            return mean ? Reduction.MEAN : Reduction.SUM;
        }

        @Override
        public String toString() {
            return "Case[" + rows + " x " + cols + ", slack " + java.util.Arrays.toString(slack) + ", in place "
                    + inPlace + ", weights " + weights + ", " + reduction() + ", scale " + scale + ", seed " + seed + "]";
        }
    }

    static Gen<Case> cases() {
        Gen<int[]> slack = Generate.intArrays(Generate.constant(7), Props.slack());
        Gen<Integer> cols = Generate.range(1, 40).mix(Generate.pick(List.of(1, 3, 64, 100, 1023, 1024, 1025, 2100)), 40)
                .mix(Generate.range(0, 300), 20);
        return Props.dimension(30).zip(cols, slack, Generate.range(0, 2), (r, c, sl, ip) -> new Object[] {r, c, sl, ip})
                .zip(Generate.booleans(), Generate.booleans(), Generate.pick(List.of(1f, 8f, 60f, 1e30f)),
                        Generate.longRange(0, 1L << 40), (o, w, mean, scale, seed) -> new Case((int) o[0], (int) o[1],
                                (int[]) o[2], (int) o[3], w, mean, scale, seed));
    }

    // ------------------------------------------------------------------ the bounds

    @Test
    void lossAndGradientAreWithinTheirBoundsOfTheOracle() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] x = c.logits(rnd), y = c.targets(rnd), w = c.posWeight(rnd);
            float[] g0 = Values.random(rnd, c.off(2) + c.rows() * c.ld(2) + 3, 0, 1f);
            float[] xs = x.clone(), ys = y.clone();
            float[] g = c.inPlace() == 1 ? xs : c.inPlace() == 2 ? ys : g0.clone();
            int gOff = c.inPlace() == 1 ? c.off(0) : c.inPlace() == 2 ? c.off(1) : c.off(2);
            int ldg = c.inPlace() == 1 ? c.ld(0) : c.inPlace() == 2 ? c.ld(1) : c.ld(2);
            float loss = BinaryCrossEntropy.lossAndGradient(c.rows(), c.cols(), xs, c.off(0), c.ld(0), ys, c.off(1),
                    c.ld(1), w, c.slack()[4], g, gOff, ldg, c.reduction());
            if (c.rows() == 0) {
                Compare.same(c.mean() ? Float.NaN : 0f, loss, c + ": empty batch");
                return;
            }
            ClassificationBounds.binaryCrossEntropy(c.rows(), c.cols(), x, c.off(0), c.ld(0), y, c.off(1), c.ld(1), w, c.slack()[4],
                    g, gOff, ldg, c.mean(), loss, c.toString());
            if (c.inPlace() == 0) {
                ClassificationBounds.outsideUntouched(g0, g, gOff, ldg, c.rows(), c.cols(), c.toString());
                Compare.sameArray(x, xs, c + ": x is not written");
                Compare.sameArray(y, ys, c + ": y is not written");
            }
        });
    }

    // ------------------------------------------------------------------ the same bits

    /** The loss and gradient written out from the order's definition, independently of the kernels' code. */
    static float byTheDocumentedOrder(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                                      float[] w, int wOff, float[] g, int gOff, int ldg, boolean mean) {
        long n = (long) rows * cols;
        float scale = mean ? (float) (1.0 / n) : 1f;
        float[] lane = new float[64];
        double[] dlane = new double[64];
        for (long e = 0; e < n; e++) {
            int i = (int) (e / cols), j = (int) (e % cols);
            float xv = x[xOff + i * ldx + j], yv = y[yOff + i * ldy + j], wv = w == null ? 1f : w[wOff + j];
            float t = FloatExp.exp(-Math.abs(xv));
            float lw = Math.fma(wv - 1f, yv, 1f), py = wv * yv;
            float l = Math.fma(lw, FloatLog.log1p(t), xv >= 0f ? xv * (1f - yv) : -xv * py);
            int v = (int) (e % 64);
            lane[v] = lane[v] + l;
            if (g != null) {
                float q = (xv >= 0f ? 1f : t) / (1f + t);
                g[gOff + i * ldg + j] = Math.fma(q, lw, -py) * scale;
            }
            if ((e + 1) % 1024 == 0 || e + 1 == n) {
                for (int k = 0; k < 64; k++) {
                    dlane[k] += lane[k];
                    lane[k] = 0f;
                }
            }
        }
        for (int half = 32; half >= 1; half /= 2) {
            for (int v = 0; v < half; v++) {
                dlane[v] += dlane[v + half];
            }
        }
        return (float) (mean ? dlane[0] / n : dlane[0]);
    }

    @Test
    void theResultsAreTheDocumentedOrderAndTheScalarImplementationsBitForBit() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] x = c.logits(rnd), y = c.targets(rnd), w = c.posWeight(rnd);
            float[] g0 = Values.random(rnd, c.off(2) + c.rows() * c.ld(2) + 3, 0, 1f);
            float[] g = g0.clone(), gs = g0.clone(), gd = g0.clone();
            int wo = c.slack()[4];
            float loss = BinaryCrossEntropy.lossAndGradient(c.rows(), c.cols(), x, c.off(0), c.ld(0), y, c.off(1), c.ld(1),
                    w, wo, g, c.off(2), c.ld(2), c.reduction());
            Compare.same(loss, BinaryCrossEntropy.loss(c.rows(), c.cols(), x, c.off(0), c.ld(0), y, c.off(1), c.ld(1),
                    w, wo, c.reduction()), c + ": loss() vs lossAndGradient()");
            if (c.rows() == 0) {
                return;
            }
            long n = (long) c.rows() * c.cols();
            float scale = c.mean() ? (float) (1.0 / n) : 1f;
            double st = ScalarKernels.INSTANCE.binaryCrossEntropy(c.rows(), c.cols(), x, c.off(0), c.ld(0), y, c.off(1),
                    c.ld(1), w, wo, gs, c.off(2), c.ld(2), scale, null);
            Compare.same((float) (c.mean() ? st / n : st), loss, c + ": loss, kernel vs scalar");
            Compare.sameArray(gs, g, c + ": g, kernel vs scalar");
            float doc = byTheDocumentedOrder(c.rows(), c.cols(), x, c.off(0), c.ld(0), y, c.off(1), c.ld(1), w, wo,
                    gd, c.off(2), c.ld(2), c.mean());
            Compare.same(doc, loss, c + ": loss, the documented order");
            Compare.sameArray(gd, g, c + ": g, the documented order");
        });
    }

    /**
     * One operand strided among contiguous ones (x, y or g alone with a row stride above cols, g
     * given or not): the kernel must read and write each operand by its own stride, whatever the
     * others' are. The rows are several, so a strided operand taken as contiguous would be misread
     * (x's and y's padding holds NaN, which would reach the loss) or written into g's padding.
     * Each call gives the bits of the same call on contiguous copies and of the scalar
     * implementation, and writes nothing outside g's window. The generated cases stride all
     * operands or none.
     */
    @Test
    void oneStridedOperandAmongContiguousOnesIsReadAndWrittenByItsOwnStride() {
        int rows = 3, cols = 21, pad = 3;
        Random rnd = new Random(17);
        float[] xc = Values.random(rnd, rows * cols, 0, 6f), yc = new float[rows * cols];
        for (int k = 0; k < yc.length; k++) {
            yc[k] = rnd.nextFloat();
        }
        float[] w = new float[cols];
        for (int j = 0; j < cols; j++) {
            w[j] = 0.5f + j % 4;
        }
        for (Reduction reduction : Reduction.values()) {
            float[] gc = new float[rows * cols];
            float expected = BinaryCrossEntropy.lossAndGradient(rows, cols, xc, 0, cols, yc, 0, cols, w, 0, gc, 0, cols,
                    reduction);
            assertTrue(Float.isFinite(expected), "the contiguous call's loss is finite: " + expected);
            for (int strided = 0; strided < 3; strided++) { // 0: x, 1: y, 2: g
                for (boolean withG : new boolean[] {true, false}) {
                    if (strided == 2 && !withG) {
                        continue;
                    }
                    String what = (strided == 0 ? "x" : strided == 1 ? "y" : "g") + " strided alone, "
                            + (withG ? "with g, " : "loss only, ") + reduction;
                    int ldx = strided == 0 ? cols + pad : cols, ldy = strided == 1 ? cols + pad : cols;
                    int ldg = strided == 2 ? cols + pad : cols;
                    float[] x = layOut(xc, rows, cols, ldx), y = layOut(yc, rows, cols, ldy);
                    float[] g0 = layOut(new float[rows * cols], rows, cols, ldg);
                    float[] g = withG ? g0.clone() : null;
                    float loss = withG
                            ? BinaryCrossEntropy.lossAndGradient(rows, cols, x, 0, ldx, y, 0, ldy, w, 0, g, 0, ldg, reduction)
                            : BinaryCrossEntropy.loss(rows, cols, x, 0, ldx, y, 0, ldy, w, 0, reduction);
                    Compare.same(expected, loss, what + ": loss, vs contiguous operands");
                    long n = (long) rows * cols;
                    float scale = reduction == Reduction.MEAN ? (float) (1.0 / n) : 1f;
                    float[] gs = withG ? g0.clone() : null;
                    double st = ScalarKernels.INSTANCE.binaryCrossEntropy(rows, cols, x, 0, ldx, y, 0, ldy, w, 0,
                            gs, 0, ldg, scale, null);
                    Compare.same((float) (reduction == Reduction.MEAN ? st / n : st), loss, what + ": loss, vs scalar");
                    if (withG) {
                        Compare.sameArray(gs, g, what + ": g, vs scalar");
                        ClassificationBounds.outsideUntouched(g0, g, 0, ldg, rows, cols, what);
                        for (int i = 0; i < rows; i++) {
                            for (int j = 0; j < cols; j++) {
                                Compare.same(gc[i * cols + j], g[i * ldg + j], what + ": g[" + i + "][" + j
                                        + "], vs contiguous operands");
                            }
                        }
                    }
                }
            }
        }
    }

    /** A rows x cols matrix given row by row in {@code a}, at row stride ld, with NaN in the padding. */
    private static float[] layOut(float[] a, int rows, int cols, int ld) {
        float[] out = new float[rows * ld];
        java.util.Arrays.fill(out, Float.NaN);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(a, i * cols, out, i * ld, cols);
        }
        return out;
    }

    /**
     * At a logit of exactly 0 (either sign) the loss's linear part is the x >= 0 side's
     * {@code x (1 - y) = 0}, as the class documents its evaluation, whatever {@code w y} is: with
     * that column's weight +Inf the loss is +Inf, as the reference's ({@code w y softplus(0)}),
     * where {@code -x w y = 0 * Inf} would make it NaN. The zero stands in the vector part of the
     * row (element 0) and in the scalar tail after the vectors (element 34 of 35: 35 is 3 mod 4,
     * 8 and 16, so it is in the tail at 128, 256 and 512 bits).
     */
    @Test
    void aZeroLogitWithAnInfiniteWeightHasAnInfiniteLoss() {
        float inf = Float.POSITIVE_INFINITY;
        int cols = 35;
        Random rnd = new Random(23);
        for (int at : new int[] {0, cols - 1}) {
            for (float zero : new float[] {0f, -0f}) {
                float[] x = Values.random(rnd, cols, 0, 3f), y = new float[cols], w = new float[cols];
                java.util.Arrays.fill(y, 0.5f);
                java.util.Arrays.fill(w, 1.5f);
                x[at] = zero;
                w[at] = inf;
                double ref = 0;
                for (int j = 0; j < cols; j++) {
                    ref += ReferenceBinaryCrossEntropy.loss(x[j], y[j], w[j]);
                }
                assertEquals(inf, ref, 0.0, "the reference's loss");
                for (Reduction reduction : Reduction.values()) {
                    String what = "logit " + zero + " at " + at + " with weight +Inf, " + reduction;
                    Compare.same(inf, BinaryCrossEntropy.loss(1, cols, x, 0, cols, y, 0, cols, w, 0, reduction),
                            what + ": loss()");
                    Compare.same(inf, BinaryCrossEntropy.lossAndGradient(1, cols, x, 0, cols, y, 0, cols, w, 0,
                            new float[cols], 0, cols, reduction), what + ": lossAndGradient()");
                }
            }
        }
    }

    /** posWeight null is the same, bit for bit, as a weight of 1 for every column. */
    @Test
    void noWeightsAreWeightsOfOne() {
        Random rnd = new Random(3);
        for (int cols : new int[] {1, 7, 33, 1100}) {
            int rows = 5;
            float[] x = Values.random(rnd, rows * cols, 0, 12f), y = Values.random(rnd, rows * cols, 0, 1f);
            for (int i = 0; i < y.length; i++) {
                y[i] = Math.abs(y[i]);
            }
            float[] ones = new float[cols];
            java.util.Arrays.fill(ones, 1f);
            float[] g1 = new float[rows * cols], g2 = new float[rows * cols];
            float l1 = BinaryCrossEntropy.lossAndGradient(rows, cols, x, 0, cols, y, 0, cols, null, 0, g1, 0, cols, Reduction.MEAN);
            float l2 = BinaryCrossEntropy.lossAndGradient(rows, cols, x, 0, cols, y, 0, cols, ones, 0, g2, 0, cols, Reduction.MEAN);
            Compare.same(l2, l1, cols + " cols: loss");
            Compare.sameArray(g2, g1, cols + " cols: gradient");
        }
    }

    // ------------------------------------------------------------------ by hand

    /**
     * x = [[1, -2], [0.5, 3]], y = [[1, 0], [0, 1]], worked with PyTorch's formulas to 15 digits
     * (mpmath): without weights the loss sums to 1.46285403431504 (mean 0.365713508578761), the
     * gradient (sum) is sigmoid(x) - y = [[-0.268941421369995, 0.119202922022118],
     * [0.622459331201855, -0.0474258731775668]]; with pos_weight [2, 1] the first column's
     * positive element weighs twice: sum 1.77611572183327, gradient [0][0] -0.53788284273999.
     */
    @Test
    void aTwoByTwoBatchWorkedByHand() {
        float[] x = {1f, -2f, 0.5f, 3f}, y = {1f, 0f, 0f, 1f};
        Object[][] expected = {
            {null, 1.46285403431504, new double[] {-0.268941421369995, 0.119202922022118, 0.622459331201855, -0.0474258731775668}},
            {new float[] {2f, 1f}, 1.77611572183327, new double[] {-0.53788284273999, 0.119202922022118, 0.622459331201855,
                -0.0474258731775668}},
        };
        for (Object[] e : expected) {
            for (Reduction r : Reduction.values()) {
                double scale = r == Reduction.MEAN ? 0.25 : 1;
                float[] g = new float[4];
                float loss = BinaryCrossEntropy.lossAndGradient(2, 2, x, 0, 2, y, 0, 2, (float[]) e[0], 0, g, 0, 2, r);
                String what = "2x2 by hand, weights " + (e[0] == null ? "none" : "[2, 1]") + ", " + r;
                assertEquals((double) e[1] * scale, loss, 24 * U * (double) e[1] * scale, what + " loss");
                double[] ge = (double[]) e[2];
                for (int k = 0; k < 4; k++) {
                    assertEquals(ge[k] * scale, g[k], 8 * U * scale, what + " g[" + k + "]");
                }
            }
        }
    }

    /** x = -20, y = 0: loss log1p(e^-20) = 2.06e-9, where max(x,0) - xy + ... written as (1-y)x + softplus(-x) gives 0. */
    @Test
    void theStableFormKeepsSmallLosses() {
        float loss = BinaryCrossEntropy.loss(1, 1, new float[] {-20f}, 0, 1, new float[] {0f}, 0, 1, null, 0, Reduction.SUM);
        double exact = Math.log1p(Math.exp(-20));
        assertEquals(exact, loss, 8 * U * exact, "x = -20, y = 0");
        float big = BinaryCrossEntropy.loss(1, 1, new float[] {30f}, 0, 1, new float[] {1f}, 0, 1, null, 0, Reduction.SUM);
        assertEquals(Math.log1p(Math.exp(-30)), big, 8 * U * Math.exp(-30), "x = 30, y = 1");
    }

    // ------------------------------------------------------------------ finite differences

    /** The gradient is the derivative of the loss: central differences of the oracle's loss in double. */
    @Test
    void theGradientMatchesFiniteDifferences() {
        Random rnd = new Random(8);
        for (boolean weights : new boolean[] {false, true}) {
            for (boolean mean : new boolean[] {true, false}) {
                int rows = 4, cols = 6;
                float[] x = Values.random(rnd, rows * cols, 0, 4f), y = new float[rows * cols], g = new float[rows * cols];
                for (int i = 0; i < y.length; i++) {
                    y[i] = rnd.nextFloat();
                }
                float[] w = weights ? new float[] {0.5f, 2f, 3f, 1f, 7f, 0f} : null;
                BinaryCrossEntropy.lossAndGradient(rows, cols, x, 0, cols, y, 0, cols, w, 0, g, 0, cols,
                        mean ? Reduction.MEAN : Reduction.SUM);
                double h = 1e-4, r = mean ? 1.0 / (rows * cols) : 1;
                for (int k = 0; k < x.length; k++) {
                    double wv = w == null ? 1 : w[k % cols];
                    double up = ReferenceBinaryCrossEntropy.loss(x[k] + h, y[k], wv);
                    double down = ReferenceBinaryCrossEntropy.loss(x[k] - h, y[k], wv);
                    double fd = (up - down) / (2 * h) * r;
                    assertEquals(fd, g[k], r * 30 * U + 1e-8, "weights " + weights + ", mean " + mean + ": g[" + k + "]");
                }
            }
        }
    }

    // ------------------------------------------------------------------ extremes and targets

    @Test
    void infiniteAndHugeLogitsBehaveAsDocumented() {
        float inf = Float.POSITIVE_INFINITY;
        float[] x = {inf, inf, -inf, -inf, 1e30f, -1e30f, 1e30f, -1e30f};
        float[] y = {0f, 1f, 0f, 1f, 0f, 0f, 1f, 1f};
        float[] expected = {inf, Float.NaN, Float.NaN, inf, 1e30f, 0f, 0f, 1e30f};
        float[] g = new float[8];
        for (int k = 0; k < 8; k++) {
            float loss = BinaryCrossEntropy.lossAndGradient(1, 1, x, k, 1, y, k, 1, null, 0, g, k, 1, Reduction.SUM);
            Compare.same(expected[k], loss, "x " + x[k] + ", y " + y[k]);
        }
        Compare.sameArray(new float[] {1f, 0f, 0f, -1f, 1f, 0f, 0f, -1f}, g, "gradients: sigmoid(x) - y");
    }

    /** Targets outside [0, 1] are not checked: the documented formula is computed as written. */
    @Test
    void targetsOutsideZeroOneFollowTheFormula() {
        float[] x = {2f, -3f, 0.5f}, y = {2f, -1f, 1.5f};
        float loss = BinaryCrossEntropy.loss(1, 3, x, 0, 3, y, 0, 3, null, 0, Reduction.SUM);
        double exact = 0;
        for (int k = 0; k < 3; k++) {
            exact += (1 - y[k]) * (double) x[k] + Math.max(-x[k], 0) + Math.log1p(Math.exp(-Math.abs(x[k])));
        }
        assertEquals(exact, loss, 1e-5, "targets 2, -1, 1.5");
    }

    // ------------------------------------------------------------------ the reference's array forms

    /** The textbook loss in double: -(w y log sigmoid(x) + (1 - y) log(1 - sigmoid(x))), for moderate x. */
    static double textbookLoss(double x, double y, double w) {
        double s = 1 / (1 + Math.exp(-x));
        return -(w * y * Math.log(s) + (1 - y) * Math.log(1 - s));
    }

    /**
     * ReferenceBinaryCrossEntropy.lossAndGradient, the oracle users are told to test against, on a
     * 3 x 4 batch with every operand at its own offset and row stride (x at 2 / 6, y at 1 / 5, the
     * weights at 3, g at 4 / 7; NaN in x's, y's and the weights' padding, so an element read from
     * the wrong place shows), with and without weights, both reductions: the loss against the
     * textbook formula (|x| <= 4, where it is accurate in double: within 1e-12 relative plus the
     * float rounding); each gradient element against a central difference of the textbook loss
     * (h = 1e-4: truncation h^2 |f'''| / 6 < 1e-9 and cancellation < 1e-11, so within 1e-8 times
     * the reduction's scale, plus the float rounding); nothing outside g's window written, x, y
     * and the weights not written; without g the same loss; no elements: NaN for the mean, 0 for
     * the sum.
     */
    @Test
    void theReferenceArrayFormMatchesTheTextbookFormulaAndFiniteDifferences() {
        int rows = 3, cols = 4, xOff = 2, ldx = 6, yOff = 1, ldy = 5, wOff = 3, gOff = 4, ldg = 7;
        float[][] xd = {{1f, -2f, 0f, 3.5f}, {-4f, 0.25f, 2f, -0.5f}, {0.75f, -1.5f, 4f, -3f}};
        float[][] yd = {{1f, 0f, 0.5f, 1f}, {0.25f, 1f, 0f, 0.75f}, {0f, 0.5f, 1f, 0.125f}};
        float[] wd = {0.5f, 2f, 3f, 1.25f};
        float[] x = new float[xOff + rows * ldx + 1], y = new float[yOff + rows * ldy + 1];
        float[] pw = new float[wOff + cols + 2];
        java.util.Arrays.fill(x, Float.NaN);
        java.util.Arrays.fill(y, Float.NaN);
        java.util.Arrays.fill(pw, Float.NaN);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(xd[i], 0, x, xOff + i * ldx, cols);
            System.arraycopy(yd[i], 0, y, yOff + i * ldy, cols);
        }
        System.arraycopy(wd, 0, pw, wOff, cols);
        for (boolean weights : new boolean[] {false, true}) {
            for (boolean mean : new boolean[] {false, true}) {
                String what = "reference, weights " + weights + ", " + (mean ? "mean" : "sum");
                double scale = mean ? 1.0 / (rows * cols) : 1;
                float[] g0 = new float[gOff + rows * ldg + 2];
                java.util.Arrays.fill(g0, -77f);
                float[] g = g0.clone(), xs = x.clone(), ys = y.clone(), pws = pw.clone();
                float loss = ReferenceBinaryCrossEntropy.lossAndGradient(rows, cols, xs, xOff, ldx, ys, yOff, ldy,
                        weights ? pws : null, wOff, g, gOff, ldg, mean);
                double total = 0;
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        double xv = xd[i][j], yv = yd[i][j], wv = weights ? wd[j] : 1;
                        total += textbookLoss(xv, yv, wv);
                        double h = 1e-4;
                        double fd = (textbookLoss(xv + h, yv, wv) - textbookLoss(xv - h, yv, wv)) / (2 * h) * scale;
                        float got = g[gOff + i * ldg + j];
                        assertEquals(fd, got, 1e-8 * scale + 0.5 * Math.ulp(got), what + ": g[" + i + "][" + j + "]");
                    }
                }
                double exact = total * scale;
                assertEquals(exact, loss, 1e-12 * exact + 0.5 * Math.ulp(loss), what + ": loss");
                ClassificationBounds.outsideUntouched(g0, g, gOff, ldg, rows, cols, what);
                Compare.sameArray(x, xs, what + ": x is not written");
                Compare.sameArray(y, ys, what + ": y is not written");
                Compare.sameArray(pw, pws, what + ": the weights are not written");
                Compare.same(loss, ReferenceBinaryCrossEntropy.lossAndGradient(rows, cols, x, xOff, ldx, y, yOff, ldy,
                        weights ? pw : null, wOff, null, 0, 1, mean), what + ": without g");
            }
        }
        Compare.same(Float.NaN, ReferenceBinaryCrossEntropy.lossAndGradient(0, 3, x, 0, 3, y, 0, 3, null, 0,
                null, 0, 3, true), "the mean over no elements");
        Compare.same(0f, ReferenceBinaryCrossEntropy.lossAndGradient(0, 3, x, 0, 3, y, 0, 3, null, 0,
                null, 0, 3, false), "the sum over no elements");
    }

    /**
     * The reference's scalar gradient(x, y, w) is the derivative of its loss(x, y, w): central
     * differences in double (h = 1e-5, within 1e-9) at weights other than 1 and targets strictly
     * between 0 and 1, where every term of {@code lw sigmoid(x) - w y} counts; and two values by
     * hand: gradient(0, 1, 1) = -1/2 and gradient(ln 3, 0.25, 5) = lw sigmoid - w y = 2 * 3/4 - 5/4
     * = 1/4. The scalar loss also against the textbook formula (within 1e-12 relative).
     */
    @Test
    void theReferenceGradientIsTheDerivativeOfItsLoss() {
        double[] xs = {-6, -2.5, -0.3, 0.7, 1, 3, 5.5};
        double[][] yw = {{0.3, 2.5}, {0.8, 0.4}, {0, 3}, {1, 0.5}, {0.5, 1}};
        for (double xv : xs) {
            for (double[] e : yw) {
                double h = 1e-5;
                double fd = (ReferenceBinaryCrossEntropy.loss(xv + h, e[0], e[1])
                        - ReferenceBinaryCrossEntropy.loss(xv - h, e[0], e[1])) / (2 * h);
                assertEquals(fd, ReferenceBinaryCrossEntropy.gradient(xv, e[0], e[1]), 1e-9,
                        "gradient(" + xv + ", " + e[0] + ", " + e[1] + ")");
                assertEquals(textbookLoss(xv, e[0], e[1]), ReferenceBinaryCrossEntropy.loss(xv, e[0], e[1]),
                        1e-12 * (1 + textbookLoss(xv, e[0], e[1])), "loss(" + xv + ", " + e[0] + ", " + e[1] + ")");
            }
        }
        assertEquals(-0.5, ReferenceBinaryCrossEntropy.gradient(0, 1, 1), 1e-16, "gradient(0, 1, 1)");
        assertEquals(0.25, ReferenceBinaryCrossEntropy.gradient(Math.log(3), 0.25, 5), 1e-15, "gradient(ln 3, 0.25, 5)");
    }

    /**
     * The edge values the reference's javadoc and the kernel's share: infinite logits give the
     * limit or NaN where the formula meets 0 * Inf, +-1e30 are fine, a NaN logit gives NaN, the
     * gradient of an infinite logit is sigmoid(+-Inf) - y; a logit of exactly +0 or -0 takes the
     * x >= 0 side's x (1 - y) = 0, so with a weight of +Inf the loss is +Inf, not the -x w y =
     * 0 * Inf = NaN of the other side. Through the array form, one element per call at offset k.
     */
    @Test
    void theReferenceFollowsTheDocumentedEdgeValues() {
        float inf = Float.POSITIVE_INFINITY;
        float[] x = {inf, inf, -inf, -inf, 1e30f, -1e30f, 1e30f, -1e30f, Float.NaN};
        float[] y = {0f, 1f, 0f, 1f, 0f, 0f, 1f, 1f, 0.5f};
        float[] loss = {inf, Float.NaN, Float.NaN, inf, 1e30f, 0f, 0f, 1e30f, Float.NaN};
        float[] grad = {1f, 0f, 0f, -1f, 1f, 0f, 0f, -1f, Float.NaN};
        float[] g = new float[x.length];
        for (int k = 0; k < x.length; k++) {
            Compare.same(loss[k], ReferenceBinaryCrossEntropy.lossAndGradient(1, 1, x, k, 1, y, k, 1, null, 0, g, k, 1, false),
                    "reference loss at x " + x[k] + ", y " + y[k]);
        }
        Compare.sameArray(grad, g, "reference gradients: sigmoid(x) - y");
        for (double zero : new double[] {0.0, -0.0}) {
            assertEquals(inf, ReferenceBinaryCrossEntropy.loss(zero, 0.5, Double.POSITIVE_INFINITY), 0.0,
                    "loss(" + zero + ", 0.5, +Inf)");
        }
    }

    /**
     * The kernel against the reference's array form: the loss within the kernel's documented
     * bound {@code (23 L + r sum |w - 1| y log1p(e^-|x|)) u} and each gradient element within
     * {@code g (5.2 s lw + s |w - 1| y + w y + 3 |s lw - w y|) u + 2^-148}, each plus the half ulp
     * of the reference's own rounding; strided, weights or none, both reductions, element counts
     * on both sides of the 1024-element chunk.
     */
    @Test
    void theKernelAgreesWithTheReferenceArrayFormWithinItsBound() {
        Random rnd = new Random(29);
        for (int cols : new int[] {1, 5, 33, 1025}) {
            for (boolean weights : new boolean[] {false, true}) {
                for (boolean mean : new boolean[] {false, true}) {
                    int rows = 3, xOff = 2, ldx = cols + 1, yOff = 1, ldy = cols + 3, gOff = 5, ldg = cols + 2;
                    float[] x = Values.random(rnd, xOff + rows * ldx, 0, 8f), y = new float[yOff + rows * ldy];
                    for (int k = 0; k < y.length; k++) {
                        y[k] = rnd.nextInt(3) == 0 ? rnd.nextInt(2) : rnd.nextFloat();
                    }
                    float[] w = null;
                    if (weights) {
                        w = new float[cols + 1];
                        for (int j = 0; j < w.length; j++) {
                            w[j] = rnd.nextFloat() * 5f;
                        }
                    }
                    float[] gk = new float[gOff + rows * ldg], gr = new float[gOff + rows * ldg];
                    float lk = BinaryCrossEntropy.lossAndGradient(rows, cols, x, xOff, ldx, y, yOff, ldy, w, 1, gk, gOff, ldg,
                            mean ? Reduction.MEAN : Reduction.SUM);
                    float lr = ReferenceBinaryCrossEntropy.lossAndGradient(rows, cols, x, xOff, ldx, y, yOff, ldy, w, 1,
                            gr, gOff, ldg, mean);
                    String what = cols + " cols, weights " + weights + ", " + (mean ? "mean" : "sum");
                    double r = mean ? 1.0 / (rows * cols) : 1, weighted = 0;
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < cols; j++) {
                            double xv = x[xOff + i * ldx + j], yv = y[yOff + i * ldy + j], wv = weights ? w[1 + j] : 1;
                            weighted += Math.abs(wv - 1) * yv * Math.log1p(Math.exp(-Math.abs(xv)));
                            double s = 1 / (1 + Math.exp(-xv)), lw = 1 + (wv - 1) * yv;
                            double tol = r * (5.2 * s * lw + s * Math.abs(wv - 1) * yv + wv * yv + 3 * Math.abs(s * lw - wv * yv))
                                    * U + 2 * Float.MIN_VALUE;
                            float ref = gr[gOff + i * ldg + j];
                            assertEquals(ref, gk[gOff + i * ldg + j], tol + 0.5 * Math.ulp(ref),
                                    what + ": g[" + i + "][" + j + "], kernel vs reference");
                        }
                    }
                    assertEquals(lr, lk, (23 * lr + r * weighted) * U + 0.5 * Math.ulp(lr), what + ": loss, kernel vs reference");
                }
            }
        }
    }

    // ------------------------------------------------------------------ bad input

    @TestFactory
    List<DynamicTest> badCallsAreRejectedBeforeAnyWrite() {
        List<Bad> l = new ArrayList<>();
        l.addAll(BadCalls.binaryCrossEntropy("BinaryCrossEntropy.lossAndGradient", true, BinaryCrossEntropy::lossAndGradient));
        l.addAll(BadCalls.binaryCrossEntropy("BinaryCrossEntropy.loss", true,
                (r, c, x, xo, lx, y, yo, ly, w, wo, g, go, lg, red) -> BinaryCrossEntropy.loss(r, c, x, xo, lx, y, yo, ly,
                        w, wo, red)).stream().filter(b -> !b.what().contains("output") && !b.what().contains(" g ")).toList());
        // The forms with a caller's workspace make their own calls to the checks: the same rows.
        Workspace ws = new Workspace();
        l.addAll(BadCalls.binaryCrossEntropy("BinaryCrossEntropy.lossAndGradient (workspace)", true,
                (r, c, x, xo, lx, y, yo, ly, w, wo, g, go, lg, red) -> BinaryCrossEntropy.lossAndGradient(r, c, x, xo,
                        lx, y, yo, ly, w, wo, g, go, lg, red, ws)));
        l.addAll(BadCalls.binaryCrossEntropy("BinaryCrossEntropy.loss (workspace)", true,
                (r, c, x, xo, lx, y, yo, ly, w, wo, g, go, lg, red) -> BinaryCrossEntropy.loss(r, c, x, xo, lx, y, yo, ly,
                        w, wo, red, ws)).stream().filter(b -> !b.what().contains("output") && !b.what().contains(" g ")).toList());
        l.addAll(BadCalls.binaryCrossEntropy("ReferenceBinaryCrossEntropy.lossAndGradient", false,
                (r, c, x, xo, lx, y, yo, ly, w, wo, g, go, lg, red) -> ReferenceBinaryCrossEntropy.lossAndGradient(r, c, x,
                        xo, lx, y, yo, ly, w, wo, g, go, lg, red == Reduction.MEAN))
                .stream().filter(b -> !b.what().contains("null output")).toList());
        return rejectedBeforeAnyWrite(l);
    }

    @Test
    void generatedInvalidCallsAreRejected() {
        InvalidCalls.check("BinaryCrossEntropy.lossAndGradient", new int[][] {{4, 3}, {4, 3}, {4, 3}},
                new String[] {"x", "y", "g"}, 1, m -> BinaryCrossEntropy.lossAndGradient(m[0].rows, m[0].cols,
                        m[0].array, m[0].off, m[0].ld, m[1].array, m[1].off, m[1].ld, null, 0, m[2].array, m[2].off,
                        m[2].ld, Reduction.MEAN));
    }
}

package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vecprop.testing.BadCalls.rejectedBeforeAnyWrite;
import static org.vecprop.testing.BadCalls.unary;
import static org.vecprop.testing.VectorLength.L;

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
import org.vecprop.reference.ReferenceSoftmax;
import org.vecprop.testing.BadCalls.Bad;
import org.vecprop.testing.ClassificationBounds;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * {@link Softmax}: forward and log-softmax against the double-precision oracle within the bounds
 * the class states, on generated layouts (strided, offset, in place, special values, logits
 * spread over several magnitudes, row lengths on both sides of the vector length and of the
 * 256-element chunk); the same bits as an independent implementation of the documented order and
 * as the scalar implementation at every width; known values and special values by hand; bad input.
 */
class SoftmaxTest {
    static final double U = Compare.U;

    /** A generated call: shape, layout slack, in place, logit scale, data seed, special values. */
    record Case(int rows, int cols, int[] slack, boolean inPlace, float scale, long seed, int specials) {
        @Override
        public String toString() {
            return "Case[" + rows + " x " + cols + ", slack " + java.util.Arrays.toString(slack) + ", in place "
                    + inPlace + ", scale " + scale + ", seed " + seed + ", specials " + specials + "‰]";
        }

        int ld(int which) {
            return Math.max(1, cols) + slack[2 * which + 1];
        }

        int off(int which) {
            return slack[2 * which];
        }

        float[] matrix(Random rnd, int which) {
            float[] a = Values.random(rnd, off(which) + rows * ld(which) + 3, specials, 1f);
            for (int i = 0; i < a.length; i++) {
                a[i] *= scale;
            }
            return a;
        }
    }

    /** Row lengths around the vector length, the fold's 16 lanes and the 256-element chunk. */
    static Gen<Integer> rowLength() {
        return Generate.range(1, 40).mix(Generate.pick(List.of(L - 1, L, L + 1, 2 * L + 3, 15, 16, 17,
                255, 256, 257, 300, 513, 1000)), 40).mix(Generate.range(0, 600), 15);
    }

    static Gen<Case> cases() {
        Gen<int[]> slack = Generate.intArrays(Generate.constant(4), Props.slack());
        Gen<float[]> data = Generate.pick(List.of(1f, 8f, 60f, 1e30f)).zip(Generate.pick(List.of(0, 0, 5, 100)),
                (s, p) -> new float[] {s, p});
        return Props.dimension(40).zip(rowLength(), slack, Generate.booleans(), (r, c, sl, ip) -> new Object[] {r, c, sl, ip})
                .zip(data, Generate.longRange(0, 1L << 40), (o, d, seed) -> new Case((int) o[0], (int) o[1],
                        (int[]) o[2], (boolean) o[3], d[0], seed, (int) d[1]));
    }

    // ------------------------------------------------------------------ the bounds

    @Test
    void forwardAndLogForwardAreWithinTheirBoundsOfTheExactValues() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] x = c.matrix(rnd, 0);
            float[] y0 = c.matrix(rnd, 1);
            for (boolean log : new boolean[] {false, true}) {
                float[] xs = x.clone(), y = c.inPlace() ? xs : y0.clone();
                int yOff = c.inPlace() ? c.off(0) : c.off(1), ldy = c.inPlace() ? c.ld(0) : c.ld(1);
                if (log) {
                    Softmax.logForward(c.rows(), c.cols(), xs, c.off(0), c.ld(0), y, yOff, ldy);
                } else {
                    Softmax.forward(c.rows(), c.cols(), xs, c.off(0), c.ld(0), y, yOff, ldy);
                }
                for (int i = 0; i < c.rows(); i++) {
                    ClassificationBounds.softmaxRow(x, c.off(0) + i * c.ld(0), c.cols(), y, yOff + i * ldy, log, c + " row " + i);
                }
                if (!c.inPlace()) {
                    ClassificationBounds.outsideUntouched(y0, y, yOff, ldy, c.rows(), c.cols(), c + (log ? " log" : ""));
                    Compare.sameArray(x, xs, c + ": x is not written");
                }
            }
        });
    }

    // ------------------------------------------------------------------ the same bits

    /**
     * Softmax or log-softmax of one row written out from the order's definition
     * ({@code contract.ArithmeticOrder}), independently of the kernels' shared code: the
     * maximum, e_j = exp(x_j - m), the count of maxima, the other e_j into 16 float lanes by
     * j mod 16, folded pairwise after every 256 elements and after the last into a double
     * total, z = (float) ((c - 1) + total), then e_j * (1 / (1 + z)) or (x_j - m) - log1p(z).
     */
    static float[] byTheDocumentedOrder(float[] x, int xi, int n, boolean log) {
        float m = x[xi];
        for (int j = 1; j < n; j++) {
            m = Math.max(m, x[xi + j]);
        }
        float[] lane = new float[16];
        double total = 0;
        int c = 0;
        float[] e = new float[n];
        for (int j = 0; j < n; j++) {
            e[j] = FloatExp.exp(x[xi + j] - m);
            if (x[xi + j] == m) {
                c++;
            } else {
                lane[j % 16] = lane[j % 16] + e[j];
            }
            if ((j + 1) % 256 == 0 || j + 1 == n) {
                for (int half = 8; half >= 1; half /= 2) {
                    for (int v = 0; v < half; v++) {
                        lane[v] = lane[v] + lane[v + half];
                    }
                }
                total = total + lane[0];
                lane = new float[16];
            }
        }
        float z = (float) ((c - 1) + total);
        float[] y = new float[n];
        float inv = 1f / (1f + z), lse = FloatLog.log1p(z);
        for (int j = 0; j < n; j++) {
            y[j] = log ? (x[xi + j] - m) - lse : e[j] * inv;
        }
        return y;
    }

    @Test
    void theResultsAreTheDocumentedOrderAndTheScalarImplementationsBitForBit() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] x = c.matrix(rnd, 0);
            for (boolean log : new boolean[] {false, true}) {
                float[] y = c.matrix(rnd, 1), ys = y.clone();
                if (log) {
                    Softmax.logForward(c.rows(), c.cols(), x, c.off(0), c.ld(0), y, c.off(1), c.ld(1));
                    if (c.cols() > 0) {
                        ScalarKernels.INSTANCE.logSoftmax(c.rows(), c.cols(), x, c.off(0), c.ld(0), ys, c.off(1), c.ld(1), null);
                    }
                } else {
                    Softmax.forward(c.rows(), c.cols(), x, c.off(0), c.ld(0), y, c.off(1), c.ld(1));
                    if (c.cols() > 0) {
                        ScalarKernels.INSTANCE.softmax(c.rows(), c.cols(), x, c.off(0), c.ld(0), ys, c.off(1), c.ld(1), null);
                    }
                }
                Compare.sameArray(ys, y, c + (log ? " log-softmax" : " softmax") + ": kernel vs scalar");
                for (int i = 0; i < c.rows(); i++) {
                    float[] doc = byTheDocumentedOrder(x, c.off(0) + i * c.ld(0), c.cols(), log);
                    for (int j = 0; j < c.cols(); j++) {
                        Compare.same(doc[j], y[c.off(1) + i * c.ld(1) + j], c + " row " + i + " col " + j
                                + (log ? " log-softmax" : " softmax") + ": the documented order");
                    }
                }
            }
        });
    }

    /** In place (y is x) gives the bits of the out-of-place call, on both paths and with tails. */
    @Test
    void inPlaceEqualsOutOfPlace() {
        Random rnd = new Random(5);
        for (int cols : new int[] {1, 3, L - 1, L, L + 1, 2 * L + 5, 300}) {
            for (boolean log : new boolean[] {false, true}) {
                int rows = 19, ld = cols + 2;
                float[] x = Values.random(rnd, rows * ld, 0, 6f), y = new float[rows * ld], inPlace = x.clone();
                if (log) {
                    Softmax.logForward(rows, cols, x, 0, ld, y, 0, ld);
                    Softmax.logForward(rows, cols, inPlace, 0, ld, inPlace, 0, ld);
                } else {
                    Softmax.forward(rows, cols, x, 0, ld, y, 0, ld);
                    Softmax.forward(rows, cols, inPlace, 0, ld, inPlace, 0, ld);
                }
                for (int i = 0; i < rows; i++) {
                    for (int j = 0; j < cols; j++) {
                        Compare.same(y[i * ld + j], inPlace[i * ld + j], cols + " cols, in place, " + (log ? "log" : "softmax"));
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ values by hand

    @Test
    void knownValues() {
        float[] y = new float[4];
        Softmax.forward(1, 4, new float[] {3f, 3f, 3f, 3f}, 0, 4, y, 0, 4);
        for (float v : y) {
            assertEquals(0.25f, v, "four equal logits");
        }
        Softmax.logForward(1, 4, new float[] {-7f, -7f, -7f, -7f}, 0, 4, y, 0, 4);
        for (float v : y) {
            assertEquals((float) -Math.log(4), v, "log-softmax of four equal logits");
        }
        // [0, ln 3]: softmax [1/4, 3/4], log-softmax [-ln 4, ln 3 - ln 4]
        float ln3 = (float) Math.log(3);
        float[] two = new float[2];
        Softmax.forward(1, 2, new float[] {0f, ln3}, 0, 2, two, 0, 2);
        assertEquals(0.25, two[0], 2 * U);
        assertEquals(0.75, two[1], 2 * U);
        // One dominant class: 1 - e^-30 rounds to 1, the other is e^-30 (not lost to 1 + e^-30 = 1).
        Softmax.forward(1, 2, new float[] {30f, 0f}, 0, 2, two, 0, 2);
        assertEquals(1f, two[0]);
        assertEquals(Math.exp(-30), two[1], 2 * U * Math.exp(-30));
        Softmax.logForward(1, 2, new float[] {30f, 0f}, 0, 2, two, 0, 2);
        assertEquals(-Math.exp(-30), two[0], 2 * U * Math.exp(-30), "log-softmax of the dominant class: -log1p(e^-30)");
        assertEquals(-30.0, two[1], 30 * U);
    }

    @Test
    void specialValuesBehaveAsDocumented() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY;
        for (int pad : new int[] {0, 2 * L}) { // narrow and wide rows
            int n = 3 + pad;
            float[][] rows = {
                {1f, nan, 2f}, {inf, 1f, -3f}, {-inf, 0.5f, 0.5f}, {-inf, -inf, -inf}, {1e30f, -1e30f, 0f},
                {-3e38f, 3e38f, 0f},
            };
            for (float[] r : rows) {
                float[] x = new float[n];
                java.util.Arrays.fill(x, -inf);
                System.arraycopy(r, 0, x, 0, 3);
                if (r[0] == -inf && r[1] == -inf) {
                    java.util.Arrays.fill(x, -inf);
                }
                float[] p = new float[n], lp = new float[n];
                Softmax.forward(1, n, x, 0, n, p, 0, n);
                Softmax.logForward(1, n, x, 0, n, lp, 0, n);
                ClassificationBounds.softmaxRow(x, 0, n, p, 0, false, "special row " + java.util.Arrays.toString(r) + ", " + n + " cols");
                ClassificationBounds.softmaxRow(x, 0, n, lp, 0, true, "special row " + java.util.Arrays.toString(r) + ", " + n + " cols");
            }
        }
        float[] p = new float[3];
        Softmax.forward(1, 3, new float[] {Float.POSITIVE_INFINITY, 1f, -3f}, 0, 3, p, 0, 3);
        Compare.same(Float.NaN, p[0], "+Inf - +Inf is NaN");
        Compare.same(0f, p[1], "a finite logit beside +Inf");
        Softmax.forward(1, 3, new float[] {1e30f, -1e30f, 0f}, 0, 3, p, 0, 3);
        Compare.same(1f, p[0], "1e30 takes everything");
        Compare.same(0f, p[1], "-1e30");
        Softmax.logForward(1, 3, new float[] {-3e38f, 3e38f, 0f}, 0, 3, p, 0, 3);
        Compare.same(Float.NEGATIVE_INFINITY, p[0], "a difference past the float range is -Inf");
    }

    // ------------------------------------------------------------------ bad input

    @TestFactory
    List<DynamicTest> badCallsAreRejectedBeforeAnyWrite() {
        List<Bad> l = new ArrayList<>();
        l.addAll(unary("Softmax.forward", "x", "y", Softmax::forward));
        l.addAll(unary("Softmax.logForward", "x", "y", Softmax::logForward));
        l.addAll(unary("ReferenceSoftmax.forward", "x", "y", ReferenceSoftmax::forward));
        return rejectedBeforeAnyWrite(l);
    }

    @Test
    void generatedInvalidCallsAreRejected() {
        InvalidCalls.check("Softmax.forward", new int[][] {{4, 3}, {4, 3}}, new String[] {"x", "y"}, 1,
                m -> Softmax.forward(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld, m[1].array, m[1].off, m[1].ld));
        InvalidCalls.check("Softmax.logForward", new int[][] {{4, 3}, {4, 3}}, new String[] {"x", "y"}, 1,
                m -> Softmax.logForward(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld, m[1].array, m[1].off, m[1].ld));
    }
}

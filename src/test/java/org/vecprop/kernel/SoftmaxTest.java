package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
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

    // ------------------------------------------------------------------ the reference's array forms

    /**
     * Softmax or log-softmax of one row in double, written here from the reference's javadoc (not
     * its code): m the maximum, a logit equal to m counting exactly 1 in s, the others
     * exp(x_j - m); softmax exp(x_j - m) / s, log-softmax (x_j - m) - log1p(s - 1).
     */
    static double[] exactSoftmaxRow(float[] x, int xi, int n, boolean log) {
        double m = x[xi];
        for (int j = 1; j < n; j++) {
            m = Math.max(m, x[xi + j]);
        }
        double below = 0;
        int maxima = 0;
        for (int j = 0; j < n; j++) {
            if (x[xi + j] == m) {
                maxima++;
            } else {
                below += Math.exp(x[xi + j] - m);
            }
        }
        double sMinusOne = (maxima - 1) + below, lse = Math.log1p(sMinusOne);
        double[] out = new double[n];
        for (int j = 0; j < n; j++) {
            double d = x[xi + j] - m;
            out[j] = log ? d - lse : Math.exp(d) / (1 + sMinusOne);
        }
        return out;
    }

    /** The reference rounds the double value once: within half a float ulp of it (plus double's own error). */
    static void roundedOnce(double exact, float got, String what) {
        double tol = 0.5 * Math.ulp((float) exact) + 1e-15 * Math.abs(exact);
        ClassificationBounds.within(exact, got, Double.isFinite(tol) ? tol : 0, what);
    }

    /**
     * ReferenceSoftmax.forward and logForward, the oracle users are told to test against, on a
     * 5 x 4 batch at offsets 3 (x) and 2 (y) with row strides 7 and 6 (NaN in x's padding, so a
     * logit read from the wrong place shows): rows with different maxima (a hand-checkable
     * [0, ln 2, ln 3, ln 4] = 1:2:3:4 row, two maxima, a -Inf logit, +-1e30, all negative) against
     * the double computation above, each element rounded once; row 0 also against its exact
     * ratios k/10 and logs ln(k/10) (within 4 u relative, resp. 8 u: ln k rounded to float moves
     * them by up to 2 u); nothing outside y's window written, x not written; in place the same bits.
     */
    @Test
    void theReferenceArrayFormsAreTheDoubleValuesRoundedOnce() {
        int rows = 5, cols = 4, xOff = 3, ldx = 7, yOff = 2, ldy = 6;
        float ninf = Float.NEGATIVE_INFINITY;
        float[][] data = {
            {0f, (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)},
            {100f, 99f, -1000f, 100f},
            {-3f, ninf, -2.5f, -7f},
            {1e30f, -1e30f, 0f, 5f},
            {-40f, -41f, -45f, -39.5f},
        };
        float[] x = new float[xOff + rows * ldx + 2];
        java.util.Arrays.fill(x, Float.NaN);
        for (int i = 0; i < rows; i++) {
            System.arraycopy(data[i], 0, x, xOff + i * ldx, cols);
        }
        for (boolean log : new boolean[] {false, true}) {
            String form = log ? "ReferenceSoftmax.logForward" : "ReferenceSoftmax.forward";
            float[] y0 = new float[yOff + rows * ldy + 3];
            java.util.Arrays.fill(y0, -123f);
            float[] xs = x.clone(), y = y0.clone();
            if (log) {
                ReferenceSoftmax.logForward(rows, cols, xs, xOff, ldx, y, yOff, ldy);
            } else {
                ReferenceSoftmax.forward(rows, cols, xs, xOff, ldx, y, yOff, ldy);
            }
            Compare.sameArray(x, xs, form + ": x is not written");
            ClassificationBounds.outsideUntouched(y0, y, yOff, ldy, rows, cols, form);
            for (int i = 0; i < rows; i++) {
                double[] exact = exactSoftmaxRow(data[i], 0, cols, log);
                for (int j = 0; j < cols; j++) {
                    roundedOnce(exact[j], y[yOff + i * ldy + j], form + " row " + i + " col " + j);
                }
            }
            for (int j = 0; j < cols; j++) {
                double k10 = (j + 1) / 10.0;
                float got = y[yOff + j];
                if (log) {
                    assertEquals(Math.log(k10), got, 8 * U, form + ": ln(" + (j + 1) + "/10)");
                } else {
                    assertEquals(k10, got, 4 * U * k10, form + ": " + (j + 1) + "/10");
                }
            }
            float[] inPlace = x.clone();
            if (log) {
                ReferenceSoftmax.logForward(rows, cols, inPlace, xOff, ldx, inPlace, xOff, ldx);
            } else {
                ReferenceSoftmax.forward(rows, cols, inPlace, xOff, ldx, inPlace, xOff, ldx);
            }
            for (int i = 0; i < rows; i++) {
                for (int j = 0; j < cols; j++) {
                    Compare.same(y[yOff + i * ldy + j], inPlace[xOff + i * ldx + j], form + " in place, row " + i + " col " + j);
                }
            }
        }
        // No columns: nothing to do and nothing written (not even a look at a row of length 0).
        float[] empty = {5f, 6f, 7f};
        ReferenceSoftmax.forward(3, 0, new float[1], 0, 1, empty, 0, 1);
        ReferenceSoftmax.logForward(3, 0, new float[1], 0, 1, empty, 0, 1);
        Compare.sameArray(new float[] {5f, 6f, 7f}, empty, "0 columns");
    }

    /**
     * The special values the reference's javadoc documents, element by element: a NaN logit makes
     * its row NaN; where the maximum is +Inf, NaN at +Inf and 0 (-Inf for log) elsewhere; -Inf
     * beside a finite maximum 0 (-Inf); a row of only -Inf NaN; two equal maxima split exactly.
     * One call over all rows (stride 4 for 3 columns), so each row is found by its own offset.
     */
    @Test
    void theReferenceArrayFormsFollowTheDocumentedSpecialValues() {
        float nan = Float.NaN, inf = Float.POSITIVE_INFINITY, ln2 = (float) -Math.log(2);
        float[][] in = {{1f, nan, 2f}, {inf, 1f, -3f}, {-inf, 0.5f, 0.5f}, {-inf, -inf, -inf}, {inf, inf, 0f}};
        float[][] soft = {{nan, nan, nan}, {nan, 0f, 0f}, {0f, 0.5f, 0.5f}, {nan, nan, nan}, {nan, nan, 0f}};
        float[][] logSoft = {{nan, nan, nan}, {nan, -inf, -inf}, {-inf, ln2, ln2}, {nan, nan, nan}, {nan, nan, -inf}};
        int rows = in.length, cols = 3, ld = 4;
        float[] x = new float[1 + rows * ld];
        for (int i = 0; i < rows; i++) {
            System.arraycopy(in[i], 0, x, 1 + i * ld, cols);
        }
        float[] p = new float[rows * ld], lp = new float[rows * ld];
        ReferenceSoftmax.forward(rows, cols, x, 1, ld, p, 0, ld);
        ReferenceSoftmax.logForward(rows, cols, x, 1, ld, lp, 0, ld);
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                String what = java.util.Arrays.toString(in[i]) + " col " + j;
                Compare.same(soft[i][j], p[i * ld + j], "softmax of " + what);
                Compare.same(logSoft[i][j], lp[i * ld + j], "log-softmax of " + what);
            }
        }
    }

    /**
     * The kernel against the reference's array forms (not the double values alone): every element
     * within the kernel's documented bound ({@code (|d_j| + w + 26) u y*_j + 2^-148} for softmax,
     * {@code (|d_j| + |y*_j| + 1.5 log s + w + 22) u} for log-softmax) plus the half ulp the
     * reference's own rounding may add; NaN and infinities in the same places. Rows on both sides
     * of the vector length and the 256-element chunk, strided, with special values.
     */
    @Test
    void theKernelAgreesWithTheReferenceArrayFormsWithinItsBound() {
        Random rnd = new Random(41);
        for (int cols : new int[] {1, 3, 17, L - 1, L, L + 1, 2 * L + 3, 257, 300}) {
            for (float scale : new float[] {1f, 8f, 60f}) {
                int rows = 4, xOff = 1, ldx = cols + 2, yOff = 3, ldy = cols + 1;
                float[] x = Values.random(rnd, xOff + rows * ldx, 30, scale);
                for (boolean log : new boolean[] {false, true}) {
                    float[] yk = new float[yOff + rows * ldy], yr = new float[yOff + rows * ldy];
                    if (log) {
                        Softmax.logForward(rows, cols, x, xOff, ldx, yk, yOff, ldy);
                        ReferenceSoftmax.logForward(rows, cols, x, xOff, ldx, yr, yOff, ldy);
                    } else {
                        Softmax.forward(rows, cols, x, xOff, ldx, yk, yOff, ldy);
                        ReferenceSoftmax.forward(rows, cols, x, xOff, ldx, yr, yOff, ldy);
                    }
                    for (int i = 0; i < rows; i++) {
                        int xi = xOff + i * ldx;
                        double[] p = exactSoftmaxRow(x, xi, cols, false);
                        double m = x[xi], w = 0, lse = 0;
                        for (int j = 1; j < cols; j++) {
                            m = Math.max(m, x[xi + j]);
                        }
                        for (int j = 0; j < cols; j++) {
                            if (p[j] > 0) {
                                w += p[j] * Math.abs(x[xi + j] - m);
                            }
                        }
                        double[] lp = exactSoftmaxRow(x, xi, cols, true);
                        double sMinusOne = -1;
                        for (int j = 0; j < cols; j++) {
                            sMinusOne += x[xi + j] == m ? 1 : Math.exp(x[xi + j] - m);
                        }
                        lse = Math.log1p(sMinusOne);
                        for (int j = 0; j < cols; j++) {
                            double d = Math.abs(x[xi + j] - m);
                            float ref = yr[yOff + i * ldy + j], got = yk[yOff + i * ldy + j];
                            double tol = log ? (d + Math.abs(lp[j]) + 1.5 * lse + w + 22) * U
                                    : (d + w + 26) * U * p[j] + 2 * Float.MIN_VALUE;
                            tol = Double.isFinite(tol) ? tol + 0.5 * Math.ulp(ref) : 0;
                            String what = cols + " cols, scale " + scale + (log ? ", log" : "") + ", row " + i + " col " + j
                                    + ": kernel " + got + " vs reference " + ref;
                            if (Float.isNaN(ref) || Float.isInfinite(ref) || tol == 0) {
                                Compare.same(ref, got, what);
                            } else {
                                assertTrue(Math.abs((double) got - ref) <= tol, what + ", bound " + tol);
                            }
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ bad input

    @TestFactory
    List<DynamicTest> badCallsAreRejectedBeforeAnyWrite() {
        List<Bad> l = new ArrayList<>();
        l.addAll(unary("Softmax.forward", "x", "y", Softmax::forward));
        l.addAll(unary("Softmax.logForward", "x", "y", Softmax::logForward));
        l.addAll(unary("ReferenceSoftmax.forward", "x", "y", ReferenceSoftmax::forward));
        l.addAll(unary("ReferenceSoftmax.logForward", "x", "y", ReferenceSoftmax::logForward));
        return rejectedBeforeAnyWrite(l);
    }

    @Test
    void generatedInvalidCallsAreRejected() {
        InvalidCalls.check("Softmax.forward", new int[][] {{4, 3}, {4, 3}}, new String[] {"x", "y"}, 1,
                m -> Softmax.forward(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld, m[1].array, m[1].off, m[1].ld));
        InvalidCalls.check("Softmax.logForward", new int[][] {{4, 3}, {4, 3}}, new String[] {"x", "y"}, 1,
                m -> Softmax.logForward(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld, m[1].array, m[1].off, m[1].ld));
    }

    @Test
    void withSimdOnSoftmaxAndLogSoftmaxRunTheVectorKernelNotTheScalarFallback() {
        // The scalar fallback is for vectors of more than 16 lanes, wider than vecprop ever chooses
        // (Vectorization.MAX_BITS): with SIMD on, the vector kernel's scratch is made, the scalar one's is not.
        assumeTrue(Simd.enabled(), "the vector kernels run only with SIMD on");
        for (boolean log : new boolean[] {false, true}) {
            Workspace ws = new Workspace();
            float[] x = Values.random(new Random(11), 2 * 5, 0, 1f), y = new float[2 * 5];
            if (log) {
                Softmax.logForward(2, 5, x, 0, 5, y, 0, 5, ws);
            } else {
                Softmax.forward(2, 5, x, 0, 5, y, 0, 5, ws);
            }
            org.vecprop.internal.Buffers buffers = Workspace.of(ws);
            assertNotNull(buffers.slot(org.vecprop.internal.Buffers.SOFTMAX, () -> null),
                    "log " + log + ": the vector softmax ran");
            assertNull(buffers.slot(org.vecprop.internal.Buffers.ROW_LANES, () -> null),
                    "log " + log + ": the scalar softmax did not");
        }
    }
}

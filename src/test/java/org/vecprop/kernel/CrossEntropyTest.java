package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.vecprop.testing.BadCalls.rejectedBeforeAnyWrite;
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
import org.vecprop.reference.ReferenceCrossEntropy;
import org.vecprop.testing.BadCalls;
import org.vecprop.testing.BadCalls.Bad;
import org.vecprop.testing.ClassificationBounds;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * {@link CrossEntropy}: the loss relative to the double-precision oracle (PyTorch's formulas)
 * and each gradient element within the bounds the class states, on generated batches (strided,
 * offset, in place, label smoothing, both reductions, logits over several magnitudes and special
 * values, class counts on both sides of the vector length and the 256-element chunk); the
 * gradient against central finite differences of the oracle's loss in double; the same bits as
 * the documented order, the scalar implementation, {@link Softmax} and the loss-only form; a
 * 2 x 3 batch worked by hand with PyTorch's formulas; extreme logits; bad input.
 */
class CrossEntropyTest {
    static final double U = Compare.U;

    /** A generated batch: shape, layout, in place, smoothing, reduction, logit scale, data. */
    record Case(int rows, int classes, int[] slack, boolean inPlace, float smoothing, boolean mean,
                float scale, long seed, int specials) {
        int ld(int which) {
            return Math.max(1, classes) + slack[2 * which + 1];
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

        int[] labels(Random rnd) {
            int[] l = new int[slack[0] + rows + 2];
            for (int i = 0; i < l.length; i++) {
                l[i] = rnd.nextInt(classes);
            }
            return l;
        }

        Reduction reduction() {
            return mean ? Reduction.MEAN : Reduction.SUM;
        }

        @Override
        public String toString() {
            return "Case[" + rows + " x " + classes + ", slack " + java.util.Arrays.toString(slack) + ", in place "
                    + inPlace + ", eps " + smoothing + ", " + reduction() + ", scale " + scale + ", seed " + seed
                    + ", specials " + specials + "‰]";
        }
    }

    static Gen<Case> cases() {
        Gen<int[]> slack = Generate.intArrays(Generate.constant(4), Props.slack());
        Gen<float[]> data = Generate.pick(List.of(1f, 8f, 60f, 1e30f)).zip(Generate.pick(List.of(0, 0, 0, 5)),
                Generate.pick(List.of(0f, 0f, 0.1f, 0.37f, 1f)), (s, p, e) -> new float[] {s, p, e});
        return Props.dimension(40).zip(SoftmaxTest.rowLength().map(c -> Math.max(1, c)), slack, Generate.booleans(),
                (r, c, sl, ip) -> new Object[] {r, c, sl, ip})
                .zip(data, Generate.booleans(), Generate.longRange(0, 1L << 40), (o, d, mean, seed) ->
                        new Case((int) o[0], (int) o[1], (int[]) o[2], (boolean) o[3], d[2], mean, d[0], seed, (int) d[1]));
    }

    // ------------------------------------------------------------------ the exact values and the bounds

    @Test
    void lossAndGradientAreWithinTheirBoundsOfTheOracle() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] z = c.matrix(rnd, 0), dz0 = c.matrix(rnd, 1);
            int[] labels = c.labels(rnd);
            int lo = c.slack()[0];
            float[] zs = z.clone(), dz = c.inPlace() ? zs : dz0.clone();
            int dzOff = c.inPlace() ? c.off(0) : c.off(1), lddz = c.inPlace() ? c.ld(0) : c.ld(1);
            float loss = CrossEntropy.lossAndGradient(c.rows(), c.classes(), zs, c.off(0), c.ld(0), labels, lo,
                    dz, dzOff, lddz, c.reduction(), c.smoothing());
            if (c.rows() == 0) {
                Compare.same(c.mean() ? Float.NaN : 0f, loss, c + ": empty batch");
                return;
            }
            ClassificationBounds.crossEntropy(z, c.off(0), c.ld(0), c.rows(), c.classes(), labels, lo, c.smoothing(), c.mean(),
                    loss, dz, dzOff, lddz, c.toString());
            if (!c.inPlace()) {
                ClassificationBounds.outsideUntouched(dz0, dz, dzOff, lddz, c.rows(), c.classes(), c.toString());
                Compare.sameArray(z, zs, c + ": z is not written");
            }
            // The reference's own float result agrees with the exact values it is built from.
            float[] dzRef = dz0.clone();
            float refLoss = ReferenceCrossEntropy.lossAndGradient(c.rows(), c.classes(), z, c.off(0), c.ld(0),
                    labels, lo, dzRef, c.off(1), c.ld(1), c.mean(), c.smoothing());
            ClassificationBounds.crossEntropy(z, c.off(0), c.ld(0), c.rows(), c.classes(), labels, lo, c.smoothing(), c.mean(),
                    refLoss, dzRef, c.off(1), c.ld(1), c + " (reference)");
        });
    }

    // ------------------------------------------------------------------ the same bits

    /**
     * The loss and gradient of a batch written out from the order's definition
     * ({@code contract.ArithmeticOrder}), independently of the kernels' shared code.
     */
    static float byTheDocumentedOrder(float[] z, int zOff, int ldz, int rows, int n, int[] labels, int lo,
                                      float[] dz, int dzOff, int lddz, float eps, boolean mean) {
        float a = 1f - eps, b = eps / n, g = mean ? (float) (1.0 / rows) : 1f;
        double batch = 0;
        for (int i = 0; i < rows; i++) {
            int zi = zOff + i * ldz, label = labels[lo + i];
            float m = z[zi];
            for (int j = 1; j < n; j++) {
                m = Math.max(m, z[zi + j]);
            }
            float[] e = new float[n], lane = new float[16], laneD = new float[16];
            double total = 0, totalD = 0;
            int c = 0;
            for (int j = 0; j < n; j++) {
                float d = z[zi + j] - m;
                e[j] = FloatExp.exp(d);
                if (z[zi + j] == m) {
                    c++;
                } else {
                    lane[j % 16] = lane[j % 16] + e[j];
                }
                laneD[j % 16] = laneD[j % 16] + d;
                if ((j + 1) % 256 == 0 || j + 1 == n) {
                    for (int half = 8; half >= 1; half /= 2) {
                        for (int v = 0; v < half; v++) {
                            lane[v] = lane[v] + lane[v + half];
                            laneD[v] = laneD[v] + laneD[v + half];
                        }
                    }
                    total = total + lane[0];
                    totalD = totalD + laneD[0];
                    lane = new float[16];
                    laneD = new float[16];
                }
            }
            float zz = (float) ((c - 1) + total);
            float lse = FloatLog.log1p(zz), dLabel = z[zi + label] - m;
            batch += eps == 0f ? lse - dLabel : Math.fma(-b, (float) totalD, Math.fma(-a, dLabel, lse));
            if (dz != null) {
                float inv = 1f / (1f + zz);
                for (int j = 0; j < n; j++) {
                    dz[dzOff + i * lddz + j] = Math.fma(e[j], inv, -(j == label ? a + b : b)) * g;
                }
            }
        }
        return (float) (mean ? batch / rows : batch);
    }

    @Test
    void theResultsAreTheDocumentedOrderAndTheScalarImplementationsBitForBit() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] z = c.matrix(rnd, 0), dz0 = c.matrix(rnd, 1);
            int[] labels = c.labels(rnd);
            int lo = c.slack()[0];
            float[] dz = dz0.clone(), dzScalar = dz0.clone(), dzDoc = dz0.clone();
            float loss = CrossEntropy.lossAndGradient(c.rows(), c.classes(), z, c.off(0), c.ld(0), labels, lo,
                    dz, c.off(1), c.ld(1), c.reduction(), c.smoothing());
            Compare.same(loss, CrossEntropy.loss(c.rows(), c.classes(), z, c.off(0), c.ld(0), labels, lo,
                    c.reduction(), c.smoothing()), c + ": loss() vs lossAndGradient()");
            if (c.rows() == 0) {
                return;
            }
            float g = c.mean() ? (float) (1.0 / c.rows()) : 1f;
            double scalarTotal = ScalarKernels.INSTANCE.crossEntropy(c.rows(), c.classes(), z, c.off(0), c.ld(0),
                    labels, lo, dzScalar, c.off(1), c.ld(1), g, c.smoothing(), null);
            Compare.same((float) (c.mean() ? scalarTotal / c.rows() : scalarTotal), loss, c + ": loss, kernel vs scalar");
            Compare.sameArray(dzScalar, dz, c + ": dz, kernel vs scalar");
            float doc = byTheDocumentedOrder(z, c.off(0), c.ld(0), c.rows(), c.classes(), labels, lo,
                    dzDoc, c.off(1), c.ld(1), c.smoothing(), c.mean());
            Compare.same(doc, loss, c + ": loss, the documented order");
            Compare.sameArray(dzDoc, dz, c + ": dz, the documented order");
        });
    }

    /**
     * More rows than the Vector API kernel's block of 256 (its per-row values live in a block's
     * scratch): the documented order bit for bit, in place too, narrow and wide rows, both
     * reductions and with smoothing.
     */
    @Test
    void moreRowsThanABlock() {
        Random rnd = new Random(77);
        for (int n : new int[] {3, 10, L - 1, L, L + 1, 300}) {
            int rows = 600, ld = n + 1;
            float[] z = Values.random(rnd, rows * ld, 0, 10f);
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) {
                labels[i] = rnd.nextInt(n);
            }
            for (float eps : new float[] {0f, 0.1f}) {
                for (boolean mean : new boolean[] {true, false}) {
                    String what = rows + " x " + n + ", eps " + eps + ", mean " + mean;
                    float[] doc = new float[rows * ld], dz = new float[rows * ld], inPlace = z.clone();
                    float expected = byTheDocumentedOrder(z, 0, ld, rows, n, labels, 0, doc, 0, ld, eps, mean);
                    Reduction r = mean ? Reduction.MEAN : Reduction.SUM;
                    Compare.same(expected, CrossEntropy.lossAndGradient(rows, n, z, 0, ld, labels, 0, dz, 0, ld, r, eps),
                            what + ": loss");
                    Compare.same(expected, CrossEntropy.lossAndGradient(rows, n, inPlace, 0, ld, labels, 0, inPlace, 0, ld,
                            r, eps), what + ": loss in place");
                    for (int i = 0; i < rows; i++) {
                        for (int j = 0; j < n; j++) {
                            Compare.same(doc[i * ld + j], dz[i * ld + j], what + ": dz[" + i + "][" + j + "]");
                            Compare.same(doc[i * ld + j], inPlace[i * ld + j], what + ": dz in place [" + i + "][" + j + "]");
                        }
                    }
                }
            }
            float[] y = new float[rows * ld];
            for (boolean log : new boolean[] {false, true}) {
                if (log) {
                    Softmax.logForward(rows, n, z, 0, ld, y, 0, ld);
                } else {
                    Softmax.forward(rows, n, z, 0, ld, y, 0, ld);
                }
                for (int i = 0; i < rows; i++) {
                    float[] row = SoftmaxTest.byTheDocumentedOrder(z, i * ld, n, log);
                    for (int j = 0; j < n; j++) {
                        Compare.same(row[j], y[i * ld + j], rows + " x " + n + (log ? " log-softmax" : " softmax")
                                + " [" + i + "][" + j + "]");
                    }
                }
            }
        }
    }

    /**
     * Without smoothing a row's loss is minus log-softmax at its label (as numbers: a zero loss
     * is +0 where minus log-softmax is -0), and, for the sum, dz off the label is the softmax bit
     * for bit (the same steps of the same order).
     */
    @Test
    void aRowIsLogSoftmaxAtItsLabelAndItsGradientTheSoftmax() {
        Random rnd = new Random(23);
        for (int n : new int[] {1, 2, 3, 10, L - 1, L, L + 3, 100, 257, 600}) {
            int rows = 9;
            float[] z = Values.random(rnd, rows * n, 0, 9f), p = new float[rows * n], lp = new float[rows * n];
            float[] dz = new float[rows * n];
            int[] labels = new int[rows];
            for (int i = 0; i < rows; i++) {
                labels[i] = rnd.nextInt(n);
            }
            Softmax.forward(rows, n, z, 0, n, p, 0, n);
            Softmax.logForward(rows, n, z, 0, n, lp, 0, n);
            CrossEntropy.lossAndGradient(rows, n, z, 0, n, labels, 0, dz, 0, n, Reduction.SUM, 0f);
            for (int i = 0; i < rows; i++) {
                float loss = CrossEntropy.loss(1, n, z, i * n, n, labels, i, Reduction.SUM, 0f);
                // As numbers: lse - d is +0 where -(d - lse) is -0.
                assertTrue(loss == -lp[i * n + labels[i]], n + " classes, row " + i + ": loss " + loss
                        + " vs -logSoftmax[label] " + -lp[i * n + labels[i]]);
                for (int j = 0; j < n; j++) {
                    if (j != labels[i]) {
                        Compare.same(p[i * n + j], dz[i * n + j], n + " classes, row " + i + ", dz off the label vs softmax");
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ by hand

    /**
     * z = [[1, 2, 3], [1, 0, -1]], labels [2, 0], worked with PyTorch's formulas to 15 digits
     * (mpmath): per row lse - z_label = log(1 + e^-1 + e^-2) = 0.40760596444438; with smoothing
     * 0.1 the smoothing term of each row is mean_j (lse - z_j) = 1.40760596444438, so
     * 0.9 * 0.4076... + 0.1 * 1.4076... = 0.50760596444438. The gradient (sum) is softmax - t,
     * softmax(1, 2, 3) = (0.0900305731703805, 0.244728471054798, 0.665240955774822).
     */
    @Test
    void aTwoByThreeBatchWorkedByHand() {
        float[] z = {1f, 2f, 3f, 1f, 0f, -1f};
        int[] labels = {2, 0};
        Object[][] expected = {
            {0f, Reduction.SUM, 0.815211928888761, new double[] {0.0900305731703805, 0.244728471054798, -0.334759044225178,
                -0.334759044225178, 0.244728471054798, 0.0900305731703805}},
            {0.1f, Reduction.SUM, 1.01521192888876, new double[] {0.0566972398370471, 0.211395137721464, -0.268092377558511,
                -0.268092377558511, 0.211395137721464, 0.0566972398370471}},
        };
        for (Object[] e : expected) {
            float eps = (float) e[0];
            for (Reduction r : Reduction.values()) {
                double scale = r == Reduction.MEAN ? 0.5 : 1;
                float[] dz = new float[6];
                float loss = CrossEntropy.lossAndGradient(2, 3, z, 0, 3, labels, 0, dz, 0, 3, r, eps);
                String what = "2x3 by hand, eps " + eps + ", " + r;
                // eps = 0.1f is not 0.1: the loss moves by (0.1f - 0.1) * (smooth - nll) = 1.5e-9 * 1.
                assertEquals((double) e[2] * scale, loss, 12 * U * (double) e[2] * scale + 3e-9, what + " loss");
                double[] g = (double[]) e[3];
                for (int k = 0; k < 6; k++) {
                    assertEquals(g[k] * scale, dz[k], 6 * U * scale + 1e-9, what + " dz[" + k + "]");
                }
            }
        }
    }

    // ------------------------------------------------------------------ finite differences

    /** The oracle's batch loss in double (PyTorch's formulas) at logits zd. */
    static double oracleLoss(double[] zd, int rows, int n, int[] labels, float eps, boolean mean) {
        double total = 0;
        for (int i = 0; i < rows; i++) {
            double m = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < n; j++) {
                m = Math.max(m, zd[i * n + j]);
            }
            double s = 0;
            for (int j = 0; j < n; j++) {
                s += Math.exp(zd[i * n + j] - m);
            }
            double lse = m + Math.log(s), nll = lse - zd[i * n + labels[i]], smooth = 0;
            for (int j = 0; j < n; j++) {
                smooth += lse - zd[i * n + j];
            }
            total += eps == 0f ? nll : (1 - (double) eps) * nll + eps * smooth / n;
        }
        return mean ? total / rows : total;
    }

    /**
     * The gradient the kernel writes is the derivative of the loss: against central differences
     * of the oracle's loss in double (step 1e-4, error about 1e-9), within the gradient's bound
     * plus 1e-8, for both reductions and with smoothing.
     */
    @Test
    void theGradientMatchesFiniteDifferences() {
        Random rnd = new Random(41);
        for (int n : new int[] {3, 10, L + 1, 40}) {
            for (float eps : new float[] {0f, 0.2f}) {
                for (boolean mean : new boolean[] {true, false}) {
                    int rows = 5;
                    float[] z = Values.random(rnd, rows * n, 0, 3f), dz = new float[rows * n];
                    int[] labels = new int[rows];
                    for (int i = 0; i < rows; i++) {
                        labels[i] = rnd.nextInt(n);
                    }
                    CrossEntropy.lossAndGradient(rows, n, z, 0, n, labels, 0, dz, 0, n,
                            mean ? Reduction.MEAN : Reduction.SUM, eps);
                    double[] zd = new double[z.length];
                    for (int k = 0; k < z.length; k++) {
                        zd[k] = z[k];
                    }
                    double h = 1e-4;
                    for (int k = 0; k < z.length; k++) {
                        zd[k] = z[k] + h;
                        double up = oracleLoss(zd, rows, n, labels, eps, mean);
                        zd[k] = z[k] - h;
                        double down = oracleLoss(zd, rows, n, labels, eps, mean);
                        zd[k] = z[k];
                        double fd = (up - down) / (2 * h);
                        double g = mean ? 1.0 / rows : 1;
                        assertEquals(fd, dz[k], g * 40 * U + 1e-8, "n " + n + ", eps " + eps + ", mean " + mean
                                + ": dz[" + k + "] vs central difference");
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ extremes

    @Test
    void confidentRowsKeepTheirRelativeAccuracy() {
        // Loss log1p(9 e^-20) = 1.855e-8: log(1 + 9 e^-20) in float would round to 0.
        float[] z = new float[10];
        z[0] = 20f;
        float loss = CrossEntropy.loss(1, 10, z, 0, 10, new int[] {0}, 0, Reduction.SUM, 0f);
        double exact = Math.log1p(9 * Math.exp(-20));
        assertEquals(exact, loss, 30 * U * exact, "a confident correct row");
        assertTrue(loss > 0f);
    }

    @Test
    void extremeLogitsBehaveAsDocumented() {
        float inf = Float.POSITIVE_INFINITY;
        float[] z = {1e30f, -1e30f, 0f};
        Compare.same(0f, CrossEntropy.loss(1, 3, z, 0, 3, new int[] {0}, 0, Reduction.SUM, 0f), "1e30 at the label");
        Compare.same(2e30f, CrossEntropy.loss(1, 3, z, 0, 3, new int[] {1}, 0, Reduction.SUM, 0f), "label at -1e30");
        float[] dz = new float[3];
        CrossEntropy.lossAndGradient(1, 3, z, 0, 3, new int[] {1}, 0, dz, 0, 3, Reduction.SUM, 0f);
        Compare.sameArray(new float[] {1f, -1f, 0f}, dz, "gradient at ±1e30");
        Compare.same(Float.NaN, CrossEntropy.loss(1, 3, new float[] {inf, 0f, 1f}, 0, 3, new int[] {0}, 0,
                Reduction.SUM, 0f), "+Inf at the label: Inf - Inf");
        Compare.same(inf, CrossEntropy.loss(1, 3, new float[] {inf, 0f, 1f}, 0, 3, new int[] {2}, 0,
                Reduction.SUM, 0f), "+Inf elsewhere");
        Compare.same(inf, CrossEntropy.loss(1, 3, new float[] {-inf, 0f, 1f}, 0, 3, new int[] {0}, 0,
                Reduction.SUM, 0f), "-Inf at the label");
        float finite = CrossEntropy.loss(1, 3, new float[] {-inf, 0f, 1f}, 0, 3, new int[] {2}, 0, Reduction.SUM, 0f);
        assertTrue(Float.isFinite(finite), "-Inf elsewhere, no smoothing: finite, " + finite);
        Compare.same(inf, CrossEntropy.loss(1, 3, new float[] {-inf, 0f, 1f}, 0, 3, new int[] {2}, 0,
                Reduction.SUM, 0.1f), "-Inf elsewhere with smoothing: Inf, as PyTorch");
        float[] two = {1f, Float.NaN, 0f, 2f, 1f, 0f};
        Compare.same(Float.NaN, CrossEntropy.loss(2, 3, two, 0, 3, new int[] {0, 0}, 0, Reduction.MEAN, 0f),
                "a NaN logit makes the batch's loss NaN");
        float[] dz2 = new float[6];
        CrossEntropy.lossAndGradient(2, 3, two, 0, 3, new int[] {0, 0}, 0, dz2, 0, 3, Reduction.MEAN, 0f);
        for (int j = 0; j < 3; j++) {
            Compare.same(Float.NaN, dz2[j], "the NaN row's gradient");
            assertTrue(Float.isFinite(dz2[3 + j]), "the other row's gradient stays finite");
        }
    }

    @Test
    void anEmptyBatchWritesNothing() {
        float[] dz = {7f, 7f};
        Compare.same(Float.NaN, CrossEntropy.lossAndGradient(0, 2, new float[2], 0, 2, new int[0], 0, dz, 0, 2,
                Reduction.MEAN, 0f), "mean of no rows");
        Compare.same(0f, CrossEntropy.lossAndGradient(0, 2, new float[2], 0, 2, new int[0], 0, dz, 0, 2,
                Reduction.SUM, 0f), "sum of no rows");
        Compare.sameArray(new float[] {7f, 7f}, dz, "dz untouched");
    }

    // ------------------------------------------------------------------ bad input

    @TestFactory
    List<DynamicTest> badCallsAreRejectedBeforeAnyWrite() {
        List<Bad> l = new ArrayList<>();
        l.addAll(BadCalls.crossEntropy("CrossEntropy.lossAndGradient", true, true, CrossEntropy::lossAndGradient));
        l.addAll(BadCalls.crossEntropy("CrossEntropy.loss", false, true,
                (r, c, z, zo, lz, lab, lo, dz, dzo, ldd, red, eps) -> CrossEntropy.loss(r, c, z, zo, lz, lab, lo, red, eps))
                .stream().filter(b -> !b.what().contains("dz")).toList());
        // The forms with a caller's workspace make their own calls to the checks: the same rows.
        Workspace ws = new Workspace();
        l.addAll(BadCalls.crossEntropy("CrossEntropy.lossAndGradient (workspace)", true, true,
                (r, c, z, zo, lz, lab, lo, dz, dzo, ldd, red, eps) -> CrossEntropy.lossAndGradient(r, c, z, zo, lz, lab,
                        lo, dz, dzo, ldd, red, eps, ws)));
        l.addAll(BadCalls.crossEntropy("CrossEntropy.loss (workspace)", false, true,
                (r, c, z, zo, lz, lab, lo, dz, dzo, ldd, red, eps) -> CrossEntropy.loss(r, c, z, zo, lz, lab, lo, red, eps,
                        ws)).stream().filter(b -> !b.what().contains("dz")).toList());
        l.addAll(BadCalls.crossEntropy("ReferenceCrossEntropy.lossAndGradient", false, false,
                (r, c, z, zo, lz, lab, lo, dz, dzo, ldd, red, eps) -> ReferenceCrossEntropy.lossAndGradient(r, c, z, zo,
                        lz, lab, lo, dz, dzo, ldd, red == Reduction.MEAN, eps)));
        return rejectedBeforeAnyWrite(l);
    }

    @Test
    void generatedInvalidCallsAreRejected() {
        int[] labels = new int[1000];
        InvalidCalls.check("CrossEntropy.lossAndGradient", new int[][] {{4, 3}, {4, 3}}, new String[] {"z", "dz"}, 1,
                m -> CrossEntropy.lossAndGradient(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld, labels, 0,
                        m[1].array, m[1].off, m[1].ld, Reduction.MEAN, 0f));
    }

    @Test
    void withSimdOnCrossEntropyRunsTheVectorKernelNotTheScalarFallback() {
        // The scalar fallback is for vectors of more than 16 lanes, wider than vecprop ever chooses
        // (Vectorization.MAX_BITS): with SIMD on, the vector kernel's scratch is made, the scalar one's is not.
        assumeTrue(Simd.enabled(), "the vector kernels run only with SIMD on");
        Workspace ws = new Workspace();
        float[] z = Values.random(new Random(12), 2 * 5, 0, 1f), dz = new float[2 * 5];
        CrossEntropy.lossAndGradient(2, 5, z, 0, 5, new int[] {1, 4}, 0, dz, 0, 5, Reduction.MEAN, 0f, ws);
        org.vecprop.internal.Buffers buffers = Workspace.of(ws);
        assertNotNull(buffers.slot(org.vecprop.internal.Buffers.SOFTMAX, () -> null), "the vector kernel ran");
        assertNull(buffers.slot(org.vecprop.internal.Buffers.ROW_LANES, () -> null), "the scalar kernel did not");
    }
}

package org.vecprop.internal.scalar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.contract.ArithmeticOrder;
import org.vecprop.internal.Buffers;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.PackedOperand;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.BinaryCrossEntropy;
import org.vecprop.kernel.CrossEntropy;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.kernel.Reduction;
import org.vecprop.kernel.Relu;
import org.vecprop.kernel.Softmax;
import org.vecprop.kernel.Stats;
import org.vecprop.kernel.TopK;
import org.vecprop.kernel.Update;
import org.vecprop.reference.ReferenceBias;
import org.vecprop.reference.ReferenceBinaryCrossEntropy;
import org.vecprop.reference.ReferenceGemm;
import org.vecprop.reference.ReferenceMse;
import org.vecprop.reference.ReferenceRelu;
import org.vecprop.reference.ReferenceStats;
import org.vecprop.reference.ReferenceTopK;
import org.vecprop.reference.ReferenceUpdate;
import org.vecprop.testing.ClassificationBounds;
import org.vecprop.testing.Compare;
import org.vecprop.testing.ForcedPath;
import org.vecprop.testing.GemmCheck;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * {@link ScalarKernels} called directly, whatever implementation this run's kernels use: each
 * method against the oracle in {@code org.vecprop.reference} within the bound the public kernel
 * states (README, "Accuracy"), and against the public kernel (the Vector API implementation
 * unless SIMD is off) bit for bit, as the order of arithmetic promises (README, "The same bits
 * everywhere"). At 512 bits nothing else calls the scalar fallback, so without this class its
 * code would only be exercised on the scalar-path run.
 *
 * <p>Every operand is a strided window (offset, row stride above the width, slack after the
 * end), and every output element outside its window must keep its bits.
 */
class ScalarKernelsTest {
    private static final ScalarKernels S = ScalarKernels.INSTANCE;
    /** Elements per chunk of a long sum: the sums below are checked on both sides of it. */
    private static final int CHUNK = ArithmeticOrder.REDUCTION_CHUNK;

    /** A strided rows x cols window of {@code data}: element (i, j) at {@code off + i * ld + j}. */
    record Window(float[] data, int off, int ld) {
        float at(int i, int j) {
            return data[off + i * ld + j];
        }

        boolean inside(int idx, int rows, int cols) {
            int rel = idx - off;
            return rel >= 0 && rel / ld < rows && rel % ld < cols;
        }

        Window copy() {
            return new Window(data.clone(), off, ld);
        }
    }

    /** A generated call: shape, layout slack, data seed and the share of special values. */
    record Shape(int rows, int cols, int[] slack, long seed, int specialPermille) {
        /** Operand {@code w}'s window: offset slack[2w], row padding slack[2w + 1]. */
        Window window(Random rnd, int w) {
            int off = slack[2 * w % slack.length], pad = slack[(2 * w + 1) % slack.length];
            int ld = Math.max(1, cols) + pad;
            return new Window(Values.random(rnd, off + rows * ld + pad, specialPermille, 1f), off, ld);
        }
    }

    /** Shapes up to 80 x 80 (so sums run past one chunk of 1024), with slack and special values. */
    static Gen<Shape> shapes() {
        return Props.dimension(80).zip(Props.dimension(80),
                Generate.intArrays(Generate.constant(6), Props.slack()),
                Generate.longRange(0, 1L << 40), Generate.pick(List.of(0, 0, 5, 50)),
                Shape::new);
    }

    /** Shapes whose element count is on either side of one, two and three chunks. */
    static final int[][] ACROSS_CHUNKS = {
        {1, CHUNK - 1}, {1, CHUNK}, {1, CHUNK + 1}, {CHUNK + 1, 1}, {32, 32}, {31, 33}, {33, 31},
        {2, CHUNK}, {45, 47}, {3, CHUNK + 7}, {7, 300}
    };

    static void sameOutside(Window before, Window after, int rows, int cols, String what) {
        for (int idx = 0; idx < before.data.length; idx++) {
            if (!before.inside(idx, rows, cols)) {
                Compare.same(before.data[idx], after.data[idx], what + ": outside the window at " + idx);
            }
        }
    }

    // ------------------------------------------------------------------ ReLU

    @Test
    void reluKernelsEqualTheReferenceAndThePublicKernel() {
        Props.theory().forAll(shapes()).checkAssert(s -> {
            Random rnd = new Random(s.seed());
            int r = s.rows(), c = s.cols();
            Window x = s.window(rnd, 0), dy = s.window(rnd, 1), out = s.window(rnd, 2);

            Window ref = out.copy(), mine = out.copy(), pub = out.copy();
            ReferenceRelu.forward(r, c, x.data, x.off, x.ld, ref.data, ref.off, ref.ld);
            S.reluForward(r, c, x.data, x.off, x.ld, mine.data, mine.off, mine.ld);
            Relu.forward(r, c, x.data, x.off, x.ld, pub.data, pub.off, pub.ld);
            check(s + " forward", out, ref, mine, pub, r, c);

            ref = out.copy(); mine = out.copy(); pub = out.copy();
            ReferenceRelu.mask(r, c, x.data, x.off, x.ld, ref.data, ref.off, ref.ld);
            S.reluMask(r, c, x.data, x.off, x.ld, mine.data, mine.off, mine.ld);
            Relu.mask(r, c, x.data, x.off, x.ld, pub.data, pub.off, pub.ld);
            check(s + " mask", out, ref, mine, pub, r, c);

            ref = out.copy(); mine = out.copy(); pub = out.copy();
            ReferenceRelu.backward(r, c, x.data, x.off, x.ld, dy.data, dy.off, dy.ld, ref.data, ref.off, ref.ld);
            S.reluBackward(r, c, x.data, x.off, x.ld, dy.data, dy.off, dy.ld, mine.data, mine.off, mine.ld);
            Relu.backward(r, c, x.data, x.off, x.ld, dy.data, dy.off, dy.ld, pub.data, pub.off, pub.ld);
            check(s + " backward", out, ref, mine, pub, r, c);
        });
    }

    /** README: bit-identical to the reference; the order: the same bits as the public kernel. */
    private static void check(String what, Window before, Window ref, Window mine, Window pub,
                              int rows, int cols) {
        Compare.sameArray(ref.data, mine.data, what + ": scalar vs reference");
        Compare.sameArray(mine.data, pub.data, what + ": public kernel vs scalar");
        sameOutside(before, mine, rows, cols, what);
    }

    @Test
    void reluBackwardWithBiasGradientEqualsTheReferenceAndThePublicKernel() {
        Props.theory().forAll(shapes(), Generate.booleans()).checkAssert((s, accumulate) -> {
            Random rnd = new Random(s.seed());
            int r = s.rows(), c = s.cols();
            Window z = s.window(rnd, 0), dy = s.window(rnd, 1), dz = s.window(rnd, 2);
            int dbOff = s.slack()[3];
            float[] db = Values.random(rnd, dbOff + c + 2, 0, 1f);

            Window dzRef = dz.copy(), dzMine = dz.copy(), dzPub = dz.copy();
            float[] dbRef = db.clone(), dbMine = db.clone(), dbPub = db.clone();
            ReferenceRelu.backward(r, c, z.data, z.off, z.ld, dy.data, dy.off, dy.ld,
                    dzRef.data, dzRef.off, dzRef.ld);
            ReferenceBias.gradient(r, c, dzRef.data, dzRef.off, dzRef.ld, dbRef, dbOff, accumulate);
            S.reluBackwardWithBiasGradient(r, c, z.data, z.off, z.ld, dy.data, dy.off, dy.ld,
                    dzMine.data, dzMine.off, dzMine.ld, dbMine, dbOff, accumulate, null);
            Relu.backwardWithBiasGradient(r, c, z.data, z.off, z.ld, dy.data, dy.off, dy.ld,
                    dzPub.data, dzPub.off, dzPub.ld, dbPub, dbOff, accumulate);
            check(s + " dz", dz, dzRef, dzMine, dzPub, r, c);
            Compare.sameArray(dbRef, dbMine, s + " db: scalar vs reference");
            Compare.sameArray(dbMine, dbPub, s + " db: public kernel vs scalar");
        });
    }

    // ------------------------------------------------------------------ sigmoid, tanh

    /**
     * Sigmoid and tanh, forward, backward and backward with the bias gradient: the same bits as
     * the public kernels (their bounds against the exact functions are SigmoidTest's and
     * TanhTest's, which hold the scalar implementation to them too), and nothing written outside
     * the windows.
     */
    @Test
    void smoothActivationsEqualThePublicKernels() {
        Props.theory(Props.EXAMPLES / 2).forAll(shapes(), Generate.booleans()).checkAssert((s, accumulate) -> {
            Random rnd = new Random(s.seed());
            int r = s.rows(), c = s.cols();
            Window x = s.window(rnd, 0), dy = s.window(rnd, 1), out = s.window(rnd, 2);
            int dbOff = s.slack()[3];
            float[] db = Values.random(rnd, dbOff + c + 2, 0, 1f);
            for (boolean tanh : new boolean[] {false, true}) {
                String what = s + (tanh ? " tanh" : " sigmoid");
                Window mine = out.copy(), pub = out.copy();
                if (tanh) {
                    S.tanhForward(r, c, x.data, x.off, x.ld, mine.data, mine.off, mine.ld);
                    Activation.TANH.forward(r, c, x.data, x.off, x.ld, pub.data, pub.off, pub.ld);
                } else {
                    S.sigmoidForward(r, c, x.data, x.off, x.ld, mine.data, mine.off, mine.ld);
                    Activation.SIGMOID.forward(r, c, x.data, x.off, x.ld, pub.data, pub.off, pub.ld);
                }
                Compare.sameArray(mine.data, pub.data, what + " forward: public kernel vs scalar");
                sameOutside(out, mine, r, c, what + " forward");
                Window a = mine; // activations in range, as the backward forms take them

                mine = out.copy();
                pub = out.copy();
                if (tanh) {
                    S.tanhBackward(r, c, a.data, a.off, a.ld, dy.data, dy.off, dy.ld, mine.data, mine.off, mine.ld);
                    Activation.TANH.backward(r, c, a.data, a.off, a.ld, dy.data, dy.off, dy.ld, pub.data, pub.off, pub.ld);
                } else {
                    S.sigmoidBackward(r, c, a.data, a.off, a.ld, dy.data, dy.off, dy.ld, mine.data, mine.off, mine.ld);
                    Activation.SIGMOID.backward(r, c, a.data, a.off, a.ld, dy.data, dy.off, dy.ld, pub.data, pub.off, pub.ld);
                }
                Compare.sameArray(mine.data, pub.data, what + " backward: public kernel vs scalar");
                sameOutside(out, mine, r, c, what + " backward");

                Window dzMine = out.copy(), dzPub = out.copy();
                float[] dbMine = db.clone(), dbPub = db.clone(), dbRef = db.clone();
                if (tanh) {
                    S.tanhBackwardWithBiasGradient(r, c, a.data, a.off, a.ld, dy.data, dy.off, dy.ld,
                            dzMine.data, dzMine.off, dzMine.ld, dbMine, dbOff, accumulate, null);
                    Activation.TANH.backwardWithBiasGradient(r, c, a.data, a.off, a.ld, dy.data, dy.off, dy.ld,
                            dzPub.data, dzPub.off, dzPub.ld, dbPub, dbOff, accumulate);
                } else {
                    S.sigmoidBackwardWithBiasGradient(r, c, a.data, a.off, a.ld, dy.data, dy.off, dy.ld,
                            dzMine.data, dzMine.off, dzMine.ld, dbMine, dbOff, accumulate, null);
                    Activation.SIGMOID.backwardWithBiasGradient(r, c, a.data, a.off, a.ld, dy.data, dy.off, dy.ld,
                            dzPub.data, dzPub.off, dzPub.ld, dbPub, dbOff, accumulate);
                }
                // The fused form: dz as the backward form alone, db the reference column sums of it.
                Compare.sameArray(mine.data, dzMine.data, what + " fused dz vs the backward form");
                ReferenceBias.gradient(r, c, dzMine.data, dzMine.off, dzMine.ld, dbRef, dbOff, accumulate);
                Compare.sameArray(dbRef, dbMine, what + " db: scalar vs reference");
                Compare.sameArray(dzMine.data, dzPub.data, what + " fused dz: public kernel vs scalar");
                Compare.sameArray(dbMine, dbPub, what + " fused db: public kernel vs scalar");
            }
        });
    }

    // ------------------------------------------------------------------ softmax, cross-entropy, BCE, top-k

    /** A window's values times {@code k} (logits spread over exp's range; specials stay special). */
    static Window scaled(Window w, float k) {
        float[] d = w.data.clone();
        for (int i = 0; i < d.length; i++) {
            d[i] *= k;
        }
        return new Window(d, w.off, w.ld);
    }

    /**
     * Softmax and log-softmax: within the bounds {@code Softmax} states (checked against exact
     * values by {@link ClassificationBounds}), the public kernel's bits, nothing written outside
     * the window.
     */
    @Test
    void softmaxAndLogSoftmaxAreWithinTheirBoundsAndThePublicKernelsBits() {
        Props.theory(Props.EXAMPLES / 2).forAll(shapes()).checkAssert(s -> {
            Random rnd = new Random(s.seed());
            int r = s.rows(), c = s.cols();
            Window x = scaled(s.window(rnd, 0), 12f), out = s.window(rnd, 1);
            if (c == 0) {
                return; // the public kernel returns before calling an implementation
            }
            for (boolean log : new boolean[] {false, true}) {
                String what = s + (log ? " log-softmax" : " softmax");
                Window mine = out.copy(), pub = out.copy();
                if (log) {
                    S.logSoftmax(r, c, x.data, x.off, x.ld, mine.data, mine.off, mine.ld, null);
                    Softmax.logForward(r, c, x.data, x.off, x.ld, pub.data, pub.off, pub.ld);
                } else {
                    S.softmax(r, c, x.data, x.off, x.ld, mine.data, mine.off, mine.ld, null);
                    Softmax.forward(r, c, x.data, x.off, x.ld, pub.data, pub.off, pub.ld);
                }
                Compare.sameArray(mine.data, pub.data, what + ": public kernel vs scalar");
                sameOutside(out, mine, r, c, what);
                for (int i = 0; i < r; i++) {
                    ClassificationBounds.softmaxRow(x.data, x.off + i * x.ld, c, mine.data, mine.off + i * mine.ld,
                            log, what + " row " + i);
                }
            }
        });
    }

    /** Cross-entropy with and without smoothing, both reductions: bounds, the public kernel's bits, windows. */
    @Test
    void crossEntropyIsWithinItsBoundsAndThePublicKernelsBits() {
        Props.theory(Props.EXAMPLES / 2).forAll(shapes(), Generate.booleans(), Generate.pick(List.of(0f, 0.1f)))
                .checkAssert((s, mean, eps) -> {
            Random rnd = new Random(s.seed());
            int r = s.rows(), c = s.cols();
            if (r == 0 || c == 0) {
                return; // no rows: the public kernel answers before calling an implementation; no classes: no valid label
            }
            Window z = scaled(s.window(rnd, 0), 12f), dz = s.window(rnd, 1);
            int[] labels = new int[r + 3];
            for (int i = 0; i < labels.length; i++) {
                labels[i] = rnd.nextInt(c);
            }
            float g = mean ? (float) (1.0 / r) : 1f;
            Window mine = dz.copy(), pub = dz.copy();
            double total = S.crossEntropy(r, c, z.data, z.off, z.ld, labels, 2, mine.data, mine.off, mine.ld, g, eps, null);
            float loss = (float) (mean ? total / r : total);
            float pubLoss = CrossEntropy.lossAndGradient(r, c, z.data, z.off, z.ld, labels, 2, pub.data, pub.off, pub.ld,
                    mean ? Reduction.MEAN : Reduction.SUM, eps);
            String what = s + " cross-entropy, mean " + mean + ", eps " + eps;
            Compare.same(pubLoss, loss, what + ": loss, public kernel vs scalar");
            Compare.sameArray(mine.data, pub.data, what + ": dz, public kernel vs scalar");
            sameOutside(dz, mine, r, c, what);
            ClassificationBounds.crossEntropy(z.data, z.off, z.ld, r, c, labels, 2, eps, mean, loss,
                    mine.data, mine.off, mine.ld, what);
            Compare.same(loss, (float) (mean ? S.crossEntropy(r, c, z.data, z.off, z.ld, labels, 2, null, 0, 0, g, eps, null) / r
                    : S.crossEntropy(r, c, z.data, z.off, z.ld, labels, 2, null, 0, 0, g, eps, null)), what + ": loss without dz");
        });
    }

    /** Binary cross-entropy with and without weights: bounds, the public kernel's bits, windows. */
    @Test
    void binaryCrossEntropyIsWithinItsBoundsAndThePublicKernelsBits() {
        Props.theory(Props.EXAMPLES / 2).forAll(shapes(), Generate.booleans(), Generate.booleans())
                .checkAssert((s, mean, weighted) -> {
            Random rnd = new Random(s.seed());
            int r = s.rows(), c = s.cols();
            if (r * c == 0) {
                return;
            }
            Window x = scaled(s.window(rnd, 0), 10f), y = s.window(rnd, 1), g = s.window(rnd, 2);
            for (int i = 0; i < y.data.length; i++) {
                y.data[i] = rnd.nextFloat(); // targets in [0, 1], where the bound holds
            }
            float[] w = null;
            if (weighted) {
                w = new float[c + 2];
                for (int j = 0; j < w.length; j++) {
                    w[j] = rnd.nextFloat() * 5f;
                }
            }
            long n = (long) r * c;
            float scale = mean ? (float) (1.0 / n) : 1f;
            Window mine = g.copy(), pub = g.copy();
            double total = S.binaryCrossEntropy(r, c, x.data, x.off, x.ld, y.data, y.off, y.ld, w, 1,
                    mine.data, mine.off, mine.ld, scale, null);
            float loss = (float) (mean ? total / n : total);
            float pubLoss = BinaryCrossEntropy.lossAndGradient(r, c, x.data, x.off, x.ld, y.data, y.off, y.ld, w, 1,
                    pub.data, pub.off, pub.ld, mean ? Reduction.MEAN : Reduction.SUM);
            String what = s + " BCE, mean " + mean + ", weights " + weighted;
            Compare.same(pubLoss, loss, what + ": loss, public kernel vs scalar");
            Compare.sameArray(mine.data, pub.data, what + ": g, public kernel vs scalar");
            sameOutside(g, mine, r, c, what);
            ClassificationBounds.binaryCrossEntropy(r, c, x.data, x.off, x.ld, y.data, y.off, y.ld, w, 1,
                    mine.data, mine.off, mine.ld, mean, loss, what);
        });
    }

    /**
     * Without smoothing (eps = 0, and -0 which the check accepts) a -Inf logit off the label adds
     * nothing to the loss: CrossEntropy says the loss is +Inf only at the label's -Inf, and PyTorch
     * adds the smoothing term (which holds sum_j (z_j - max) = -Inf here) only when eps > 0. So the
     * rows' losses are finite, within the bound of the reference, and the public kernel's bits;
     * taking the smoothing term for eps = 0 would give 0 * -Inf = NaN. The public kernel has the
     * same case in CrossEntropyTest; at 512 bits that runs the vector kernel, so the scalar one is
     * held to it here.
     */
    @Test
    void crossEntropyWithoutSmoothingIgnoresMinusInfinityOffTheLabel() {
        float inf = Float.POSITIVE_INFINITY;
        int rows = 2, classes = 5;
        float[] z = {9f, 1f, -inf, 0.5f, -inf, 2f, 7f, -inf, 3f, 1f, 2f, 0f, 9f};
        int zOff = 1, ldz = 6;
        int[] labels = {0, 2, 1};
        for (float eps : new float[] {0f, -0f}) {
            String what = "logits with -Inf off the label, eps " + eps;
            float[] dzMine = new float[14], dzPub = new float[14];
            double total = S.crossEntropy(rows, classes, z, zOff, ldz, labels, 1, dzMine, 1, ldz, 1f, eps, null);
            assertTrue(Double.isFinite(total), what + ": finite loss, got " + total);
            float pub = CrossEntropy.lossAndGradient(rows, classes, z, zOff, ldz, labels, 1, dzPub, 1, ldz,
                    Reduction.SUM, eps);
            Compare.same(pub, (float) total, what + ": loss, public kernel vs scalar");
            Compare.sameArray(dzPub, dzMine, what + ": dz, public kernel vs scalar");
            ClassificationBounds.crossEntropy(z, zOff, ldz, rows, classes, labels, 1, eps, false, (float) total,
                    dzMine, 1, ldz, what);
            Compare.same((float) total, (float) S.crossEntropy(rows, classes, z, zOff, ldz, labels, 1, null, 0, 0, 1f,
                    eps, null), what + ": loss without dz");
        }
    }

    /**
     * At a logit of exactly 0 (either sign) the loss's linear part is the x >= 0 side's
     * {@code x (1 - y) = 0} (BinaryCrossEntropy's formula), whatever {@code w y} is: with a column
     * weight of +Inf the loss is +Inf, as the reference's, where {@code -x w y = 0 * Inf} would make
     * it NaN.
     */
    @Test
    void binaryCrossEntropyAtALogitOfZeroWithAnInfiniteWeightIsInfinite() {
        float inf = Float.POSITIVE_INFINITY;
        for (float zero : new float[] {0f, -0f}) {
            float[] x = {0.75f, zero, -1.5f}, y = {0.25f, 0.5f, 1f}, w = {2f, 1f, inf, 0.5f};
            double ref = 0;
            for (int j = 0; j < 3; j++) {
                ref += ReferenceBinaryCrossEntropy.loss(x[j], y[j], w[j + 1]);
            }
            assertEquals(inf, ref, 0.0, "the reference: w y softplus(0) = Inf");
            double total = S.binaryCrossEntropy(1, 3, x, 0, 3, y, 0, 3, w, 1, null, 0, 0, 1f, null);
            assertEquals(inf, total, 0.0, "logit " + zero + ", weight +Inf: the scalar loss");
            Compare.same(BinaryCrossEntropy.loss(1, 3, x, 0, 3, y, 0, 3, w, 1, Reduction.SUM), (float) total,
                    "logit " + zero + ", weight +Inf: public kernel vs scalar");
        }
    }

    /**
     * The buffers a call is given (a caller's workspace) serve it from their first use: softmax,
     * log-softmax and cross-entropy with fresh {@link Buffers} give the same bits as with this
     * thread's. The other calls here all use the thread's buffers, which an earlier call may
     * already have set up.
     */
    @Test
    void classificationKernelsWithFreshBuffersGiveTheSameBits() {
        Random rnd = new Random(61);
        int r = 3, c = 40, ld = 43;
        float[] x = Values.random(rnd, r * ld, 0, 8f);
        int[] labels = {5, 0, 39};
        for (boolean log : new boolean[] {false, true}) {
            float[] fresh = new float[r * ld], thread = new float[r * ld];
            if (log) {
                S.logSoftmax(r, c, x, 0, ld, fresh, 0, ld, new Buffers());
                S.logSoftmax(r, c, x, 0, ld, thread, 0, ld, null);
            } else {
                S.softmax(r, c, x, 0, ld, fresh, 0, ld, new Buffers());
                S.softmax(r, c, x, 0, ld, thread, 0, ld, null);
            }
            Compare.sameArray(thread, fresh, (log ? "log-softmax" : "softmax") + ": fresh buffers vs the thread's");
        }
        for (float eps : new float[] {0f, 0.1f}) {
            float[] fresh = new float[r * ld], thread = new float[r * ld];
            double a = S.crossEntropy(r, c, x, 0, ld, labels, 0, fresh, 0, ld, 1f, eps, new Buffers());
            double b = S.crossEntropy(r, c, x, 0, ld, labels, 0, thread, 0, ld, 1f, eps, null);
            assertEquals(Double.doubleToLongBits(b), Double.doubleToLongBits(a), "cross-entropy, eps " + eps
                    + ": loss, fresh buffers vs the thread's");
            Compare.sameArray(thread, fresh, "cross-entropy, eps " + eps + ": dz, fresh buffers vs the thread's");
        }
    }

    /**
     * A call takes the row lanes cleared, whatever the last call on the same buffers left in them:
     * here a cross-entropy call stopped in the middle of a row by an output too short for it (an
     * ArrayIndexOutOfBoundsException: the public kernels check extents first, this direct call
     * does not), after some of its exponentials were added into the lanes. The next softmax and
     * cross-entropy on those buffers must be the bits of the same calls on fresh buffers.
     */
    @Test
    void aCallStoppedMidRowLeavesNothingInTheNextCall() {
        Random rnd = new Random(62);
        int r = 2, c = 20;
        float[] x = Values.random(rnd, r * c, 0, 4f);
        int[] labels = {3, 17};
        float[] expectedY = new float[r * c], expectedDz = new float[r * c];
        S.softmax(r, c, x, 0, c, expectedY, 0, c, new Buffers());
        double expectedLoss = S.crossEntropy(r, c, x, 0, c, labels, 0, expectedDz, 0, c, 1f, 0.1f, new Buffers());

        for (boolean softmaxNext : new boolean[] {true, false}) {
            Buffers reused = new Buffers();
            org.junit.jupiter.api.Assertions.assertThrows(ArrayIndexOutOfBoundsException.class,
                    () -> S.crossEntropy(r, c, x, 0, c, labels, 0, new float[c / 2], 0, c, 1f, 0.1f, reused));
            if (softmaxNext) {
                float[] y = new float[r * c];
                S.softmax(r, c, x, 0, c, y, 0, c, reused);
                Compare.sameArray(expectedY, y, "softmax after a call stopped mid-row");
            } else {
                float[] dz = new float[r * c];
                double loss = S.crossEntropy(r, c, x, 0, c, labels, 0, dz, 0, c, 1f, 0.1f, reused);
                assertEquals(Double.doubleToLongBits(expectedLoss), Double.doubleToLongBits(loss),
                        "cross-entropy after a call stopped mid-row: loss");
                Compare.sameArray(expectedDz, dz, "cross-entropy after a call stopped mid-row: dz");
            }
        }
    }

    /** Argmax and top-k: the oracle's exact results and the public kernel's. */
    @Test
    void argmaxAndTopKEqualTheReferenceAndThePublicKernel() {
        Props.theory(Props.EXAMPLES / 2).forAll(shapes()).checkAssert(s -> {
            Random rnd = new Random(s.seed());
            int r = s.rows(), c = s.cols();
            if (r == 0 || c == 0) {
                return;
            }
            Window x = s.window(rnd, 0);
            for (int i = 0; i < x.data.length; i += 3) {
                x.data[i] = Math.round(x.data[i] * 2f); // ties
            }
            int[] mine = new int[r + 1], ref = new int[r + 1], pub = new int[r + 1];
            S.argmax(r, c, x.data, x.off, x.ld, mine, 1);
            ReferenceTopK.argmax(r, c, x.data, x.off, x.ld, ref, 1);
            TopK.argmax(r, c, x.data, x.off, x.ld, pub, 1);
            org.junit.jupiter.api.Assertions.assertArrayEquals(ref, mine, s + " argmax: scalar vs reference");
            org.junit.jupiter.api.Assertions.assertArrayEquals(mine, pub, s + " argmax: public kernel vs scalar");
            int k = 1 + rnd.nextInt(c);
            int[] idx = new int[r * k], idxRef = new int[r * k], idxPub = new int[r * k];
            float[] v = new float[r * k], vRef = new float[r * k], vPub = new float[r * k];
            S.topK(r, c, k, x.data, x.off, x.ld, idx, 0, k, v, 0, k);
            ReferenceTopK.topK(r, c, k, x.data, x.off, x.ld, idxRef, 0, k, vRef, 0, k);
            TopK.select(r, c, k, x.data, x.off, x.ld, idxPub, 0, k, vPub, 0, k);
            org.junit.jupiter.api.Assertions.assertArrayEquals(idxRef, idx, s + " top-" + k + ": scalar vs reference");
            Compare.sameArray(vRef, v, s + " top-" + k + " values: scalar vs reference");
            org.junit.jupiter.api.Assertions.assertArrayEquals(idx, idxPub, s + " top-" + k + ": public kernel vs scalar");
            Compare.sameArray(v, vPub, s + " top-" + k + " values: public kernel vs scalar");
        });
    }

    /** The row sums on both sides of one, two and three chunks of 256 (and the 1024-element BCE chunks). */
    @Test
    void classificationKernelsAcrossChunks() {
        int[][] across = {{2, 255}, {2, 256}, {2, 257}, {3, 511}, {1, 768}, {2, 1023}, {1, 1025}, {3, 300}};
        for (int[] shape : across) {
            Shape s = new Shape(shape[0], shape[1], new int[] {1, 2, 0, 3, 1, 1}, 7 + shape[1], 0);
            Random rnd = new Random(s.seed());
            Window x = scaled(s.window(rnd, 0), 6f), out = s.window(rnd, 1);
            Window mine = out.copy(), pub = out.copy();
            S.softmax(s.rows(), s.cols(), x.data, x.off, x.ld, mine.data, mine.off, mine.ld, null);
            Softmax.forward(s.rows(), s.cols(), x.data, x.off, x.ld, pub.data, pub.off, pub.ld);
            Compare.sameArray(mine.data, pub.data, s + ": softmax across chunks");
            int[] labels = new int[s.rows()];
            float[] dzMine = new float[s.rows() * s.cols()], dzPub = new float[s.rows() * s.cols()];
            double total = S.crossEntropy(s.rows(), s.cols(), x.data, x.off, x.ld, labels, 0, dzMine, 0, s.cols(),
                    1f, 0.2f, null);
            float loss = CrossEntropy.lossAndGradient(s.rows(), s.cols(), x.data, x.off, x.ld, labels, 0, dzPub, 0,
                    s.cols(), Reduction.SUM, 0.2f);
            Compare.same((float) total, loss, s + ": cross-entropy across chunks");
            Compare.sameArray(dzMine, dzPub, s + ": dz across chunks");
            ClassificationBounds.crossEntropy(x.data, x.off, x.ld, s.rows(), s.cols(), labels, 0, 0.2f, false, loss,
                    dzMine, 0, s.cols(), s + " across chunks");
        }
    }

    // ------------------------------------------------------------------ SGD

    /** README: the update equals the reference bit for bit; and the public kernel's bits. */
    @Test
    void sgdEqualsTheReferenceAndThePublicKernel() {
        Props.theory(Props.EXAMPLES / 2).forAll(Props.dimension(200), Generate.longRange(0, 1L << 40),
                Generate.pick(List.of(0f, 0.9f)), Generate.booleans()).checkAssert((n, seed, momentum, zeroGrad) -> {
            Random rnd = new Random(seed);
            int wOff = 1, gOff = 2, vOff = 3;
            float[] w = Values.random(rnd, wOff + n + 2, 5, 1f), g = Values.random(rnd, gOff + n + 2, 5, 1f);
            float[] v = Values.random(rnd, vOff + n + 2, 5, 1f);
            float[][] ref = {w.clone(), g.clone(), v.clone()}, mine = {w.clone(), g.clone(), v.clone()};
            float[][] pub = {w.clone(), g.clone(), v.clone()};
            ReferenceUpdate.sgd(n, ref[0], wOff, ref[1], gOff, ref[2], vOff, 0.01f, momentum, 1e-4f, zeroGrad);
            S.sgd(n, mine[0], wOff, mine[1], gOff, mine[2], vOff, 0.01f, momentum, 1e-4f, zeroGrad);
            Update.sgd(n, pub[0], wOff, pub[1], gOff, pub[2], vOff, 0.01f, momentum, 1e-4f, zeroGrad);
            for (int t = 0; t < 3; t++) {
                String what = "sgd n=" + n + " momentum=" + momentum + " zeroGrad=" + zeroGrad + " array " + t;
                Compare.sameArray(ref[t], mine[t], what + ": scalar vs reference");
                Compare.sameArray(mine[t], pub[t], what + ": public kernel vs scalar");
            }
        });
    }

    // ------------------------------------------------------------------ bias

    @Test
    void biasAddAndGradientEqualTheReferenceAndThePublicKernel() {
        Props.theory().forAll(shapes(), Generate.booleans()).checkAssert((s, accumulate) -> {
            Random rnd = new Random(s.seed());
            int r = s.rows(), c = s.cols();
            Window x = s.window(rnd, 0), y = s.window(rnd, 1);
            int biasOff = s.slack()[5];
            float[] bias = Values.random(rnd, biasOff + c + 1, s.specialPermille(), 1f);

            Window ref = y.copy(), mine = y.copy(), pub = y.copy();
            ReferenceBias.add(r, c, x.data, x.off, x.ld, bias, biasOff, ref.data, ref.off, ref.ld);
            S.biasAdd(r, c, x.data, x.off, x.ld, bias, biasOff, mine.data, mine.off, mine.ld);
            Bias.add(r, c, x.data, x.off, x.ld, bias, biasOff, pub.data, pub.off, pub.ld);
            check(s + " bias add", y, ref, mine, pub, r, c);

            float[] dbRef = bias.clone(), dbMine = bias.clone(), dbPub = bias.clone();
            ReferenceBias.gradient(r, c, x.data, x.off, x.ld, dbRef, biasOff, accumulate);
            S.biasGradient(r, c, x.data, x.off, x.ld, dbMine, biasOff, accumulate, null);
            Bias.gradient(r, c, x.data, x.off, x.ld, dbPub, biasOff, accumulate);
            Compare.sameArray(dbRef, dbMine, s + " bias gradient: scalar vs reference");
            Compare.sameArray(dbMine, dbPub, s + " bias gradient: public kernel vs scalar");
        });
    }

    // ------------------------------------------------------------------ MSE

    @Test
    void mseEqualsTheReferenceAndThePublicKernel() {
        Props.theory().forAll(shapes()).checkAssert(ScalarKernelsTest::checkMse);
    }

    /** The chunk and lane folding: element counts on both sides of one, two and three chunks. */
    @Test
    void mseAcrossChunks() {
        long seed = 7;
        for (int[] shape : ACROSS_CHUNKS) {
            for (int[] slack : new int[][] {{0, 0, 0, 0, 0, 0}, {3, 5, 1, 2, 4, 7}}) {
                checkMse(new Shape(shape[0], shape[1], slack, seed++, 0));
            }
        }
    }

    private static void checkMse(Shape s) {
        Random rnd = new Random(s.seed());
        int r = s.rows(), c = s.cols();
        if (r * c == 0) {
            return; // the public kernel answers NaN before calling an implementation
        }
        Window p = s.window(rnd, 0), t = s.window(rnd, 1), g = s.window(rnd, 2);
        float expected = ReferenceMse.loss(r, c, p.data, p.off, p.ld, t.data, t.off, t.ld);

        float loss = S.mseLoss(r, c, p.data, p.off, p.ld, t.data, t.off, t.ld, null);
        // Mse's stated bound: relative 40 * 2^-24 (plus one subnormal step).
        Compare.close(expected, loss, 40 * Compare.U * Math.abs(expected) + Float.MIN_VALUE, s + " loss");
        Compare.same(Mse.loss(r, c, p.data, p.off, p.ld, t.data, t.off, t.ld), loss,
                s + " loss: public kernel vs scalar");

        Window gRef = g.copy(), gMine = g.copy(), gPub = g.copy();
        float lossRef = ReferenceMse.lossAndGradient(r, c, p.data, p.off, p.ld, t.data, t.off, t.ld,
                gRef.data, gRef.off, gRef.ld);
        float loss2 = S.mseLossAndGradient(r, c, p.data, p.off, p.ld, t.data, t.off, t.ld,
                gMine.data, gMine.off, gMine.ld, null);
        float lossPub = Mse.lossAndGradient(r, c, p.data, p.off, p.ld, t.data, t.off, t.ld,
                gPub.data, gPub.off, gPub.ld);
        Compare.same(expected, lossRef, s + " reference loss in both forms");
        Compare.same(loss, loss2, s + " loss with and without the gradient");
        Compare.same(lossPub, loss2, s + " loss and gradient: public kernel vs scalar");
        check(s + " gradient", g, gRef, gMine, gPub, r, c);
    }

    // ------------------------------------------------------------------ Stats

    @Test
    void summarizeEqualsTheReferenceAndThePublicKernel() {
        Props.theory().forAll(shapes()).checkAssert(ScalarKernelsTest::checkSummary);
    }

    /** The chunk folding, with NaNs and infinities (which take their lane slot and add nothing). */
    @Test
    void summarizeAcrossChunks() {
        long seed = 11;
        for (int[] shape : ACROSS_CHUNKS) {
            for (int specials : new int[] {0, 40}) {
                checkSummary(new Shape(shape[0], shape[1], new int[] {2, 3, 0, 1, 0, 0}, seed++, specials));
            }
        }
    }

    private static void checkSummary(Shape s) {
        Random rnd = new Random(s.seed());
        int r = s.rows(), c = s.cols();
        Window x = s.window(rnd, 0);
        double[] ref = {-1, -1, -1, -1, 42, 43}, mine = ref.clone(), pub = ref.clone();
        ReferenceStats.summarize(r, c, x.data, x.off, x.ld, ref);
        S.summarize(r, c, x.data, x.off, x.ld, mine, null);
        Stats.summarize(r, c, x.data, x.off, x.ld, pub);
        // Stats: the counts and the maximum exactly; the sum of squares within the order's
        // bound. Each float lane sums at most CHUNK / LANES non-negative terms per chunk, one FMA
        // rounding each, before its exact promotion to double; the double folds and the pairwise
        // total add a few roundings of 2^-53: relative (CHUNK / LANES + 2) * 2^-24 covers both.
        double tol = (CHUNK / (double) ArithmeticOrder.REDUCTION_LANES + 2) * Compare.U
                * ref[Stats.SUM_SQUARES] + (double) r * c * Compare.SUBNORMAL_ROUNDING;
        assertEquals(ref[Stats.SUM_SQUARES], mine[Stats.SUM_SQUARES], tol, s + " sum of squares");
        assertEquals(ref[Stats.MAX_ABS], mine[Stats.MAX_ABS], 0.0, s + " max");
        assertEquals(ref[Stats.NAN_COUNT], mine[Stats.NAN_COUNT], 0.0, s + " NaN count");
        assertEquals(ref[Stats.INF_COUNT], mine[Stats.INF_COUNT], 0.0, s + " infinity count");
        assertEquals(42.0, mine[4], 0.0, s + " out[4] must be left as it was");
        assertEquals(43.0, mine[5], 0.0, s + " out[5] must be left as it was");
        for (int i = 0; i < ref.length; i++) {
            assertEquals(Double.doubleToLongBits(pub[i]), Double.doubleToLongBits(mine[i]),
                    s + " summary[" + i + "]: public kernel vs scalar");
        }
    }

    @Test
    void deadColumnsEqualTheReferenceAndThePublicKernel() {
        Props.theory().forAll(shapes()).checkAssert(s -> {
            Random rnd = new Random(s.seed());
            int r = s.rows(), c = s.cols();
            Window a = s.window(rnd, 0);
            // Kill about half the columns: no element > 0 (zeros, negatives, NaN).
            for (int j = 0; j < c; j++) {
                if (rnd.nextBoolean()) {
                    for (int i = 0; i < r; i++) {
                        float v = a.at(i, j);
                        a.data[a.off + i * a.ld + j] = Float.isNaN(v) ? v : -Math.abs(v);
                    }
                }
            }
            int expected = ReferenceStats.deadColumns(r, c, a.data, a.off, a.ld);
            assertEquals(expected, S.deadColumns(r, c, a.data, a.off, a.ld), s + " scalar vs reference");
            assertEquals(expected, Stats.deadColumns(r, c, a.data, a.off, a.ld), s + " public kernel");
        });
    }

    // ------------------------------------------------------------------ GEMM

    /** A GEMM call with bias and activation: the Case of GemmCheck, plus the epilogue. */
    record FusedCase(GemmCheck.Case c, boolean withBias, Activation activation) {}

    static Gen<FusedCase> fusedCases() {
        Gen<GemmCheck.Case> cases = GemmCheck.cases(40).mix(GemmCheck.cases(200), 15);
        return cases.zip(Generate.booleans(), Generate.enumValues(Activation.class), FusedCase::new);
    }

    /** Operands of a case: A, B, C (NaN when beta is 0: it must not leak) and the bias. */
    record Operands(float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                    float[] c, int cOff, int ldc, float[] bias, int biasOff) {
        static Operands of(GemmCheck.Case c, boolean withBias) {
            Random rnd = new Random(c.seed());
            int m = c.m(), n = c.n(), k = c.k();
            int aCols = c.transA() ? m : k, aRows = c.transA() ? k : m;
            int bCols = c.transB() ? k : n, bRows = c.transB() ? n : k;
            int[] s = c.slack();
            int lda = Math.max(1, aCols) + s[1], ldb = Math.max(1, bCols) + s[3], ldc = Math.max(1, n) + s[5];
            float[] a = Values.random(rnd, s[0] + aRows * lda + s[1], c.specialPermille(), 1f);
            float[] b = Values.random(rnd, s[2] + bRows * ldb + s[3], c.specialPermille(), 1f);
            float[] cc = Values.random(rnd, s[4] + m * ldc + s[5], c.specialPermille(), 1f);
            if (c.beta() == 0f) {
                java.util.Arrays.fill(cc, Float.NaN);
            }
            float[] bias = withBias ? Values.random(rnd, s[1] + n + 1, c.specialPermille(), 1f) : null;
            return new Operands(a, s[0], lda, b, s[2], ldb, cc, s[4], ldc, bias, s[1]);
        }
    }

    /**
     * {@code f(alpha op(A) op(B) + beta C + bias)} on the scalar path: within the GEMM bound of
     * the reference (GemmCheck), plus {@code 2 * 2^-24 * (|z| + |b|)} for the bias add (README,
     * "fused dense forward"), for the identity and ReLU (1-Lipschitz and monotone, so the bound
     * carries over); and for every activation the same bits as the public kernel.
     */
    @Test
    void gemmWithBiasAndActivation() {
        Props.theory(Props.EXAMPLES / 2).forAll(fusedCases()).checkAssert(f -> {
            GemmCheck.Case c = f.c();
            Operands o = Operands.of(c, f.withBias());
            float[] mine = o.c().clone(), pub = o.c().clone();
            S.gemm(c.transA(), c.transB(), c.m(), c.n(), c.k(), c.alpha(), o.a(), o.aOff(), o.lda(),
                    o.b(), o.bOff(), o.ldb(), c.beta(), mine, o.cOff(), o.ldc(),
                    o.bias(), o.biasOff(), ForcedPath.code(f.activation()), null);
            Gemm.multiplyBiasActivation(c.transA(), c.transB(), c.m(), c.n(), c.k(), c.alpha(),
                    o.a(), o.aOff(), o.lda(), o.b(), o.bOff(), o.ldb(), c.beta(), pub, o.cOff(), o.ldc(),
                    o.bias(), o.biasOff(), f.activation());
            Compare.sameArray(mine, pub, f + ": public kernel vs scalar");
            checkAgainstReference(f, o, mine, c.transB());
        });
    }

    /**
     * As {@link #gemmWithBiasAndActivation}, deterministically on both sides of one and two depth
     * blocks, where the scalar loop joins blocks as {@code alpha * acc + c}.
     */
    @Test
    void gemmAcrossDepthBlocks() {
        int kc = ArithmeticOrder.DEPTH_BLOCK;
        long seed = 90;
        for (int k : new int[] {kc - 1, kc, kc + 1, 2 * kc + 3}) {
            for (int flags = 0; flags < 4; flags++) {
                for (Activation activation : Activation.values()) {
                    GemmCheck.Case c = new GemmCheck.Case((flags & 1) != 0, (flags & 2) != 0, 3, 7, k,
                            new int[] {1, 2, 0, 1, 3, 2}, -1.5f, flags < 2 ? 0f : 0.5f, seed++, 0);
                    FusedCase f = new FusedCase(c, (flags + activation.ordinal()) % 2 == 0, activation);
                    Operands o = Operands.of(c, f.withBias());
                    float[] mine = o.c().clone(), pub = o.c().clone();
                    S.gemm(c.transA(), c.transB(), c.m(), c.n(), k, c.alpha(), o.a(), o.aOff(), o.lda(),
                            o.b(), o.bOff(), o.ldb(), c.beta(), mine, o.cOff(), o.ldc(),
                            o.bias(), o.biasOff(), ForcedPath.code(activation), null);
                    Gemm.multiplyBiasActivation(c.transA(), c.transB(), c.m(), c.n(), k, c.alpha(),
                            o.a(), o.aOff(), o.lda(), o.b(), o.bOff(), o.ldb(), c.beta(), pub, o.cOff(),
                            o.ldc(), o.bias(), o.biasOff(), activation);
                    Compare.sameArray(mine, pub, f + ": public kernel vs scalar");
                    checkAgainstReference(f, o, mine, c.transB());
                }
            }
        }
    }

    /**
     * The product against the reference (bias and activation applied to it in float) for the
     * identity and ReLU, and C outside the window untouched for every activation.
     */
    private static void checkAgainstReference(FusedCase f, Operands o, float[] actual, boolean transB) {
        GemmCheck.Case c = f.c();
        int m = c.m(), n = c.n(), k = c.k();
        float[] expected = o.c().clone();
        ReferenceGemm.multiply(c.transA(), transB, m, n, k, c.alpha(), o.a(), o.aOff(), o.lda(),
                o.b(), o.bOff(), o.ldb(), c.beta(), expected, o.cOff(), o.ldc());
        for (int idx = 0; idx < actual.length; idx++) {
            int rel = idx - o.cOff();
            int i = rel >= 0 ? rel / o.ldc() : -1, j = rel >= 0 ? rel % o.ldc() : -1;
            if (i < 0 || i >= m || j >= n) {
                Compare.same(o.c()[idx], actual[idx], f + ": C outside the window at " + idx);
                continue;
            }
            if (f.activation() == Activation.SIGMOID || f.activation() == Activation.TANH) {
                continue; // their bounds are SigmoidTest's and TanhTest's; same bits checked above
            }
            double tol = GemmCheck.bound(c.transA(), transB, i, j, k, c.alpha(), o.a(), o.aOff(), o.lda(),
                    o.b(), o.bOff(), o.ldb(), c.beta(), o.c()[idx]);
            float z = expected[idx];
            if (o.bias() != null) {
                float bj = o.bias()[o.biasOff() + j];
                tol += 2 * Compare.U * (Math.abs((double) z) + Math.abs(bj));
                z = z + bj;
            }
            if (f.activation() == Activation.RELU) {
                z = Float.isNaN(z) ? z : Math.max(0f, z);
            }
            Compare.close(z, actual[idx], tol, f + ": C[" + i + "][" + j + "]");
        }
    }

    /** One thread on the scalar path: the same bits as the public parallel kernel, any parts. */
    @Test
    void gemmParallel() {
        Props.theory(Props.EXAMPLES / 4).forAll(GemmCheck.cases(60), Generate.range(1, 5)).checkAssert((c, parts) -> {
            Operands o = Operands.of(c, false);
            float[] mine = o.c().clone(), pub = o.c().clone();
            S.gemmParallel(c.transA(), c.transB(), c.m(), c.n(), c.k(), c.alpha(), o.a(), o.aOff(), o.lda(),
                    o.b(), o.bOff(), o.ldb(), c.beta(), mine, o.cOff(), o.ldc(), Runnable::run, parts, null);
            Gemm.multiplyParallel(c.transA(), c.transB(), c.m(), c.n(), c.k(), c.alpha(),
                    o.a(), o.aOff(), o.lda(), o.b(), o.bOff(), o.ldb(), c.beta(), pub, o.cOff(), o.ldc(),
                    Runnable::run, parts);
            Compare.sameArray(mine, pub, c + " parts=" + parts + ": public kernel vs scalar");
            checkAgainstReference(new FusedCase(c, false, Activation.IDENTITY), o, mine, c.transB());
        });
    }

    /**
     * B packed once ({@code packRight}) then multiplied ({@code gemmPacked}): the same bits as the
     * public kernel on its own packed matrix, and within the bound of the reference.
     */
    @Test
    void packedGemm() {
        Props.theory(Props.EXAMPLES / 2).forAll(fusedCases()).checkAssert(f -> {
            GemmCheck.Case c = f.c();
            Operands o = Operands.of(c, f.withBias());
            PackedOperand packed = S.packRight(c.transB(), c.k(), c.n(), o.b(), o.bOff(), o.ldb());
            assertEquals(c.k(), packed.depth, "depth");
            assertEquals(c.n(), packed.cols, "cols");
            float[] mine = o.c().clone(), pub = o.c().clone();
            S.gemmPacked(c.transA(), c.m(), c.alpha(), o.a(), o.aOff(), o.lda(), packed, c.beta(),
                    mine, o.cOff(), o.ldc(), o.bias(), o.biasOff(), ForcedPath.code(f.activation()), null);
            PackedMatrix b = PackedMatrix.pack(c.transB(), c.k(), c.n(), o.b(), o.bOff(), o.ldb());
            Gemm.multiplyPackedBiasActivation(c.transA(), c.m(), c.alpha(), o.a(), o.aOff(), o.lda(), b,
                    c.beta(), pub, o.cOff(), o.ldc(), o.bias(), o.biasOff(), f.activation());
            Compare.sameArray(mine, pub, f + " packed: public kernel vs scalar");
            checkAgainstReference(f, o, mine, c.transB());
        });
    }

    /** Deterministic cases for the packed forms below: every transpose, one to three depth blocks. */
    static List<GemmCheck.Case> packedCases() {
        int kc = ArithmeticOrder.DEPTH_BLOCK;
        List<GemmCheck.Case> cases = new java.util.ArrayList<>();
        int[][] shapes = {{1, 1, 1}, {3, 7, 5}, {17, 33, kc + 3}, {5, 2, 2 * kc + 1}};
        long seed = 300;
        for (int[] s : shapes) {
            for (int flags = 0; flags < 4; flags++) {
                cases.add(new GemmCheck.Case((flags & 1) != 0, (flags & 2) != 0, s[0], s[1], s[2],
                        new int[] {1, 2, 0, 1, 3, 2}, -1.25f, flags < 2 ? 0f : 0.5f, seed++, 0));
            }
        }
        return cases;
    }

    /**
     * B packed once as bfloat16 ({@code packRightBfloat16}) then multiplied ({@code gemmPacked}):
     * bit for bit the scalar product on B rounded to bfloat16 (Kernels.packRightBfloat16's
     * promise), and the public kernel's bits on its own bfloat16 packed matrix. B's values are
     * random floats, so the rounding shows, and every product here is non-zero: an operand left
     * unpacked (all zeros) or missing gives other bits.
     */
    @Test
    void packedBfloat16Gemm() {
        for (GemmCheck.Case c : packedCases()) {
            for (Activation activation : new Activation[] {Activation.IDENTITY, Activation.RELU}) {
                boolean withBias = activation == Activation.RELU;
                Operands o = Operands.of(c, withBias);
                float[] rounded = o.b().clone();
                for (int i = 0; i < rounded.length; i++) {
                    rounded[i] = org.vecprop.contract.Bfloat16.rounded(rounded[i]);
                }
                PackedOperand packed = S.packRightBfloat16(c.transB(), c.k(), c.n(), o.b(), o.bOff(), o.ldb());
                assertEquals(c.k(), packed.depth, "depth");
                assertEquals(c.n(), packed.cols, "cols");
                float[] mine = o.c().clone(), expected = o.c().clone(), pub = o.c().clone();
                S.gemmPacked(c.transA(), c.m(), c.alpha(), o.a(), o.aOff(), o.lda(), packed, c.beta(),
                        mine, o.cOff(), o.ldc(), o.bias(), o.biasOff(), ForcedPath.code(activation), null);
                S.gemm(c.transA(), c.transB(), c.m(), c.n(), c.k(), c.alpha(), o.a(), o.aOff(), o.lda(),
                        rounded, o.bOff(), o.ldb(), c.beta(), expected, o.cOff(), o.ldc(),
                        o.bias(), o.biasOff(), ForcedPath.code(activation), null);
                String what = c + " " + activation + " bfloat16 packed";
                Compare.sameArray(expected, mine, what + ": vs the scalar product on the rounded B");
                PackedMatrix b = PackedMatrix.packBfloat16(c.transB(), c.k(), c.n(), o.b(), o.bOff(), o.ldb());
                Gemm.multiplyPackedBiasActivation(c.transA(), c.m(), c.alpha(), o.a(), o.aOff(), o.lda(), b,
                        c.beta(), pub, o.cOff(), o.ldc(), o.bias(), o.biasOff(), activation);
                Compare.sameArray(mine, pub, what + ": public kernel vs scalar");
            }
        }
    }

    /**
     * The parallel product with B packed once: one thread on the scalar path, so the same bits
     * as {@code gemmPacked} and as the public parallel kernel, any parts, and within the bound
     * of the reference. Every case has a non-zero product, so C left as it was fails.
     */
    @Test
    void packedGemmParallel() {
        for (GemmCheck.Case c : packedCases()) {
            for (int parts : new int[] {1, 3}) {
                Operands o = Operands.of(c, false);
                PackedOperand packed = S.packRight(c.transB(), c.k(), c.n(), o.b(), o.bOff(), o.ldb());
                float[] mine = o.c().clone(), serial = o.c().clone(), pub = o.c().clone();
                S.gemmPackedParallel(c.transA(), c.m(), c.alpha(), o.a(), o.aOff(), o.lda(), packed, c.beta(),
                        mine, o.cOff(), o.ldc(), Runnable::run, parts, null);
                S.gemmPacked(c.transA(), c.m(), c.alpha(), o.a(), o.aOff(), o.lda(), packed, c.beta(),
                        serial, o.cOff(), o.ldc(), null, 0, Kernels.IDENTITY, null);
                String what = c + " parts=" + parts + " packed parallel";
                Compare.sameArray(serial, mine, what + ": vs gemmPacked");
                PackedMatrix b = PackedMatrix.pack(c.transB(), c.k(), c.n(), o.b(), o.bOff(), o.ldb());
                Gemm.multiplyPackedParallel(c.transA(), c.m(), c.alpha(), o.a(), o.aOff(), o.lda(), b,
                        c.beta(), pub, o.cOff(), o.ldc(), Runnable::run, parts);
                Compare.sameArray(mine, pub, what + ": public kernel vs scalar");
                checkAgainstReference(new FusedCase(c, false, Activation.IDENTITY), o, mine, c.transB());
            }
        }
    }

    /** A packed operand's shape is that of op(B), and repacking it changes the product. */
    @Test
    void repackedOperandGivesTheNewProduct() {
        int k = 5, n = 3;
        float[] b1 = Values.ramp(k * n), b2 = new float[k * n];
        for (int i = 0; i < b2.length; i++) {
            b2[i] = 0.5f * b1[i] - 1f;
        }
        float[] a = Values.ramp(2 * k);
        PackedOperand packed = S.packRight(false, k, n, b1, 0, n);
        packed.repack(false, b2, 0, n);
        float[] mine = new float[2 * n], expected = new float[2 * n];
        S.gemmPacked(false, 2, 1f, a, 0, k, packed, 0f, mine, 0, n, null, 0, Kernels.IDENTITY, null);
        ReferenceGemm.multiply(false, false, 2, n, k, 1f, a, 0, k, b2, 0, n, 0f, expected, 0, n);
        Compare.sameArray(expected, mine, "small exact integer product after repack"); // exact: integers
        assertTrue(packed.depth == k && packed.cols == n, "shape");
    }

    /**
     * The scalar implementation's packed operand (a dense copy of op(B)) repacks rows of stored
     * B alone: after rows [r0, r1) of b change, {@code repackRows} makes exactly those rows'
     * values current (op(B)'s rows, or its columns when transposed; rounded to bfloat16 for a
     * bfloat16 pack) and leaves every other value as packed before. Run at every width: the
     * vector implementations never make this class.
     */
    @Test
    void theDenseOperandRepacksOnlyTheGivenRows() {
        Props.theory().forAll(Props.dimension(40), Props.dimension(40), Generate.range(0, 1 << 20))
                .checkAssert((depth, cols, seed) -> {
                    boolean trans = (seed & 1) != 0, bf16 = (seed & 2) != 0;
                    Random rnd = new Random(seed);
                    int rows = trans ? cols : depth, rowLen = trans ? depth : cols;
                    int ldb = Math.max(1, rowLen) + seed % 3, bOff = seed % 4;
                    float[] b = Values.random(rnd, bOff + rows * ldb, 0, 1f);
                    PackedOperand packed = bf16 ? S.packRightBfloat16(trans, depth, cols, b, bOff, ldb)
                            : S.packRight(trans, depth, cols, b, bOff, ldb);
                    float[] before = ((DenseOperand) packed).data.clone();
                    int r0 = rows == 0 ? 0 : rnd.nextInt(rows + 1), r1 = r0 + (rows == r0 ? 0 : rnd.nextInt(rows - r0 + 1));
                    float[] changed = b.clone();
                    for (int i = 0; i < changed.length; i++) {
                        changed[i] = rnd.nextFloat() - 0.5f; // every row changes; only [r0, r1) is passed
                    }
                    packed.repackRows(trans, changed, bOff, ldb, r0, r1, null);
                    float[] data = ((DenseOperand) packed).data;
                    for (int p = 0; p < depth; p++) {
                        for (int j = 0; j < cols; j++) {
                            int stored = trans ? j : p;
                            float v = trans ? changed[bOff + j * ldb + p] : changed[bOff + p * ldb + j];
                            float expected = stored >= r0 && stored < r1
                                    ? (bf16 ? org.vecprop.contract.Bfloat16.rounded(v) : v)
                                    : before[p * cols + j];
                            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(data[p * cols + j]),
                                    "op(B)[" + p + "][" + j + "], rows [" + r0 + ", " + r1 + ") of " + rows
                                            + (trans ? ", transposed" : "") + (bf16 ? ", bfloat16" : ""));
                        }
                    }
                });
    }
}

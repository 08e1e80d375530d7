package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.vecprop.kernel.ElementwiseCase.cases;
import static org.vecprop.testing.BadCalls.backwardWithBiasGradient;
import static org.vecprop.testing.BadCalls.binary;
import static org.vecprop.testing.BadCalls.rejectedBeforeAnyWrite;
import static org.vecprop.testing.BadCalls.unary;
import static org.vecprop.testing.VectorLength.L;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.vecprop.internal.gemm.GemmBlocking.Path;
import org.vecprop.internal.scalar.ScalarKernels;
import org.vecprop.testing.BadCalls.BackwardWithBiasGradient;
import org.vecprop.testing.BadCalls.Bad;
import org.vecprop.testing.BadCalls.Binary;
import org.vecprop.testing.BadCalls.Unary;
import org.vecprop.testing.Compare;
import org.vecprop.testing.ForcedPath;
import org.vecprop.testing.GemmCheck;
import org.vecprop.testing.Props;
import org.vecprop.testing.Ulps;
import org.vecprop.testing.Values;

/**
 * What the sigmoid and tanh kernels must do, written once: {@link SigmoidTest} and
 * {@link TanhTest} run it on their kernel.
 *
 * <ul>
 *   <li>Forward against the exact function (the oracle's double value) within the bounds of
 *       {@code docs/exp.md} (the activation's {@link #forwardBound}), on generated layouts
 *       ({@link ElementwiseCase}: strided, offset, in place, special values) with inputs spread
 *       over several magnitudes; elements outside the window keep their bits.</li>
 *   <li>Backward against the exact {@code dy·f'(z)} from the stored activation within
 *       {@value #BACKWARD_BOUND} ulps ({@value #BACKWARD_BOUND_SUBNORMAL} where the result is
 *       subnormal). Derivation: the kernel computes {@code fl(dy · fl(s))} with s the exact
 *       derivative factor ({@code a - a²} or {@code 1 - a²}). {@code fl(s)} is within
 *       {@code u = 2^-24} relative of s (s is subnormal only for a subnormal a, and then it rounds
 *       to a itself, far closer), so {@code P = dy·fl(s)} is within {@code u|T|} of the truth T,
 *       which is below 1 ulp of T ({@code |T| < 2^24} ulps); the final rounding adds at most 0.5
 *       ulp, also when P crosses a power of two (then it rounds to that power, nearer T than P
 *       is). Where T is subnormal, {@code u|T| < 2^-150}, half a subnormal ulp, and the rounding
 *       another half.</li>
 *   <li>Bit for bit: each element is vecprop's own function (the scalar {@code FloatExp}) or the
 *       backward formula {@code dy * fma(-a, a, c)}, and the public kernel equals the scalar
 *       implementation ({@code ScalarKernels}) whatever the width; the fused backward equals the
 *       backward followed by {@link Bias#gradient}; the GEMM epilogue on every path and with a
 *       {@link PackedMatrix} equals {@link Gemm#multiply} followed by {@link Bias#add} and the
 *       forward kernel (the order of arithmetic adds the bias, then applies the function).</li>
 *   <li>Bad input on every entry point, before any write.</li>
 * </ul>
 */
abstract class SmoothActivationContract {
    static final double BACKWARD_BOUND = 1.5;
    static final double BACKWARD_BOUND_SUBNORMAL = 1.0;
    /** Magnitudes of generated inputs: the linear part, the bend, saturation, under/overflow of e^x. */
    static final float[] SCALES = {1f, 4f, 20f, 120f};

    // ------------------------------------------------------------------ what each activation supplies

    /** The activation's name in messages, e.g. {@code "Sigmoid"}. */
    abstract String name();

    /** The activation as the GEMM epilogue takes it. */
    abstract Activation activation();

    /** vecprop's own scalar function ({@code FloatExp}), the definition of each element. */
    abstract float function(float x);

    /** The addend c of the backward formula {@code dy * fma(-a, a, c)}. */
    abstract float addend(float a);

    /** The exact function in double (the oracle's). */
    abstract double exact(double x);

    /** The exact backward pass in double (the oracle's). */
    abstract double exactBackward(double a, double dy);

    /** The forward error bound in ulps at x (docs/exp.md). */
    abstract double forwardBound(float x, double truth);

    abstract Unary kernelForward();

    abstract Unary scalarForward();

    abstract Unary referenceForward();

    abstract Binary kernelBackward();

    abstract Binary scalarBackward();

    abstract Binary referenceBackward();

    abstract BackwardWithBiasGradient kernelFused();

    abstract BackwardWithBiasGradient scalarFused();

    // ------------------------------------------------------------------ forward

    /** Each element times a random magnitude of {@link #SCALES} (special values stay special). */
    static float[] spread(Random rnd, float[] x) {
        for (int i = 0; i < x.length; i++) {
            x[i] *= SCALES[rnd.nextInt(SCALES.length)];
        }
        return x;
    }

    @Test
    void forwardIsWithinTheBoundOfTheExactFunction() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] x = spread(rnd, c.matrix(rnd, 0));
            float[] y0 = c.matrix(rnd, 1);
            float[] y = c.inPlace() ? x.clone() : y0.clone();
            float[] before = y.clone();
            float[] in = c.inPlace() ? y : x;
            int yOff = c.inPlace() ? c.off(0) : c.off(1), ldy = c.inPlace() ? c.ld(0) : c.ld(1);
            kernelForward().call(c.rows(), c.cols(), in, c.off(0), c.ld(0), y, yOff, ldy);
            for (int idx = 0; idx < y.length; idx++) {
                int rel = idx - yOff, i = rel >= 0 ? rel / ldy : -1, j = rel >= 0 ? rel % ldy : -1;
                if (i < 0 || i >= c.rows() || j >= c.cols()) {
                    Compare.same(before[idx], y[idx], c + " y outside the window at " + idx);
                    continue;
                }
                float xi = (c.inPlace() ? before : x)[c.off(0) + i * c.ld(0) + j];
                double truth = exact(xi);
                double err = Ulps.error(y[idx], truth);
                if (!(err <= forwardBound(xi, truth))) {
                    fail(c + " " + name() + "(" + xi + ") = " + y[idx] + ", exact " + truth + ": "
                            + err + " ulps, bound " + forwardBound(xi, truth));
                }
            }
        });
    }

    @Test
    void forwardIsVecpropsFunctionAndTheScalarImplementationBitForBit() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] x = spread(rnd, c.matrix(rnd, 0));
            float[] y = c.matrix(rnd, 1), scalar = y.clone();
            kernelForward().call(c.rows(), c.cols(), x, c.off(0), c.ld(0), y, c.off(1), c.ld(1));
            scalarForward().call(c.rows(), c.cols(), x, c.off(0), c.ld(0), scalar, c.off(1), c.ld(1));
            Compare.sameArray(scalar, y, c + " kernel vs the scalar implementation");
            for (int i = 0; i < c.rows(); i++) {
                for (int j = 0; j < c.cols(); j++) {
                    float xi = x[c.off(0) + i * c.ld(0) + j];
                    Compare.same(function(xi), y[c.off(1) + i * c.ld(1) + j],
                            c + " " + name() + "(" + xi + ")");
                }
            }
        });
    }

    /**
     * The oracle's matrix forms are its element functions and nothing else: every element of the
     * window is {@code (float) exact(x)} (forward) or {@code (float) exactBackward(a, dy)}
     * (backward), read and written through the offsets and strides, and every element outside
     * the window keeps its bits. The properties above compare the kernels with the element
     * functions; this one makes the matrix forms a user calls as an oracle equally checked.
     */
    @Test
    void theOraclesMatrixFormsApplyItsElementFunctionsToTheWindowOnly() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] x = spread(rnd, c.matrix(rnd, 0));
            float[] dy = c.matrix(rnd, 1);
            float[] y = c.matrix(rnd, 2), yBefore = y.clone();
            float[] dz = c.matrix(rnd, 2), dzBefore = dz.clone();
            referenceForward().call(c.rows(), c.cols(), x, c.off(0), c.ld(0), y, c.off(2), c.ld(2));
            referenceBackward().call(c.rows(), c.cols(), x, c.off(0), c.ld(0), dy, c.off(1), c.ld(1),
                    dz, c.off(2), c.ld(2));
            int off = c.off(2), ld = c.ld(2);
            for (int idx = 0; idx < y.length; idx++) {
                int rel = idx - off, i = rel >= 0 ? rel / ld : -1, j = rel >= 0 ? rel % ld : -1;
                if (i < 0 || i >= c.rows() || j >= c.cols()) {
                    Compare.same(yBefore[idx], y[idx], c + " oracle forward wrote outside the window at " + idx);
                    Compare.same(dzBefore[idx], dz[idx], c + " oracle backward wrote outside the window at " + idx);
                    continue;
                }
                float xi = x[c.off(0) + i * c.ld(0) + j], dyi = dy[c.off(1) + i * c.ld(1) + j];
                Compare.same((float) exact(xi), y[idx], c + " oracle " + name() + "(" + xi + ")");
                Compare.same((float) exactBackward(xi, dyi), dz[idx],
                        c + " oracle " + name() + " backward at a = " + xi + ", dy = " + dyi);
            }
        });
    }

    // ------------------------------------------------------------------ backward

    /**
     * Stored activations: mostly the function of a spread input (what a forward pass leaves),
     * sometimes (at the case's special rate) a raw value, special ones included.
     */
    float[] activations(Random rnd, ElementwiseCase c, int which) {
        float[] a = c.matrix(rnd, which);
        for (int i = 0; i < a.length; i++) {
            if (rnd.nextInt(1000) >= c.specials()) {
                a[i] = function(a[i] * SCALES[rnd.nextInt(SCALES.length)]);
            }
        }
        return a;
    }

    @Test
    void backwardIsWithinTheBoundOfTheExactDerivative() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] a = activations(rnd, c, 0);
            float[] dy = spread(rnd, c.matrix(rnd, 1));
            float[] dz0 = c.matrix(rnd, 2);
            // In place: dz is dy itself.
            float[] dz = c.inPlace() ? dy.clone() : dz0.clone();
            float[] dyIn = c.inPlace() ? dz : dy;
            int dzOff = c.inPlace() ? c.off(1) : c.off(2), lddz = c.inPlace() ? c.ld(1) : c.ld(2);
            float[] before = dz.clone();
            kernelBackward().call(c.rows(), c.cols(), a, c.off(0), c.ld(0), dyIn, c.off(1), c.ld(1),
                    dz, dzOff, lddz);
            for (int idx = 0; idx < dz.length; idx++) {
                int rel = idx - dzOff, i = rel >= 0 ? rel / lddz : -1, j = rel >= 0 ? rel % lddz : -1;
                if (i < 0 || i >= c.rows() || j >= c.cols()) {
                    Compare.same(before[idx], dz[idx], c + " dz outside the window at " + idx);
                    continue;
                }
                float ai = a[c.off(0) + i * c.ld(0) + j], gi = dy[c.off(1) + i * c.ld(1) + j];
                double truth = exactBackward(ai, gi);
                double bound = Math.abs(truth) < Ulps.SUBNORMAL_LIMIT ? BACKWARD_BOUND_SUBNORMAL
                        : BACKWARD_BOUND;
                double err = Ulps.error(dz[idx], truth);
                if (!(err <= bound)) {
                    fail(c + " " + name() + " backward a=" + ai + " dy=" + gi + ": " + dz[idx]
                            + ", exact " + truth + ": " + err + " ulps, bound " + bound);
                }
            }
        });
    }

    @Test
    void backwardIsTheFormulaAndTheScalarImplementationBitForBit() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] a = activations(rnd, c, 0);
            float[] dy = spread(rnd, c.matrix(rnd, 1));
            float[] dz = c.matrix(rnd, 2), scalar = dz.clone();
            kernelBackward().call(c.rows(), c.cols(), a, c.off(0), c.ld(0), dy, c.off(1), c.ld(1),
                    dz, c.off(2), c.ld(2));
            scalarBackward().call(c.rows(), c.cols(), a, c.off(0), c.ld(0), dy, c.off(1), c.ld(1),
                    scalar, c.off(2), c.ld(2));
            Compare.sameArray(scalar, dz, c + " kernel vs the scalar implementation");
            for (int i = 0; i < c.rows(); i++) {
                for (int j = 0; j < c.cols(); j++) {
                    float ai = a[c.off(0) + i * c.ld(0) + j], gi = dy[c.off(1) + i * c.ld(1) + j];
                    Compare.same(gi * Math.fma(-ai, ai, addend(ai)), dz[c.off(2) + i * c.ld(2) + j],
                            c + " backward a=" + ai + " dy=" + gi);
                }
            }
        });
    }

    @Test
    void backwardWithBiasGradientIsBackwardThenBiasGradientBitForBit() {
        Props.theory().forAll(cases()).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            float[] a = activations(rnd, c, 0);
            float[] dy = spread(rnd, c.matrix(rnd, 1));
            float[] db0 = Values.random(rnd, c.off(2) + c.cols() + 2, c.specials(), 1f);
            for (boolean accumulate : new boolean[] {false, true}) {
                // dz in place on dy, as the dense backward pass uses it.
                float[] expDy = dy.clone(), actDy = dy.clone(), scalarDy = dy.clone();
                float[] expDb = db0.clone(), actDb = db0.clone(), scalarDb = db0.clone();
                kernelBackward().call(c.rows(), c.cols(), a, c.off(0), c.ld(0), expDy, c.off(1), c.ld(1),
                        expDy, c.off(1), c.ld(1));
                Bias.gradient(c.rows(), c.cols(), expDy, c.off(1), c.ld(1), expDb, c.off(2), accumulate);
                kernelFused().call(c.rows(), c.cols(), a, c.off(0), c.ld(0), actDy, c.off(1), c.ld(1),
                        actDy, c.off(1), c.ld(1), actDb, c.off(2), accumulate);
                scalarFused().call(c.rows(), c.cols(), a, c.off(0), c.ld(0), scalarDy, c.off(1), c.ld(1),
                        scalarDy, c.off(1), c.ld(1), scalarDb, c.off(2), accumulate);
                Compare.sameArray(expDy, actDy, c + " dz accumulate=" + accumulate);
                Compare.sameArray(expDb, actDb, c + " db accumulate=" + accumulate);
                Compare.sameArray(scalarDy, actDy, c + " dz vs the scalar implementation");
                Compare.sameArray(scalarDb, actDb, c + " db vs the scalar implementation");
            }
        });
    }

    @Test
    void withOneStridedOperand() {
        // All-contiguous operands run as one long row; one strided operand must turn that off.
        int rows = 3, cols = 2 * L + 3;
        Random rnd = new Random(9);
        for (int strided = 0; strided < 3; strided++) {
            int[] ld = {cols, cols, cols};
            ld[strided] = cols + 2;
            float[] a = Values.random(rnd, rows * ld[0], 0, 1f);
            float[] dy = Values.random(rnd, rows * ld[1], 0, 2f);
            float[] dz = Values.random(rnd, rows * ld[2], 0, 2f), scalar = dz.clone();
            kernelBackward().call(rows, cols, a, 0, ld[0], dy, 0, ld[1], dz, 0, ld[2]);
            scalarBackward().call(rows, cols, a, 0, ld[0], dy, 0, ld[1], scalar, 0, ld[2]);
            Compare.sameArray(scalar, dz, name() + ".backward, operand " + strided + " strided");
            if (strided < 2) {
                float[] y = Values.random(rnd, rows * ld[1], 0, 1f), ys = y.clone();
                kernelForward().call(rows, cols, spread(rnd, a), 0, ld[0], y, 0, ld[1]);
                scalarForward().call(rows, cols, a, 0, ld[0], ys, 0, ld[1]);
                Compare.sameArray(ys, y, name() + ".forward, operand " + strided + " strided");
            }
        }
    }

    @Test
    void specialValues() {
        float[] x = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f, -0f,
            Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 1f, -1f};
        float[] y = new float[x.length];
        kernelForward().call(1, x.length, x, 0, x.length, y, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            double truth = exact(x[i]);
            assertEquals(0, Ulps.error(y[i], truth), forwardBound(x[i], truth),
                    name() + "(" + x[i] + ") = " + y[i]);
        }
        // Backward: NaN spreads from either side, an infinite dy times a zero derivative is NaN.
        float[] a = {Float.NaN, 0.5f, 1f, 0.25f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0f};
        float[] dy = {1f, Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, 1f, -2f};
        float[] dz = new float[a.length];
        kernelBackward().call(1, a.length, a, 0, a.length, dy, 0, a.length, dz, 0, a.length);
        for (int i = 0; i < a.length; i++) {
            double truth = exactBackward(a[i], dy[i]);
            assertEquals(0, Ulps.error(dz[i], truth), BACKWARD_BOUND,
                    name() + " backward a=" + a[i] + " dy=" + dy[i] + ": " + dz[i] + ", exact " + truth);
        }
    }

    // ------------------------------------------------------------------ the GEMM epilogue

    @Test
    void gemmEpilogueIsTheCompositionOnEveryPathAndPacked() {
        Props.theory(Props.EXAMPLES / 2).forAll(GemmCheck.cases(150)).checkAssert(c -> {
            Random rnd = new Random(c.seed() + 29);
            int m = c.m(), n = c.n(), k = c.k();
            int lda = Math.max(1, c.transA() ? m : k), ldb = Math.max(1, c.transB() ? k : n);
            int ldc = Math.max(1, n) + 1;
            float[] a = Values.random(rnd, (c.transA() ? k : m) * lda, c.specialPermille(), 1f);
            float[] b = Values.random(rnd, (c.transB() ? n : k) * ldb, c.specialPermille(), 2f);
            boolean withBias = (c.seed() & 1) == 0;
            float[] bias = withBias ? Values.random(rnd, n + 2, c.specialPermille(), 3f) : null;
            float[] c0 = Values.random(rnd, m * ldc, 0, 1f);
            float[] expected = c0.clone();
            Gemm.multiply(c.transA(), c.transB(), m, n, k, c.alpha(), a, 0, lda, b, 0, ldb, c.beta(),
                    expected, 0, ldc);
            if (withBias) {
                Bias.add(m, n, expected, 0, ldc, bias, 2, expected, 0, ldc);
            }
            kernelForward().call(m, n, expected, 0, ldc, expected, 0, ldc);
            String what = c + " bias=" + withBias + " " + activation();
            for (Path path : Path.values()) {
                float[] actual = c0.clone();
                ForcedPath.multiply(path, c.transA(), c.transB(), m, n, k, c.alpha(), a, 0, lda, b, 0, ldb,
                        c.beta(), actual, 0, ldc, bias, 2, activation(), null);
                Compare.sameArray(expected, actual, what + " " + path);
            }
            float[] packed = c0.clone();
            Gemm.multiplyPackedBiasActivation(c.transA(), m, c.alpha(), a, 0, lda,
                    PackedMatrix.pack(c.transB(), k, n, b, 0, ldb), c.beta(), packed, 0, ldc, bias, 2,
                    activation());
            Compare.sameArray(expected, packed, what + " packed");
            float[] scalar = c0.clone();
            ScalarKernels.INSTANCE.gemm(c.transA(), c.transB(), m, n, k, c.alpha(), a, 0, lda, b, 0, ldb,
                    c.beta(), scalar, 0, ldc, bias, 2, activation().code, null);
            Compare.sameArray(expected, scalar, what + " the scalar implementation");
        });
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void generatedInvalidForwardCallsAreRejected() {
        Unary f = kernelForward();
        InvalidCalls.check(name() + ".forward", new int[][] {{3, 5}, {3, 5}}, new String[] {"x", "y"}, 1,
                m -> f.call(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld, m[1].array, m[1].off, m[1].ld));
    }

    @Test
    void generatedInvalidBackwardCallsAreRejected() {
        Binary f = kernelBackward();
        InvalidCalls.check(name() + ".backward", new int[][] {{3, 5}, {3, 5}, {3, 5}},
                new String[] {"a", "dy", "dz"}, 1,
                m -> f.call(m[0].rows, m[0].cols, m[0].array, m[0].off, m[0].ld,
                        m[1].array, m[1].off, m[1].ld, m[2].array, m[2].off, m[2].ld));
    }

    /**
     * Every entry point, and the oracle's, rejects bad arguments before writing: the exception
     * type and a message naming the argument, every array keeping its bits (rows: BadCalls).
     */
    @TestFactory
    List<DynamicTest> badCallsAreRejectedBeforeAnyWrite() {
        List<Bad> l = new ArrayList<>();
        l.addAll(unary(name() + ".forward", "x", "y", kernelForward()));
        l.addAll(binary(name() + ".backward", "a", "dy", "dz", kernelBackward()));
        l.addAll(backwardWithBiasGradient(name() + ".backwardWithBiasGradient", "a", kernelFused()));
        l.addAll(unary("Reference" + name() + ".forward", "x", "y", referenceForward()));
        l.addAll(binary("Reference" + name() + ".backward", "a", "dy", "dz", referenceBackward()));
        return rejectedBeforeAnyWrite(l);
    }
}

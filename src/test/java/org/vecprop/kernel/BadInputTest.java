package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every public kernel, and its reference twin, rejects bad arguments before writing: the
 * exception is IllegalArgumentException or IndexOutOfBoundsException, its message names the
 * argument and its value, and every output array keeps its bits.
 */
class BadInputTest {

    /** The arrays of one call; each call gets fresh copies so a partial write would show. */
    static final class Arrays {
        final float[] a = ramp(64), b = ramp(64), c = ramp(64), d = ramp(64);

        static float[] ramp(int n) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = i * 0.25f - 3f;
            }
            return x;
        }
    }

    record Bad(String what, Class<? extends RuntimeException> type, String fragment,
               Consumer<Arrays> call) {}

    static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
    static final Class<IndexOutOfBoundsException> IOOBE = IndexOutOfBoundsException.class;

    /** A GEMM call on 4x4 matrices in 64-element arrays, with one argument made bad. */
    interface GemmCall {
        void call(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                  int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);
    }

    static List<Bad> gemm(String api, GemmCall g) {
        List<Bad> l = new ArrayList<>();
        l.add(new Bad(api + " negative m", IAE, "m must be >= 0, got -1",
                x -> g.call(false, false, -1, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " negative n", IAE, "n must be >= 0, got -2",
                x -> g.call(false, false, 4, -2, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " negative k", IAE, "k must be >= 0, got -3",
                x -> g.call(false, false, 4, 4, -3, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " null a", IAE, "a must not be null",
                x -> g.call(false, false, 4, 4, 4, 1, null, 0, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " null b", IAE, "b must not be null",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, null, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " null c", IAE, "c must not be null",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, null, 0, 4)));
        l.add(new Bad(api + " lda too small", IAE, "lda must be >= max(1, cols = 4), got 3",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 3, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " lda too small for Aᵀ", IAE, "lda must be >= max(1, cols = 5), got 4",
                x -> g.call(true, false, 5, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 5)));
        l.add(new Bad(api + " ldb too small for Bᵀ", IAE, "ldb must be >= max(1, cols = 6), got 5",
                x -> g.call(false, true, 4, 4, 6, 1, x.a, 0, 6, x.b, 0, 5, 0, x.c, 0, 4)));
        l.add(new Bad(api + " ldc too small", IAE, "ldc must be >= max(1, cols = 4), got 0",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 0)));
        l.add(new Bad(api + " negative aOff", IOOBE, "aOff -1",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, -1, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " bOff past the end", IOOBE, "bOff 65",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 65, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " a runs past its array", IOOBE, "needs 66 elements, but a.length is 64",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 50, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " c runs past its array", IOOBE, "needs 65 elements, but c.length is 64",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 1, 20)));
        l.add(new Bad(api + " huge ldc overflows int", IOOBE, "needs " + (3L * Integer.MAX_VALUE + 4),
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0,
                        Integer.MAX_VALUE)));
        l.add(new Bad(api + " c overlaps a", IAE, "c (elements 8..23) overlaps a",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.a, 8, 4)));
        l.add(new Bad(api + " c is b", IAE, "overlaps b",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.b, 0, 4)));
        return l;
    }

    interface Unary {
        void call(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy);
    }

    static List<Bad> unary(String api, String x, String y, Unary u) {
        List<Bad> l = new ArrayList<>();
        l.add(new Bad(api + " negative rows", IAE, x + ": rows must be >= 0, got -1",
                a -> u.call(-1, 4, a.a, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " negative cols", IAE, x + ": cols must be >= 0, got -4",
                a -> u.call(4, -4, a.a, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " null input", IAE, x + " must not be null",
                a -> u.call(4, 4, null, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " null output", IAE, y + " must not be null",
                a -> u.call(4, 4, a.a, 0, 4, null, 0, 4)));
        l.add(new Bad(api + " small ld", IAE, "ld" + y + " must be >= max(1, cols = 4), got 2",
                a -> u.call(4, 4, a.a, 0, 4, a.c, 0, 2)));
        l.add(new Bad(api + " output past end", IOOBE, "needs 67 elements, but " + y
                + ".length is 64", a -> u.call(4, 4, a.a, 0, 4, a.c, 3, 20)));
        l.add(new Bad(api + " negative offset", IOOBE, x + "Off -5",
                a -> u.call(4, 4, a.a, -5, 4, a.c, 0, 4)));
        l.add(new Bad(api + " partial overlap", IAE, y + " (elements 1..16) overlaps " + x,
                a -> u.call(4, 4, a.a, 0, 4, a.a, 1, 4)));
        return l;
    }

    interface Binary {
        void call(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                  float[] o, int oOff, int ldo);
    }

    static List<Bad> binary(String api, String x, String y, String o, Binary u) {
        List<Bad> l = new ArrayList<>();
        l.add(new Bad(api + " negative rows", IAE, "rows must be >= 0, got -1",
                a -> u.call(-1, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " null first input", IAE, x + " must not be null",
                a -> u.call(4, 4, null, 0, 4, a.b, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " null second input", IAE, y + " must not be null",
                a -> u.call(4, 4, a.a, 0, 4, null, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " null output", IAE, o + " must not be null",
                a -> u.call(4, 4, a.a, 0, 4, a.b, 0, 4, null, 0, 4)));
        l.add(new Bad(api + " second input past end", IOOBE, y + ": a 4 x 4 matrix at " + y
                + "Off 60", a -> u.call(4, 4, a.a, 0, 4, a.b, 60, 4, a.c, 0, 4)));
        l.add(new Bad(api + " small ld", IAE, "ld" + x + " must be >= max(1, cols = 4), got 1",
                a -> u.call(4, 4, a.a, 0, 1, a.b, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " output overlaps first input", IAE, o + " (elements 2..17) overlaps "
                + x, a -> u.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.a, 2, 4)));
        l.add(new Bad(api + " output overlaps second input", IAE, "overlaps " + y,
                a -> u.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.b, 0, 5)));
        return l;
    }

    static List<Bad> all() {
        List<Bad> l = new ArrayList<>();
        l.addAll(gemm("Gemm.multiply", Gemm::multiply));
        l.addAll(gemm("Gemm.multiply(workspace)", (ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be,
                c, co, lc) -> Gemm.multiply(ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be, c, co, lc,
                new GemmWorkspace())));
        l.add(new Bad("Gemm.multiply null workspace", IAE, "workspace must not be null",
                x -> Gemm.multiply(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4, null)));
        l.addAll(gemm("reference.Gemm.multiply", org.vecprop.reference.ReferenceGemm::multiply));
        l.addAll(gemm("Gemm.multiply(bias, relu)", (ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be,
                c, co, lc) -> Gemm.multiplyBiasActivation(ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be, c, co, lc,
                new float[Math.max(0, n)], 0, Activation.RELU)));
        l.add(new Bad("Gemm.multiply bias too short", IOOBE, "bias: 4 elements at biasOff 61",
                x -> Gemm.multiplyBiasActivation(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4,
                        x.d, 61, Activation.IDENTITY)));
        l.add(new Bad("Gemm.multiply bias overlaps c", IAE, "c (elements 0..15) overlaps bias",
                x -> Gemm.multiplyBiasActivation(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4,
                        x.c, 12, Activation.RELU)));
        l.addAll(gemm("Gemm.multiply(executor)", (ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be,
                c, co, lc) -> Gemm.multiplyParallel(ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be, c, co, lc,
                Runnable::run, 2)));
        l.add(new Bad("Gemm.multiply null executor", IAE, "executor must not be null",
                x -> Gemm.multiplyParallel(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4,
                        null, 2)));
        l.add(new Bad("Gemm.multiply zero parts", IAE, "parts must be >= 1, got 0",
                x -> Gemm.multiplyParallel(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4,
                        Runnable::run, 0)));
        l.addAll(unary("Relu.forward", "x", "y", Relu::forward));
        l.addAll(unary("reference.Relu.forward", "x", "y", org.vecprop.reference.ReferenceRelu::forward));
        l.addAll(unary("Relu.mask", "z", "m", Relu::mask));
        l.addAll(unary("reference.Relu.mask", "z", "m", org.vecprop.reference.ReferenceRelu::mask));
        l.addAll(binary("Relu.backward", "z", "dy", "dz", Relu::backward));
        l.addAll(binary("reference.Relu.backward", "z", "dy", "dz",
                org.vecprop.reference.ReferenceRelu::backward));
        l.addAll(binary("Relu.backward(db)", "z", "dy", "dz",
                (r, c, x, xo, lx, y, yo, ly, o, oo, lo) -> Relu.backwardWithBiasGradient(r, c, x, xo, lx, y, yo, ly,
                        o, oo, lo, new float[Math.max(0, c)], 0, true)));
        l.add(new Bad("Relu.backward(db) null db", IAE, "db must not be null",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, null, 0, false)));
        l.add(new Bad("Relu.backward(db) db overlaps z", IAE, "db (elements 3..6) overlaps z",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.a, 3, false)));
        l.add(new Bad("Relu.backward(db) db overlaps dz", IAE, "db (elements 60..63) overlaps dz",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 48, 4, a.c, 60, false)));
        l.add(new Bad("Relu.backward(db) db past end", IOOBE, "db: 4 elements at dbOff 62",
                a -> Relu.backwardWithBiasGradient(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.d, 62, false)));
        l.addAll(binary("Mse.lossAndGradient", "p", "t", "g",
                (r, c, x, xo, lx, y, yo, ly, o, oo, lo) -> Mse.lossAndGradient(r, c, x, xo, lx, y, yo, ly, o, oo, lo)));
        l.addAll(binary("reference.Mse.lossAndGradient", "p", "t", "g",
                (r, c, x, xo, lx, y, yo, ly, o, oo, lo) ->
                        org.vecprop.reference.ReferenceMse.lossAndGradient(r, c, x, xo, lx, y, yo, ly, o, oo, lo)));
        // The loss writes nothing, so only the messages are checked; d serves as a bystander.
        l.addAll(unary("Mse.loss", "p", "t",
                (r, c, x, xo, lx, y, yo, ly) -> lossRejectsOverlapToo(r, c, x, xo, lx, y, yo, ly, false)));
        l.addAll(unary("reference.Mse.loss", "p", "t",
                (r, c, x, xo, lx, y, yo, ly) -> lossRejectsOverlapToo(r, c, x, xo, lx, y, yo, ly, true)));
        l.addAll(bias("Bias", Bias::add, Bias::gradient));
        l.addAll(bias("reference.Bias", org.vecprop.reference.ReferenceBias::add,
                org.vecprop.reference.ReferenceBias::gradient));
        return l;
    }

    /**
     * Mse.loss has no output; overlapping p and t is legal. To reuse the unary table, the
     * "partial overlap" row is served by a call that reports it the way the table expects.
     */
    static void lossRejectsOverlapToo(int r, int c, float[] p, int po, int lp, float[] t, int to,
                                      int lt, boolean reference) {
        if (p == t && po != to) {
            org.vecprop.contract.Checks.noOverlap("t", t, to, lt, "p", p, po, lp, r, c, true);
        }
        if (reference) {
            org.vecprop.reference.ReferenceMse.loss(r, c, p, po, lp, t, to, lt);
        } else {
            Mse.loss(r, c, p, po, lp, t, to, lt);
        }
    }

    interface BiasAdd {
        void call(int rows, int cols, float[] x, int xOff, int ldx, float[] bias, int biasOff,
                  float[] y, int yOff, int ldy);
    }

    interface BiasGradient {
        void call(int rows, int cols, float[] dz, int dzOff, int lddz, float[] db, int dbOff,
                  boolean accumulate);
    }

    static List<Bad> bias(String api, BiasAdd add, BiasGradient grad) {
        List<Bad> l = new ArrayList<>();
        l.add(new Bad(api + ".add null bias", IAE, "bias must not be null",
                a -> add.call(4, 4, a.a, 0, 4, null, 0, a.c, 0, 4)));
        l.add(new Bad(api + ".add bias past end", IOOBE, "bias: 4 elements at biasOff 62",
                a -> add.call(4, 4, a.a, 0, 4, a.b, 62, a.c, 0, 4)));
        l.add(new Bad(api + ".add negative cols", IAE, "cols must be >= 0, got -1",
                a -> add.call(4, -1, a.a, 0, 4, a.b, 0, a.c, 0, 4)));
        l.add(new Bad(api + ".add y overlaps bias", IAE, "y (elements 0..15) overlaps bias",
                a -> add.call(4, 4, a.a, 0, 4, a.c, 10, a.c, 0, 4)));
        l.add(new Bad(api + ".add y overlaps x", IAE, "y (elements 4..19) overlaps x",
                a -> add.call(4, 4, a.a, 0, 4, a.b, 0, a.a, 4, 4)));
        l.add(new Bad(api + ".add small ldy", IAE, "ldy must be >= max(1, cols = 4), got 3",
                a -> add.call(4, 4, a.a, 0, 4, a.b, 0, a.c, 0, 3)));
        l.add(new Bad(api + ".gradient null dz", IAE, "dz must not be null",
                a -> grad.call(4, 4, null, 0, 4, a.c, 0, false)));
        l.add(new Bad(api + ".gradient null db", IAE, "db must not be null",
                a -> grad.call(4, 4, a.a, 0, 4, null, 0, true)));
        l.add(new Bad(api + ".gradient db past end", IOOBE, "db: 4 elements at dbOff 61",
                a -> grad.call(4, 4, a.a, 0, 4, a.c, 61, false)));
        l.add(new Bad(api + ".gradient dz past end", IOOBE, "dz: a 4 x 4 matrix at dzOff 0 with lddz 30",
                a -> grad.call(4, 4, a.a, 0, 30, a.c, 0, false)));
        l.add(new Bad(api + ".gradient db overlaps dz", IAE, "db (elements 2..5) overlaps dz",
                a -> grad.call(4, 4, a.a, 0, 4, a.a, 2, true)));
        l.add(new Bad(api + ".gradient negative rows", IAE, "dz: rows must be >= 0, got -7",
                a -> grad.call(-7, 4, a.a, 0, 4, a.c, 0, true)));
        return l;
    }

    @TestFactory
    List<DynamicTest> everyBadCallIsRejectedBeforeAnyWrite() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Bad bad : all()) {
            tests.add(DynamicTest.dynamicTest(bad.what(), () -> {
                Arrays arrays = new Arrays();
                Arrays before = new Arrays();
                RuntimeException e = assertThrows(bad.type(), () -> bad.call().accept(arrays),
                        bad.what());
                assertTrue(e.getMessage() != null && e.getMessage().contains(bad.fragment()),
                        bad.what() + ": message \"" + e.getMessage() + "\" should contain \""
                                + bad.fragment() + "\"");
                Compare.sameArray(before.a, arrays.a, bad.what() + ": array a");
                Compare.sameArray(before.b, arrays.b, bad.what() + ": array b");
                Compare.sameArray(before.c, arrays.c, bad.what() + ": array c");
                Compare.sameArray(before.d, arrays.d, bad.what() + ": array d");
            }));
        }
        return tests;
    }
}

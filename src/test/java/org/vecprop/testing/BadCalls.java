package org.vecprop.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.DynamicTest;
import org.vecprop.contract.Checks;
import org.vecprop.kernel.Reduction;

/**
 * Tables of bad calls, one per signature, shared by a kernel's tests and its reference twin's:
 * each row breaks one argument of a call on 4x4 matrices in 64-element arrays and states the
 * exception type and a fragment of its message, which names the argument and its value (a null
 * argument is a NullPointerException, docs/conventions.md).
 * {@link #rejectedBeforeAnyWrite} turns rows into tests that also check that no array changed.
 */
public final class BadCalls {
    private BadCalls() {}

    /** The arrays of one call; each call gets fresh copies so a partial write would show. */
    public static final class CallArrays {
        public final float[] a = ramp(64), b = ramp(64), c = ramp(64), d = ramp(64);

        static float[] ramp(int n) {
            float[] x = new float[n];
            for (int i = 0; i < n; i++) {
                x[i] = i * 0.25f - 3f;
            }
            return x;
        }
    }

    /** One bad call: its label, the exception expected, a fragment of its message, the call. */
    public record Bad(String what, Class<? extends RuntimeException> type, String fragment,
                      Consumer<CallArrays> call) {}

    public static final Class<IllegalArgumentException> IAE = IllegalArgumentException.class;
    public static final Class<IndexOutOfBoundsException> IOOBE = IndexOutOfBoundsException.class;
    /** A null argument: the JDK's convention (docs/conventions.md). */
    public static final Class<NullPointerException> NPE = NullPointerException.class;

    /** A GEMM call on 4x4 matrices in 64-element arrays, with one argument made bad. */
    public interface GemmCall {
        void call(boolean ta, boolean tb, int m, int n, int k, float alpha, float[] a, int aOff,
                  int lda, float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc);
    }

    /** The bad calls of a GEMM entry point labelled {@code api}: sizes, nulls, strides, extents, overlap. */
    public static List<Bad> gemm(String api, GemmCall g) {
        List<Bad> l = new ArrayList<>();
        l.add(new Bad(api + " negative m", IAE, "m must be >= 0, got -1",
                x -> g.call(false, false, -1, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " negative n", IAE, "n must be >= 0, got -2",
                x -> g.call(false, false, 4, -2, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " negative k", IAE, "k must be >= 0, got -3",
                x -> g.call(false, false, 4, 4, -3, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " null a", NPE, "a must not be null",
                x -> g.call(false, false, 4, 4, 4, 1, null, 0, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " null b", NPE, "b must not be null",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, null, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " null c", NPE, "c must not be null",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, null, 0, 4)));
        l.add(new Bad(api + " lda too small", IAE, "lda must be >= max(1, cols = 4), got 3",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 3, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " lda too small for Aᵀ", IAE, "lda must be >= max(1, cols = 5), got 4",
                x -> g.call(true, false, 5, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 5)));
        l.add(new Bad(api + " ldb too small for Bᵀ", IAE, "ldb must be >= max(1, cols = 6), got 5",
                x -> g.call(false, true, 4, 4, 6, 1, x.a, 0, 6, x.b, 0, 5, 0, x.c, 0, 4)));
        l.add(new Bad(api + " ldc too small", IAE, "ldc must be >= max(1, cols = 4), got 0",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 0)));
        l.add(new Bad(api + " negative aOff", IOOBE, "aOff must be in [0, a.length = 64], got -1",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, -1, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " bOff past the end", IOOBE, "bOff must be in [0, b.length = 64], got 65",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 65, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " a runs past its array", IOOBE, "needs 66 elements, but a.length is 64",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 50, 4, x.b, 0, 4, 0, x.c, 0, 4)));
        l.add(new Bad(api + " c runs past its array", IOOBE, "needs 65 elements, but c.length is 64",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 1, 20)));
        l.add(new Bad(api + " huge ldc overflows int", IOOBE, "needs " + (3L * Integer.MAX_VALUE + 4),
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0,
                        Integer.MAX_VALUE)));
        l.add(new Bad(api + " c overlaps a", IAE, "c must not overlap a: c spans elements 8..23",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.a, 8, 4)));
        l.add(new Bad(api + " c is b", IAE, "must not overlap b",
                x -> g.call(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.b, 0, 4)));
        return l;
    }

    /** A call with one input matrix and one output matrix (or a second input). */
    public interface Unary {
        void call(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy);
    }

    /** The bad calls of a {@link Unary} entry point whose matrices are named {@code x} and {@code y}. */
    public static List<Bad> unary(String api, String x, String y, Unary u) {
        List<Bad> l = new ArrayList<>();
        l.add(new Bad(api + " negative rows", IAE, "rows must be >= 0, got -1",
                a -> u.call(-1, 4, a.a, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " negative cols", IAE, "cols must be >= 0, got -4",
                a -> u.call(4, -4, a.a, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " null input", NPE, x + " must not be null",
                a -> u.call(4, 4, null, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " null output", NPE, y + " must not be null",
                a -> u.call(4, 4, a.a, 0, 4, null, 0, 4)));
        l.add(new Bad(api + " small ld", IAE, "ld" + y + " must be >= max(1, cols = 4), got 2",
                a -> u.call(4, 4, a.a, 0, 4, a.c, 0, 2)));
        l.add(new Bad(api + " output past end", IOOBE, "needs 67 elements, but " + y
                + ".length is 64", a -> u.call(4, 4, a.a, 0, 4, a.c, 3, 20)));
        l.add(new Bad(api + " negative offset", IOOBE, x + "Off must be in [0, " + x + ".length = 64], got -5",
                a -> u.call(4, 4, a.a, -5, 4, a.c, 0, 4)));
        l.add(new Bad(api + " partial overlap", IAE, y + " must not overlap " + x + ": " + y + " spans elements 1..16",
                a -> u.call(4, 4, a.a, 0, 4, a.a, 1, 4)));
        return l;
    }

    /** A call with two input matrices and one output matrix. */
    public interface Binary {
        void call(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                  float[] o, int oOff, int ldo);
    }

    /** The bad calls of a {@link Binary} entry point, inputs {@code x}, {@code y}, output {@code o}. */
    public static List<Bad> binary(String api, String x, String y, String o, Binary u) {
        List<Bad> l = new ArrayList<>();
        l.add(new Bad(api + " negative rows", IAE, "rows must be >= 0, got -1",
                a -> u.call(-1, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " null first input", NPE, x + " must not be null",
                a -> u.call(4, 4, null, 0, 4, a.b, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " null second input", NPE, y + " must not be null",
                a -> u.call(4, 4, a.a, 0, 4, null, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " null output", NPE, o + " must not be null",
                a -> u.call(4, 4, a.a, 0, 4, a.b, 0, 4, null, 0, 4)));
        l.add(new Bad(api + " second input past end", IOOBE, y + " must fit in its array: a 4 x 4 matrix at " + y
                + "Off = 60", a -> u.call(4, 4, a.a, 0, 4, a.b, 60, 4, a.c, 0, 4)));
        l.add(new Bad(api + " small ld", IAE, "ld" + x + " must be >= max(1, cols = 4), got 1",
                a -> u.call(4, 4, a.a, 0, 1, a.b, 0, 4, a.c, 0, 4)));
        l.add(new Bad(api + " output overlaps first input", IAE, o + " must not overlap " + x + ": "
                + o + " spans elements 2..17", a -> u.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.a, 2, 4)));
        l.add(new Bad(api + " output overlaps second input", IAE, "must not overlap " + y,
                a -> u.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.b, 0, 5)));
        return l;
    }

    /** An activation's backward pass fused with the bias gradient ({@code Relu}, {@code Activation}). */
    public interface BackwardWithBiasGradient {
        void call(int rows, int cols, float[] x, int xOff, int ldx, float[] dy, int dyOff, int lddy,
                  float[] dz, int dzOff, int lddz, float[] db, int dbOff, boolean accumulate);
    }

    /**
     * The bad calls of a fused backward pass whose forward-pass operand is named {@code x}: the
     * {@link #binary} rows with a valid db, then db null, past its array, and overlapping each
     * of x, dy and dz.
     */
    public static List<Bad> backwardWithBiasGradient(String api, String x, BackwardWithBiasGradient f) {
        List<Bad> l = new ArrayList<>(binary(api, x, "dy", "dz",
                (r, c, p, po, lp, q, qo, lq, o, oo, lo) -> f.call(r, c, p, po, lp, q, qo, lq, o, oo, lo,
                        new float[Math.max(0, c)], 0, true)));
        l.add(new Bad(api + " null db", NPE, "db must not be null",
                a -> f.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, null, 0, false)));
        l.add(new Bad(api + " db past end", IOOBE, "db must fit in its array: 4 elements at dbOff = 62",
                a -> f.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.d, 62, false)));
        l.add(new Bad(api + " db overlaps " + x, IAE, "db must not overlap " + x + ": db spans elements 3..6",
                a -> f.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.a, 3, false)));
        l.add(new Bad(api + " db overlaps dy", IAE, "db must not overlap dy: db spans elements 14..17 and dy 0..15",
                a -> f.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 0, 4, a.b, 14, true)));
        l.add(new Bad(api + " db overlaps dz", IAE, "db must not overlap dz: db spans elements 60..63",
                a -> f.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 48, 4, a.c, 60, false)));
        return l;
    }

    /** {@code Mse.loss}'s signature (kernel and reference). */
    public interface Loss {
        float call(int rows, int cols, float[] p, int pOff, int ldp, float[] t, int tOff, int ldt);
    }

    /**
     * Mse.loss has no output; overlapping p and t is legal. To reuse the unary table, the
     * "partial overlap" row is served by a call that reports it the way the table expects.
     */
    public static Unary lossRejectingOverlapToo(Loss loss) {
        return (r, c, p, po, lp, t, to, lt) -> {
            if (p == t && po != to) {
                Checks.noOverlap("t", t, to, lt, "p", p, po, lp, r, c, true);
            }
            loss.call(r, c, p, po, lp, t, to, lt);
        };
    }

    /** A cross-entropy call (kernel, or the reference with mean for MEAN); dz null for the loss alone. */
    public interface CrossEntropyCall {
        float call(int rows, int classes, float[] z, int zOff, int ldz, int[] labels, int labelsOff,
                   float[] dz, int dzOff, int lddz, Reduction reduction, float labelSmoothing);
    }

    /**
     * The bad calls of a cross-entropy entry point on 4 x 4 logits z (array a) with gradient dz
     * (array c): sizes, nulls, the labels' extent and every label out of range (the last row's
     * too, so a write before the check would show), the smoothing, dz's layout and overlap.
     * {@code gradient}: dz is required (a null dz is then rejected); {@code reduction}: the call
     * takes a Reduction that may be null.
     */
    public static List<Bad> crossEntropy(String api, boolean gradient, boolean reduction, CrossEntropyCall f) {
        List<Bad> l = new ArrayList<>();
        Reduction mean = Reduction.MEAN;
        l.add(new Bad(api + " negative rows", IAE, "rows must be >= 0, got -1",
                x -> f.call(-1, 4, x.a, 0, 4, new int[4], 0, x.c, 0, 4, mean, 0f)));
        l.add(new Bad(api + " negative classes", IAE, "classes must be >= 0, got -4",
                x -> f.call(4, -4, x.a, 0, 4, new int[4], 0, x.c, 0, 4, mean, 0f)));
        // Shapes first (Checks.crossEntropy): a negative rows is named even when z is null too.
        l.add(new Bad(api + " negative rows and a null z", IAE, "rows must be >= 0, got -1",
                x -> f.call(-1, 4, null, 0, 4, new int[4], 0, x.c, 0, 4, mean, 0f)));
        l.add(new Bad(api + " null z", NPE, "z must not be null",
                x -> f.call(4, 4, null, 0, 4, new int[4], 0, x.c, 0, 4, mean, 0f)));
        l.add(new Bad(api + " null labels", NPE, "labels must not be null",
                x -> f.call(4, 4, x.a, 0, 4, null, 0, x.c, 0, 4, mean, 0f)));
        l.add(new Bad(api + " labels too short", IOOBE, "labels must fit in its array: 4 elements at labelsOff = 1 need 5, but labels.length is 4",
                x -> f.call(4, 4, x.a, 0, 4, new int[4], 1, x.c, 0, 4, mean, 0f)));
        l.add(new Bad(api + " negative labelsOff", IOOBE, "labelsOff must be in [0, labels.length = 4], got -1",
                x -> f.call(4, 4, x.a, 0, 4, new int[4], -1, x.c, 0, 4, mean, 0f)));
        l.add(new Bad(api + " label past the classes, last row", IAE, "labels must be in [0, classes = 4), got 12 for row 3",
                x -> f.call(4, 4, x.a, 0, 4, new int[] {0, 1, 2, 12}, 0, x.c, 0, 4, mean, 0f)));
        l.add(new Bad(api + " label equal to classes", IAE, "labels must be in [0, classes = 4), got 4 for row 1",
                x -> f.call(4, 4, x.a, 0, 4, new int[] {3, 4, 0, 0}, 0, x.c, 0, 4, Reduction.SUM, 0.1f)));
        l.add(new Bad(api + " negative label", IAE, "labels must be in [0, classes = 4), got -1 for row 0",
                x -> f.call(4, 4, x.a, 0, 4, new int[] {-1, 0, 0, 0}, 0, x.c, 0, 4, mean, 0f)));
        l.add(new Bad(api + " bad label at an offset names the row", IAE, "labels must be in [0, classes = 4), got 4 for row 3 (at labelsOff + 3 = 5)",
                x -> f.call(4, 4, x.a, 0, 4, new int[] {9, 9, 0, 1, 2, 4}, 2, x.c, 0, 4, mean, 0f)));
        l.add(new Bad(api + " no classes", IAE, "labels must be in [0, classes = 0), got 0 for row 0",
                x -> f.call(4, 0, x.a, 0, 4, new int[4], 0, x.c, 0, 4, mean, 0f)));
        l.add(new Bad(api + " smoothing above 1", IAE, "labelSmoothing must be in [0, 1], got 1.5",
                x -> f.call(4, 4, x.a, 0, 4, new int[4], 0, x.c, 0, 4, mean, 1.5f)));
        l.add(new Bad(api + " negative smoothing", IAE, "labelSmoothing must be in [0, 1], got -0.25",
                x -> f.call(4, 4, x.a, 0, 4, new int[4], 0, x.c, 0, 4, mean, -0.25f)));
        l.add(new Bad(api + " NaN smoothing", IAE, "labelSmoothing must be in [0, 1], got NaN",
                x -> f.call(4, 4, x.a, 0, 4, new int[4], 0, x.c, 0, 4, mean, Float.NaN)));
        l.add(new Bad(api + " small ldz", IAE, "ldz must be >= max(1, cols = 4), got 3",
                x -> f.call(4, 4, x.a, 0, 3, new int[4], 0, x.c, 0, 4, mean, 0f)));
        l.add(new Bad(api + " z past end", IOOBE, "z must fit in its array: a 4 x 4 matrix at zOff = 50",
                x -> f.call(4, 4, x.a, 50, 4, new int[4], 0, x.c, 0, 4, mean, 0f)));
        if (gradient) {
            l.add(new Bad(api + " null dz", NPE, "dz must not be null",
                    x -> f.call(4, 4, x.a, 0, 4, new int[4], 0, null, 0, 4, mean, 0f)));
        }
        l.add(new Bad(api + " small lddz", IAE, "lddz must be >= max(1, cols = 4), got 3",
                x -> f.call(4, 4, x.a, 0, 4, new int[4], 0, x.c, 0, 3, mean, 0f)));
        l.add(new Bad(api + " dz past end", IOOBE, "dz must fit in its array: a 4 x 4 matrix at dzOff = 60",
                x -> f.call(4, 4, x.a, 0, 4, new int[4], 0, x.c, 60, 4, mean, 0f)));
        l.add(new Bad(api + " dz overlaps z", IAE, "dz must not overlap z: dz spans elements 1..16",
                x -> f.call(4, 4, x.a, 0, 4, new int[4], 0, x.a, 1, 4, mean, 0f)));
        if (reduction) {
            l.add(new Bad(api + " null reduction", NPE, "reduction must not be null",
                    x -> f.call(4, 4, x.a, 0, 4, new int[4], 0, x.c, 0, 4, null, 0f)));
        }
        return l;
    }

    /** A binary cross-entropy call (kernel, or the reference); g null for the loss alone. */
    public interface BceCall {
        float call(int rows, int cols, float[] x, int xOff, int ldx, float[] y, int yOff, int ldy,
                   float[] posWeight, int posWeightOff, float[] g, int gOff, int ldg, Reduction reduction);
    }

    /**
     * The bad calls of a BCE entry point: the {@link #binary} rows for x (array a), y (b) and g
     * (c) with a valid posWeight (array d), then posWeight past its array, g overlapping
     * posWeight, and (when {@code reduction}) a null reduction.
     */
    public static List<Bad> binaryCrossEntropy(String api, boolean reduction, BceCall f) {
        List<Bad> l = new ArrayList<>(binary(api, "x", "y", "g",
                (r, c, p, po, lp, q, qo, lq, o, oo, lo) -> f.call(r, c, p, po, lp, q, qo, lq,
                        new float[Math.max(0, c)], 0, o, oo, lo, Reduction.MEAN)));
        l.add(new Bad(api + " posWeight past end", IOOBE, "posWeight must fit in its array: 4 elements at posWeightOff = 62",
                a -> f.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.d, 62, a.c, 0, 4, Reduction.SUM)));
        l.add(new Bad(api + " negative posWeightOff", IOOBE, "posWeightOff must be in [0, posWeight.length = 64], got -2",
                a -> f.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.d, -2, a.c, 0, 4, Reduction.SUM)));
        l.add(new Bad(api + " g overlaps posWeight", IAE, "g must not overlap posWeight: g spans elements 0..15",
                a -> f.call(4, 4, a.a, 0, 4, a.b, 0, 4, a.c, 12, a.c, 0, 4, Reduction.MEAN)));
        if (reduction) {
            l.add(new Bad(api + " null reduction", NPE, "reduction must not be null",
                    a -> f.call(4, 4, a.a, 0, 4, a.b, 0, 4, null, 0, a.c, 0, 4, null)));
        }
        return l;
    }

    /** {@code Bias.add}'s signature (kernel and reference). */
    public interface BiasAdd {
        void call(int rows, int cols, float[] x, int xOff, int ldx, float[] bias, int biasOff,
                  float[] y, int yOff, int ldy);
    }

    /** {@code Bias.gradient}'s signature (kernel and reference). */
    public interface BiasGradient {
        void call(int rows, int cols, float[] dz, int dzOff, int lddz, float[] db, int dbOff,
                  boolean accumulate);
    }

    /** The bad calls of a bias add and a bias gradient, labelled {@code api.add} and {@code api.gradient}. */
    public static List<Bad> bias(String api, BiasAdd add, BiasGradient grad) {
        List<Bad> l = new ArrayList<>();
        l.add(new Bad(api + ".add null bias", NPE, "bias must not be null",
                a -> add.call(4, 4, a.a, 0, 4, null, 0, a.c, 0, 4)));
        l.add(new Bad(api + ".add bias past end", IOOBE, "bias must fit in its array: 4 elements at biasOff = 62",
                a -> add.call(4, 4, a.a, 0, 4, a.b, 62, a.c, 0, 4)));
        l.add(new Bad(api + ".add negative cols", IAE, "cols must be >= 0, got -1",
                a -> add.call(4, -1, a.a, 0, 4, a.b, 0, a.c, 0, 4)));
        l.add(new Bad(api + ".add y overlaps bias", IAE, "y must not overlap bias: y spans elements 0..15",
                a -> add.call(4, 4, a.a, 0, 4, a.c, 10, a.c, 0, 4)));
        l.add(new Bad(api + ".add y overlaps x", IAE, "y must not overlap x: y spans elements 4..19",
                a -> add.call(4, 4, a.a, 0, 4, a.b, 0, a.a, 4, 4)));
        l.add(new Bad(api + ".add small ldy", IAE, "ldy must be >= max(1, cols = 4), got 3",
                a -> add.call(4, 4, a.a, 0, 4, a.b, 0, a.c, 0, 3)));
        l.add(new Bad(api + ".gradient null dz", NPE, "dz must not be null",
                a -> grad.call(4, 4, null, 0, 4, a.c, 0, false)));
        l.add(new Bad(api + ".gradient null db", NPE, "db must not be null",
                a -> grad.call(4, 4, a.a, 0, 4, null, 0, true)));
        l.add(new Bad(api + ".gradient db past end", IOOBE, "db must fit in its array: 4 elements at dbOff = 61",
                a -> grad.call(4, 4, a.a, 0, 4, a.c, 61, false)));
        l.add(new Bad(api + ".gradient dz past end", IOOBE, "dz must fit in its array: a 4 x 4 matrix at dzOff = 0 with lddz = 30",
                a -> grad.call(4, 4, a.a, 0, 30, a.c, 0, false)));
        l.add(new Bad(api + ".gradient db overlaps dz", IAE, "db must not overlap dz: db spans elements 2..5",
                a -> grad.call(4, 4, a.a, 0, 4, a.a, 2, true)));
        l.add(new Bad(api + ".gradient negative rows", IAE, "rows must be >= 0, got -7",
                a -> grad.call(-7, 4, a.a, 0, 4, a.c, 0, true)));
        return l;
    }

    /**
     * One test per row: the call throws the row's exception type with a message containing
     * its fragment, and every array keeps its bits.
     */
    public static List<DynamicTest> rejectedBeforeAnyWrite(List<Bad> rows) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Bad bad : rows) {
            tests.add(DynamicTest.dynamicTest(bad.what(), () -> {
                CallArrays arrays = new CallArrays();
                CallArrays before = new CallArrays();
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

    /** {@code Update.sgd}'s signature (kernel and reference). */
    public interface Sgd {
        void call(int n, float[] w, int wOff, float[] g, int gOff, float[] v, int vOff,
                  float lr, float momentum, float weightDecay, boolean zeroGrad);
    }

    /** The SGD checks, for the kernel and its reference: each bad call leaves w, g, v alone. */
    public static void sgdChecks(Sgd sgd) {
        float[] w = Values.ramp(8), g = Values.ramp(8), v = Values.ramp(8), shared = Values.ramp(24);
        float[][] arrays = {w, g, v, shared};
        float[][] before = {w.clone(), g.clone(), v.clone(), shared.clone()};
        Consumer<String> unchanged = what -> {
            for (int i = 0; i < arrays.length; i++) {
                assertArrayEquals(before[i], arrays[i], what + ": array " + i + " changed");
            }
        };
        rejects(IllegalArgumentException.class, "n must be >= 0, got -1",
                () -> sgd.call(-1, w, 0, g, 0, v, 0, 0.1f, 0.9f, 0f, true));
        rejects(NullPointerException.class, "w must not be null",
                () -> sgd.call(4, null, 0, g, 0, v, 0, 0.1f, 0.9f, 0f, true));
        rejects(NullPointerException.class, "g must not be null",
                () -> sgd.call(4, w, 0, null, 0, v, 0, 0.1f, 0.9f, 0f, true));
        rejects(IndexOutOfBoundsException.class, "w must fit in its array: 8 elements at wOff = 1 need 9, but w.length is 8",
                () -> sgd.call(8, w, 1, g, 0, v, 0, 0.1f, 0f, 0f, true));
        rejects(IndexOutOfBoundsException.class, "g must fit in its array: 8 elements at gOff = 2 need 10, but g.length is 8",
                () -> sgd.call(8, w, 0, g, 2, v, 0, 0.1f, 0f, 0f, true));
        rejects(IllegalArgumentException.class,
                "w must not overlap g: w spans elements 0..7 and g 4..11 of the same array",
                () -> sgd.call(8, shared, 0, shared, 4, v, 0, 0.1f, 0f, 0f, true));
        rejects(NullPointerException.class, "v must not be null",
                () -> sgd.call(4, w, 0, g, 0, null, 0, 0.1f, 0.5f, 0f, true));
        rejects(IndexOutOfBoundsException.class, "v must fit in its array: 8 elements at vOff = 3 need 11, but v.length is 8",
                () -> sgd.call(8, w, 0, g, 0, v, 3, 0.1f, 0.5f, 0f, true));
        rejects(IllegalArgumentException.class,
                "v must not overlap w: v spans elements 4..11 and w 0..7 of the same array",
                () -> sgd.call(8, shared, 0, g, 0, shared, 4, 0.1f, 0.5f, 0f, true));
        rejects(IllegalArgumentException.class,
                "v must not overlap g: v spans elements 10..17 and g 16..23 of the same array",
                () -> sgd.call(8, w, 0, shared, 16, shared, 10, 0.1f, 0.5f, 0f, true));
        unchanged.accept("rejected calls");
        // Without momentum v is not needed, and w, g, v may sit side by side in one array.
        sgd.call(4, w, 0, g, 0, null, 0, 0.5f, 0f, 0f, false);
        assertEquals(before[0][0] - 0.5f * before[1][0], w[0]);
        sgd.call(8, shared, 0, shared, 8, shared, 16, 1f, 0.5f, 0f, true);
        assertEquals(before[3][0] - (0.5f * before[3][16] + before[3][8]), shared[0]);
        assertEquals(0f, shared[8], "g zeroed");
        assertEquals(0.5f * before[3][16] + before[3][8], shared[16], "v updated");
    }
    /** An Adam update call: {@code Update.adam} or {@code ReferenceUpdate.adam}. */
    public interface Adam {
        void call(int n, float[] w, int wOff, float[] g, int gOff, float[] m, int mOff, float[] v,
                  int vOff, float lr, float beta1, float beta2, float eps, float weightDecay,
                  boolean decoupled, long step, boolean zeroGrad);
    }

    /**
     * Every check of an Adam update: sizes, nulls, extents, the six overlaps, each hyper-parameter
     * out of range (named, with its value); nothing written by a rejected call.
     */
    public static void adamChecks(Adam adam) {
        float[] w = Values.ramp(8), g = Values.ramp(8), m = Values.ramp(8), v = Values.ramp(8);
        float[] shared = Values.ramp(40);
        float[][] arrays = {w, g, m, v, shared};
        float[][] before = {w.clone(), g.clone(), m.clone(), v.clone(), shared.clone()};
        rejects(IllegalArgumentException.class, "n must be >= 0, got -1",
                () -> adam.call(-1, w, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        for (String name : new String[] {"w", "g", "m", "v"}) {
            float[] nw = name.equals("w") ? null : w, ng = name.equals("g") ? null : g;
            float[] nm = name.equals("m") ? null : m, nv = name.equals("v") ? null : v;
            rejects(NullPointerException.class, name + " must not be null",
                    () -> adam.call(4, nw, 0, ng, 0, nm, 0, nv, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        }
        rejects(IndexOutOfBoundsException.class, "w must fit in its array: 8 elements at wOff = 1 need 9, but w.length is 8",
                () -> adam.call(8, w, 1, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IndexOutOfBoundsException.class, "g must fit in its array: 8 elements at gOff = 2 need 10, but g.length is 8",
                () -> adam.call(8, w, 0, g, 2, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IndexOutOfBoundsException.class, "m must fit in its array: 8 elements at mOff = 3 need 11, but m.length is 8",
                () -> adam.call(8, w, 0, g, 0, m, 3, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IndexOutOfBoundsException.class, "v must fit in its array: 8 elements at vOff = 4 need 12, but v.length is 8",
                () -> adam.call(8, w, 0, g, 0, m, 0, v, 4, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "w must not overlap g: w spans elements 0..7 and g 4..11 of the same array",
                () -> adam.call(8, shared, 0, shared, 4, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "m must not overlap w: m spans elements 4..11 and w 0..7 of the same array",
                () -> adam.call(8, shared, 0, g, 0, shared, 4, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "m must not overlap g: m spans elements 10..17 and g 16..23 of the same array",
                () -> adam.call(8, w, 0, shared, 16, shared, 10, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "v must not overlap w: v spans elements 7..14 and w 0..7 of the same array",
                () -> adam.call(8, shared, 0, g, 0, m, 0, shared, 7, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "v must not overlap g: v spans elements 20..27 and g 16..23 of the same array",
                () -> adam.call(8, w, 0, shared, 16, m, 0, shared, 20, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "v must not overlap m: v spans elements 30..37 and m 24..31 of the same array",
                () -> adam.call(8, w, 0, g, 0, shared, 24, shared, 30, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "lr must be finite and >= 0, got NaN",
                () -> adam.call(8, w, 0, g, 0, m, 0, v, 0, Float.NaN, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "lr must be finite and >= 0, got -0.001",
                () -> adam.call(8, w, 0, g, 0, m, 0, v, 0, -1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "beta1 must be in [0, 1), got 1.0",
                () -> adam.call(8, w, 0, g, 0, m, 0, v, 0, 1e-3f, 1f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "beta1 must be in [0, 1), got -0.1",
                () -> adam.call(8, w, 0, g, 0, m, 0, v, 0, 1e-3f, -0.1f, 0.999f, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "beta2 must be in [0, 1), got NaN",
                () -> adam.call(8, w, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, Float.NaN, 1e-8f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "eps must be finite and > 0, got 0.0",
                () -> adam.call(8, w, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 0f, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "eps must be finite and > 0, got Infinity",
                () -> adam.call(8, w, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, Float.POSITIVE_INFINITY, 0f, true, 1, true));
        rejects(IllegalArgumentException.class, "weightDecay must be finite and >= 0, got -0.01",
                () -> adam.call(8, w, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, -0.01f, true, 1, true));
        rejects(IllegalArgumentException.class, "step must be >= 1 (the first update is step 1), got 0",
                () -> adam.call(8, w, 0, g, 0, m, 0, v, 0, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 0, true));
        for (int i = 0; i < arrays.length; i++) {
            assertArrayEquals(before[i], arrays[i], "rejected calls: array " + i + " changed");
        }
        // The four side by side in one array are fine, and a zero-length update touches nothing.
        adam.call(8, shared, 0, shared, 8, shared, 16, shared, 24, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true);
        assertEquals(0f, shared[8], "g zeroed");
        adam.call(0, w, 8, g, 8, m, 8, v, 8, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, true, 1, true);
        assertArrayEquals(before[0], w, "n = 0 writes nothing");
    }
}

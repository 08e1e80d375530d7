package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.contract.Bfloat16;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Rejections;
import org.vecprop.testing.Values;

/**
 * bfloat16 weights ({@link PackedMatrix#packBfloat16}): the rounding is round-to-nearest-even
 * (against an exact decimal oracle), and a product against bfloat16 weights is bit for bit the
 * float product on the rounded weights, on every path (narrow, direct on panels, the one- to
 * three-row kernels that read bfloat16, the packed loop nest), with bias and activation, after a
 * refresh, and at every width the suite runs at (so the same bits at every width).
 */
class PackedMatrixBfloat16Test {

    /**
     * packBfloat16 checks its arguments as pack does, naming each (a size as the caller passed
     * it, transposed or not), before reading b (the rounding loops' own exceptions would not name
     * them), and leaves b alone.
     */
    @Test
    void badArgumentsAreNamedBeforeBIsRead() {
        // The sizes (transposed, as passed): PackedMatrixTest.aTransposedPackNamesTheBadSizeAsPassed.
        float[] b = Values.ramp(12), before = b.clone();
        Rejections.rejects(NullPointerException.class, "b must not be null",
                () -> PackedMatrix.packBfloat16(false, 4, 3, null, 0, 3));
        Rejections.rejects(IndexOutOfBoundsException.class, "b must fit in its array: a 4 x 3 matrix at bOff = 1"
                + " with ldb = 3 needs 13 elements, but b.length is 12", () -> PackedMatrix.packBfloat16(false, 4, 3, b, 1, 3));
        Rejections.rejects(IllegalArgumentException.class, "ldb must be >= max(1, cols = 4), got 3",
                () -> PackedMatrix.packBfloat16(true, 4, 3, b, 0, 3));
        Compare.sameArray(before, b, "b untouched");
    }

    /** The bfloat16 nearest to x, ties to even, found without bit tricks: exact decimals. */
    static float oracleRound(float x) {
        if (Float.isNaN(x) || Float.isInfinite(x) || x == 0f) {
            return x;
        }
        int bits = Float.floatToRawIntBits(x);
        float down = Float.intBitsToFloat(bits & 0xffff0000); // toward zero
        float up = Float.intBitsToFloat((bits & 0xffff0000) + 0x10000); // away from zero
        BigDecimal dx = new BigDecimal(x), dd = new BigDecimal(down);
        // `up` may be infinite: compare with the value it would have had, 2^128 for the top binade.
        BigDecimal du = Float.isInfinite(up) ? new BigDecimal(2).pow(128).multiply(BigDecimal.valueOf(Math.signum(x)))
                : new BigDecimal(up);
        int cmp = dx.subtract(dd).abs().compareTo(du.subtract(dx).abs());
        if (cmp < 0) {
            return down;
        }
        if (cmp > 0) {
            return up;
        }
        return ((Float.floatToRawIntBits(down) >>> 16) & 1) == 0 ? down : up;
    }

    @Test
    void roundingIsToNearestTiesToEven() {
        Props.theory().forAll(Generate.range(Integer.MIN_VALUE, Integer.MAX_VALUE)).checkAssert(bits -> {
            float x = Float.intBitsToFloat(bits);
            float r = Bfloat16.rounded(x);
            if (Float.isNaN(x)) {
                assertTrue(Float.isNaN(r), "NaN stays NaN");
                assertEquals(bits < 0, (Float.floatToRawIntBits(r) & 0x80000000) != 0, "NaN keeps its sign");
                return;
            }
            Compare.same(oracleRound(x), r, "round(" + x + ") bits " + Integer.toHexString(bits));
        });
        // Ties both ways, the carry into the exponent, overflow, subnormals, signed zero.
        float[] edges = {Float.intBitsToFloat(0x3f808000), Float.intBitsToFloat(0x3f818000),
                Float.intBitsToFloat(0x3f80ffff), Float.intBitsToFloat(0x3fffffff), Float.MAX_VALUE,
                -Float.MAX_VALUE, Float.MIN_VALUE, Float.intBitsToFloat(0x00018000), -0f, 0f,
                Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 1f, -1.00390625f};
        for (float x : edges) {
            Compare.same(oracleRound(x), Bfloat16.rounded(x), "edge " + x);
        }
        assertEquals(Float.POSITIVE_INFINITY, Bfloat16.rounded(Float.MAX_VALUE));
        assertEquals(1.0078125f, Bfloat16.rounded(Float.intBitsToFloat(0x3f80c000))); // above half: up
        assertEquals(1f, Bfloat16.rounded(Float.intBitsToFloat(0x3f808000)));          // tie, even: down
        assertEquals(1.015625f, Bfloat16.rounded(Float.intBitsToFloat(0x3f818000)));   // tie, odd: up
    }

    @Test
    void productIsTheFloatProductOnTheRoundedWeights() {
        // Rows from one (the bfloat16 row kernels) to past the direct rule, any width (narrow,
        // panels, partial panels), depths past a block; every transpose of A and B.
        Props.theory().forAll(Generate.pick(java.util.List.of(1, 2, 3, 4, 9, 17, 40, 70)),
                Props.dimension(300), Props.dimension(300), Generate.range(0, 1 << 20))
                .checkAssert((m, n, k, seed) -> check(m, n, k, seed));
    }

    @Test
    void batchOneToThreeOnWideWeightsAndEveryRemainder() {
        // The row kernels' groups of four panels and the panels left over, deterministic.
        int l = Math.max(4, Simd.vectorBits() / 32);
        int seed = 1;
        for (int m = 1; m <= 4; m++) {
            for (int n : new int[] {8 * l, 8 * l + 1, 10 * l, 16 * l + 2 * l + 3}) {
                for (int k : new int[] {1, 13, 128, 129, 300}) {
                    check(m, n, k, seed++);
                }
            }
        }
    }

    /**
     * Asked for by mutation testing: the generated products above always pass a bias and never
     * alpha = 0 or k = 0, so the bfloat16 products' own epilogue choices (bias without
     * activation, ReLU without bias, C = beta C when there is no product) went unseen. Each
     * path, each bias and activation, against the float product on the rounded weights and the
     * reference ({@link PackedMatrixTest#checkEveryBiasAndActivation}).
     */
    @Test
    void everyPathAppliesTheBiasAndTheActivationEachOnItsOwn() {
        PackedMatrixTest.checkEveryBiasAndActivation(true);
    }

    /**
     * The one- to three-row kernels join exactly k / KC depth blocks when k is a whole number of
     * blocks (asked for by mutation testing: one more, empty block adds {@code alpha * (+0)} to
     * each element, which turns a -0 into +0). Every product is -2^-200, which the FMA rounds to
     * -0, so each block's sum is -0 and C = alpha * (-0) = -0 exactly (alpha = 1, beta = 0), on
     * the groups of four panels (n = 160 > 4 NR at 512 bits) and the panels left over.
     */
    @Test
    void rowKernelsOverWholeDepthBlocksKeepANegativeZero() {
        float tiny = 0x1p-100f; // a power of two: exact in bfloat16
        int n = 160;
        for (int m = 1; m <= 3; m++) {
            for (int k : new int[] {128, 256}) {
                float[] a = new float[m * k], b = new float[k * n];
                java.util.Arrays.fill(a, -tiny);
                java.util.Arrays.fill(b, tiny);
                PackedMatrix half = PackedMatrix.packBfloat16(false, k, n, b, 0, n);
                float[] c = new float[m * n];
                java.util.Arrays.fill(c, Float.NaN); // beta = 0: never read
                Gemm.multiplyPacked(false, m, 1f, a, 0, k, half, 0f, c, 0, n);
                for (int idx = 0; idx < c.length; idx++) {
                    Compare.same(-0f, c[idx], m + "x" + n + "x" + k + " C[" + idx / n + "][" + idx % n + "]");
                }
            }
        }
    }

    /**
     * A hash of a fixed set of products against bfloat16 weights (every path: 1, 3, 12 and 70
     * rows; narrow, wide and partial-panel widths; two depth blocks; bias and ReLU), printed so
     * that runs at different widths and on the scalar path can be compared: bfloat16 weights are
     * a computation of their own, so this hash is not the main same-bits hash.
     */
    @Test
    void printsTheBfloat16Hash() {
        Random rnd = new Random(2026);
        long hash = 1125899906842597L;
        for (int m : new int[] {1, 3, 12, 70}) {
            for (int n : new int[] {10, 128, 200}) {
                int k = 200;
                float[] a = Values.random(rnd, m * k, 0, 1f), b = Values.random(rnd, k * n, 0, 1f);
                float[] bias = Values.random(rnd, n, 0, 1f), c = new float[m * n];
                PackedMatrix half = PackedMatrix.packBfloat16(false, k, n, b, 0, n);
                Gemm.multiplyPackedBiasActivation(false, m, 1f, a, 0, k, half, 0f, c, 0, n, bias, 0, Activation.RELU);
                for (float v : c) {
                    hash = 31 * hash + Float.floatToRawIntBits(v);
                }
            }
        }
        System.out.println("[vecprop] bfloat16 hash " + Long.toHexString(hash) + " (" + Simd.description() + ")");
    }

    private static void check(int m, int n, int k, int seed) {
        boolean ta = (seed & 1) != 0, tb = (seed & 2) != 0;
        Random rnd = new Random(seed);
        int lda = Math.max(1, ta ? m : k) + seed % 3, ldb = Math.max(1, tb ? k : n) + seed % 2;
        int ldc = Math.max(1, n) + seed % 4, bOff = seed % 7;
        float[] a = Values.random(rnd, (ta ? k : m) * lda, 2, 1f);
        float[] b = Values.random(rnd, bOff + (tb ? n : k) * ldb, 2, 1f);
        float[] rounded = b.clone();
        for (int i = 0; i < rounded.length; i++) {
            rounded[i] = Bfloat16.rounded(b[i]);
        }
        float[] c0 = Values.random(rnd, m * ldc, 0, 1f);
        float[] bias = Values.random(rnd, n, 0, 1f);
        float alpha = seed % 3 == 0 ? 1f : -0.5f, beta = seed % 4 == 0 ? 0f : 0.75f;
        PackedMatrix half = PackedMatrix.packBfloat16(tb, k, n, b, bOff, ldb);
        assertTrue(half.bfloat16());
        assertFalse(PackedMatrix.pack(tb, k, n, b, bOff, ldb).bfloat16(), "a float pack is not bfloat16");
        assertEquals(k, half.rows());
        assertEquals(n, half.cols());
        String what = m + "x" + n + "x" + k + (ta ? " T" : " N") + (tb ? "T" : "N");

        float[] plain = c0.clone(), viaHalf = c0.clone();
        Gemm.multiply(ta, tb, m, n, k, alpha, a, 0, lda, rounded, bOff, ldb, beta, plain, 0, ldc);
        Gemm.multiplyPacked(ta, m, alpha, a, 0, lda, half, beta, viaHalf, 0, ldc);
        Compare.sameArray(plain, viaHalf, "bfloat16 vs float on the rounded weights " + what);

        Activation act = seed % 2 == 0 ? Activation.RELU : Activation.TANH;
        plain = c0.clone();
        viaHalf = c0.clone();
        Gemm.multiplyBiasActivation(ta, tb, m, n, k, alpha, a, 0, lda, rounded, bOff, ldb, beta,
                plain, 0, ldc, bias, 0, act);
        Gemm.multiplyPackedBiasActivation(ta, m, alpha, a, 0, lda, half, beta, viaHalf, 0, ldc, bias, 0, act);
        Compare.sameArray(plain, viaHalf, "fused " + act + ", " + what);

        // refresh: new values, rounded the same way
        float[] b2 = b.clone();
        for (int i = 0; i < b2.length; i++) {
            b2[i] = -2f * b2[i];
            rounded[i] = Bfloat16.rounded(b2[i]);
        }
        half.refresh(b2, bOff, ldb);
        plain = c0.clone();
        viaHalf = c0.clone();
        Gemm.multiply(ta, tb, m, n, k, alpha, a, 0, lda, rounded, bOff, ldb, beta, plain, 0, ldc);
        Gemm.multiplyPacked(ta, m, alpha, a, 0, lda, half, beta, viaHalf, 0, ldc);
        Compare.sameArray(plain, viaHalf, "after refresh " + what);
    }
}

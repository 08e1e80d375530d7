package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Rejections;
import org.vecprop.testing.GemmCheck;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * Products with a pre-packed right operand equal the plain products on the same values bit for
 * bit (every transpose, offsets and strides, alpha and beta, bias and activation, depth over
 * several blocks), refreshing repacks in place, and bad arguments are refused before any write.
 */
class PackedMatrixTest {

    @Test
    void sameBitsAsThePlainProduct() {
        Props.theory().forAll(Props.dimension(150), Props.dimension(150), Props.dimension(300),
                Generate.range(0, 1 << 20))
                .checkAssert((m, n, k, seed) -> {
                    int flags = seed & 3;
                    boolean ta = (flags & 1) != 0, tb = (flags & 2) != 0;
                    Random rnd = new Random(seed);
                    int lda = Math.max(1, ta ? m : k) + seed % 3, ldb = Math.max(1, tb ? k : n) + seed % 2;
                    int ldc = Math.max(1, n) + seed % 4, aOff = seed % 5, bOff = seed % 7, cOff = seed % 3;
                    float[] a = Values.random(rnd, aOff + (ta ? k : m) * lda, 2, 1f);
                    float[] b = Values.random(rnd, bOff + (tb ? n : k) * ldb, 2, 1f);
                    float[] c0 = Values.random(rnd, cOff + m * ldc, 0, 1f);
                    float[] bias = Values.random(rnd, n, 0, 1f);
                    // alpha = 0 too: C = beta C, then the bias and the activation, without the product
                    float alpha = seed % 4 == 0 ? 1f : seed % 4 == 1 ? 0f : -0.5f, beta = seed % 3 == 0 ? 0f : 0.75f;
                    PackedMatrix packed = PackedMatrix.pack(tb, k, n, b, bOff, ldb);
                    assertEquals(k, packed.rows());
                    assertEquals(n, packed.cols());

                    float[] plain = c0.clone(), viaPacked = c0.clone();
                    Gemm.multiply(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta, plain, cOff, ldc);
                    Gemm.multiplyPacked(ta, m, alpha, a, aOff, lda, packed, beta, viaPacked, cOff, ldc);
                    Compare.sameArray(plain, viaPacked, "packed vs plain " + m + "x" + n + "x" + k + " " + flags);

                    Activation act = seed % 2 == 0 ? Activation.RELU : Activation.IDENTITY;
                    plain = c0.clone();
                    viaPacked = c0.clone();
                    Gemm.multiplyBiasActivation(ta, tb, m, n, k, alpha, a, aOff, lda, b, bOff, ldb,
                            beta, plain, cOff, ldc, bias, 0, act);
                    Gemm.multiplyPackedBiasActivation(ta, m, alpha, a, aOff, lda, packed, beta, viaPacked,
                            cOff, ldc, bias, 0, act);
                    Compare.sameArray(plain, viaPacked, "fused, packed vs plain");
                });
    }

    /**
     * Asked for by mutation testing: the generated cases above always pass a bias, and reach
     * alpha = 0 only without an activation, so a packed product that skipped the bias or the
     * activation when the other is absent (or skipped the scaling of C when alpha = 0) went
     * unseen. See {@link #checkEveryBiasAndActivation}.
     */
    @Test
    void everyPathAppliesTheBiasAndTheActivationEachOnItsOwn() {
        checkEveryBiasAndActivation(false);
    }

    /**
     * A product against packed weights (float, or bfloat16 when {@code bfloat16}), with no bias
     * or a bias, and each activation, on shapes that take each path at 512 bits (L = 16, MR = 8):
     * narrow (n = 10), the bfloat16 row kernels (m = 2), direct on the panels (m = 9; and
     * m = 40 with k = 20), the packed loop nest (m = 40, k = 50), and no product at all (alpha =
     * 0, and k = 0): there C = beta C, then the bias and the activation. beta = 0.75, so C is
     * read and scaled. Each result must have the bits of the plain call on the same values (for
     * bfloat16 on the rounded weights: the documented promise, bound 0), and with IDENTITY or
     * ReLU also lie within GemmCheck's bound of the reference GEMM followed by the reference
     * bias add and ReLU (ReLU is 1-Lipschitz; the bias add rounds once more on each side).
     */
    static void checkEveryBiasAndActivation(boolean bfloat16) {
        int[][] shapes = {{2, 40, 50}, {2, 10, 50}, {9, 40, 50}, {40, 40, 20}, {40, 40, 50},
                {40, 10, 50}, {9, 40, 0}};
        Random rnd = new Random(41);
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2], lda = Math.max(1, k), ldc = n + 1;
            float[] a = Values.random(rnd, m * lda, 0, 1f), b = Values.random(rnd, k * n, 0, 1f);
            float[] weights = b.clone();
            if (bfloat16) {
                for (int i = 0; i < weights.length; i++) {
                    weights[i] = org.vecprop.contract.Bfloat16.rounded(b[i]);
                }
            }
            PackedMatrix packed = bfloat16 ? PackedMatrix.packBfloat16(false, k, n, b, 0, n)
                    : PackedMatrix.pack(false, k, n, b, 0, n);
            float[] c0 = Values.random(rnd, m * ldc, 0, 1f), someBias = Values.random(rnd, n, 0, 1f);
            float beta = 0.75f;
            for (float alpha : new float[] {-0.5f, 0f}) {
                for (float[] bias : new float[][] {null, someBias}) {
                    for (Activation act : Activation.values()) {
                        String what = (bfloat16 ? "bfloat16 " : "float ") + m + "x" + n + "x" + k
                                + " alpha " + alpha + " bias " + (bias != null) + " " + act;
                        float[] plain = c0.clone(), viaPacked = c0.clone();
                        Gemm.multiplyBiasActivation(false, false, m, n, k, alpha, a, 0, lda, weights,
                                0, n, beta, plain, 0, ldc, bias, 0, act);
                        Gemm.multiplyPackedBiasActivation(false, m, alpha, a, 0, lda, packed, beta,
                                viaPacked, 0, ldc, bias, 0, act);
                        Compare.sameArray(plain, viaPacked, what + ": packed vs plain");
                        if (act == Activation.IDENTITY || act == Activation.RELU) {
                            closeToTheReference(m, n, k, alpha, a, lda, weights, beta, c0, ldc, bias,
                                    act == Activation.RELU, viaPacked, what);
                        }
                    }
                }
            }
        }
    }

    /** {@code actual} against the reference GEMM, bias add and ReLU, within the bound above. */
    private static void closeToTheReference(int m, int n, int k, float alpha, float[] a, int lda,
                                            float[] b, float beta, float[] c0, int ldc,
                                            float[] bias, boolean relu, float[] actual, String what) {
        float[] gemmOnly = c0.clone();
        org.vecprop.reference.ReferenceGemm.multiply(false, false, m, n, k, alpha, a, 0, lda, b, 0,
                n, beta, gemmOnly, 0, ldc);
        float[] expected = gemmOnly.clone();
        if (bias != null) {
            org.vecprop.reference.ReferenceBias.add(m, n, expected, 0, ldc, bias, 0, expected, 0, ldc);
        }
        if (relu) {
            org.vecprop.reference.ReferenceRelu.forward(m, n, expected, 0, ldc, expected, 0, ldc);
        }
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int idx = i * ldc + j;
                double gemmTol = GemmCheck.bound(false, false, i, j, k, alpha, a, 0, lda, b, 0, n,
                        beta, c0[idx]);
                double tol = gemmTol * (1 + Compare.U) + 2 * Compare.U * (Math.abs(gemmOnly[idx])
                        + (bias != null ? Math.abs(bias[j]) : 0)) + 2 * Compare.SUBNORMAL_ROUNDING;
                Compare.close(expected[idx], actual[idx], tol, what + ": reference, C[" + i + "][" + j + "]");
            }
            Compare.same(c0[i * ldc + n], actual[i * ldc + n], what + ": C past column n of row " + i);
        }
    }

    @Test
    void refreshRepacksInPlace() {
        Random rnd = new Random(5);
        int m = 9, n = 70, k = 140;
        float[] a = Values.random(rnd, m * k, 0, 1f), b1 = Values.random(rnd, k * n, 0, 1f);
        float[] b2 = Values.random(rnd, k * n, 0, 1f);
        PackedMatrix packed = PackedMatrix.pack(false, k, n, b1, 0, n);
        packed.refresh(b2, 0, n);
        float[] plain = new float[m * n], viaPacked = new float[m * n];
        Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b2, 0, n, 0f, plain, 0, n);
        Gemm.multiplyPacked(false, m, 1f, a, 0, k, packed, 0f, viaPacked, 0, n);
        Compare.sameArray(plain, viaPacked, "after refresh");
    }

    /**
     * An optimizer's way of refreshing: rows of stored B change a block at a time, each block
     * passed to refreshRows after its change, in order; then a product has the bits of the
     * plain product on the new values, for float and bfloat16 packs, every transpose, depths
     * over several blocks (KC = 128) and blocks that start and end anywhere (not on panels).
     * Untransposed, rows changed but never passed keep their old values, exactly.
     */
    @Test
    void refreshRowsBlockByBlockGivesTheBitsOfTheNewValues() {
        Props.theory().forAll(Props.dimension(300), Props.dimension(100), Generate.range(0, 1 << 20))
                .checkAssert((k, n, seed) -> {
                    boolean tb = (seed & 1) != 0, bf16 = (seed & 2) != 0;
                    Random rnd = new Random(seed);
                    int rows = tb ? n : k, cols = tb ? k : n, ldb = Math.max(1, cols) + seed % 3;
                    int bOff = seed % 5, m = 1 + seed % 9;
                    float[] b = Values.random(rnd, bOff + rows * ldb, 0, 1f);
                    float[] a = Values.random(rnd, m * k, 0, 1f);
                    PackedMatrix packed = bf16 ? PackedMatrix.packBfloat16(tb, k, n, b, bOff, ldb)
                            : PackedMatrix.pack(tb, k, n, b, bOff, ldb);
                    float[] expectedB = b.clone();
                    Workspace workspace = new Workspace();
                    // Change blocks of random lengths in order, refreshing each after its change;
                    // untransposed, also change one row past the last block without passing it.
                    int last = rows == 0 ? 0 : rnd.nextInt(rows + 1);
                    for (int r0 = 0; r0 < last; ) {
                        int r1 = Math.min(last, r0 + 1 + rnd.nextInt(40));
                        for (int r = r0; r < r1; r++) {
                            for (int j = 0; j < cols; j++) {
                                b[bOff + r * ldb + j] = expectedB[bOff + r * ldb + j] = rnd.nextFloat() - 0.5f;
                            }
                        }
                        if (seed % 3 == 0) {
                            packed.refreshRows(b, bOff, ldb, r0, r1, workspace);
                        } else {
                            packed.refreshRows(b, bOff, ldb, r0, r1);
                        }
                        r0 = r1;
                    }
                    if (!tb && last < rows) {
                        Arrays.fill(b, bOff + last * ldb, bOff + last * ldb + cols, 7f); // not passed
                    }
                    float[] bRounded = expectedB.clone();
                    if (bf16) {
                        for (int i = 0; i < bRounded.length; i++) {
                            bRounded[i] = org.vecprop.contract.Bfloat16.rounded(bRounded[i]);
                        }
                    }
                    float[] plain = new float[m * n], viaPacked = new float[m * n];
                    Gemm.multiply(false, tb, m, n, k, 1f, a, 0, Math.max(1, k), bRounded, bOff, ldb,
                            0f, plain, 0, Math.max(1, n));
                    Gemm.multiplyPacked(false, m, 1f, a, 0, Math.max(1, k), packed, 0f, viaPacked, 0,
                            Math.max(1, n));
                    Compare.sameArray(plain, viaPacked, "refreshed rows [0, " + last + ") of " + rows
                            + (tb ? ", transposed" : "") + (bf16 ? ", bfloat16" : ""));
                });
    }

    @Test
    void refreshRowsRefusesABadRangeBeforeAnyWrite() {
        float[] b = new float[12];
        for (int i = 0; i < b.length; i++) {
            b[i] = i;
        }
        for (boolean tb : new boolean[] {false, true}) {
            // Stored B is 4 x 3: op(B) is 4 x 3, or 3 x 4 packed transposed.
            PackedMatrix packed = PackedMatrix.pack(tb, tb ? 3 : 4, tb ? 4 : 3, b, 0, 3);
            float[] changed = new float[12];
            Arrays.fill(changed, -1f);
            assertEquals("firstRow and endRow must satisfy 0 <= firstRow <= endRow <= 4 (the stored"
                    + " matrix's rows), got firstRow = -1, endRow = 2", assertThrows(
                    IndexOutOfBoundsException.class, () -> packed.refreshRows(changed, 0, 3, -1, 2)).getMessage());
            assertThrows(IndexOutOfBoundsException.class, () -> packed.refreshRows(changed, 0, 3, 3, 2));
            assertThrows(IndexOutOfBoundsException.class, () -> packed.refreshRows(changed, 0, 3, 0, 5));
            assertTrue(assertThrows(IndexOutOfBoundsException.class,
                    () -> packed.refreshRows(new float[11], 0, 3, 0, 1)).getMessage().contains("b.length is 11"));
            assertThrows(IllegalArgumentException.class, () -> packed.refreshRows(changed, 0, 2, 0, 1));
            assertThrows(NullPointerException.class, () -> packed.refreshRows(null, 0, 3, 0, 1));
            assertEquals("workspace must not be null", assertThrows(NullPointerException.class,
                    () -> packed.refreshRows(changed, 0, 3, 0, 1, null)).getMessage());
            assertThrows(IndexOutOfBoundsException.class,
                    () -> packed.refreshRows(changed, 0, 3, 0, 5, new Workspace()));
            packed.refreshRows(changed, 0, 3, 2, 2); // empty: writes nothing
            // Multiplying by the identity reads op(B) back: still the original values.
            int k = packed.rows(), n = packed.cols();
            float[] c = new float[k * n];
            Gemm.multiplyPacked(false, k, 1f, identity(k), 0, k, packed, 0f, c, 0, n);
            for (int p = 0; p < k; p++) {
                for (int j = 0; j < n; j++) {
                    assertEquals(tb ? b[j * 3 + p] : b[p * 3 + j], c[p * n + j], "op(B)[" + p + "][" + j + "]");
                }
            }
        }
    }

    private static float[] identity(int k) {
        float[] id = new float[k * k];
        for (int i = 0; i < k; i++) {
            id[i * k + i] = 1f;
        }
        return id;
    }

    @Test
    void badArgumentsAreRefusedBeforeAnyWrite() {
        float[] b = new float[12], a = new float[8], c = new float[6];
        PackedMatrix packed = PackedMatrix.pack(false, 4, 3, b, 0, 3);
        // Each message names the argument (the packing loops' own exceptions would not).
        assertEquals("rows must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(false, -1, 3, b, 0, 3)).getMessage());
        assertEquals("cols must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
                () -> PackedMatrix.pack(false, 4, -1, b, 0, 3)).getMessage());
        assertTrue(assertThrows(IndexOutOfBoundsException.class,
                () -> PackedMatrix.pack(true, 4, 4, b, 0, 4)).getMessage().contains("b.length is 12"));
        assertThrows(NullPointerException.class, () -> PackedMatrix.pack(false, 4, 3, null, 0, 3));
        assertTrue(assertThrows(IndexOutOfBoundsException.class,
                () -> packed.refresh(new float[11], 0, 3)).getMessage().contains("b.length is 11"));
        assertEquals(false, packed.transposed());
        assertEquals(true, PackedMatrix.pack(true, 3, 4, b, 0, 3).transposed());
        float[] before = c.clone();
        NullPointerException e = assertThrows(NullPointerException.class,
                () -> Gemm.multiplyPacked(false, 2, 1f, a, 0, 4, null, 0f, c, 0, 3));
        assertEquals("b must not be null", e.getMessage());
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.multiplyPacked(false, 3, 1f, a, 0, 4, packed, 0f, c, 0, 3)); // A is 2 x 4
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.multiplyPacked(false, 2, 1f, a, 0, 4, packed, 0f, new float[5], 0, 3));
        assertThrows(NullPointerException.class,
                () -> Gemm.multiplyPackedBiasActivation(false, 2, 1f, a, 0, 4, packed, 0f, c, 0, 3,
                        new float[3], 0, null));
        assertThrows(IndexOutOfBoundsException.class,
                () -> Gemm.multiplyPackedBiasActivation(false, 2, 1f, a, 0, 4, packed, 0f, c, 0, 3,
                        new float[2], 0, Activation.RELU));
        float[] shared = new float[14];
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.multiplyPacked(false, 2, 1f, shared, 0, 4, packed, 0f, shared, 6, 3)); // c overlaps a
        Compare.sameArray(before, c, "c untouched");
    }

    /**
     * A transposed pack names a bad size as the caller passed it (rows and cols of op(B)), not
     * as the stored matrix holds it (transposed, its rows are op(B)'s columns), and leaves b alone.
     */
    @Test
    void aTransposedPackNamesTheBadSizeAsPassed() {
        // Both packers, float and bfloat16: each checks its sizes itself.
        for (Packer packer : new Packer[] {PackedMatrix::pack, PackedMatrix::packBfloat16}) {
            float[] b = Values.ramp(12), before = b.clone();
            Rejections.rejects(IllegalArgumentException.class, "rows must be >= 0, got -1",
                    () -> packer.pack(true, -1, 3, b, 0, 3));
            Rejections.rejects(IllegalArgumentException.class, "cols must be >= 0, got -2",
                    () -> packer.pack(true, 4, -2, b, 0, 4));
            Compare.sameArray(before, b, "b untouched");
        }
    }

    /** {@link PackedMatrix#pack} or {@link PackedMatrix#packBfloat16}. */
    interface Packer {
        PackedMatrix pack(boolean transposed, int rows, int cols, float[] b, int bOff, int ldb);
    }

    /**
     * The fused call against packed weights validates every argument it takes before it writes
     * C: A and C sized by the packed matrix's shape (a k-row B needs k columns of A, an n-column
     * B needs n columns of C), the bias's length and its overlap with C. Each bad call throws
     * the documented exception whose message names the argument, and leaves C's bits alone,
     * including the elements a partial run would have written first.
     */
    @Test
    void theFusedCallAgainstPackedWeightsNamesEachBadArgumentBeforeWritingC() {
        int m = BadCallOperands.M, k = BadCallOperands.K, n = BadCallOperands.N;
        BadCallOperands ops = BadCallOperands.of(3);
        PackedMatrix packed = ops.packed();
        float[] a = ops.a(), bias = ops.bias();
        record Case(String label, Class<? extends RuntimeException> type, String fragment,
                    float[] a, float[] c, int cOff, float[] bias, int biasOff, PackedMatrix b) {}
        float[] shared = new float[m * n + n];
        List<Case> cases = List.of(
                new Case("b null", NullPointerException.class, "b must not be null",
                        a, new float[m * n], 0, bias, 0, null),
                new Case("a one element short of m x k", IndexOutOfBoundsException.class, "a.length",
                        Arrays.copyOf(a, m * k - 1), new float[m * n], 0, bias, 0, packed),
                new Case("c one element short of m x n", IndexOutOfBoundsException.class, "c.length",
                        a, new float[m * n - 1], 0, bias, 0, packed),
                new Case("bias one element short of n", IndexOutOfBoundsException.class, "bias.length",
                        a, new float[m * n], 0, new float[n - 1], 0, packed),
                new Case("bias inside C", IllegalArgumentException.class, "must not overlap bias",
                        a, shared, 0, shared, m * n - 1, packed));
        for (Case cs : cases) {
            float[] before = cs.c().clone();
            Rejections.rejectsMentioning(cs.type(), cs.fragment(), cs.label(),
                    () -> Gemm.multiplyPackedBiasActivation(false, m, 1f, cs.a(), 0, k, cs.b(), 0f,
                            cs.c(), cs.cOff(), n, cs.bias(), cs.biasOff(), Activation.RELU));
            Compare.sameArray(before, cs.c(), cs.label() + ": c untouched");
        }
    }

    /**
     * The good operands the bad-call tests break one at a time: a 2 x 4 A, a 4 x 3 B packed, a
     * bias of 3, from the seeds {@code seed} (B) and {@code seed + 1} (A).
     */
    private record BadCallOperands(PackedMatrix packed, float[] a, float[] bias) {
        static final int M = 2, K = 4, N = 3;

        static BadCallOperands of(int seed) {
            float[] b = Values.random(new Random(seed), K * N, 0, 1f);
            return new BadCallOperands(PackedMatrix.pack(false, K, N, b, 0, N),
                    Values.random(new Random(seed + 1), M * K, 0, 1f), new float[] {0.5f, -0.25f, 1f});
        }
    }

    /** A product against a packed B, in one of its public forms. */
    private interface PackedForm {
        void call(float[] a, PackedMatrix b, float[] c, int cOff, int ldc, float[] bias, int biasOff);
    }

    /**
     * The forms with a Workspace and the parallel forms check their arguments themselves (they
     * do not go through the plain form): each bad argument the packed product can be given (b
     * null, A or C one float short of what the packed shape needs, ldc below n, C over A; the
     * bias one float short or inside C for the fused form; a null executor or parts = 0 for the
     * parallel forms) is refused with the documented exception, a message naming it, and C and A
     * unchanged. A skipped check would let the product read past A (another exception, another
     * message) or write C first.
     */
    @Test
    void theWorkspaceAndParallelFormsNameEachBadArgumentBeforeWritingC() {
        int m = BadCallOperands.M, k = BadCallOperands.K, n = BadCallOperands.N;
        BadCallOperands ops = BadCallOperands.of(5);
        PackedMatrix packed = ops.packed();
        float[] a = ops.a(), bias = ops.bias();
        Map<String, PackedForm> forms = new LinkedHashMap<>();
        forms.put("multiplyPacked(workspace)", (aa, bb, c, cOff, ldc, bi, bo) ->
                Gemm.multiplyPacked(false, m, 1f, aa, 0, k, bb, 0f, c, cOff, ldc, new Workspace()));
        forms.put("multiplyPackedBiasActivation(workspace)", (aa, bb, c, cOff, ldc, bi, bo) ->
                Gemm.multiplyPackedBiasActivation(false, m, 1f, aa, 0, k, bb, 0f, c, cOff, ldc, bi, bo,
                        Activation.RELU, new Workspace()));
        forms.put("multiplyPackedParallel", (aa, bb, c, cOff, ldc, bi, bo) ->
                Gemm.multiplyPackedParallel(false, m, 1f, aa, 0, k, bb, 0f, c, cOff, ldc, Runnable::run, 2));
        forms.put("multiplyPackedParallel(workspace)", (aa, bb, c, cOff, ldc, bi, bo) ->
                Gemm.multiplyPackedParallel(false, m, 1f, aa, 0, k, bb, 0f, c, cOff, ldc, Runnable::run, 2,
                        new Workspace()));
        record Case(String label, Class<? extends RuntimeException> type, String fragment,
                    float[] a, PackedMatrix b, float[] c, int cOff, int ldc) {}
        float[] shared = Arrays.copyOf(a, m * k + m * n); // A at float 0, C from float 2: inside A
        List<Case> cases = List.of(
                new Case("b null", NullPointerException.class, "b must not be null",
                        a, null, new float[m * n], 0, n),
                new Case("a one float short of m x k", IndexOutOfBoundsException.class, "a.length is 7",
                        Arrays.copyOf(a, m * k - 1), packed, new float[m * n], 0, n),
                new Case("c one float short of m x n", IndexOutOfBoundsException.class, "c.length is 5",
                        a, packed, new float[m * n - 1], 0, n),
                new Case("ldc below n", IllegalArgumentException.class, "ldc must be >= max(1, cols = 3), got 2",
                        a, packed, new float[m * n], 0, n - 1),
                new Case("c over a", IllegalArgumentException.class, "must not overlap",
                        shared, packed, shared, 2, n));
        for (var form : forms.entrySet()) {
            for (Case cs : cases) {
                String label = form.getKey() + ", " + cs.label();
                float[] cBefore = cs.c().clone(), aBefore = cs.a().clone();
                Rejections.rejectsMentioning(cs.type(), cs.fragment(), label, () -> form.getValue().call(
                        cs.a(), cs.b(), cs.c(), cs.cOff(), cs.ldc(), bias, 0));
                Compare.sameArray(cBefore, cs.c(), label + ": c untouched");
                Compare.sameArray(aBefore, cs.a(), label + ": a untouched");
            }
        }
        // The fused form's own arguments: the bias one float short, the bias inside C.
        PackedForm fused = forms.get("multiplyPackedBiasActivation(workspace)");
        float[] c = new float[m * n], cBefore = c.clone();
        IndexOutOfBoundsException shortBias = assertThrows(IndexOutOfBoundsException.class,
                () -> fused.call(a, packed, c, 0, n, new float[n - 1], 0));
        assertTrue(shortBias.getMessage().contains("bias must fit in its array"), shortBias.getMessage());
        Compare.sameArray(cBefore, c, "bias too short: c untouched");
        float[] overBias = new float[m * n + n];
        IllegalArgumentException inside = assertThrows(IllegalArgumentException.class,
                () -> fused.call(a, packed, overBias, 0, n, overBias, m * n - 1));
        assertTrue(inside.getMessage().contains("must not overlap bias"), inside.getMessage());
        Compare.sameArray(new float[m * n + n], overBias, "bias inside C: c untouched");
        // The parallel forms' own arguments, with every matrix valid.
        for (Workspace ws : new Workspace[] {null, new Workspace()}) {
            NullPointerException noExecutor = assertThrows(NullPointerException.class, () -> {
                if (ws == null) {
                    Gemm.multiplyPackedParallel(false, m, 1f, a, 0, k, packed, 0f, c, 0, n, null, 2);
                } else {
                    Gemm.multiplyPackedParallel(false, m, 1f, a, 0, k, packed, 0f, c, 0, n, null, 2, ws);
                }
            });
            assertEquals("executor must not be null", noExecutor.getMessage());
            IllegalArgumentException noParts = assertThrows(IllegalArgumentException.class, () -> {
                if (ws == null) {
                    Gemm.multiplyPackedParallel(false, m, 1f, a, 0, k, packed, 0f, c, 0, n, Runnable::run, 0);
                } else {
                    Gemm.multiplyPackedParallel(false, m, 1f, a, 0, k, packed, 0f, c, 0, n, Runnable::run, 0, ws);
                }
            });
            assertEquals("parts must be >= 1, got 0", noParts.getMessage());
            Compare.sameArray(cBefore, c, "parallel form's bad executor or parts: c untouched");
        }
    }
}

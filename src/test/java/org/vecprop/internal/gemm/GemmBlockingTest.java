package org.vecprop.internal.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.GemmCheck.check;
import static org.vecprop.testing.VectorLength.L;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.internal.gemm.GemmBlocking.Path;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.scalar.ScalarKernels;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.kernel.Simd;
import org.vecprop.reference.ReferenceGemm;
import org.vecprop.testing.Compare;
import org.vecprop.testing.ForcedPath;
import org.vecprop.testing.GemmCheck;
import org.vecprop.testing.Values;
import org.vecprop.testing.GemmCheck.Case;
import org.vecprop.testing.Props;

/**
 * GEMM across the boundaries {@link GemmBlocking} sets: every remainder of the register tile
 * (MR x NR) on each path, the cache blocks KC, MC and NC each at -1, 0 and +1 (and the direct
 * path past one depth block), and the path rule: its thresholds, and results on both sides of
 * them through the automatic choice. Every case is checked against the reference with the bound
 * of {@link org.vecprop.testing.GemmCheck}.
 */
class GemmBlockingTest {

    // ------------------------------------------------------------------ tiles: MR x NR

    /**
     * Every remainder of m modulo MR and of n modulo the vector length and NR, on both paths and
     * in all four transposes: a deterministic sweep, so no remainder is left to chance.
     */
    @Test
    void everyTileRemainder() {
        int nr = Math.max(GemmBlocking.NR, 16);
        long seed = 1;
        for (Path forced : new Path[] {Path.TINY, Path.DIRECT, Path.PACKED, Path.NARROW}) {
            for (int flags = 0; flags < 4; flags++) {
                for (int m = 1; m <= 2 * GemmBlocking.MR + 1; m++) {
                    for (int n = 1; n <= 2 * nr + 1; n++) {
                        for (int k : new int[] {1, 3, 17}) {
                            check(new Case((flags & 1) != 0, (flags & 2) != 0, m, n, k,
                                    new int[] {1, 0, 0, 2, 3, 1}, 1f, 0.5f, seed++, 0), forced);
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ cache blocks: KC, MC, NC

    /** Sizes at a boundary b: b - 1, b, b + 1 (at least 1). */
    static Gen<Integer> around(int boundary) {
        int b = Math.max(2, boundary);
        return Generate.pick(List.of(b - 1, b, b + 1));
    }

    @Test
    void acrossTheDepthBlock() {
        Props.theory(Props.EXAMPLES / 10).forAll(Props.dimension(40), Props.dimension(70),
                around(GemmBlocking.KC).mix(around(2 * GemmBlocking.KC), 30), Generate.range(0, 3))
                .checkAssert((m, n, k, f) -> check(new Case(
                        (f & 1) != 0, (f & 2) != 0, m, n, k, new int[] {0, 1, 2, 0, 1, 3},
                        1f, 1f, m * 31L + n * 7L + k, 0)));
    }

    @Test
    void theDirectPathAcrossDepthBlocks() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Simd.enabled(), "no SIMD paths on the scalar path");
        int k = 2 * GemmBlocking.KC + 5, n = 2 * L + 3;
        for (int flags = 0; flags < 3; flags++) {            // NN, TN, NT (TT is packed)
            boolean ta = (flags & 1) != 0, tb = (flags & 2) != 0;
            for (int m = 1; m <= 3; m++) {
                check(new Case(ta, tb, m, n, k,
                        new int[] {1, 2, 0, 1, 2, 3}, 1f, 0.5f, 100L * flags + m, 0), Path.DIRECT);
            }
        }
    }

    @Test
    void acrossTheRowBlock() {
        Props.theory(Props.EXAMPLES / 20).forAll(around(GemmBlocking.MC), Props.dimension(40),
                Props.dimension(20), Generate.range(0, 3))
                .checkAssert((m, n, k, f) -> check(new Case(
                        (f & 1) != 0, (f & 2) != 0, m, n, k, new int[] {3, 0, 0, 2, 1, 1},
                        -1f, 0.5f, m * 31L + n * 7L + k, 0), Path.PACKED));
    }

    @Test
    void acrossTheColumnBlock() {
        Props.theory(Props.EXAMPLES / 20).forAll(Props.dimension(14), around(GemmBlocking.NC),
                Props.dimension(12), Generate.range(0, 3))
                .checkAssert((m, n, k, f) -> check(new Case(
                        (f & 1) != 0, (f & 2) != 0, m, n, k, new int[] {0, 0, 1, 1, 0, 2},
                        1f, 0f, m * 31L + n * 7L + k, 0), Path.PACKED));
    }

    /**
     * Each cache block at exactly b - 1, b and b + 1, deterministically (the properties above
     * sample these with few examples): the column block NC (also as the rows of a narrow C, which
     * the packed path computes transposed, its rows becoming columns) and the row block MC. The
     * direct path too crosses NC: with B transposed and a short depth it packs op(B) one column
     * block at a time and stores each block's columns from {@code jc}, so at NC + 1 the second
     * block is one column wide (B's storage ends right after its last row, so reading further
     * would fail).
     */
    @Test
    void eachCacheBlockBoundary() {
        Assumptions.assumeTrue(Simd.enabled(), "no cache blocks on the scalar path");
        int nc = GemmBlocking.NC, mc = GemmBlocking.MC, half = GemmBlocking.NR / 2;
        for (int d = -1; d <= 1; d++) {
            for (int flags = 0; flags < 4; flags++) {
                boolean ta = (flags & 1) != 0, tb = (flags & 2) != 0;
                check(new Case(ta, tb, 3, nc + d, 2, new int[] {1, 0, 2, 1, 0, 3}, 1f, 0.5f, 40L + d, 0), Path.PACKED);
                check(new Case(ta, tb, nc + d, 1, 2, new int[] {0, 2, 1, 0, 3, 1}, -1f, 0f, 50L + d, 0), Path.PACKED);
                check(new Case(ta, tb, mc + d, half, 3, new int[] {2, 1, 0, 3, 1, 0}, 1f, 1f, 60L + d, 0), Path.PACKED);
                check(new Case(ta, tb, 3, nc + d, 2, new int[] {0, 1, 1, 0, 0, 2}, 1f, 0.5f, 70L + d, 0), Path.DIRECT);
            }
        }
    }

    /**
     * B packed once ({@code PackedMatrix}), with more columns than one column block and more
     * depth than one depth block, so panels are found by block (the PackedPanels layout): within
     * GemmCheck's bound of the reference, and the same bits as the scalar implementation. Three
     * rows take the direct product on the panels; DIRECT_WIDE_MAX_M + 1 rows (with a depth past
     * PANEL_DIRECT_MAX_K) the loop nest, whose second column block must find its panels after
     * the first block's NC columns.
     */
    @Test
    void prepackedAcrossTheColumnAndDepthBlocks() {
        Assumptions.assumeTrue(Simd.enabled(), "no packed panels on the scalar path");
        int n = GemmBlocking.NC + 5, k = GemmBlocking.KC + 3;
        for (int m : new int[] {3, GemmBlocking.DIRECT_WIDE_MAX_M + 1}) {
            for (int flags = 0; flags < 4; flags++) {
                boolean ta = (flags & 1) != 0, tb = (flags & 2) != 0;
                java.util.Random rnd = new java.util.Random(70 + flags + m);
                int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3, aOff = 2, bOff = 1, cOff = 4;
                float[] a = Values.random(rnd, aOff + (ta ? k : m) * lda, 0, 1f);
                float[] b = Values.random(rnd, bOff + (tb ? n : k) * ldb, 0, 1f);
                float[] c0 = Values.random(rnd, cOff + m * ldc, 0, 1f);
                float[] actual = c0.clone(), expected = c0.clone(), scalar = c0.clone();
                PackedMatrix packed = PackedMatrix.pack(tb, k, n, b, bOff, ldb);
                Gemm.multiplyPacked(ta, m, 1.5f, a, aOff, lda, packed, 0.5f, actual, cOff, ldc);
                ReferenceGemm.multiply(ta, tb, m, n, k, 1.5f, a, aOff, lda, b, bOff, ldb, 0.5f, expected, cOff, ldc);
                ScalarKernels.INSTANCE.gemm(ta, tb, m, n, k, 1.5f, a, aOff, lda, b, bOff, ldb, 0.5f, scalar,
                        cOff, ldc, null, 0, Kernels.IDENTITY, null);
                String what = "prepacked m=" + m + " " + (ta ? "T" : "N") + (tb ? "T" : "N");
                Compare.sameArray(scalar, actual, what + " vs the scalar implementation");
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        int idx = cOff + i * ldc + j;
                        Compare.close(expected[idx], actual[idx], GemmCheck.bound(ta, tb, i, j, k, 1.5f,
                                a, aOff, lda, b, bOff, ldb, 0.5f, c0[idx]), what + " C[" + i + "][" + j + "]");
                    }
                }
            }
        }
    }

    /**
     * A sum whose exact value is negative but rounds to zero is -0 (IEEE 754 keeps the sign of
     * an underflowed result), on every path and for a depth of whole depth blocks: the order
     * joins blocks as {@code alpha * acc + v}, and a depth block too many would add {@code +0}
     * and turn the -0 into +0. Rows of A alternate between tiny negative values (every product
     * about -1e-50, far below the smallest subnormal) and ordinary ones; B is tiny and positive.
     * Every path must give the scalar implementation's bits, and -0 on the tiny rows; so must a
     * product against B packed beforehand ({@link PackedMatrix}: with m = 6 it runs the direct
     * tiles over the packed panels, which join the depth blocks the same way).
     */
    @Test
    void signedZeroAcrossWholeDepthBlocks() {
        int m = 6, n = 2 * L + 3;
        for (int k : new int[] {GemmBlocking.KC, 2 * GemmBlocking.KC}) {
            for (float beta : new float[] {0f, 0.5f}) {
                java.util.Random rnd = new java.util.Random(k + (long) (beta * 10));
                float[] a = new float[m * k], b = new float[k * n], c0 = new float[m * n];
                for (int i = 0; i < m; i++) {
                    for (int p = 0; p < k; p++) {
                        a[i * k + p] = i % 2 == 0 ? -1e-25f * (1 + rnd.nextFloat()) : rnd.nextFloat() * 2 - 1;
                    }
                }
                for (int idx = 0; idx < b.length; idx++) {
                    b[idx] = 1e-25f * (1 + rnd.nextFloat());
                }
                java.util.Arrays.fill(c0, -0f); // beta * -0 keeps the -0
                float[] scalar = c0.clone();
                ScalarKernels.INSTANCE.gemm(false, false, m, n, k, 1f, a, 0, k, b, 0, n, beta, scalar, 0, n,
                        null, 0, Kernels.IDENTITY, null);
                for (Path path : Path.values()) {
                    float[] actual = c0.clone();
                    ForcedPath.multiply(path, false, false, m, n, k, 1f, a, 0, k, b, 0, n, beta, actual, 0, n,
                            null, 0, false, new PackBuffers());
                    String what = "k=" + k + " beta=" + beta + " " + path;
                    Compare.sameArray(scalar, actual, what + " vs the scalar implementation");
                    for (int i = 0; i < m; i += 2) {
                        for (int j = 0; j < n; j++) {
                            Compare.same(-0f, actual[i * n + j], what + " C[" + i + "][" + j + "]");
                        }
                    }
                }
                float[] viaPacked = c0.clone();
                Gemm.multiplyPacked(false, m, 1f, a, 0, k, PackedMatrix.pack(false, k, n, b, 0, n), beta,
                        viaPacked, 0, n);
                String what = "k=" + k + " beta=" + beta + " packed B";
                Compare.sameArray(scalar, viaPacked, what + " vs the scalar implementation");
                for (int i = 0; i < m; i += 2) {
                    for (int j = 0; j < n; j++) {
                        Compare.same(-0f, viaPacked[i * n + j], what + " C[" + i + "][" + j + "]");
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ the path rule

    @Test
    void pathThresholds() {
        // Wider than the narrow path's one vector, narrower than the two-vector tile (any n on the
        // scalar path, where NR is 0 and neither rule applies).
        int half = GemmBlocking.NR / 2, mid = Simd.enabled() ? half + 1 : 7;
        assertSame(Path.TINY, GemmBlocking.choosePath(false, false, 4, 4, 4));     // 64 multiply-adds
        assertSame(Path.TINY, GemmBlocking.choosePath(true, true, 1, 1, 64));
        assertSame(Path.DIRECT, GemmBlocking.choosePath(false, false, 1, mid, 65));
        assertSame(Path.DIRECT, GemmBlocking.choosePath(true, false, 4, 100, 100));  // few rows
        assertSame(Path.PACKED, GemmBlocking.choosePath(false, true, 4, 100, 100));  // B transposed
        assertSame(Path.DIRECT, GemmBlocking.choosePath(true, false, 16, mid, 4096 / (16 * mid))); // little work
        int overWork = 4096 / (5 * mid) + 1;                                         // > 4096 multiply-adds
        assertSame(Path.PACKED, GemmBlocking.choosePath(false, false, 5, mid, overWork)); // not wide
        assertSame(Path.PACKED, GemmBlocking.choosePath(true, true, 1, mid, 65));    // both transposed
        if (Simd.enabled()) { // the wide rule is stated in vectors: NR is 2 vectors of this width
            int nr = GemmBlocking.NR, bigK = (int) (GemmBlocking.DIRECT_SMALL_B / nr) + 1;
            assertSame(Path.PACKED, GemmBlocking.choosePath(false, false, 16, nr - 1, bigK)); // not wide
            assertSame(Path.DIRECT, GemmBlocking.choosePath(false, false, 16, nr, bigK));
            assertSame(Path.PACKED, GemmBlocking.choosePath(false, false, 17, nr, bigK));     // B too big
            assertSame(Path.DIRECT, GemmBlocking.choosePath(true, false, 32, nr, bigK - 1));  // B small
            assertSame(Path.PACKED, GemmBlocking.choosePath(false, false, 33, nr, bigK - 1));
            assertSame(Path.PACKED, GemmBlocking.choosePath(false, true, 16, nr, GemmBlocking.KC + 1)); // B transposed
            // C at most one vector wide: the narrow path, whatever the transposes and sizes
            // (past the tiny rule); one column more and the other rules apply.
            for (int f = 0; f < 4; f++) {
                boolean ta = (f & 1) != 0, tb = (f & 2) != 0;
                assertSame(Path.NARROW, GemmBlocking.choosePath(ta, tb, 128, half, 64));
                assertSame(Path.NARROW, GemmBlocking.choosePath(ta, tb, 1, 1, 65));
                assertSame(Path.NARROW, GemmBlocking.choosePath(ta, tb, 1000, 1, 1000));
                assertSame(Path.TINY, GemmBlocking.choosePath(ta, tb, 1, half, 64 / half));
                assertSame(tb ? Path.PACKED : Path.DIRECT, GemmBlocking.choosePath(ta, tb, 4, half + 1, 64));
            }
        }
    }

    /**
     * The rule for B transposed, at its boundary: a depth of at most PANEL_DIRECT_MAX_K takes
     * DIRECT whatever the rows (op(B) is packed per call and A read in place, so no tile is
     * spilled), one deeper takes PACKED; with B not transposed the same shape is past every
     * direct rule (more than DIRECT_MAX_M and 2 x DIRECT_WIDE_MAX_M rows, more than
     * DIRECT_MAX_WORK multiply-adds) and takes PACKED. C is wider than the narrow path's one
     * vector (on the scalar path NR is 0 and no width rule applies). Direct, because both paths
     * give the same bits: a product cannot show which one ran.
     */
    @Test
    void bTransposedTakesTheDirectPathUpToThePanelDepth() {
        // Not whole panels wide (any width on the scalar path), so that one depth block is not
        // enough for the direct path (GemmBlocking.shortDepthOnPanels).
        int m = 2 * GemmBlocking.DIRECT_WIDE_MAX_M + 1, n = Math.max(GemmBlocking.NR + 1, 8);
        int k = GemmBlocking.PANEL_DIRECT_MAX_K;
        for (boolean ta : new boolean[] {false, true}) {
            assertSame(Path.DIRECT, GemmBlocking.choosePath(ta, true, m, n, k));
            assertSame(Path.DIRECT, GemmBlocking.choosePath(ta, true, GemmBlocking.MC + 1, n, 1));
            assertSame(Path.PACKED, GemmBlocking.choosePath(ta, true, m, n, k + 1));
            assertSame(Path.PACKED, GemmBlocking.choosePath(ta, false, m, n, k));
        }
    }

    /**
     * The direct path's two general limits with B not transposed, each exactly at its boundary
     * and one past it: DIRECT_MAX_M rows whatever the work (C narrower than the two-vector tile,
     * so the wide rule does not apply; any width on the scalar path), and DIRECT_MAX_WORK
     * multiply-adds whatever the rows (64 rows, past the wide rule's 2 x DIRECT_WIDE_MAX_M, on a C
     * of 32 columns: at least NR at every width, so never narrow). Direct, because the paths give
     * the same bits.
     */
    @Test
    void theDirectPathUpToItsRowsOrItsWork() {
        int mid = Simd.enabled() ? GemmBlocking.NR / 2 + 1 : 7;
        int rows = GemmBlocking.DIRECT_MAX_M;
        assertSame(Path.DIRECT, GemmBlocking.choosePath(false, false, rows, mid, 1000));
        assertSame(Path.PACKED, GemmBlocking.choosePath(false, false, rows + 1, mid, 1000));
        int m = 2 * GemmBlocking.DIRECT_WIDE_MAX_M + 32, n = 32;
        int k = (int) (GemmBlocking.DIRECT_MAX_WORK / (m * n));
        assertEquals(GemmBlocking.DIRECT_MAX_WORK, (long) m * n * k, "the shape is exactly the work limit");
        assertSame(Path.DIRECT, GemmBlocking.choosePath(false, false, m, n, k));
        assertSame(Path.DIRECT, GemmBlocking.choosePath(true, false, m, n, k));
        // One past the work limit, B is no longer read in place; the shape, whole panels wide with
        // one depth block, is the short-depth rule's (tested below).
        assertTrue(GemmBlocking.directInPlace(m, n, k));
        assertFalse(GemmBlocking.directInPlace(m, n, k + 1));
    }

    /**
     * The rule for one depth block whole panels wide, at each of its boundaries, past every
     * in-place rule (2 x DIRECT_WIDE_MAX_M + 1 rows): DIRECT up to a depth of KC, n a multiple
     * of NR and op(B) of at most SHORT_DEPTH_MAX_B floats (SHORT_DEPTH_MAX_B_TRANS_A with A
     * transposed), whatever B's transpose; PACKED one past any of them. The same for products
     * against packed panels (directOnPanels's caller asks both). Not on the scalar path (no
     * panels: NR is 0).
     */
    @Test
    void oneDepthBlockWholePanelsWideTakesTheDirectPath() {
        Assumptions.assumeTrue(Simd.enabled(), "no panels on the scalar path");
        int m = 2 * GemmBlocking.DIRECT_WIDE_MAX_M + 1, nr = GemmBlocking.NR, kc = GemmBlocking.KC;
        for (int f = 0; f < 4; f++) {
            boolean ta = (f & 1) != 0, tb = (f & 2) != 0;
            long maxB = ta ? GemmBlocking.SHORT_DEPTH_MAX_B_TRANS_A : GemmBlocking.SHORT_DEPTH_MAX_B;
            int n = (int) (maxB / kc); // a multiple of NR at every width
            assertEquals(0, n % nr, "the widest C of the rule at depth KC is whole panels");
            assertSame(Path.DIRECT, GemmBlocking.choosePath(ta, tb, m, n, kc));
            assertSame(Path.DIRECT, GemmBlocking.choosePath(ta, tb, GemmBlocking.MC + 1, nr, 1));
            assertSame(Path.PACKED, GemmBlocking.choosePath(ta, tb, m, n + nr, kc));  // op(B) too big
            assertSame(Path.PACKED, GemmBlocking.choosePath(ta, tb, m, n - 1, kc));   // a partial panel
            assertSame(Path.PACKED, GemmBlocking.choosePath(ta, tb, m, nr, kc + 1));  // two depth blocks
            assertTrue(GemmBlocking.shortDepthOnPanels(ta, n, kc));
            assertFalse(GemmBlocking.shortDepthOnPanels(ta, n + nr, kc));
            assertFalse(GemmBlocking.shortDepthOnPanels(ta, n - 1, kc));
            assertFalse(GemmBlocking.shortDepthOnPanels(ta, nr, kc + 1));
        }
    }

    /**
     * The direct tiles over op(B) packed per call for one depth block, at shapes past every
     * in-place rule: m past 2 x DIRECT_WIDE_MAX_M with every remainder of the 8- and 4-row tiles,
     * n whole panels (and one column less or more, where DIRECT falls back), k up to KC and one
     * past it, all transposes, offsets and strides, beta 0 over a NaN-filled C; every path and
     * the automatic choice within the bound of the reference and the scalar implementation's
     * bits (GemmCheck), and so the product against B packed beforehand, which runs the same
     * tiles over the PackedPanels.
     */
    @Test
    void theDirectPathOnPanelsForOneDepthBlock() {
        int base = 2 * GemmBlocking.DIRECT_WIDE_MAX_M + 1, nr = Math.max(GemmBlocking.NR, 8);
        Props.theory(Props.EXAMPLES / 10).forAll(Generate.range(0, 2 * 8 - 1),
                Generate.range(1, 3).zip(Generate.pick(List.of(0, 0, 0, -1, 1)), (q, d) -> q * nr + d),
                Generate.range(1, GemmBlocking.KC).mix(around(GemmBlocking.KC), 30),
                Generate.range(0, 7))
                .checkAssert((r, n, k, f) -> {
                    Case c = new Case((f & 1) != 0, (f & 2) != 0, base + r, n, k,
                            new int[] {f & 3, 1, 2, f >> 1, 3, 1}, (f & 4) != 0 ? 1.5f : 1f,
                            (f & 4) != 0 ? 0f : 0.5f, 1000L * r + 10L * n + k, (f & 4) != 0 ? 2 : 0);
                    check(c);
                    checkPacked(c);
                });
    }

    /**
     * The 4-row, 4-vector tile of the direct path (512 bits, A untransposed, C a whole number of
     * 4-vector rows), over B in place (DIRECT forced: past every in-place rule at these depths
     * only when the depth exceeds a block, where B is still read in place) and over packed
     * panels (a PackedMatrix, few rows): every row count up to three tiles and a remainder of
     * 1-3 rows (the 2- and 1-row kernels), one and two tiles across, depths within one block,
     * exactly one, and past one and two blocks; offsets, strides, beta 0 over a NaN-filled C.
     * At other widths the same shapes run the other tiles.
     */
    @Test
    void theFourByFourTileAcrossDepthBlocks() {
        int l = Math.max(1, L);
        long seed = 7;
        for (int m = 1; m <= 15; m++) {
            for (int n : new int[] {4 * l, 8 * l}) {
                for (int k : new int[] {1, 9, GemmBlocking.KC, GemmBlocking.KC + 1, 2 * GemmBlocking.KC + 5}) {
                    float beta = seed % 2 == 0 ? 0f : 0.5f;
                    Case c = new Case(false, false, m, n, k, new int[] {2, 1, 3, 2, 1, 3}, -1.25f, beta,
                            seed++, seed % 5 == 0 ? 2 : 0);
                    check(c, Path.DIRECT);
                    checkPacked(c);
                }
            }
        }
    }

    /** {@code Gemm.multiplyPacked} on op(B) packed beforehand: the scalar implementation's bits. */
    private static void checkPacked(Case c) {
        java.util.Random rnd = new java.util.Random(c.seed());
        boolean ta = c.transA(), tb = c.transB();
        int m = c.m(), n = c.n(), k = c.k();
        int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 3, aOff = 2, bOff = 1, cOff = 4;
        float[] a = Values.random(rnd, aOff + (ta ? k : m) * lda, 0, 1f);
        float[] b = Values.random(rnd, bOff + (tb ? n : k) * ldb, 0, 1f);
        float[] c0 = Values.random(rnd, cOff + m * ldc, 0, 1f);
        if (c.beta() == 0f) {
            java.util.Arrays.fill(c0, Float.NaN); // must not leak into the result
        }
        float[] actual = c0.clone(), scalar = c0.clone();
        Gemm.multiplyPacked(ta, m, c.alpha(), a, aOff, lda, PackedMatrix.pack(tb, k, n, b, bOff, ldb),
                c.beta(), actual, cOff, ldc);
        ScalarKernels.INSTANCE.gemm(ta, tb, m, n, k, c.alpha(), a, aOff, lda, b, bOff, ldb, c.beta(),
                scalar, cOff, ldc, null, 0, Kernels.IDENTITY, null);
        Compare.sameArray(scalar, actual, c + " packed B vs the scalar implementation");
    }

    /**
     * Which loop runs a product against packed panels of B, at both boundaries: the direct
     * tiles over the panels for at most DIRECT_WIDE_MAX_M rows whatever the depth, or for a
     * depth of at most PANEL_DIRECT_MAX_K whatever the rows; the packed loop nest only when both
     * are exceeded. Direct, because both loops give the same bits.
     */
    @Test
    void directOnPanelsForFewRowsOrAShortDepth() {
        int rows = GemmBlocking.DIRECT_WIDE_MAX_M, depth = GemmBlocking.PANEL_DIRECT_MAX_K;
        assertTrue(GemmBlocking.directOnPanels(rows, depth + 1));
        assertTrue(GemmBlocking.directOnPanels(rows, 10 * GemmBlocking.KC));
        assertTrue(GemmBlocking.directOnPanels(rows + 1, depth));
        assertTrue(GemmBlocking.directOnPanels(GemmBlocking.MC + 1, 1));
        assertFalse(GemmBlocking.directOnPanels(rows + 1, depth + 1));
    }

    @Test
    void acrossThePathThreshold() {
        // m around DIRECT_MAX_M, and m * n * k around DIRECT_MAX_WORK, through the automatic choice.
        Props.theory(Props.EXAMPLES / 2).forAll(around(GemmBlocking.DIRECT_MAX_M + 1).mix(Props.dimension(20), 50),
                Props.dimension(24), Props.dimension(24), Generate.range(0, 3))
                .checkAssert((m, n, k, f) -> check(new Case(
                        (f & 1) != 0, (f & 2) != 0, m, n, k, new int[] {1, 1, 1, 1, 1, 1},
                        1f, -1f, m * 31L + n * 7L + k, 0), Path.AUTO));
    }
}

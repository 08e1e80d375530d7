package org.vecprop.internal.gemm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.GemmCheck.check;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.Lanes;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.gemm.GemmBlocking.Path;
import org.vecprop.internal.scalar.ScalarKernels;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.kernel.Simd;
import org.vecprop.testing.Compare;
import org.vecprop.testing.ForcedPath;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.testing.GemmCheck.Case;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * The narrow path ({@link GemmNarrow}: C at most one vector wide) at the sizes where its forms
 * change: every width of C up to one vector and one past it; the 8-row tile and its one-row
 * remainder; the column form (A transposed, 512 bits) in blocks of 64 rows, its columns in
 * fours, twos and ones, or of 32 rows with all 5 to 12 columns at once, and the rows left to the
 * row form; depth blocks of 128. Each case is
 * checked against the reference with GemmCheck's bound and bit for bit against the scalar
 * implementation and the other paths; then with bias and activation, and against a
 * {@link PackedMatrix}.
 */
class GemmNarrowTest {

    /** Rows around the tile (8) and the column blocks (32, 64), and past two blocks. */
    private static final int[] ROWS = {1, 7, 8, 9, 31, 32, 33, 63, 64, 65, 71, 96, 128, 130};
    /** Depths around one FMA step, the transposes' 16 and the depth block, 128. */
    private static final int[] DEPTHS = {1, 3, 16, 17, 127, 128, 129, 300};

    /**
     * The narrow path serves a C of at most one vector (L lanes) and no wider: at n = L one
     * vector holds a row of C, at L + 1 the two-vector tile of the other paths takes over.
     * Direct, because those paths give the same bits at n = L.
     */
    @Test
    void appliesUpToOneVectorAndNoWider() {
        Assumptions.assumeTrue(Simd.enabled(), "no narrow path (and no vector length) on the scalar path");
        assertTrue(GemmNarrow.applies(1));
        assertTrue(GemmNarrow.applies(org.vecprop.internal.Lanes.L));
        assertFalse(GemmNarrow.applies(org.vecprop.internal.Lanes.L + 1));
    }

    @Test
    void everyWidthUpToOneVectorEveryTranspose() {
        int widest = Math.max(GemmBlocking.NR / 2, 4) + 1;
        long seed = 100;
        for (int flags = 0; flags < 4; flags++) {
            for (int n = 1; n <= widest; n++) {
                for (int m : ROWS) {
                    for (int k : new int[] {1, 17, 129}) {
                        float beta = (seed & 1) == 0 ? 0f : -0.5f;
                        check(new Case((flags & 1) != 0, (flags & 2) != 0, m, n, k,
                                new int[] {2, 1, 0, 3, 1, 2}, 1.5f, beta, seed++, 0), Path.NARROW);
                    }
                }
            }
        }
    }

    @Test
    void theColumnFormAtItsBlockBoundaries() {
        // A transposed, every n the column form splits differently (4s, a 2, a 1), rows from one
        // block to two and a remainder; specials (NaN, infinities) in some cases.
        long seed = 7;
        for (int n : new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16}) {
            for (int m : new int[] {32, 33, 64, 65, 96, 127, 128, 192}) {
                for (int k : DEPTHS) {
                    check(new Case(true, (seed & 2) != 0, m, n, k, new int[] {1, 3, 2, 0, 0, 5},
                            -1f, (seed & 1) == 0 ? 0f : 2f, seed, (int) (seed % 3) * 15), null);
                    seed++;
                }
            }
        }
    }

    /**
     * The column form at any size: A transposed, every width of C from 1 to 16 (the one-pass
     * 32-row tiles from 5 to 12, the 64-row block's groups of columns outside it, another path
     * past one vector), rows around the blocks' edges at multiples of 32 and 64 and any
     * remainder, depths within one depth block and across several, B in either layout, any
     * alpha, beta, slack and data (some NaNs and infinities): through the narrow path, within
     * GemmCheck's bound of the reference and bit for bit against the scalar implementation. A
     * tile that took a wrong column, a wrong row at a block's edge or a wrong depth step would
     * change some element's bits.
     */
    @Test
    void theColumnFormAtAnySize() {
        Gen<Integer> rows = Generate.range(1, 140).mix(Generate.range(1, 5).map(b -> 32 * b), 30)
                .mix(Generate.range(1, 5).map(b -> 32 * b + 1), 20);
        Gen<Integer> depths = Generate.range(1, 40).mix(Generate.range(100, 300), 40);
        Gen<int[]> dims = rows.zip(Generate.range(1, 16), depths, (m, n, k) -> new int[] {m, n, k});
        Gen<int[]> slack = Generate.intArrays(Generate.constant(6), Props.slack());
        Gen<float[]> scalars = Generate.pick(List.of(1f, -1f, 0.5f, 1.75f))
                .zip(Generate.pick(List.of(0f, 1f, -0.5f, 2f)), (a, b) -> new float[] {a, b});
        Gen<long[]> data = Generate.longRange(0, 1L << 40).zip(Generate.pick(List.of(0, 0, 0, 20)),
                Generate.booleans(), (sd, sp, tb) -> new long[] {sd, sp, tb ? 1 : 0});
        Props.theory().forAll(dims.zip(slack, scalars, data, (d, sl, sc, da) -> new Case(true,
                da[2] != 0, d[0], d[1], d[2], sl, sc[0], sc[1], da[0], (int) da[1])))
                .checkAssert(c -> check(c, Path.NARROW));
    }

    /**
     * B transposed over a long depth (1000: several depth blocks, and far more rows of op(B) than
     * a row is floats long): the narrow path packs op(B) one column at a time into rows NR floats
     * apart, and zeroes lanes n to L of every row, so a zero stored at the wrong place (not p * NR
     * + j) would overwrite a real element of a later row. Every width short of a vector (where
     * there are padding lanes), A in both layouts: against the reference with GemmCheck's bound
     * and bit for bit against the scalar implementation.
     */
    @Test
    void bTransposedOverALongDepth() {
        int half = Math.max(GemmBlocking.NR / 2, 4);
        long seed = 300;
        for (boolean transA : new boolean[] {false, true}) {
            for (int n : new int[] {1, half / 2 + 1, half - 1}) {
                check(new Case(transA, true, 9, n, 1000, new int[] {1, 0, 2, 1, 3, 1}, 1f, 0.5f,
                        seed++, 0), Path.NARROW);
            }
        }
    }

    /**
     * Bias and ReLU on the narrow path (row and column forms, per-call and packed B): the same
     * bits as the scalar implementation and as the packed path, which store C by another route.
     */
    @Test
    void biasAndActivationSameBitsAsEveryOtherPath() {
        Assumptions.assumeTrue(Simd.enabled(), "one implementation on the scalar path");
        Random rnd = new Random(11);
        for (boolean transA : new boolean[] {false, true}) {
            for (int n : new int[] {1, 10, GemmBlocking.NR / 2}) {
                for (int m : new int[] {9, 64, 130}) {
                    for (int k : new int[] {5, 129}) {
                        for (Activation act : new Activation[] {Activation.IDENTITY, Activation.RELU, Activation.TANH}) {
                            int lda = transA ? m + 1 : k + 2, ldc = n + 3;
                            float[] a = Values.random(rnd, (transA ? k : m) * lda, 0, 1f);
                            float[] b = Values.random(rnd, k * n, 0, 1f);
                            float[] bias = Values.random(rnd, n + 1, 0, 1f);
                            float[] c0 = Values.random(rnd, m * ldc, 0, 1f);
                            float beta = k == 5 ? 0f : 0.75f;
                            float[] scalar = c0.clone();
                            ScalarKernels.INSTANCE.gemm(transA, false, m, n, k, 1.25f, a, 0, lda, b, 0, n,
                                    beta, scalar, 0, ldc, bias, 1, ForcedPath.code(act), null);
                            String what = (transA ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " " + act;
                            for (Path path : new Path[] {Path.NARROW, Path.PACKED, Path.AUTO}) {
                                float[] actual = c0.clone();
                                ForcedPath.multiply(path, transA, false, m, n, k, 1.25f, a, 0, lda, b, 0, n,
                                        beta, actual, 0, ldc, bias, 1, act, new PackBuffers());
                                Compare.sameArray(scalar, actual, what + " " + path);
                            }
                            PackedMatrix packed = PackedMatrix.pack(false, k, n, b, 0, n);
                            float[] viaPacked = c0.clone();
                            Gemm.multiplyPackedBiasActivation(transA, m, 1.25f, a, 0, lda, packed, beta,
                                    viaPacked, 0, ldc, bias, 1, act);
                            Compare.sameArray(scalar, viaPacked, what + " packed B");
                        }
                    }
                }
            }
        }
    }

    /**
     * The row and column forms reading an untransposed B where it lies (no copy per call): any
     * m, every n from 1 to 16, depths within one block and across several, A in either layout,
     * any slack, alpha, beta (C NaN-filled when beta is 0) and data. B's array often ends with its
     * last row (slack 0), so that the last rows' vectors would run past it: those rows are read
     * with loads masked to n floats; the others whole, their lanes past n summed into lanes of C
     * that are never stored. Against the reference with GemmCheck's bound, bit for bit against the
     * scalar implementation, and C outside the window untouched. A depth block starting at the
     * wrong row of B, a step read at the wrong row, or a masked row read past n would change bits
     * or throw.
     */
    @Test
    void bInPlaceAtAnySize() {
        Gen<Integer> rows = Generate.range(1, 40).mix(Generate.range(1, 5).map(b -> 32 * b), 25)
                .mix(Generate.range(1, 9).map(b -> 8 * b + 1), 15);
        Gen<Integer> depths = Generate.range(1, 40).mix(Generate.range(100, 300), 40);
        narrowAtAnySize(false, rows, depths);
    }

    /**
     * The column form's one-pass tiles for an odd n read column n of B as well (its extra column,
     * never stored): in place where that float lies inside B's array (slack after the rows), from
     * a packed copy where B's array ends with its last row. Both, at every odd n they serve, one
     * and two depth blocks.
     */
    @Test
    void anOddWidthAtTheEndOfB() {
        long seed = 900;
        for (int n = GemmNarrow.ONE_PASS_MIN; n <= GemmNarrow.ONE_PASS_MAX; n++) {
            for (int tail : new int[] {0, 1}) {
                for (int k : new int[] {7, 200}) {
                    check(new Case(true, false, 64, n, k, new int[] {0, 0, 0, tail, 0, 0}, 1f, 0f,
                            seed++, 0), Path.NARROW);
                }
            }
        }
    }

    /**
     * A transposed B packed per call by 16 x 16 register transposes (512 bits) or by a zero fill
     * and column writes (narrower): every n from 1 to 16, depths around the transposes' 16 and
     * across depth blocks, any m, A in either layout, any slack, scalars and data. A row of
     * op(B) out of place, a lane past n not zero, or the last k mod 16 steps taken from the wrong
     * columns would change bits.
     */
    @Test
    void bTransposedAtAnySize() {
        Gen<Integer> rows = Generate.range(1, 40).mix(Generate.range(1, 5).map(b -> 32 * b), 25);
        Gen<Integer> depths = Generate.range(1, 50).mix(Generate.range(1, 20).map(b -> 16 * b), 30)
                .mix(Generate.range(120, 300), 30);
        narrowAtAnySize(true, rows, depths);
    }

    /**
     * The narrow path against the scalar implementation at rows and depths from these
     * generators, every n from 1 to 16, B transposed or not as given, A in either layout, any
     * slack around the operands, scalars (beta 0 over a NaN-filled C among them) and data.
     */
    private static void narrowAtAnySize(boolean transB, Gen<Integer> rows, Gen<Integer> depths) {
        Gen<int[]> dims = rows.zip(Generate.range(1, 16), depths, (m, n, k) -> new int[] {m, n, k});
        Gen<int[]> slack = Generate.intArrays(Generate.constant(6), Props.slack());
        Gen<float[]> scalars = Generate.pick(List.of(1f, -1f, 0.5f, 1.75f))
                .zip(Generate.pick(List.of(0f, 0f, 1f, -0.5f)), (a, b) -> new float[] {a, b});
        Gen<long[]> data = Generate.longRange(0, 1L << 40).zip(Generate.pick(List.of(0, 0, 0, 20)),
                Generate.booleans(), (sd, sp, ta) -> new long[] {sd, sp, ta ? 1 : 0});
        Props.theory().forAll(dims.zip(slack, scalars, data, (d, sl, sc, da) -> new Case(da[2] != 0,
                transB, d[0], d[1], d[2], sl, sc[0], sc[1], da[0], (int) da[1])))
                .checkAssert(c -> check(c, Path.NARROW));
    }

    /**
     * Bias and ReLU on every form at any size: the column form (A transposed) and the row forms,
     * with B in place, packed by transposes, or packed beforehand, beta 0 or not. Every n from 1 to 16, any m and depth (the bias and
     * activation only after the last depth block), C NaN-filled when beta is 0: the same bits
     * as the scalar implementation, C outside the window untouched.
     */
    @Test
    void biasAndActivationOnEveryFormAtAnySize() {
        Assumptions.assumeTrue(Simd.enabled(), "one implementation on the scalar path");
        Gen<Integer> rows = Generate.range(1, 40).mix(Generate.range(1, 5).map(b -> 32 * b), 40);
        Gen<Integer> depths = Generate.range(1, 40).mix(Generate.range(100, 300), 30);
        Gen<int[]> dims = rows.zip(Generate.range(1, 16), depths, (m, n, k) -> new int[] {m, n, k});
        Gen<Integer> flags = Generate.range(0, 15);
        Gen<long[]> data = Generate.longRange(0, 1L << 40).zip(Generate.range(0, 3),
                (sd, sl) -> new long[] {sd, sl});
        Props.theory().forAll(dims, flags, data).checkAssert((d, f, da) -> {
            int m = d[0], n = d[1], k = d[2];
            boolean transA = (f & 1) != 0, transB = (f & 2) != 0;
            Activation act = (f & 4) != 0 ? Activation.RELU : Activation.IDENTITY;
            float beta = (f & 8) != 0 ? 0.75f : 0f, alpha = m % 3 == 0 ? 1f : -1.25f;
            int slack = (int) da[1];
            Random rnd = new Random(da[0]);
            int lda = (transA ? m : k) + slack, ldb = (transB ? k : n) + slack, ldc = n + slack;
            float[] a = Values.random(rnd, (transA ? k : m) * lda, 0, 1f);
            float[] b = Values.random(rnd, (transB ? n : k) * ldb, 0, 1f);
            float[] bias = Values.random(rnd, n + slack, 0, 1f);
            float[] c0 = Values.random(rnd, m * ldc + slack, 0, 1f);
            if (beta == 0f) {
                java.util.Arrays.fill(c0, Float.NaN);
            }
            float[] scalar = c0.clone();
            ScalarKernels.INSTANCE.gemm(transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb,
                    beta, scalar, 0, ldc, bias, slack, ForcedPath.code(act), null);
            String what = (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n
                    + " k=" + k + " beta=" + beta + " " + act + " slack=" + slack;
            float[] actual = c0.clone();
            ForcedPath.multiply(Path.NARROW, transA, transB, m, n, k, alpha, a, 0, lda, b, 0, ldb,
                    beta, actual, 0, ldc, bias, slack, act, new PackBuffers());
            Compare.sameArray(scalar, actual, what);
            PackedMatrix packed = PackedMatrix.pack(transB, k, n, b, 0, ldb);
            float[] viaPacked = c0.clone();
            Gemm.multiplyPackedBiasActivation(transA, m, alpha, a, 0, lda, packed, beta,
                    viaPacked, 0, ldc, bias, slack, act);
            Compare.sameArray(scalar, viaPacked, what + " packed B");
        });
    }

    /**
     * The one-pass tiles take C of 5 to 12 columns (class comment): one column fewer or more
     * and the column form runs in fours, twos and ones. Direct, because both forms give the same
     * bits, so no product shows which one ran.
     */
    @Test
    void theOnePassTilesTakeFiveToTwelveColumns() {
        Assumptions.assumeTrue(Simd.enabled(), "no narrow path on the scalar path");
        assertEquals(5, GemmNarrow.ONE_PASS_MIN);
        assertEquals(12, GemmNarrow.ONE_PASS_MAX);
        assertFalse(GemmNarrow.onePass(4));
        assertTrue(GemmNarrow.onePass(5));
        assertTrue(GemmNarrow.onePass(12));
        assertFalse(GemmNarrow.onePass(13));
    }

    /**
     * readsBInPlace at its boundary: at 512 bits, with A transposed, the one-pass tile for an
     * odd n also reads column n of B's last row, so an untransposed B is read in place exactly
     * when that float lies inside the array (length at least bOff + (k - 1) ldb + n + 1), and
     * packed when the array ends one float earlier; an even n, A untransposed, or a narrower
     * width (no column form) reads n floats a row and is always read in place. Direct, because
     * packing B instead gives the same bits.
     */
    @Test
    void bIsReadInPlaceUpToTheLastFloatTheTilesRead() {
        Assumptions.assumeTrue(Simd.enabled(), "no narrow path on the scalar path");
        int bOff = 3, ldb = 20, k = 7;
        for (int n = 1; n <= 16; n++) {
            int end = bOff + (k - 1) * ldb + n; // one past op(B)'s last float
            // The rule stated here, not taken from GemmNarrow's own helpers: the register
            // transposes' column form, one-pass tiles for 5 to 12 columns, odd n.
            boolean extraColumn = GemmTranspose.AVAILABLE && n >= 5 && n <= 12 && n % 2 == 1;
            String what = "n=" + n;
            assertTrue(GemmNarrow.readsBInPlace(true, n, k, end + 1, bOff, ldb), what);
            assertEquals(!extraColumn, GemmNarrow.readsBInPlace(true, n, k, end, bOff, ldb), what);
            assertTrue(GemmNarrow.readsBInPlace(false, n, k, end, bOff, ldb), what);
        }
    }

    /**
     * plainSteps is exactly the number of the block's rows whose whole vector (L floats from
     * bi + p ldb) lies inside the array, at most kc: every array length from none of them to
     * all of them, so each row's boundary (the vector ending at the array's last float) is hit.
     * Direct, because a row read masked instead of plain gives the same bits.
     */
    @Test
    void plainStepsCountsTheRowsWithAWholeVectorInside() {
        Assumptions.assumeTrue(Simd.enabled(), "no vectors on the scalar path");
        int l = Lanes.L, bi = 5, ldb = 10, kc = 30;
        for (int length = 0; length <= bi + (kc + 2) * ldb + l; length++) {
            int inside = 0;
            while (inside < kc && bi + inside * ldb + l <= length) {
                inside++;
            }
            assertEquals(inside, GemmNarrow.plainSteps(length, bi, ldb, kc), "length=" + length);
        }
    }

    /**
     * packB's documented layout for a transposed B, {@code pb[p * NR + j] = B[j][p]} for j < n
     * and +0 for n <= j < L, over a scratch buffer left full of NaN by earlier work: the zero
     * lanes must come from packB itself, not from a fresh scratch (the register transposes copy
     * the scratch rows n to 15 into those lanes). Every n up to one vector, depths around the
     * transposes' 16. Lanes L to NR are documented as never read and not checked.
     */
    @Test
    void aPackedTransposedBIsZeroPastColumnNOverADirtyScratch() {
        Assumptions.assumeTrue(Simd.enabled(), "no narrow path on the scalar path");
        int l = Lanes.L, nr = GemmBlocking.NR, bOff = 2;
        Random random = new Random(31);
        for (int n = 1; n <= l; n++) {
            for (int k : new int[] {1, 15, 16, 17, 40}) {
                int ldb = k + 3;
                float[] b = new float[bOff + n * ldb];
                for (int i = 0; i < b.length; i++) {
                    b[i] = random.nextFloat() * 2 - 1;
                }
                PackBuffers ws = new PackBuffers();
                ws.tile = new float[1 << 14];
                java.util.Arrays.fill(ws.tile, Float.NaN);
                float[] pb = new float[k * nr];
                java.util.Arrays.fill(pb, Float.NaN);
                GemmNarrow.packB(true, n, k, b, bOff, ldb, pb, ws);
                for (int p = 0; p < k; p++) {
                    for (int j = 0; j < l; j++) {
                        float expected = j < n ? b[bOff + j * ldb + p] : 0f;
                        Compare.same(expected, pb[p * nr + j], "n=" + n + " k=" + k + " p=" + p + " j=" + j);
                    }
                }
            }
        }
    }
}

package org.vecprop.internal.gemm;

import static org.junit.jupiter.api.Assertions.assertSame;
import static org.vecprop.testing.GemmCheck.check;
import static org.vecprop.testing.VectorLength.L;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.internal.gemm.GemmBlocking.Path;
import org.vecprop.kernel.Simd;
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
        for (Path forced : new Path[] {Path.TINY, Path.DIRECT, Path.PACKED}) {
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

    // ------------------------------------------------------------------ the path rule

    @Test
    void pathThresholds() {
        assertSame(Path.TINY, GemmBlocking.choosePath(false, false, 4, 4, 4));     // 64 multiply-adds
        assertSame(Path.TINY, GemmBlocking.choosePath(true, true, 1, 1, 64));
        assertSame(Path.DIRECT, GemmBlocking.choosePath(false, false, 1, 1, 65));
        assertSame(Path.DIRECT, GemmBlocking.choosePath(true, false, 4, 100, 100));  // few rows
        assertSame(Path.PACKED, GemmBlocking.choosePath(false, true, 4, 100, 100));  // B transposed
        assertSame(Path.DIRECT, GemmBlocking.choosePath(true, false, 16, 16, 16));   // little work
        assertSame(Path.PACKED, GemmBlocking.choosePath(false, false, 5, 7, 118));   // 4130 > 4096, narrow
        assertSame(Path.PACKED, GemmBlocking.choosePath(true, true, 1, 1, 65));      // both transposed
        if (Simd.enabled()) { // the wide rule is stated in vectors: NR is 2 vectors of this width
            int nr = GemmBlocking.NR, bigK = (int) (GemmBlocking.DIRECT_SMALL_B / nr) + 1;
            assertSame(Path.PACKED, GemmBlocking.choosePath(false, false, 16, nr - 1, bigK)); // not wide
            assertSame(Path.DIRECT, GemmBlocking.choosePath(false, false, 16, nr, bigK));
            assertSame(Path.PACKED, GemmBlocking.choosePath(false, false, 17, nr, bigK));     // B too big
            assertSame(Path.DIRECT, GemmBlocking.choosePath(true, false, 32, nr, bigK - 1));  // B small
            assertSame(Path.PACKED, GemmBlocking.choosePath(false, false, 33, nr, bigK - 1));
            assertSame(Path.PACKED, GemmBlocking.choosePath(false, true, 16, nr, 64));       // B transposed
        }
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

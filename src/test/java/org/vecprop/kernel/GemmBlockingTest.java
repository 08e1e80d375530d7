package org.vecprop.kernel;

import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.internal.gemm.GemmBlocking;
import org.vecprop.internal.gemm.GemmBlocking.Path;

/**
 * GEMM across its internal boundaries: the direct/packed threshold, and the cache blocks
 * KC, MC and NC each at -1, 0 and +1; and the thread-count identity (bit-identical results for
 * 1 to 5 parts). The tolerance is the one of {@link GemmPropertiesTest}.
 */
class GemmBlockingTest {
    static final ExecutorService POOL = Executors.newFixedThreadPool(4);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
    }

    /** Sizes at a boundary b: b - 1, b, b + 1 (at least 1). */
    static Gen<Integer> around(int boundary) {
        int b = Math.max(2, boundary);
        return Generate.pick(List.of(b - 1, b, b + 1));
    }

    @Test
    void acrossTheDepthBlock() {
        Props.theory(Props.EXAMPLES / 10).forAll(Props.dimension(40), Props.dimension(70),
                around(GemmBlocking.KC).mix(around(2 * GemmBlocking.KC), 30), Generate.range(0, 3))
                .checkAssert((m, n, k, f) -> GemmPropertiesTest.check(new GemmPropertiesTest.Case(
                        (f & 1) != 0, (f & 2) != 0, m, n, k, new int[] {0, 1, 2, 0, 1, 3},
                        1f, 1f, m * 31L + n * 7L + k, 0)));
    }

    @Test
    void acrossTheRowBlock() {
        Props.theory(Props.EXAMPLES / 20).forAll(around(GemmBlocking.MC), Props.dimension(40),
                Props.dimension(20), Generate.range(0, 3))
                .checkAssert((m, n, k, f) -> GemmPropertiesTest.check(new GemmPropertiesTest.Case(
                        (f & 1) != 0, (f & 2) != 0, m, n, k, new int[] {3, 0, 0, 2, 1, 1},
                        -1f, 0.5f, m * 31L + n * 7L + k, 0), Path.PACKED));
    }

    @Test
    void acrossTheColumnBlock() {
        Props.theory(Props.EXAMPLES / 20).forAll(Props.dimension(14), around(GemmBlocking.NC),
                Props.dimension(12), Generate.range(0, 3))
                .checkAssert((m, n, k, f) -> GemmPropertiesTest.check(new GemmPropertiesTest.Case(
                        (f & 1) != 0, (f & 2) != 0, m, n, k, new int[] {0, 0, 1, 1, 0, 2},
                        1f, 0f, m * 31L + n * 7L + k, 0), Path.PACKED));
    }

    @Test
    void acrossThePathThreshold() {
        // m around DIRECT_MAX_M, and m * n * k around DIRECT_MAX_WORK, through the automatic choice.
        Props.theory(Props.EXAMPLES / 2).forAll(around(GemmBlocking.DIRECT_MAX_M + 1).mix(Props.dimension(20), 50),
                Props.dimension(24), Props.dimension(24), Generate.range(0, 3))
                .checkAssert((m, n, k, f) -> GemmPropertiesTest.check(new GemmPropertiesTest.Case(
                        (f & 1) != 0, (f & 2) != 0, m, n, k, new int[] {1, 1, 1, 1, 1, 1},
                        1f, -1f, m * 31L + n * 7L + k, 0), Path.AUTO));
    }

    @Test
    void anyNumberOfPartsGivesTheSameBits() {
        Props.theory(Props.EXAMPLES / 4).forAll(Props.dimension(200), Props.dimension(200),
                Props.dimension(200), Generate.range(0, 3)).checkAssert((m, n, k, f) -> {
            boolean ta = (f & 1) != 0, tb = (f & 2) != 0;
            Random rnd = new Random(m * 1_000_003L + n * 1009L + k);
            int lda = Math.max(1, ta ? m : k), ldb = Math.max(1, tb ? k : n), ldc = Math.max(1, n);
            float[] a = Values.random(rnd, (ta ? k : m) * lda, 0, 1f);
            float[] b = Values.random(rnd, (tb ? n : k) * ldb, 0, 1f);
            float[] c0 = Values.random(rnd, m * ldc, 0, 1f);
            float[] single = c0.clone();
            Gemm.multiply(ta, tb, m, n, k, 1.5f, a, 0, lda, b, 0, ldb, 0.5f, single, 0, ldc);
            for (int parts = 1; parts <= 5; parts++) {
                float[] split = c0.clone();
                Gemm.multiplyParallel(ta, tb, m, n, k, 1.5f, a, 0, lda, b, 0, ldb, 0.5f, split, 0, ldc,
                        POOL, parts);
                Compare.sameArray(single, split, (ta ? "T" : "N") + (tb ? "T" : "N") + " m=" + m
                        + " n=" + n + " k=" + k + " parts=" + parts);
            }
        });
    }
}

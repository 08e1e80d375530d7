package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.BadCalls.IAE;
import static org.vecprop.testing.BadCalls.NPE;
import static org.vecprop.testing.BadCalls.IOOBE;
import static org.vecprop.testing.BadCalls.gemm;
import static org.vecprop.testing.BadCalls.rejectedBeforeAnyWrite;
import static org.vecprop.testing.GemmCheck.cases;
import static org.vecprop.testing.GemmCheck.check;
import static org.vecprop.testing.VectorLength.L;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.quicktheories.generators.Generate;
import org.vecprop.internal.gemm.GemmBlocking;
import org.vecprop.internal.gemm.GemmBlocking.Path;
import org.vecprop.testing.BadCalls;
import org.vecprop.testing.BadCalls.Bad;
import org.vecprop.testing.Compare;
import org.vecprop.testing.ForcedPath;
import org.vecprop.testing.GemmCheck;
import org.vecprop.testing.GemmCheck.Case;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * {@link Gemm}'s entry points: every one against the scalar reference (on each SIMD path and
 * the automatic choice, within the bound stated in {@link GemmCheck}), the fused bias and
 * activation against the composition, the BLAS rules for {@code alpha == 0} and {@code k == 0},
 * the workspace, MemorySegment and parallel overloads against the plain call (bit for bit), the
 * parallel overload's use of its executor, and every entry point's bad input.
 *
 * <p>Several cases were asked for by mutation testing (scripts/mutation): the BLAS rules on
 * every entry point, the workspace really used, pieces handed to the executor, a rejection
 * absorbed, the caller's interrupt kept, MemorySegment staging on a fresh thread. The tests of
 * the internal boundaries (tile remainders, cache blocks, path thresholds) are in
 * {@code internal.gemm.GemmBlockingTest}.
 */
class GemmTest {

    // ------------------------------------------------------------------ against the reference

    @Test
    void matchesReferenceOnEveryPath() {
        Props.theory().forAll(cases(300)).checkAssert(GemmCheck::check);
    }

    @Test
    void betaZeroNeverReadsC() {
        // C starts as NaN; with beta = 0 and finite inputs no NaN may survive.
        Props.theory(Props.EXAMPLES / 2).forAll(cases(100)).checkAssert(c -> check(
                new Case(c.transA(), c.transB(), c.m(), c.n(), c.k(), c.slack(), c.alpha(), 0f,
                        c.seed(), 0)));
    }

    /**
     * The fused epilogue, {@code C = f(alpha op(A) op(B) + beta C + bias)}, against the
     * reference GEMM followed by the reference bias add and ReLU. If the two GEMM values x and y
     * differ by at most T (the bound of GemmCheck), the bias add and ReLU keep them within
     * {@code T (1 + u) + 2u (|x| + |bias|)}: ReLU is 1-Lipschitz and each side rounds its sum once.
     */
    @Test
    void fusedBiasAndReluMatchTheComposition() {
        Props.theory(Props.EXAMPLES / 2).forAll(cases(150), Generate.booleans(), Generate.booleans())
                .checkAssert((c, withBias, relu) -> {
            Random rnd = new Random(c.seed() + 17);
            int m = c.m(), n = c.n(), k = c.k();
            int lda = Math.max(1, c.transA() ? m : k), ldb = Math.max(1, c.transB() ? k : n);
            int ldc = Math.max(1, n) + 1;
            float[] a = Values.random(rnd, (c.transA() ? k : m) * lda, c.specialPermille(), 1f);
            float[] b = Values.random(rnd, (c.transB() ? n : k) * ldb, c.specialPermille(), 1f);
            float[] bias = withBias ? Values.random(rnd, n + 2, c.specialPermille(), 1f) : null;
            float[] c0 = Values.random(rnd, m * ldc, 0, 1f);
            float[] gemmOnly = c0.clone();
            org.vecprop.reference.ReferenceGemm.multiply(c.transA(), c.transB(), m, n, k, c.alpha(),
                    a, 0, lda, b, 0, ldb, c.beta(), gemmOnly, 0, ldc);
            float[] expected = gemmOnly.clone();
            if (withBias) {
                org.vecprop.reference.ReferenceBias.add(m, n, expected, 0, ldc, bias, 2, expected, 0, ldc);
            }
            if (relu) {
                org.vecprop.reference.ReferenceRelu.forward(m, n, expected, 0, ldc, expected, 0, ldc);
            }
            for (Path path : Path.values()) {
                float[] actual = c0.clone();
                if (path == Path.AUTO) {
                    Gemm.multiplyBiasActivation(c.transA(), c.transB(), m, n, k, c.alpha(), a, 0, lda, b, 0, ldb,
                            c.beta(), actual, 0, ldc, bias, 2, relu ? Activation.RELU : Activation.IDENTITY);
                } else {
                    ForcedPath.multiply(path,c.transA(), c.transB(), m, n, k, c.alpha(), a, 0, lda, b, 0, ldb,
                            c.beta(), actual, 0, ldc, bias, 2, relu, null);
                }
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        int idx = i * ldc + j;
                        double sum = 0;
                        for (int p = 0; p < k; p++) {
                            float ap = c.transA() ? a[p * lda + i] : a[i * lda + p];
                            float bp = c.transB() ? b[j * ldb + p] : b[p * ldb + j];
                            double prod = Math.abs((double) ap * bp);
                            sum += Double.isFinite(prod) ? prod : 0;
                        }
                        double t = Math.abs(c.alpha()) * sum + Math.abs((double) c.beta() * c0[idx]);
                        double gemmTol = (2.0 * k + 5) * (Compare.U * t
                                + Compare.SUBNORMAL_ROUNDING * (1 + Math.abs(c.alpha())));
                        double x = Float.isFinite(gemmOnly[idx]) ? Math.abs(gemmOnly[idx]) : 0;
                        double bj = withBias && Float.isFinite(bias[2 + j]) ? Math.abs(bias[2 + j]) : 0;
                        double tol = gemmTol * (1 + Compare.U) + 2 * Compare.U * (x + bj)
                                + 2 * Compare.SUBNORMAL_ROUNDING;
                        Compare.close(expected[idx], actual[idx], tol, c + " bias=" + withBias
                                + " relu=" + relu + " " + path + ": C[" + i + "][" + j + "]");
                    }
                }
            }
        });
    }

    /** An array of NaN: a GEMM that reads it leaks NaN into C. */
    static float[] nan(int n) {
        float[] x = new float[n];
        Arrays.fill(x, Float.NaN);
        return x;
    }

    /** C after a call that must only scale it: {@code beta * c0}, or +0.0 when beta is 0. */
    static void scaledOnly(float beta, float[] c0, float[] c, int m, int n, int ldc, String what) {
        for (int i = 0; i < c.length; i++) {
            boolean inside = i / ldc < m && i % ldc < n;
            float expected = !inside ? c0[i] : beta == 0f ? 0f : beta * c0[i];
            Compare.same(expected, c[i], what + " C[" + i + "]");
        }
    }

    /** One GEMM entry point, with row strides equal to the row lengths. */
    interface Call {
        void run(int m, int n, int k, float alpha, float[] a, float[] b, float beta, float[] c);
    }

    @Test
    void alphaZeroOrDepthZeroReadsNeitherAnorB() {
        Call[] calls = {
            (m, n, k, al, a, b, be, c) -> Gemm.multiply(false, false, m, n, k, al, a, 0, Math.max(1, k),
                    b, 0, Math.max(1, n), be, c, 0, Math.max(1, n)),
            (m, n, k, al, a, b, be, c) -> Gemm.multiply(true, true, m, n, k, al, a, 0, Math.max(1, m),
                    b, 0, Math.max(1, k), be, c, 0, Math.max(1, n)),
            (m, n, k, al, a, b, be, c) -> Gemm.multiply(false, false, m, n, k, al, a, 0, Math.max(1, k),
                    b, 0, Math.max(1, n), be, c, 0, Math.max(1, n), new Workspace()),
            (m, n, k, al, a, b, be, c) -> Gemm.multiplyBiasActivation(false, false, m, n, k, al, a, 0, Math.max(1, k),
                    b, 0, Math.max(1, n), be, c, 0, Math.max(1, n), null, 0, Activation.IDENTITY),
            (m, n, k, al, a, b, be, c) -> Gemm.multiplyParallel(false, false, m, n, k, al, a, 0, Math.max(1, k),
                    b, 0, Math.max(1, n), be, c, 0, Math.max(1, n), Runnable::run, 3),
            (m, n, k, al, a, b, be, c) -> org.vecprop.reference.ReferenceGemm.multiply(false, false, m, n, k, al,
                    a, 0, Math.max(1, k), b, 0, Math.max(1, n), be, c, 0, Math.max(1, n)),
        };
        // {4, 2L + 1, 40}: B transposed with a depth over 32, which with alpha != 0 would take
        // the packed path (asked for by mutation testing: alpha = 0 must not go there either).
        int[][] shapes = {{2, 3, 4}, {1, 1, 1}, {3, 2 * L + 1, 5}, {20, 20, 20}, {3, 5, 0}, {20, 33, 0},
                {4, 2 * L + 1, 40}};
        Random rnd = new Random(2);
        for (int which = 0; which < calls.length; which++) {
            for (int[] s : shapes) {
                int m = s[0], n = s[1], k = s[2];
                float[] a = nan(m * k + 1), b = nan(k * n + 1);   // NaN would leak if read
                for (float beta : new float[] {0f, 0.5f, -2f}) {
                    float[] c0 = Values.random(rnd, m * n + 2, 0, 1f);
                    c0[0] = -0f;
                    float[] c = c0.clone();
                    String what = "call " + which + " " + m + "x" + n + "x" + k + " beta " + beta;
                    calls[which].run(m, n, k, 0f, a, b, beta, c);
                    scaledOnly(beta, c0, c, m, n, Math.max(1, n), what + " alpha 0");
                    if (k == 0) {
                        // No products: even an infinite or negative alpha scales nothing.
                        for (float alpha : new float[] {Float.POSITIVE_INFINITY, -1f}) {
                            c = c0.clone();
                            calls[which].run(m, n, k, alpha, a, b, beta, c);
                            scaledOnly(beta, c0, c, m, n, Math.max(1, n), what + " alpha " + alpha);
                        }
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ the workspace overload

    @Test
    void theWorkspaceOverloadGivesTheSameBitsAndUsesTheWorkspace() {
        Random rnd = new Random(3);
        for (int[] s : new int[][] {{2, 2, 2}, {3, 40, 17}, {37, 45, 29}, {64, 70, 300}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = Values.random(rnd, m * k, 0, 1f), b = Values.random(rnd, k * n, 0, 1f);
            float[] c0 = Values.random(rnd, m * n, 0, 1f);
            float[] plain = c0.clone(), mine = c0.clone();
            Workspace ws = new Workspace();
            Gemm.multiply(true, false, m, n, k, 1.5f, a, 0, m, b, 0, n, 0.5f, plain, 0, n);
            Gemm.multiply(true, false, m, n, k, 1.5f, a, 0, m, b, 0, n, 0.5f, mine, 0, n, ws);
            Compare.sameArray(plain, mine, m + "x" + n + "x" + k);
            float[] reference = c0.clone();
            org.vecprop.reference.ReferenceGemm.multiply(true, false, m, n, k, 1.5f, a, 0, m, b, 0, n, 0.5f,
                    reference, 0, n);
            for (int i = 0; i < reference.length; i++) {
                assertEquals(reference[i], mine[i], 1e-4f * (k + 2), m + "x" + n + "x" + k + " C[" + i + "]");
            }
            if (Simd.enabled() && GemmBlocking.choosePath(true, false, m, n, k) == Path.PACKED) {
                assertTrue(ws.buffers.pack.packedA.length > 0 && ws.buffers.pack.packedB.length > 0, "packed into the given workspace");
            }
        }
    }

    // ------------------------------------------------------------------ the MemorySegment overload

    static MemorySegment offHeap(Arena arena, float[] values) {
        // One spare byte in front, so that float offsets are not 4-byte aligned addresses.
        MemorySegment s = arena.allocate(values.length * 4L + 1).asSlice(1);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
        return s;
    }

    /**
     * The MemorySegment overload gives the same bits as the array overload on the same values
     * (off-heap, unaligned offsets, strides, all transposes).
     */
    @Test
    void segmentsGiveTheSameBitsAsArrays() {
        Props.theory(Props.EXAMPLES / 2).forAll(cases(120)).checkAssert(c -> {
            Random rnd = new Random(c.seed());
            int m = c.m(), n = c.n(), k = c.k();
            int aRows = c.transA() ? k : m, aCols = c.transA() ? m : k;
            int bRows = c.transB() ? n : k, bCols = c.transB() ? k : n;
            int[] s = c.slack();
            int lda = Math.max(1, aCols) + s[1], ldb = Math.max(1, bCols) + s[3];
            int ldc = Math.max(1, n) + s[5];
            float[] a = Values.random(rnd, s[0] + aRows * lda, c.specialPermille(), 1f);
            float[] b = Values.random(rnd, s[2] + bRows * ldb, c.specialPermille(), 1f);
            float[] c0 = Values.random(rnd, s[4] + m * ldc, c.specialPermille(), 1f);
            float[] expected = c0.clone();
            Gemm.multiply(c.transA(), c.transB(), m, n, k, c.alpha(), a, s[0], lda, b, s[2], ldb,
                    c.beta(), expected, s[4], ldc);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment sa = offHeap(arena, a), sb = offHeap(arena, b), sc = offHeap(arena, c0);
                Gemm.multiply(c.transA(), c.transB(), m, n, k, c.alpha(), sa, s[0], lda, sb, s[2],
                        ldb, c.beta(), sc, s[4], ldc);
                float[] actual = new float[c0.length];
                MemorySegment.copy(sc, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, actual, 0, actual.length);
                Compare.sameArray(expected, actual, c + " segment C");
            }
        });
    }

    @Test
    void segmentsOnAFreshThreadStageIntoBuffersOfTheRightSize() throws Exception {
        // A new thread has an empty workspace: staging must size its copies from the operands.
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                Random rnd = new Random(7);
                for (int[] s : new int[][] {{8, 8, 8}, {3, 17, 5}, {9, 2, 33}}) {
                    int m = s[0], n = s[1], k = s[2];
                    float[] a = Values.random(rnd, m * k, 0, 1f), b = Values.random(rnd, n * k, 0, 1f);
                    float[] c0 = Values.random(rnd, m * n, 0, 1f);
                    float[] expected = c0.clone();
                    Gemm.multiply(false, true, m, n, k, 1f, a, 0, k, b, 0, k, 0.5f, expected, 0, n);
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
                        MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
                        MemorySegment sc = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c0);
                        Gemm.multiply(false, true, m, n, k, 1f, sa, 0, k, sb, 0, k, 0.5f, sc, 0, n);
                        Compare.sameArray(expected, sc.toArray(ValueLayout.JAVA_FLOAT), m + "x" + n + "x" + k);
                    }
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join(60_000);
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    // ------------------------------------------------------------------ the parallel overload

    static final ExecutorService POOL = Executors.newFixedThreadPool(4);

    @AfterAll
    static void shutdown() {
        POOL.shutdownNow();
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

    static final class Counting implements java.util.concurrent.Executor {
        final ExecutorService pool = Executors.newFixedThreadPool(2);
        final AtomicInteger tasks = new AtomicInteger();

        @Override
        public void execute(Runnable r) {
            tasks.incrementAndGet();
            pool.execute(r);
        }
    }

    @Test
    void partsAreHandedToTheExecutor() {
        Counting ex = new Counting();
        try {
            Random rnd = new Random(4);
            int m = 60, n = 50, k = 40;
            float[] a = Values.random(rnd, m * k, 0, 1f), b = Values.random(rnd, k * n, 0, 1f);
            float[] single = new float[m * n], split = new float[m * n];
            Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, single, 0, n);
            Gemm.multiplyParallel(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, split, 0, n, ex, 3);
            Compare.sameArray(single, split, "3 parts");
            if (Simd.enabled()) {
                assertEquals(2, ex.tasks.get(), "three parts: two to the executor, one on the caller");
            }
            ex.tasks.set(0);
            Gemm.multiplyParallel(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, split, 0, n, ex, 1);
            assertEquals(0, ex.tasks.get(), "one part runs on the caller");
        } finally {
            ex.pool.shutdownNow();
        }
    }

    @Test
    void aRejectingExecutorCostsParallelismNotTheResult() {
        // Was: the rejection was thrown after the caller's part. Now the caller runs the pieces
        // the executor refused (see internal.gemm.GemmParallelTest for every executor fault).
        Random rnd = new Random(5);
        int m = 48, n = 40, k = 30;
        float[] a = Values.random(rnd, m * k, 0, 1f), b = Values.random(rnd, k * n, 0, 1f);
        float[] c = new float[m * n], single = new float[m * n];
        Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, single, 0, n);
        Gemm.multiplyParallel(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n,
                r -> { throw new RejectedExecutionException("no room"); }, 2);
        Compare.sameArray(single, c, "every piece run by the caller");
    }

    @Test
    void anInterruptedCallerWaitsForThePartsAndKeepsItsInterrupt() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Random rnd = new Random(6);
            int m = 48, n = 40, k = 30;
            float[] a = Values.random(rnd, m * k, 0, 1f), b = Values.random(rnd, k * n, 0, 1f);
            float[] single = new float[m * n], split = new float[m * n];
            Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, single, 0, n);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            boolean[] interruptedAfter = new boolean[1];
            Thread caller = new Thread(() -> {
                try {
                    Thread.currentThread().interrupt();
                    Gemm.multiplyParallel(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, split, 0, n, pool, 4);
                    interruptedAfter[0] = Thread.interrupted();
                } catch (Throwable t) {
                    failure.set(t);
                }
            });
            caller.start();
            caller.join(60_000);
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            Compare.sameArray(single, split, "all parts written before the call returned");
            assertTrue(interruptedAfter[0], "the caller's interrupt status is kept");
        } finally {
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------ bad input

    @Test
    void badSegmentsAreRejectedBeforeAnyWrite() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(64 * 4), b = arena.allocate(64 * 4), c = arena.allocate(64 * 4);
            MemorySegment before = arena.allocate(64 * 4);
            c.fill((byte) 7);
            before.copyFrom(c);
            String[][] expect = {
                {"a must not be null"}, {"needs 68 floats, but c holds 64"}, {"c must not overlap a in memory"},
                {"ldb must be >= max(1, cols = 4), got 3"}, {"m must be >= 0, got -1"}, {"aOff must be in [0, a.byteSize() / 4 = 64], got -2"},
            };
            Runnable[] calls = {
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, null, 0, 4, b, 0, 4, 0f, c, 0, 4),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 4, 20),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, a.asSlice(32), 0, 4),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, 0, 4, b, 0, 3, 0f, c, 0, 4),
                () -> Gemm.multiply(false, false, -1, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 4),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, -2, 4, b, 0, 4, 0f, c, 0, 4),
            };
            // The same calls through the form with a Workspace, which checks on its own: a check
            // it skipped would let the product run into the bad argument (or write C) instead.
            Runnable[] withWorkspace = {
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, null, 0, 4, b, 0, 4, 0f, c, 0, 4, new Workspace()),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 4, 20, new Workspace()),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, a.asSlice(32), 0, 4, new Workspace()),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, 0, 4, b, 0, 3, 0f, c, 0, 4, new Workspace()),
                () -> Gemm.multiply(false, false, -1, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 4, new Workspace()),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, -2, 4, b, 0, 4, 0f, c, 0, 4, new Workspace()),
            };
            for (Runnable[] form : new Runnable[][] {calls, withWorkspace}) {
                for (int i = 0; i < form.length; i++) {
                    RuntimeException e = assertThrows(RuntimeException.class, form[i]::run);
                    assertTrue(e instanceof IllegalArgumentException || e instanceof IndexOutOfBoundsException
                            || i == 0 && e instanceof NullPointerException, e.toString());
                    assertTrue(e.getMessage() != null && e.getMessage().contains(expect[i][0]), e.toString());
                    assertTrue(c.mismatch(before) < 0, "c changed by call " + i);
                }
            }
        }
    }

    @Test
    void generatedInvalidCallsAreRejected() {
        // A is m x k, B is k x n, C is m x n, with m = 2s, k = 3s, n = 4s.
        InvalidCalls.check("Gemm.multiply", new int[][] {{2, 3}, {3, 4}, {2, 4}}, new String[] {"a", "b", "c"}, 1,
                m -> Gemm.multiply(false, false, m[2].rows, m[2].cols, m[0].cols, 1f,
                        m[0].array, m[0].off, m[0].ld, m[1].array, m[1].off, m[1].ld,
                        0f, m[2].array, m[2].off, m[2].ld));
    }

    /**
     * Every entry point rejects bad arguments before writing: the exception is
     * IllegalArgumentException or IndexOutOfBoundsException, its message names the argument and its
     * value, and every array keeps its bits (the rows: {@link BadCalls#gemm}).
     */
    @TestFactory
    List<DynamicTest> badCallsAreRejectedBeforeAnyWrite() {
        List<Bad> l = new ArrayList<>();
        l.addAll(gemm("Gemm.multiply", Gemm::multiply));
        l.addAll(gemm("Gemm.multiply(workspace)", (ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be,
                c, co, lc) -> Gemm.multiply(ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be, c, co, lc,
                new Workspace())));
        l.add(new Bad("Gemm.multiply null workspace", NPE, "workspace must not be null",
                x -> Gemm.multiply(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4, null)));
        l.addAll(gemm("Gemm.multiplyBiasActivation", (ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be,
                c, co, lc) -> Gemm.multiplyBiasActivation(ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be, c, co, lc,
                new float[Math.max(0, n)], 0, Activation.RELU)));
        l.add(new Bad("Gemm.multiplyBiasActivation bias too short", IOOBE, "bias must fit in its array: 4 elements at biasOff = 61",
                x -> Gemm.multiplyBiasActivation(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4,
                        x.d, 61, Activation.IDENTITY)));
        l.add(new Bad("Gemm.multiplyBiasActivation bias overlaps c", IAE, "c must not overlap bias: c spans elements 0..15",
                x -> Gemm.multiplyBiasActivation(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4,
                        x.c, 12, Activation.RELU)));
        // The workspace form of the fused call checks on its own (it does not go through the form
        // without one): the same rows, so that a check it skipped would show.
        l.addAll(gemm("Gemm.multiplyBiasActivation(workspace)", (ta, tb, m, n, k, al, a, ao, la, b, bo,
                lb, be, c, co, lc) -> Gemm.multiplyBiasActivation(ta, tb, m, n, k, al, a, ao, la, b, bo, lb,
                be, c, co, lc, new float[Math.max(0, n)], 0, Activation.RELU, new Workspace())));
        l.add(new Bad("Gemm.multiplyBiasActivation(workspace) bias too short", IOOBE,
                "bias must fit in its array: 4 elements at biasOff = 61",
                x -> Gemm.multiplyBiasActivation(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4,
                        x.d, 61, Activation.IDENTITY, new Workspace())));
        l.add(new Bad("Gemm.multiplyBiasActivation(workspace) bias overlaps c", IAE,
                "c must not overlap bias: c spans elements 0..15",
                x -> Gemm.multiplyBiasActivation(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4,
                        x.c, 12, Activation.RELU, new Workspace())));
        l.add(new Bad("Gemm.multiplyBiasActivation(workspace) null activation", NPE,
                "activation must not be null",
                x -> Gemm.multiplyBiasActivation(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4,
                        x.d, 0, null, new Workspace())));
        l.addAll(gemm("Gemm.multiplyParallel", (ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be,
                c, co, lc) -> Gemm.multiplyParallel(ta, tb, m, n, k, al, a, ao, la, b, bo, lb, be, c, co, lc,
                Runnable::run, 2)));
        l.add(new Bad("Gemm.multiplyParallel null executor", NPE, "executor must not be null",
                x -> Gemm.multiplyParallel(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4,
                        null, 2)));
        l.add(new Bad("Gemm.multiplyParallel zero parts", IAE, "parts must be >= 1, got 0",
                x -> Gemm.multiplyParallel(false, false, 4, 4, 4, 1, x.a, 0, 4, x.b, 0, 4, 0, x.c, 0, 4,
                        Runnable::run, 0)));
        return rejectedBeforeAnyWrite(l);
    }
}

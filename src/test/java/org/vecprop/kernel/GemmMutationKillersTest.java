package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.vecprop.internal.gemm.GemmBlocking;
import org.vecprop.internal.gemm.GemmBlocking.Path;

/**
 * GEMM behaviour that mutation testing (scripts/mutation) found unchecked: the BLAS rules for
 * {@code alpha == 0} and {@code k == 0} on every entry point (A and B are not read, C becomes
 * exactly {@code beta * C}), the workspace overload, the executor overload's use of the executor
 * (pieces handed over, a rejection absorbed, the caller's interrupt kept), MemorySegment staging
 * on a fresh thread, the direct path past one depth block, the path thresholds, and the
 * strided/contiguous split of the element-wise kernels.
 */
class GemmMutationKillersTest {

    static final int L = Math.max(4, Simd.vectorBits() / 32);

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
                    b, 0, Math.max(1, n), be, c, 0, Math.max(1, n), new GemmWorkspace()),
            (m, n, k, al, a, b, be, c) -> Gemm.multiplyBiasActivation(false, false, m, n, k, al, a, 0, Math.max(1, k),
                    b, 0, Math.max(1, n), be, c, 0, Math.max(1, n), null, 0, Activation.IDENTITY),
            (m, n, k, al, a, b, be, c) -> Gemm.multiplyParallel(false, false, m, n, k, al, a, 0, Math.max(1, k),
                    b, 0, Math.max(1, n), be, c, 0, Math.max(1, n), Runnable::run, 3),
            (m, n, k, al, a, b, be, c) -> org.vecprop.reference.ReferenceGemm.multiply(false, false, m, n, k, al,
                    a, 0, Math.max(1, k), b, 0, Math.max(1, n), be, c, 0, Math.max(1, n)),
        };
        int[][] shapes = {{2, 3, 4}, {1, 1, 1}, {3, 2 * L + 1, 5}, {20, 20, 20}, {3, 5, 0}, {20, 33, 0}};
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

    @Test
    void theWorkspaceOverloadGivesTheSameBitsAndUsesTheWorkspace() {
        Random rnd = new Random(3);
        for (int[] s : new int[][] {{2, 2, 2}, {3, 40, 17}, {37, 45, 29}, {64, 70, 300}}) {
            int m = s[0], n = s[1], k = s[2];
            float[] a = Values.random(rnd, m * k, 0, 1f), b = Values.random(rnd, k * n, 0, 1f);
            float[] c0 = Values.random(rnd, m * n, 0, 1f);
            float[] plain = c0.clone(), mine = c0.clone();
            GemmWorkspace ws = new GemmWorkspace();
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
                assertTrue(ws.buffers.packedA.length > 0 && ws.buffers.packedB.length > 0, "packed into the given workspace");
            }
        }
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

    @Test
    void theDirectPathAcrossDepthBlocks() {
        org.junit.jupiter.api.Assumptions.assumeTrue(Simd.enabled(), "no SIMD paths on the scalar path");
        int k = 2 * GemmBlocking.KC + 5, n = 2 * L + 3;
        for (int flags = 0; flags < 3; flags++) {            // NN, TN, NT (TT is packed)
            boolean ta = (flags & 1) != 0, tb = (flags & 2) != 0;
            for (int m = 1; m <= 3; m++) {
                GemmPropertiesTest.check(new GemmPropertiesTest.Case(ta, tb, m, n, k,
                        new int[] {1, 2, 0, 1, 2, 3}, 1f, 0.5f, 100L * flags + m, 0), Path.DIRECT);
            }
        }
    }

    @Test
    void pathThresholds() {
        assertSame(Path.TINY, GemmBlocking.choosePath(false, false, 4, 4, 4));     // 64 multiply-adds
        assertSame(Path.TINY, GemmBlocking.choosePath(true, true, 1, 1, 64));
        assertSame(Path.DIRECT, GemmBlocking.choosePath(false, false, 1, 1, 65));
        assertSame(Path.DIRECT, GemmBlocking.choosePath(false, true, 4, 100, 100));  // few rows
        assertSame(Path.DIRECT, GemmBlocking.choosePath(true, false, 16, 16, 16));   // little work
        assertSame(Path.PACKED, GemmBlocking.choosePath(false, false, 5, 17, 49));   // 4165 > 4096
        assertSame(Path.PACKED, GemmBlocking.choosePath(true, true, 1, 1, 65));      // both transposed
    }

    @Test
    void elementwiseKernelsWithOneStridedOperand() {
        // The kernels treat all-contiguous operands as one long row; one strided operand must
        // turn that off. Each operand strided in turn, the others contiguous.
        int rows = 3, cols = 2 * L + 3;
        Random rnd = new Random(9);
        for (int strided = 0; strided < 3; strided++) {
            int[] ld = {cols, cols, cols};
            ld[strided] = cols + 2;
            float[] p = Values.random(rnd, rows * ld[0], 0, 2f);
            float[] t = Values.random(rnd, rows * ld[1], 0, 2f);
            float[] g0 = Values.random(rnd, rows * ld[2], 0, 2f);
            float[] gRef = g0.clone(), g = g0.clone();
            float lossRef = org.vecprop.reference.ReferenceMse.lossAndGradient(rows, cols, p, 0, ld[0], t, 0, ld[1],
                    gRef, 0, ld[2]);
            float loss = Mse.lossAndGradient(rows, cols, p, 0, ld[0], t, 0, ld[1], g, 0, ld[2]);
            Compare.sameArray(gRef, g, "Mse g, operand " + strided + " strided");
            assertEquals(lossRef, loss, 40 * Compare.U * lossRef, "Mse loss, operand " + strided + " strided");
            assertEquals(org.vecprop.reference.ReferenceMse.loss(rows, cols, p, 0, ld[0], t, 0, ld[1]),
                    Mse.loss(rows, cols, p, 0, ld[0], t, 0, ld[1]), 40 * Compare.U * lossRef, "Mse.loss");

            float[] yRef = g0.clone(), y = g0.clone();
            org.vecprop.reference.ReferenceRelu.backward(rows, cols, p, 0, ld[0], t, 0, ld[1], yRef, 0, ld[2]);
            Relu.backward(rows, cols, p, 0, ld[0], t, 0, ld[1], y, 0, ld[2]);
            Compare.sameArray(yRef, y, "Relu.backward, operand " + strided + " strided");
            if (strided < 2) {
                // x strided and y contiguous, then the other way round.
                int ldx = ld[0], ldy = ld[1];
                float[] x = p;
                float[] mRef = Values.random(rnd, rows * ldy, 0, 1f), mk = mRef.clone();
                org.vecprop.reference.ReferenceRelu.mask(rows, cols, x, 0, ldx, mRef, 0, ldy);
                Relu.mask(rows, cols, x, 0, ldx, mk, 0, ldy);
                Compare.sameArray(mRef, mk, "Relu.mask, operand " + strided + " strided");
                float[] fRef = mRef.clone(), f = mRef.clone();
                org.vecprop.reference.ReferenceRelu.forward(rows, cols, x, 0, ldx, fRef, 0, ldy);
                Relu.forward(rows, cols, x, 0, ldx, f, 0, ldy);
                Compare.sameArray(fRef, f, "Relu.forward, operand " + strided + " strided");
            }
        }
    }

    @Test
    void theFusedBackwardRejectsDbOverlappingDy() {
        float[] z = new float[16], dy = new float[24], dz = new float[16];
        float[] before = dy.clone();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Relu.backwardWithBiasGradient(4, 4, z, 0, 4, dy, 0, 4, dz, 0, 4, dy, 14, true));
        assertEquals("db (elements 14..17) overlaps dy (elements 0..15) in the same array", e.getMessage());
        Compare.sameArray(before, dy, "dy untouched");
        // Right after dy it is fine.
        Relu.backwardWithBiasGradient(4, 4, z, 0, 4, dy, 0, 4, dz, 0, 4, dy, 16, true);
    }
}

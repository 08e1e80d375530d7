package org.vecprop.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.vecprop.internal.gemm.GemmBlocking;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * What a thread keeps for the calls that bring no workspace is bounded, as {@code Workspace}'s
 * javadoc says: MemorySegment staging buffers of at most {@link Buffers#KEPT_STAGING_FLOATS}
 * floats each and a column-sum row of at most {@link Buffers#KEPT_ROW_FLOATS}, a larger call
 * getting buffers of its own that it drops; a smaller one's buffers are kept (so steady state
 * allocates nothing, which AllocationTest measures). A caller's buffers keep everything.
 */
class BuffersTest {

    /** Runs {@code body} on a new platform thread, so that its per-thread buffers start empty. */
    static void onAFreshThread(Runnable body) throws InterruptedException {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        t.join(120_000);
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    static long packingBound() {
        return 4L * ((long) GemmBlocking.MC * GemmBlocking.KC + (long) GemmBlocking.KC * GemmBlocking.NC
                + (long) GemmBlocking.MR * GemmBlocking.NR);
    }

    /** A segment product of m x k times k x n, checked against the array product. */
    static void segmentProduct(int m, int n, int k, boolean packed) {
        Random rnd = new Random(m * 31 + n);
        float[] a = Values.random(rnd, m * k, 0, 1f), b = Values.random(rnd, k * n, 0, 1f);
        float[] expected = new float[m * n];
        Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, expected, 0, n);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
            MemorySegment sc = arena.allocate(4L * m * n);
            if (packed) {
                Gemm.multiplyPacked(false, m, 1f, sa, 0, k, PackedMatrix.pack(false, k, n, b, 0, n), 0f,
                        sc, 0, n);
            } else {
                MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
                Gemm.multiply(false, false, m, n, k, 1f, sa, 0, k, sb, 0, n, 0f, sc, 0, n);
            }
            Compare.sameArray(expected, sc.toArray(ValueLayout.JAVA_FLOAT), m + "x" + n + "x" + k);
        }
    }

    @Test
    void aThreadKeepsBoundedStagingBuffers() throws InterruptedException {
        int big = Buffers.KEPT_STAGING_FLOATS + 1; // one float over the bound
        for (boolean packed : new boolean[] {false, true}) {
            onAFreshThread(() -> {
                PackBuffers own = Buffers.ofThisThread().pack;
                segmentProduct(3, 7, 5, packed);
                float[] smallA = own.copyA, smallC = own.copyC;
                assertTrue(smallA.length >= 15 && smallC.length >= 21, "staged");
                segmentProduct(3, 7, 5, packed);
                assertSame(smallA, own.copyA, "a small call's staging buffer is kept");
                assertSame(smallC, own.copyC, "a small call's staging buffer is kept");

                segmentProduct(1, big, 1, packed); // C (and B) over the bound
                assertTrue(own.copyC.length <= Buffers.KEPT_STAGING_FLOATS, "C's staging dropped: "
                        + own.copyC.length);
                assertTrue(own.copyB.length <= Buffers.KEPT_STAGING_FLOATS, "B's staging dropped: "
                        + own.copyB.length);
                segmentProduct(big, 1, 1, packed); // A and C over the bound
                assertTrue(own.copyA.length <= Buffers.KEPT_STAGING_FLOATS, "A's staging dropped");
                long kept = Buffers.ofThisThread().bytes();
                long bound = packingBound() + 3L * 4 * Buffers.KEPT_STAGING_FLOATS
                        + 4L * Buffers.KEPT_ROW_FLOATS + LaneSums.BYTES;
                assertTrue(kept <= bound, "a thread keeps " + kept + " B, at most " + bound);
            });
        }
    }

    @Test
    void aThreadKeepsABoundedRowAndACallersBuffersKeepTheirs() throws InterruptedException {
        onAFreshThread(() -> {
            Buffers own = Buffers.ofThisThread();
            float[] row = own.zeroedRow(100);
            assertSame(row, own.zeroedRow(50), "a narrower row reuses the kept one");
            float[] wide = own.zeroedRow(Buffers.KEPT_ROW_FLOATS + 1);
            assertNotSame(wide, own.zeroedRow(Buffers.KEPT_ROW_FLOATS + 1), "a row over the bound is not kept");
            assertSame(row, own.zeroedRow(100), "the kept row is still the small one");

            Buffers callers = new Buffers();
            float[] mine = callers.zeroedRow(Buffers.KEPT_ROW_FLOATS + 1);
            assertSame(mine, callers.zeroedRow(Buffers.KEPT_ROW_FLOATS + 1), "a caller's row is kept");
            for (int j = 0; j < mine.length; j++) {
                mine[j] = 3f;
            }
            float[] again = callers.zeroedRow(17);
            for (int j = 0; j < 17; j++) {
                assertEquals(0f, again[j], "zeroed");
            }
            callers.pack.copyA = new float[Buffers.KEPT_STAGING_FLOATS + 1];
            callers.trimStaging();
            assertEquals(Buffers.KEPT_STAGING_FLOATS + 1, callers.pack.copyA.length, "a caller's staging is kept");
            callers.release();
            assertEquals(0, callers.bytes(), "released");

            // And through a kernel: an accumulating bias gradient wider than the bound is right.
            int cols = Buffers.KEPT_ROW_FLOATS + 3;
            float[] dz = Values.random(new Random(5), 2 * cols, 0, 1f), db = new float[cols];
            java.util.Arrays.fill(db, 1f);
            Bias.gradient(2, cols, dz, 0, cols, db, 0, true);
            for (int j = 0; j < cols; j++) {
                Compare.same(1f + (dz[j] + dz[cols + j]), db[j], "db[" + j + "]");
            }
            assertTrue(own.bytes() <= packingBound() + 3L * 4 * Buffers.KEPT_STAGING_FLOATS
                    + 4L * Buffers.KEPT_ROW_FLOATS + LaneSums.BYTES, "bounded");
        });
    }

    @Test
    void aThreadsOwnBuffersArePerThreadAndACallersAreNot() throws InterruptedException {
        // perThread() is what decides whether the keep is capped: it must tell the two kinds apart.
        onAFreshThread(() -> {
            assertTrue(Buffers.ofThisThread().perThread(), "a thread's own buffers");
            assertFalse(new Buffers().perThread(), "a caller's buffers");
        });
    }

    @Test
    void aThreadKeepsARowAndStagingBuffersOfExactlyTheBound() throws InterruptedException {
        // The bounds are inclusive ("at most"): a buffer of exactly the bound is kept, one more is not.
        onAFreshThread(() -> {
            Buffers own = Buffers.ofThisThread();
            float[] row = own.zeroedRow(Buffers.KEPT_ROW_FLOATS);
            assertTrue(row == own.zeroedRow(Buffers.KEPT_ROW_FLOATS), "a row of exactly the bound is kept");

            float[] a = new float[Buffers.KEPT_STAGING_FLOATS], b = new float[Buffers.KEPT_STAGING_FLOATS],
                    c = new float[Buffers.KEPT_STAGING_FLOATS];
            own.pack.copyA = a;
            own.pack.copyB = b;
            own.pack.copyC = c;
            own.trimStaging();
            assertTrue(a == own.pack.copyA, "A's staging of exactly the bound is kept");
            assertTrue(b == own.pack.copyB, "B's staging of exactly the bound is kept");
            assertTrue(c == own.pack.copyC, "C's staging of exactly the bound is kept");
        });
    }

    @Test
    void eachPieceHasItsOwnPackingBuffersKeptFromCallToCall() {
        // A parallel call packs each piece into part(q): they must exist, differ, and survive a larger call.
        Buffers buffers = new Buffers();
        buffers.ensureParts(2);
        PackBuffers p0 = buffers.part(0), p1 = buffers.part(1);
        assertNotNull(p0);
        assertNotNull(p1);
        assertNotSame(p0, p1, "pieces do not share buffers");
        buffers.ensureParts(3);
        assertSame(p0, buffers.part(0), "kept");
        assertSame(p1, buffers.part(1), "kept");
        assertNotNull(buffers.part(2));
    }

    @Test
    void releaseDropsTheSlotsSoTheyAreMadeAgain() {
        // release() drops every buffer; a slot's scratch is one of them.
        Buffers buffers = new Buffers();
        Object scratch = buffers.slot(Buffers.SOFTMAX, Object::new);
        assertSame(scratch, buffers.slot(Buffers.SOFTMAX, Object::new), "kept between calls");
        buffers.release();
        assertNotSame(scratch, buffers.slot(Buffers.SOFTMAX, Object::new), "made again after release");
    }

    @Test
    void bytesCountsEveryArrayHeld() {
        // bytes() is what Workspace.bytes() reports: the sum of every array, each counted once and added.
        Buffers buffers = new Buffers();
        buffers.pack.packedA = new float[1];
        buffers.pack.packedB = new float[2];
        buffers.pack.tile = new float[4];
        buffers.pack.copyA = new float[8];
        buffers.pack.copyB = new float[16];
        buffers.pack.copyC = new float[32];
        buffers.zeroedRow(64);
        buffers.ensureParts(1);
        buffers.part(0).packedA = new float[128];
        assertEquals(4L * 255, buffers.bytes(), "1 + 2 + ... + 128 floats");
        buffers.sums();
        assertEquals(4L * 255 + LaneSums.BYTES, buffers.bytes(), "and a long sum's state");
    }

    @Test
    void aLongSumStartsFromZeroLanesEachTime() {
        // sums() hands out the one state of a Buffers for each new sum: its lanes must be cleared.
        Buffers buffers = new Buffers();
        LaneSums first = buffers.sums();
        java.util.Arrays.fill(first.lanes, 1f);
        java.util.Arrays.fill(first.totals, 2.0);
        LaneSums again = buffers.sums();
        assertSame(first, again, "reused");
        for (int v = 0; v < LaneSums.LANES; v++) {
            assertEquals(0, Float.floatToRawIntBits(again.lanes[v]), "float lane " + v + " is +0");
            assertEquals(0L, Double.doubleToRawLongBits(again.totals[v]), "double lane " + v + " is +0");
        }
    }
}

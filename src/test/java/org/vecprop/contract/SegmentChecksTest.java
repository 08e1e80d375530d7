package org.vecprop.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.kernel.Workspace;

/**
 * MemorySegment arguments are checked like arrays: a read-only output, a segment whose arena is
 * closed, or one confined to another thread is reported before any read or write, with the JDK's
 * exception type and a message that names the argument and the call, and the output unchanged;
 * an arena closed by another thread during the call is reported by name, with C unchanged
 * while C itself is alive. The same for the product with a packed B on segments A and C
 * ({@code Gemm.multiplyPacked}), with and without a workspace.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SegmentChecksTest {
    static final int N = 8;

    static MemorySegment filled(Arena arena, long seed, int floats) {
        Random rnd = new Random(seed);
        MemorySegment s = arena.allocate((long) floats * Float.BYTES);
        for (int i = 0; i < floats; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, rnd.nextFloat() * 2 - 1);
        }
        return s;
    }

    static float[] floats(MemorySegment s) {
        return s.toArray(ValueLayout.JAVA_FLOAT);
    }

    static void multiply(MemorySegment a, MemorySegment b, MemorySegment c) {
        Gemm.multiply(false, false, N, N, N, 1f, a, 0, N, b, 0, N, 0.5f, c, 0, N);
    }

    @Test
    void aReadOnlyOutputIsRefusedByNameAndReadOnlyInputsAreFine() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = filled(arena, 1, N * N), b = filled(arena, 2, N * N), c = filled(arena, 3, N * N);
            float[] before = floats(c);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> multiply(a, b, c.asReadOnly()));
            assertEquals("c must be writable: Gemm.multiply writes its result into c, which is read-only;"
                    + " pass a writable segment (not one from asReadOnly() or a read-only mapping)", e.getMessage());
            assertArrayEquals(before, floats(c), "c unchanged");

            float[] expected = before.clone();
            Gemm.multiply(false, false, N, N, N, 1f, floats(a), 0, N, floats(b), 0, N, 0.5f, expected, 0, N);
            multiply(a.asReadOnly(), b.asReadOnly(), c);
            assertArrayEquals(expected, floats(c), "read-only inputs are read as usual");
        }
    }

    @Test
    void aSegmentWhoseArenaIsClosedIsRefusedByNameBeforeAnyWrite() {
        try (Arena live = Arena.ofConfined()) {
            MemorySegment a = filled(live, 1, N * N), b = filled(live, 2, N * N), c = filled(live, 3, N * N);
            float[] before = floats(c);
            for (String which : new String[] {"a", "b", "c"}) {
                Arena gone = Arena.ofConfined();
                MemorySegment dead = filled(gone, 4, N * N);
                gone.close();
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> multiply(
                        which.equals("a") ? dead : a, which.equals("b") ? dead : b, which.equals("c") ? dead : c));
                assertEquals(which + " is closed: the arena that owns it was closed before Gemm.multiply"
                        + " was called, so its memory is gone", e.getMessage());
                assertArrayEquals(before, floats(c), "c unchanged after a closed " + which);
            }
        }
    }

    @Test
    void aSegmentConfinedToAnotherThreadIsRefusedByName() throws Exception {
        // Another thread owns a confined arena and keeps it open while this thread calls.
        CountDownLatch made = new CountDownLatch(1), done = new CountDownLatch(1);
        AtomicReference<MemorySegment> foreign = new AtomicReference<>();
        Thread owner = new Thread(() -> {
            try (Arena theirs = Arena.ofConfined()) {
                foreign.set(filled(theirs, 5, N * N));
                made.countDown();
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        owner.start();
        try (Arena live = Arena.ofConfined()) {
            assertTrue(made.await(30, TimeUnit.SECONDS));
            MemorySegment a = filled(live, 1, N * N), b = filled(live, 2, N * N), c = filled(live, 3, N * N);
            float[] before = floats(c);
            String me = Thread.currentThread().getName();
            for (String which : new String[] {"a", "b", "c"}) {
                MemorySegment f = foreign.get();
                WrongThreadException e = assertThrows(WrongThreadException.class, () -> multiply(
                        which.equals("a") ? f : a, which.equals("b") ? f : b, which.equals("c") ? f : c));
                assertEquals(which + " is confined to another thread: its arena is confined, and"
                        + " Gemm.multiply was called on thread \"" + me + "\"; call it from the owner"
                        + " thread, or allocate " + which + " in a shared arena", e.getMessage());
                assertArrayEquals(before, floats(c), "c unchanged after a foreign " + which);
            }
        } finally {
            done.countDown();
            owner.join();
        }
    }

    @Test
    void anOperandTooLargeToStageIsNamedBeforeAnyWrite() {
        // Judged on the sizes alone, before the extents: each operand is copied into a float[].
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = filled(arena, 1, N * N), b = filled(arena, 2, N * N), c = filled(arena, 3, N * N);
            float[] before = floats(c);
            String[] names = {"a", "b", "c"};
            int[][] mnk = {{50_000, 1, 50_000}, {1, 50_000, 50_000}, {50_000, 50_000, 1}};
            for (int i = 0; i < 3; i++) {
                int m = mnk[i][0], n = mnk[i][1], k = mnk[i][2];
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Gemm.multiply(
                        false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n));
                assertEquals(names[i] + " must hold at most 2147483639 floats for Gemm.multiply on segments,"
                        + " which copies each operand into a float array; a 50000 x 50000 matrix holds 2500000000",
                        e.getMessage());
                assertArrayEquals(before, floats(c));
            }
            // One float under the limit passes this check (and fails the next: the extent).
            IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> Gemm.multiply(
                    false, false, 1, 1, Integer.MAX_VALUE - 8, 1f, a, 0, Integer.MAX_VALUE - 8, b, 0, 1, 0f, c, 0, 1));
            assertTrue(e.getMessage().startsWith("a must fit in its segment: a 1 x 2147483639 matrix"), e.getMessage());
        }
    }

    @Test
    void theSameChecksRunForEmptyProducts() {
        // Like a null array, a closed segment is a bad argument whatever the sizes.
        Arena gone = Arena.ofConfined();
        MemorySegment dead = gone.allocate(16);
        gone.close();
        try (Arena live = Arena.ofConfined()) {
            MemorySegment ok = live.allocate(16);
            assertThrows(IllegalStateException.class, () -> Gemm.multiply(false, false, 0, 0, 0, 1f,
                    dead, 0, 1, ok, 0, 1, 0f, ok.asSlice(8), 0, 1));
            assertThrows(IllegalArgumentException.class, () -> Gemm.multiply(false, false, 0, 0, 0, 1f,
                    ok, 0, 1, ok, 0, 1, 0f, ok.asReadOnly(), 0, 1));
        }
    }

    @Test
    void closedDuringTheCallNamesWhatWasClosedAndWhatBecameOfC() {
        Arena gone = Arena.ofConfined();
        MemorySegment dead = gone.allocate(16);
        gone.close();
        try (Arena live = Arena.ofConfined()) {
            MemorySegment ok = live.allocate(16);
            IllegalStateException jdk = new IllegalStateException("Already closed");
            assertSame(jdk, Checks.closedDuringGemm(jdk, ok, ok, ok), "nothing closed: the JDK's own");
            String[][] cases = {
                {"a", "a was closed by another thread during Gemm.multiply, while being read; c was not written"},
                {"b", "b was closed by another thread during Gemm.multiply, while being read; c was not written"},
                {"ab", "a and b were closed by another thread during Gemm.multiply, while being read; c was not written"},
                {"c", "c was closed by another thread during Gemm.multiply; c's memory is gone, so nothing can be said of it"},
                {"ac", "a and c were closed by another thread during Gemm.multiply; c's memory is gone, so nothing can be said of it"},
                {"abc", "a and b and c were closed by another thread during Gemm.multiply; c's memory is gone, so nothing can be said of it"},
            };
            for (String[] c : cases) {
                RuntimeException e = Checks.closedDuringGemm(jdk, c[0].contains("a") ? dead : ok,
                        c[0].contains("b") ? dead : ok, c[0].contains("c") ? dead : ok);
                assertTrue(e instanceof IllegalStateException, c[0]);
                assertEquals(c[1], e.getMessage(), c[0]);
                assertSame(jdk, e.getCause(), c[0]);
            }
        }
    }

    /**
     * A call on segments of {@code shared}: {@link #on} allocates them (before anyone closes the
     * arena) and returns the call, which writes into the C it is given; trials count from 0.
     */
    interface ArenaCall {
        java.util.function.Consumer<MemorySegment> on(Arena shared, int trial);
    }

    /**
     * Trials of {@code call} on segments of a shared arena that another thread closes at a
     * chosen moment around the call (the first ten calls only warm up and time it). Each trial
     * must end one of three ways: refused up front ({@code before}: C unchanged), reported during
     * ({@code during}: C unchanged), or completed with the exact result. Returns the counts
     * {before, during, after, interrupted}; stops once a close has landed during a call and at
     * least 60 trials ran, or after {@code maxTrials}.
     *
     * <p>The window in which a close is "during" is the staging copy of the operands, a small part
     * of the call (about a tenth for the packed product). A closer that parks until its moment
     * wakes tens of microseconds late, about as long as that window, and on one CI machine never
     * landed in it in 300 trials; so the closer is a platform thread that is already spinning on
     * {@link System#nanoTime} when the call starts, and closes within a microsecond or so of its
     * deadline. Even trials draw the delay uniformly over the call; odd trials bisect between the
     * longest delay seen to land before the call and the shortest seen to land after it, which
     * homes in on the window wherever it sits, whatever the machine's speed.
     */
    static int[] closeAround(int m, int n, float[] c0, float[] expected, Random rnd, int maxTrials,
                             String before, String during, ArenaCall call) throws Exception {
        int[] counts = new int[4];
        try (Arena mine = Arena.ofConfined()) {
            MemorySegment c = mine.allocate((long) m * n * Float.BYTES);
            long callNanos = Long.MAX_VALUE;
            long lo = 0, hi = 0; // bisection bounds: a close at lo landed before, at hi after
            for (int trial = 0; trial < maxTrials && (counts[1] == 0 || trial < 60); trial++) {
                Arena shared = Arena.ofShared();
                java.util.function.Consumer<MemorySegment> onC = call.on(shared, trial);
                MemorySegment.copy(c0, 0, c, ValueLayout.JAVA_FLOAT, 0, c0.length);
                if (trial == 10 || hi - lo < 100) {
                    lo = 0;
                    hi = callNanos;
                }
                long delay = trial < 10 ? Long.MAX_VALUE
                        : trial % 2 == 0 ? rnd.nextLong(Math.max(1, callNanos)) : lo + (hi - lo) / 2;
                AtomicLong deadline = new AtomicLong(Long.MAX_VALUE);
                AtomicReference<Throwable> closeFailed = new AtomicReference<>();
                CountDownLatch spinning = new CountDownLatch(1);
                Thread closer = delay == Long.MAX_VALUE ? null : Thread.ofPlatform().daemon().start(() -> {
                    spinning.countDown();
                    long at;
                    while ((at = deadline.get()) == Long.MAX_VALUE || System.nanoTime() - at < 0) {
                        Thread.onSpinWait();
                    }
                    try {
                        shared.close();
                    } catch (Throwable t) {
                        closeFailed.set(t);
                    }
                });
                if (closer != null) {
                    assertTrue(spinning.await(30, TimeUnit.SECONDS), "trial " + trial + ": closer did not start");
                }
                long t0 = System.nanoTime();
                deadline.set(delay == Long.MAX_VALUE ? Long.MAX_VALUE : t0 + delay);
                int outcome;
                try {
                    onC.accept(c);
                    assertArrayEquals(expected, floats(c), "trial " + trial + ": completed, so exact");
                    outcome = 2;
                } catch (IllegalStateException e) {
                    assertArrayEquals(c0, floats(c), "trial " + trial + ": " + e.getMessage());
                    if (e.getMessage().matches(before)) {
                        outcome = 0;
                    } else {
                        assertTrue(e.getMessage().matches(during), e.getMessage());
                        outcome = 1;
                    }
                }
                counts[outcome]++;
                // HotSpot delivers a close that cuts an access short as an asynchronous exception
                // and interrupts the accessing thread to deliver it: a JDK side effect, cleared here.
                counts[3] += Thread.interrupted() ? 1 : 0;
                if (closer == null) {
                    callNanos = Math.min(callNanos, System.nanoTime() - t0);
                    shared.close();
                } else {
                    closer.join(Duration.ofSeconds(30));
                    assertTrue(!closer.isAlive(), "trial " + trial + ": the closer did not finish");
                    if (closeFailed.get() != null) {
                        throw new AssertionError("trial " + trial + ": close failed", closeFailed.get());
                    }
                    if (trial % 2 == 1 && outcome == 0) {
                        lo = delay;
                    } else if (trial % 2 == 1 && outcome == 2) {
                        hi = delay;
                    }
                }
            }
        }
        return counts;
    }

    static float[] randoms(Random rnd, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextFloat() - 0.5f;
        }
        return x;
    }

    /**
     * A shared arena holding A and B is closed by another thread at a random moment around the
     * call. Each call must end one of three ways: refused up front (closed before), reported
     * during (closed while A or B was being read: C unchanged), or completed with the exact
     * result of the array call (closed after A and B were read).
     */
    @Test
    void aSharedArenaClosedByAnotherThreadAroundTheCall() throws Exception {
        // Shaped so that reading A and B (staging) takes most of the call: a close at a random
        // moment of the call then often lands while they are being read.
        int m = 2, n = 16, k = 100_000;
        Random rnd = new Random(8);
        float[] a = randoms(rnd, m * k), b = randoms(rnd, k * n), c0 = randoms(rnd, m * n);
        float[] expected = c0.clone();
        Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0.5f, expected, 0, n);
        int[] counts = closeAround(m, n, c0, expected, rnd, 200, "[ab] is closed: .*",
                "(a|b|a and b) (was|were) closed by another thread during Gemm.multiply, while being read;"
                        + " c was not written", (shared, trial) -> {
                    MemorySegment sa = shared.allocateFrom(ValueLayout.JAVA_FLOAT, a);
                    MemorySegment sb = shared.allocateFrom(ValueLayout.JAVA_FLOAT, b);
                    return c -> Gemm.multiply(false, false, m, n, k, 1f, sa, 0, k, sb, 0, n, 0.5f, c, 0, n);
                });
        System.out.println("[vecprop] shared arena closed around the call: " + counts[0] + " before, "
                + counts[1] + " during, " + counts[2] + " after (or not at all); the JDK interrupted the"
                + " caller " + counts[3] + " times");
        assertTrue(counts[1] > 0, "no close landed during a call: the test did not test it");
    }

    // ------------------------------------------------------------------ packed B, segments A and C

    /** B packed from N x N values: the right operand of the packed segment product. */
    static final PackedMatrix PACKED = PackedMatrix.pack(false, N, N, new float[N * N], 0, N);

    /** The packed segment product, without (even calls) and with a workspace (odd calls). */
    static int packedCalls;

    static void multiplyPacked(MemorySegment a, MemorySegment c) {
        if (packedCalls++ % 2 == 0) {
            Gemm.multiplyPacked(false, N, 1f, a, 0, N, PACKED, 0.5f, c, 0, N);
        } else {
            Gemm.multiplyPacked(false, N, 1f, a, 0, N, PACKED, 0.5f, c, 0, N, new Workspace());
        }
    }

    @Test
    void thePackedSegmentProductRefusesWhatTheOtherRefusesByName() throws Exception {
        try (Arena live = Arena.ofConfined()) {
            MemorySegment a = filled(live, 1, N * N), c = filled(live, 3, N * N);
            float[] before = floats(c);
            for (int twice = 0; twice < 2; twice++) {
                IllegalArgumentException ro = assertThrows(IllegalArgumentException.class,
                        () -> multiplyPacked(a, c.asReadOnly()));
                assertEquals("c must be writable: Gemm.multiplyPacked writes its result into c, which is"
                        + " read-only; pass a writable segment (not one from asReadOnly() or a read-only"
                        + " mapping)", ro.getMessage());
                assertEquals("c must not overlap a in memory", assertThrows(IllegalArgumentException.class,
                        () -> multiplyPacked(c, c)).getMessage());
                for (String which : new String[] {"a", "c"}) {
                    Arena gone = Arena.ofConfined();
                    MemorySegment dead = filled(gone, 4, N * N);
                    gone.close();
                    IllegalStateException e = assertThrows(IllegalStateException.class, () -> multiplyPacked(
                            which.equals("a") ? dead : a, which.equals("c") ? dead : c));
                    assertEquals(which + " is closed: the arena that owns it was closed before"
                            + " Gemm.multiplyPacked was called, so its memory is gone", e.getMessage());
                }
                assertThrows(NullPointerException.class, () -> Gemm.multiplyPacked(false, N, 1f, a, 0, N,
                        null, 0f, c, 0, N), "b must not be null");
                IllegalArgumentException big = assertThrows(IllegalArgumentException.class,
                        () -> Gemm.multiplyPacked(false, 50_000, 1f, a, 0, 50_000,
                                PackedMatrix.pack(false, 50_000, 1, new float[50_000], 0, 1), 0f, c, 0, 1));
                assertEquals("a must hold at most 2147483639 floats for Gemm.multiplyPacked on segments,"
                        + " which copies each operand into a float array; a 50000 x 50000 matrix holds"
                        + " 2500000000", big.getMessage());
                assertArrayEquals(before, floats(c), "c unchanged");
            }
        }
        CountDownLatch made = new CountDownLatch(1), done = new CountDownLatch(1);
        AtomicReference<MemorySegment> foreign = new AtomicReference<>();
        Thread owner = new Thread(() -> {
            try (Arena theirs = Arena.ofConfined()) {
                foreign.set(filled(theirs, 5, N * N));
                made.countDown();
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        owner.start();
        try (Arena live = Arena.ofConfined()) {
            assertTrue(made.await(30, TimeUnit.SECONDS));
            MemorySegment a = filled(live, 1, N * N), c = filled(live, 3, N * N);
            float[] before = floats(c);
            MemorySegment f = foreign.get();
            WrongThreadException e = assertThrows(WrongThreadException.class, () -> multiplyPacked(f, c));
            assertTrue(e.getMessage().startsWith("a is confined to another thread: its arena is confined, and"
                    + " Gemm.multiplyPacked was called on thread"), e.getMessage());
            assertThrows(WrongThreadException.class, () -> multiplyPacked(a, f));
            assertArrayEquals(before, floats(c), "c unchanged");
        } finally {
            done.countDown();
            owner.join();
        }
    }

    /** The packed segment product, without a workspace when {@code w} is null, else with it. */
    static void multiplyPacked(Workspace w, int m, MemorySegment a, int lda, PackedMatrix b, float beta,
                               MemorySegment c, int ldc) {
        if (w == null) {
            Gemm.multiplyPacked(false, m, 1f, a, 0, lda, b, beta, c, 0, ldc);
        } else {
            Gemm.multiplyPacked(false, m, 1f, a, 0, lda, b, beta, c, 0, ldc, w);
        }
    }

    /**
     * The packed segment product checks m, A's and C's layout and C's size itself (the packed B
     * fixes only n and k): a negative m, a C too large to stage, a row stride of A or C below its
     * minimum, and an A or a C one float short are each named as Gemm.multiply's segment form
     * names them (not by the JDK's access error, and not accepted), before anything is read or
     * written: C unchanged, with and without a workspace.
     */
    @Test
    void thePackedSegmentProductNamesABadMOrAOrCBeforeAnyWrite() {
        try (Arena live = Arena.ofConfined()) {
            MemorySegment a = filled(live, 1, N * N), c = filled(live, 3, N * N);
            MemorySegment shortA = filled(live, 1, N * N - 1), shortC = filled(live, 3, N * N - 1);
            float[] before = floats(c), shortBefore = floats(shortC);
            // k = 1, n = 50 000: with m = 50 000, A (50 000 floats) can be staged and C cannot.
            PackedMatrix wide = PackedMatrix.pack(false, 1, 50_000, new float[50_000], 0, 50_000);
            for (Workspace w : new Workspace[] {null, new Workspace()}) {
                String form = w == null ? "without a workspace" : "with a workspace";
                assertEquals("m must be >= 0, got -1", assertThrows(IllegalArgumentException.class,
                        () -> multiplyPacked(w, -1, a, N, PACKED, 0.5f, c, N)).getMessage(), form);
                assertEquals("c must hold at most 2147483639 floats for Gemm.multiplyPacked on segments,"
                        + " which copies each operand into a float array; a 50000 x 50000 matrix holds"
                        + " 2500000000", assertThrows(IllegalArgumentException.class,
                        () -> multiplyPacked(w, 50_000, a, 1, wide, 0.5f, c, 50_000)).getMessage(), form);
                assertEquals("lda must be >= max(1, cols = 8), got 7", assertThrows(IllegalArgumentException.class,
                        () -> multiplyPacked(w, N, a, N - 1, PACKED, 0.5f, c, N)).getMessage(), form);
                assertEquals("a must fit in its segment: a 8 x 8 matrix at aOff = 0 with lda = 8 needs 64 floats,"
                        + " but a holds 63", assertThrows(IndexOutOfBoundsException.class,
                        () -> multiplyPacked(w, N, shortA, N, PACKED, 0.5f, c, N)).getMessage(), form);
                assertEquals("ldc must be >= max(1, cols = 8), got 7", assertThrows(IllegalArgumentException.class,
                        () -> multiplyPacked(w, N, a, N, PACKED, 0.5f, c, N - 1)).getMessage(), form);
                assertArrayEquals(before, floats(c), "c unchanged " + form);
                // beta = 0: C is not read, so only the check stands between the call and a write.
                assertEquals("c must fit in its segment: a 8 x 8 matrix at cOff = 0 with ldc = 8 needs 64 floats,"
                        + " but c holds 63", assertThrows(IndexOutOfBoundsException.class,
                        () -> multiplyPacked(w, N, a, N, PACKED, 0f, shortC, N)).getMessage(), form);
                assertArrayEquals(shortBefore, floats(shortC), "the short c unchanged " + form);
            }
        }
    }

    @Test
    void closedDuringThePackedProductNamesAOrC() {
        Arena gone = Arena.ofConfined();
        MemorySegment dead = gone.allocate(16);
        gone.close();
        try (Arena live = Arena.ofConfined()) {
            MemorySegment ok = live.allocate(16);
            IllegalStateException jdk = new IllegalStateException("Already closed");
            assertSame(jdk, Checks.closedDuringGemmPacked(jdk, ok, ok), "nothing closed: the JDK's own");
            assertEquals("a was closed by another thread during Gemm.multiplyPacked, while being read; c was"
                    + " not written", Checks.closedDuringGemmPacked(jdk, dead, ok).getMessage());
            assertEquals("c was closed by another thread during Gemm.multiplyPacked; c's memory is gone, so"
                    + " nothing can be said of it", Checks.closedDuringGemmPacked(jdk, ok, dead).getMessage());
            assertEquals("a and c were closed by another thread during Gemm.multiplyPacked; c's memory is"
                    + " gone, so nothing can be said of it", Checks.closedDuringGemmPacked(jdk, dead, dead)
                    .getMessage());
        }
    }

    /**
     * As {@link #aSharedArenaClosedByAnotherThreadAroundTheCall}, for the packed product, whose
     * only staged input is A, with and without a workspace (alternate trials).
     */
    @Test
    void aSharedArenaClosedAroundThePackedProduct() throws Exception {
        // Shaped so that staging A (m x k) is a large part of the call: with a narrow packed B the
        // product itself is cheap, and a close at a random moment often lands while A is read.
        int m = 8, n = 2, k = 100_000;
        Random rnd = new Random(9);
        float[] a = randoms(rnd, m * k), b = randoms(rnd, k * n), c0 = randoms(rnd, m * n);
        PackedMatrix packed = PackedMatrix.pack(false, k, n, b, 0, n);
        float[] expected = c0.clone();
        Gemm.multiply(false, false, m, n, k, 1f, a, 0, k, b, 0, n, 0.5f, expected, 0, n);
        Workspace ws = new Workspace();
        int[] counts = closeAround(m, n, c0, expected, rnd, 300, "a is closed: .*",
                "a was closed by another thread during Gemm\\.multiplyPacked, while being read; c was not"
                        + " written", (shared, trial) -> {
                    MemorySegment sa = shared.allocateFrom(ValueLayout.JAVA_FLOAT, a);
                    return trial % 2 == 0
                            ? c -> Gemm.multiplyPacked(false, m, 1f, sa, 0, k, packed, 0.5f, c, 0, n)
                            : c -> Gemm.multiplyPacked(false, m, 1f, sa, 0, k, packed, 0.5f, c, 0, n, ws);
                });
        System.out.println("[vecprop] shared arena closed around the packed product: " + counts[0]
                + " before, " + counts[1] + " during, " + counts[2] + " after (or not at all)");
        assertTrue(counts[1] > 0, "no close landed during a call: the test did not test it");
    }
}

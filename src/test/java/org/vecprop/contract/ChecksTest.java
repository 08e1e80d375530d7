package org.vecprop.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vecprop.testing.Rejections.rejects;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.Test;
import org.vecprop.reference.ReferenceGemm;
import org.vecprop.reference.ReferenceRelu;
import org.vecprop.reference.ReferenceStats;
import org.vecprop.testing.Values;

/**
 * Edges of the argument checks that the table-driven bad-input tests do not reach, found by
 * mutation testing (scripts/mutation): exact boundaries (ranges that touch but do not overlap,
 * an offset exactly at the end, empty matrices placed inside other operands), the full text of
 * the overlap message, the summary array, and the MemorySegment checks. (The SGD argument checks,
 * which go through Update.sgd and its reference, are in kernel.UpdateTest and
 * reference.ReferenceBadInputTest.)
 * Every rejected call must leave its arrays unchanged; every accepted one must compute.
 */
class ChecksTest {

    // ------------------------------------------------------------------ overlap

    @Test
    void rangesThatTouchDoNotOverlap() {
        float[] a = Values.ramp(32);
        // out [16, 32) right after in [0, 16), and out [0, 16) right before in [16, 32).
        Checks.noOverlap("y", a, 16, 4, "x", a, 0, 4, 4, 4, false);
        Checks.noOverlap("y", a, 0, 4, "x", a, 16, 4, 4, 4, false);
        // Through a kernel: relu from the second half into the first, in one array.
        ReferenceRelu.forward(4, 4, a, 16, 4, a, 0, 4);
        for (int i = 0; i < 16; i++) {
            assertEquals(Math.max(0f, i + 16 - 20.5f), a[i], "y[" + i + "]");
        }
    }

    @Test
    void overlapMessageNamesBothRanges() {
        float[] a = Values.ramp(40);
        rejects(IllegalArgumentException.class,
                "y must not overlap x: y spans elements 1..16 and x 0..15 of the same array;"
                        + " only the exact same view is allowed in place",
                () -> Checks.noOverlap("y", a, 1, 4, "x", a, 0, 4, 4, 4, true));
        rejects(IllegalArgumentException.class,
                "c must not overlap a: c spans elements 15..30 and a 0..15 of the same array",
                () -> Checks.noOverlap("c", a, 15, 4, "a", a, 0, 4, 4, 4, false));
        // The exact same view, where in place is not allowed (a GEMM's C on its A).
        rejects(IllegalArgumentException.class,
                "c must not overlap a: c spans elements 2..9 and a 2..9 of the same array",
                () -> Checks.noOverlap("c", a, 2, 4, "a", a, 2, 4, 2, 4, false));
    }

    @Test
    void anEmptyOperandInsideAnotherOverlapsNothing() {
        float[] arr = Values.ramp(16);
        float[] b = Values.ramp(8);
        float[] before = arr.clone();
        // A is 2 x 0 (k = 0) at offset 1, inside C's elements 0..3 in the same array: legal,
        // and C becomes beta * C.
        float[] kernel = arr.clone();
        ReferenceGemm.multiply(false, false, 2, 2, 0, 1f, arr, 1, 1, b, 0, 2, 2f, arr, 0, 2);
        org.vecprop.kernel.Gemm.multiply(false, false, 2, 2, 0, 1f, kernel, 1, 1, b, 0, 2, 2f, kernel, 0, 2);
        for (int i = 0; i < 4; i++) {
            assertEquals(2f * before[i], arr[i], "C[" + i + "]");
            assertEquals(2f * before[i], kernel[i], "kernel C[" + i + "]");
        }
        // An empty output inside an input, and an empty input inside an output.
        Checks.noOverlap("y", arr, 5, 4, "x", arr, 0, 4, 0, 4, false);
        Checks.noOverlap("y", arr, 5, 1, 0, 4, "x", arr, 4, 2, 4, 4, false);
        Checks.noOverlap("y", arr, 0, 2, 4, 4, "x", arr, 5, 3, 0, 4, false);
    }

    // ------------------------------------------------------------------ matrix and vector

    @Test
    void anOffsetAtTheEndIsFineForAnEmptyMatrix() {
        float[] x = Values.ramp(8);
        Checks.matrix("x", x, 8, 0, 5, 5);
        Checks.matrix("x", x, 8, 3, 0, 1);    // 3 rows of nothing: no element past the end
        Checks.vector("v", x, 8, 0);
        rejects(IndexOutOfBoundsException.class, "xOff must be in [0, x.length = 8], got 9",
                () -> Checks.matrix("x", x, 9, 0, 0, 1));
        rejects(IndexOutOfBoundsException.class, "vOff must be in [0, v.length = 8], got 9",
                () -> Checks.vector("v", x, 9, 0));
        rejects(IndexOutOfBoundsException.class, "v must fit in its array: 3 elements at vOff = 6 need 9, but v.length is 8",
                () -> Checks.vector("v", x, 6, 3));
        rejects(IllegalArgumentException.class, "the length of v must be >= 0, got -1",
                () -> Checks.vector("v", x, 0, -1));
        rejects(IllegalArgumentException.class, "ldx must be >= max(1, cols = 0), got 0",
                () -> Checks.matrix("x", x, 0, 2, 0, 0));
    }

    /**
     * Stats.summarize with a caller's workspace makes its own calls to the checks: each bad x or
     * out is named as by the plain form, and out keeps its values (mutation testing found the
     * workspace form's checks unexercised).
     */
    @Test
    void summarizeWithAWorkspaceChecksXAndOutBeforeWriting() {
        org.vecprop.kernel.Workspace ws = new org.vecprop.kernel.Workspace();
        double[] three = {7, 7, 7}, four = {7, 7, 7, 7};
        rejects(NullPointerException.class, "out must not be null",
                () -> org.vecprop.kernel.Stats.summarize(1, 2, Values.ramp(2), 0, 2, null, ws));
        rejects(IllegalArgumentException.class, "out.length must be >= 4, got 3",
                () -> org.vecprop.kernel.Stats.summarize(1, 2, Values.ramp(2), 0, 2, three, ws));
        assertArrayEquals(new double[] {7, 7, 7}, three, "out untouched");
        rejects(NullPointerException.class, "x must not be null",
                () -> org.vecprop.kernel.Stats.summarize(1, 2, null, 0, 2, four, ws));
        rejects(IndexOutOfBoundsException.class, "x must fit in its array: a 2 x 2 matrix at xOff = 0 with ldx = 2 needs 4"
                        + " elements, but x.length is 3",
                () -> org.vecprop.kernel.Stats.summarize(2, 2, Values.ramp(3), 0, 2, four, ws));
        assertArrayEquals(new double[] {7, 7, 7, 7}, four, "out untouched");
    }

    @Test
    void summaryArray() {
        rejects(NullPointerException.class, "out must not be null", () -> Checks.summary(null));
        rejects(IllegalArgumentException.class, "out.length must be >= 4, got 3",
                () -> Checks.summary(new double[3]));
        Checks.summary(new double[4]);
        double[] three = {7, 7, 7};
        rejects(IllegalArgumentException.class, "out.length must be >= 4, got 3",
                () -> ReferenceStats.summarize(1, 2, Values.ramp(2), 0, 2, three));
        assertArrayEquals(new double[] {7, 7, 7}, three, "out untouched");
        rejects(NullPointerException.class, "out must not be null",
                () -> org.vecprop.kernel.Stats.summarize(1, 2, Values.ramp(2), 0, 2, null));
        rejects(IllegalArgumentException.class, "out.length must be >= 4, got 3",
                () -> org.vecprop.kernel.Stats.summarize(1, 2, Values.ramp(2), 0, 2, three));
        rejects(IndexOutOfBoundsException.class, "x must fit in its array: a 2 x 2 matrix at xOff = 0 with ldx = 2 needs 4"
                        + " elements, but x.length is 3",
                () -> org.vecprop.kernel.Stats.summarize(2, 2, Values.ramp(3), 0, 2, new double[4]));
        rejects(IllegalArgumentException.class, "cols must be >= 0, got -1",
                () -> org.vecprop.kernel.Stats.deadColumns(2, -1, Values.ramp(3), 0, 2));
        // The reference summaries check their matrix too.
        rejects(IndexOutOfBoundsException.class, "x must fit in its array: a 2 x 2 matrix at xOff = 0 with ldx = 2 needs 4"
                        + " elements, but x.length is 3",
                () -> ReferenceStats.summarize(2, 2, Values.ramp(3), 0, 2, new double[4]));
        rejects(IllegalArgumentException.class, "cols must be >= 0, got -1",
                () -> ReferenceStats.deadColumns(2, -1, Values.ramp(3), 0, 2));
        rejects(IndexOutOfBoundsException.class, "a must fit in its array: a 2 x 2 matrix at aOff = 1 with lda = 2 needs 5"
                        + " elements, but a.length is 4",
                () -> ReferenceStats.deadColumns(2, 2, Values.ramp(4), 1, 2));
    }

    // ------------------------------------------------------------------ memory segments

    static MemorySegment segment(Arena arena, int floats) {
        MemorySegment s = arena.allocate(floats * 4L);
        for (int i = 0; i < floats; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, i * 0.5f - 3f);
        }
        return s;
    }

    @Test
    void segmentMatrixChecks() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = segment(arena, 8);
            rejects(NullPointerException.class, "x must not be null",
                    () -> Checks.matrix("x", (MemorySegment) null, 0, 1, 1, 1));
            rejects(IllegalArgumentException.class, "rows must be >= 0, got -1",
                    () -> Checks.matrix("x", s, 0, -1, 2, 2));
            rejects(IllegalArgumentException.class, "cols must be >= 0, got -3",
                    () -> Checks.matrix("x", s, 0, 2, -3, 2));
            rejects(IllegalArgumentException.class, "ldx must be >= max(1, cols = 2), got 1",
                    () -> Checks.matrix("x", s, 0, 2, 2, 1));
            rejects(IndexOutOfBoundsException.class, "xOff must be in [0, x.byteSize() / 4 = 8], got 9",
                    () -> Checks.matrix("x", s, 9, 0, 0, 1));
            rejects(IndexOutOfBoundsException.class, "xOff must be in [0, x.byteSize() / 4 = 8], got -1",
                    () -> Checks.matrix("x", s, -1, 1, 1, 1));
            rejects(IndexOutOfBoundsException.class,
                    "x must fit in its segment: a 2 x 3 matrix at xOff = 3 with ldx = 3 needs 9 floats, but x holds 8",
                    () -> Checks.matrix("x", s, 3, 2, 3, 3));
            // Exactly fitting, and empty at the very end (rows of nothing touch nothing).
            Checks.matrix("x", s, 2, 2, 3, 3);
            Checks.matrix("x", s, 8, 0, 4, 4);
            Checks.matrix("x", s, 8, 5, 0, 1);
            Checks.matrix("x", s, 6, 3, 0, 1);
        }
    }

    @Test
    void segmentGemmSizesAndOverlap() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = segment(arena, 64), b = segment(arena, 16), c = segment(arena, 16);
            rejects(IllegalArgumentException.class, "n must be >= 0, got -2",
                    () -> Checks.gemm(false, false, 4, -2, 4, s, 0, 4, b, 0, 4, c, 0, 4));
            rejects(IllegalArgumentException.class, "k must be >= 0, got -3",
                    () -> Checks.gemm(false, false, 4, 4, -3, s, 0, 4, b, 0, 4, c, 0, 4));
            // One float of C on the last float of A; then C on the last float of B.
            rejects(IllegalArgumentException.class, "c must not overlap a in memory",
                    () -> Checks.gemm(false, false, 4, 4, 4, s, 0, 4, b, 0, 4, s, 15, 4));
            rejects(IllegalArgumentException.class, "c must not overlap b in memory",
                    () -> Checks.gemm(false, false, 4, 4, 4, s, 0, 4, s, 16, 4, s, 31, 4));
            // A at floats [0, 16), B at [16, 32), C at [32, 48): touching, not overlapping.
            Checks.gemm(false, false, 4, 4, 4, s, 0, 4, s, 16, 4, s, 32, 4);
            Checks.gemm(true, true, 4, 4, 4, s, 32, 4, s, 16, 4, s, 0, 4);
            // An empty C (n = 0) that starts inside A overlaps nothing.
            Checks.gemm(false, false, 4, 0, 4, s, 0, 4, b, 0, 1, s, 2, 1);
            org.vecprop.kernel.Gemm.multiply(false, false, 4, 0, 4, 1f, s, 0, 4, b, 0, 1, 0f, s, 2, 1);
        }
    }

    @Test
    void segmentGemmOnAdjacentViewsOfOneSegment() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment s = segment(arena, 48);
            float[] all = s.toArray(ValueLayout.JAVA_FLOAT);
            float[] expected = all.clone();
            // C = A * B with A at floats [0, 16), B at [16, 32), C at [32, 48) of the same memory.
            ReferenceGemm.multiply(false, false, 4, 4, 4, 1f, all, 0, 4, all.clone(), 16, 4, 0f, expected, 32, 4);
            org.vecprop.kernel.Gemm.multiply(false, false, 4, 4, 4, 1f, s, 0, 4, s, 16, 4, 0f, s, 32, 4);
            float[] actual = s.toArray(ValueLayout.JAVA_FLOAT);
            for (int i = 0; i < 48; i++) {
                assertEquals(expected[i], actual[i], 8 * Math.ulp(expected[i]), "float " + i);
            }
        }
    }

    /**
     * C's whole extent counts in the segment overlap test, not just its first bytes: an A (or B)
     * that starts in the second half of C's floats overlaps it. (A C span measured in floats but
     * taken as bytes, a quarter of its size, would miss this and let the product write over A.)
     * Refused by name before any write, on off-heap and on heap segments.
     */
    @Test
    void anOperandStartingLateInsideCOverlapsIt() {
        try (Arena arena = Arena.ofConfined()) {
            for (MemorySegment s : new MemorySegment[] {segment(arena, 48),
                    MemorySegment.ofArray(segment(arena, 48).toArray(ValueLayout.JAVA_FLOAT))}) {
                MemorySegment other = segment(arena, 16);
                float[] before = s.toArray(ValueLayout.JAVA_FLOAT);
                // C 4 x 4 at floats [0, 16); A (then B) 4 x 4 at [8, 24): they share floats 8..15.
                rejects(IllegalArgumentException.class, "c must not overlap a in memory",
                        () -> Checks.gemm(false, false, 4, 4, 4, s, 8, 4, other, 0, 4, s, 0, 4));
                rejects(IllegalArgumentException.class, "c must not overlap b in memory",
                        () -> Checks.gemm(false, false, 4, 4, 4, other, 0, 4, s, 8, 4, s, 0, 4));
                rejects(IllegalArgumentException.class, "c must not overlap a in memory",
                        () -> org.vecprop.kernel.Gemm.multiply(false, false, 4, 4, 4, 1f, s, 8, 4, other, 0, 4,
                                0.5f, s, 0, 4));
                rejects(IllegalArgumentException.class, "c must not overlap b in memory",
                        () -> org.vecprop.kernel.Gemm.multiply(false, false, 4, 4, 4, 1f, other, 0, 4, s, 8, 4,
                                0.5f, s, 0, 4));
                org.vecprop.kernel.PackedMatrix packed = org.vecprop.kernel.PackedMatrix.pack(false, 4, 4,
                        Values.ramp(16), 0, 4);
                rejects(IllegalArgumentException.class, "c must not overlap a in memory",
                        () -> org.vecprop.kernel.Gemm.multiplyPacked(false, 4, 1f, s, 8, 4, packed, 0.5f, s, 0, 4));
                assertArrayEquals(before, s.toArray(ValueLayout.JAVA_FLOAT), "nothing written");
            }
        }
    }

    /**
     * Heap segments ({@code MemorySegment.ofArray}) overlap when they wrap the same array and
     * share an element of it, and only then (their addresses are offsets into their arrays, so
     * two arrays' segments at the same offset must not be taken for one memory): A, B and C on
     * three arrays are computed, bit for bit as the array overload; C touching A and B in one
     * array is computed too; C sharing one float with A, or with B, in one array is refused by
     * name with the array unchanged.
     */
    @Test
    void heapSegmentsOverlapOnlyWhenTheyShareAnElementOfOneArray() {
        float[] av = Values.ramp(16), bv = Values.ramp(16), c0 = Values.ramp(16);
        for (int i = 0; i < 16; i++) {
            bv[i] = 0.25f * i - 1f;
        }
        float[] expected = c0.clone();
        org.vecprop.kernel.Gemm.multiply(false, false, 4, 4, 4, 1f, av, 0, 4, bv, 0, 4, 0.5f, expected, 0, 4);
        // Three arrays, every matrix at offset 0 of its own.
        float[] cv = c0.clone();
        Checks.gemm(false, false, 4, 4, 4, MemorySegment.ofArray(av), 0, 4, MemorySegment.ofArray(bv), 0, 4,
                MemorySegment.ofArray(cv), 0, 4);
        org.vecprop.kernel.Gemm.multiply(false, false, 4, 4, 4, 1f, MemorySegment.ofArray(av), 0, 4,
                MemorySegment.ofArray(bv), 0, 4, 0.5f, MemorySegment.ofArray(cv), 0, 4);
        assertArrayEquals(expected, cv, "A, B and C on three arrays");
        org.vecprop.kernel.PackedMatrix packed = org.vecprop.kernel.PackedMatrix.pack(false, 4, 4, bv, 0, 4);
        float[] cp = c0.clone();
        org.vecprop.kernel.Gemm.multiplyPacked(false, 4, 1f, MemorySegment.ofArray(av), 0, 4, packed, 0.5f,
                MemorySegment.ofArray(cp), 0, 4);
        assertArrayEquals(expected, cp, "packed B, A and C on two arrays");
        // One array: A at [0, 16), B at [16, 32), C at [32, 48), touching.
        float[] one = new float[48];
        System.arraycopy(av, 0, one, 0, 16);
        System.arraycopy(bv, 0, one, 16, 16);
        System.arraycopy(c0, 0, one, 32, 16);
        MemorySegment h = MemorySegment.ofArray(one);
        org.vecprop.kernel.Gemm.multiply(false, false, 4, 4, 4, 1f, h, 0, 4, h, 16, 4, 0.5f, h, 32, 4);
        assertArrayEquals(expected, java.util.Arrays.copyOfRange(one, 32, 48), "touching views of one array");
        // C one float into A (its first on A's last), then one float into B.
        float[] before = one.clone();
        rejects(IllegalArgumentException.class, "c must not overlap a in memory",
                () -> org.vecprop.kernel.Gemm.multiply(false, false, 4, 4, 4, 1f, h, 0, 4, h, 16, 4, 0.5f, h, 15, 4));
        rejects(IllegalArgumentException.class, "c must not overlap b in memory",
                () -> org.vecprop.kernel.Gemm.multiply(false, false, 4, 4, 4, 1f, h, 0, 4, h, 16, 4, 0.5f, h, 31, 4));
        rejects(IllegalArgumentException.class, "c must not overlap a in memory",
                () -> org.vecprop.kernel.Gemm.multiplyPacked(false, 4, 1f, h, 0, 4, packed, 0.5f, h, 15, 4));
        assertArrayEquals(before, one, "nothing written");
    }

    // ------------------------------------------------------------------ GEMM: exactly one thing wrong

    /**
     * Checks.gemm tries one combined test for the common valid call before the detailed checks
     * that name the culprit. A call with exactly one argument just past its limit (an array one
     * element short, a stride one below its minimum) must not slip through that fast path: each
     * is rejected, naming the argument, as the detailed check words it (Gemm.multiply's javadoc:
     * "a matrix that runs past the end of its array", "a row stride below its minimum").
     */
    @Test
    void aGemmCallWithOneArgumentJustPastItsLimitIsRejectedByName() {
        // The valid call: A 3x5 (lda 6), B 5x4 (ldb 7), C 3x4 (ldc 9), at offsets 1, 2, 3,
        // each array exactly as long as its matrix needs.
        int m = 3, n = 4, k = 5;
        int aLen = 1 + 2 * 6 + 5, bLen = 2 + 4 * 7 + 4, cLen = 3 + 2 * 9 + 4;
        Checks.gemm(false, false, m, n, k, new float[aLen], 1, 6, new float[bLen], 2, 7, new float[cLen], 3, 9);
        rejects(IndexOutOfBoundsException.class, "a must fit in its array: a 3 x 5 matrix at aOff = 1 with lda = 6 needs 18 elements, but a.length is 17",
                () -> Checks.gemm(false, false, m, n, k, new float[aLen - 1], 1, 6, new float[bLen], 2, 7, new float[cLen], 3, 9));
        rejects(IndexOutOfBoundsException.class, "b must fit in its array: a 5 x 4 matrix at bOff = 2 with ldb = 7 needs 34 elements, but b.length is 33",
                () -> Checks.gemm(false, false, m, n, k, new float[aLen], 1, 6, new float[bLen - 1], 2, 7, new float[cLen], 3, 9));
        rejects(IndexOutOfBoundsException.class, "c must fit in its array: a 3 x 4 matrix at cOff = 3 with ldc = 9 needs 25 elements, but c.length is 24",
                () -> Checks.gemm(false, false, m, n, k, new float[aLen], 1, 6, new float[bLen], 2, 7, new float[cLen - 1], 3, 9));
        // Transposed operands: stored A is k x m (5x3), stored B is n x k (4x5).
        Checks.gemm(true, true, m, n, k, new float[4 * 3 + 3], 0, 3, new float[3 * 5 + 5], 0, 5, new float[cLen], 3, 9);
        rejects(IndexOutOfBoundsException.class, "b must fit in its array: a 4 x 5 matrix at bOff = 0 with ldb = 5 needs 20 elements, but b.length is 19",
                () -> Checks.gemm(true, true, m, n, k, new float[15], 0, 3, new float[19], 0, 5, new float[cLen], 3, 9));
        rejects(IllegalArgumentException.class, "lda must be >= max(1, cols = 3), got 2",
                () -> Checks.gemm(true, true, m, n, k, new float[64], 0, 2, new float[64], 0, 5, new float[cLen], 3, 9));
        rejects(IllegalArgumentException.class, "ldb must be >= max(1, cols = 4), got 3",
                () -> Checks.gemm(false, false, m, n, k, new float[64], 0, 5, new float[64], 0, 3, new float[cLen], 3, 9));
        rejects(IllegalArgumentException.class, "ldc must be >= max(1, cols = 4), got 3",
                () -> Checks.gemm(false, false, m, n, k, new float[64], 0, 5, new float[64], 0, 4, new float[64], 0, 3));
        // Offsets one past the end of an otherwise long enough array (an empty A keeps the extent 0).
        rejects(IndexOutOfBoundsException.class, "aOff must be in [0, a.length = 64], got 65",
                () -> Checks.gemm(false, false, 0, n, k, new float[64], 65, 5, new float[64], 0, 4, new float[64], 0, 4));
        rejects(IndexOutOfBoundsException.class, "bOff must be in [0, b.length = 64], got 65",
                () -> Checks.gemm(false, false, m, 0, k, new float[64], 0, 5, new float[64], 65, 1, new float[64], 0, 1));
        rejects(IndexOutOfBoundsException.class, "cOff must be in [0, c.length = 64], got 65",
                () -> Checks.gemm(false, false, m, 0, k, new float[64], 0, 5, new float[64], 0, 1, new float[64], 65, 1));
    }

    /**
     * The packed-B GEMM checks m, A and C itself (the packed operand fixes n and k): a negative
     * m, an A or a C one element short are rejected by name, before C is written.
     */
    @Test
    void aPackedGemmWithABadMOrAOrCIsRejectedByNameBeforeCIsWritten() {
        int m = 3, n = 4, k = 5;
        org.vecprop.kernel.PackedMatrix packed = org.vecprop.kernel.PackedMatrix.pack(false, k, n,
                Values.random(new java.util.Random(1), k * n, 0, 1f), 0, n);
        float[] a = Values.random(new java.util.Random(2), 1 + m * k, 0, 1f);
        float[] c0 = Values.random(new java.util.Random(3), 2 + m * n, 0, 1f);
        float[] c = c0.clone();
        org.vecprop.kernel.Gemm.multiplyPacked(false, m, 1f, a, 1, k, packed, 0f, c, 2, n);   // the valid call
        c = c0.clone();
        float[] cc = c;
        rejects(IllegalArgumentException.class, "m must be >= 0, got -1",
                () -> org.vecprop.kernel.Gemm.multiplyPacked(false, -1, 1f, a, 1, k, packed, 0f, cc, 2, n));
        rejects(IndexOutOfBoundsException.class, "a must fit in its array: a 3 x 5 matrix at aOff = 1 with lda = 5 needs 16 elements, but a.length is 15",
                () -> org.vecprop.kernel.Gemm.multiplyPacked(false, m, 1f, java.util.Arrays.copyOf(a, a.length - 1), 1, k,
                        packed, 0f, cc, 2, n));
        assertArrayEquals(c0, c, "C unchanged by the rejected calls");
        float[] shortC = java.util.Arrays.copyOf(c0, c0.length - 1);
        rejects(IndexOutOfBoundsException.class, "c must fit in its array: a 3 x 4 matrix at cOff = 2 with ldc = 4 needs 14 elements, but c.length is 13",
                () -> org.vecprop.kernel.Gemm.multiplyPacked(false, m, 1f, a, 1, k, packed, 0f, shortC, 2, n));
        assertArrayEquals(java.util.Arrays.copyOf(c0, c0.length - 1), shortC, "C unchanged by the rejected call");
        // Checks.gemmPacked itself, transposed A (stored k x m).
        rejects(IndexOutOfBoundsException.class, "a must fit in its array: a 5 x 3 matrix at aOff = 0 with lda = 3 needs 15 elements, but a.length is 14",
                () -> Checks.gemmPacked(true, m, packed, new float[14], 0, 3, n, k, new float[12], 0, 4));
    }
}

package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;

/**
 * The MemorySegment overload gives the same bits as the array overload on the same values
 * (off-heap, unaligned offsets, strides, all transposes), and validates like it.
 */
class GemmSegmentTest {

    static MemorySegment offHeap(Arena arena, float[] values) {
        // One spare byte in front, so that float offsets are not 4-byte aligned addresses.
        MemorySegment s = arena.allocate(values.length * 4L + 1).asSlice(1);
        MemorySegment.copy(values, 0, s, ValueLayout.JAVA_FLOAT_UNALIGNED, 0, values.length);
        return s;
    }

    @Test
    void sameBitsAsTheArrayOverload() {
        Props.theory(Props.EXAMPLES / 2).forAll(GemmPropertiesTest.cases(120)).checkAssert(c -> {
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
    void badSegmentsAreRejectedBeforeAnyWrite() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(64 * 4), b = arena.allocate(64 * 4), c = arena.allocate(64 * 4);
            MemorySegment before = arena.allocate(64 * 4);
            c.fill((byte) 7);
            before.copyFrom(c);
            String[][] expect = {
                {"a must not be null"}, {"needs 68 floats, but c holds 64"}, {"c overlaps a in memory"},
                {"ldb must be >= max(1, cols = 4), got 3"}, {"m must be >= 0, got -1"}, {"aOff -2"},
            };
            Runnable[] calls = {
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, null, 0, 4, b, 0, 4, 0f, c, 0, 4),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 4, 20),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, a.asSlice(32), 0, 4),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, 0, 4, b, 0, 3, 0f, c, 0, 4),
                () -> Gemm.multiply(false, false, -1, 4, 4, 1f, a, 0, 4, b, 0, 4, 0f, c, 0, 4),
                () -> Gemm.multiply(false, false, 4, 4, 4, 1f, a, -2, 4, b, 0, 4, 0f, c, 0, 4),
            };
            for (int i = 0; i < calls.length; i++) {
                RuntimeException e = assertThrows(RuntimeException.class, calls[i]::run);
                assertTrue(e instanceof IllegalArgumentException || e instanceof IndexOutOfBoundsException, e.toString());
                assertTrue(e.getMessage().contains(expect[i][0]), e.getMessage());
                assertTrue(c.mismatch(before) < 0, "c changed by call " + i);
            }
        }
    }
}

package org.vecprop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * BatchOrder against the Python implementation of scripts/fashion_numpy.py (its SplitMix64 and
 * shuffled()), which the NumPy peer run uses: the values below were printed by that code (with
 * Python's arbitrary-precision integers masked to 64 bits), not by BatchOrder, so a difference
 * in either implementation fails here. To recompute one (no NumPy needed), e.g. the split:
 * <pre>
 * python3 -c 'src = open("scripts/fashion_numpy.py").read(); ns = {}
 * exec(src[src.index("MASK = "):src.index("def read_idx")].replace("np.array(a, dtype=np.int64)", "a"), ns)
 * p = ns["shuffled"](60000, 42); print(p[:5], p[55000:55005], p[-3:])'
 * </pre>
 * SplitMix64's first output for seed 0 is also the published reference value of Vigna's C code.
 */
class BatchOrderTest {
    @Test
    void theGeneratorGivesPythonsSequence() {
        BatchOrder r = new BatchOrder(0);
        assertEquals(0xe220a8397b1dcdafL, r.next());
        assertEquals(0x6e789e6aa1b965f4L, r.next());
        assertEquals(0x06c45d188009454fL, r.next());
        r = new BatchOrder(42);
        assertEquals(0xbdd732262feb6e95L, r.next());
        assertEquals(0x28efe333b266f103L, r.next());
        assertEquals(0x47526757130f9f52L, r.next());
        r = new BatchOrder(-1); // Python: seed & (2^64 - 1)
        assertEquals(0xe4d971771b652c20L, r.next());
        assertEquals(0xe99ff867dbf682c9L, r.next());
    }

    @Test
    void belowIsTheUnsignedValueModuloTheBound() {
        BatchOrder r = new BatchOrder(42);
        // 0xbdd7... is negative as a Java long: a signed remainder would differ
        assertEquals(3, r.below(10));
        assertEquals(291, r.below(1000));
        assertEquals(0, r.below(7));
        assertEquals(55764, r.below(60000));
        assertEquals(0, r.below(1));
        assertThrows(IllegalArgumentException.class, () -> new BatchOrder(1).below(0));
    }

    @Test
    void shufflesArePythons() {
        assertArrayEquals(new int[] {0, 9, 5, 8, 6, 4, 7, 2, 1, 3}, BatchOrder.shuffled(10, 42));
        assertArrayEquals(new int[] {0}, BatchOrder.shuffled(1, 42));
        assertArrayEquals(new int[0], BatchOrder.shuffled(0, 42));
        int[] p = BatchOrder.shuffled(60000, 42);
        long check = 0;
        for (int i = 0; i < p.length; i++) {
            check = (check + (long) i * p[i]) % 1_000_000_007L;
        }
        assertEquals(961014398L, check, "sum of i * p[i] mod 1e9+7 over the whole permutation");
    }

    @Test
    void theSplitAndTheEpochOrdersArePythons() {
        BatchOrder.Split s = BatchOrder.split(60000, 5000, 42);
        assertEquals(55000, s.train().length);
        assertEquals(5000, s.validation().length);
        assertArrayEquals(new int[] {4153, 20096, 10225, 29117, 20107}, Arrays.copyOf(s.train(), 5));
        assertArrayEquals(new int[] {26495, 4919, 42650, 56014, 9251}, Arrays.copyOf(s.validation(), 5));
        assertArrayEquals(new int[] {11576, 24199, 35413}, Arrays.copyOfRange(s.validation(), 4997, 5000));
        int[] order = new int[55000];
        s.epoch(0, order); // seed 43
        assertArrayEquals(new int[] {48755, 31200, 52095, 20339, 21646}, Arrays.copyOf(order, 5));
        assertArrayEquals(new int[] {47626, 10160}, Arrays.copyOfRange(order, 54998, 55000));
        s.epoch(19, order); // seed 62
        assertArrayEquals(new int[] {22216, 36323, 4161, 376, 9052}, Arrays.copyOf(order, 5));
    }

    @Test
    void theSplitIsAPartitionAndEachEpochAPermutation() {
        BatchOrder.Split s = BatchOrder.split(1000, 100, 7);
        boolean[] seen = new boolean[1000];
        for (int i : s.train()) {
            seen[i] = true;
        }
        for (int i : s.validation()) {
            assertEquals(false, seen[i], "example " + i + " in both parts");
            seen[i] = true;
        }
        for (boolean b : seen) {
            assertEquals(true, b);
        }
        int[] order = new int[950]; // longer than the training part: the rest is left alone
        Arrays.fill(order, -1);
        s.epoch(3, order);
        int[] sorted = Arrays.copyOf(order, 900);
        Arrays.sort(sorted);
        for (int i = 0; i < 900; i++) {
            assertEquals(i, sorted[i]);
        }
        assertEquals(-1, order[900]);
        assertArrayEquals(BatchOrder.shuffled(900, 7 + 1 + 3), Arrays.copyOf(order, 900));
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("validation must be in [0, examples = 10], got 11",
                assertThrows(IllegalArgumentException.class, () -> BatchOrder.split(10, 11, 1)).getMessage());
        assertEquals("n must be in [0, a.length = 3], got 4",
                assertThrows(IllegalArgumentException.class, () -> BatchOrder.shuffle(new int[3], 4, 1)).getMessage());
        assertThrows(IllegalArgumentException.class, () -> BatchOrder.shuffled(-1, 1));
        assertThrows(IllegalArgumentException.class, () -> BatchOrder.split(10, 2, 1).epoch(-1, new int[8]));
        assertThrows(IllegalArgumentException.class, () -> BatchOrder.split(10, 2, 1).epoch(0, new int[7]));
        assertThrows(NullPointerException.class, () -> BatchOrder.shuffle(null, 0, 1));
    }
}

package org.vecprop.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.VectorLength.L;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.quicktheories.generators.Generate;
import org.vecprop.internal.scalar.ScalarKernels;
import org.vecprop.reference.ReferenceTopK;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Props;

/**
 * {@link TopK}: argmax and top-k equal the oracle's plain scans exactly (and the scalar
 * implementation's), on generated rows full of ties, signed zeros, NaNs and infinities, row
 * lengths on both sides of the vector length, strided; the order by hand; bad input with every
 * output untouched.
 */
class TopKTest {

    /** Values with many ties: a few small integers, ±0, ±Inf and now and then NaN. */
    static float[] tiedValues(Random rnd, int n, boolean nans) {
        float[] pool = {-1f, 0f, -0f, 1f, 2f, 2f, 3f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, 0.5f};
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = nans && rnd.nextInt(40) == 0 ? Float.NaN
                    : rnd.nextInt(3) == 0 ? rnd.nextFloat() * 4 - 2 : pool[rnd.nextInt(pool.length)];
        }
        return x;
    }

    @Test
    void argmaxAndSelectEqualTheOracle() {
        Props.theory().forAll(Props.dimension(30), Generate.range(1, 40).mix(Generate.pick(List.of(L - 1, L, L + 1,
                3 * L + 1, 300)), 40), Generate.longRange(0, 1L << 40), Generate.booleans()).checkAssert((rows, cols, seed, nans) -> {
            Random rnd = new Random(seed);
            int ldx = cols + rnd.nextInt(3), xOff = rnd.nextInt(3);
            float[] x = tiedValues(rnd, xOff + rows * ldx + 2, nans);
            String what = rows + " x " + cols + ", seed " + seed;
            int[] got = new int[rows + 2], want = new int[rows + 2], scalar = new int[rows + 2];
            TopK.argmax(rows, cols, x, xOff, ldx, got, 1);
            ReferenceTopK.argmax(rows, cols, x, xOff, ldx, want, 1);
            assertArrayEquals(want, got, what + ": argmax");
            if (rows > 0) {
                ScalarKernels.INSTANCE.argmax(rows, cols, x, xOff, ldx, scalar, 1);
                assertArrayEquals(want, scalar, what + ": scalar argmax");
            }
            int k = rnd.nextInt(cols + 1), ldi = Math.max(1, k) + rnd.nextInt(2);
            int[] idx = new int[rows * ldi + 1], idxRef = idx.clone();
            float[] vals = new float[rows * ldi + 1], valsRef = vals.clone();
            java.util.Arrays.fill(idx, -7);
            java.util.Arrays.fill(idxRef, -7);
            TopK.select(rows, cols, k, x, xOff, ldx, idx, 1, ldi, vals, 1, ldi);
            ReferenceTopK.topK(rows, cols, k, x, xOff, ldx, idxRef, 1, ldi, valsRef, 1, ldi);
            assertArrayEquals(idxRef, idx, what + ": top-" + k + " positions");
            Compare.sameArray(valsRef, vals, what + ": top-" + k + " values");
            int[] idxOnly = new int[rows * ldi + 1];
            java.util.Arrays.fill(idxOnly, -7);
            TopK.select(rows, cols, k, x, xOff, ldx, idxOnly, 1, ldi, null, 0, 0);
            assertArrayEquals(idxRef, idxOnly, what + ": top-" + k + " without values");
        });
    }

    @Test
    void theOrderByHand() {
        float nan = Float.NaN;
        float[] x = {3f, -0f, 5f, 5f, 0f, nan, 1f, nan};
        int[] one = new int[1];
        TopK.argmax(1, 8, x, 0, 8, one, 0);
        assertEquals(5, one[0], "the first NaN is the argmax");
        TopK.argmax(1, 5, x, 0, 5, one, 0);
        assertEquals(2, one[0], "equal maxima: the lower index");
        TopK.argmax(1, 2, new float[] {-0f, 0f}, 0, 2, one, 0);
        assertEquals(0, one[0], "-0 and +0 are equal: the lower index");
        int[] idx = new int[8];
        float[] vals = new float[8];
        TopK.select(1, 8, 8, x, 0, 8, idx, 0, 8, vals, 0, 8);
        assertArrayEquals(new int[] {5, 7, 2, 3, 0, 6, 1, 4}, idx, "NaNs first, then descending, ties by index");
        Compare.sameArray(new float[] {nan, nan, 5f, 5f, 3f, 1f, -0f, 0f}, vals, "their values");
        // A row longer than a vector, its maximum in the overlapping last vector's new lanes.
        int n = 2 * L + 3;
        float[] row = new float[n];
        row[n - 1] = 9f;
        row[n - 2] = 9f;
        TopK.argmax(1, n, row, 0, n, one, 0);
        assertEquals(n - 2, one[0], "the first of two maxima at the end of a long row");
    }

    /**
     * The oracle's order, {@link ReferenceTopK#before}, is strict: an element never ranks before
     * itself (same value, same index), whatever the value (NaN, ±0, a number, ±Inf); between two
     * equal values (two NaNs, or -0 and +0) exactly one of the two ranks first, the lower index.
     * A public comparison that said "before" for an element and itself would not be an order.
     */
    @Test
    void theOracleOrderIsStrict() {
        float[] values = {Float.NaN, -0f, 0f, 1f, -2.5f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        for (float x : values) {
            for (int i : new int[] {0, 3, 7}) {
                assertEquals(false, ReferenceTopK.before(x, i, x, i), x + " at " + i + " before itself");
            }
        }
        assertEquals(true, ReferenceTopK.before(Float.NaN, 2, Float.NaN, 5), "two NaNs: the lower index first");
        assertEquals(false, ReferenceTopK.before(Float.NaN, 5, Float.NaN, 2), "two NaNs: the higher index second");
        assertEquals(true, ReferenceTopK.before(-0f, 1, 0f, 4), "-0 and +0 are equal: the lower index first");
        assertEquals(false, ReferenceTopK.before(0f, 4, -0f, 1), "-0 and +0 are equal: the higher index second");
        assertEquals(true, ReferenceTopK.before(Float.NaN, 9, Float.POSITIVE_INFINITY, 0), "NaN before any number");
        assertEquals(false, ReferenceTopK.before(3f, 0, 5f, 9), "the larger value first, whatever the index");
    }

    /**
     * An argmax needs a column only when there is a row to take it from (TopK.argmax: cols
     * {@code >= 1} when rows > 0): 0 rows of 0 columns is a valid empty call, accepted by the
     * kernel and the oracle, writing nothing; 1 row of 0 columns is refused.
     */
    @Test
    void anArgmaxOfNoRowsNeedsNoColumns() {
        float[] x = new float[4];
        int[] idx = {5, 5};
        TopK.argmax(0, 0, x, 0, 1, idx, 0);
        ReferenceTopK.argmax(0, 0, x, 0, 1, idx, 0);
        TopK.argmax(0, 0, x, 4, 1, idx, 2);
        assertArrayEquals(new int[] {5, 5}, idx, "nothing written");
        untouched(() -> TopK.argmax(1, 0, x, 0, 1, idx, 0), IllegalArgumentException.class,
                "cols must be >= 1 for an argmax of 1 rows, got 0", idx, null);
    }

    static void untouched(Executable call, Class<? extends Throwable> type, String message, int[] index, float[] values) {
        int[] before = index == null ? null : index.clone();
        float[] vBefore = values == null ? null : values.clone();
        Throwable e = assertThrows(type, call);
        assertTrue(e.getMessage().contains(message), "\"" + e.getMessage() + "\" should contain \"" + message + "\"");
        if (index != null) {
            assertArrayEquals(before, index, message + ": index written");
        }
        if (values != null) {
            Compare.sameArray(vBefore, values, message + ": values written");
        }
    }

    @Test
    void badCallsAreRejectedBeforeAnyWrite() {
        float[] x = new float[16];
        int[] idx = new int[16];
        java.util.Arrays.fill(idx, 5);
        float[] vals = new float[16];
        java.util.Arrays.fill(vals, 3f);
        Class<IllegalArgumentException> iae = IllegalArgumentException.class;
        Class<IndexOutOfBoundsException> ioobe = IndexOutOfBoundsException.class;
        Class<NullPointerException> npe = NullPointerException.class;
        untouched(() -> TopK.argmax(4, 4, null, 0, 4, idx, 0), npe, "x must not be null", idx, null);
        untouched(() -> TopK.argmax(4, 4, x, 0, 4, null, 0), npe, "index must not be null", null, null);
        untouched(() -> TopK.argmax(4, 4, x, 0, 4, idx, 13), ioobe, "index must fit in its array: 4 elements at indexOff = 13 need 17, but index.length is 16", idx, null);
        untouched(() -> TopK.argmax(4, 0, x, 0, 1, idx, 0), iae, "cols must be >= 1 for an argmax of 4 rows, got 0", idx, null);
        untouched(() -> TopK.argmax(-1, 4, x, 0, 4, idx, 0), iae, "rows must be >= 0, got -1", idx, null);
        untouched(() -> TopK.argmax(4, 4, x, 1, 4, idx, 0), ioobe, "x must fit in its array: a 4 x 4 matrix at xOff = 1", idx, null);
        untouched(() -> TopK.select(4, 4, 5, x, 0, 4, idx, 0, 5, vals, 0, 5), iae, "k must be in [0, cols = 4], got 5", idx, vals);
        untouched(() -> TopK.select(4, 4, -1, x, 0, 4, idx, 0, 1, vals, 0, 1), iae, "k must be in [0, cols = 4], got -1", idx, vals);
        untouched(() -> TopK.select(4, 4, 2, x, 0, 4, null, 0, 2, vals, 0, 2), npe, "index must not be null", null, vals);
        untouched(() -> TopK.select(4, 4, 2, x, 0, 4, idx, 0, 1, vals, 0, 2), iae, "ldIndex must be >= max(1, cols = 2), got 1", idx, vals);
        untouched(() -> TopK.select(4, 4, 3, x, 0, 4, idx, 8, 3, vals, 0, 3), ioobe, "index must fit in its array: a 4 x 3 matrix at indexOff = 8", idx, vals);
        untouched(() -> TopK.select(4, 4, 3, x, 0, 4, idx, 0, 3, vals, 6, 3), ioobe,
                "values must fit in its array: a 4 x 3 matrix at valuesOff = 6 with ldValues = 3 needs 18 elements", idx, vals);
        untouched(() -> TopK.select(4, 4, 2, x, 0, 4, idx, 0, 2, vals, 0, 1), iae, "ldValues must be >= max(1, cols = 2), got 1", idx, vals);
        untouched(() -> TopK.select(4, 4, 2, vals, 0, 4, idx, 0, 2, vals, 4, 2), iae, "values must not overlap x: values spans elements 4..11 and x 0..15 of the same array", idx, vals);
        untouched(() -> TopK.select(4, 4, 2, null, 0, 4, idx, 0, 2, vals, 0, 2), npe, "x must not be null", idx, vals);
        untouched(() -> ReferenceTopK.topK(4, 4, 5, x, 0, 4, idx, 0, 5, vals, 0, 5), iae, "k must be in [0, cols = 4], got 5", idx, vals);
        untouched(() -> ReferenceTopK.argmax(4, 0, x, 0, 1, idx, 0), iae, "cols must be >= 1", idx, null);
    }
}

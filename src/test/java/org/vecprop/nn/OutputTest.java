package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.vecprop.testing.Compare;
import org.vecprop.testing.Values;

/**
 * {@link Output}, the view of a forward pass's result: {@code copyTo} writes exactly the
 * {@code rows x cols} window of a strided destination, and {@code toString} shows exactly the
 * rows of this batch, even though the buffer behind the view holds {@code maxBatch} rows.
 */
class OutputTest {

    /** A 2-row forward pass through a network built for 4 rows, so the buffer has rows beyond the view. */
    static Output twoRows(Network net) {
        float[] x = Values.random(new Random(1), 4 * 3, 0, 1f);
        net.forward(x, 0, 3, 4); // fills all four rows of the buffer first
        return net.forward(x, 0, 3, 2);
    }

    @Test
    void copyToWritesTheWindowAndNothingElse() {
        Network net = Network.mlp(4, 5, 3, 6, 3);
        Output out = twoRows(net);
        float[] values = out.toArray();
        int off = 2, ld = 5;
        float[] dst = new float[off + 4 * ld];
        Arrays.fill(dst, -7f);
        out.copyTo(dst, off, ld);
        for (int idx = 0; idx < dst.length; idx++) {
            int rel = idx - off, r = rel >= 0 ? rel / ld : -1, col = rel >= 0 ? rel % ld : -1;
            boolean inside = r >= 0 && r < 2 && col < 3;
            Compare.same(inside ? values[r * 3 + col] : -7f, dst[idx],
                    (inside ? "row " + r + " column " + col : "outside the window at " + idx));
        }
    }

    @Test
    void toStringShowsTheShapeAndEveryRowOfThisBatch() {
        Network net = Network.mlp(4, 5, 3, 6, 3);
        Output out = twoRows(net);
        float[] v = out.toArray();
        assertEquals("Output 2 x 3 [" + Arrays.toString(Arrays.copyOfRange(v, 0, 3)) + ", "
                + Arrays.toString(Arrays.copyOfRange(v, 3, 6)) + "]", out.toString());
    }
}

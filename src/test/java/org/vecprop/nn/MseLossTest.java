package org.vecprop.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.vecprop.testing.Rejections.rejects;

import org.junit.jupiter.api.Test;

/**
 * {@link MseLoss}: its argument checks and one computation of loss and gradient (found
 * unchecked by mutation testing, scripts/mutation; the kernel itself: kernel.MseTest).
 */
class MseLossTest {

    @Test
    void checksAndComputes() {
        rejects(IllegalArgumentException.class, "outputs must be >= 1, got 0", () -> new MseLoss(0, 2));
        rejects(IllegalArgumentException.class, "maxBatch must be >= 1, got 0", () -> new MseLoss(2, 0));
        rejects(IllegalArgumentException.class, "outputs x maxBatch must be at most 2147483639 (one"
                + " Java array), got 65536 x 65536 = 4294967296", () -> new MseLoss(65536, 65536));
        rejects(IllegalArgumentException.class, "outputs x maxBatch must be at most 2147483639 (one"
                + " Java array), got 2 x 2147483647 = 4294967294", () -> new MseLoss(2, Integer.MAX_VALUE));
        MseLoss loss = new MseLoss(2, 3);
        assertEquals(3, loss.maxBatch());
        rejects(NullPointerException.class, "p must not be null",
                () -> loss.compute(null, 0, 2, new float[6], 0, 2, 1));
        rejects(NullPointerException.class, "t must not be null",
                () -> loss.compute(new float[6], 0, 2, null, 0, 2, 1));
        org.vecprop.testing.Rejections.rejectsWithPrefix(IndexOutOfBoundsException.class,
                "p: a 3 x 2 matrix at pOff 1", () -> loss.compute(new float[6], 1, 2, new float[6], 0, 2, 3));
        assertEquals(2, loss.outputs());
        assertEquals(6, loss.gradient().length);
        rejects(IllegalArgumentException.class, "batch must be in [1, maxBatch = 3], got 0",
                () -> loss.compute(new float[6], 0, 2, new float[6], 0, 2, 0));
        rejects(IllegalArgumentException.class, "batch must be in [1, maxBatch = 3], got 4",
                () -> loss.compute(new float[8], 0, 2, new float[8], 0, 2, 4));
        float[] p = {1, 2, 3, 4}, t = {0, 0, 5, 4};
        assertEquals((1 + 4 + 4 + 0) / 4f, loss.compute(p, 0, 2, t, 0, 2, 2));
        assertArrayEquals(new float[] {0.5f, 1f, -1f, 0f, 0f, 0f}, loss.gradient());
    }
}

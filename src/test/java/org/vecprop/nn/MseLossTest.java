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
        MseLoss loss = new MseLoss(2, 3);
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

package org.vecprop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The article's worked example, computed by the kernels alone, pinned to the article's numbers.
 *
 * <p>Tolerance 2e-6: the decimal inputs are rounded to float (relative 2^-24 each) and every
 * result is at most ten float operations on magnitudes up to 3 away from them, so the float
 * results lie within {@code 10 * 3 * 2^-24 = 1.8e-6} of the exact decimal values.
 */
class ArticleExampleTest {
    static final float TOL = 2e-6f;

    final Map<String, float[]> steps = Demo.articleExample(false);

    @Test
    void forwardPass() {
        assertArrayEquals(new float[] {0.9f, 1.3f}, steps.get("Z1 = X·W1"), TOL);
        assertArrayEquals(new float[] {0.9f, 1.3f}, steps.get("A1 = relu(Z1)"), TOL);
        assertArrayEquals(new float[] {0.02f}, steps.get("prediction P"), TOL);
        assertArrayEquals(new float[] {0.9604f}, steps.get("loss"), TOL);
    }

    @Test
    void backwardPass() {
        assertArrayEquals(new float[] {-1.96f}, steps.get("dP = 2(P-T)/n"), TOL);
        assertArrayEquals(new float[] {-1.764f, -2.548f}, steps.get("dW2 = A1ᵀ·dP"), TOL);
        assertArrayEquals(new float[] {-1.176f, 0.784f}, steps.get("dA1 = dP·W2ᵀ"), TOL);
        assertArrayEquals(new float[] {1f, 1f}, steps.get("mask [Z1 > 0]"), 0f);
        assertArrayEquals(new float[] {-1.176f, 0.784f}, steps.get("dZ1 = dA1 ⊙ mask"), TOL);
        assertArrayEquals(new float[] {-1.176f, 0.784f, -2.352f, 1.568f},
                steps.get("dW1 = Xᵀ·dZ1"), TOL);
    }

    @Test
    void kernelsAgreeWithTheReference() {
        Map<String, float[]> reference = Demo.articleExample(true);
        for (Map.Entry<String, float[]> e : steps.entrySet()) {
            // Tiny shapes: both compute the same few products; only FMA rounding may differ.
            assertArrayEquals(reference.get(e.getKey()), e.getValue(), TOL, e.getKey());
        }
    }
}

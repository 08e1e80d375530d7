package org.vecprop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.Relu;

/**
 * The article's worked example, computed by the kernels alone at whatever width this run has,
 * pinned to the article's numbers: forward {@code Z1 = X·W1}, {@code A1 = relu(Z1)},
 * {@code P = A1·W2}, {@code loss = mean((P-T)^2)}; backward {@code dP = 2(P-T)/n},
 * {@code dW2 = A1ᵀ·dP}, {@code dA1 = dP·W2ᵀ}, {@code dZ1 = dA1 ⊙ [Z1 > 0]}, {@code dW1 = Xᵀ·dZ1}.
 * (The demo prints the same steps; examples/demo tests its own wiring.)
 *
 * <p>Tolerance 2e-6: the decimal inputs are rounded to float (relative 2^-24 each) and every
 * result is at most ten float operations on magnitudes up to 3 away from them, so the float
 * results lie within {@code 10 * 3 * 2^-24 = 1.8e-6} of the exact decimal values.
 */
class ArticleExampleTest {
    static final float TOL = 2e-6f;

    static final float[] X = {1f, 2f}, W1 = {0.5f, -0.3f, 0.2f, 0.8f}, W2 = {0.6f, -0.4f}, T = {1f};

    @Test
    void forwardAndBackwardByTheKernels() {
        float[] z1 = new float[2], a1 = new float[2], p = new float[1], dP = new float[1];
        float[] dW2 = new float[2], dA1 = new float[2], dZ1 = new float[2], dW1 = new float[4];
        float[] mask = new float[2], db1 = new float[2];
        Gemm.multiply(false, false, 1, 2, 2, 1f, X, 0, 2, W1, 0, 2, 0f, z1, 0, 2);
        Relu.forward(1, 2, z1, 0, 2, a1, 0, 2);
        Gemm.multiply(false, false, 1, 1, 2, 1f, a1, 0, 2, W2, 0, 1, 0f, p, 0, 1);
        float loss = Mse.lossAndGradient(1, 1, p, 0, 1, T, 0, 1, dP, 0, 1);
        Gemm.multiply(true, false, 2, 1, 1, 1f, a1, 0, 2, dP, 0, 1, 0f, dW2, 0, 1);
        Gemm.multiply(false, true, 1, 2, 1, 1f, dP, 0, 1, W2, 0, 1, 0f, dA1, 0, 2);
        Relu.mask(1, 2, z1, 0, 2, mask, 0, 2);
        Relu.backward(1, 2, z1, 0, 2, dA1, 0, 2, dZ1, 0, 2);
        Gemm.multiply(true, false, 2, 2, 1, 1f, X, 0, 2, dZ1, 0, 2, 0f, dW1, 0, 2);
        Bias.gradient(1, 2, dZ1, 0, 2, db1, 0, false);

        assertArrayEquals(new float[] {0.9f, 1.3f}, z1, TOL, "Z1");
        assertArrayEquals(new float[] {0.9f, 1.3f}, a1, TOL, "A1");
        assertArrayEquals(new float[] {0.02f}, p, TOL, "P");
        assertEquals(0.9604f, loss, TOL, "loss");
        assertArrayEquals(new float[] {-1.96f}, dP, TOL, "dP");
        assertArrayEquals(new float[] {-1.764f, -2.548f}, dW2, TOL, "dW2");
        assertArrayEquals(new float[] {-1.176f, 0.784f}, dA1, TOL, "dA1");
        assertArrayEquals(new float[] {1f, 1f}, mask, 0f, "mask");
        assertArrayEquals(new float[] {-1.176f, 0.784f}, dZ1, TOL, "dZ1");
        assertArrayEquals(new float[] {-1.176f, 0.784f, -2.352f, 1.568f}, dW1, TOL, "dW1");
        assertArrayEquals(new float[] {-1.176f, 0.784f}, db1, TOL, "db1");
    }
}

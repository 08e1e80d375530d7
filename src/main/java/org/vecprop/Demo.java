package org.vecprop;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.Relu;
import org.vecprop.kernel.Simd;

/**
 * The demo: the article's two-layer network, forward and backward, computed by the kernels,
 * each intermediate printed beside the scalar reference's value and the article's number.
 *
 * <p>Run it with {@code scripts/demo}.
 */
public final class Demo {
    private Demo() {}

    /** The article's inputs: X (1x2), W1 (2x2), W2 (2x1), T (1x1). */
    static final float[] X = {1f, 2f};
    static final float[] W1 = {0.5f, -0.3f, 0.2f, 0.8f};
    static final float[] W2 = {0.6f, -0.4f};
    static final float[] T = {1f};

    /** The article's printed results, for comparison (NaN where the article prints none). */
    static final Map<String, float[]> ARTICLE = Map.of(
            "prediction P", new float[] {0.02f},
            "loss", new float[] {0.9604f},
            "dW2 = A1ᵀ·dP", new float[] {-1.764f, -2.548f},
            "dW1 = Xᵀ·dZ1", new float[] {-1.176f, 0.784f, -2.352f, 1.568f});

    /**
     * The article's forward and backward pass, in order, with the kernels (or, when
     * {@code reference}, with the scalar reference implementations).
     *
     * @return every intermediate by name, in computation order
     */
    public static Map<String, float[]> articleExample(boolean reference) {
        float[] z1 = new float[2], a1 = new float[2], p = new float[1], dP = new float[1];
        float[] dW2 = new float[2], dA1 = new float[2], dZ1 = new float[2], dW1 = new float[4];
        float[] mask = new float[2], db = new float[2];
        float loss;
        if (reference) {
            org.vecprop.reference.Gemm.multiply(false, false, 1, 2, 2, 1f, X, 0, 2, W1, 0, 2, 0f, z1, 0, 2);
            org.vecprop.reference.Relu.forward(1, 2, z1, 0, 2, a1, 0, 2);
            org.vecprop.reference.Gemm.multiply(false, false, 1, 1, 2, 1f, a1, 0, 2, W2, 0, 1, 0f, p, 0, 1);
            loss = org.vecprop.reference.Mse.lossAndGradient(1, 1, p, 0, 1, T, 0, 1, dP, 0, 1);
            org.vecprop.reference.Gemm.multiply(true, false, 2, 1, 1, 1f, a1, 0, 2, dP, 0, 1, 0f, dW2, 0, 1);
            org.vecprop.reference.Gemm.multiply(false, true, 1, 2, 1, 1f, dP, 0, 1, W2, 0, 1, 0f, dA1, 0, 2);
            org.vecprop.reference.Relu.mask(1, 2, z1, 0, 2, mask, 0, 2);
            org.vecprop.reference.Relu.backward(1, 2, z1, 0, 2, dA1, 0, 2, dZ1, 0, 2);
            org.vecprop.reference.Gemm.multiply(true, false, 2, 2, 1, 1f, X, 0, 2, dZ1, 0, 2, 0f, dW1, 0, 2);
            org.vecprop.reference.Bias.gradient(1, 2, dZ1, 0, 2, db, 0, false);
        } else {
            Gemm.multiply(false, false, 1, 2, 2, 1f, X, 0, 2, W1, 0, 2, 0f, z1, 0, 2);
            Relu.forward(1, 2, z1, 0, 2, a1, 0, 2);
            Gemm.multiply(false, false, 1, 1, 2, 1f, a1, 0, 2, W2, 0, 1, 0f, p, 0, 1);
            loss = Mse.lossAndGradient(1, 1, p, 0, 1, T, 0, 1, dP, 0, 1);
            Gemm.multiply(true, false, 2, 1, 1, 1f, a1, 0, 2, dP, 0, 1, 0f, dW2, 0, 1);
            Gemm.multiply(false, true, 1, 2, 1, 1f, dP, 0, 1, W2, 0, 1, 0f, dA1, 0, 2);
            Relu.mask(1, 2, z1, 0, 2, mask, 0, 2);
            Relu.backward(1, 2, z1, 0, 2, dA1, 0, 2, dZ1, 0, 2);
            Gemm.multiply(true, false, 2, 2, 1, 1f, X, 0, 2, dZ1, 0, 2, 0f, dW1, 0, 2);
            Bias.gradient(1, 2, dZ1, 0, 2, db, 0, false);
        }
        Map<String, float[]> steps = new LinkedHashMap<>();
        steps.put("Z1 = X·W1", z1);
        steps.put("A1 = relu(Z1)", a1);
        steps.put("prediction P", p);
        steps.put("loss", new float[] {loss});
        steps.put("dP = 2(P-T)/n", dP);
        steps.put("dW2 = A1ᵀ·dP", dW2);
        steps.put("dA1 = dP·W2ᵀ", dA1);
        steps.put("mask [Z1 > 0]", mask);
        steps.put("dZ1 = dA1 ⊙ mask", dZ1);
        steps.put("dW1 = Xᵀ·dZ1", dW1);
        steps.put("db1 = colsum(dZ1)", db);
        return steps;
    }

    /** Prints the walkthrough. Arguments: none, or {@code kernels}. */
    public static void main(String[] args) {
        System.out.println("vecprop demo: the article's two-layer network, computed by the kernels");
        System.out.println(Simd.description());
        System.out.println();
        Map<String, float[]> kernels = articleExample(false);
        Map<String, float[]> reference = articleExample(true);
        System.out.printf("%-20s %-28s %-28s %s%n", "step", "kernels", "reference", "article");
        for (Map.Entry<String, float[]> e : kernels.entrySet()) {
            float[] article = ARTICLE.get(e.getKey());
            System.out.printf("%-20s %-28s %-28s %s%n", e.getKey(), format(e.getValue()),
                    format(reference.get(e.getKey())), article == null ? "" : format(article));
        }
    }

    private static String format(float[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ", ").append(String.format("%.6g", v[i]));
        }
        return s.append(']').toString();
    }
}

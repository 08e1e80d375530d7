package org.vecprop.jmh.shape;

/**
 * One GEMM shape's product, {@code C = op(A)·op(B)} with alpha 1 and beta 0 (C is written, never
 * read), every operand from offset 0 with the leading dimensions the shape was built for. An
 * experiment (see {@link ShapeGemms}), not library API.
 */
public interface ShapeKernel {
    /**
     * Computes the product into c.
     *
     * @param a stored A of the shape
     * @param b stored B of the shape
     * @param c C, {@code m x n} with the shape's ldc
     */
    void multiply(float[] a, float[] b, float[] c);

    /** @return which form runs ("rows", "columns", "direct-tb" or "library"), and whether specialised */
    String describe();
}

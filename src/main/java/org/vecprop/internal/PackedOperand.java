package org.vecprop.internal;

/**
 * A right operand op(B) of a GEMM, {@code depth x cols}, held in whatever layout the
 * implementation that made it reads fastest (its {@link Kernels#packRight}); only that
 * implementation reads it. Made once and refreshed in place, so a weight matrix that changes
 * slowly is rearranged once per change rather than on every product.
 */
public abstract class PackedOperand {
    /** Rows of op(B): the depth k of the products it serves. */
    public final int depth;
    /** Columns of op(B): the n of the products it serves. */
    public final int cols;

    /** Records the shape. */
    protected PackedOperand(int depth, int cols) {
        this.depth = depth;
        this.cols = cols;
    }

    /**
     * Packs new values of the same shape into the same memory, allocating nothing: stored B is
     * {@code depth x cols}, or {@code cols x depth} when {@code trans}, with row stride ldb.
     */
    public abstract void repack(boolean trans, float[] b, int bOff, int ldb);
}

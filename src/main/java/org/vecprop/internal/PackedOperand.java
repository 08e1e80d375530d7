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

    /**
     * Packs the current values of rows {@code [r0, r1)} of stored B (arguments as for
     * {@link #repack}; {@code 0 <= r0 <= r1 <=} stored B's rows), allocating nothing: after an
     * update of those rows, this is current again once every row written since the last pack
     * has been passed here. Where the layout mixes a row with its neighbours (a transposed B's
     * panels), those neighbours are read from b as they are now, so that rows changed later
     * must be passed later. This default repacks everything, which is always correct; a layout
     * whose rows can be found overrides it to pack only theirs. {@code scratch}: the caller's
     * buffers for any scratch the packing needs (null: this thread's).
     */
    public void repackRows(boolean trans, float[] b, int bOff, int ldb, int r0, int r1,
                           PackBuffers scratch) {
        repack(trans, b, bOff, ldb);
    }
}

package org.vecprop.internal.scalar;

import org.vecprop.contract.Bfloat16;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.PackedOperand;

/**
 * The scalar implementation's packed right operand: op(B) copied into a dense row-major
 * {@code depth x cols} array, so that a transposed B is read along its rows; for bfloat16
 * weights each value rounded to bfloat16 and widened back (exact), so that the product is the
 * float product on the rounded values, as the vector implementation computes it.
 */
final class DenseOperand extends PackedOperand {
    /** op(B), row-major, row stride {@code max(1, cols)}. */
    final float[] data;

    /** Whether the values are rounded to bfloat16. */
    private final boolean bfloat16;

    DenseOperand(int depth, int cols, boolean bfloat16) {
        super(depth, cols);
        this.bfloat16 = bfloat16;
        data = new float[Math.toIntExact((long) depth * cols)];
    }

    @Override
    public void repack(boolean trans, float[] b, int bOff, int ldb) {
        repackRows(trans, b, bOff, ldb, 0, trans ? cols : depth, null);
    }

    /** Row r of stored B is row r of op(B), or its column r when transposed. */
    @Override
    public void repackRows(boolean trans, float[] b, int bOff, int ldb, int r0, int r1,
                           PackBuffers scratch) {
        int p0 = trans ? 0 : r0, p1 = trans ? depth : r1;
        int j0 = trans ? r0 : 0, j1 = trans ? r1 : cols;
        for (int p = p0; p < p1; p++) {
            for (int j = j0; j < j1; j++) {
                float v = trans ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                data[p * cols + j] = bfloat16 ? Bfloat16.rounded(v) : v;
            }
        }
    }
}

package org.vecprop.internal.scalar;

import org.vecprop.internal.PackedOperand;

/**
 * The scalar implementation's packed right operand: op(B) copied into a dense row-major
 * {@code depth x cols} array, so that a transposed B is read along its rows.
 */
final class DenseOperand extends PackedOperand {
    /** op(B), row-major, row stride {@code max(1, cols)}. */
    final float[] data;

    DenseOperand(int depth, int cols) {
        super(depth, cols);
        data = new float[Math.toIntExact((long) depth * cols)];
    }

    @Override
    public void repack(boolean trans, float[] b, int bOff, int ldb) {
        for (int p = 0; p < depth; p++) {
            for (int j = 0; j < cols; j++) {
                data[p * cols + j] = trans ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
            }
        }
    }
}

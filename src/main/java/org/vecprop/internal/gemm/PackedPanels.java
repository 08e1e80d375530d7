package org.vecprop.internal.gemm;

import static org.vecprop.internal.gemm.GemmBlocking.KC;
import static org.vecprop.internal.gemm.GemmBlocking.NR;
import static org.vecprop.internal.gemm.GemmBlocking.roundUp;

import org.vecprop.internal.PackedOperand;

/**
 * A {@code depth x cols} right operand op(B) packed once into the micro-panels the register
 * tile reads: for each depth block {@code pc} (of {@link GemmBlocking#KC}), the panels of
 * {@code NR} columns one after another, each {@code kc x NR} floats in row order, zero past the
 * last column. Depth block {@code pc} starts at {@code pc * colsPadded}, and within it the panel
 * holding column {@code j} (a multiple of NR) at {@code j * kc}: the very layout the per-call
 * packing writes for one block, so a GEMM gives the same bits with either.
 *
 * <p>The layout depends on this JVM's vector width (NR): a packed matrix lives in memory only.
 */
public final class PackedPanels extends PackedOperand {
    /** {@code cols} rounded up to a whole number of panels. */
    final int colsPadded;
    /** The panels. */
    public final float[] data;

    private PackedPanels(int depth, int cols) {
        super(depth, cols);
        this.colsPadded = roundUp(cols, NR);
        this.data = new float[Math.toIntExact((long) depth * colsPadded)];
    }

    /** Packs {@code op(B)} ({@code depth x cols}; stored B is {@code cols x depth} when transposed). */
    public static PackedPanels pack(boolean trans, int depth, int cols, float[] b, int bOff, int ldb) {
        PackedPanels p = new PackedPanels(depth, cols);
        p.repack(trans, b, bOff, ldb);
        return p;
    }

    @Override
    public void repack(boolean trans, float[] b, int bOff, int ldb) {
        for (int pc = 0; pc < depth; pc += KC) {
            int kc = Math.min(KC, depth - pc);
            GemmPacking.packBInto(trans, b, bOff, ldb, pc, kc, 0, cols, data, pc * colsPadded);
        }
    }
}

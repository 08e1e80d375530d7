package org.vecprop.internal.gemm;

import static org.vecprop.internal.gemm.GemmBlocking.KC;
import static org.vecprop.internal.gemm.GemmBlocking.NR;
import static org.vecprop.internal.gemm.GemmBlocking.roundUp;

import org.vecprop.internal.PackBuffers;
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

    /**
     * Not transposed, row r of B is depth step r: its values sit in one depth block, NR floats
     * in each panel, and only they are written. Transposed, row r of stored B is column r of
     * op(B), one lane of a panel at every depth step: the panels holding rows r0 to r1 are
     * packed whole (their other columns read from b as they are now), since a panel's lanes
     * are written together.
     */
    @Override
    public void repackRows(boolean trans, float[] b, int bOff, int ldb, int r0, int r1,
                           PackBuffers scratch) {
        if (r0 >= r1) {
            return;
        }
        if (!trans) {
            for (int pc = r0 / KC * KC; pc < r1; pc += KC) {
                int kc = Math.min(KC, depth - pc);
                GemmPacking.packBRowsInto(b, bOff, ldb, pc, kc, Math.max(r0, pc),
                        Math.min(r1, pc + kc), 0, cols, data, pc * colsPadded);
            }
        } else {
            int j0 = r0 / NR * NR, j1 = Math.min(cols, roundUp(r1, NR));
            for (int pc = 0; pc < depth; pc += KC) {
                int kc = Math.min(KC, depth - pc);
                GemmPacking.packBInto(true, b, bOff, ldb, pc, kc, j0, j1 - j0, data,
                        pc * colsPadded + j0 * kc, scratch);
            }
        }
    }
}

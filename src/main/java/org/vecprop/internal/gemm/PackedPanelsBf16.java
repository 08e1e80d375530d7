package org.vecprop.internal.gemm;

import static org.vecprop.internal.gemm.GemmBlocking.KC;
import static org.vecprop.internal.gemm.GemmBlocking.NR;
import static org.vecprop.internal.gemm.GemmBlocking.roundUp;

import org.vecprop.contract.Bfloat16;
import org.vecprop.internal.Buffers;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.PackedOperand;

/**
 * A right operand op(B) packed once as bfloat16 ({@link Bfloat16#round}): the layout of {@link
 * PackedPanels} (panels of NR columns per depth block of KC, zero past the last column), each
 * float replaced by its 16-bit rounding, so half the bytes. Products widen the values to float in
 * the register before the FMA ({@link GemmBf16}); since widening is exact, a product computes
 * exactly what the float product computes on the rounded weights.
 */
public final class PackedPanelsBf16 extends PackedOperand {
    /** {@code cols} rounded up to a whole number of panels. */
    final int colsPadded;
    /** The panels, as bfloat16 bits. */
    final short[] data;

    private PackedPanelsBf16(int depth, int cols) {
        super(depth, cols);
        this.colsPadded = roundUp(cols, NR);
        this.data = new short[Math.toIntExact((long) depth * colsPadded)];
    }

    /** Packs {@code op(B)} ({@code depth x cols}; stored B is {@code cols x depth} when transposed). */
    public static PackedPanelsBf16 pack(boolean trans, int depth, int cols, float[] b, int bOff, int ldb) {
        PackedPanelsBf16 p = new PackedPanelsBf16(depth, cols);
        p.repack(trans, b, bOff, ldb);
        return p;
    }

    /**
     * Packs each depth block as float panels into this thread's packing buffer (grown once to a
     * block's size, so a refresh allocates nothing after the first), then rounds them.
     */
    @Override
    public void repack(boolean trans, float[] b, int bOff, int ldb) {
        PackBuffers own = Buffers.ofThisThread().pack;
        for (int pc = 0; pc < depth; pc += KC) {
            int kc = Math.min(KC, depth - pc), floats = kc * colsPadded;
            float[] block = own.packedB = PackBuffers.atLeast(own.packedB, floats);
            GemmPacking.packBInto(trans, b, bOff, ldb, pc, kc, 0, cols, block, 0);
            int at = pc * colsPadded;
            for (int i = 0; i < floats; i++) {
                data[at + i] = Bfloat16.round(block[i]);
            }
        }
    }

    /**
     * Writes only the packed values that come from rows {@code [r0, r1)} of stored B, rounded
     * as {@link #repack} rounds them (its padding is never touched: it stays zero). Element
     * (p, j) of op(B) sits at {@code pc * colsPadded + (j / NR) * kc * NR + (p - pc) * NR + j % NR}
     * for the depth block {@code pc} holding p.
     */
    @Override
    public void repackRows(boolean trans, float[] b, int bOff, int ldb, int r0, int r1,
                           PackBuffers scratch) {
        int p0 = trans ? 0 : r0, p1 = trans ? depth : r1;
        int j0 = trans ? r0 : 0, j1 = trans ? r1 : cols;
        for (int p = p0; p < p1; p++) {
            int pc = p / KC * KC, kc = Math.min(KC, depth - pc);
            int row = pc * colsPadded + (p - pc) * NR;
            for (int j = j0; j < j1; j++) {
                float v = trans ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                data[row + (j / NR) * kc * NR + j % NR] = Bfloat16.round(v);
            }
        }
    }
}

package org.vecprop.internal.gemm;

import static org.vecprop.internal.Lanes.F;
import static org.vecprop.internal.Lanes.L;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import org.vecprop.internal.Lanes;

/**
 * Transposes small blocks in registers for the packing routines, at 512 bits (16 lanes), where
 * packing op(A) of an untransposed A and op(B) of a transposed B is a transpose: done element by
 * element it measured about two cycles per float, a quarter of a 256³ product's time.
 *
 * <p>A transpose of a block of {@code R} rows of 16 is {@code log2(R)} rounds of two-source lane
 * selections ({@code selectFrom(v1, v2)}, one {@code vpermi2ps} each on AVX-512): round {@code s}
 * interleaves pairs of vectors in groups of {@code 2^s} lanes. Only data moves, so the packed
 * panels, and every product's bits, are the same as the element-by-element packing's.
 *
 * <p>Used only when {@link #AVAILABLE}; the packing falls back to element loops otherwise
 * (narrower vectors, edge panels).
 */
final class GemmTranspose {
    private GemmTranspose() {}

    /** Whether the register transposes apply: 16 float lanes and 8-row tiles. */
    static final boolean AVAILABLE = L == 16 && GemmBlocking.MR == 8;

    // Selection indexes per round: LO_g takes the low half of each pair's groups of g lanes,
    // HI_g the high half (indexes 16 and up select from the second vector).
    private static final FloatVector LO1 = interleave(1, 0), HI1 = interleave(1, 8);
    private static final FloatVector LO2 = interleave(2, 0), HI2 = interleave(2, 8);
    private static final FloatVector LO4 = interleave(4, 0), HI4 = interleave(4, 8);
    private static final FloatVector LO8 = interleave(8, 0), HI8 = interleave(8, 8);

    /**
     * Lane i of the result selects, from the concatenation (v1, v2), lane {@code g}-group
     * {@code i / 2g} of v1 for the first g lanes of each 2g and of v2 for the other g, starting
     * at lane {@code from}.
     */
    private static FloatVector interleave(int g, int from) {
        if (!AVAILABLE) {
            return null;
        }
        float[] idx = new float[16];
        for (int i = 0; i < 16; i++) {
            int group = i / (2 * g), within = i % g;
            idx[i] = from + group * g + within + (i % (2 * g) < g ? 0 : 16);
        }
        return FloatVector.fromArray(F, idx, 0);
    }

    /**
     * {@code dst[d + p * 8 + r] = a[src + r * lda + p]} for 8 rows r and 16 columns p: eight
     * rows of an untransposed A become sixteen depth steps of a packed 8-row panel.
     */
    static void rows8x16(float[] a, int src, int lda, float[] dst, int d) {
        FloatVector r0 = FloatVector.fromArray(F, a, src);
        FloatVector r1 = FloatVector.fromArray(F, a, src + lda);
        FloatVector r2 = FloatVector.fromArray(F, a, src + 2 * lda);
        FloatVector r3 = FloatVector.fromArray(F, a, src + 3 * lda);
        FloatVector r4 = FloatVector.fromArray(F, a, src + 4 * lda);
        FloatVector r5 = FloatVector.fromArray(F, a, src + 5 * lda);
        FloatVector r6 = FloatVector.fromArray(F, a, src + 6 * lda);
        FloatVector r7 = FloatVector.fromArray(F, a, src + 7 * lda);
        // Round 1: rows in pairs, lane by lane (t0: p 0-7 of rows 0,1; t1: p 8-15 of rows 0,1).
        FloatVector t0 = LO1.selectFrom(r0, r1), t1 = HI1.selectFrom(r0, r1);
        FloatVector t2 = LO1.selectFrom(r2, r3), t3 = HI1.selectFrom(r2, r3);
        FloatVector t4 = LO1.selectFrom(r4, r5), t5 = HI1.selectFrom(r4, r5);
        FloatVector t6 = LO1.selectFrom(r6, r7), t7 = HI1.selectFrom(r6, r7);
        // Round 2: pairs of pairs (u0: p 0-3 of rows 0-3; u1: p 4-7; u2: p 8-11; u3: p 12-15).
        FloatVector u0 = LO2.selectFrom(t0, t2), u1 = HI2.selectFrom(t0, t2);
        FloatVector u2 = LO2.selectFrom(t1, t3), u3 = HI2.selectFrom(t1, t3);
        FloatVector u4 = LO2.selectFrom(t4, t6), u5 = HI2.selectFrom(t4, t6);
        FloatVector u6 = LO2.selectFrom(t5, t7), u7 = HI2.selectFrom(t5, t7);
        // Round 3: the two halves of the rows (each result: two depth steps of all 8 rows).
        LO4.selectFrom(u0, u4).intoArray(dst, d);
        HI4.selectFrom(u0, u4).intoArray(dst, d + 16);
        LO4.selectFrom(u1, u5).intoArray(dst, d + 32);
        HI4.selectFrom(u1, u5).intoArray(dst, d + 48);
        LO4.selectFrom(u2, u6).intoArray(dst, d + 64);
        HI4.selectFrom(u2, u6).intoArray(dst, d + 80);
        LO4.selectFrom(u3, u7).intoArray(dst, d + 96);
        HI4.selectFrom(u3, u7).intoArray(dst, d + 112);
    }

    /**
     * {@code dst[d + p * ldd + j] = b[src + j * ldb + p]} for 16 rows j and 16 columns p: sixteen
     * rows of a transposed B become sixteen depth steps of 16 columns of a packed panel.
     */
    static void rows16x16(float[] b, int src, int ldb, float[] dst, int d, int ldd) {
        FloatVector r0 = FloatVector.fromArray(F, b, src);
        FloatVector r1 = FloatVector.fromArray(F, b, src + ldb);
        FloatVector r2 = FloatVector.fromArray(F, b, src + 2 * ldb);
        FloatVector r3 = FloatVector.fromArray(F, b, src + 3 * ldb);
        FloatVector r4 = FloatVector.fromArray(F, b, src + 4 * ldb);
        FloatVector r5 = FloatVector.fromArray(F, b, src + 5 * ldb);
        FloatVector r6 = FloatVector.fromArray(F, b, src + 6 * ldb);
        FloatVector r7 = FloatVector.fromArray(F, b, src + 7 * ldb);
        FloatVector r8 = FloatVector.fromArray(F, b, src + 8 * ldb);
        FloatVector r9 = FloatVector.fromArray(F, b, src + 9 * ldb);
        FloatVector r10 = FloatVector.fromArray(F, b, src + 10 * ldb);
        FloatVector r11 = FloatVector.fromArray(F, b, src + 11 * ldb);
        FloatVector r12 = FloatVector.fromArray(F, b, src + 12 * ldb);
        FloatVector r13 = FloatVector.fromArray(F, b, src + 13 * ldb);
        FloatVector r14 = FloatVector.fromArray(F, b, src + 14 * ldb);
        FloatVector r15 = FloatVector.fromArray(F, b, src + 15 * ldb);
        // Round 1: rows in pairs, lane by lane.
        FloatVector t0 = LO1.selectFrom(r0, r1), t1 = HI1.selectFrom(r0, r1);
        FloatVector t2 = LO1.selectFrom(r2, r3), t3 = HI1.selectFrom(r2, r3);
        FloatVector t4 = LO1.selectFrom(r4, r5), t5 = HI1.selectFrom(r4, r5);
        FloatVector t6 = LO1.selectFrom(r6, r7), t7 = HI1.selectFrom(r6, r7);
        FloatVector t8 = LO1.selectFrom(r8, r9), t9 = HI1.selectFrom(r8, r9);
        FloatVector t10 = LO1.selectFrom(r10, r11), t11 = HI1.selectFrom(r10, r11);
        FloatVector t12 = LO1.selectFrom(r12, r13), t13 = HI1.selectFrom(r12, r13);
        FloatVector t14 = LO1.selectFrom(r14, r15), t15 = HI1.selectFrom(r14, r15);
        // Round 2: pairs of pairs, two lanes at a time.
        FloatVector u0 = LO2.selectFrom(t0, t2), u1 = HI2.selectFrom(t0, t2);
        FloatVector u2 = LO2.selectFrom(t1, t3), u3 = HI2.selectFrom(t1, t3);
        FloatVector u4 = LO2.selectFrom(t4, t6), u5 = HI2.selectFrom(t4, t6);
        FloatVector u6 = LO2.selectFrom(t5, t7), u7 = HI2.selectFrom(t5, t7);
        FloatVector u8 = LO2.selectFrom(t8, t10), u9 = HI2.selectFrom(t8, t10);
        FloatVector u10 = LO2.selectFrom(t9, t11), u11 = HI2.selectFrom(t9, t11);
        FloatVector u12 = LO2.selectFrom(t12, t14), u13 = HI2.selectFrom(t12, t14);
        FloatVector u14 = LO2.selectFrom(t13, t15), u15 = HI2.selectFrom(t13, t15);
        // Round 3: groups of four rows, four lanes at a time (w0: p 0-1 of rows 0-7, ...).
        FloatVector w0 = LO4.selectFrom(u0, u4), w1 = HI4.selectFrom(u0, u4);
        FloatVector w2 = LO4.selectFrom(u1, u5), w3 = HI4.selectFrom(u1, u5);
        FloatVector w4 = LO4.selectFrom(u2, u6), w5 = HI4.selectFrom(u2, u6);
        FloatVector w6 = LO4.selectFrom(u3, u7), w7 = HI4.selectFrom(u3, u7);
        FloatVector w8 = LO4.selectFrom(u8, u12), w9 = HI4.selectFrom(u8, u12);
        FloatVector w10 = LO4.selectFrom(u9, u13), w11 = HI4.selectFrom(u9, u13);
        FloatVector w12 = LO4.selectFrom(u10, u14), w13 = HI4.selectFrom(u10, u14);
        FloatVector w14 = LO4.selectFrom(u11, u15), w15 = HI4.selectFrom(u11, u15);
        // Round 4: the two halves of the rows, eight lanes at a time: depth step p, all 16 rows.
        LO8.selectFrom(w0, w8).intoArray(dst, d);
        HI8.selectFrom(w0, w8).intoArray(dst, d + ldd);
        LO8.selectFrom(w1, w9).intoArray(dst, d + 2 * ldd);
        HI8.selectFrom(w1, w9).intoArray(dst, d + 3 * ldd);
        LO8.selectFrom(w2, w10).intoArray(dst, d + 4 * ldd);
        HI8.selectFrom(w2, w10).intoArray(dst, d + 5 * ldd);
        LO8.selectFrom(w3, w11).intoArray(dst, d + 6 * ldd);
        HI8.selectFrom(w3, w11).intoArray(dst, d + 7 * ldd);
        LO8.selectFrom(w4, w12).intoArray(dst, d + 8 * ldd);
        HI8.selectFrom(w4, w12).intoArray(dst, d + 9 * ldd);
        LO8.selectFrom(w5, w13).intoArray(dst, d + 10 * ldd);
        HI8.selectFrom(w5, w13).intoArray(dst, d + 11 * ldd);
        LO8.selectFrom(w6, w14).intoArray(dst, d + 12 * ldd);
        HI8.selectFrom(w6, w14).intoArray(dst, d + 13 * ldd);
        LO8.selectFrom(w7, w15).intoArray(dst, d + 14 * ldd);
        HI8.selectFrom(w7, w15).intoArray(dst, d + 15 * ldd);
    }

    /**
     * As {@link #rows16x16} for {@code depth < 16} columns p, all in registers: each row j read
     * whole, 16 floats from {@code src + j * ldb - lead}, and after the transpose only rows
     * {@code lead .. lead + depth - 1} of the result stored, as depth steps 0 .. depth - 1. The
     * caller picks {@code lead} 0 (each row read from its start on, so its last 16 - depth floats
     * lie past it) or {@code 16 - depth} (each row read up to its end, its first floats lying
     * before it), whichever keeps all sixteen reads inside b; the floats outside the rows are
     * read but never stored. Replaced a round trip through scratch (masked
     * loads stored to scratch, loaded back, the block transposed into scratch, loaded and stored
     * again: 501 against 224 ns for the eight transposes alone of a 128 x 10 B, min of 300
     * rounds), and computes only the last round's selections it stores.
     */
    static void rows16xDepth(float[] b, int src, int ldb, int depth, int lead, float[] dst, int d,
                             int ldd) {
        int s = src - lead;
        FloatVector r0 = FloatVector.fromArray(F, b, s);
        FloatVector r1 = FloatVector.fromArray(F, b, s + ldb);
        FloatVector r2 = FloatVector.fromArray(F, b, s + 2 * ldb);
        FloatVector r3 = FloatVector.fromArray(F, b, s + 3 * ldb);
        FloatVector r4 = FloatVector.fromArray(F, b, s + 4 * ldb);
        FloatVector r5 = FloatVector.fromArray(F, b, s + 5 * ldb);
        FloatVector r6 = FloatVector.fromArray(F, b, s + 6 * ldb);
        FloatVector r7 = FloatVector.fromArray(F, b, s + 7 * ldb);
        FloatVector r8 = FloatVector.fromArray(F, b, s + 8 * ldb);
        FloatVector r9 = FloatVector.fromArray(F, b, s + 9 * ldb);
        FloatVector r10 = FloatVector.fromArray(F, b, s + 10 * ldb);
        FloatVector r11 = FloatVector.fromArray(F, b, s + 11 * ldb);
        FloatVector r12 = FloatVector.fromArray(F, b, s + 12 * ldb);
        FloatVector r13 = FloatVector.fromArray(F, b, s + 13 * ldb);
        FloatVector r14 = FloatVector.fromArray(F, b, s + 14 * ldb);
        FloatVector r15 = FloatVector.fromArray(F, b, s + 15 * ldb);
        FloatVector t0 = LO1.selectFrom(r0, r1), t1 = HI1.selectFrom(r0, r1);
        FloatVector t2 = LO1.selectFrom(r2, r3), t3 = HI1.selectFrom(r2, r3);
        FloatVector t4 = LO1.selectFrom(r4, r5), t5 = HI1.selectFrom(r4, r5);
        FloatVector t6 = LO1.selectFrom(r6, r7), t7 = HI1.selectFrom(r6, r7);
        FloatVector t8 = LO1.selectFrom(r8, r9), t9 = HI1.selectFrom(r8, r9);
        FloatVector t10 = LO1.selectFrom(r10, r11), t11 = HI1.selectFrom(r10, r11);
        FloatVector t12 = LO1.selectFrom(r12, r13), t13 = HI1.selectFrom(r12, r13);
        FloatVector t14 = LO1.selectFrom(r14, r15), t15 = HI1.selectFrom(r14, r15);
        FloatVector u0 = LO2.selectFrom(t0, t2), u1 = HI2.selectFrom(t0, t2);
        FloatVector u2 = LO2.selectFrom(t1, t3), u3 = HI2.selectFrom(t1, t3);
        FloatVector u4 = LO2.selectFrom(t4, t6), u5 = HI2.selectFrom(t4, t6);
        FloatVector u6 = LO2.selectFrom(t5, t7), u7 = HI2.selectFrom(t5, t7);
        FloatVector u8 = LO2.selectFrom(t8, t10), u9 = HI2.selectFrom(t8, t10);
        FloatVector u10 = LO2.selectFrom(t9, t11), u11 = HI2.selectFrom(t9, t11);
        FloatVector u12 = LO2.selectFrom(t12, t14), u13 = HI2.selectFrom(t12, t14);
        FloatVector u14 = LO2.selectFrom(t13, t15), u15 = HI2.selectFrom(t13, t15);
        FloatVector w0 = LO4.selectFrom(u0, u4), w1 = HI4.selectFrom(u0, u4);
        FloatVector w2 = LO4.selectFrom(u1, u5), w3 = HI4.selectFrom(u1, u5);
        FloatVector w4 = LO4.selectFrom(u2, u6), w5 = HI4.selectFrom(u2, u6);
        FloatVector w6 = LO4.selectFrom(u3, u7), w7 = HI4.selectFrom(u3, u7);
        FloatVector w8 = LO4.selectFrom(u8, u12), w9 = HI4.selectFrom(u8, u12);
        FloatVector w10 = LO4.selectFrom(u9, u13), w11 = HI4.selectFrom(u9, u13);
        FloatVector w12 = LO4.selectFrom(u10, u14), w13 = HI4.selectFrom(u10, u14);
        FloatVector w14 = LO4.selectFrom(u11, u15), w15 = HI4.selectFrom(u11, u15);
        // Round 4 row r = column r of the 16 windows: depth step r - lead, stored if it is one.
        int end = lead + depth, at = d - lead * ldd;
        if (lead <= 0 && 0 < end) LO8.selectFrom(w0, w8).intoArray(dst, at);
        if (lead <= 1 && 1 < end) HI8.selectFrom(w0, w8).intoArray(dst, at + ldd);
        if (lead <= 2 && 2 < end) LO8.selectFrom(w1, w9).intoArray(dst, at + 2 * ldd);
        if (lead <= 3 && 3 < end) HI8.selectFrom(w1, w9).intoArray(dst, at + 3 * ldd);
        if (lead <= 4 && 4 < end) LO8.selectFrom(w2, w10).intoArray(dst, at + 4 * ldd);
        if (lead <= 5 && 5 < end) HI8.selectFrom(w2, w10).intoArray(dst, at + 5 * ldd);
        if (lead <= 6 && 6 < end) LO8.selectFrom(w3, w11).intoArray(dst, at + 6 * ldd);
        if (lead <= 7 && 7 < end) HI8.selectFrom(w3, w11).intoArray(dst, at + 7 * ldd);
        if (lead <= 8 && 8 < end) LO8.selectFrom(w4, w12).intoArray(dst, at + 8 * ldd);
        if (lead <= 9 && 9 < end) HI8.selectFrom(w4, w12).intoArray(dst, at + 9 * ldd);
        if (lead <= 10 && 10 < end) LO8.selectFrom(w5, w13).intoArray(dst, at + 10 * ldd);
        if (lead <= 11 && 11 < end) HI8.selectFrom(w5, w13).intoArray(dst, at + 11 * ldd);
        if (lead <= 12 && 12 < end) LO8.selectFrom(w6, w14).intoArray(dst, at + 12 * ldd);
        if (lead <= 13 && 13 < end) HI8.selectFrom(w6, w14).intoArray(dst, at + 13 * ldd);
        if (lead <= 14 && 14 < end) LO8.selectFrom(w7, w15).intoArray(dst, at + 14 * ldd);
        if (lead <= 15 && 15 < end) HI8.selectFrom(w7, w15).intoArray(dst, at + 15 * ldd);
    }

}

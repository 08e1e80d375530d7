package org.vecprop.jmh.shape;

import java.lang.constant.ConstantDescs;
import java.lang.invoke.MethodHandles;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.vecprop.internal.Lanes;

/**
 * The template of a shape-specialised GEMM kernel: never used as itself, only as the bytes of a
 * hidden class that {@link ShapeGemms} defines once per shape with the shape as class data. Its
 * {@code static final} sizes are read from that class data in {@code <clinit>}, so C2, which
 * trusts static finals, compiles each copy with its shape's m, n, k, leading dimensions and
 * transposes as constants: loop bounds known, strides folded into addressing modes, the branches
 * of the other forms removed.
 *
 * <p>The order of arithmetic is the library's ({@code contract.ArithmeticOrder}), element by
 * element: k at most one depth block (128), so each element of C is one FMA chain from +0 over
 * {@code p = 0 .. k-1} in order, then {@code alpha * acc = acc} stored (alpha 1, beta 0, no bias).
 * So every form returns the bits of {@code Gemm.multiply} for the same call. Forms:
 * <ul>
 *   <li>{@link #ROWS} (n at most one vector, B untransposed): a row of C per vector, 8 rows per
 *       register tile, as the library's narrow path, but reading B's rows in place with a masked
 *       load (the constant ldb makes it one addressing mode) where the library packs B per call;</li>
 *   <li>{@link #COLUMNS} (A transposed, n = 10, 512 bits, m a multiple of 32): 32 rows of C in two
 *       vectors per column, all ten columns at once (20 accumulators, A read once; the library
 *       reads a 64-row block three times, 4 + 4 + 2 columns), spilled column by column and
 *       transposed 16 x 16 in registers straight into masked stores of C's rows;</li>
 *   <li>{@link #DIRECT_TB} (B transposed, n a multiple of 2 vectors): op(B) packed per call by
 *       gathers (k rows of n floats), then 8 x 2-vector register tiles over A in place, as the
 *       library's direct path.</li>
 * </ul>
 * Scratch is per instance: one instance per thread.
 */
final class ShapeGemmTemplate implements ShapeKernel {
    static final int ROWS = 1, COLUMNS = 2, DIRECT_TB = 3;

    static final VectorSpecies<Float> F = Lanes.F;
    static final int L = Lanes.L;

    /** {m, n, k, lda, ldb, ldc, transA, transB, form}: the class data, or zeros in the template. */
    private static final int[] SHAPE = shape();
    static final int M = SHAPE[0], N = SHAPE[1], K = SHAPE[2];
    static final int LDA = SHAPE[3], LDB = SHAPE[4], LDC = SHAPE[5];
    static final boolean TA = SHAPE[6] != 0, TB = SHAPE[7] != 0;
    static final int FORM = SHAPE[8];
    /** DIRECT_TB: pack op(B) by 16 x 16 register transposes (1) or by gathers (0). */
    static final boolean TRANSPOSE_PACK = SHAPE[9] != 0;

    /** Gather offsets of 16 (or L) consecutive columns of op(B) = rows of stored B. */
    private static final int[] GATHER = gather();

    // The 16 x 16 transpose's selection vectors (as the library's GemmTranspose), at 512 bits.
    private static final FloatVector LO1 = interleave(1, 0), HI1 = interleave(1, 8);
    private static final FloatVector LO2 = interleave(2, 0), HI2 = interleave(2, 8);
    private static final FloatVector LO4 = interleave(4, 0), HI4 = interleave(4, 8);
    private static final FloatVector LO8 = interleave(8, 0), HI8 = interleave(8, 8);

    private static int[] shape() {
        try {
            int[] d = MethodHandles.classData(MethodHandles.lookup(), ConstantDescs.DEFAULT_NAME,
                    int[].class);
            return d != null ? d : new int[10];
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static int[] gather() {
        int[] g = new int[L];
        for (int j = 0; j < L; j++) {
            g[j] = j * LDB;
        }
        return g;
    }

    private static FloatVector interleave(int g, int from) {
        if (L != 16) {
            return null;
        }
        float[] idx = new float[16];
        for (int i = 0; i < 16; i++) {
            int group = i / (2 * g), within = i % g;
            idx[i] = from + group * g + within + (i % (2 * g) < g ? 0 : 16);
        }
        return FloatVector.fromArray(F, idx, 0);
    }

    /** Packed op(B) (DIRECT_TB) or the spilled columns (COLUMNS). */
    private final float[] scratch;

    ShapeGemmTemplate() {
        scratch = new float[Math.max(16 * 32, TB ? K * N : 0)];
    }

    @Override
    public String describe() {
        return switch (FORM) {
            case ROWS -> "rows";
            case COLUMNS -> "columns";
            case DIRECT_TB -> TRANSPOSE_PACK ? "direct-tb, B packed by transposes" : "direct-tb";
            default -> "template";
        };
    }

    @Override
    public void multiply(float[] a, float[] b, float[] c) {
        if (FORM == ROWS) {
            rows(a, b, c);
        } else if (FORM == COLUMNS) {
            columns(a, b, c);
        } else if (FORM == DIRECT_TB) {
            directTb(a, b, c, scratch);
        } else {
            throw new IllegalStateException("the template itself computes nothing");
        }
    }

    // ------------------------------------------------------------------ ROWS

    private static void rows(float[] a, float[] b, float[] c) {
        VectorMask<Float> cols = Lanes.FIRST[N];
        int i = 0;
        for (; i + 8 <= M; i += 8) {
            rows8(i, a, b, c, cols);
        }
        for (; i < M; i++) {
            rows1(i, a, b, c, cols);
        }
    }

    /** op(A)[i][p]: A in place, transposed or not (constants: one addressing mode each). */
    private static int aIndex(int i, int p) {
        return TA ? p * LDA + i : i * LDA + p;
    }

    /**
     * Depth steps whose whole vector at {@code p * LDB} lies inside B's {@code (K - 1) * LDB + N}
     * floats: read with a plain load (lanes from N on hold the next row's values, summed into
     * lanes that are never stored); the rest with a masked load. A masked load in every step was
     * measured at 4-5 times the time in JMH (C2's code for it, with the out-of-range branch of
     * the last rows in the loop, was not the fast loop the probe had compiled).
     */
    static final int PLAIN = Math.max(0, Math.min(K, ((K - 1) * LDB + N - L) / Math.max(1, LDB) + 1));

    private static void rows8(int i, float[] a, float[] b, float[] c, VectorMask<Float> cols) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        FloatVector c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        if (b.length < (K - 1) * LDB + N) {
            throw new IndexOutOfBoundsException("b is shorter than the shape's B");
        }
        for (int p = 0; p < PLAIN; p++) {
            FloatVector bv = FloatVector.fromArray(F, b, p * LDB);
            c0 = FloatVector.broadcast(F, a[aIndex(i, p)]).fma(bv, c0);
            c1 = FloatVector.broadcast(F, a[aIndex(i + 1, p)]).fma(bv, c1);
            c2 = FloatVector.broadcast(F, a[aIndex(i + 2, p)]).fma(bv, c2);
            c3 = FloatVector.broadcast(F, a[aIndex(i + 3, p)]).fma(bv, c3);
            c4 = FloatVector.broadcast(F, a[aIndex(i + 4, p)]).fma(bv, c4);
            c5 = FloatVector.broadcast(F, a[aIndex(i + 5, p)]).fma(bv, c5);
            c6 = FloatVector.broadcast(F, a[aIndex(i + 6, p)]).fma(bv, c6);
            c7 = FloatVector.broadcast(F, a[aIndex(i + 7, p)]).fma(bv, c7);
        }
        for (int p = PLAIN; p < K; p++) {
            FloatVector bv = N == L ? FloatVector.fromArray(F, b, p * LDB)
                    : FloatVector.fromArray(F, b, p * LDB, cols);
            c0 = FloatVector.broadcast(F, a[aIndex(i, p)]).fma(bv, c0);
            c1 = FloatVector.broadcast(F, a[aIndex(i + 1, p)]).fma(bv, c1);
            c2 = FloatVector.broadcast(F, a[aIndex(i + 2, p)]).fma(bv, c2);
            c3 = FloatVector.broadcast(F, a[aIndex(i + 3, p)]).fma(bv, c3);
            c4 = FloatVector.broadcast(F, a[aIndex(i + 4, p)]).fma(bv, c4);
            c5 = FloatVector.broadcast(F, a[aIndex(i + 5, p)]).fma(bv, c5);
            c6 = FloatVector.broadcast(F, a[aIndex(i + 6, p)]).fma(bv, c6);
            c7 = FloatVector.broadcast(F, a[aIndex(i + 7, p)]).fma(bv, c7);
        }
        int ci = i * LDC;
        if (N == L) {
            c0.intoArray(c, ci);
            c1.intoArray(c, ci + LDC);
            c2.intoArray(c, ci + 2 * LDC);
            c3.intoArray(c, ci + 3 * LDC);
            c4.intoArray(c, ci + 4 * LDC);
            c5.intoArray(c, ci + 5 * LDC);
            c6.intoArray(c, ci + 6 * LDC);
            c7.intoArray(c, ci + 7 * LDC);
        } else {
            c0.intoArray(c, ci, cols);
            c1.intoArray(c, ci + LDC, cols);
            c2.intoArray(c, ci + 2 * LDC, cols);
            c3.intoArray(c, ci + 3 * LDC, cols);
            c4.intoArray(c, ci + 4 * LDC, cols);
            c5.intoArray(c, ci + 5 * LDC, cols);
            c6.intoArray(c, ci + 6 * LDC, cols);
            c7.intoArray(c, ci + 7 * LDC, cols);
        }
    }

    private static void rows1(int i, float[] a, float[] b, float[] c, VectorMask<Float> cols) {
        FloatVector c0 = FloatVector.zero(F);
        if (b.length < (K - 1) * LDB + N) {
            throw new IndexOutOfBoundsException("b is shorter than the shape's B");
        }
        for (int p = 0; p < PLAIN; p++) {
            c0 = FloatVector.broadcast(F, a[aIndex(i, p)]).fma(FloatVector.fromArray(F, b, p * LDB), c0);
        }
        for (int p = PLAIN; p < K; p++) {
            FloatVector bv = N == L ? FloatVector.fromArray(F, b, p * LDB)
                    : FloatVector.fromArray(F, b, p * LDB, cols);
            c0 = FloatVector.broadcast(F, a[aIndex(i, p)]).fma(bv, c0);
        }
        if (N == L) {
            c0.intoArray(c, i * LDC);
        } else {
            c0.intoArray(c, i * LDC, cols);
        }
    }

    // ------------------------------------------------------------------ COLUMNS

    private void columns(float[] a, float[] b, float[] c) {
        float[] tile = scratch;
        VectorMask<Float> cols = Lanes.FIRST[N];
        for (int i = 0; i < M; i += 32) {
            columns32x10(i, a, b, tile);
            transposeInto(tile, 0, c, i * LDC, cols);
            transposeInto(tile, 16, c, (i + 16) * LDC, cols);
        }
    }

    /**
     * Rows i..i+31 of C, all ten columns: column j's two vectors accumulate
     * {@code a[p * LDA + i + 16 v ..] * b[p * LDB + j]}; spilled to {@code tile[j * 32 + 16 v]}.
     */
    private static void columns32x10(int i, float[] a, float[] b, float[] tile) {
        FloatVector z = FloatVector.zero(F);
        FloatVector c00 = z, c01 = z, c10 = z, c11 = z, c20 = z, c21 = z, c30 = z, c31 = z;
        FloatVector c40 = z, c41 = z, c50 = z, c51 = z, c60 = z, c61 = z, c70 = z, c71 = z;
        FloatVector c80 = z, c81 = z, c90 = z, c91 = z;
        for (int p = 0; p < K; p++) {
            int ap = p * LDA + i, bp = p * LDB;
            FloatVector a0 = FloatVector.fromArray(F, a, ap);
            FloatVector a1 = FloatVector.fromArray(F, a, ap + 16);
            FloatVector bv = FloatVector.broadcast(F, b[bp]);
            c00 = a0.fma(bv, c00);
            c01 = a1.fma(bv, c01);
            bv = FloatVector.broadcast(F, b[bp + 1]);
            c10 = a0.fma(bv, c10);
            c11 = a1.fma(bv, c11);
            bv = FloatVector.broadcast(F, b[bp + 2]);
            c20 = a0.fma(bv, c20);
            c21 = a1.fma(bv, c21);
            bv = FloatVector.broadcast(F, b[bp + 3]);
            c30 = a0.fma(bv, c30);
            c31 = a1.fma(bv, c31);
            bv = FloatVector.broadcast(F, b[bp + 4]);
            c40 = a0.fma(bv, c40);
            c41 = a1.fma(bv, c41);
            bv = FloatVector.broadcast(F, b[bp + 5]);
            c50 = a0.fma(bv, c50);
            c51 = a1.fma(bv, c51);
            bv = FloatVector.broadcast(F, b[bp + 6]);
            c60 = a0.fma(bv, c60);
            c61 = a1.fma(bv, c61);
            bv = FloatVector.broadcast(F, b[bp + 7]);
            c70 = a0.fma(bv, c70);
            c71 = a1.fma(bv, c71);
            bv = FloatVector.broadcast(F, b[bp + 8]);
            c80 = a0.fma(bv, c80);
            c81 = a1.fma(bv, c81);
            bv = FloatVector.broadcast(F, b[bp + 9]);
            c90 = a0.fma(bv, c90);
            c91 = a1.fma(bv, c91);
        }
        c00.intoArray(tile, 0);
        c01.intoArray(tile, 16);
        c10.intoArray(tile, 32);
        c11.intoArray(tile, 48);
        c20.intoArray(tile, 64);
        c21.intoArray(tile, 80);
        c30.intoArray(tile, 96);
        c31.intoArray(tile, 112);
        c40.intoArray(tile, 128);
        c41.intoArray(tile, 144);
        c50.intoArray(tile, 160);
        c51.intoArray(tile, 176);
        c60.intoArray(tile, 192);
        c61.intoArray(tile, 208);
        c70.intoArray(tile, 224);
        c71.intoArray(tile, 240);
        c80.intoArray(tile, 256);
        c81.intoArray(tile, 272);
        c90.intoArray(tile, 288);
        c91.intoArray(tile, 304);
    }

    /**
     * The 16 x 16 block {@code tile[j * 32 + t + r]} (rows j past 9 are zeros, never stored)
     * transposed: row r of the result, lanes j, stored masked to the first N floats of
     * {@code c[ci + r * LDC]}. Data movement only.
     */
    private static void transposeInto(float[] tile, int t, float[] c, int ci, VectorMask<Float> cols) {
        FloatVector r0 = FloatVector.fromArray(F, tile, t);
        FloatVector r1 = FloatVector.fromArray(F, tile, t + 32);
        FloatVector r2 = FloatVector.fromArray(F, tile, t + 64);
        FloatVector r3 = FloatVector.fromArray(F, tile, t + 96);
        FloatVector r4 = FloatVector.fromArray(F, tile, t + 128);
        FloatVector r5 = FloatVector.fromArray(F, tile, t + 160);
        FloatVector r6 = FloatVector.fromArray(F, tile, t + 192);
        FloatVector r7 = FloatVector.fromArray(F, tile, t + 224);
        FloatVector r8 = FloatVector.fromArray(F, tile, t + 256);
        FloatVector r9 = FloatVector.fromArray(F, tile, t + 288);
        FloatVector r10 = FloatVector.zero(F), r11 = r10, r12 = r10, r13 = r10, r14 = r10, r15 = r10;
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
        LO8.selectFrom(w0, w8).intoArray(c, ci, cols);
        HI8.selectFrom(w0, w8).intoArray(c, ci + LDC, cols);
        LO8.selectFrom(w1, w9).intoArray(c, ci + 2 * LDC, cols);
        HI8.selectFrom(w1, w9).intoArray(c, ci + 3 * LDC, cols);
        LO8.selectFrom(w2, w10).intoArray(c, ci + 4 * LDC, cols);
        HI8.selectFrom(w2, w10).intoArray(c, ci + 5 * LDC, cols);
        LO8.selectFrom(w3, w11).intoArray(c, ci + 6 * LDC, cols);
        HI8.selectFrom(w3, w11).intoArray(c, ci + 7 * LDC, cols);
        LO8.selectFrom(w4, w12).intoArray(c, ci + 8 * LDC, cols);
        HI8.selectFrom(w4, w12).intoArray(c, ci + 9 * LDC, cols);
        LO8.selectFrom(w5, w13).intoArray(c, ci + 10 * LDC, cols);
        HI8.selectFrom(w5, w13).intoArray(c, ci + 11 * LDC, cols);
        LO8.selectFrom(w6, w14).intoArray(c, ci + 12 * LDC, cols);
        HI8.selectFrom(w6, w14).intoArray(c, ci + 13 * LDC, cols);
        LO8.selectFrom(w7, w15).intoArray(c, ci + 14 * LDC, cols);
        HI8.selectFrom(w7, w15).intoArray(c, ci + 15 * LDC, cols);
    }

    /**
     * {@code pb[d + p * N + j] = b[src + j * LDB + p]} for 16 rows j and the K (at most 16) depth
     * steps p: rows read with masked loads of K floats, transposed in registers, the first K
     * results stored. Data movement only.
     */
    private static void transposePack(float[] b, int src, float[] pb, int d, VectorMask<Float> depth) {
        FloatVector r0 = FloatVector.fromArray(F, b, src + 0 * LDB, depth);
        FloatVector r1 = FloatVector.fromArray(F, b, src + 1 * LDB, depth);
        FloatVector r2 = FloatVector.fromArray(F, b, src + 2 * LDB, depth);
        FloatVector r3 = FloatVector.fromArray(F, b, src + 3 * LDB, depth);
        FloatVector r4 = FloatVector.fromArray(F, b, src + 4 * LDB, depth);
        FloatVector r5 = FloatVector.fromArray(F, b, src + 5 * LDB, depth);
        FloatVector r6 = FloatVector.fromArray(F, b, src + 6 * LDB, depth);
        FloatVector r7 = FloatVector.fromArray(F, b, src + 7 * LDB, depth);
        FloatVector r8 = FloatVector.fromArray(F, b, src + 8 * LDB, depth);
        FloatVector r9 = FloatVector.fromArray(F, b, src + 9 * LDB, depth);
        FloatVector r10 = FloatVector.fromArray(F, b, src + 10 * LDB, depth);
        FloatVector r11 = FloatVector.fromArray(F, b, src + 11 * LDB, depth);
        FloatVector r12 = FloatVector.fromArray(F, b, src + 12 * LDB, depth);
        FloatVector r13 = FloatVector.fromArray(F, b, src + 13 * LDB, depth);
        FloatVector r14 = FloatVector.fromArray(F, b, src + 14 * LDB, depth);
        FloatVector r15 = FloatVector.fromArray(F, b, src + 15 * LDB, depth);
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
        if (K > 0) {
            LO8.selectFrom(w0, w8).intoArray(pb, d);
        }
        if (K > 1) {
            HI8.selectFrom(w0, w8).intoArray(pb, d + 1 * N);
        }
        if (K > 2) {
            LO8.selectFrom(w1, w9).intoArray(pb, d + 2 * N);
        }
        if (K > 3) {
            HI8.selectFrom(w1, w9).intoArray(pb, d + 3 * N);
        }
        if (K > 4) {
            LO8.selectFrom(w2, w10).intoArray(pb, d + 4 * N);
        }
        if (K > 5) {
            HI8.selectFrom(w2, w10).intoArray(pb, d + 5 * N);
        }
        if (K > 6) {
            LO8.selectFrom(w3, w11).intoArray(pb, d + 6 * N);
        }
        if (K > 7) {
            HI8.selectFrom(w3, w11).intoArray(pb, d + 7 * N);
        }
        if (K > 8) {
            LO8.selectFrom(w4, w12).intoArray(pb, d + 8 * N);
        }
        if (K > 9) {
            HI8.selectFrom(w4, w12).intoArray(pb, d + 9 * N);
        }
        if (K > 10) {
            LO8.selectFrom(w5, w13).intoArray(pb, d + 10 * N);
        }
        if (K > 11) {
            HI8.selectFrom(w5, w13).intoArray(pb, d + 11 * N);
        }
        if (K > 12) {
            LO8.selectFrom(w6, w14).intoArray(pb, d + 12 * N);
        }
        if (K > 13) {
            HI8.selectFrom(w6, w14).intoArray(pb, d + 13 * N);
        }
        if (K > 14) {
            LO8.selectFrom(w7, w15).intoArray(pb, d + 14 * N);
        }
        if (K > 15) {
            HI8.selectFrom(w7, w15).intoArray(pb, d + 15 * N);
        }
    }

    // ------------------------------------------------------------------ DIRECT_TB

    private static void directTb(float[] a, float[] b, float[] c, float[] pb) {
        if (TRANSPOSE_PACK) {
            // 16 rows of stored B (K floats each, masked) transposed in registers: K depth steps.
            VectorMask<Float> depth = Lanes.FIRST[K];
            for (int j = 0; j < N; j += 16) {
                transposePack(b, j * LDB, pb, j, depth);
            }
        } else {
            // op(B)[p][j] = b[j * LDB + p]: L columns at a time, one gather per depth step.
            for (int j = 0; j < N; j += L) {
                for (int p = 0; p < K; p++) {
                    FloatVector.fromArray(F, b, j * LDB + p, GATHER, 0).intoArray(pb, p * N + j);
                }
            }
        }
        for (int i = 0; i < M; i += 8) {
            for (int j = 0; j < N; j += 2 * L) {
                tile8x2(i, j, a, pb, c);
            }
        }
    }

    /** Rows i..i+7, columns j..j+2L of C over the packed op(B) (rows N floats apart). */
    private static void tile8x2(int i, int j, float[] a, float[] pb, float[] c) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00;
        FloatVector c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        FloatVector c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < K; p++) {
            FloatVector b0 = FloatVector.fromArray(F, pb, p * N + j);
            FloatVector b1 = FloatVector.fromArray(F, pb, p * N + j + L);
            FloatVector av = FloatVector.broadcast(F, a[aIndex(i, p)]);
            c00 = av.fma(b0, c00);
            c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, a[aIndex(i + 1, p)]);
            c10 = av.fma(b0, c10);
            c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, a[aIndex(i + 2, p)]);
            c20 = av.fma(b0, c20);
            c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, a[aIndex(i + 3, p)]);
            c30 = av.fma(b0, c30);
            c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(F, a[aIndex(i + 4, p)]);
            c40 = av.fma(b0, c40);
            c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(F, a[aIndex(i + 5, p)]);
            c50 = av.fma(b0, c50);
            c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(F, a[aIndex(i + 6, p)]);
            c60 = av.fma(b0, c60);
            c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(F, a[aIndex(i + 7, p)]);
            c70 = av.fma(b0, c70);
            c71 = av.fma(b1, c71);
        }
        int ci = i * LDC + j;
        c00.intoArray(c, ci);
        c01.intoArray(c, ci + L);
        c10.intoArray(c, ci + LDC);
        c11.intoArray(c, ci + LDC + L);
        c20.intoArray(c, ci + 2 * LDC);
        c21.intoArray(c, ci + 2 * LDC + L);
        c30.intoArray(c, ci + 3 * LDC);
        c31.intoArray(c, ci + 3 * LDC + L);
        c40.intoArray(c, ci + 4 * LDC);
        c41.intoArray(c, ci + 4 * LDC + L);
        c50.intoArray(c, ci + 5 * LDC);
        c51.intoArray(c, ci + 5 * LDC + L);
        c60.intoArray(c, ci + 6 * LDC);
        c61.intoArray(c, ci + 6 * LDC + L);
        c70.intoArray(c, ci + 7 * LDC);
        c71.intoArray(c, ci + 7 * LDC + L);
    }
}

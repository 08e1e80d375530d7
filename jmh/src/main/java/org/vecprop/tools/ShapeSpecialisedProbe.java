package org.vecprop.tools;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import java.util.Arrays;

/**
 * The shape-specialised kernel experiment (not a benchmark of the library): the direct path's 8 x
 * 2-vector tile, written twice, with the depth and strides as parameters and as static finals
 * (what a hidden class per shape, or a class whose constants are bound at load, gives C2), on
 * dX = dZ·Wᵀ of a 128-10 layer at batch 64. Interleaved minimum of 3000 rounds of each.
 * Run: {@code java --add-modules jdk.incubator.vector -Dk=10 -cp jmh/target/benchmarks.jar
 * org.vecprop.tools.ShapeSpecialisedProbe 10} (the depth twice: once as the constant, once as
 * the parameter).
 */
public class ShapeSpecialisedProbe {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_512;
    static final int L = 16;
    static final int K = Integer.getInteger("k", 10);          // a static final: a compile-time constant to C2
    static volatile Object sink;

    static void tile(int k, float[] a, int ai, int lda, float[] b, int bi, int ldb, float[] c, int ci, int ldc) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        int a1 = ai + lda, a2 = a1 + lda, a3 = a2 + lda, a4 = a3 + lda, a5 = a4 + lda, a6 = a5 + lda, a7 = a6 + lda;
        for (int p = 0; p < k; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi), b1 = FloatVector.fromArray(F, b, bi + L);
            FloatVector av = FloatVector.broadcast(F, a[ai + p]); c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, a[a1 + p]); c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, a[a2 + p]); c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, a[a3 + p]); c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(F, a[a4 + p]); c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(F, a[a5 + p]); c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(F, a[a6 + p]); c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(F, a[a7 + p]); c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
            bi += ldb;
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c10.intoArray(c, ci + ldc); c11.intoArray(c, ci + ldc + L);
        c20.intoArray(c, ci + 2 * ldc); c21.intoArray(c, ci + 2 * ldc + L); c30.intoArray(c, ci + 3 * ldc); c31.intoArray(c, ci + 3 * ldc + L);
        c40.intoArray(c, ci + 4 * ldc); c41.intoArray(c, ci + 4 * ldc + L); c50.intoArray(c, ci + 5 * ldc); c51.intoArray(c, ci + 5 * ldc + L);
        c60.intoArray(c, ci + 6 * ldc); c61.intoArray(c, ci + 6 * ldc + L); c70.intoArray(c, ci + 7 * ldc); c71.intoArray(c, ci + 7 * ldc + L);
    }

    /** The same tile, the depth and all strides static finals (as a per-shape hidden class would have them). */
    static final int LDA = K, LDB = 128, LDC = 128;
    static void tileConst(float[] a, int ai, float[] b, int bi, float[] c, int ci) {
        FloatVector c00 = FloatVector.zero(F), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        FloatVector c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
        for (int p = 0; p < K; p++) {
            FloatVector b0 = FloatVector.fromArray(F, b, bi + p * LDB), b1 = FloatVector.fromArray(F, b, bi + p * LDB + L);
            FloatVector av = FloatVector.broadcast(F, a[ai + p]); c00 = av.fma(b0, c00); c01 = av.fma(b1, c01);
            av = FloatVector.broadcast(F, a[ai + LDA + p]); c10 = av.fma(b0, c10); c11 = av.fma(b1, c11);
            av = FloatVector.broadcast(F, a[ai + 2 * LDA + p]); c20 = av.fma(b0, c20); c21 = av.fma(b1, c21);
            av = FloatVector.broadcast(F, a[ai + 3 * LDA + p]); c30 = av.fma(b0, c30); c31 = av.fma(b1, c31);
            av = FloatVector.broadcast(F, a[ai + 4 * LDA + p]); c40 = av.fma(b0, c40); c41 = av.fma(b1, c41);
            av = FloatVector.broadcast(F, a[ai + 5 * LDA + p]); c50 = av.fma(b0, c50); c51 = av.fma(b1, c51);
            av = FloatVector.broadcast(F, a[ai + 6 * LDA + p]); c60 = av.fma(b0, c60); c61 = av.fma(b1, c61);
            av = FloatVector.broadcast(F, a[ai + 7 * LDA + p]); c70 = av.fma(b0, c70); c71 = av.fma(b1, c71);
        }
        c00.intoArray(c, ci); c01.intoArray(c, ci + L); c10.intoArray(c, ci + LDC); c11.intoArray(c, ci + LDC + L);
        c20.intoArray(c, ci + 2 * LDC); c21.intoArray(c, ci + 2 * LDC + L); c30.intoArray(c, ci + 3 * LDC); c31.intoArray(c, ci + 3 * LDC + L);
        c40.intoArray(c, ci + 4 * LDC); c41.intoArray(c, ci + 4 * LDC + L); c50.intoArray(c, ci + 5 * LDC); c51.intoArray(c, ci + 5 * LDC + L);
        c60.intoArray(c, ci + 6 * LDC); c61.intoArray(c, ci + 6 * LDC + L); c70.intoArray(c, ci + 7 * LDC); c71.intoArray(c, ci + 7 * LDC + L);
    }

    public static void main(String[] args) {
        int m = 64, n = 128, k = K;    // dX = dZ·Wᵀ of a 128-10 layer at batch 64: 64 x 10 x 128 (B already in k x n)
        float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (i % 13 - 6) * 0.1f;
        for (int i = 0; i < b.length; i++) b[i] = (i % 7 - 3) * 0.1f;
        int kk = Integer.parseInt(args.length > 0 ? args[0] : String.valueOf(K)); // the generic path gets k from outside
        Runnable generic = () -> { for (int i = 0; i < m; i += 8) for (int j = 0; j < n; j += 32) tile(kk, a, i * kk, kk, b, j, n, c, i * n + j, n); };
        Runnable constant = () -> { for (int i = 0; i < m; i += 8) for (int j = 0; j < n; j += 32) tileConst(a, i * K, b, j, c, i * n + j); };
        Runnable[] ops = {generic, constant};
        long end = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < end) for (Runnable r : ops) for (int i = 0; i < 100; i++) r.run();
        double[] min = {1e18, 1e18};
        float[] ref = c.clone();
        for (int round = 0; round < 3000; round++) for (int o = 0; o < 2; o++) {
            long t0 = System.nanoTime(); for (int i = 0; i < 20; i++) ops[o].run(); min[o] = Math.min(min[o], (System.nanoTime() - t0) / 20.0); }
        generic.run(); float[] g = c.clone(); constant.run();
        System.out.printf("k=%d: depth as a parameter %.0f ns, as a static final (shape constants) %.0f ns, ratio %.3f, same result %b%n", K, min[0], min[1], min[1] / min[0], Arrays.equals(g, c));
    }
}

package org.vecprop.tools;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.vecprop.jmh.GemmShape;
import org.vecprop.jmh.OpenBlas;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;

/**
 * Experiment for batch-1 products (m = 1, B untransposed, in place): the library, OpenBLAS and
 * copies of candidate row kernels, interleaved as in {@link ShapeGemmProbe}; each candidate's
 * output is checked bit for bit against the library's first. Run: {@code java --add-modules
 * jdk.incubator.vector --enable-native-access=ALL-UNNAMED -cp jmh/target/benchmarks.jar
 * org.vecprop.tools.GemvProbe 1x256x256 [rounds]}.
 */
public final class GemvProbe {
    private GemvProbe() {}

    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int L = F.length();
    static final int KC = 128;
    static volatile Object sink;

    public static void main(String[] args) {
        GemmShape s = GemmShape.parse(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3000;
        if (s.m() != 1 || s.transB() || s.n() % (8 * L) != 0) {
            throw new IllegalArgumentException("1xKxN, B untransposed, N a multiple of 8L: " + s);
        }
        int n = s.n(), k = s.k();
        float[] a = s.randomA(42), b = s.randomB(4242), c = new float[n];
        float[] scratch = new float[n];
        PackedMatrix packed = PackedMatrix.pack(false, k, n, b, 0, n);
        OpenBlas.useOneThread();
        FloatPointer ap = new FloatPointer(a), bp = new FloatPointer(b);
        FloatPointer cp = new FloatPointer((long) n);
        String[] names = {"vecprop", "vecpropPacked", "openblasPointer", "copy8", "row16",
            "ybuf4", "ybuf8", "row16x2", "row8blk2"};
        Runnable[] ops = {
            () -> Gemm.multiply(false, false, 1, n, k, 1f, a, 0, k, b, 0, n, 0f, c, 0, n),
            () -> Gemm.multiplyPacked(false, 1, 1f, a, 0, k, packed, 0f, c, 0, n),
            () -> openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans,
                    openblas.CblasNoTrans, 1, n, k, 1f, ap, k, bp, n, 0f, cp, n),
            () -> blocks(0, n, k, 1f, a, b, n, 0f, c, scratch),
            () -> blocks(1, n, k, 1f, a, b, n, 0f, c, scratch),
            () -> blocks(2, n, k, 1f, a, b, n, 0f, c, scratch),
            () -> blocks(3, n, k, 1f, a, b, n, 0f, c, scratch),
            () -> blocks(4, n, k, 1f, a, b, n, 0f, c, scratch),
            () -> pairs(n, k, 1f, a, b, n, 0f, c),
        };
        float[] ref = new float[n];
        Gemm.multiply(false, false, 1, n, k, 1f, a, 0, k, b, 0, n, 0f, ref, 0, n);
        for (int v = 0; v < 5; v++) {
            float[] out = new float[n];
            Arrays.fill(out, Float.NaN);
            blocks(v, n, k, 1f, a, b, n, 0f, out, scratch);
            if (!Arrays.equals(out, ref)) {
                throw new AssertionError("variant " + names[3 + v] + " differs");
            }
            float[] out2 = Arrays.copyOf(s.randomB(7), n);
            float[] ref2 = out2.clone();
            Gemm.multiply(false, false, 1, n, k, 0.5f, a, 0, k, b, 0, n, 1.5f, ref2, 0, n);
            blocks(v, n, k, 0.5f, a, b, n, 1.5f, out2, scratch);
            if (!Arrays.equals(out2, ref2)) {
                throw new AssertionError("variant " + names[3 + v] + " differs with beta");
            }
        }
        {
            float[] out = new float[n];
            Arrays.fill(out, Float.NaN);
            pairs(n, k, 1f, a, b, n, 0f, out);
            if (!Arrays.equals(out, ref)) {
                throw new AssertionError("pairs differs");
            }
            float[] out2 = Arrays.copyOf(s.randomB(7), n);
            float[] ref2 = out2.clone();
            Gemm.multiply(false, false, 1, n, k, 0.5f, a, 0, k, b, 0, n, 1.5f, ref2, 0, n);
            pairs(n, k, 0.5f, a, b, n, 1.5f, out2);
            if (!Arrays.equals(out2, ref2)) {
                throw new AssertionError("pairs differs with beta");
            }
        }
        double[][] t = InterleavedRounds.measure(ops, rounds);
        sink = c;
        System.out.printf("%s: per call, min / median of %d interleaved rounds of 20 (L = %d)%n", s,
                rounds, L);
        InterleavedRounds.print(names, t);
        ap.close();
        bp.close();
        cp.close();
    }

    static void blocks(int variant, int n, int k, float alpha, float[] a, float[] b, int ldb,
                       float beta, float[] c, float[] scratch) {
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            float bb = pc == 0 ? beta : 1f;
            switch (variant) {
                case 0 -> {
                    for (int j = 0; j < n; j += 8 * L) {
                        row8(kc, alpha, a, pc, b, pc * ldb + j, ldb, bb, c, j);
                    }
                }
                case 1 -> {
                    int j = 0;
                    for (; j + 16 * L <= n; j += 16 * L) {
                        row16(kc, alpha, a, pc, b, pc * ldb + j, ldb, bb, c, j);
                    }
                    for (; j < n; j += 8 * L) {
                        row8(kc, alpha, a, pc, b, pc * ldb + j, ldb, bb, c, j);
                    }
                }
                case 2 -> ybuf4(n, kc, alpha, a, pc, b, pc * ldb, ldb, bb, c, 0, scratch);
                case 3 -> ybuf8(n, kc, alpha, a, pc, b, pc * ldb, ldb, bb, c, 0, scratch);
                case 4 -> {
                    int j = 0;
                    for (; j + 16 * L <= n; j += 16 * L) {
                        row16x2(kc, alpha, a, pc, b, pc * ldb + j, ldb, bb, c, j);
                    }
                    for (; j < n; j += 8 * L) {
                        row8(kc, alpha, a, pc, b, pc * ldb + j, ldb, bb, c, j);
                    }
                }
                default -> throw new IllegalArgumentException();
            }
        }
    }

    /** Two depth blocks at once, eight vectors of C each: 16 chains over two streams of B. */
    static void pairs(int n, int k, float alpha, float[] a, float[] b, int ldb, float beta, float[] c) {
        int pc = 0;
        for (; pc + KC < k; pc += 2 * KC) {
            int kc2 = Math.min(KC, k - pc - KC);
            for (int j = 0; j < n; j += 8 * L) {
                row8blk2(KC, kc2, alpha, a, pc, b, pc * ldb + j, ldb, pc == 0 ? beta : 1f, c, j);
            }
        }
        for (; pc < k; pc += KC) {
            for (int j = 0; j < n; j += 8 * L) {
                row8(Math.min(KC, k - pc), alpha, a, pc, b, pc * ldb + j, ldb, pc == 0 ? beta : 1f, c, j);
            }
        }
    }

    static void row8blk2(int k1, int k2, float alpha, float[] a, int ai, float[] b, int bi, int step,
                         float beta, float[] c, int ci) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector d0 = c0, d1 = c0, d2 = c0, d3 = c0, d4 = c0, d5 = c0, d6 = c0, d7 = c0;
        int aj = ai + k1, bj = bi + k1 * step;
        int p = 0;
        for (; p < k2; p++) {
            FloatVector av = FloatVector.broadcast(F, a[ai]);
            FloatVector aw = FloatVector.broadcast(F, a[aj]);
            c0 = av.fma(FloatVector.fromArray(F, b, bi), c0);
            d0 = aw.fma(FloatVector.fromArray(F, b, bj), d0);
            c1 = av.fma(FloatVector.fromArray(F, b, bi + L), c1);
            d1 = aw.fma(FloatVector.fromArray(F, b, bj + L), d1);
            c2 = av.fma(FloatVector.fromArray(F, b, bi + 2 * L), c2);
            d2 = aw.fma(FloatVector.fromArray(F, b, bj + 2 * L), d2);
            c3 = av.fma(FloatVector.fromArray(F, b, bi + 3 * L), c3);
            d3 = aw.fma(FloatVector.fromArray(F, b, bj + 3 * L), d3);
            c4 = av.fma(FloatVector.fromArray(F, b, bi + 4 * L), c4);
            d4 = aw.fma(FloatVector.fromArray(F, b, bj + 4 * L), d4);
            c5 = av.fma(FloatVector.fromArray(F, b, bi + 5 * L), c5);
            d5 = aw.fma(FloatVector.fromArray(F, b, bj + 5 * L), d5);
            c6 = av.fma(FloatVector.fromArray(F, b, bi + 6 * L), c6);
            d6 = aw.fma(FloatVector.fromArray(F, b, bj + 6 * L), d6);
            c7 = av.fma(FloatVector.fromArray(F, b, bi + 7 * L), c7);
            d7 = aw.fma(FloatVector.fromArray(F, b, bj + 7 * L), d7);
            ai++;
            aj++;
            bi += step;
            bj += step;
        }
        for (; p < k1; p++) {
            FloatVector av = FloatVector.broadcast(F, a[ai]);
            c0 = av.fma(FloatVector.fromArray(F, b, bi), c0);
            c1 = av.fma(FloatVector.fromArray(F, b, bi + L), c1);
            c2 = av.fma(FloatVector.fromArray(F, b, bi + 2 * L), c2);
            c3 = av.fma(FloatVector.fromArray(F, b, bi + 3 * L), c3);
            c4 = av.fma(FloatVector.fromArray(F, b, bi + 4 * L), c4);
            c5 = av.fma(FloatVector.fromArray(F, b, bi + 5 * L), c5);
            c6 = av.fma(FloatVector.fromArray(F, b, bi + 6 * L), c6);
            c7 = av.fma(FloatVector.fromArray(F, b, bi + 7 * L), c7);
            ai++;
            bi += step;
        }
        if (beta == 0f) {
            d0.mul(alpha).add(c0.mul(alpha)).intoArray(c, ci);
            d1.mul(alpha).add(c1.mul(alpha)).intoArray(c, ci + 1 * L);
            d2.mul(alpha).add(c2.mul(alpha)).intoArray(c, ci + 2 * L);
            d3.mul(alpha).add(c3.mul(alpha)).intoArray(c, ci + 3 * L);
            d4.mul(alpha).add(c4.mul(alpha)).intoArray(c, ci + 4 * L);
            d5.mul(alpha).add(c5.mul(alpha)).intoArray(c, ci + 5 * L);
            d6.mul(alpha).add(c6.mul(alpha)).intoArray(c, ci + 6 * L);
            d7.mul(alpha).add(c7.mul(alpha)).intoArray(c, ci + 7 * L);
        } else {
            d0.mul(alpha).add(c0.mul(alpha).add(FloatVector.fromArray(F, c, ci).mul(beta))).intoArray(c, ci);
            d1.mul(alpha).add(c1.mul(alpha).add(FloatVector.fromArray(F, c, ci + 1 * L).mul(beta))).intoArray(c, ci + 1 * L);
            d2.mul(alpha).add(c2.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * L).mul(beta))).intoArray(c, ci + 2 * L);
            d3.mul(alpha).add(c3.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * L).mul(beta))).intoArray(c, ci + 3 * L);
            d4.mul(alpha).add(c4.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * L).mul(beta))).intoArray(c, ci + 4 * L);
            d5.mul(alpha).add(c5.mul(alpha).add(FloatVector.fromArray(F, c, ci + 5 * L).mul(beta))).intoArray(c, ci + 5 * L);
            d6.mul(alpha).add(c6.mul(alpha).add(FloatVector.fromArray(F, c, ci + 6 * L).mul(beta))).intoArray(c, ci + 6 * L);
            d7.mul(alpha).add(c7.mul(alpha).add(FloatVector.fromArray(F, c, ci + 7 * L).mul(beta))).intoArray(c, ci + 7 * L);
        }
    }

    /** Block one's epilogue, then block two's joined through C (the stored float, exact). */
    private static void store2(FloatVector s0, FloatVector s1, float alpha, float beta, float[] c, int at) {
        FloatVector v = s0.mul(alpha);
        if (beta != 0f) {
            v = v.add(FloatVector.fromArray(F, c, at).mul(beta));
        }
        s1.mul(alpha).add(v).intoArray(c, at);
    }

    /** The library's rowPanels4 over B in place (step ldb, group 2L). */
    static void row8(int k, float alpha, float[] a, int ai, float[] b, int bi, int step, float beta,
                     float[] c, int ci) {
        int group = 2 * L;
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        FloatVector c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int p = 0; p < k; p++) {
            FloatVector av = FloatVector.broadcast(F, a[ai]);
            int b1 = bi + group, b2 = b1 + group, b3 = b2 + group;
            c0 = av.fma(FloatVector.fromArray(F, b, bi), c0);
            c1 = av.fma(FloatVector.fromArray(F, b, bi + L), c1);
            c2 = av.fma(FloatVector.fromArray(F, b, b1), c2);
            c3 = av.fma(FloatVector.fromArray(F, b, b1 + L), c3);
            c4 = av.fma(FloatVector.fromArray(F, b, b2), c4);
            c5 = av.fma(FloatVector.fromArray(F, b, b2 + L), c5);
            c6 = av.fma(FloatVector.fromArray(F, b, b3), c6);
            c7 = av.fma(FloatVector.fromArray(F, b, b3 + L), c7);
            ai += 1;
            bi += step;
        }
        if (beta == 0f) {
            c0.mul(alpha).intoArray(c, ci);
            c1.mul(alpha).intoArray(c, ci + L);
            c2.mul(alpha).intoArray(c, ci + 2 * L);
            c3.mul(alpha).intoArray(c, ci + 3 * L);
            c4.mul(alpha).intoArray(c, ci + 4 * L);
            c5.mul(alpha).intoArray(c, ci + 5 * L);
            c6.mul(alpha).intoArray(c, ci + 6 * L);
            c7.mul(alpha).intoArray(c, ci + 7 * L);
        } else {
            c0.mul(alpha).add(FloatVector.fromArray(F, c, ci).mul(beta)).intoArray(c, ci);
            c1.mul(alpha).add(FloatVector.fromArray(F, c, ci + L).mul(beta)).intoArray(c, ci + L);
            c2.mul(alpha).add(FloatVector.fromArray(F, c, ci + 2 * L).mul(beta)).intoArray(c, ci + 2 * L);
            c3.mul(alpha).add(FloatVector.fromArray(F, c, ci + 3 * L).mul(beta)).intoArray(c, ci + 3 * L);
            c4.mul(alpha).add(FloatVector.fromArray(F, c, ci + 4 * L).mul(beta)).intoArray(c, ci + 4 * L);
            c5.mul(alpha).add(FloatVector.fromArray(F, c, ci + 5 * L).mul(beta)).intoArray(c, ci + 5 * L);
            c6.mul(alpha).add(FloatVector.fromArray(F, c, ci + 6 * L).mul(beta)).intoArray(c, ci + 6 * L);
            c7.mul(alpha).add(FloatVector.fromArray(F, c, ci + 7 * L).mul(beta)).intoArray(c, ci + 7 * L);
        }
    }

    /** 16 vectors of one row of B per depth step: B read front to back when n = 16L. */
    static void row16(int k, float alpha, float[] a, int ai, float[] b, int bi, int step, float beta,
                      float[] c, int ci) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        FloatVector c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        FloatVector c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        for (int p = 0; p < k; p++) {
            FloatVector av = FloatVector.broadcast(F, a[ai]);
            c0 = av.fma(FloatVector.fromArray(F, b, bi), c0);
            c1 = av.fma(FloatVector.fromArray(F, b, bi + L), c1);
            c2 = av.fma(FloatVector.fromArray(F, b, bi + 2 * L), c2);
            c3 = av.fma(FloatVector.fromArray(F, b, bi + 3 * L), c3);
            c4 = av.fma(FloatVector.fromArray(F, b, bi + 4 * L), c4);
            c5 = av.fma(FloatVector.fromArray(F, b, bi + 5 * L), c5);
            c6 = av.fma(FloatVector.fromArray(F, b, bi + 6 * L), c6);
            c7 = av.fma(FloatVector.fromArray(F, b, bi + 7 * L), c7);
            c8 = av.fma(FloatVector.fromArray(F, b, bi + 8 * L), c8);
            c9 = av.fma(FloatVector.fromArray(F, b, bi + 9 * L), c9);
            c10 = av.fma(FloatVector.fromArray(F, b, bi + 10 * L), c10);
            c11 = av.fma(FloatVector.fromArray(F, b, bi + 11 * L), c11);
            c12 = av.fma(FloatVector.fromArray(F, b, bi + 12 * L), c12);
            c13 = av.fma(FloatVector.fromArray(F, b, bi + 13 * L), c13);
            c14 = av.fma(FloatVector.fromArray(F, b, bi + 14 * L), c14);
            c15 = av.fma(FloatVector.fromArray(F, b, bi + 15 * L), c15);
            ai += 1;
            bi += step;
        }
        store(c0, alpha, beta, c, ci);
        store(c1, alpha, beta, c, ci + L);
        store(c2, alpha, beta, c, ci + 2 * L);
        store(c3, alpha, beta, c, ci + 3 * L);
        store(c4, alpha, beta, c, ci + 4 * L);
        store(c5, alpha, beta, c, ci + 5 * L);
        store(c6, alpha, beta, c, ci + 6 * L);
        store(c7, alpha, beta, c, ci + 7 * L);
        store(c8, alpha, beta, c, ci + 8 * L);
        store(c9, alpha, beta, c, ci + 9 * L);
        store(c10, alpha, beta, c, ci + 10 * L);
        store(c11, alpha, beta, c, ci + 11 * L);
        store(c12, alpha, beta, c, ci + 12 * L);
        store(c13, alpha, beta, c, ci + 13 * L);
        store(c14, alpha, beta, c, ci + 14 * L);
        store(c15, alpha, beta, c, ci + 15 * L);
    }

    /** As row16 with the depth loop unrolled by two, both rows' loads issued first. */
    static void row16x2(int k, float alpha, float[] a, int ai, float[] b, int bi, int step, float beta,
                        float[] c, int ci) {
        FloatVector c0 = FloatVector.zero(F), c1 = c0, c2 = c0, c3 = c0;
        FloatVector c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        FloatVector c8 = c0, c9 = c0, c10 = c0, c11 = c0;
        FloatVector c12 = c0, c13 = c0, c14 = c0, c15 = c0;
        int p = 0;
        for (; p + 2 <= k; p += 2) {
            FloatVector av = FloatVector.broadcast(F, a[ai]);
            FloatVector aw = FloatVector.broadcast(F, a[ai + 1]);
            int bj = bi + step;
            c0 = aw.fma(FloatVector.fromArray(F, b, bj), av.fma(FloatVector.fromArray(F, b, bi), c0));
            c1 = aw.fma(FloatVector.fromArray(F, b, bj + L), av.fma(FloatVector.fromArray(F, b, bi + L), c1));
            c2 = aw.fma(FloatVector.fromArray(F, b, bj + 2 * L), av.fma(FloatVector.fromArray(F, b, bi + 2 * L), c2));
            c3 = aw.fma(FloatVector.fromArray(F, b, bj + 3 * L), av.fma(FloatVector.fromArray(F, b, bi + 3 * L), c3));
            c4 = aw.fma(FloatVector.fromArray(F, b, bj + 4 * L), av.fma(FloatVector.fromArray(F, b, bi + 4 * L), c4));
            c5 = aw.fma(FloatVector.fromArray(F, b, bj + 5 * L), av.fma(FloatVector.fromArray(F, b, bi + 5 * L), c5));
            c6 = aw.fma(FloatVector.fromArray(F, b, bj + 6 * L), av.fma(FloatVector.fromArray(F, b, bi + 6 * L), c6));
            c7 = aw.fma(FloatVector.fromArray(F, b, bj + 7 * L), av.fma(FloatVector.fromArray(F, b, bi + 7 * L), c7));
            c8 = aw.fma(FloatVector.fromArray(F, b, bj + 8 * L), av.fma(FloatVector.fromArray(F, b, bi + 8 * L), c8));
            c9 = aw.fma(FloatVector.fromArray(F, b, bj + 9 * L), av.fma(FloatVector.fromArray(F, b, bi + 9 * L), c9));
            c10 = aw.fma(FloatVector.fromArray(F, b, bj + 10 * L), av.fma(FloatVector.fromArray(F, b, bi + 10 * L), c10));
            c11 = aw.fma(FloatVector.fromArray(F, b, bj + 11 * L), av.fma(FloatVector.fromArray(F, b, bi + 11 * L), c11));
            c12 = aw.fma(FloatVector.fromArray(F, b, bj + 12 * L), av.fma(FloatVector.fromArray(F, b, bi + 12 * L), c12));
            c13 = aw.fma(FloatVector.fromArray(F, b, bj + 13 * L), av.fma(FloatVector.fromArray(F, b, bi + 13 * L), c13));
            c14 = aw.fma(FloatVector.fromArray(F, b, bj + 14 * L), av.fma(FloatVector.fromArray(F, b, bi + 14 * L), c14));
            c15 = aw.fma(FloatVector.fromArray(F, b, bj + 15 * L), av.fma(FloatVector.fromArray(F, b, bi + 15 * L), c15));
            ai += 2;
            bi += 2 * step;
        }
        for (; p < k; p++) {
            FloatVector av = FloatVector.broadcast(F, a[ai]);
            c0 = av.fma(FloatVector.fromArray(F, b, bi), c0);
            c1 = av.fma(FloatVector.fromArray(F, b, bi + L), c1);
            c2 = av.fma(FloatVector.fromArray(F, b, bi + 2 * L), c2);
            c3 = av.fma(FloatVector.fromArray(F, b, bi + 3 * L), c3);
            c4 = av.fma(FloatVector.fromArray(F, b, bi + 4 * L), c4);
            c5 = av.fma(FloatVector.fromArray(F, b, bi + 5 * L), c5);
            c6 = av.fma(FloatVector.fromArray(F, b, bi + 6 * L), c6);
            c7 = av.fma(FloatVector.fromArray(F, b, bi + 7 * L), c7);
            c8 = av.fma(FloatVector.fromArray(F, b, bi + 8 * L), c8);
            c9 = av.fma(FloatVector.fromArray(F, b, bi + 9 * L), c9);
            c10 = av.fma(FloatVector.fromArray(F, b, bi + 10 * L), c10);
            c11 = av.fma(FloatVector.fromArray(F, b, bi + 11 * L), c11);
            c12 = av.fma(FloatVector.fromArray(F, b, bi + 12 * L), c12);
            c13 = av.fma(FloatVector.fromArray(F, b, bi + 13 * L), c13);
            c14 = av.fma(FloatVector.fromArray(F, b, bi + 14 * L), c14);
            c15 = av.fma(FloatVector.fromArray(F, b, bi + 15 * L), c15);
            ai += 1;
            bi += step;
        }
        store(c0, alpha, beta, c, ci);
        store(c1, alpha, beta, c, ci + L);
        store(c2, alpha, beta, c, ci + 2 * L);
        store(c3, alpha, beta, c, ci + 3 * L);
        store(c4, alpha, beta, c, ci + 4 * L);
        store(c5, alpha, beta, c, ci + 5 * L);
        store(c6, alpha, beta, c, ci + 6 * L);
        store(c7, alpha, beta, c, ci + 7 * L);
        store(c8, alpha, beta, c, ci + 8 * L);
        store(c9, alpha, beta, c, ci + 9 * L);
        store(c10, alpha, beta, c, ci + 10 * L);
        store(c11, alpha, beta, c, ci + 11 * L);
        store(c12, alpha, beta, c, ci + 12 * L);
        store(c13, alpha, beta, c, ci + 13 * L);
        store(c14, alpha, beta, c, ci + 14 * L);
        store(c15, alpha, beta, c, ci + 15 * L);
    }

    private static void store(FloatVector acc, float alpha, float beta, float[] c, int at) {
        FloatVector v = acc.mul(alpha);
        if (beta != 0f) {
            v = v.add(FloatVector.fromArray(F, c, at).mul(beta));
        }
        v.intoArray(c, at);
    }

    /**
     * OpenBLAS sgemv_n's order of loops: four rows of B per pass over the columns, partial sums
     * in a buffer (storing and loading a float is exact: the same FMA chain per element).
     */
    static void ybuf4(int n, int k, float alpha, float[] a, int ai, float[] b, int bi, int ldb,
                      float beta, float[] c, int ci, float[] y) {
        int p = 0;
        for (; p + 4 <= k; p += 4) {
            FloatVector a0 = FloatVector.broadcast(F, a[ai + p]);
            FloatVector a1 = FloatVector.broadcast(F, a[ai + p + 1]);
            FloatVector a2 = FloatVector.broadcast(F, a[ai + p + 2]);
            FloatVector a3 = FloatVector.broadcast(F, a[ai + p + 3]);
            int r0 = bi + p * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            for (int j = 0; j < n; j += L) {
                FloatVector acc = p == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, y, j);
                acc = a0.fma(FloatVector.fromArray(F, b, r0 + j), acc);
                acc = a1.fma(FloatVector.fromArray(F, b, r1 + j), acc);
                acc = a2.fma(FloatVector.fromArray(F, b, r2 + j), acc);
                acc = a3.fma(FloatVector.fromArray(F, b, r3 + j), acc);
                acc.intoArray(y, j);
            }
        }
        for (; p < k; p++) {
            FloatVector a0 = FloatVector.broadcast(F, a[ai + p]);
            int r0 = bi + p * ldb;
            for (int j = 0; j < n; j += L) {
                FloatVector acc = p == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, y, j);
                a0.fma(FloatVector.fromArray(F, b, r0 + j), acc).intoArray(y, j);
            }
        }
        for (int j = 0; j < n; j += L) {
            store(FloatVector.fromArray(F, y, j), alpha, beta, c, ci + j);
        }
    }

    /** As ybuf4, eight rows of B per pass. */
    static void ybuf8(int n, int k, float alpha, float[] a, int ai, float[] b, int bi, int ldb,
                      float beta, float[] c, int ci, float[] y) {
        int p = 0;
        for (; p + 8 <= k; p += 8) {
            FloatVector a0 = FloatVector.broadcast(F, a[ai + p]);
            FloatVector a1 = FloatVector.broadcast(F, a[ai + p + 1]);
            FloatVector a2 = FloatVector.broadcast(F, a[ai + p + 2]);
            FloatVector a3 = FloatVector.broadcast(F, a[ai + p + 3]);
            FloatVector a4 = FloatVector.broadcast(F, a[ai + p + 4]);
            FloatVector a5 = FloatVector.broadcast(F, a[ai + p + 5]);
            FloatVector a6 = FloatVector.broadcast(F, a[ai + p + 6]);
            FloatVector a7 = FloatVector.broadcast(F, a[ai + p + 7]);
            int r0 = bi + p * ldb, r1 = r0 + ldb, r2 = r1 + ldb, r3 = r2 + ldb;
            int r4 = r3 + ldb, r5 = r4 + ldb, r6 = r5 + ldb, r7 = r6 + ldb;
            for (int j = 0; j < n; j += L) {
                FloatVector acc = p == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, y, j);
                acc = a0.fma(FloatVector.fromArray(F, b, r0 + j), acc);
                acc = a1.fma(FloatVector.fromArray(F, b, r1 + j), acc);
                acc = a2.fma(FloatVector.fromArray(F, b, r2 + j), acc);
                acc = a3.fma(FloatVector.fromArray(F, b, r3 + j), acc);
                acc = a4.fma(FloatVector.fromArray(F, b, r4 + j), acc);
                acc = a5.fma(FloatVector.fromArray(F, b, r5 + j), acc);
                acc = a6.fma(FloatVector.fromArray(F, b, r6 + j), acc);
                acc = a7.fma(FloatVector.fromArray(F, b, r7 + j), acc);
                acc.intoArray(y, j);
            }
        }
        for (; p < k; p++) {
            FloatVector a0 = FloatVector.broadcast(F, a[ai + p]);
            int r0 = bi + p * ldb;
            for (int j = 0; j < n; j += L) {
                FloatVector acc = p == 0 ? FloatVector.zero(F) : FloatVector.fromArray(F, y, j);
                a0.fma(FloatVector.fromArray(F, b, r0 + j), acc).intoArray(y, j);
            }
        }
        for (int j = 0; j < n; j += L) {
            store(FloatVector.fromArray(F, y, j), alpha, beta, c, ci + j);
        }
    }
}

package org.vecprop.testing;

import java.util.List;
import java.util.Random;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.internal.PackBuffers;
import org.vecprop.internal.gemm.GemmBlocking;
import org.vecprop.internal.gemm.GemmBlocking.Path;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Simd;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.scalar.ScalarKernels;

/**
 * One GEMM call against the scalar reference, on each SIMD path (tiny, direct, packed) and the
 * automatic choice; and the generator of such calls. The API tests (kernel.GemmTest) and the
 * tests of the blocking (internal.gemm.GemmBlockingTest) both check their cases with it.
 *
 * <p>Tolerance, per element: both results are within {@code (k + 2) * u * T} of the exact value
 * (first order, {@code u = 2^-24}), where {@code T = |alpha| * sum_p |a_ip b_pj| + |beta c_ij|};
 * the reference by the standard bound for a recursive sum of k products, the kernel because a
 * blocked sum of depth blocks {@code kc_1 .. kc_b} has error at most
 * {@code (max kc + b + 2) * u * T <= (k + 3) * u * T}. Hence
 * {@code |kernel - reference| <= (2k + 5) * u * T}, plus {@code 2^-150} for each rounding that
 * lands among the subnormals. Special values: NaN where the reference has NaN, the same
 * infinity where it has one. Elements of the C array outside the m x n window must keep their
 * bits. With B untransposed the SIMD paths must also agree with each other bit for bit.
 */
public final class GemmCheck {
    private GemmCheck() {}

    /** One generated call: shapes, layout slack, flags, scalars and data seed. */
    public record Case(boolean transA, boolean transB, int m, int n, int k, int[] slack,
                       float alpha, float beta, long seed, int specialPermille) {
        @Override
        public String toString() {
            return "Case[" + (transA ? "T" : "N") + (transB ? "T" : "N") + " m=" + m + " n=" + n
                    + " k=" + k + " slack=" + java.util.Arrays.toString(slack) + " alpha=" + alpha
                    + " beta=" + beta + " seed=" + seed + " specials=" + specialPermille + "/1000]";
        }
    }

    static final List<Float> ALPHAS = List.of(1f, 0f, -1f, 0.5f, 1.75f, -2.25f);
    static final List<Float> BETAS = List.of(0f, 1f, 0f, -1f, 0.5f, 2f);

    /** Calls with every dimension from 0 to {@code maxDim}, any transposes, slack and scalars. */
    public static Gen<Case> cases(int maxDim) {
        Gen<int[]> dims = Props.dimension(maxDim).zip(Props.dimension(maxDim),
                Props.dimension(maxDim), (m, n, k) -> new int[] {m, n, k});
        Gen<int[]> slack = Generate.intArrays(Generate.constant(6), Props.slack());
        Gen<Integer> flags = Generate.range(0, 3);
        Gen<float[]> scalars = Generate.pick(ALPHAS).zip(Generate.pick(BETAS),
                (a, b) -> new float[] {a, b});
        Gen<long[]> data = Generate.longRange(0, 1L << 40).zip(Generate.pick(List.of(0, 0, 2, 30)),
                (s, p) -> new long[] {s, p});
        return dims.zip(slack, flags, scalars, data, (d, sl, f, sc, da) -> new Case(
                (f & 1) != 0, (f & 2) != 0, d[0], d[1], d[2], sl, sc[0], sc[1], da[0], (int) da[1]));
    }

    /** Runs one case through every path and the automatic choice. */
    public static void check(Case c) {
        check(c, null);
    }

    /** Runs one case through the given path, or all three when {@code only} is null. */
    public static void check(Case c, Path only) {
        Random rnd = new Random(c.seed());
        int m = c.m(), n = c.n(), k = c.k();
        int aRows = c.transA() ? k : m, aCols = c.transA() ? m : k;
        int bRows = c.transB() ? n : k, bCols = c.transB() ? k : n;
        int[] s = c.slack();
        int aOff = s[0], lda = Math.max(1, aCols) + s[1];
        int bOff = s[2], ldb = Math.max(1, bCols) + s[3];
        int cOff = s[4], ldc = Math.max(1, n) + s[5];
        float[] a = Values.random(rnd, aOff + aRows * lda + s[1], c.specialPermille(), 1f);
        float[] b = Values.random(rnd, bOff + bRows * ldb + s[3], c.specialPermille(), 1f);
        float[] c0 = Values.random(rnd, cOff + m * ldc + s[5], c.specialPermille(), 1f);
        if (c.beta() == 0f) {
            java.util.Arrays.fill(c0, Float.NaN); // must not leak into the result
        }
        float[] expected = c0.clone();
        org.vecprop.reference.ReferenceGemm.multiply(c.transA(), c.transB(), m, n, k, c.alpha(),
                a, aOff, lda, b, bOff, ldb, c.beta(), expected, cOff, ldc);

        Path[] paths = only != null ? new Path[] {only}
                : Path.values();
        java.util.Map<Path, float[]> results = new java.util.EnumMap<>(Path.class);
        for (Path path : paths) {
            float[] actual = c0.clone();
            results.put(path, actual);
            float[] aBefore = a.clone(), bBefore = b.clone();
            if (path == Path.AUTO) {
                Gemm.multiply(c.transA(), c.transB(), m, n, k, c.alpha(), a, aOff, lda,
                        b, bOff, ldb, c.beta(), actual, cOff, ldc);
            } else {
                ForcedPath.multiply(path,c.transA(), c.transB(), m, n, k, c.alpha(), a, aOff, lda,
                        b, bOff, ldb, c.beta(), actual, cOff, ldc,
                        null, 0, false, new PackBuffers());
            }
            Compare.sameArray(aBefore, a, "A was modified");
            Compare.sameArray(bBefore, b, "B was modified");
            for (int idx = 0; idx < actual.length; idx++) {
                int rel = idx - cOff;
                int i = rel >= 0 ? rel / ldc : -1, j = rel >= 0 ? rel % ldc : -1;
                if (i < 0 || i >= m || j >= n) {
                    Compare.same(c0[idx], actual[idx], c + " " + path + ": C outside the window at " + idx);
                    continue;
                }
                double tol = bound(c.transA(), c.transB(), i, j, k, c.alpha(), a, aOff, lda,
                        b, bOff, ldb, c.beta(), c0[idx]);
                Compare.close(expected[idx], actual[idx], tol,
                        c + " " + path + ": C[" + i + "][" + j + "]");
            }
        }
        // vecprop's order of arithmetic: every path, and the scalar implementation, performs the
        // same FMAs in the same depth blocks and the same epilogue, so all agree bit for bit.
        float[] scalar = c0.clone();
        ScalarKernels.INSTANCE.gemm(c.transA(), c.transB(), m, n, k, c.alpha(), a, aOff, lda,
                b, bOff, ldb, c.beta(), scalar, cOff, ldc, null, 0, Kernels.IDENTITY, null);
        for (Path path : results.keySet()) {
            Compare.sameArray(scalar, results.get(path), c + " " + path + " vs the scalar implementation");
        }
    }

    /**
     * The bound of the class comment for element (i, j) of {@code alpha op(A) op(B) + beta c}:
     * {@code (2k + 5) * (u * T + 2^-150 * (1 + |alpha|))}, with {@code T = |alpha| * sum_p
     * |a_ip b_pj| + |beta c|} (non-finite products left out: they make the result non-finite,
     * which is compared by class).
     */
    public static double bound(boolean transA, boolean transB, int i, int j, int k, float alpha,
                               float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                               float beta, float cOld) {
        double sum = 0;
        if (alpha != 0f) {
            for (int p = 0; p < k; p++) {
                float ap = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                float bp = transB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                double prod = Math.abs((double) ap * bp);
                if (Double.isFinite(prod)) {
                    sum += prod;
                }
            }
        }
        double t = Math.abs(alpha) * sum + (beta == 0f ? 0 : Math.abs((double) beta * cOld));
        return (2.0 * k + 5) * (Compare.U * t + Compare.SUBNORMAL_ROUNDING * (1 + Math.abs(alpha)));
    }
}

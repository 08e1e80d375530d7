package org.vecprop.kernel;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.internal.gemm.GemmBlocking;
import org.vecprop.internal.gemm.GemmBlocking.Path;

/**
 * GEMM against the scalar reference, on each SIMD path (tiny, direct, packed) and the automatic
 * choice.
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
class GemmPropertiesTest {

    /** One generated call: shapes, layout slack, flags, scalars and data seed. */
    record Case(boolean transA, boolean transB, int m, int n, int k, int[] slack,
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

    static Gen<Case> cases(int maxDim) {
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

    @Test
    void matchesReferenceOnEveryPath() {
        Props.theory().forAll(cases(300)).checkAssert(GemmPropertiesTest::check);
    }

    @Test
    void betaZeroNeverReadsC() {
        // C starts as NaN; with beta = 0 and finite inputs no NaN may survive.
        Props.theory(Props.EXAMPLES / 2).forAll(cases(100)).checkAssert(c -> check(
                new Case(c.transA(), c.transB(), c.m(), c.n(), c.k(), c.slack(), c.alpha(), 0f,
                        c.seed(), 0)));
    }

    /**
     * Every remainder of m modulo MR and of n modulo the vector length and NR, on both paths and
     * in all four transposes: a deterministic sweep, so no remainder is left to chance.
     */
    @Test
    void everyTileRemainder() {
        int nr = Math.max(GemmBlocking.NR, 16);
        long seed = 1;
        for (Path forced : new Path[] {Path.TINY, Path.DIRECT, Path.PACKED}) {
            for (int flags = 0; flags < 4; flags++) {
                for (int m = 1; m <= 2 * GemmBlocking.MR + 1; m++) {
                    for (int n = 1; n <= 2 * nr + 1; n++) {
                        for (int k : new int[] {1, 3, 17}) {
                            check(new Case((flags & 1) != 0, (flags & 2) != 0, m, n, k,
                                    new int[] {1, 0, 0, 2, 3, 1}, 1f, 0.5f, seed++, 0), forced);
                        }
                    }
                }
            }
        }
    }

    /**
     * The fused epilogue, {@code C = f(alpha op(A) op(B) + beta C + bias)}, against the
     * reference GEMM followed by the reference bias add and ReLU. If the two GEMM values x and y
     * differ by at most T (the bound above), the bias add and ReLU keep them within
     * {@code T (1 + u) + 2u (|x| + |bias|)}: ReLU is 1-Lipschitz and each side rounds its sum once.
     */
    @Test
    void fusedBiasAndReluMatchTheComposition() {
        Props.theory(Props.EXAMPLES / 2).forAll(cases(150), Generate.booleans(), Generate.booleans())
                .checkAssert((c, withBias, relu) -> {
            Random rnd = new Random(c.seed() + 17);
            int m = c.m(), n = c.n(), k = c.k();
            int lda = Math.max(1, c.transA() ? m : k), ldb = Math.max(1, c.transB() ? k : n);
            int ldc = Math.max(1, n) + 1;
            float[] a = Values.random(rnd, (c.transA() ? k : m) * lda, c.specialPermille(), 1f);
            float[] b = Values.random(rnd, (c.transB() ? n : k) * ldb, c.specialPermille(), 1f);
            float[] bias = withBias ? Values.random(rnd, n + 2, c.specialPermille(), 1f) : null;
            float[] c0 = Values.random(rnd, m * ldc, 0, 1f);
            float[] gemmOnly = c0.clone();
            org.vecprop.reference.ReferenceGemm.multiply(c.transA(), c.transB(), m, n, k, c.alpha(),
                    a, 0, lda, b, 0, ldb, c.beta(), gemmOnly, 0, ldc);
            float[] expected = gemmOnly.clone();
            if (withBias) {
                org.vecprop.reference.ReferenceBias.add(m, n, expected, 0, ldc, bias, 2, expected, 0, ldc);
            }
            if (relu) {
                org.vecprop.reference.ReferenceRelu.forward(m, n, expected, 0, ldc, expected, 0, ldc);
            }
            for (Path path : Path.values()) {
                float[] actual = c0.clone();
                if (path == Path.AUTO) {
                    Gemm.multiplyBiasActivation(c.transA(), c.transB(), m, n, k, c.alpha(), a, 0, lda, b, 0, ldb,
                            c.beta(), actual, 0, ldc, bias, 2, relu ? Activation.RELU : Activation.IDENTITY);
                } else {
                    ForcedPath.multiply(path,c.transA(), c.transB(), m, n, k, c.alpha(), a, 0, lda, b, 0, ldb,
                            c.beta(), actual, 0, ldc, bias, 2, relu, null);
                }
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        int idx = i * ldc + j;
                        double sum = 0;
                        for (int p = 0; p < k; p++) {
                            float ap = c.transA() ? a[p * lda + i] : a[i * lda + p];
                            float bp = c.transB() ? b[j * ldb + p] : b[p * ldb + j];
                            double prod = Math.abs((double) ap * bp);
                            sum += Double.isFinite(prod) ? prod : 0;
                        }
                        double t = Math.abs(c.alpha()) * sum + Math.abs((double) c.beta() * c0[idx]);
                        double gemmTol = (2.0 * k + 5) * (Compare.U * t
                                + Compare.SUBNORMAL_ROUNDING * (1 + Math.abs(c.alpha())));
                        double x = Float.isFinite(gemmOnly[idx]) ? Math.abs(gemmOnly[idx]) : 0;
                        double bj = withBias && Float.isFinite(bias[2 + j]) ? Math.abs(bias[2 + j]) : 0;
                        double tol = gemmTol * (1 + Compare.U) + 2 * Compare.U * (x + bj)
                                + 2 * Compare.SUBNORMAL_ROUNDING;
                        Compare.close(expected[idx], actual[idx], tol, c + " bias=" + withBias
                                + " relu=" + relu + " " + path + ": C[" + i + "][" + j + "]");
                    }
                }
            }
        });
    }

    static void check(Case c) {
        check(c, null);
    }

    /** Runs one case through the given path, or all three when {@code only} is null. */
    static void check(Case c, Path only) {
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
                        null, 0, false, new GemmWorkspace());
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
                double sum = 0;
                if (c.alpha() != 0f) {
                    for (int p = 0; p < k; p++) {
                        float ap = c.transA() ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                        float bp = c.transB() ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                        double prod = Math.abs((double) ap * bp);
                        if (Double.isFinite(prod)) {
                            sum += prod;
                        }
                    }
                }
                double t = Math.abs(c.alpha()) * sum
                        + (c.beta() == 0f ? 0 : Math.abs((double) c.beta() * c0[idx]));
                double tol = (2.0 * k + 5) * (Compare.U * t
                        + Compare.SUBNORMAL_ROUNDING * (1 + Math.abs(c.alpha())));
                Compare.close(expected[idx], actual[idx], tol,
                        c + " " + path + ": C[" + i + "][" + j + "]");
            }
        }
        // With B untransposed every path does the same FMAs in the same depth blocks, so their
        // results must agree bit for bit (the tiny path has no depth blocks: only for k <= KC).
        if (!c.transB() && Simd.enabled() && results.containsKey(Path.PACKED)) {
            float[] packed = results.get(Path.PACKED);
            for (Path path : results.keySet()) {
                if (path != Path.TINY || k <= GemmBlocking.KC) {
                    Compare.sameArray(packed, results.get(path), c + " " + path + " vs PACKED");
                }
            }
        }
    }
}

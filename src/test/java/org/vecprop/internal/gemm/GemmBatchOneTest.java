package org.vecprop.internal.gemm;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.vecprop.internal.Kernels;
import org.vecprop.internal.scalar.ScalarKernels;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.testing.Compare;
import org.vecprop.testing.GemmCheck;
import org.vecprop.testing.GemmCheck.Case;
import org.vecprop.testing.Props;
import org.vecprop.testing.Values;
import org.vecprop.testing.VectorLength;

/**
 * The direct path's one-row kernels, which serve batch-1 products (and the last row of a batch
 * of three): sixteen vectors of C at a time at 512 bits ({@link GemmSmallProblems}'s
 * row16InPlace over B in place, rowPanels8 over packed panels), then eight, then one, then
 * scalars. Widths around 8L, 16L and 32L and between, depths within one depth block and across
 * several, offsets and slack in every operand, beta zero over a NaN-filled C, beta non-zero, and
 * bias with ReLU: within GemmCheck's bound of the reference and bit for bit against the scalar
 * implementation, in place and against a {@link PackedMatrix}, C outside its window untouched.
 */
class GemmBatchOneTest {

    /** Widths of C: around the 8- and 16-vector kernels' edges, and anything up to 40 vectors. */
    private static Gen<Integer> widths() {
        int l = Math.max(1, VectorLength.L);
        return Generate.pick(List.of(8 * l, 16 * l - 1, 16 * l, 16 * l + 1, 24 * l, 24 * l + 3,
                32 * l, 33 * l + 5, 48 * l)).mix(Generate.range(1, 40 * l), 40);
    }

    private static Gen<Integer> depths() {
        return Generate.range(1, 20).mix(Generate.range(120, 300), 50);
    }

    /** In place through the automatic path choice and the direct path forced, A either way. */
    @Test
    void inPlaceAnyWidthAndDepth() {
        Gen<int[]> dims = Generate.range(1, 3).zip(widths(), depths(),
                (m, n, k) -> new int[] {m, n, k});
        Gen<int[]> slack = Generate.intArrays(Generate.constant(6), Props.slack());
        Gen<float[]> scalars = Generate.pick(List.of(1f, -1f, 0.5f, 1.75f))
                .zip(Generate.pick(List.of(0f, 1f, -0.5f, 2f)), (a, b) -> new float[] {a, b});
        Gen<long[]> data = Generate.longRange(0, 1L << 40).zip(Generate.pick(List.of(0, 0, 0, 20)),
                Generate.booleans(), (sd, sp, ta) -> new long[] {sd, sp, ta ? 1 : 0});
        Props.theory(60).forAll(dims.zip(slack, scalars, data, (d, sl, sc, da) -> new Case(
                da[2] != 0, false, d[0], d[1], d[2], sl, sc[0], sc[1], da[0], (int) da[1])))
                .checkAssert(c -> {
                    GemmCheck.check(c, GemmBlocking.Path.AUTO);
                    GemmCheck.check(c, GemmBlocking.Path.DIRECT);
                });
    }

    /**
     * With bias and ReLU, B in place and packed: the same bits as the scalar implementation (which
     * applies the bias and the activation after the same blocked sums), and C outside the window
     * untouched; beta 0 over a C full of NaN.
     */
    @Test
    void biasReluInPlaceAndPacked() {
        Gen<int[]> dims = Generate.range(1, 3).zip(widths(), depths(),
                (m, n, k) -> new int[] {m, n, k});
        Gen<long[]> rest = Generate.longRange(0, 1L << 40).zip(Generate.range(0, 7),
                Generate.booleans(), (sd, off, ta) -> new long[] {sd, off, ta ? 1 : 0});
        Props.theory(60).forAll(dims, rest).checkAssert((d, r) -> checkBiasRelu(d[0], d[1], d[2],
                r[2] != 0, (int) r[1], r[0]));
    }

    private static void checkBiasRelu(int m, int n, int k, boolean transA, int off, long seed) {
        Random rnd = new Random(seed);
        float alpha = 0.75f, beta = (seed & 1) == 0 ? 0f : -1.5f;
        int aOff = off, bOff = 2 * off % 5, cOff = off % 3, biasOff = off % 4;
        int lda = (transA ? m : k) + off % 2, ldb = n + off % 3, ldc = n + 1;
        float[] a = Values.random(rnd, aOff + (transA ? k : m) * lda, 0, 1f);
        float[] b = Values.random(rnd, bOff + k * ldb, 0, 1f);
        float[] bias = Values.random(rnd, biasOff + n, 0, 1f);
        float[] c0 = Values.random(rnd, cOff + m * ldc, 0, 1f);
        if (beta == 0f) {
            Arrays.fill(c0, Float.NaN); // must not leak into the result
        }
        float[] expected = c0.clone();
        ScalarKernels.INSTANCE.gemm(transA, false, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta,
                expected, cOff, ldc, bias, biasOff, Kernels.RELU, null);
        float[] inPlace = c0.clone();
        Gemm.multiplyBiasActivation(transA, false, m, n, k, alpha, a, aOff, lda, b, bOff, ldb, beta,
                inPlace, cOff, ldc, bias, biasOff, Activation.RELU);
        float[] packed = c0.clone();
        Gemm.multiplyPackedBiasActivation(transA, m, alpha, a, aOff, lda,
                PackedMatrix.pack(false, k, n, b, bOff, ldb), beta, packed, cOff, ldc, bias, biasOff,
                Activation.RELU);
        String what = (transA ? "T" : "N") + " m=" + m + " n=" + n + " k=" + k + " beta=" + beta
                + " off=" + off;
        Compare.sameArray(expected, inPlace, what + " in place vs the scalar implementation");
        Compare.sameArray(expected, packed, what + " packed vs the scalar implementation");
        float[] reference = c0.clone();
        org.vecprop.reference.ReferenceGemm.multiply(transA, false, m, n, k, alpha, a, aOff, lda, b,
                bOff, ldb, beta, reference, cOff, ldc);
        for (int idx = 0; idx < c0.length; idx++) {
            int rel = idx - cOff, i = rel >= 0 ? rel / ldc : -1, j = rel >= 0 ? rel % ldc : -1;
            if (i < 0 || i >= m || j >= n) {
                Compare.same(c0[idx], inPlace[idx], what + ": C outside the window at " + idx);
                continue;
            }
            double tol = GemmCheck.bound(transA, false, i, j, k, alpha, a, aOff, lda, b, bOff, ldb,
                    beta, c0[idx]);
            // ReLU of the reference plus bias: both move by at most tol plus the bias's rounding.
            float want = Math.max(0f, reference[idx] + bias[biasOff + j]);
            Compare.close(want, inPlace[idx], tol + Math.ulp(Math.abs(want)),
                    what + ": C[" + i + "][" + j + "]");
        }
    }
}

package org.vecprop.tools;

import java.util.Arrays;
import java.util.Random;
import org.bytedeco.openblas.global.openblas;
import org.vecprop.jmh.GemmShape;
import org.vecprop.jmh.RandomData;
import org.vecprop.kernel.Gemm;

/**
 * The GEMM half of the accuracy report: for one shape and one input distribution, the error of
 * vecprop's and OpenBLAS's {@code C = op(A)·op(B)} against a float64 reference, per element
 * divided by the classical bound of a float dot product of length k in any order,
 * <pre>  ratio = |c - c64| / (k · u · Σ_p |a_ip · b_pj|),   u = 2^-24.</pre>
 * The double reference's own error is below 2^-29 of that bound.
 */
final class GemmError {
    static final double U = 0x1p-24;

    private GemmError() {}

    /** Input distributions: label, seeds of A and B. */
    enum Dist {
        /** Uniform in [-1, 1): terms cancel. */
        SIGNED("uniform [-1,1]", 42, 4242, -1f),
        /** Uniform in [0, 1): terms do not cancel. */
        POSITIVE("uniform [0,1]", 43, 4343, 0f);

        final String label;
        final long seedA, seedB;
        private final float lo;

        Dist(String label, long seedA, long seedB, float lo) {
            this.label = label;
            this.seedA = seedA;
            this.seedB = seedB;
            this.lo = lo;
        }

        float[] fill(int size, long seed) {
            return RandomData.uniform(new Random(seed), size, lo, 1f);
        }
    }

    /**
     * Max and mean of the ratio over C, the largest absolute error, where the max is (flat index
     * into C, -1 if C is empty), and whether every repeated call gave bit-identical C.
     */
    record Stats(double maxRatio, double meanRatio, double maxAbs, int argMax, boolean repeatable) {}

    /** One row of the report: a shape and a distribution, vecprop's and OpenBLAS's errors. */
    record Row(String shape, Dist dist, int k, Stats vecprop, Stats openblas) {}

    /**
     * Measures vecprop ({@link Gemm#multiply}) and OpenBLAS ({@code cblas_sgemm}, {@code float[]}
     * overload, row-major; the caller has limited it to one thread) on seeded inputs.
     */
    static Row measure(GemmShape s, Dist d) {
        int m = s.m(), n = s.n(), k = s.k();
        float[] a = d.fill(s.aRows() * s.aCols(), d.seedA);
        float[] b = d.fill(s.bRows() * s.bCols(), d.seedB);

        // Reference in double: op(A) and op(B) widened into plain row-major m x k and k x n.
        double[] c64 = new double[m * n], scale = new double[m * n];
        double[] opA = new double[m * k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                opA[i * k + p] = s.transA() ? a[p * m + i] : a[i * k + p];
            }
        }
        double[] opB = new double[k * n], absB = new double[k * n];
        for (int p = 0; p < k; p++) {
            for (int j = 0; j < n; j++) {
                double v = s.transB() ? b[j * k + p] : b[p * n + j];
                opB[p * n + j] = v;
                absB[p * n + j] = Math.abs(v);
            }
        }
        for (int i = 0; i < m; i++) {
            int ci = i * n;
            for (int p = 0; p < k; p++) {
                double aip = opA[i * k + p], aabs = Math.abs(aip);
                int bp = p * n;
                for (int j = 0; j < n; j++) {
                    c64[ci + j] += aip * opB[bp + j];
                    scale[ci + j] += aabs * absB[bp + j];
                }
            }
        }

        // Enough calls that the last one runs JIT-compiled code: at least 3, up to ~5e8 multiply-adds.
        int reps = (int) Math.max(3, Math.min(50, 5e8 / ((double) m * n * k)));
        float[] c = new float[m * n];
        Stats vp = run(reps, c, () -> Gemm.multiply(s.transA(), s.transB(), m, n, k,
                1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc()), c64, scale, k);
        int ta = s.transA() ? openblas.CblasTrans : openblas.CblasNoTrans;
        int tb = s.transB() ? openblas.CblasTrans : openblas.CblasNoTrans;
        Stats ob = run(reps, c, () -> openblas.cblas_sgemm(openblas.CblasRowMajor, ta, tb, m, n, k,
                1f, a, s.lda(), b, s.ldb(), 0f, c, s.ldc()), c64, scale, k);
        return new Row(s.name(), d, k, vp, ob);
    }

    /** Calls {@code gemm} {@code reps} times (C filled with NaN before each), measures the last result. */
    private static Stats run(int reps, float[] c, Runnable gemm, double[] c64, double[] scale, int k) {
        float[] first = null;
        boolean same = true;
        for (int r = 0; r < reps; r++) {
            Arrays.fill(c, Float.NaN);
            gemm.run();
            if (first == null) {
                first = c.clone();
            } else {
                same &= Arrays.equals(first, c); // Arrays.equals on float[] compares bits
            }
        }
        double max = 0, sum = 0, maxAbs = 0;
        int arg = -1;
        for (int i = 0; i < c.length; i++) {
            double err = Math.abs((double) c[i] - c64[i]);
            double bound = k * U * scale[i];
            double ratio = bound > 0 ? err / bound : (err == 0 ? 0 : Double.POSITIVE_INFINITY);
            if (!(ratio <= max)) { // NaN also lands here and sticks
                max = ratio;
                arg = i;
            }
            sum += ratio;
            maxAbs = Math.max(maxAbs, err);
        }
        return new Stats(max, sum / c.length, maxAbs, arg, same);
    }
}

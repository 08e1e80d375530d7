package org.vecprop.jmh;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One GEMM problem as the benchmarks name it: {@code MxKxN} with an optional {@code :XY} suffix.
 *
 * <h2>Notation</h2>
 * {@code MxKxN[:XY]} computes {@code C (M x N) = op(A) (M x K) * op(B) (K x N)}, row-major, where
 * {@code X} is the op of A and {@code Y} the op of B, each {@code N} (as stored) or {@code T}
 * (transposed). A missing suffix means {@code :NN}. So the stored operands are:
 * <ul>
 *   <li>A: {@code M x K} for {@code N}, {@code K x M} for {@code T} (leading dimension = its columns);</li>
 *   <li>B: {@code K x N} for {@code N}, {@code N x K} for {@code T};</li>
 *   <li>C: always {@code M x N}, leading dimension {@code N}.</li>
 * </ul>
 * Examples: {@code 256x256x256} is a plain square product; {@code 784x64x256:TN} is
 * {@code Xᵀ·dZ} with X stored {@code 64 x 784} (batch x features) and dZ stored {@code 64 x 256};
 * {@code 64x128x256:NT} is {@code dZ·Wᵀ} with dZ stored {@code 64 x 128} and W stored
 * {@code 256 x 128} (in x out).
 *
 * <p>The same letters as BLAS' {@code transa}/{@code transb}, and the same arguments as
 * {@code Gemm.multiply(transA, transB, m, n, k, ...)}: note the order there is M, N, K while the
 * name here reads M, K, N, the order of the chain {@code (M x K)(K x N)}.
 */
public record GemmShape(String name, int m, int k, int n, boolean transA, boolean transB) {
    private static final Pattern SYNTAX =
            Pattern.compile("(\\d+)x(\\d+)x(\\d+)(?::([NT])([NT]))?");

    /**
     * A shape from its parts; {@link #parse} is the usual way to make one.
     *
     * @throws IllegalArgumentException if a dimension is below 1 or the name is null
     */
    public GemmShape {
        if (name == null) {
            throw new IllegalArgumentException("name must not be null");
        }
        if (m < 1 || k < 1 || n < 1) {
            throw new IllegalArgumentException("shape '" + name + "' has a dimension below 1: m = "
                    + m + ", k = " + k + ", n = " + n);
        }
    }

    /** Parses {@code MxKxN[:XY]}; throws {@link IllegalArgumentException} with the syntax otherwise. */
    public static GemmShape parse(String s) {
        Matcher mt = SYNTAX.matcher(s.trim());
        if (!mt.matches()) {
            throw new IllegalArgumentException("shape '" + s + "' is not MxKxN[:XY] with X, Y in {N, T},"
                    + " e.g. 256x256x256 or 784x64x256:TN");
        }
        int m = Integer.parseInt(mt.group(1));
        int k = Integer.parseInt(mt.group(2));
        int n = Integer.parseInt(mt.group(3));
        boolean ta = "T".equals(mt.group(4));
        boolean tb = "T".equals(mt.group(5));
        return new GemmShape(s, m, k, n, ta, tb);
    }

    /** @return rows of stored A */
    public int aRows() { return transA ? k : m; }
    /** @return columns of stored A, which is its leading dimension */
    public int aCols() { return transA ? m : k; }
    /** @return rows of stored B */
    public int bRows() { return transB ? n : k; }
    /** @return columns of stored B, which is its leading dimension */
    public int bCols() { return transB ? k : n; }

    /** @return the leading dimension of stored A */
    public int lda() { return aCols(); }
    /** @return the leading dimension of stored B */
    public int ldb() { return bCols(); }
    /** @return the leading dimension of C, {@code n} */
    public int ldc() { return n; }

    /** @return floating-point operations of one product, counting a multiply-add as two */
    public double flops() { return 2.0 * m * k * n; }

    /** @return stored A filled with seeded uniform values in [-1, 1) */
    public float[] randomA(long seed) { return RandomData.uniform(seed, aRows() * aCols()); }

    /** @return stored B filled with seeded uniform values in [-1, 1) */
    public float[] randomB(long seed) { return RandomData.uniform(seed, bRows() * bCols()); }

    /**
     * Throws if {@code actual} and {@code expected} (both {@code M x N}) differ anywhere by more than
     * {@code 1e-3 * K}, or if either holds a NaN: a benchmark must not time a broken product.
     */
    public void check(String what, float[] actual, String against, float[] expected) {
        double tol = 1e-3 * k;
        for (int i = 0; i < m * n; i++) {
            double d = Math.abs((double) actual[i] - expected[i]);
            if (!(d <= tol)) { // also catches NaN
                throw new IllegalStateException(String.format(
                        "%s: %s disagrees with %s at C[%d][%d]: %s vs %s (tolerance %.3g)",
                        name, what, against, i / n, i % n, actual[i], expected[i], tol));
            }
        }
        if (allZero(expected)) { // random inputs never give an all-zero C: nothing was computed
            throw new IllegalStateException(name + ": " + against + " produced an all-zero C");
        }
    }

    private static boolean allZero(float[] x) {
        for (float v : x) {
            if (v != 0f) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return name;
    }
}

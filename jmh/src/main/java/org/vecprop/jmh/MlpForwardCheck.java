package org.vecprop.jmh;

/**
 * The exact forward pass of a ReLU MLP (identity output layer, bias everywhere), in double, on
 * given float32 weights, biases and input, and a per-output bound on how far any float32
 * evaluation of the same network may lie from it; {@link #check} holds an implementation to it.
 *
 * <h2>The bound</h2>
 * Let {@code a_l} be the exact activations of layer l (a_0 = x, exact) and {@code â_l} an
 * implementation's float32 ones, with {@code |â_l - a_l| <= e_l} elementwise (e_0 = 0). A layer of
 * k inputs computes {@code ẑ_j = fl(Σ_p â_p·W_pj + b_j)}: a sum of k + 1 terms, which in any
 * order, with or without FMA, in any blocking, errs by at most
 * {@code γ_{k+1}·(Σ_p |â_p|·|W_pj| + |b_j|)}, {@code γ_n = n·u / (1 - n·u)}, {@code u = 2^-24}
 * (Higham, Accuracy and Stability of Numerical Algorithms, 2nd ed., §3.1). The input error adds
 * {@code Σ_p |W_pj|·e_p}, and ReLU is exact and 1-Lipschitz, so
 * <pre>  e_{l+1} = |W|ᵀ·e_l + g·(|W|ᵀ·(|a_l| + e_l) + |b|),   g = γ_{k+1}(2^-24) + γ_{k+1}(2^-53)</pre>
 * (the second γ covers the double reference's own rounding). Any correct float32 implementation
 * is within {@code e_L} of the reference, so two of them are within {@code 2·e_L} of each other.
 * A wiring mistake (a transposed W, a missing bias or ReLU) misses by orders of magnitude more:
 * with k = 784, g·Σ|W||a| is about 5e-5 of the terms' scale.
 */
final class MlpForwardCheck {
    private static final double U32 = 0x1p-24, U64 = 0x1p-53;

    private final double[] exact, bound;
    private final int outputs;
    private final int clipped, hidden;

    private MlpForwardCheck(double[] exact, double[] bound, int outputs, int clipped, int hidden) {
        this.exact = exact;
        this.bound = bound;
        this.outputs = outputs;
        this.clipped = clipped;
        this.hidden = hidden;
    }

    /**
     * The reference and bound for {@code batch} rows of {@code x}.
     *
     * @param w per layer, {@code sizes[l] x sizes[l + 1]} row-major
     * @param b per layer, {@code sizes[l + 1]}
     * @param x {@code batch x sizes[0]} row-major
     */
    static MlpForwardCheck of(int[] sizes, int batch, float[][] w, float[][] b, float[] x) {
        int layers = sizes.length - 1;
        double[] a = new double[batch * sizes[0]], e = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            a[i] = x[i];
        }
        int clipped = 0, hidden = 0;
        for (int l = 0; l < layers; l++) {
            int k = sizes[l], n = sizes[l + 1];
            double g = gamma(k + 1, U32) + gamma(k + 1, U64);
            double[] z = new double[batch * n], ez = new double[batch * n];
            for (int i = 0; i < batch; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = b[l][j], propagated = 0, scale = Math.abs(b[l][j]);
                    for (int p = 0; p < k; p++) {
                        double wpj = w[l][p * n + j], ap = a[i * k + p], ep = e[i * k + p];
                        sum += ap * wpj;
                        propagated += Math.abs(wpj) * ep;
                        scale += Math.abs(wpj) * (Math.abs(ap) + ep);
                    }
                    z[i * n + j] = sum;
                    ez[i * n + j] = propagated + g * scale;
                }
            }
            if (l < layers - 1) {
                for (int i = 0; i < z.length; i++) {
                    if (z[i] < 0) {
                        z[i] = 0;
                        clipped++;
                    }
                }
                hidden += z.length;
            }
            a = z;
            e = ez;
        }
        return new MlpForwardCheck(a, e, sizes[layers], clipped, hidden);
    }

    private static double gamma(int n, double u) {
        return n * u / (1 - n * u);
    }

    /**
     * Throws unless every hidden layer's ReLU clipped some but not all of its inputs, so that a
     * missing or misplaced ReLU cannot pass {@link #check}.
     */
    void requireReluActive(String where) {
        if (clipped == 0 || clipped == hidden) {
            throw new IllegalStateException(where + ": ReLU clips " + clipped + " of " + hidden
                    + " hidden values in the reference: the data cannot tell a missing ReLU");
        }
    }

    /**
     * Throws unless {@code got} is within the bound of the exact output everywhere (NaN fails).
     *
     * @return the largest {@code |got - exact| / bound}, at most 1
     */
    double check(String where, String name, float[] got) {
        double worst = 0;
        for (int i = 0; i < exact.length; i++) {
            double err = Math.abs(got[i] - exact[i]);
            if (!(err <= bound[i])) {
                throw new IllegalStateException(String.format(
                        "%s: %s output [%d][%d] is %s, the float64 reference %s: error %.3g > bound %.3g",
                        where, name, i / outputs, i % outputs, got[i], exact[i], err, bound[i]));
            }
            worst = Math.max(worst, err / bound[i]);
        }
        return worst;
    }

    /**
     * Throws unless {@code got} and {@code expected} (two float32 evaluations) differ by at most
     * twice the bound everywhere.
     *
     * @return the largest {@code |got - expected| / (2·bound)}, at most 1
     */
    double checkAgainst(String where, String name, float[] got, String expectedName, float[] expected) {
        double worst = 0;
        for (int i = 0; i < exact.length; i++) {
            double d = Math.abs((double) got[i] - expected[i]), tol = 2 * bound[i];
            if (!(d <= tol)) {
                throw new IllegalStateException(String.format(
                        "%s: %s output [%d][%d] is %s, %s's %s: difference %.3g > 2·bound %.3g",
                        where, name, i / outputs, i % outputs, got[i], expectedName, expected[i], d, tol));
            }
            worst = Math.max(worst, d / tol);
        }
        return worst;
    }

    /** The exact outputs, {@code batch x outputs} row-major (not a copy: do not write). */
    double[] exactOutputs() {
        return exact;
    }

    /** The per-output bounds beside {@link #exactOutputs} (not a copy: do not write). */
    double[] bounds() {
        return bound;
    }

    /** @return the largest bound over the outputs, for the log */
    double maxBound() {
        double m = 0;
        for (double v : bound) {
            m = Math.max(m, v);
        }
        return m;
    }
}

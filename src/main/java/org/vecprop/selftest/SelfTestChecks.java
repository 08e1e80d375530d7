package org.vecprop.selftest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Workspace;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.kernel.Relu;
import org.vecprop.kernel.Simd;
import org.vecprop.kernel.Stats;
import org.vecprop.kernel.Update;

/**
 * The comparisons {@link SelfTest} makes: each public kernel against the oracle on generated
 * inputs, with the error bounds the kernels' javadoc states (README, "Accuracy"):
 * <ul>
 *   <li>GEMM: per element within {@code (2k + 5) * 2^-24 * (|alpha| sum|a b| + |beta c|)}, plus
 *       {@code (2k + 5) * 2^-150 * (1 + |alpha|)} for roundings among the subnormals; NaN where
 *       the oracle has NaN, the same infinity where it has one; C outside the window untouched;
 *       the workspace, parallel and MemorySegment entry points, and those with B packed
 *       beforehand, bit-identical to the plain call.
 *       The fused bias and ReLU: that bound, plus {@code 2 * 2^-24 * (|z| + |bias|)}.</li>
 *   <li>ReLU, its mask and backward, bias add and gradient, MSE gradient, SGD: bit-identical.</li>
 *   <li>Sigmoid and tanh, forward and backward from the stored activation: within the ulp
 *       bounds their javadoc states of the exact function in double (sigmoid 0.86 ulp for
 *       {@code x >= 0}, 1.92 below, 0.91 where subnormal; tanh 1.1 ulps for {@code |x| < 0.625},
 *       1.0 beyond; backward 1.5 ulps, 1 where subnormal); NaN exactly where the truth is NaN.</li>
 *   <li>MSE loss: within {@code 40 * 2^-24} relative. Summaries: counts and maximum exact, sum
 *       of squares within {@code (cols / L + L) * 2^-24} relative, L the lanes per vector.</li>
 * </ul>
 * Counts one check per compared call, and keeps the first failures in words.
 */
final class SelfTestChecks {
    /** Unit roundoff of float32. */
    static final double U = 0x1p-24;
    /** The absolute error of one rounding in the subnormal range. */
    static final double SUBNORMAL = 0x1p-150;
    /** Failures described in full; the rest are only counted. */
    static final int MAX_DESCRIBED = 20;

    private static final float[] SPECIALS = {
        Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, -0f, 0f,
        Float.MIN_VALUE, -Float.MIN_VALUE, 3.5e-39f, Float.MIN_NORMAL
    };

    private static final float[] LEARNING_RATES = {0.01f, 0.05f, 0.1f}, MOMENTA = {0f, 0.9f}, DECAYS = {0f, 1e-4f};

    private final SelfTestOracle oracle;
    private final SplittableRandom rnd;
    private final Executor executor;
    /** False for the warm-up: call the kernels on the same inputs, compare nothing. */
    private final boolean compare;
    /** Per operation: checks made, failures. */
    final Map<String, long[]> tally = new LinkedHashMap<>();
    final List<String> failures = new ArrayList<>();
    long failed;
    /** Problems run (each through all its kernels), compared or not. */
    long problems;

    /**
     * @param oracle what to compare with
     * @param seed the input generator's seed
     * @param executor for the parallel GEMM
     * @param compare false to only call the kernels (the warm-up, which so compiles the kernels
     *     on the same variety of shapes, strides and values as the checks will use)
     */
    SelfTestChecks(SelfTestOracle oracle, long seed, Executor executor, boolean compare) {
        this.oracle = oracle;
        this.rnd = new SplittableRandom(seed);
        this.executor = executor;
        this.compare = compare;
    }

    long checks() {
        long n = 0;
        for (long[] t : tally.values()) {
            n += t[0];
        }
        return n;
    }

    // ------------------------------------------------------------------ bookkeeping

    /** Counts one check of {@code op}; a non-null {@code problem} is a failure. */
    private void record(String op, String problem) {
        if (!compare) {
            return;
        }
        long[] t = tally.computeIfAbsent(op, x -> new long[2]);
        t[0]++;
        if (problem != null) {
            t[1]++;
            failed++;
            if (failures.size() < MAX_DESCRIBED) {
                failures.add(op + ": " + problem);
            }
        }
    }

    /** Null if the two arrays have the same bits (NaN payloads aside), else where they differ. */
    static String sameBits(float[] expected, float[] actual) {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                return "element " + i + ": expected " + expected[i] + ", got " + actual[i] + " (bit-identical required)";
            }
        }
        return null;
    }

    /** Null if {@code actual} matches {@code expected} by class, and within {@code tol} if finite. */
    static String close(double expected, double actual, double tol) {
        if (Double.isNaN(expected)) {
            return Double.isNaN(actual) ? null : "expected NaN, got " + actual;
        }
        if (Double.isInfinite(expected)) {
            return actual == expected ? null : "expected " + expected + ", got " + actual;
        }
        if (!Double.isFinite(actual) || Math.abs(actual - expected) > tol) {
            return "expected " + expected + " +- " + tol + ", got " + actual;
        }
        return null;
    }

    /**
     * Runs one group of checks; a kernel or oracle that throws on valid input (as miscompiled
     * code may) is a failure of the group, not the end of the self-test.
     */
    void guarded(String what, Runnable checks) {
        try {
            checks.run();
        } catch (OutOfMemoryError e) {
            throw e;
        } catch (RuntimeException | Error e) {
            record(what, "threw " + e);
        }
    }

    float[] values(int n, int specialPermille) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = rnd.nextInt(1000) < specialPermille ? SPECIALS[rnd.nextInt(SPECIALS.length)]
                    : (float) rnd.nextDouble(-1, 1);
        }
        return x;
    }

    int nextInt(int bound) {
        return rnd.nextInt(bound);
    }

    boolean nextBoolean() {
        return rnd.nextBoolean();
    }

    float pick(float[] choices) {
        return choices[rnd.nextInt(choices.length)];
    }

    int pick(int[] choices) {
        return choices[rnd.nextInt(choices.length)];
    }

    // ------------------------------------------------------------------ GEMM

    /**
     * One GEMM problem through every GEMM entry point: the plain call against the oracle, the
     * workspace, parallel and segment calls against the plain call's bits.
     */
    void gemm(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta, int specials) {
        problems++;
        int aRows = ta ? k : m, aCols = ta ? m : k, bRows = tb ? n : k, bCols = tb ? k : n;
        int lda = Math.max(1, aCols) + rnd.nextInt(3), ldb = Math.max(1, bCols) + rnd.nextInt(3);
        int ldc = Math.max(1, n) + rnd.nextInt(3), cOff = rnd.nextInt(3);
        float[] a = values(aRows * lda, specials), b = values(bRows * ldb, specials);
        float[] c0 = values(cOff + m * ldc + 1, specials);
        if (beta == 0f) {
            Arrays.fill(c0, Float.NaN); // must not leak into the result
        }
        String shape = (ta ? "T" : "N") + (tb ? "T" : "N") + " " + m + "x" + n + "x" + k
                + " alpha " + alpha + " beta " + beta + (specials > 0 ? " with special values" : "");
        float[] actual = c0.clone();
        Gemm.multiply(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, actual, cOff, ldc);
        float[] withWorkspace = c0.clone();
        Gemm.multiply(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, withWorkspace, cOff, ldc,
                new Workspace());
        float[] parallel = c0.clone();
        int parts = 1 + rnd.nextInt(4);
        Gemm.multiplyParallel(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, parallel, cOff, ldc,
                executor, parts);
        // B packed beforehand: the same bits as the plain call, in every form.
        PackedMatrix packed = PackedMatrix.pack(tb, k, n, b, 0, ldb);
        float[] viaPacked = c0.clone();
        Gemm.multiplyPacked(ta, m, alpha, a, 0, lda, packed, beta, viaPacked, cOff, ldc);
        float[] packedParallel = c0.clone();
        Gemm.multiplyPackedParallel(ta, m, alpha, a, 0, lda, packed, beta, packedParallel, cOff, ldc,
                executor, parts, new Workspace());
        float[] segment, packedSegment;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = arena.allocateFrom(ValueLayout.JAVA_FLOAT, a);
            MemorySegment sb = arena.allocateFrom(ValueLayout.JAVA_FLOAT, b);
            MemorySegment sc = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c0);
            Gemm.multiply(ta, tb, m, n, k, alpha, sa, 0, lda, sb, 0, ldb, beta, sc, cOff, ldc);
            segment = sc.toArray(ValueLayout.JAVA_FLOAT);
            MemorySegment sp = arena.allocateFrom(ValueLayout.JAVA_FLOAT, c0);
            Gemm.multiplyPacked(ta, m, alpha, sa, 0, lda, packed, beta, sp, cOff, ldc);
            packedSegment = sp.toArray(ValueLayout.JAVA_FLOAT);
        }
        if (!compare) {
            return;
        }
        float[] expected = c0.clone();
        oracle.gemm(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, expected, cOff, ldc);
        String problem = null;
        for (int idx = 0; idx < actual.length && problem == null; idx++) {
            int rel = idx - cOff, i = rel >= 0 ? rel / ldc : -1, j = rel >= 0 ? rel % ldc : -1;
            if (i < 0 || i >= m || j >= n) {
                if (Float.floatToIntBits(c0[idx]) != Float.floatToIntBits(actual[idx])) {
                    problem = "C[" + idx + "] outside the m x n window was written";
                }
                continue;
            }
            double tol = (2.0 * k + 5) * (U * magnitude(ta, tb, k, alpha, a, lda, b, ldb, i, j, beta, c0[idx])
                    + SUBNORMAL * (1 + Math.abs(alpha)));
            String p = close(expected[idx], actual[idx], tol);
            if (p != null) {
                problem = "C[" + i + "][" + j + "]: " + p;
            }
        }
        record("Gemm.multiply", problem == null ? null : shape + ": " + problem);
        record("Gemm.multiply(workspace)", describe(shape, sameBits(actual, withWorkspace)));
        record("Gemm.multiplyParallel", describe(shape, sameBits(actual, parallel)));
        record("Gemm.multiply(MemorySegment)", describe(shape, sameBits(actual, segment)));
        record("Gemm.multiplyPacked", describe(shape, sameBits(actual, viaPacked)));
        record("Gemm.multiplyPackedParallel(workspace)", describe(shape, sameBits(actual, packedParallel)));
        record("Gemm.multiplyPacked(MemorySegment)", describe(shape, sameBits(actual, packedSegment)));
    }

    private static String describe(String shape, String problem) {
        return problem == null ? null : shape + ": " + problem;
    }

    /** {@code |alpha| sum_p |a_ip b_pj| + |beta c_ij|} over the finite products. */
    private static double magnitude(boolean ta, boolean tb, int k, float alpha, float[] a, int lda,
                                    float[] b, int ldb, int i, int j, float beta, float cij) {
        double sum = 0;
        if (alpha != 0f) {
            for (int p = 0; p < k; p++) {
                double prod = Math.abs((double) (ta ? a[p * lda + i] : a[i * lda + p])
                        * (tb ? b[j * ldb + p] : b[p * ldb + j]));
                sum += Double.isFinite(prod) ? prod : 0;
            }
        }
        double c = beta == 0f ? 0 : Math.abs((double) beta * cij);
        return Math.abs(alpha) * sum + (Double.isFinite(c) ? c : 0);
    }

    /** The fused product, bias and ReLU against the oracle's GEMM, bias add and ReLU in turn. */
    void gemmFused(boolean ta, boolean tb, int m, int n, int k, float alpha, float beta,
                   boolean withBias, boolean relu, int specials) {
        problems++;
        int lda = Math.max(1, ta ? m : k), ldb = Math.max(1, tb ? k : n), ldc = Math.max(1, n) + 1;
        float[] a = values((ta ? k : m) * lda, specials), b = values((tb ? n : k) * ldb, specials);
        float[] bias = withBias ? values(n, specials) : null;
        float[] c0 = values(m * ldc, 0);
        float[] actual = c0.clone();
        Gemm.multiplyBiasActivation(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, actual, 0, ldc,
                bias, 0, relu ? Activation.RELU : Activation.IDENTITY);
        if (!compare) {
            return;
        }
        float[] gemmOnly = c0.clone();
        oracle.gemm(ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, gemmOnly, 0, ldc);
        float[] expected = gemmOnly.clone();
        if (withBias) {
            oracle.biasAdd(m, n, expected, 0, ldc, bias, 0, expected, 0, ldc);
        }
        if (relu) {
            oracle.reluForward(m, n, expected, 0, ldc, expected, 0, ldc);
        }
        String problem = null;
        for (int i = 0; i < m && problem == null; i++) {
            for (int j = 0; j < n && problem == null; j++) {
                int idx = i * ldc + j;
                double gemmTol = (2.0 * k + 5) * (U * magnitude(ta, tb, k, alpha, a, lda, b, ldb, i, j, beta, c0[idx])
                        + SUBNORMAL * (1 + Math.abs(alpha)));
                double z = Float.isFinite(gemmOnly[idx]) ? Math.abs(gemmOnly[idx]) : 0;
                double bj = withBias && Float.isFinite(bias[j]) ? Math.abs(bias[j]) : 0;
                double tol = gemmTol * (1 + U) + 2 * U * (z + bj) + 2 * SUBNORMAL;
                String p = close(expected[idx], actual[idx], tol);
                if (p != null) {
                    problem = "C[" + i + "][" + j + "]: " + p;
                }
            }
        }
        record("Gemm.multiplyBiasActivation", problem == null ? null : (ta ? "T" : "N") + (tb ? "T" : "N")
                + " " + m + "x" + n + "x" + k + " bias " + withBias + " relu " + relu + ": " + problem);
    }

    // ------------------------------------------------------------------ element-wise

    /** Every element-wise kernel on one {@code rows x cols} shape with row strides. */
    void elementwise(int rows, int cols, int specials) {
        problems++;
        int ld = Math.max(1, cols) + rnd.nextInt(3), size = Math.max(1, rows * ld);
        String shape = rows + "x" + cols + " ld " + ld + (specials > 0 ? " with special values" : "");
        float[] x = values(size, specials), y = values(size, specials), out0 = values(size, 0);

        float[] expected = out0.clone(), actual = out0.clone();
        oracle.reluForward(rows, cols, x, 0, ld, expected, 0, ld);
        Relu.forward(rows, cols, x, 0, ld, actual, 0, ld);
        record("Relu.forward", describe(shape, sameBits(expected, actual)));

        expected = out0.clone();
        actual = out0.clone();
        oracle.reluMask(rows, cols, x, 0, ld, expected, 0, ld);
        Relu.mask(rows, cols, x, 0, ld, actual, 0, ld);
        record("Relu.mask", describe(shape, sameBits(expected, actual)));

        expected = out0.clone();
        actual = out0.clone();
        oracle.reluBackward(rows, cols, x, 0, ld, y, 0, ld, expected, 0, ld);
        Relu.backward(rows, cols, x, 0, ld, y, 0, ld, actual, 0, ld);
        record("Relu.backward", describe(shape, sameBits(expected, actual)));

        smoothActivations(rows, cols, ld, x, y, out0, shape);

        float[] db0 = values(cols, 0);
        boolean accumulate = rnd.nextBoolean();
        float[] dbExpected = db0.clone(), dbActual = db0.clone();
        expected = out0.clone();
        actual = out0.clone();
        oracle.reluBackward(rows, cols, x, 0, ld, y, 0, ld, expected, 0, ld);
        oracle.biasGradient(rows, cols, expected, 0, ld, dbExpected, 0, accumulate);
        Relu.backwardWithBiasGradient(rows, cols, x, 0, ld, y, 0, ld, actual, 0, ld, dbActual, 0, accumulate);
        String p = sameBits(expected, actual);
        record("Relu.backwardWithBiasGradient", describe(shape, p != null ? "dz " + p
                : sameBits(dbExpected, dbActual) == null ? null : "db " + sameBits(dbExpected, dbActual)));

        float[] bias = values(cols, specials);
        expected = out0.clone();
        actual = out0.clone();
        oracle.biasAdd(rows, cols, x, 0, ld, bias, 0, expected, 0, ld);
        Bias.add(rows, cols, x, 0, ld, bias, 0, actual, 0, ld);
        record("Bias.add", describe(shape, sameBits(expected, actual)));

        dbExpected = db0.clone();
        dbActual = db0.clone();
        oracle.biasGradient(rows, cols, x, 0, ld, dbExpected, 0, accumulate);
        Bias.gradient(rows, cols, x, 0, ld, dbActual, 0, accumulate);
        record("Bias.gradient", describe(shape, sameBits(dbExpected, dbActual)));

        if (rows * cols > 0) {
            float lossExpected = oracle.mseLoss(rows, cols, x, 0, ld, y, 0, ld);
            float loss = Mse.loss(rows, cols, x, 0, ld, y, 0, ld);
            record("Mse.loss", describe(shape, close(lossExpected, loss, 40 * U * Math.abs(lossExpected))));
            expected = out0.clone();
            actual = out0.clone();
            lossExpected = oracle.mseLossAndGradient(rows, cols, x, 0, ld, y, 0, ld, expected, 0, ld);
            loss = Mse.lossAndGradient(rows, cols, x, 0, ld, y, 0, ld, actual, 0, ld);
            p = close(lossExpected, loss, 40 * U * Math.abs(lossExpected));
            record("Mse.lossAndGradient", describe(shape, p != null ? "loss " + p
                    : sameBits(expected, actual) == null ? null : "gradient " + sameBits(expected, actual)));
        }

        int n = rows * cols;
        float lr = pick(LEARNING_RATES), momentum = pick(MOMENTA), decay = pick(DECAYS);
        boolean zeroGrad = rnd.nextBoolean();
        float[] w0 = values(n, specials), g0 = values(n, specials), v0 = values(n, 0);
        float[] we = w0.clone(), ge = g0.clone(), ve = v0.clone(), wa = w0.clone(), ga = g0.clone(), va = v0.clone();
        oracle.sgd(n, we, 0, ge, 0, ve, 0, lr, momentum, decay, zeroGrad);
        Update.sgd(n, wa, 0, ga, 0, va, 0, lr, momentum, decay, zeroGrad);
        String sgd = sameBits(we, wa) != null ? "w " + sameBits(we, wa)
                : sameBits(ge, ga) != null ? "g " + sameBits(ge, ga)
                : sameBits(ve, va) != null ? "v " + sameBits(ve, va) : null;
        record("Update.sgd", describe(shape + " momentum " + momentum + " decay " + decay, sgd));

        double[] se = new double[4], sa = new double[4];
        oracle.summarize(rows, cols, x, 0, ld, se);
        Stats.summarize(rows, cols, x, 0, ld, sa);
        int lanes = Math.max(1, Simd.vectorBits() / 32);
        String s = null;
        for (int q = 0; q < 4 && s == null; q++) {
            double tol = q == Stats.SUM_SQUARES ? ((double) cols / lanes + lanes) * U * Math.abs(se[q]) : 0;
            String d = close(se[q], sa[q], tol);
            s = d == null ? null : "summary[" + q + "]: " + d;
        }
        record("Stats.summarize", describe(shape, s));

        int deadExpected = oracle.deadColumns(rows, cols, x, 0, ld);
        int dead = Stats.deadColumns(rows, cols, x, 0, ld);
        record("Stats.deadColumns", describe(shape, deadExpected == dead ? null
                : "expected " + deadExpected + " dead columns, got " + dead));
    }

    /** The inputs' magnitudes for sigmoid and tanh: the linear part, the bend, saturation, e^x's range ends. */
    private static final float[] SMOOTH_SCALES = {1f, 4f, 20f, 120f};

    /**
     * Sigmoid and tanh forward on {@code x} spread over {@link #SMOOTH_SCALES}, and backward from
     * the activations the forward pass stored, with {@code dy} as upstream gradient.
     */
    private void smoothActivations(int rows, int cols, int ld, float[] x0, float[] dy, float[] out0, String shape) {
        float[] x = x0.clone();
        for (int i = 0; i < x.length; i++) {
            x[i] *= SMOOTH_SCALES[rnd.nextInt(SMOOTH_SCALES.length)];
        }
        for (boolean tanh : new boolean[] {false, true}) {
            String op = tanh ? "Activation.TANH" : "Activation.SIGMOID";
            float[] a = out0.clone();
            if (tanh) {
                Activation.TANH.forward(rows, cols, x, 0, ld, a, 0, ld);
            } else {
                Activation.SIGMOID.forward(rows, cols, x, 0, ld, a, 0, ld);
            }
            String problem = outsideUntouched(rows, cols, ld, out0, a);
            for (int i = 0; i < rows && problem == null; i++) {
                for (int j = 0; j < cols && problem == null; j++) {
                    float xi = x[i * ld + j];
                    double truth = tanh ? oracle.tanh(xi) : oracle.sigmoid(xi);
                    double bound = tanh ? (Math.abs(xi) < 0.625f ? 1.1 : 1.0)
                            : xi >= 0 ? 0.86 : Math.abs(truth) < Float.MIN_NORMAL ? 0.91 : 1.92;
                    problem = ulpsProblem(op.toLowerCase(java.util.Locale.ROOT) + "(" + xi + ")", a[i * ld + j], truth, bound);
                }
            }
            record(op + ".forward", describe(shape, problem));

            float[] dz = out0.clone();
            if (tanh) {
                Activation.TANH.backward(rows, cols, a, 0, ld, dy, 0, ld, dz, 0, ld);
            } else {
                Activation.SIGMOID.backward(rows, cols, a, 0, ld, dy, 0, ld, dz, 0, ld);
            }
            problem = outsideUntouched(rows, cols, ld, out0, dz);
            for (int i = 0; i < rows && problem == null; i++) {
                for (int j = 0; j < cols && problem == null; j++) {
                    float ai = a[i * ld + j], dyi = dy[i * ld + j];
                    double truth = tanh ? oracle.tanhBackward(ai, dyi) : oracle.sigmoidBackward(ai, dyi);
                    double bound = Math.abs(truth) < Float.MIN_NORMAL ? 1.0 : 1.5;
                    problem = ulpsProblem("backward at a = " + ai + ", dy = " + dyi, dz[i * ld + j], truth, bound);
                }
            }
            record(op + ".backward", describe(shape, problem));
        }
    }

    /**
     * Null if the elements outside the {@code rows x cols} window kept their bits, else the first
     * that did not. Package-private for its test: no real kernel writes outside its window, so
     * only a direct call can show that this check reports one that does.
     */
    static String outsideUntouched(int rows, int cols, int ld, float[] before, float[] after) {
        for (int idx = 0; idx < before.length; idx++) {
            int i = idx / ld, j = idx % ld;
            boolean inside = i < rows && j < cols;
            if (!inside && Float.floatToIntBits(before[idx]) != Float.floatToIntBits(after[idx])) {
                return "element " + idx + " outside the window changed from " + before[idx] + " to " + after[idx];
            }
        }
        return null;
    }

    /**
     * Null if {@code got} is within {@code bound} float ulps of {@code truth} (ulps of the truth's
     * binade, 2^-149 below the normal range; NaN only against NaN, an infinity only where the
     * truth rounds to it), else the failure in words.
     */
    static String ulpsProblem(String what, float got, double truth, double bound) {
        double err;
        if (Double.isNaN(truth) || Float.isNaN(got)) {
            err = Double.isNaN(truth) && Float.isNaN(got) ? 0 : Double.POSITIVE_INFINITY;
        } else if (Float.isInfinite(got)) {
            err = (float) truth == got ? 0 : Double.POSITIVE_INFINITY;
        } else {
            int e = Math.max(Float.MIN_EXPONENT, Math.min(Float.MAX_EXPONENT, Math.getExponent(truth)));
            err = Math.abs(got - truth) / Math.scalb(1.0, e - 23);
        }
        return err <= bound ? null
                : what + ": got " + got + ", exact " + truth + ", " + err + " ulps (bound " + bound + ")";
    }
}

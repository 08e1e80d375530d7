package org.vecprop.jmh;

import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Relu;
import org.vecprop.kernel.Activation;
import org.vecprop.nn.Dense;

/**
 * The forward pass of one square dense layer, {@code A = f(X·W + b)} with X {@code batch x width},
 * W {@code width x width} and f ReLU, sigmoid or tanh ({@code activation}), fused against
 * unfused, and against the bare GEMM of the same shape. Each invocation is one forward pass; the
 * score is ns per pass. Sigmoid and tanh cost one vecprop exp per output (about 40 and 50 vector
 * operations per vector of outputs) against {@code 2 x width} flops of the product per output: the
 * gap between {@code fused} and {@code gemm} shows what that costs at each width.
 *
 * <h2>Methods</h2>
 * <ul>
 *   <li>{@code fused}: {@link Dense#forward}, one GEMM whose epilogue adds the bias and applies
 *       the activation to the tile before it is stored (ReLU in registers; sigmoid and tanh on
 *       the stored, cache-hot tile rows; argument checks included: what a caller of the layer
 *       pays).</li>
 *   <li>{@code unfused}: the same three kernels one after another, {@link Gemm#multiply}
 *       ({@code beta = 0}), then {@link Bias#add} in place, then {@link Relu#forward},
 *       {@link Activation#forward} or {@link Activation#forward} in place: C is written once and then
 *       read and written twice more.</li>
 *   <li>{@code gemm}: the bare {@link Gemm#multiply}, {@code C = X·W}, {@code beta = 0}: the floor
 *       the fused pass is held to (target: {@code fused <= 1.03 x gemm}).</li>
 * </ul>
 *
 * <h2>Data</h2>
 * X is seeded uniform in [-1, 1]; W is the layer's initialisation for its activation (He normal
 * for ReLU, Glorot uniform for sigmoid and tanh); the bias, which a new layer sets to 0, is
 * overwritten with seeded uniform values in [-0.5, 0.5] so that adding it is not a no-op and ReLU
 * clips a good share of the outputs.
 *
 * <h2>Sanity check</h2>
 * Setup runs {@code fused} and {@code unfused}, and {@code gemm} followed by the bias and the
 * activation, and fails the trial if any two differ by more than summation-order rounding allows
 * (see {@link Agreement}; the three activations are 1-Lipschitz, and sigmoid's and tanh's own
 * error of 2 ulps of a value at most 1 is within that allowance), if any holds a NaN, or if the
 * activation visibly was not applied: for ReLU an output all zeros or with no zero at all, for
 * sigmoid and tanh an output outside (0, 1) or [-1, 1]. Whether fused and unfused are
 * bit-identical is printed, not required.
 */
public class DenseForward extends BenchmarkDefaults {

    @Param({"1", "32", "256"})
    public int batch;

    @Param({"64", "256", "1024"})
    public int width;

    @Param({"relu", "sigmoid", "tanh"})
    public String activation;

    private Dense layer;
    private Activation act;
    private float[] x, w, bias, c;

    @Setup(Level.Trial)
    public void setup() {
        act = Activation.valueOf(activation.toUpperCase(java.util.Locale.ROOT));
        layer = new Dense(width, width, act, true, batch, 7);
        w = new float[width * width];
        layer.weight().copyTo(w, 0);
        Random r = new Random(11);
        bias = RandomData.uniform(r, width, -0.5f, 0.5f);
        layer.bias().copyFrom(bias, 0);
        x = RandomData.uniform(r, batch * width);
        c = new float[batch * width];
        verify();
    }

    private void verify() {
        float[] f = fused().clone();
        float[] u = unfused().clone();
        float[] g = gemm().clone();
        Bias.add(batch, width, g, 0, width, bias, 0, g, 0, width);
        activate(g);
        double[] scale = Agreement.plusRow(
                Agreement.productScale(batch, width, width, x, false, w, false), bias);
        String where = "dense forward batch " + batch + ", width " + width + ", " + activation;
        Agreement.close(where, "fused", f, "unfused", u, scale, width);
        Agreement.close(where, "gemm then bias and relu", g, "unfused", u, scale, width);
        int zeros = 0;
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (float v : f) {
            zeros += v == 0f ? 1 : 0;
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        String shape = switch (act) {
            case RELU -> zeros == 0 || zeros == f.length ? zeros + " of " + f.length
                    + " outputs are 0: ReLU or the bias was not applied" : null;
            case SIGMOID -> min > 0f && max < 1f ? null : "outputs in [" + min + ", " + max
                    + "], not inside (0, 1): sigmoid was not applied";
            case TANH -> min >= -1f && max <= 1f && min < 0f && max > 0f ? null : "outputs in ["
                    + min + ", " + max + "]: tanh was not applied";
            default -> throw new IllegalStateException(activation);
        };
        if (shape != null) {
            throw new IllegalStateException(where + ": " + shape);
        }
        boolean same = Agreement.identical(f, u, f.length);
        System.out.println("# " + where + ": fused and unfused "
                + (same ? "bit-identical" : "differ by rounding only") + "; outputs in ["
                + min + ", " + max + "], " + zeros + " of " + f.length + " are 0");
    }

    @Benchmark
    public float[] fused() {
        return layer.forward(x, 0, width, batch);
    }

    @Benchmark
    public float[] unfused() {
        Gemm.multiply(false, false, batch, width, width, 1f, x, 0, width, w, 0, width,
                0f, c, 0, width);
        Bias.add(batch, width, c, 0, width, bias, 0, c, 0, width);
        activate(c);
        return c;
    }

    /** The layer's activation in place on a {@code batch x width} output. */
    private void activate(float[] y) {
        switch (act) {
            case RELU -> Relu.forward(batch, width, y, 0, width, y, 0, width);
            case SIGMOID -> Activation.SIGMOID.forward(batch, width, y, 0, width, y, 0, width);
            case TANH -> Activation.TANH.forward(batch, width, y, 0, width, y, 0, width);
            default -> throw new IllegalStateException(activation);
        }
    }

    @Benchmark
    public float[] gemm() {
        Gemm.multiply(false, false, batch, width, width, 1f, x, 0, width, w, 0, width,
                0f, c, 0, width);
        return c;
    }
}

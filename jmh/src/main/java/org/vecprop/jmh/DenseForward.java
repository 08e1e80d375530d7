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
 * The forward pass of one square dense layer, {@code A = relu(X·W + b)} with X {@code batch x width}
 * and W {@code width x width}, fused against unfused, and against the bare GEMM of the same shape.
 * Each invocation is one forward pass; the score is ns per pass.
 *
 * <h2>Methods</h2>
 * <ul>
 *   <li>{@code fused}: {@link Dense#forward}, one GEMM whose epilogue adds the bias and applies
 *       ReLU to the register tile before it is stored (argument checks included: what a caller
 *       of the layer pays).</li>
 *   <li>{@code unfused}: the same three kernels one after another, {@link Gemm#multiply}
 *       ({@code beta = 0}), then {@link Bias#add} in place, then {@link Relu#forward} in place:
 *       C is written once and then read and written twice more.</li>
 *   <li>{@code gemm}: the bare {@link Gemm#multiply}, {@code C = X·W}, {@code beta = 0}: the floor
 *       the fused pass is held to (target: {@code fused <= 1.03 x gemm}).</li>
 * </ul>
 *
 * <h2>Data</h2>
 * X is seeded uniform in [-1, 1]; W is the layer's He-normal initialisation; the bias, which a
 * new layer sets to 0, is overwritten with seeded uniform values in [-0.5, 0.5] so that adding it
 * is not a no-op and ReLU clips a good share of the outputs.
 *
 * <h2>Sanity check</h2>
 * Setup runs {@code fused} and {@code unfused}, and {@code gemm} followed by the bias and ReLU,
 * and fails the trial if any two differ by more than summation-order rounding allows (see
 * {@link Agreement}), if any holds a NaN, or if the output is all zeros or has no zero at all (ReLU
 * or the bias not applied). Whether fused and unfused are bit-identical is printed, not
 * required.
 */
public class DenseForward extends BenchmarkDefaults {

    @Param({"1", "32", "256"})
    public int batch;

    @Param({"64", "256", "1024"})
    public int width;

    private Dense layer;
    private float[] x, w, bias, c;

    @Setup(Level.Trial)
    public void setup() {
        layer = new Dense(width, width, Activation.RELU, true, batch, 7);
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
        Relu.forward(batch, width, g, 0, width, g, 0, width);
        double[] scale = Agreement.plusRow(
                Agreement.productScale(batch, width, width, x, false, w, false), bias);
        String where = "dense forward batch " + batch + ", width " + width;
        Agreement.close(where, "fused", f, "unfused", u, scale, width);
        Agreement.close(where, "gemm then bias and relu", g, "unfused", u, scale, width);
        int zeros = 0;
        for (float v : f) {
            zeros += v == 0f ? 1 : 0;
        }
        if (zeros == 0 || zeros == f.length) {
            throw new IllegalStateException(where + ": " + zeros + " of " + f.length
                    + " outputs are 0: ReLU or the bias was not applied");
        }
        boolean same = Agreement.identical(f, u, f.length);
        System.out.println("# " + where + ": fused and unfused "
                + (same ? "bit-identical" : "differ by rounding only") + "; " + zeros + " of "
                + f.length + " outputs clipped to 0");
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
        Relu.forward(batch, width, c, 0, width, c, 0, width);
        return c;
    }

    @Benchmark
    public float[] gemm() {
        Gemm.multiply(false, false, batch, width, width, 1f, x, 0, width, w, 0, width,
                0f, c, 0, width);
        return c;
    }
}

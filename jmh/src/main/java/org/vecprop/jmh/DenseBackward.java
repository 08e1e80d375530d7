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
import org.vecprop.nn.Gradients;

/**
 * The backward pass of one square dense layer ({@code width -> width}, with bias; ReLU, sigmoid or
 * tanh, the {@code activation} parameter) at a given batch, fused against unfused, and against its
 * two GEMMs alone. Each invocation is one
 * backward pass computing dZ, db, dW and dX; the score is ns per pass.
 *
 * <p>With X the layer's input ({@code batch x width}), A its output and dA the gradient arriving
 * from above (both {@code batch x width}), the pass is {@code dZ = dA ⊙ f'(Z)} from A alone
 * ({@code [A > 0]}, {@code A(1 - A)} or {@code 1 - A²}), {@code db = colsum(dZ)}, {@code dW = Xᵀ·dZ} and {@code dX = dZ·Wᵀ}. Gradients are overwritten
 * ({@link Gradients#OVERWRITE}, GEMMs with {@code beta = 0}).
 *
 * <h2>Methods</h2>
 * <ul>
 *   <li>{@code fused}: {@link Dense#backward} with {@code inputGradient = true}, after a forward
 *       pass in setup: dZ and db in one pass (the activation's backward fused with the bias
 *       gradient), then the two GEMMs.</li>
 *   <li>{@code unfused}: the kernels one after another into the benchmark's own buffers:
 *       {@link Relu#backward}, {@link Activation#backward} or {@link Activation#backward} into dZ (from
 *       A, as the layer does; {@code A > 0} exactly when {@code Z > 0}), {@link Bias#gradient}, {@code dW = Xᵀ·dZ} ({@link Gemm#multiply} with
 *       transA), {@code dX = dZ·Wᵀ} (transB).</li>
 *   <li>{@code gemms}: only the two GEMMs, on a dZ computed in setup: the floor the fused pass is
 *       held to (target: {@code fused <= 1.05 x gemms}).</li>
 * </ul>
 *
 * <h2>Data</h2>
 * X and dA are seeded uniform in [-1, 1]; W is the layer's initialisation for its activation (He
 * normal for ReLU, Glorot uniform otherwise); the bias is seeded uniform in [-0.5, 0.5] so that
 * ReLU masks a good share of dA.
 *
 * <h2>Sanity check</h2>
 * Setup runs {@code fused} and {@code unfused} and fails the trial if their dZ, db, dW or dX differ
 * by more than summation-order rounding allows (see {@link Agreement}; dZ must be bit-identical,
 * the same formula on the same A), hold a NaN, or are all zeros, or if dZ is not the activation's
 * formula on A and dA ({@code A > 0 ? dA : 0}, {@code dA * fma(-A, A, A)},
 * {@code dA * fma(-A, A, 1)}), or the ReLU mask kept all of dA or none of it. It checks
 * {@code gemms} the same way.
 * Whether fused and unfused are bit-identical is printed, not required.
 */
public class DenseBackward extends BenchmarkDefaults {

    @Param({"1", "32", "256"})
    public int batch;

    @Param({"64", "256", "1024"})
    public int width;

    @Param({"relu", "sigmoid", "tanh"})
    public String activation;

    private Dense layer;
    private Activation act;
    private float[] x, w, a, dA;
    // unfused's outputs, and gemms' input (dZg, a copy of the fused dZ) and outputs
    private float[] dZ, db, dW, dX, dZg, dWg, dXg;

    @Setup(Level.Trial)
    public void setup() {
        act = Activation.valueOf(activation.toUpperCase(java.util.Locale.ROOT));
        layer = new Dense(width, width, act, true, batch, 7);
        w = new float[width * width];
        layer.weight().copyTo(w, 0);
        Random r = new Random(13);
        layer.bias().copyFrom(RandomData.uniform(r, width, -0.5f, 0.5f), 0);
        x = RandomData.uniform(r, batch * width);
        dA = RandomData.uniform(r, batch * width);
        a = layer.forward(x, 0, width, batch);
        dZ = new float[batch * width];
        db = new float[width];
        dW = new float[width * width];
        dX = new float[batch * width];
        dWg = new float[width * width];
        dXg = new float[batch * width];
        fused();
        dZg = layer.outputGrad().clone();
        verify();
    }

    private void verify() {
        String where = "dense backward batch " + batch + ", width " + width + ", " + activation;
        fused();
        unfused();
        gemms();
        int bw = batch * width;
        float[] fdz = layer.outputGrad(), fdb = layer.biasGrad(), fdw = layer.weightGrad(),
                fdx = layer.inputGrad();
        // dZ is the same formula on the same A and dA in both: exact.
        if (!Agreement.identical(fdz, dZ, bw)) {
            throw new IllegalStateException(where + ": fused and unfused dZ differ");
        }
        int kept = 0;
        for (int i = 0; i < bw; i++) {
            float expected = switch (act) {
                case RELU -> a[i] > 0f ? dA[i] : 0f;
                case SIGMOID -> dA[i] * Math.fma(-a[i], a[i], a[i]);
                case TANH -> dA[i] * Math.fma(-a[i], a[i], 1f);
                default -> throw new IllegalStateException(activation);
            };
            if (Float.floatToIntBits(dZ[i]) != Float.floatToIntBits(expected)) {
                throw new IllegalStateException(where + ": dZ[" + i + "] is " + dZ[i]
                        + ", expected " + expected + " from A and dA");
            }
            kept += a[i] > 0f ? 1 : 0;
        }
        if (act == Activation.RELU && (kept == 0 || kept == bw)) {
            throw new IllegalStateException(where + ": the ReLU mask keeps " + kept + " of " + bw
                    + " elements of dA");
        }
        Agreement.close(where + " db", "fused", fdb, "unfused", db,
                Agreement.columnScale(batch, width, dZ), batch);
        double[] wScale = Agreement.productScale(width, width, batch, x, true, dZ, false);
        Agreement.close(where + " dW", "fused", fdw, "unfused", dW, wScale, batch);
        Agreement.close(where + " dW", "gemms", dWg, "unfused", dW, wScale, batch);
        double[] xScale = Agreement.productScale(batch, width, width, dZ, false, w, true);
        Agreement.close(where + " dX", "fused", fdx, "unfused", dX, xScale, width);
        Agreement.close(where + " dX", "gemms", dXg, "unfused", dX, xScale, width);
        boolean same = Agreement.identical(fdb, db, width)
                && Agreement.identical(fdw, dW, width * width) && Agreement.identical(fdx, dX, bw);
        System.out.println("# " + where + ": fused and unfused "
                + (same ? "bit-identical" : "differ by rounding only")
                + (act == Activation.RELU ? "; ReLU keeps " + kept + " of " + bw + " elements of dA" : ""));
    }

    @Benchmark
    public float[] fused() {
        layer.backward(dA, 0, width, Gradients.OVERWRITE, true);
        return layer.inputGrad();
    }

    @Benchmark
    public float[] unfused() {
        switch (act) {
            case RELU -> Relu.backward(batch, width, a, 0, width, dA, 0, width, dZ, 0, width);
            case SIGMOID -> Activation.SIGMOID.backward(batch, width, a, 0, width, dA, 0, width, dZ, 0, width);
            case TANH -> Activation.TANH.backward(batch, width, a, 0, width, dA, 0, width, dZ, 0, width);
            default -> throw new IllegalStateException(activation);
        }
        Bias.gradient(batch, width, dZ, 0, width, db, 0, false);
        Gemm.multiply(true, false, width, width, batch, 1f, x, 0, width, dZ, 0, width,
                0f, dW, 0, width);
        Gemm.multiply(false, true, batch, width, width, 1f, dZ, 0, width, w, 0, width,
                0f, dX, 0, width);
        return dX;
    }

    @Benchmark
    public float[] gemms() {
        Gemm.multiply(true, false, width, width, batch, 1f, x, 0, width, dZg, 0, width,
                0f, dWg, 0, width);
        Gemm.multiply(false, true, batch, width, width, 1f, dZg, 0, width, w, 0, width,
                0f, dXg, 0, width);
        return dXg;
    }
}

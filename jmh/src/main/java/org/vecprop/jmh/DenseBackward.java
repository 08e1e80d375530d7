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
 * The backward pass of one square dense layer ({@code width -> width}, ReLU, with bias) at a
 * given batch, fused against unfused, and against its two GEMMs alone. Each invocation is one
 * backward pass computing dZ, db, dW and dX; the score is ns per pass.
 *
 * <p>With X the layer's input ({@code batch x width}), A its output and dA the gradient arriving
 * from above (both {@code batch x width}), the pass is {@code dZ = dA ⊙ [A > 0]},
 * {@code db = colsum(dZ)}, {@code dW = Xᵀ·dZ} and {@code dX = dZ·Wᵀ}. Gradients are overwritten
 * ({@link Gradients#OVERWRITE}, GEMMs with {@code beta = 0}).
 *
 * <h2>Methods</h2>
 * <ul>
 *   <li>{@code fused}: {@link Dense#backward} with {@code inputGradient = true}, after a forward
 *       pass in setup: dZ and db in one pass ({@link Relu#backward} fused with the bias
 *       gradient), then the two GEMMs.</li>
 *   <li>{@code unfused}: the kernels one after another into the benchmark's own buffers:
 *       {@link Relu#backward} into dZ (masked by A, as the layer does; {@code A > 0} exactly when
 *       {@code Z > 0}), {@link Bias#gradient}, {@code dW = Xᵀ·dZ} ({@link Gemm#multiply} with
 *       transA), {@code dX = dZ·Wᵀ} (transB).</li>
 *   <li>{@code gemms}: only the two GEMMs, on a dZ computed in setup: the floor the fused pass is
 *       held to (target: {@code fused <= 1.05 x gemms}).</li>
 * </ul>
 *
 * <h2>Data</h2>
 * X and dA are seeded uniform in [-1, 1]; W is the layer's He-normal initialisation; the bias is
 * seeded uniform in [-0.5, 0.5] so that ReLU masks a good share of dA.
 *
 * <h2>Sanity check</h2>
 * Setup runs {@code fused} and {@code unfused} and fails the trial if their dZ, db, dW or dX differ
 * by more than summation-order rounding allows (see {@link Agreement}), hold a NaN, or are all
 * zeros, or if the mask kept all of dA or none of it. It checks {@code gemms} the same way.
 * Whether fused and unfused are bit-identical is printed, not required.
 */
public class DenseBackward extends BenchmarkDefaults {

    @Param({"1", "32", "256"})
    public int batch;

    @Param({"64", "256", "1024"})
    public int width;

    private Dense layer;
    private float[] x, w, a, dA;
    // unfused's outputs, and gemms' input (dZg, a copy of the fused dZ) and outputs
    private float[] dZ, db, dW, dX, dZg, dWg, dXg;

    @Setup(Level.Trial)
    public void setup() {
        layer = new Dense(width, width, Activation.RELU, true, batch, 7);
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
        String where = "dense backward batch " + batch + ", width " + width;
        fused();
        unfused();
        gemms();
        int bw = batch * width;
        float[] fdz = layer.outputGrad(), fdb = layer.biasGrad(), fdw = layer.weightGrad(),
                fdx = layer.inputGrad();
        // dZ is a copy or a zero of dA: exact.
        if (!Agreement.identical(fdz, dZ, bw)) {
            throw new IllegalStateException(where + ": fused and unfused dZ differ");
        }
        int kept = 0;
        for (int i = 0; i < bw; i++) {
            if (dZ[i] != (a[i] > 0f ? dA[i] : 0f)) {
                throw new IllegalStateException(where + ": dZ[" + i + "] is " + dZ[i]
                        + ", expected dA masked by A > 0");
            }
            kept += a[i] > 0f ? 1 : 0;
        }
        if (kept == 0 || kept == bw) {
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
                + (same ? "bit-identical" : "differ by rounding only") + "; ReLU keeps " + kept
                + " of " + bw + " elements of dA");
    }

    @Benchmark
    public float[] fused() {
        layer.backward(dA, 0, width, Gradients.OVERWRITE, true);
        return layer.inputGrad();
    }

    @Benchmark
    public float[] unfused() {
        Relu.backward(batch, width, a, 0, width, dA, 0, width, dZ, 0, width);
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

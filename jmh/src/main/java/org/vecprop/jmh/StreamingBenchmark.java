package org.vecprop.jmh;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.Relu;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Update;
import org.vecprop.reference.ReferenceSigmoid;
import org.vecprop.reference.ReferenceTanh;
import org.vecprop.reference.ReferenceUpdate;

/**
 * The memory-bound kernels against the memory system: each at n = 1,024 (L1), 1,048,576 (L3)
 * and 16,777,216 (DRAM) elements, as {@code vecprop}, {@code reference} (the scalar oracle) and
 * {@code copy}, a {@code System.arraycopy} that touches the same number of bytes, measured in the
 * same run. Scores are ns per call; the bytes each call touches (reads plus writes) are
 * {@link #bytesTouched}, so GB/s = bytes / score.
 *
 * <table>
 *   <caption>bytes touched per element</caption>
 *   <tr><th>kernel</th><th>operation</th><th>bytes</th></tr>
 *   <tr><td>relu</td><td>y = max(0, x)</td><td>8 (read x, write y)</td></tr>
 *   <tr><td>reluBackward</td><td>dz = z &gt; 0 ? dy : 0</td><td>12</td></tr>
 *   <tr><td>sigmoid</td><td>y = 1/(1 + e^-x), x in [-8, 8]</td><td>8</td></tr>
 *   <tr><td>sigmoidBackward</td><td>dz = dy·a(1 - a) from the stored a</td><td>12</td></tr>
 *   <tr><td>tanh</td><td>y = tanh x, x in [-4, 4]</td><td>8</td></tr>
 *   <tr><td>tanhBackward</td><td>dz = dy·(1 - a²) from the stored a</td><td>12</td></tr>
 *   <tr><td>mse</td><td>loss and g = 2(p - t)/n</td><td>12</td></tr>
 *   <tr><td>biasAdd</td><td>y = x + b (rows of 1024)</td><td>8 (+ the bias row)</td></tr>
 *   <tr><td>biasGradient</td><td>db = column sums (rows of 1024)</td><td>4 (+ the db row)</td></tr>
 *   <tr><td>adamw</td><td>AdamW over w, g, m, v in place, zeroing g</td><td>32 (read w, g, m, v;
 *       write w, g, m, v)</td></tr>
 * </table>
 *
 * <p><b>adamw</b> is {@link Update#adam} with PyTorch's AdamW defaults (lr 1e-3, betas 0.9 and
 * 0.999, eps 1e-8, weight decay 0.01, decoupled) and {@code zeroGrad}: the optimizer's pass over
 * one parameter tensor, its gradient and both moments, each read once and written once in place.
 * Its {@code copy} is not an {@code arraycopy} between two other buffers, which would move the
 * same bytes over twice the memory (8n floats against the update's 4n): it is a copy in place
 * over the update's own four arrays, one pass that loads a vector of each of w, g, m and v and
 * stores each into the next ({@code w <- g <- m <- v <- w}), so it reads the same 16n bytes
 * and writes the same 16n bytes, at the same addresses, in the same order (four read and four
 * write streams), and computes nothing. The step count rises by one per call, as in training.
 * Since the update zeroes g, every 256th call first copies the gradient back from a saved copy
 * (in {@code vecprop}, {@code reference} and {@code copy} alike: 8n more bytes per 256 calls,
 * 0.1% of the traffic), so the moments stay normal numbers instead of decaying towards
 * subnormals; w, g, m and v are restored before every iteration.
 *
 * <p>sigmoid and tanh are compute-bound where the data is in cache (about 40 and 50 vector
 * operations per vector of x: vecprop's own exp, a division and the error-free steps), so next
 * to {@code copy} they show how far they are from the memory system's pace at each level; their
 * {@code reference} is the oracle, {@link Math#exp} and {@link Math#tanh} in double. Their
 * backward passes are one FMA and one product per element, memory-bound like ReLU's.
 *
 * <p>Run settings are {@link BenchmarkDefaults}' but for a 3 GB heap (three 16M-float arrays
 * plus the copy buffers): {@code @Fork} replaces the inherited one whole, so its other
 * arguments are repeated here.
 */
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx3g",
        "--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow",
        "-Dai.djl.offline=true", "-Dai.djl.pytorch.num_threads=1",
        "-Dai.djl.pytorch.num_interop_threads=1"})
public class StreamingBenchmark extends BenchmarkDefaults {
    static final int COLS = 1024;

    @Param({"relu", "reluBackward", "sigmoid", "sigmoidBackward", "tanh", "tanhBackward", "mse",
        "biasAdd", "biasGradient", "adamw"})
    public String kernel;

    @Param({"1024", "1048576", "16777216"})
    public int n;

    // AdamW's hyper-parameters: torch.optim.AdamW's defaults at lr 1e-3
    static final float LR = 1e-3f, BETA1 = 0.9f, BETA2 = 0.999f, EPS = 1e-8f, WEIGHT_DECAY = 0.01f;
    /** adamw restores the gradient it zeroes every this many calls (a power of two). */
    static final int REFILL = 256;
    private static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;

    private float[] x, y, z, bias, copySrc, copyDst;
    private int rows;
    // adamw: parameters, gradient, moments, their starting values, and the step count
    private float[] w, g, m, v, w0, g0, m0, v0;
    private long steps;

    /** Bytes one call of {@code kernel} on n elements reads and writes. */
    static long bytesTouched(String kernel, int n) {
        return switch (kernel) {
            case "relu" -> 8L * n;
            case "sigmoid", "tanh" -> 8L * n;
            case "reluBackward", "sigmoidBackward", "tanhBackward", "mse" -> 12L * n;
            case "biasAdd" -> 8L * n + 4L * COLS;
            case "biasGradient" -> 4L * n + 4L * COLS;
            case "adamw" -> 32L * n;
            default -> throw new IllegalArgumentException(kernel);
        };
    }

    @Setup
    public void setup() {
        Random rnd = new Random(1);
        x = RandomData.uniform(rnd, n, -0.5f, 0.5f);
        y = RandomData.uniform(rnd, n, -0.5f, 0.5f);
        z = new float[n];
        switch (kernel) {
            // Inputs where the functions bend and saturate; stored activations from the oracle.
            case "sigmoid" -> x = RandomData.uniform(rnd, n, -8f, 8f);
            case "tanh" -> x = RandomData.uniform(rnd, n, -4f, 4f);
            case "sigmoidBackward" -> ReferenceSigmoid.forward(1, n,
                    RandomData.uniform(rnd, n, -8f, 8f), 0, n, x, 0, n);
            case "tanhBackward" -> ReferenceTanh.forward(1, n,
                    RandomData.uniform(rnd, n, -4f, 4f), 0, n, x, 0, n);
            default -> { }
        }
        bias = new float[COLS];
        rows = n / COLS;
        if (kernel.equals("adamw")) {
            // moments as after some training: m near (1 - beta1)·g, v of g²'s size
            w0 = RandomData.uniform(rnd, n, -0.5f, 0.5f);
            g0 = RandomData.uniform(rnd, n, -0.5f, 0.5f);
            m0 = RandomData.uniform(rnd, n, -0.0625f, 0.0625f);
            v0 = RandomData.uniform(rnd, n, 0f, 0.25f);
            w = new float[n];
            g = new float[n];
            m = new float[n];
            v = new float[n];
        } else {
            int floats = (int) (bytesTouched(kernel, n) / 8); // a copy reads and writes 4 bytes each
            copySrc = new float[floats];
            copyDst = new float[floats];
        }
    }

    /** adamw: w, g, m and v back to their starting values, step count 0. */
    @Setup(Level.Iteration)
    public void restore() {
        if (w != null) {
            System.arraycopy(w0, 0, w, 0, n);
            System.arraycopy(g0, 0, g, 0, n);
            System.arraycopy(m0, 0, m, 0, n);
            System.arraycopy(v0, 0, v, 0, n);
            steps = 0;
        }
    }

    /** adamw: the next step count, after restoring the gradient every {@link #REFILL} calls. */
    private long nextStep() {
        if ((steps & (REFILL - 1)) == 0) {
            System.arraycopy(g0, 0, g, 0, n);
        }
        return ++steps;
    }

    /**
     * The MSE loss of the last call: kept in a field (not returned, which would box it: 16 B per
     * call that are the benchmark's, not the kernel's, under {@code -prof gc}).
     */
    public float loss;

    @Benchmark
    public Object vecprop() {
        switch (kernel) {
            case "relu" -> Relu.forward(1, n, x, 0, n, z, 0, n);
            case "reluBackward" -> Relu.backward(1, n, x, 0, n, y, 0, n, z, 0, n);
            case "sigmoid" -> Activation.SIGMOID.forward(1, n, x, 0, n, z, 0, n);
            case "sigmoidBackward" -> Activation.SIGMOID.backward(1, n, x, 0, n, y, 0, n, z, 0, n);
            case "tanh" -> Activation.TANH.forward(1, n, x, 0, n, z, 0, n);
            case "tanhBackward" -> Activation.TANH.backward(1, n, x, 0, n, y, 0, n, z, 0, n);
            case "mse" -> loss = Mse.lossAndGradient(1, n, x, 0, n, y, 0, n, z, 0, n);
            case "biasAdd" -> Bias.add(rows, COLS, x, 0, COLS, bias, 0, z, 0, COLS);
            case "biasGradient" -> Bias.gradient(rows, COLS, x, 0, COLS, bias, 0, false);
            case "adamw" -> Update.adam(n, w, 0, g, 0, m, 0, v, 0, LR, BETA1, BETA2, EPS,
                    WEIGHT_DECAY, true, nextStep(), true);
            default -> throw new IllegalStateException(kernel);
        }
        return z;
    }

    @Benchmark
    public Object reference() {
        switch (kernel) {
            case "relu" -> org.vecprop.reference.ReferenceRelu.forward(1, n, x, 0, n, z, 0, n);
            case "reluBackward" -> org.vecprop.reference.ReferenceRelu.backward(1, n, x, 0, n, y, 0, n, z, 0, n);
            case "sigmoid" -> ReferenceSigmoid.forward(1, n, x, 0, n, z, 0, n);
            case "sigmoidBackward" -> ReferenceSigmoid.backward(1, n, x, 0, n, y, 0, n, z, 0, n);
            case "tanh" -> ReferenceTanh.forward(1, n, x, 0, n, z, 0, n);
            case "tanhBackward" -> ReferenceTanh.backward(1, n, x, 0, n, y, 0, n, z, 0, n);
            case "mse" -> loss = org.vecprop.reference.ReferenceMse.lossAndGradient(1, n, x, 0, n, y, 0, n, z, 0, n);
            case "biasAdd" -> org.vecprop.reference.ReferenceBias.add(rows, COLS, x, 0, COLS, bias, 0, z, 0, COLS);
            case "biasGradient" -> org.vecprop.reference.ReferenceBias.gradient(rows, COLS, x, 0, COLS, bias, 0, false);
            case "adamw" -> ReferenceUpdate.adam(n, w, 0, g, 0, m, 0, v, 0, LR, BETA1, BETA2, EPS,
                    WEIGHT_DECAY, true, nextStep(), true);
            default -> throw new IllegalStateException(kernel);
        }
        return z;
    }

    /**
     * The same bytes moved by {@code System.arraycopy}: the memory system's own pace; for adamw
     * the copy in place over its four arrays (see the class comment).
     */
    @Benchmark
    public Object copy() {
        if (w != null) {
            nextStep();
            rotate(n, w, g, m, v);
            return w;
        }
        System.arraycopy(copySrc, 0, copyDst, 0, copySrc.length);
        return copyDst;
    }

    /**
     * {@code a <- b <- c <- d <- a} over n elements, a vector of each at a time: reads and writes
     * each array once, in place, and computes nothing.
     */
    static void rotate(int n, float[] a, float[] b, float[] c, float[] d) {
        int i = 0;
        for (int bound = F.loopBound(n); i < bound; i += F.length()) {
            FloatVector va = FloatVector.fromArray(F, a, i);
            FloatVector vb = FloatVector.fromArray(F, b, i);
            FloatVector vc = FloatVector.fromArray(F, c, i);
            FloatVector vd = FloatVector.fromArray(F, d, i);
            vb.intoArray(a, i);
            vc.intoArray(b, i);
            vd.intoArray(c, i);
            va.intoArray(d, i);
        }
        for (; i < n; i++) {
            float t = a[i];
            a[i] = b[i];
            b[i] = c[i];
            c[i] = d[i];
            d[i] = t;
        }
    }
}

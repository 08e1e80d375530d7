package org.vecprop.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.vecprop.kernel.Simd;
import org.vecprop.nn.Dense;
import org.vecprop.nn.Gradients;
import org.vecprop.nn.Network;
import org.vecprop.nn.Parameter;
import org.vecprop.nn.Sgd;
import org.vecprop.nn.SgdOptions;
import org.vecprop.reference.ReferenceBias;
import org.vecprop.reference.ReferenceGemm;
import org.vecprop.reference.ReferenceMse;
import org.vecprop.reference.ReferenceRelu;
import org.vecprop.reference.ReferenceUpdate;

/**
 * One SGD training step of an MLP (forward, MSE loss, backward, update; learning rate 0.01, no
 * momentum, no weight decay), vecprop against the same step composed from the scalar reference
 * kernels and against PyTorch. Each invocation is one step; the score is ns per step.
 *
 * <h2>Networks</h2>
 * The {@code net} parameter is {@code SIZES@BATCH}: layer widths from the input to the output,
 * joined by {@code -}, then the batch. Hidden layers are ReLU, the output layer identity, every
 * layer has a bias, as {@link Network#mlp} builds them. The defaults are {@code 784-256-128-10@64}
 * (an MNIST-shaped MLP) and {@code 2-2-1@1} (the article's network, one example per step, where
 * per-call overhead is all there is). Any such string may be given with {@code -p net=...}.
 *
 * <h2>Data</h2>
 * Eight batches of seeded uniform inputs and targets in [-1, 1]; step {@code s} uses batch
 * {@code s mod 8}. The weights are {@link Network#mlp}'s initialisation (seed 1), copied to the
 * reference and PyTorch, so all three train the same network. Before every measurement (and
 * warmup) iteration the weights are reset to it: a run of millions of steps never drives the
 * gradients towards zero (or into subnormals), whatever the iteration time.
 *
 * <h2>Methods</h2>
 * <ul>
 *   <li>{@code vecprop}: {@link Network#forward}, {@link Network#loss},
 *       {@link Network#backward} ({@link Gradients#ACCUMULATE}), {@link Sgd#step} (which zeroes
 *       the gradients in its pass), as in vecprop's demo training loop.</li>
 *   <li>{@code reference}: the same step from {@code org.vecprop.reference} kernels on
 *       {@code float[]} buffers allocated in setup. Forward, per layer: GEMM {@code Z = X·W},
 *       bias add, ReLU into A (hidden layers); loss and dP; backward, per layer from the top:
 *       ReLU backward ({@code dZ = dA ⊙ [Z > 0]}; the output layer's dZ is dP), bias gradient,
 *       GEMM {@code dW = Xᵀ·dZ}, GEMM {@code dX = dZ·Wᵀ} (not for the first layer); then the SGD
 *       update of every weight and bias. Gradients are overwritten, not accumulated.</li>
 *   <li>{@code pytorch}: PyTorch 2.7.1 (libtorch, CPU) through DJL 0.36.0's NDArray API, on
 *       one thread; see {@link TorchMlp}. libtorch is loaded from the pytorch-native-cpu jar
 *       ({@code -Dai.djl.offline=true}: nothing is downloaded; setup fails if the property is
 *       missing). Its thread counts come from {@code -Dai.djl.pytorch.num_threads=1} and
 *       {@code -Dai.djl.pytorch.num_interop_threads=1}, which DJL passes to
 *       {@code at::set_num_threads} and {@code at::set_num_interop_threads}; setup checks both
 *       are 1. (JMH's {@code @Fork} cannot set environment variables, so OMP_NUM_THREADS is not
 *       used.) The loss stays in libtorch (no {@code item()} per step).</li>
 *   <li>{@code vecpropForward}: {@link Network#forward} and {@link Network#loss} only.</li>
 *   <li>{@code vecpropBackward}: {@link Network#backward} ({@link Gradients#ACCUMULATE}, as in
 *       the step) only, after a forward pass and loss in setup; the gradients grow by one
 *       batch's worth per call and are zeroed before each iteration. With
 *       {@code vecpropForward}, gives the backward/forward time ratio from one run.</li>
 * </ul>
 * Only {@code pytorch} loads libtorch; the others never touch DJL.
 *
 * <h2>Sanity check</h2>
 * Setup runs one step with vecprop and with the reference from the same weights on the same
 * batch (and, for {@code pytorch}, with PyTorch too) and fails the trial unless the losses agree
 * to a relative 1e-4 and every weight's and bias's change agrees to 1e-3 of the largest change in
 * its array (the update is {@code -lr·grad}, so this compares the gradients), or if anything is
 * NaN, or if the step changed no weight at all. For {@code pytorch} it also checks that a few
 * hundred steps leave the number of live NDArrays unchanged (no leak). Then every weight is reset.
 */
public class TrainStep extends BenchmarkDefaults {
    static final float LR = 0.01f;
    static final int BATCHES = 8; // a power of two

    @Param({"784-256-128-10@64", "2-2-1@1"})
    public String net;

    private int[] sizes;
    private int batch, layers, next;
    private String method;
    private float[][] xs, ts;
    private float[][] w0, b0; // the initial weights

    private Network network;
    private Sgd sgd;

    // the reference step's buffers, per layer l: W, b, Z (pre-activation), A (activation, hidden
    // layers only), dZ (hidden layers only), dX (layers above the first), dW, db; and dP
    private float[][] rw, rb, rz, ra, rdz, rdx, rdw, rdb;
    private float[] rdp;

    private TorchMlp torch;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        String b = params.getBenchmark();
        method = b.substring(b.lastIndexOf('.') + 1);
        parse(net);
        Random r = new Random(2024);
        xs = new float[BATCHES][];
        ts = new float[BATCHES][];
        for (int i = 0; i < BATCHES; i++) {
            xs[i] = RandomData.uniform(r, batch * sizes[0]);
            ts[i] = RandomData.uniform(r, batch * sizes[layers]);
        }
        network = Network.mlp(batch, 1, sizes);
        sgd = new Sgd(network, SgdOptions.learningRate(LR));
        w0 = new float[layers][];
        b0 = new float[layers][];
        for (int l = 0; l < layers; l++) {
            w0[l] = copy(network.layer(l).weight());
            b0[l] = copy(network.layer(l).bias());
        }
        allocateReference();
        if (method.equals("pytorch")) {
            loadTorch();
        }
        verify();
        reset();
        if (torch != null) { // reset writes into libtorch's tensors: read them back once
            for (int l = 0; l < layers; l++) {
                if (!Arrays.equals(torch.parameter(l, false), w0[l])
                        || !Arrays.equals(torch.parameter(l, true), b0[l])) {
                    throw new IllegalStateException("pytorch: layer " + l + " was not reset");
                }
            }
        }
    }

    private void parse(String spec) {
        String[] parts = spec.split("@");
        if (parts.length != 2) {
            throw new IllegalArgumentException(
                    "net must be SIZES@BATCH, e.g. 784-256-128-10@64, got " + spec);
        }
        sizes = Arrays.stream(parts[0].split("-")).mapToInt(Integer::parseInt).toArray();
        batch = Integer.parseInt(parts[1]);
        layers = sizes.length - 1;
        if (layers < 1 || batch < 1 || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("bad net " + spec);
        }
    }

    private void allocateReference() {
        rw = new float[layers][];
        rb = new float[layers][];
        rz = new float[layers][];
        ra = new float[layers][];
        rdz = new float[layers][];
        rdx = new float[layers][];
        rdw = new float[layers][];
        rdb = new float[layers][];
        for (int l = 0; l < layers; l++) {
            int in = sizes[l], out = sizes[l + 1];
            rw[l] = w0[l].clone();
            rb[l] = b0[l].clone();
            rz[l] = new float[batch * out];
            rdw[l] = new float[in * out];
            rdb[l] = new float[out];
            if (l < layers - 1) {
                ra[l] = new float[batch * out];
                rdz[l] = new float[batch * out];
            }
            if (l > 0) {
                rdx[l] = new float[batch * in];
            }
        }
        rdp = new float[batch * sizes[layers]];
    }

    private void loadTorch() {
        torch = TorchEngine.load(() -> new TorchMlp(sizes, batch, w0, b0, xs, ts, LR));
        System.out.println("# " + TorchEngine.description() + "; JVM threads now " + osThreads());
    }

    /** The process's thread count from /proc, or -1 where there is none. */
    private static int osThreads() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Threads:")) {
                    return Integer.parseInt(line.substring(8).trim());
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: no count
        }
        return -1;
    }

    private void verify() {
        String where = "train step " + net;
        float lv = vecpropStep(0);
        float lr = referenceStep(0);
        checkLoss(where, "vecprop", lv, "reference", lr);
        double changed = 0;
        for (int l = 0; l < layers; l++) {
            Dense d = network.layer(l);
            changed += checkChange(where, l, false, "vecprop", copy(d.weight()), "reference", rw[l],
                    w0[l]);
            changed += checkChange(where, l, true, "vecprop", copy(d.bias()), "reference", rb[l], b0[l]);
        }
        if (!(changed > 0)) {
            throw new IllegalStateException(where + ": the reference step changed no weight");
        }
        if (torch != null) {
            float lt = torch.step(0, true);
            checkLoss(where, "pytorch", lt, "reference", lr);
            for (int l = 0; l < layers; l++) {
                checkChange(where, l, false, "pytorch", torch.parameter(l, false), "reference",
                        rw[l], w0[l]);
                checkChange(where, l, true, "pytorch", torch.parameter(l, true), "reference",
                        rb[l], b0[l]);
            }
            int before = torch.managedArrays();
            int threadsBefore = osThreads();
            for (int s = 1; s <= 300; s++) {
                torch.step(s % BATCHES, false);
            }
            int after = torch.managedArrays();
            if (after != before) {
                throw new IllegalStateException(where + ": pytorch holds " + after
                        + " NDArrays after 300 more steps, " + before + " before: a leak");
            }
            System.out.println("# pytorch: " + after + " NDArrays live before and after 300 steps; "
                    + "process threads " + threadsBefore + " before, " + osThreads() + " after");
        }
        System.out.println("# " + where + ": loss " + lv + " (vecprop), " + lr + " (reference); "
                + Simd.description());
    }

    private static void checkLoss(String where, String gotName, float got, String expName,
                                  float expected) {
        if (!(Math.abs(got - expected) <= 1e-4 * Math.abs(expected)) || !(expected > 0f)) {
            throw new IllegalStateException(where + ": " + gotName + " loss " + got + ", "
                    + expName + " loss " + expected);
        }
    }

    /**
     * Compares the changes {@code got - start} and {@code expected - start} of one array.
     *
     * @return the largest change in {@code expected} (0 where, say, every ReLU below was off)
     */
    private static double checkChange(String where, int layer, boolean bias, String gotName,
                                    float[] got, String expName, float[] expected, float[] start) {
        double max = 0;
        for (int i = 0; i < start.length; i++) {
            max = Math.max(max, Math.abs((double) expected[i] - start[i]));
        }
        String what = where + ", layer " + layer + (bias ? " bias" : " weights");
        // the change is lr·grad, computed as the difference of two floats near w: allow their
        // rounding (an ulp of w each) on top of 1e-3 of the largest change
        for (int i = 0; i < start.length; i++) {
            double dGot = (double) got[i] - start[i], dExp = (double) expected[i] - start[i];
            double tol = 1e-3 * max + 2 * Math.ulp(Math.abs(start[i]) + (float) max);
            if (!(Math.abs(dGot - dExp) <= tol)) {
                throw new IllegalStateException(String.format(
                        "%s: %s changed element %d by %.6g, %s by %.6g (tolerance %.3g)",
                        what, gotName, i, dGot, expName, dExp, tol));
            }
        }
        return max;
    }

    /** A copy of a parameter's values. */
    private static float[] copy(Parameter p) {
        float[] a = new float[p.size()];
        p.copyTo(a, 0);
        return a;
    }

    /** Resets every weight and bias to the initial ones, and every gradient to 0. */
    private void reset() {
        next = 0;
        for (int l = 0; l < layers; l++) {
            Dense d = network.layer(l);
            d.weight().copyFrom(w0[l], 0); // through the view: the packed weights follow
            d.bias().copyFrom(b0[l], 0);
            System.arraycopy(w0[l], 0, rw[l], 0, w0[l].length);
            System.arraycopy(b0[l], 0, rb[l], 0, b0[l].length);
            if (torch != null) {
                torch.set(l, w0[l], b0[l]);
            }
        }
        network.zeroGrad();
    }

    @Setup(Level.Iteration)
    public void setupIteration() {
        reset();
        if (method.equals("vecpropBackward")) {
            network.forward(xs[0], 0, sizes[0], batch);
            network.loss(ts[0], 0, sizes[layers]);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (torch != null) {
            torch.close();
            torch = null;
        }
    }

    private float vecpropStep(int i) {
        network.forward(xs[i], 0, sizes[0], batch);
        float loss = network.loss(ts[i], 0, sizes[layers]);
        network.backward(Gradients.ACCUMULATE);
        sgd.step();
        return loss;
    }

    private float referenceStep(int i) {
        float[] x = xs[i];
        // forward
        float[] in = x;
        for (int l = 0; l < layers; l++) {
            int k = sizes[l], n = sizes[l + 1];
            ReferenceGemm.multiply(false, false, batch, n, k, 1f, in, 0, k, rw[l], 0, n, 0f, rz[l], 0, n);
            ReferenceBias.add(batch, n, rz[l], 0, n, rb[l], 0, rz[l], 0, n);
            if (l < layers - 1) {
                ReferenceRelu.forward(batch, n, rz[l], 0, n, ra[l], 0, n);
                in = ra[l];
            } else {
                in = rz[l];
            }
        }
        int outs = sizes[layers];
        float loss = ReferenceMse.lossAndGradient(batch, outs, rz[layers - 1], 0, outs, ts[i], 0, outs,
                rdp, 0, outs);
        // backward
        float[] dA = rdp;
        for (int l = layers - 1; l >= 0; l--) {
            int k = sizes[l], n = sizes[l + 1];
            float[] dz = dA;
            if (l < layers - 1) {
                ReferenceRelu.backward(batch, n, rz[l], 0, n, dA, 0, n, rdz[l], 0, n);
                dz = rdz[l];
            }
            ReferenceBias.gradient(batch, n, dz, 0, n, rdb[l], 0, false);
            float[] input = l == 0 ? x : ra[l - 1];
            ReferenceGemm.multiply(true, false, k, n, batch, 1f, input, 0, k, dz, 0, n, 0f, rdw[l], 0, n);
            if (l > 0) {
                ReferenceGemm.multiply(false, true, batch, k, n, 1f, dz, 0, n, rw[l], 0, n,
                        0f, rdx[l], 0, k);
                dA = rdx[l];
            }
        }
        // update
        for (int l = 0; l < layers; l++) {
            ReferenceUpdate.sgd(rw[l].length, rw[l], 0, rdw[l], 0, null, 0, LR, 0f, 0f, false);
            ReferenceUpdate.sgd(rb[l].length, rb[l], 0, rdb[l], 0, null, 0, LR, 0f, 0f, false);
        }
        return loss;
    }

    @Benchmark
    public float vecprop() {
        return vecpropStep(next++ & (BATCHES - 1));
    }

    @Benchmark
    public float reference() {
        return referenceStep(next++ & (BATCHES - 1));
    }

    @Benchmark
    public float pytorch() {
        return torch.step(next++ & (BATCHES - 1), false);
    }

    @Benchmark
    public float vecpropForward() {
        int i = next++ & (BATCHES - 1);
        network.forward(xs[i], 0, sizes[0], batch);
        return network.loss(ts[i], 0, sizes[layers]);
    }

    @Benchmark
    public void vecpropBackward() {
        network.backward(Gradients.ACCUMULATE);
    }
}

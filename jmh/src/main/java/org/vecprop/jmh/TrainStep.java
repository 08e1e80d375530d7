package org.vecprop.jmh;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.vecprop.kernel.Simd;
import org.vecprop.nn.Adam;
import org.vecprop.nn.Dense;
import org.vecprop.nn.Gradients;
import org.vecprop.nn.Network;
import org.vecprop.nn.Optimizer;
import org.vecprop.nn.Parameter;
import org.vecprop.nn.Sgd;
import org.vecprop.nn.SgdOptions;
import org.vecprop.reference.ReferenceBias;
import org.vecprop.reference.ReferenceCrossEntropy;
import org.vecprop.reference.ReferenceGemm;
import org.vecprop.reference.ReferenceMse;
import org.vecprop.reference.ReferenceRelu;
import org.vecprop.reference.ReferenceUpdate;

/**
 * One training step of an MLP, vecprop against the same step composed from the scalar reference
 * kernels and against PyTorch (through DJL); {@code scripts/bench} runs the NumPy step after JMH.
 * Each invocation is one step (forward, loss, backward, update); the score is ns per step.
 *
 * <h2>Networks and steps</h2>
 * The {@code net} parameter is {@code SIZES@BATCH[:STEP]} ({@link TrainNet}): layer widths from
 * the input to the output, joined by {@code -}, the batch, and which step:
 * <ul>
 *   <li>{@code mse-sgd} (when {@code :STEP} is left out): MSE loss against float targets, plain
 *       SGD (learning rate 0.01, no momentum, no weight decay). Hidden layers ReLU, output layer
 *       identity, bias everywhere, as {@link Network#mlp(int, long, int...)} builds them.</li>
 *   <li>{@code ce-adamw}: a classifier ({@link Network#classifier}): the same layers, softmax
 *       cross-entropy over the logits against one integer label per row (mean over the batch,
 *       {@link Network#loss(int[], int)}), and AdamW with PyTorch's defaults and learning rate
 *       1e-3 ({@code AdamOptions.adamW(1e-3f)}, {@link Adam}: betas 0.9 and 0.999, eps 1e-8,
 *       weight decay 0.01, decoupled; one fused pass per parameter, which also zeroes the
 *       gradient).</li>
 * </ul>
 * The defaults are {@code 784-256-128-10@64} (an MNIST-shaped MLP), {@code 2-2-1@1} (the
 * article's network, one example per step, where per-call overhead is all there is) and
 * {@code 784-256-128-10@64:ce-adamw} (the same MLP as a 10-class classifier). Any such string may
 * be given with {@code -p net=...}.
 *
 * <h2>Data</h2>
 * Eight batches of seeded uniform inputs in [-1, 1), with uniform targets in [-1, 1) (MSE) or
 * uniform labels in [0, classes) (cross-entropy); step {@code s} uses batch {@code s mod 8}
 * ({@link TrainNet#data}). The weights are {@link Network#mlp}'s initialisation (seed 1), copied
 * to the reference and PyTorch, so all train the same network. Before every measurement (and
 * warmup) iteration the weights are reset to it: a run of millions of steps never drives the
 * gradients towards zero (or into subnormals), whatever the iteration time. The optimizers
 * (AdamW's moments and step count) start afresh after the setup check and then carry on across
 * iterations: a step costs the same at any step count, and a new optimizer per iteration would
 * put its moment buffers into the GC profiler's bytes per step (JMH counts an iteration's setup
 * as part of it).
 *
 * <h2>Methods</h2>
 * <ul>
 *   <li>{@code vecprop}: {@link Network#forward}, {@link Network#loss},
 *       {@link Network#backward} ({@link Gradients#ACCUMULATE}), {@link Optimizer#step} ({@link Sgd}
 *       or {@link Adam}, which zero the gradients in their pass), as in vecprop's demo training
 *       loops.</li>
 *   <li>{@code reference}: the same step from {@code org.vecprop.reference} kernels on
 *       {@code float[]} buffers allocated in setup. Forward, per layer: GEMM {@code Z = X·W},
 *       bias add, ReLU into A (hidden layers); loss and dP ({@code ReferenceMse} or
 *       {@code ReferenceCrossEntropy}, which allocates a row of scratch per call); backward, per
 *       layer from the top: ReLU backward ({@code dZ = dA ⊙ [Z > 0]}; the output layer's dZ is
 *       dP), bias gradient, GEMM {@code dW = Xᵀ·dZ}, GEMM {@code dX = dZ·Wᵀ} (not for the first
 *       layer); then the update of every weight and bias ({@code ReferenceUpdate.sgd} or
 *       {@code .adam}, in double). Gradients are overwritten, not accumulated.</li>
 *   <li>{@code pytorch}: PyTorch 2.7.1 (libtorch, CPU) through DJL 0.36.0's NDArray API, on
 *       one thread; see {@link TorchMlp} (for {@code ce-adamw}: DJL's
 *       {@code Loss.softmaxCrossEntropyLoss()} and {@code Optimizer.adamW()}, and what DJL's
 *       AdamW computes: its eps sits where Adam's paper, not PyTorch, puts it). libtorch is
 *       loaded from the pytorch-native-cpu jar ({@code -Dai.djl.offline=true}: nothing is
 *       downloaded; setup fails if the property is missing). Its thread counts come from
 *       {@code -Dai.djl.pytorch.num_threads=1} and {@code -Dai.djl.pytorch.num_interop_threads=1},
 *       which DJL passes to {@code at::set_num_threads} and {@code at::set_num_interop_threads};
 *       setup checks both are 1. (JMH's {@code @Fork} cannot set environment variables, so
 *       OMP_NUM_THREADS is not used.) The loss stays in libtorch (no {@code item()} per step).</li>
 *   <li>{@code vecpropForward}: {@link Network#forward} and {@link Network#loss} only.</li>
 *   <li>{@code vecpropBackward}: {@link Network#backward} ({@link Gradients#ACCUMULATE}, as in
 *       the step) only, after a forward pass and loss in setup; the gradients grow by one
 *       batch's worth per call and are zeroed before each iteration. With
 *       {@code vecpropForward}, gives the backward/forward time ratio from one run.</li>
 * </ul>
 * Only {@code pytorch} loads libtorch; the others never touch DJL.
 *
 * <h2>Sanity check</h2>
 * Setup runs one step of each implementation from the same weights on the same batch and fails
 * the trial unless they agree, or if anything is NaN, or if the step changed no weight at all.
 * <ul>
 *   <li>{@code mse-sgd}: vecprop and PyTorch against the reference: the losses agree to a
 *       relative 1e-4 and every weight's and bias's change agrees to 1e-3 of the largest change
 *       in its array (the update is {@code -lr·grad}, so this compares the gradients).</li>
 *   <li>{@code ce-adamw}: {@link ClassifierStepCheck}: every implementation's loss within a
 *       rigorous float32 bound and a relative 1e-5 of the exact loss (computed in double from the
 *       same float32 weights and batch); the reference's and PyTorch's gradients within 1e-3 of each array's largest
 *       of vecprop's (so vecprop's are held to the reference's, the oracle); every implementation's
 *       updated weights within a stated bound of AdamW's first step from vecprop's gradients
 *       (with DJL's eps for PyTorch through DJL).</li>
 * </ul>
 * For {@code pytorch} it also checks that a few hundred steps leave the number of live NDArrays
 * unchanged (no leak). Then every weight (and optimizer) is reset.
 */
public class TrainStep extends BenchmarkDefaults {
    static final float LR = 0.01f; // the MSE + SGD step's; ce-adamw's is ClassifierStepCheck.LR
    static final int BATCHES = TrainNet.BATCHES;

    @Param({"784-256-128-10@64", "2-2-1@1", "784-256-128-10@64:ce-adamw"})
    public String net;

    private TrainNet spec;
    private int[] sizes;
    private int batch, layers, next;
    private boolean classifier;
    private String method;
    private float[][] xs, ts;
    private int[][] labels;
    private float[][] w0, b0; // the initial weights

    private Network network;
    private Optimizer optimizer;

    // the reference step's buffers, per layer l: W, b, Z (pre-activation), A (activation, hidden
    // layers only), dZ (hidden layers only), dX (layers above the first), dW, db; and dP; for
    // AdamW the moments of W and b and the step count
    private float[][] rw, rb, rz, ra, rdz, rdx, rdw, rdb;
    private float[][] rmw, rvw, rmb, rvb;
    private long referenceSteps;
    private float[] rdp;

    private TorchMlp torch;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        String b = params.getBenchmark();
        method = b.substring(b.lastIndexOf('.') + 1);
        spec = TrainNet.parse(net);
        sizes = spec.sizes();
        batch = spec.batch();
        layers = spec.layers();
        classifier = spec.classifier();
        TrainNet.Data data = spec.data();
        xs = data.xs();
        ts = data.ts();
        labels = data.labels();
        network = classifier ? Network.classifier(batch, TrainNet.INIT_SEED, sizes)
                : Network.mlp(batch, TrainNet.INIT_SEED, sizes);
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
        reset(true);
        if (classifier) {
            verifyClassifier();
        } else {
            verify();
        }
        reset(true);
        if (torch != null) { // reset writes into libtorch's tensors: read them back once
            for (int l = 0; l < layers; l++) {
                if (!Arrays.equals(torch.parameter(l, false), w0[l])
                        || !Arrays.equals(torch.parameter(l, true), b0[l])) {
                    throw new IllegalStateException("pytorch: layer " + l + " was not reset");
                }
            }
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
        rmw = new float[layers][];
        rvw = new float[layers][];
        rmb = new float[layers][];
        rvb = new float[layers][];
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
            if (classifier) {
                rmw[l] = new float[in * out];
                rvw[l] = new float[in * out];
                rmb[l] = new float[out];
                rvb[l] = new float[out];
            }
        }
        rdp = new float[batch * sizes[layers]];
    }

    private void loadTorch() {
        torch = TorchEngine.load(() -> classifier
                ? TorchMlp.classifierAdamW(sizes, batch, w0, b0, xs, labels)
                : TorchMlp.mseSgd(sizes, batch, w0, b0, xs, ts, LR));
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
            float lt = torch.step(0, true, null);
            checkLoss(where, "pytorch", lt, "reference", lr);
            for (int l = 0; l < layers; l++) {
                checkChange(where, l, false, "pytorch", torch.parameter(l, false), "reference",
                        rw[l], w0[l]);
                checkChange(where, l, true, "pytorch", torch.parameter(l, true), "reference",
                        rb[l], b0[l]);
            }
            checkTorchLeaks(where);
        }
        System.out.println("# " + where + ": loss " + lv + " (vecprop), " + lr + " (reference); "
                + Simd.description());
    }

    /**
     * The classifier's checks ({@link ClassifierStepCheck}): vecprop's first step, held to the
     * exact loss and to AdamW's formula, its gradients to the reference's; then the reference's
     * and PyTorch's loss, gradients and updated weights to vecprop's.
     */
    private void verifyClassifier() {
        String where = "train step " + net;
        ClassifierStepCheck check = ClassifierStepCheck.firstStep(spec, network, optimizer, xs[0],
                labels[0]);
        float lr = referenceStep(0);
        double refLoss = check.checkLoss("reference", lr);
        // the reference's gradients (overwritten by its step, not zeroed) against vecprop's: and
        // so vecprop's against the reference's, the independent oracle
        check.checkGradients("reference", rdw, rdb);
        int loose = check.checkUpdate("reference", rw, rb, ClassifierStepCheck.EPS);
        StringBuilder log = new StringBuilder(String.format(
                "# %s: exact loss %.7f (rigorous bound %.2g); vecprop %s (relative error %.1e), "
                        + "reference %s (%.1e); updates: %d sign-uncertain elements (size checked only)",
                where, check.exactLoss(), check.lossBound(), check.loss(),
                check.checkLoss("vecprop", check.loss()), lr, refLoss, loose));
        if (torch != null) {
            float[][] grads = new float[2 * layers][];
            float lt = torch.step(0, true, grads);
            double torchLoss = check.checkLoss("pytorch", lt);
            float[][] gw = new float[layers][], gb = new float[layers][];
            float[][] tw = new float[layers][], tb = new float[layers][];
            for (int l = 0; l < layers; l++) {
                gw[l] = grads[2 * l];
                gb[l] = grads[2 * l + 1];
                tw[l] = torch.parameter(l, false);
                tb[l] = torch.parameter(l, true);
            }
            check.checkGradients("pytorch", gw, gb);
            check.checkUpdate("pytorch", tw, tb, ClassifierStepCheck.djlEffectiveEps(1));
            log.append(String.format("; pytorch %s (%.1e)", lt, torchLoss));
            checkTorchLeaks(where);
        }
        System.out.println(log + "; " + Simd.description());
    }

    private void checkTorchLeaks(String where) {
        int before = torch.managedArrays();
        int threadsBefore = osThreads();
        for (int s = 1; s <= 300; s++) {
            torch.step(s % BATCHES, false, null);
        }
        int after = torch.managedArrays();
        if (after != before) {
            throw new IllegalStateException(where + ": pytorch holds " + after
                    + " NDArrays after 300 more steps, " + before + " before: a leak");
        }
        System.out.println("# pytorch: " + after + " NDArrays live before and after 300 steps; "
                + "process threads " + threadsBefore + " before, " + osThreads() + " after");
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

    /**
     * Resets every weight and bias to the initial ones, every gradient to 0, and, with
     * {@code optimizers}, every optimizer to a new one (no moments, step count 0).
     */
    private void reset(boolean optimizers) {
        next = 0;
        for (int l = 0; l < layers; l++) {
            Dense d = network.layer(l);
            d.weight().copyFrom(w0[l], 0); // through the view: the packed weights follow
            d.bias().copyFrom(b0[l], 0);
            System.arraycopy(w0[l], 0, rw[l], 0, w0[l].length);
            System.arraycopy(b0[l], 0, rb[l], 0, b0[l].length);
            if (classifier && optimizers) {
                Arrays.fill(rmw[l], 0f);
                Arrays.fill(rvw[l], 0f);
                Arrays.fill(rmb[l], 0f);
                Arrays.fill(rvb[l], 0f);
            }
            if (torch != null) {
                torch.set(l, w0[l], b0[l]);
            }
        }
        network.zeroGrad();
        if (optimizers) {
            optimizer = classifier ? new Adam(network, ClassifierStepCheck.options())
                    : new Sgd(network, SgdOptions.learningRate(LR));
            referenceSteps = 0;
            if (torch != null) {
                torch.resetOptimizer();
            }
        }
    }

    /**
     * Before every iteration: the weights only. The optimizers' state carries on from the last
     * iteration (the same cost per step, whatever the step count): a new optimizer would
     * allocate its moments (1.9 MB for 784-256-128-10), and JMH's GC profiler counts what an
     * iteration's setup allocates as the iteration's.
     */
    @Setup(Level.Iteration)
    public void setupIteration() {
        reset(false);
        if (method.equals("vecpropBackward")) {
            network.forward(xs[0], 0, sizes[0], batch);
            vecpropLoss(0);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (torch != null) {
            torch.close();
            torch = null;
        }
    }

    private float vecpropLoss(int i) {
        return classifier ? network.loss(labels[i], 0) : network.loss(ts[i], 0, sizes[layers]);
    }

    private float vecpropStep(int i) {
        network.forward(xs[i], 0, sizes[0], batch);
        float loss = vecpropLoss(i);
        network.backward(Gradients.ACCUMULATE);
        optimizer.step();
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
        float loss = classifier
                ? ReferenceCrossEntropy.lossAndGradient(batch, outs, rz[layers - 1], 0, outs, labels[i],
                        0, rdp, 0, outs, true, 0f)
                : ReferenceMse.lossAndGradient(batch, outs, rz[layers - 1], 0, outs, ts[i], 0, outs,
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
        if (classifier) {
            long t = ++referenceSteps;
            for (int l = 0; l < layers; l++) {
                ReferenceUpdate.adam(rw[l].length, rw[l], 0, rdw[l], 0, rmw[l], 0, rvw[l], 0,
                        ClassifierStepCheck.LR, ClassifierStepCheck.BETA1, ClassifierStepCheck.BETA2,
                        ClassifierStepCheck.EPS, ClassifierStepCheck.WEIGHT_DECAY, true, t, false);
                ReferenceUpdate.adam(rb[l].length, rb[l], 0, rdb[l], 0, rmb[l], 0, rvb[l], 0,
                        ClassifierStepCheck.LR, ClassifierStepCheck.BETA1, ClassifierStepCheck.BETA2,
                        ClassifierStepCheck.EPS, ClassifierStepCheck.WEIGHT_DECAY, true, t, false);
            }
        } else {
            for (int l = 0; l < layers; l++) {
                ReferenceUpdate.sgd(rw[l].length, rw[l], 0, rdw[l], 0, null, 0, LR, 0f, 0f, false);
                ReferenceUpdate.sgd(rb[l].length, rb[l], 0, rdb[l], 0, null, 0, LR, 0f, 0f, false);
            }
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
        return torch.step(next++ & (BATCHES - 1), false, null);
    }

    @Benchmark
    public float vecpropForward() {
        int i = next++ & (BATCHES - 1);
        network.forward(xs[i], 0, sizes[0], batch);
        return vecpropLoss(i);
    }

    @Benchmark
    public void vecpropBackward() {
        network.backward(Gradients.ACCUMULATE);
    }
}

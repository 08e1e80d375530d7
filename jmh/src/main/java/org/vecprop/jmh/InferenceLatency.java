package org.vecprop.jmh;

import ai.onnxruntime.OrtException;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.vecprop.kernel.Simd;
import org.vecprop.nn.Network;
import org.vecprop.nn.Output;

/**
 * Inference latency of one 784-256-128-10 ReLU MLP (ReLU hidden layers, identity output, bias
 * everywhere) at batch 1 and 32, vecprop against the runtimes a latency-sensitive JVM service
 * would otherwise call: ONNX Runtime for Java, PyTorch through DJL, and OpenBLAS composed by hand.
 * Every implementation runs on one thread and the same weights. Mode is sample time: each call is
 * timed, so JMH reports the distribution (its JSON has {@code p0.50}, {@code p0.99} and more under
 * {@code primaryMetric.scorePercentiles}); scores are microseconds per inference.
 *
 * <h2>Methods</h2>
 * Each takes the input from a Java {@code float[]} and leaves the output where Java reads it:
 * <ul>
 *   <li>{@code vecprop}: {@link Network#forward} on the array; the output stays in the network's
 *       own buffer, read through the {@link org.vecprop.nn.Output} view it returns (no copy; see
 *       {@link #vecpropForward}).</li>
 *   <li>{@code onnxruntime}: {@link OrtMlp}: ONNX Runtime 1.22.0 (CPU) on a model of the same
 *       weights built by {@link OnnxMlpModel}; intra-op and inter-op threads 1, sequential
 *       execution, {@code session.intra_op.allow_spinning = 0}, optimization level ALL; the input
 *       and a pinned output are tensors over direct buffers created once; the call copies the input
 *       in and the output out.</li>
 *   <li>{@code pytorch}: {@link TorchMlpForward}: libtorch 2.7.1 (CPU) through DJL 0.36.0, eager
 *       {@code matMul}/{@code add}/{@code relu} per layer, at one intra-op and one inter-op
 *       thread ({@code -Dai.djl.pytorch.num_threads=1}, {@code -Dai.djl.pytorch.num_interop_threads=1},
 *       from {@link BenchmarkDefaults}, checked), loaded offline from the jar.</li>
 *   <li>{@code openblas}: {@link OpenBlasMlp}: {@code cblas_sgemm} per layer on off-heap pointers
 *       (JavaCPP, one thread, checked) and a Java pass adding the bias and applying ReLU.</li>
 * </ul>
 * Only the benchmark's own peer is loaded in its trial, so that, say, vecprop's fork never holds
 * libtorch or ONNX Runtime.
 *
 * <h2>Data</h2>
 * The weights are {@link Network#mlp}'s initialisation (seed {@link #WEIGHT_SEED}); the biases,
 * which that initialisation sets to 0, are overwritten with seeded uniform values in [-0.5, 0.5)
 * so that a peer that dropped the bias would fail the check; the input is seeded uniform in
 * [-1, 1). Every peer gets copies of these arrays.
 *
 * <h2>Sanity check</h2>
 * Setup runs vecprop and the benchmark's peer once and fails the trial unless each is within
 * {@link MlpForwardCheck}'s float32 error bound of a float64 forward pass on the same weights, and
 * the two within twice that bound of each other, or if the reference's ReLUs clip none or all of
 * their inputs. For {@code pytorch} it also checks that a few hundred calls leave the number of
 * live NDArrays unchanged (no leak). The bound is rigorous, so it is the worst case (every
 * rounding error aligned, amplified through the layers) and loose: correct implementations land
 * within about 1e-5 of it, which the log line shows. It still rejects a dropped bias or ReLU in
 * any layer, or a weight matrix read transposed: on these data each pushes some output past the
 * bound, by a factor of 1.2 or more.
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InferenceLatency extends BenchmarkDefaults {
    /** Layer widths, input first. */
    public static final int[] SIZES = {784, 256, 128, 10};
    static final long WEIGHT_SEED = 1, BIAS_SEED = 2026, INPUT_SEED = 2027;

    @Param({"1", "32"})
    public int batch;

    private float[] x, y;
    private Network network;
    private OrtMlp ort;
    private TorchMlpForward torch;
    private OpenBlasMlp blas;

    /**
     * vecprop's network, with seeded biases, and its weights and biases as per-layer arrays.
     *
     * @param w per layer, {@code SIZES[l] x SIZES[l + 1]} row-major: copies of the network's
     * @param b per layer: copies of the network's
     */
    public record Weights(Network network, float[][] w, float[][] b) {
        /** Builds the network for batches up to {@code maxBatch} and sets its biases. */
        public static Weights create(int maxBatch) {
            Network net = Network.mlp(maxBatch, WEIGHT_SEED, SIZES);
            Random r = new Random(BIAS_SEED);
            int layers = SIZES.length - 1;
            float[][] w = new float[layers][], b = new float[layers][];
            for (int l = 0; l < layers; l++) {
                w[l] = new float[SIZES[l] * SIZES[l + 1]];
                net.layer(l).weight().copyTo(w[l], 0);
                b[l] = RandomData.uniform(r, SIZES[l + 1], -0.5f, 0.5f);
                net.layer(l).bias().copyFrom(b[l], 0);
            }
            return new Weights(net, w, b);
        }
    }

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) throws OrtException {
        String b = params.getBenchmark();
        prepare(b.substring(b.lastIndexOf('.') + 1));
    }

    /**
     * Builds vecprop's network, the data and the peer that benchmark {@code method} measures, and
     * checks them (see the class comment).
     */
    void prepare(String method) throws OrtException {
        Weights weights = Weights.create(batch);
        network = weights.network();
        x = RandomData.uniform(INPUT_SEED, batch * SIZES[0]);
        y = new float[batch * SIZES[SIZES.length - 1]];

        String where = "inference batch " + batch;
        MlpForwardCheck check = MlpForwardCheck.of(SIZES, batch, weights.w(), weights.b(), x);
        check.requireReluActive(where);
        float[] expected = vecpropForward().toArray();
        double vecpropWorst = check.check(where, "vecprop", expected);
        String peer = "";
        float[] got = null;
        switch (method) {
            case "vecprop" -> { }
            case "onnxruntime" -> {
                ort = new OrtMlp(OnnxMlpModel.build(batch, SIZES, weights.w(), weights.b()),
                        batch, SIZES[0], SIZES[SIZES.length - 1]);
                got = onnxruntime().clone();
                peer = ort.description();
            }
            case "pytorch" -> {
                torch = TorchEngine.load(
                        () -> new TorchMlpForward(SIZES, batch, weights.w(), weights.b()));
                got = pytorch().clone();
                int before = torch.managedArrays();
                for (int i = 0; i < 300; i++) {
                    pytorch();
                }
                if (torch.managedArrays() != before) {
                    throw new IllegalStateException(where + ": pytorch holds " + torch.managedArrays()
                            + " NDArrays after 300 more calls, " + before + " before: a leak");
                }
                peer = TorchEngine.description() + ", " + before + " NDArrays live";
            }
            case "openblas" -> {
                OpenBlas.useOneThread();
                blas = new OpenBlasMlp(SIZES, batch, weights.w(), weights.b());
                got = openblas().clone();
                peer = OpenBlas.description();
            }
            default -> throw new IllegalStateException("no sanity check for benchmark " + method);
        }
        String agreement = String.format(Locale.ROOT, "vecprop's error is %.2e of the bound", vecpropWorst);
        if (got != null) {
            double worst = check.check(where, method, got);
            double pair = check.checkAgainst(where, method, got, "vecprop", expected);
            agreement += String.format(Locale.ROOT, ", %s's %.2e of it, their difference %.2e of twice it",
                    method, worst, pair);
        }
        System.out.println("# " + where + ": " + agreement
                + String.format(Locale.ROOT, " (largest bound %.3g); ", check.maxBound())
                + Simd.description() + (peer.isEmpty() ? "" : "; " + peer));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws OrtException {
        if (ort != null) {
            ort.close();
            ort = null;
        }
        if (torch != null) {
            torch.close();
            torch = null;
        }
        if (blas != null) {
            blas.close();
            blas = null;
        }
    }

    /** vecprop's inference: the output is read through the view forward returns, not copied. */
    private Output vecpropForward() {
        return network.forward(x, 0, SIZES[0], batch);
    }

    @Benchmark
    public Output vecprop() {
        return vecpropForward();
    }

    @Benchmark
    public float[] onnxruntime() throws OrtException {
        return ort.forward(x, y);
    }

    @Benchmark
    public float[] pytorch() {
        return torch.forward(x);
    }

    @Benchmark
    public float[] openblas() {
        return blas.forward(x, y);
    }
}

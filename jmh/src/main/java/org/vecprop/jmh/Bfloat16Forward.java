package org.vecprop.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;

/**
 * The forward pass of {@link InferenceLatency}'s 784-256-128-10 ReLU MLP (the same weights and
 * biases) written with the kernel calls a layer makes, {@code Gemm.multiplyBiasActivation}
 * against a {@link PackedMatrix} per layer, with the weights packed as float32
 * ({@code PackedMatrix.pack}) or as bfloat16 ({@code PackedMatrix.packBfloat16}, half the bytes,
 * widened to float in the register): what bfloat16 weights save where the time is the weights'
 * bytes (batch 1: 0.94 MB of float32 weights per call). Sample time in µs, p50 and p99 as
 * InferenceLatency reports them.
 *
 * <p>Setup prints the accuracy of bfloat16 against float32 on these weights and a seeded input:
 * the largest absolute difference of the 10 outputs per row, and that difference relative to the
 * largest |output|. Both products are the same order of arithmetic; the difference is the
 * weights' rounding (relative 2^-8 at most per weight), carried through three layers.
 *
 * <p>Run: {@code scripts/bench Bfloat16Forward -f 3} (or with {@code InferenceLatency} in the
 * same command for ONNX Runtime beside it).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class Bfloat16Forward extends BenchmarkDefaults {
    static final int[] SIZES = InferenceLatency.SIZES;

    @Param({"1", "32"})
    public int batch;

    @Param({"float32", "bfloat16"})
    public String weights;

    private PackedMatrix[] packed;
    private float[][] bias, out;
    private float[] x;

    private static volatile boolean announced;

    @Setup(Level.Trial)
    public void setup() {
        InferenceLatency.Weights w = InferenceLatency.Weights.create(batch);
        int layers = SIZES.length - 1;
        x = RandomData.uniform(InferenceLatency.INPUT_SEED, batch * SIZES[0]);
        bias = w.b();
        PackedMatrix[] f32 = new PackedMatrix[layers], bf16 = new PackedMatrix[layers];
        for (int l = 0; l < layers; l++) {
            f32[l] = PackedMatrix.pack(false, SIZES[l], SIZES[l + 1], w.w()[l], 0, SIZES[l + 1]);
            bf16[l] = PackedMatrix.packBfloat16(false, SIZES[l], SIZES[l + 1], w.w()[l], 0, SIZES[l + 1]);
        }
        out = new float[layers][];
        for (int l = 0; l < layers; l++) {
            out[l] = new float[batch * SIZES[l + 1]];
        }
        packed = f32;
        float[] full = forward().clone();
        packed = bf16;
        float[] half = forward().clone();
        double worst = 0, scale = 0;
        for (int i = 0; i < full.length; i++) {
            worst = Math.max(worst, Math.abs((double) full[i] - half[i]));
            scale = Math.max(scale, Math.abs(full[i]));
        }
        if (!(worst <= 0.05 * scale)) { // a wrong product is far off; the rounding is not
            throw new IllegalStateException("bfloat16 forward differs from float32 by " + worst
                    + " with outputs up to " + scale);
        }
        if (!announced) {
            announced = true;
            System.out.printf("# bfloat16 vs float32 weights, batch %d: largest output difference %.3g"
                    + " (%.3g of the largest |output|, %.3g)%n", batch, worst, worst / scale, scale);
        }
        packed = weights.equals("bfloat16") ? bf16 : f32;
    }

    /** Three fused layers, ReLU on the hidden ones; returns the output buffer. */
    @Benchmark
    public float[] forward() {
        float[] in = x;
        int layers = SIZES.length - 1;
        for (int l = 0; l < layers; l++) {
            Gemm.multiplyBiasActivation(false, batch, 1f, in, 0, SIZES[l], packed[l], 0f, out[l], 0,
                    SIZES[l + 1], bias[l], 0, l < layers - 1 ? Activation.RELU : Activation.IDENTITY);
            in = out[l];
        }
        return in;
    }
}

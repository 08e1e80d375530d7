package org.vecprop.jmh;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.ejml.data.FMatrixRMaj;
import org.ejml.dense.row.CommonOps_FDRM;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.kernel.Simd;

/**
 * Single-threaded SGEMM, {@code C = op(A)·op(B)} (alpha = 1, beta = 0), vecprop against OpenBLAS
 * and EJML. Each invocation is exactly one GEMM; the score is ns per GEMM, so GF/s is
 * {@code 2·M·K·N / score}.
 *
 * <h2>Shapes</h2>
 * The {@code shape} parameter is {@code MxKxN[:XY]}: {@code C (M x N) = op(A) (M x K) · op(B) (K x N)},
 * where X and Y are {@code N} (as stored) or {@code T} (transposed) for A and B; no suffix means
 * {@code :NN}. Stored A is {@code M x K} ({@code K x M} for T), stored B {@code K x N}
 * ({@code N x K} for T), all row-major and dense. See {@link GemmShape}. Any such string may be
 * given with {@code -p shape=...}, not only the defaults.
 *
 * <p>The defaults are squares and near-squares from tiny to 1024³, then the backward products of
 * a 784-256-128-10 MLP at batch 64. Layer l has input X_l (batch x in, X_1 is the 64 x 784 data),
 * weights W_l (in x out: W1 784x256, W2 256x128, W3 128x10) and pre-activation Z_l = X_l·W_l; its
 * backward products are dW_l = X_lᵀ·dZ_l and dX_l = dZ_l·W_lᵀ:
 * <ul>
 *   <li>{@code 784x64x256:TN} dW1 = X1ᵀ·dZ1, {@code 256x64x128:TN} dW2 = X2ᵀ·dZ2,
 *       {@code 128x64x10:TN} dW3 = X3ᵀ·dZ3;</li>
 *   <li>{@code 64x128x256:NT} dX2 = dZ2·W2ᵀ, {@code 64x10x128:NT} dX3 = dZ3·W3ᵀ (dX1, the
 *       gradient of the data, is not needed for training).</li>
 * </ul>
 *
 * <h2>Implementations</h2>
 * <ul>
 *   <li>{@code vecprop}: {@link Gemm#multiply} on the {@code float[]}s.</li>
 *   <li>{@code vecpropPacked}: the same with op(B) packed once in setup ({@link PackedMatrix}),
 *       as a layer's weights are: what a product costs when B does not change between calls.
 *       Setup checks it gives the same bits as {@code vecprop}.</li>
 *   <li>{@code openblasArray}: {@code cblas_sgemm} (CblasRowMajor) through JavaCPP's
 *       {@code float[]} overload. JavaCPP pins or copies each array around the native call, so
 *       this is what a Java caller holding heap arrays pays, copies included.</li>
 *   <li>{@code openblasPointer}: the same on off-heap {@link FloatPointer}s filled in setup: the
 *       native kernel alone plus one JNI call.</li>
 *   <li>{@code ejml}: {@code CommonOps_FDRM.mult / multTransA / multTransB / multTransAB} on
 *       {@link FMatrixRMaj}s wrapping the same arrays (single-threaded EJML).</li>
 * </ul>
 * OpenBLAS is limited to one thread ({@code blas_set_num_threads(1)}, checked), so every
 * implementation runs on one core. The scalar reference is in {@link GemmReferenceBenchmark}: a
 * separate class, so that a run of this one never spends minutes on a scalar 1024³ product, and so
 * that no score here is a placeholder.
 *
 * <h2>Sanity check</h2>
 * Setup computes the product with vecprop and with OpenBLAS ({@code float[]}) and, when the
 * benchmark is another implementation, with that one too, and fails the trial if any element
 * differs by more than {@code 1e-3·K} (or is NaN): a broken kernel or a mis-wired call is an
 * error, not a fast score.
 */
public class GemmBenchmark extends BenchmarkDefaults {

    @Param({
            // squares and near-squares, M x K x N
            "1x2x2", "1x256x256", "32x64x64", "64x256x256", "128x128x128", "256x256x256",
            "512x512x512", "1024x1024x1024",
            // forward of a 784-256-128-10 MLP's first layer at batch 8 and 32
            "8x784x256", "32x784x256",
            // backward of a 784-256-128-10 MLP at batch 64: dW = Xᵀ·dZ for each layer ...
            "784x64x256:TN", "256x64x128:TN", "128x64x10:TN",
            // ... and dX = dZ·Wᵀ for layers 2 and 3
            "64x128x256:NT", "64x10x128:NT",
    })
    public String shape;

    private GemmShape s;
    private float[] a, b, c;
    private FMatrixRMaj aMat, bMat, cMat;
    private FloatPointer aPtr, bPtr, cPtr;
    private PackedMatrix packedB;
    private int transA, transB;

    private static volatile boolean announced;

    @Setup(Level.Trial)
    public void setup(BenchmarkParams params) {
        s = GemmShape.parse(shape);
        a = s.randomA(42);
        b = s.randomB(4242);
        c = new float[s.m() * s.n()];

        packedB = PackedMatrix.pack(s.transB(), s.k(), s.n(), b, 0, s.ldb());
        aMat = FMatrixRMaj.wrap(s.aRows(), s.aCols(), a);
        bMat = FMatrixRMaj.wrap(s.bRows(), s.bCols(), b);
        cMat = FMatrixRMaj.wrap(s.m(), s.n(), c);

        OpenBlas.useOneThread();
        transA = s.transA() ? openblas.CblasTrans : openblas.CblasNoTrans;
        transB = s.transB() ? openblas.CblasTrans : openblas.CblasNoTrans;
        aPtr = new FloatPointer(a);
        bPtr = new FloatPointer(b);
        cPtr = new FloatPointer((long) s.m() * s.n());

        if (!announced) {
            announced = true;
            System.out.println("# " + Simd.description() + "; " + OpenBlas.description()
                    + " (OPENBLAS_CORETYPE unset = OpenBLAS picks its kernel for this CPU)");
        }
        verify(params.getBenchmark());
        java.util.Arrays.fill(c, 0f);
    }

    private void verify(String benchmark) {
        String impl = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        float[] expected = openblasArray().clone();
        s.check("vecprop", vecprop().clone(), "openblasArray", expected);
        switch (impl) {
            case "vecprop", "openblasArray" -> { } // just compared
            case "vecpropPacked" -> {
                float[] plain = vecprop().clone(), packed = vecpropPacked().clone();
                for (int i = 0; i < plain.length; i++) {
                    if (Float.floatToIntBits(plain[i]) != Float.floatToIntBits(packed[i])) {
                        throw new IllegalStateException("vecpropPacked differs from vecprop at " + i
                                + ": " + packed[i] + " vs " + plain[i] + " (" + shape + ")");
                    }
                }
            }
            case "openblasPointer" -> {
                float[] got = new float[s.m() * s.n()];
                openblasPointer().get(got);
                s.check(impl, got, "openblasArray", expected);
            }
            case "ejml" -> s.check(impl, ejml().getData().clone(), "openblasArray", expected);
            default -> throw new IllegalStateException("no sanity check for benchmark " + impl);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        aPtr.close();
        bPtr.close();
        cPtr.close();
    }

    @Benchmark
    public float[] vecprop() {
        Gemm.multiply(s.transA(), s.transB(), s.m(), s.n(), s.k(),
                1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
        return c;
    }

    @Benchmark
    public float[] vecpropPacked() {
        Gemm.multiplyPacked(s.transA(), s.m(), 1f, a, 0, s.lda(), packedB, 0f, c, 0, s.ldc());
        return c;
    }

    @Benchmark
    public float[] openblasArray() {
        openblas.cblas_sgemm(openblas.CblasRowMajor, transA, transB, s.m(), s.n(), s.k(),
                1f, a, s.lda(), b, s.ldb(), 0f, c, s.ldc());
        return c;
    }

    @Benchmark
    public FloatPointer openblasPointer() {
        openblas.cblas_sgemm(openblas.CblasRowMajor, transA, transB, s.m(), s.n(), s.k(),
                1f, aPtr, s.lda(), bPtr, s.ldb(), 0f, cPtr, s.ldc());
        return cPtr;
    }

    @Benchmark
    public FMatrixRMaj ejml() {
        if (s.transA()) {
            if (s.transB()) {
                CommonOps_FDRM.multTransAB(aMat, bMat, cMat);
            } else {
                CommonOps_FDRM.multTransA(aMat, bMat, cMat);
            }
        } else if (s.transB()) {
            CommonOps_FDRM.multTransB(aMat, bMat, cMat);
        } else {
            CommonOps_FDRM.mult(aMat, bMat, cMat);
        }
        return cMat;
    }
}

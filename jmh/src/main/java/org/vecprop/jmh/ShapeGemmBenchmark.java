package org.vecprop.jmh;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.vecprop.jmh.shape.ShapeGemms;
import org.vecprop.jmh.shape.ShapeKernel;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.kernel.Simd;

/**
 * The shape-specialisation experiment at a classifier's output layer (784-256-128-10): the
 * library's {@code Gemm.multiply}, a kernel specialised to the shape (a hidden class per shape
 * whose sizes are static finals, {@link ShapeGemms}), the same kernel with the sizes not
 * constants ({@code control}), the library with op(B) packed beforehand, and OpenBLAS on
 * off-heap buffers, in one run. Shapes as {@link GemmBenchmark}'s ({@link GemmShape}); alpha 1,
 * beta 0. Setup fails the trial unless the specialised kernel and the control give the library's
 * bits and the library agrees with OpenBLAS to {@code 1e-3·K}.
 */
public class ShapeGemmBenchmark extends BenchmarkDefaults {

    @Param({"64x128x10", "1x128x10", "32x128x10", "128x64x10:TN", "64x10x128:NT"})
    public String shape;

    private GemmShape s;
    private float[] a, b, c;
    private ShapeKernel specialised, control, specialisedTp;
    private PackedMatrix packedB;
    private FloatPointer aPtr, bPtr, cPtr;
    private int transA, transB;

    @Setup(Level.Trial)
    public void setup() {
        s = GemmShape.parse(shape);
        a = s.randomA(42);
        b = s.randomB(4242);
        c = new float[s.m() * s.n()];
        specialised = ShapeGemms.of(s.transA(), s.transB(), s.m(), s.n(), s.k(), true);
        control = ShapeGemms.of(s.transA(), s.transB(), s.m(), s.n(), s.k(), false);
        specialisedTp = ShapeGemms.of(s.transA(), s.transB(), s.m(), s.n(), s.k(), true, true);
        packedB = PackedMatrix.pack(s.transB(), s.k(), s.n(), b, 0, s.ldb());
        OpenBlas.useOneThread();
        transA = s.transA() ? openblas.CblasTrans : openblas.CblasNoTrans;
        transB = s.transB() ? openblas.CblasTrans : openblas.CblasNoTrans;
        aPtr = new FloatPointer(a);
        bPtr = new FloatPointer(b);
        cPtr = new FloatPointer((long) s.m() * s.n());
        System.out.println("# " + Simd.description() + "; " + shape + ": specialised form "
                + specialised.describe() + "; " + OpenBlas.description());

        float[] lib = vecprop().clone();
        same("specialised", specialised().clone(), lib);
        same("control", control().clone(), lib);
        same("specialisedTp", specialisedTp().clone(), lib);
        same("vecpropPacked", vecpropPacked().clone(), lib);
        float[] blas = new float[s.m() * s.n()];
        openblasPointer().get(blas);
        s.check("vecprop", lib, "openblasPointer", blas);
    }

    private void same(String what, float[] got, float[] want) {
        for (int i = 0; i < want.length; i++) {
            if (Float.floatToRawIntBits(got[i]) != Float.floatToRawIntBits(want[i])) {
                throw new IllegalStateException(what + " differs from Gemm.multiply at " + i + ": "
                        + got[i] + " vs " + want[i] + " (" + shape + ")");
            }
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
    public float[] specialised() {
        specialised.multiply(a, b, c);
        return c;
    }

    /** The specialised kernel with a transposed B packed by register transposes (else as specialised). */
    @Benchmark
    public float[] specialisedTp() {
        specialisedTp.multiply(a, b, c);
        return c;
    }

    @Benchmark
    public float[] control() {
        control.multiply(a, b, c);
        return c;
    }

    @Benchmark
    public FloatPointer openblasPointer() {
        openblas.cblas_sgemm(openblas.CblasRowMajor, transA, transB, s.m(), s.n(), s.k(),
                1f, aPtr, s.lda(), bPtr, s.ldb(), 0f, cPtr, s.ldc());
        return cPtr;
    }
}

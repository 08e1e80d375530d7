package org.vecprop.jmh;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.vecprop.kernel.Gemm;

/**
 * The scalar oracle, {@link org.vecprop.reference.ReferenceGemm#multiply}, on the same problems and in the
 * same units as {@link GemmBenchmark} (ns per GEMM, alpha = 1, beta = 0; shape notation in
 * {@link GemmShape}), to show what the SIMD kernel buys over plain loops.
 *
 * <p>It is a class of its own, with shapes only up to 256³, because the reference takes on the
 * order of a second per product at 1024³: in {@code GemmBenchmark} it would either dominate the
 * run time of every full run or need a shortcut that reports a number that measured nothing. A
 * larger shape can still be asked for explicitly ({@code -p shape=512x512x512}); expect
 * single-digit operations per iteration there, and lengthen {@code -r} accordingly.
 *
 * <p>Setup checks the reference against vecprop (within {@code 1e-3·K}) before timing.
 */
public class GemmReferenceBenchmark extends BenchmarkDefaults {

    @Param({
            "1x2x2", "1x256x256", "32x64x64", "64x256x256", "128x128x128", "256x256x256",
            "784x64x256:TN", "256x64x128:TN", "128x64x10:TN",
            "64x128x256:NT", "64x10x128:NT",
    })
    public String shape;

    private GemmShape s;
    private float[] a, b, c;

    @Setup(Level.Trial)
    public void setup() {
        s = GemmShape.parse(shape);
        a = s.randomA(42);
        b = s.randomB(4242);
        c = new float[s.m() * s.n()];
        float[] expected = new float[s.m() * s.n()];
        Gemm.multiply(s.transA(), s.transB(), s.m(), s.n(), s.k(),
                1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, expected, 0, s.ldc());
        s.check("reference", reference().clone(), "vecprop", expected);
        java.util.Arrays.fill(c, 0f);
    }

    @Benchmark
    public float[] reference() {
        org.vecprop.reference.ReferenceGemm.multiply(s.transA(), s.transB(), s.m(), s.n(), s.k(),
                1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
        return c;
    }
}

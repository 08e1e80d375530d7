package org.vecprop.jmh;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.vecprop.kernel.Gemm;

/**
 * vecprop's GEMM on one thread against two: the caller's thread plus one pool thread, the
 * pieces split over rows or columns of C (never k). Setup checks that the two results are
 * bit-identical. Shapes as in {@link GemmBenchmark}.
 */
public class GemmThreadsBenchmark extends BenchmarkDefaults {

    @Param({"512x512x512", "1024x1024x1024"})
    public String shape;

    private GemmShape s;
    private float[] a, b, c;
    private ExecutorService pool;

    @Setup(Level.Trial)
    public void setup() {
        s = GemmShape.parse(shape);
        a = s.randomA(42);
        b = s.randomB(4242);
        c = new float[s.m() * s.n()];
        pool = Executors.newFixedThreadPool(1);
        float[] one = threads1().clone();
        float[] two = threads2().clone();
        if (!Arrays.equals(one, two)) {
            throw new IllegalStateException("1- and 2-thread results differ at " + shape);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        pool.shutdownNow();
    }

    @Benchmark
    public float[] threads1() {
        Gemm.multiply(s.transA(), s.transB(), s.m(), s.n(), s.k(),
                1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
        return c;
    }

    @Benchmark
    public float[] threads2() {
        Gemm.multiplyParallel(s.transA(), s.transB(), s.m(), s.n(), s.k(),
                1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc(), pool, 2);
        return c;
    }
}

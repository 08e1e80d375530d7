package org.vecprop.jmh;

import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.vecprop.kernel.Gemm;

/**
 * vecprop's GEMM on one thread against two: the caller's thread plus one pool thread, the
 * pieces split over rows or columns of C (never k). Setup checks that the two results are
 * bit-identical. Shapes as in {@link GemmBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1, timeUnit = TimeUnit.SECONDS)
@Measurement(iterations = 5, time = 1, timeUnit = TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g",
        "--sun-misc-unsafe-memory-access=allow"})
public class GemmThreadsBenchmark {

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
        c = new float[s.m * s.n];
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
        Gemm.multiply(s.transA, s.transB, s.m, s.n, s.k,
                1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc());
        return c;
    }

    @Benchmark
    public float[] threads2() {
        Gemm.multiply(s.transA, s.transB, s.m, s.n, s.k,
                1f, a, 0, s.lda(), b, 0, s.ldb(), 0f, c, 0, s.ldc(), pool, 2);
        return c;
    }
}

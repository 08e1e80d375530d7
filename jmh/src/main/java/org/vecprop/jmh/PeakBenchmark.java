package org.vecprop.jmh;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OperationsPerInvocation;

/**
 * This machine's own arithmetic limit, so every report can state the share of it each kernel
 * reaches (the memory limit is the {@code copy} method of {@link StreamingBenchmark}).
 *
 * <p>{@code fma}: the single-core float FMA throughput of the Vector API at the preferred
 * species: 12 independent accumulator chains (enough to cover FMA latency on two pipes),
 * {@code 16 * STEPS / lanes} steps each, so every width does {@code 12 * STEPS * 16} lane-FMAs
 * per invocation. The score is in ns per lane-FMA, so the peak is {@code 2 / score} GF/s.
 */
public class PeakBenchmark extends BenchmarkDefaults {
    static final VectorSpecies<Float> F = FloatVector.SPECIES_PREFERRED;
    static final int STEPS = 1024;
    /** Lane-FMAs per invocation: 12 chains of STEPS 16-lane steps, whatever the width. */
    static final int LANE_FMAS = 12 * STEPS * 16;
    /** Steps per chain at this JVM's width, so that every width does LANE_FMAS lane-FMAs. */
    static final int STEPS_AT_WIDTH = STEPS * 16 / F.length();

    private float seed = 1f;

    @Benchmark
    @OperationsPerInvocation(LANE_FMAS)
    public float fma() {
        // a <- a * 0.999 + c converges to a fixed point: no overflow, no subnormals.
        FloatVector b = FloatVector.broadcast(F, 0.999f), c = FloatVector.broadcast(F, seed);
        FloatVector a0 = c, a1 = c.add(1f), a2 = c.add(2f), a3 = c.add(3f), a4 = c.add(4f),
                a5 = c.add(5f), a6 = c.add(6f), a7 = c.add(7f), a8 = c.add(8f), a9 = c.add(9f),
                a10 = c.add(10f), a11 = c.add(11f);
        for (int i = 0; i < STEPS_AT_WIDTH; i++) {
            a0 = a0.fma(b, c); a1 = a1.fma(b, c); a2 = a2.fma(b, c); a3 = a3.fma(b, c);
            a4 = a4.fma(b, c); a5 = a5.fma(b, c); a6 = a6.fma(b, c); a7 = a7.fma(b, c);
            a8 = a8.fma(b, c); a9 = a9.fma(b, c); a10 = a10.fma(b, c); a11 = a11.fma(b, c);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9)
                .add(a10).add(a11).lane(0);
    }
}

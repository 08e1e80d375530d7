package org.vecprop.jmh;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.vecprop.internal.Lanes;
import org.vecprop.internal.math.FloatLog;
import org.vecprop.internal.math.VectorFloatLog;

/**
 * vecprop's own log and log1p ({@code docs/log.md}) on 4096 floats (L1), as {@code vector} (the
 * kernels' species, {@code org.vecprop.internal.Lanes.F}; the benchmark jar runs on the class path,
 * so the internal package is reachable), {@code scalar} ({@code FloatLog}), {@code mathLog}
 * ({@code (float) Math.log} or {@code log1p} of the float, for scale) and {@code vectorApi} (the
 * Vector API's own {@code lanewise(LOG)} or {@code LOG1P}, whose results may differ between CPUs,
 * for scale). Arguments: e^u for log, e^u - 1 for log1p, u uniform in [-10, 10]. Scores are ns per
 * call of 4096; divide by 4096 for ns per float. Needs SIMD on (the jar's fork arguments).
 */
public class MathBenchmark extends BenchmarkDefaults {
    static final int N = 4096;

    @Param({"log", "log1p"})
    public String function;

    private float[] in, out;

    @Setup
    public void setup() {
        Random rnd = new Random(1);
        in = new float[N];
        out = new float[N];
        for (int i = 0; i < N; i++) {
            double e = Math.exp(rnd.nextDouble() * 20 - 10);
            in[i] = (float) (function.equals("log") ? e : e - 1);
        }
    }

    @Benchmark
    public Object vector() {
        int l = Lanes.L;
        if (function.equals("log")) {
            for (int i = 0; i < N; i += l) {
                VectorFloatLog.log(FloatVector.fromArray(Lanes.F, in, i)).intoArray(out, i);
            }
        } else {
            for (int i = 0; i < N; i += l) {
                VectorFloatLog.log1p(FloatVector.fromArray(Lanes.F, in, i)).intoArray(out, i);
            }
        }
        return out;
    }

    @Benchmark
    public Object scalar() {
        if (function.equals("log")) {
            for (int i = 0; i < N; i++) {
                out[i] = FloatLog.log(in[i]);
            }
        } else {
            for (int i = 0; i < N; i++) {
                out[i] = FloatLog.log1p(in[i]);
            }
        }
        return out;
    }

    @Benchmark
    public Object mathLog() {
        if (function.equals("log")) {
            for (int i = 0; i < N; i++) {
                out[i] = (float) Math.log(in[i]);
            }
        } else {
            for (int i = 0; i < N; i++) {
                out[i] = (float) Math.log1p(in[i]);
            }
        }
        return out;
    }

    @Benchmark
    public Object vectorApi() {
        int l = Lanes.L;
        if (function.equals("log")) { // a constant operator in each loop, so that C2 intrinsifies it
            for (int i = 0; i < N; i += l) {
                FloatVector.fromArray(Lanes.F, in, i).lanewise(VectorOperators.LOG).intoArray(out, i);
            }
        } else {
            for (int i = 0; i < N; i += l) {
                FloatVector.fromArray(Lanes.F, in, i).lanewise(VectorOperators.LOG1P).intoArray(out, i);
            }
        }
        return out;
    }
}

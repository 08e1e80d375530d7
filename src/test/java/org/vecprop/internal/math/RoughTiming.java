package org.vecprop.internal.math;

import java.util.Locale;
import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Rough nanoseconds per element of vecprop's exp, sigmoid and tanh (vector and scalar forms)
 * beside {@link Math#exp} and the Vector API's own lanewise EXP, on 4096 floats in [-10, 10]
 * that stay in L1. Not JMH: a warm-up, then the best of 15 timed rounds of about 0.1 s, on a
 * machine that may be shared. Good for "a few ns" versus "tens of ns", not for small ratios.
 * Run through {@code scripts/exp-accuracy --time}.
 */
final class RoughTiming {
    private RoughTiming() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int N = 4096;
    static volatile float sink;

    interface Kernel {
        void run(float[] in, float[] out);
    }

    static void vectorExp(float[] in, float[] out) {
        for (int i = 0; i < N; i += S.length()) {
            VectorFloatExp.exp(FloatVector.fromArray(S, in, i)).intoArray(out, i);
        }
    }

    static void vectorSigmoid(float[] in, float[] out) {
        for (int i = 0; i < N; i += S.length()) {
            VectorFloatExp.sigmoid(FloatVector.fromArray(S, in, i)).intoArray(out, i);
        }
    }

    static void vectorTanh(float[] in, float[] out) {
        for (int i = 0; i < N; i += S.length()) {
            VectorFloatExp.tanh(FloatVector.fromArray(S, in, i)).intoArray(out, i);
        }
    }

    static void vectorApiExp(float[] in, float[] out) {
        for (int i = 0; i < N; i += S.length()) {
            FloatVector.fromArray(S, in, i).lanewise(VectorOperators.EXP).intoArray(out, i);
        }
    }

    static void scalarExp(float[] in, float[] out) {
        for (int i = 0; i < N; i++) {
            out[i] = FloatExp.exp(in[i]);
        }
    }

    static void scalarSigmoid(float[] in, float[] out) {
        for (int i = 0; i < N; i++) {
            out[i] = FloatExp.sigmoid(in[i]);
        }
    }

    static void scalarTanh(float[] in, float[] out) {
        for (int i = 0; i < N; i++) {
            out[i] = FloatExp.tanh(in[i]);
        }
    }

    static void mathExp(float[] in, float[] out) {
        for (int i = 0; i < N; i++) {
            out[i] = (float) Math.exp(in[i]);
        }
    }

    static double time(Kernel k, float[] in, float[] out) {
        for (int i = 0; i < 20_000; i++) { // warm-up: C2 compiles the loop meanwhile
            k.run(in, out);
        }
        double best = Double.MAX_VALUE;
        for (int round = 0; round < 15; round++) {
            int reps = 0;
            long t0 = System.nanoTime(), t1;
            do {
                k.run(in, out);
                reps++;
                t1 = System.nanoTime();
            } while (t1 - t0 < 100_000_000L);
            best = Math.min(best, (double) (t1 - t0) / reps / N);
        }
        sink = out[N / 2];
        return best;
    }

    static void run() {
        Random rnd = new Random(1);
        float[] in = new float[N], out = new float[N];
        for (int i = 0; i < N; i++) {
            in[i] = rnd.nextFloat() * 20f - 10f;
        }
        StringBuilder sb = new StringBuilder();
        sb.append("### rough timing, ").append(S.vectorBitSize()).append("-bit vectors\n\n").append(ExpAccuracySweep.jvmFacts())
                .append("; 4096 floats in [-10, 10], best of 15 rounds of 0.1 s (not JMH; shared machine).\n\n")
                .append("| what | ns per element |\n|---|---|\n");
        Object[][] rows = {
            {"VectorFloatExp.exp", (Kernel) RoughTiming::vectorExp},
            {"VectorFloatExp.sigmoid", (Kernel) RoughTiming::vectorSigmoid},
            {"VectorFloatExp.tanh", (Kernel) RoughTiming::vectorTanh},
            {"FloatVector.lanewise(EXP) (the Vector API's own, for scale)", (Kernel) RoughTiming::vectorApiExp},
            {"FloatExp.exp (scalar)", (Kernel) RoughTiming::scalarExp},
            {"FloatExp.sigmoid (scalar)", (Kernel) RoughTiming::scalarSigmoid},
            {"FloatExp.tanh (scalar)", (Kernel) RoughTiming::scalarTanh},
            {"(float) Math.exp (scalar, for scale)", (Kernel) RoughTiming::mathExp},
        };
        for (Object[] row : rows) {
            sb.append("| ").append(row[0]).append(" | ")
                    .append(String.format(Locale.ROOT, "%.2f", time((Kernel) row[1], in, out))).append(" |\n");
        }
        System.out.print(sb.append('\n'));
    }
}

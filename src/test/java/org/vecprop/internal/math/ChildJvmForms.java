package org.vecprop.internal.math;

import java.util.Arrays;

/**
 * The child process of {@link ChildJvmAgreementTest}. It computes exp, sigmoid and tanh in
 * scalar and vector form on {@link #inputs()}, then log and log1p on {@link #logInputs()}, and
 * prints one line per value:
 * {@code function speciesBits argumentBits scalarBits vectorBits} (hexadecimal raw bits).
 *
 * <p>Usage: {@code ChildJvmForms BITS...}: 0 for {@link VectorForm#SPECIES} (the kernels' species
 * where SIMD is on, else the preferred one), 64 to 512 for those shapes, -1 for
 * {@code SPECIES_MAX}. A separate JVM, because calling the vector functions with several species
 * in one JVM spoils C2's type profiles inside them: afterwards C2 no longer keeps their vectors
 * in registers (every vector is boxed, about 100 times slower), which would break the allocation
 * test and slow every later test in the suite's JVM.
 */
final class ChildJvmForms {
    private ChildJvmForms() {}

    /** The inputs, the same in the parent and the child: the edges and 256 seeded random values. */
    static float[] inputs() {
        float[] edges = ExpInputs.edges();
        float[] random = ExpInputs.random(7, 256);
        float[] all = Arrays.copyOf(edges, edges.length + random.length);
        System.arraycopy(random, 0, all, edges.length, random.length);
        return all;
    }

    /** The inputs of log and log1p: their edges and 256 seeded random values. */
    static float[] logInputs() {
        float[] edges = LogInputs.edges();
        float[] random = LogInputs.random(7, 256);
        float[] all = Arrays.copyOf(edges, edges.length + random.length);
        System.arraycopy(random, 0, all, edges.length, random.length);
        return all;
    }

    /** The scalar form of the function named {@code name} (an ExpFunction or LogFunction constant). */
    static float scalar(String name, float x) {
        for (ExpFunction fn : ExpFunction.values()) {
            if (fn.name().equals(name)) {
                return fn.scalar(x);
            }
        }
        return LogFunction.valueOf(name).scalar(x);
    }

    static void line(StringBuilder out, String name, int bits, float x, float vector) {
        out.append(name).append(' ').append(bits).append(' ')
                .append(Integer.toHexString(Float.floatToRawIntBits(x))).append(' ')
                .append(Integer.toHexString(Float.floatToRawIntBits(scalar(name, x)))).append(' ')
                .append(Integer.toHexString(Float.floatToRawIntBits(vector))).append('\n');
    }

    public static void main(String[] args) {
        float[] xs = inputs();
        StringBuilder out = new StringBuilder();
        for (String arg : args) {
            int bits = Integer.parseInt(arg);
            for (ExpFunction fn : ExpFunction.values()) {
                float[] vector = new float[xs.length];
                if (bits == 0) {
                    VectorForm.apply(fn, xs, vector, xs.length);
                } else {
                    VectorForm.applyWith(bits, fn, xs, vector, xs.length);
                }
                for (int i = 0; i < xs.length; i++) {
                    line(out, fn.name(), bits, xs[i], vector[i]);
                }
            }
            float[] ls = logInputs();
            for (LogFunction fn : LogFunction.values()) {
                float[] vector = new float[ls.length];
                if (bits == 0) {
                    VectorForm.apply(fn, ls, vector, ls.length);
                } else {
                    VectorForm.applyWith(bits, fn, ls, vector, ls.length);
                }
                for (int i = 0; i < ls.length; i++) {
                    line(out, fn.name(), bits, ls[i], vector[i]);
                }
            }
        }
        System.out.print(out);
    }
}

package org.vecprop.internal;

/**
 * A per-thread scratch row for kernels that accumulate column sums while streaming through a
 * matrix row by row. It grows to the widest row asked for and is reused, so steady state
 * allocates nothing.
 */
public final class Scratch {
    private Scratch() {}

    private static final ThreadLocal<float[][]> ROW = ThreadLocal.withInitial(() -> new float[1][0]);

    /** This thread's scratch row, at least {@code n} floats long, its first n set to zero. */
    public static float[] zeroedRow(int n) {
        float[][] holder = ROW.get();
        if (holder[0].length < n) {
            holder[0] = new float[n];
        } else {
            java.util.Arrays.fill(holder[0], 0, n, 0f);
        }
        return holder[0];
    }
}

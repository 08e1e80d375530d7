package org.vecprop.kernel;

/**
 * Packing buffers for {@link Gemm}: one per thread, reused across calls so that steady state
 * allocates nothing.
 *
 * <p>A workspace grows to the largest panels it has been asked for and never shrinks (at most
 * {@code MC * KC + KC * NC} floats plus one register tile: about 2.6 MB at the default blocking).
 * It is not thread-safe: one thread uses it at a time. {@link Gemm}'s calls without a workspace
 * argument use a per-thread instance of their own.
 */
public final class GemmWorkspace {
    float[] packedA = new float[0];
    float[] packedB = new float[0];
    /** One MR x NR register tile, the landing place of partial edge tiles. */
    final float[] tile = new float[Math.max(1, Gemm.MR * Gemm.NR)];

    /** Dense copies of MemorySegment operands (see Gemm's MemorySegment overload). */
    float[] copyA = new float[0], copyB = new float[0], copyC = new float[0];

    /** Creates an empty workspace; its buffers grow on first use. */
    public GemmWorkspace() {}

    float[] packedA(int floats) {
        if (packedA.length < floats) {
            packedA = new float[floats];
        }
        return packedA;
    }

    static float[] atLeast(float[] buffer, long floats) {
        if (floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("a MemorySegment operand of " + floats
                    + " floats is too large to stage in a float[]");
        }
        return buffer.length >= floats ? buffer : new float[(int) floats];
    }

    float[] packedB(int floats) {
        if (packedB.length < floats) {
            packedB = new float[floats];
        }
        return packedB;
    }
}

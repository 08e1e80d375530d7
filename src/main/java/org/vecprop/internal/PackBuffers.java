package org.vecprop.internal;

/**
 * The buffers a GEMM packs its operands into (and stages MemorySegment operands in), reused
 * across calls so that steady state allocates nothing. Each buffer grows to the largest size
 * asked of it and never shrinks; the GEMM code decides the sizes.
 *
 * <p>Not thread-safe: one thread uses a set of buffers at a time. Behind the public
 * {@code org.vecprop.kernel.GemmWorkspace}, and held per thread for calls without one.
 */
public final class PackBuffers {
    /** Packed micro-panels of op(A). */
    public float[] packedA = new float[0];
    /** Packed micro-panels of op(B). */
    public float[] packedB = new float[0];
    /** One register tile, the landing place of partial edge tiles. */
    public float[] tile = new float[0];
    /** Dense copies of MemorySegment operands. */
    public float[] copyA = new float[0], copyB = new float[0], copyC = new float[0];

    private static final ThreadLocal<PackBuffers> PER_THREAD = ThreadLocal.withInitial(PackBuffers::new);

    /** This thread's buffers, for calls that bring none. */
    public static PackBuffers ofThisThread() {
        return PER_THREAD.get();
    }

    /**
     * {@code buffer} if it holds at least {@code floats}, else a new array of exactly that size.
     *
     * @throws IllegalArgumentException if {@code floats} cannot be one Java array
     */
    public static float[] atLeast(float[] buffer, long floats) {
        if (floats > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("an operand of " + floats
                    + " floats is too large to stage in a float[]");
        }
        return buffer.length >= floats ? buffer : new float[(int) floats];
    }
}

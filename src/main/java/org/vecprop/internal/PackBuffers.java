package org.vecprop.internal;

/**
 * The buffers a GEMM packs its operands into (and stages MemorySegment operands in), reused
 * across calls so that steady state allocates nothing. Each buffer grows to the largest size
 * asked of it; the GEMM code decides the sizes (the packing buffers are bounded by the blocking,
 * the staging buffers by the operands). Part of a {@code Buffers}.
 *
 * <p>Not thread-safe: one thread uses a set of buffers at a time.
 */
public final class PackBuffers {
    /** An empty buffer, what every buffer starts as. */
    static final float[] EMPTY = new float[0];

    /** Packed micro-panels of op(A). */
    public float[] packedA = EMPTY;
    /** Packed micro-panels of op(B). */
    public float[] packedB = EMPTY;
    /** One register tile, the landing place of partial edge tiles. */
    public float[] tile = EMPTY;
    /** Dense copies of MemorySegment operands. */
    public float[] copyA = EMPTY, copyB = EMPTY, copyC = EMPTY;

    /** Empty buffers, grown on first use. */
    public PackBuffers() {}

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

    /** Drops every buffer. */
    void release() {
        packedA = EMPTY;
        packedB = EMPTY;
        tile = EMPTY;
        copyA = EMPTY;
        copyB = EMPTY;
        copyC = EMPTY;
    }

    /** The floats these buffers hold now. */
    long floats() {
        return (long) packedA.length + packedB.length + tile.length + copyA.length + copyB.length
                + copyC.length;
    }
}

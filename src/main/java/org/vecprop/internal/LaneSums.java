package org.vecprop.internal;

import org.vecprop.contract.ArithmeticOrder;

/**
 * The state of one long sum in vecprop's order ({@link ArithmeticOrder}): float virtual lanes
 * for the current chunk, double lanes for the chunks folded so far, and staging rows for
 * operands whose rows are not contiguous. The scalar and the vector kernels fold and total
 * through the same methods here, so the last steps of every sum are shared code.
 *
 * <p>One per {@code Buffers} (a caller's workspace, or a thread's own for calls that bring
 * none), reused: steady state allocates nothing. Fixed size: {@link #BYTES} of arrays.
 */
public final class LaneSums {
    /** Virtual lanes of a sum. */
    public static final int LANES = ArithmeticOrder.REDUCTION_LANES;
    /** Elements per chunk. */
    public static final int CHUNK = ArithmeticOrder.REDUCTION_CHUNK;

    /** The float lanes of the chunk being summed; lane v holds the terms e with e mod LANES == v. */
    public final float[] lanes = new float[LANES];
    /** The double lanes: chunk sums folded so far, lane by lane. */
    public final double[] totals = new double[LANES];
    /** Staging for non-contiguous operands: one chunk of each, in row-major order. */
    public final float[] stageA = new float[CHUNK], stageB = new float[CHUNK], stageOut = new float[CHUNK];

    /** The bytes of the arrays one sum state holds. */
    static final long BYTES = (long) LANES * (Float.BYTES + Double.BYTES) + 3L * CHUNK * Float.BYTES;

    LaneSums() {}

    /** Clears the float and double lanes, for a new sum. */
    void clear() {
        java.util.Arrays.fill(lanes, 0f);
        java.util.Arrays.fill(totals, 0.0);
    }

    /** Ends a chunk: each float lane is added to its double lane, then cleared. */
    public void fold() {
        for (int v = 0; v < LANES; v++) {
            totals[v] += lanes[v];
            lanes[v] = 0f;
        }
    }

    /**
     * The sum of the double lanes, pairwise: for {@code half = 32, 16, ..., 1}, lane {@code v}
     * becomes {@code lane[v] + lane[v + half]} for every {@code v < half}; the sum is lane 0.
     * (Six levels of independent additions: adding the lanes one after another in lane order,
     * as the order first said, was a chain of 63 dependent additions, about 55 ns, longer than
     * copying the bytes of a 1K-element MSE.) Leaves the double lanes changed: call once per sum.
     */
    public double total() {
        double[] t = totals;
        for (int half = LANES / 2; half >= 1; half >>= 1) {
            for (int v = 0; v < half; v++) {
                t[v] += t[v + half];
            }
        }
        return t[0];
    }

    /**
     * Copies the row-major elements {@code from .. from + len - 1} (flat indexes of a
     * {@code rows x cols} matrix, {@code cols > 0}) of {@code src} into {@code dst[0 .. len)}.
     */
    public static void gather(float[] src, int off, int ld, int cols, long from, int len, float[] dst) {
        int i = (int) (from / cols), j = (int) (from % cols);
        for (int done = 0; done < len; ) {
            int piece = Math.min(cols - j, len - done);
            System.arraycopy(src, off + i * ld + j, dst, done, piece);
            done += piece;
            i++;
            j = 0;
        }
    }

    /** The inverse of {@link #gather}: writes {@code src[0 .. len)} back to those elements. */
    public static void scatter(float[] src, int len, float[] dst, int off, int ld, int cols, long from) {
        int i = (int) (from / cols), j = (int) (from % cols);
        for (int done = 0; done < len; ) {
            int piece = Math.min(cols - j, len - done);
            System.arraycopy(src, done, dst, off + i * ld + j, piece);
            done += piece;
            i++;
            j = 0;
        }
    }
}

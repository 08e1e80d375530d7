package org.vecprop.nn;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The weights of a whole network as the networks made by {@link Network#sharingWeights} share
 * them: what makes a change of several layers (an optimizer step, {@link Network#loadWeights})
 * one change to a forward pass on another thread, so its output is that of the old weights or of
 * the new, never of a mix of layers.
 *
 * <p>A sequence lock, with readers that never block writers and writers that never wait for
 * readers: a writer, holding {@link #lock}, prepares every layer's new version first (copying,
 * updating, packing: the slow part), then makes the sequence odd, publishes each layer's version
 * (a few volatile writes), and makes it even again. A reader ({@link Network#forward}) collects
 * the layers' current versions, a few volatile reads, between two reads of an even, unchanged
 * sequence, retrying only if a publication overlapped that instant; then it computes with the
 * versions it collected, however long that takes. The retry window is the publication's few
 * nanoseconds, not a forward pass, so readers make progress even against a writer that swaps in
 * a loop.
 */
final class WeightGroup {
    /** Held by every change of several layers, and while sharers attach. */
    final ReentrantLock lock = new ReentrantLock();
    private volatile long sequence;

    /** Makes the sequence odd: publication begins. Call under {@link #lock}. */
    void beginPublication() {
        sequence++;
    }

    /** Makes the sequence even: publication ends. Call under {@link #lock}. */
    void endPublication() {
        sequence++;
    }

    /** {@return the sequence once it is even (waiting out a publication in progress)} */
    long stableSequence() {
        long s = sequence;
        while ((s & 1) != 0) {
            Thread.onSpinWait();
            s = sequence;
        }
        return s;
    }

    /** {@return whether the sequence is still {@code s}: no publication since it was read} */
    boolean unchangedSince(long s) {
        return sequence == s;
    }
}

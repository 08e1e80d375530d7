package org.vecprop.nn;

import java.util.concurrent.locks.ReentrantLock;

/**
 * The weights of one layer as the layers made by {@link Dense#sharingWeights} share them: the
 * current {@link WeightVersion}, how many layers read it, and the lock every change takes.
 *
 * <p>The rule: a forward pass reads {@link #current} once and computes with that version only.
 * While one layer uses the cell ({@link #exclusive()}), a change is made in place by that
 * layer's thread; once several do, every change is made on a copy and published whole, so a
 * reader sees all of the old version or all of the new, never a mix, and two changes never
 * overwrite each other (both run under {@link #lock}, the second starting from the first's
 * result). Attaching a sharer takes the lock too, so no in-place change can be running when a
 * second reader appears.
 */
final class WeightCell {
    /** Held by every change of the weights, and while a sharer attaches. */
    final ReentrantLock lock = new ReentrantLock();
    /** The version forward passes read: read once per pass. */
    volatile WeightVersion current;
    /** Layers over this cell; guarded by {@link #lock}. */
    private int layers = 1;

    WeightCell(WeightVersion first) {
        this.current = first;
    }

    /** Whether one layer uses the cell, so a change may be made in place; call under the lock. */
    boolean exclusive() {
        return layers == 1;
    }

    /**
     * Adds a layer that reads this cell. The current version is packed first and republished:
     * from here on versions are never written, so the new reader may run at once.
     */
    void attach() {
        lock.lock();
        try {
            WeightVersion v = current;
            v.packNow();
            layers++;
            current = v; // the volatile write that makes the packed form visible to the new reader
        } finally {
            lock.unlock();
        }
    }

    /**
     * Starts a change; the caller holds {@link #lock}. Exclusive: the current version, to be
     * written in place; shared: a copy, to be published by {@link #finish}.
     */
    WeightVersion begin() {
        return exclusive() ? current : current.copy();
    }

    /** As {@link #begin}, for a change of the bias alone (the weights and their packing kept). */
    WeightVersion beginBias() {
        return exclusive() ? current : current.copyBias();
    }

    /**
     * Ends a change begun by {@link #begin}; the caller holds {@link #lock}. In place: the packed
     * form is marked stale if the weights changed (the owner's next forward repacks). On a copy: the copy is packed and
     * returned for publication by {@link #publish} (it is not visible before).
     */
    WeightVersion finish(WeightVersion changed, boolean weightsChanged) {
        if (changed == current) {
            changed.changedInPlace(weightsChanged);
        } else {
            changed.packNow();
        }
        return changed;
    }

    /** Publishes a finished copy; the caller holds {@link #lock}. A no-op for an in-place change. */
    void publish(WeightVersion finished) {
        if (finished != current) {
            current = finished;
        }
    }
}

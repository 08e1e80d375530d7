package org.vecprop.nn;

import java.util.Arrays;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.kernel.Workspace;

/**
 * One version of a layer's weights and bias, with the packed form of the weights that the
 * forward product reads: what a forward pass reads, as one consistent whole.
 *
 * <p>Two lives (see {@link WeightCell}):
 * <ul>
 *   <li><b>Exclusive</b>: while no other layer shares the cell, the one thread using the layer
 *       changes this version in place (an optimizer step, a load) and marks it stale; its next
 *       forward repacks. Nothing else can read it meanwhile, so nothing is torn and nothing is
 *       allocated.</li>
 *   <li><b>Published</b>: once the cell is shared, a version is never written again. A change is
 *       made on a copy, packed completely, and only then published (one volatile write in
 *       {@link WeightCell}); readers that took the old version keep computing with it, whole, and
 *       the collector reclaims it when the last one drops it.</li>
 * </ul>
 *
 * <p>Two packed forms of the weights: {@code W} for the forward product {@code X·W} and
 * {@code Wᵀ} for the backward product {@code dX = dZ·Wᵀ}, each made when a product first needs
 * it. An in-place change either marks them stale (the next product repacks) or, for an
 * optimizer step, keeps them current row block by row block as it writes the weights
 * ({@link #beginRowRefresh}, {@link #refreshRows}), so the step's own pass over W writes
 * them while each block is in cache rather than a later pass reading W again.
 */
final class WeightVersion {
    /** {@code in x out} row-major. */
    final float[] weights;
    /** {@code out}, or null for a layer without bias. */
    final float[] bias;
    private final int in, out;
    /** The forward product's packed weights; null until first needed. */
    private PackedMatrix packed;
    /**
     * The weights packed transposed, {@code Wᵀ}, for the backward product; null until first
     * needed. Unlike {@link #packed}, which is packed before a version is published, this one
     * is made lazily on a published version too (by the first backward pass that needs it), so
     * it is made under this version's lock and {@link #staleTransposed} is volatile: a thread
     * that reads it false sees the whole packed form.
     */
    private PackedMatrix packedTransposed;
    private volatile boolean staleTransposed = true;
    /**
     * Set by {@link #beginRowRefresh} for the forms current at the start of an optimizer's
     * in-place change, which {@link #refreshRows} then keeps current; read and cleared by
     * {@link #changedInPlace}.
     */
    private boolean refreshingPacked, refreshingTransposed;
    /**
     * The weights rounded to bfloat16 and packed, for networks that read them so
     * ({@link WeightFormat#BFLOAT16}); made on first use. Such networks are always sharers, so
     * this version is published and never written: the lazy initialisation is the only race.
     */
    private volatile PackedMatrix packedBfloat16;
    /**
     * Whether {@link #packed} is behind {@link #weights}: set only in the exclusive life, by the
     * one thread using the layer; false for every published version of a shared cell.
     */
    private boolean stale = true;
    /**
     * Changes made in place (the exclusive life): a forward remembers it, so backward can tell
     * that the parameters it would differentiate changed since (a published change is a new
     * version instead).
     */
    private long revision;

    WeightVersion(int in, int out, float[] weights, float[] bias) {
        this.in = in;
        this.out = out;
        this.weights = weights;
        this.bias = bias;
    }

    /** A copy of the values, not yet packed: the start of a change in the published life. */
    WeightVersion copy() {
        return new WeightVersion(in, out, weights.clone(), bias == null ? null : bias.clone());
    }

    /**
     * A copy of the bias only, sharing this version's weights and their packed form (neither is
     * ever written again once published): the start of a change of the bias alone.
     */
    WeightVersion copyBias() {
        WeightVersion v = new WeightVersion(in, out, weights, bias.clone());
        v.packed = packed;
        v.stale = stale;
        v.packedBfloat16 = packedBfloat16;
        synchronized (this) {
            v.packedTransposed = packedTransposed;
            v.staleTransposed = staleTransposed;
        }
        return v;
    }

    /** {@return the packed weights, repacked first if the weights changed in place} */
    PackedMatrix packed() {
        if (stale) {
            if (packed == null) {
                packed = PackedMatrix.pack(false, in, out, weights, 0, out);
            } else {
                packed.refresh(weights, 0, out);
            }
            stale = false;
        }
        return packed;
    }

    /**
     * {@return the weights packed transposed (op(B) = Wᵀ, {@code out x in}) for the backward
     * product, repacked first if the weights changed in place; made on first use}
     *
     * @param ws the calling layer's scratch for the repack's transposes
     */
    PackedMatrix packedTransposed(Workspace ws) {
        if (staleTransposed) {
            synchronized (this) {
                if (staleTransposed) {
                    if (packedTransposed == null) {
                        packedTransposed = PackedMatrix.pack(true, out, in, weights, 0, out);
                    } else {
                        packedTransposed.refreshRows(weights, 0, out, 0, in, ws);
                    }
                    staleTransposed = false;
                }
            }
        }
        return packedTransposed;
    }

    /**
     * Starts an in-place change (the exclusive life) that will call {@link #refreshRows} for
     * every row of W it writes, after its last write: the packed forms current now are kept
     * current by those calls instead of being marked stale. Ended by {@link #changedInPlace}
     * (the change's end in {@link WeightCell#finish}); a change that does not call this leaves
     * every packed form stale there.
     *
     * @return whether any packed form is being kept current (if not, refreshRows does nothing)
     */
    boolean beginRowRefresh() {
        refreshingPacked = packed != null && !stale;
        refreshingTransposed = packedTransposed != null && !staleTransposed;
        return refreshingPacked || refreshingTransposed;
    }

    /** Ends a row refresh that did not finish (its change threw): nothing is kept current. */
    void abandonRowRefresh() {
        refreshingPacked = false;
        refreshingTransposed = false;
    }

    /**
     * Repacks rows {@code [r0, r1)} of W, just written, into the forms kept current, with the
     * changing thread's scratch {@code ws}.
     */
    void refreshRows(int r0, int r1, Workspace ws) {
        if (refreshingPacked) {
            packed.refreshRows(weights, 0, out, r0, r1, ws);
        }
        if (refreshingTransposed) {
            packedTransposed.refreshRows(weights, 0, out, r0, r1, ws);
        }
    }

    /**
     * {@return the weights rounded to bfloat16 and packed, made on first use (by whichever reader
     * gets here first; the others wait for it rather than make their own)}
     */
    PackedMatrix packedBfloat16() {
        PackedMatrix p = packedBfloat16;
        if (p == null) {
            synchronized (this) {
                p = packedBfloat16;
                if (p == null) {
                    p = PackedMatrix.packBfloat16(false, in, out, weights, 0, out);
                    packedBfloat16 = p;
                }
            }
        }
        return p;
    }

    /**
     * Records an in-place change (the exclusive life): when the weights changed (not for the
     * bias alone), marks stale each packed form that a {@link #beginRowRefresh} did not ask
     * {@link #refreshRows} to keep current.
     */
    void changedInPlace(boolean weights) {
        revision++;
        if (weights) {
            stale |= !refreshingPacked;
            if (!refreshingTransposed) {
                staleTransposed = true;
            }
        }
        refreshingPacked = false;
        refreshingTransposed = false;
    }

    /** {@return the count of in-place changes so far} */
    long revision() {
        return revision;
    }

    /** Packs now, so that a version is complete before it is published or shared. */
    void packNow() {
        packed();
    }

    /** {@return whether the forward's packed form exists and is current} (for tests) */
    boolean packedCurrent() {
        return packed != null && !stale;
    }

    /** {@return whether the backward's packed form exists and is current} (for tests) */
    boolean packedTransposedCurrent() {
        return packedTransposed != null && !staleTransposed;
    }

    /** {@return whether the two hold the same values, bit for bit} (for tests and diagnostics) */
    boolean sameValues(WeightVersion other) {
        return Arrays.equals(weights, other.weights) && Arrays.equals(bias, other.bias);
    }
}

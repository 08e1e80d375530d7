package org.vecprop.nn;

import java.util.Objects;
import org.vecprop.contract.Checks;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.Workspace;

/**
 * Mean squared error over a batch, {@code mean((P - T)^2)} over all {@code batch x outputs}
 * elements, with the gradient {@code dP = 2 (P - T) / (batch * outputs)} written in the same
 * pass into a buffer allocated once for {@code maxBatch} rows.
 */
public final class MseLoss {
    private final int outputs, maxBatch;
    private final float[] gradient;
    /** Scratch of the loss's long sum: its own, or its network's (one call at a time either way). */
    private Workspace workspace = new Workspace();

    /**
     * A loss with its gradient buffer for up to {@code maxBatch} rows.
     *
     * @param outputs columns of the prediction, {@code >= 1}
     * @param maxBatch the largest batch, {@code >= 1}
     * @throws IllegalArgumentException for a size below 1, or a gradient buffer
     *     ({@code outputs x maxBatch}) larger than a Java array
     */
    public MseLoss(int outputs, int maxBatch) {
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be >= 1, got " + outputs);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        long size = (long) outputs * maxBatch;
        if (size > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("outputs x maxBatch must be at most "
                    + (Integer.MAX_VALUE - 8) + " (one Java array), got " + outputs + " x " + maxBatch
                    + " = " + size);
        }
        this.outputs = outputs;
        this.maxBatch = maxBatch;
        this.gradient = new float[(int) size];
    }

    /** Makes this loss use a network's scratch: its calls run one at a time. */
    void useWorkspace(Workspace shared) {
        this.workspace = Objects.requireNonNull(shared);
    }

    /**
     * Computes the loss and writes dP into {@link #gradient()}.
     *
     * @param p predictions, {@code batch x outputs} from {@code pOff}, row stride {@code ldp}
     * @param pOff where row 0 of p starts
     * @param ldp the row stride of p, {@code >= outputs}
     * @param t targets, {@code batch x outputs} from {@code tOff}, row stride {@code ldt}
     * @param tOff where row 0 of t starts
     * @param ldt the row stride of t, {@code >= outputs}
     * @param batch rows, {@code 1 <= batch <= maxBatch}
     * @return the loss
     * @throws NullPointerException if {@code p} or {@code t} is null
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public float compute(float[] p, int pOff, int ldp, float[] t, int tOff, int ldt, int batch) {
        Objects.requireNonNull(p, "p must not be null");
        Objects.requireNonNull(t, "t must not be null");
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch must be in [1, maxBatch = " + maxBatch
                    + "], got " + batch);
        }
        Checks.matrix("p", p, pOff, batch, outputs, ldp);
        Checks.matrix("t", t, tOff, batch, outputs, ldt);
        return Mse.lossAndGradient(batch, outputs, p, pOff, ldp, t, tOff, ldt,
                gradient, 0, outputs, workspace);
    }

    /**
     * {@return dP of the last {@link #compute}: {@code batch x outputs}, row stride outputs (the live buffer, {@code maxBatch x outputs})}
     */
    public float[] gradient() {
        return gradient;
    }

    /** {@return columns of the prediction} */
    public int outputs() {
        return outputs;
    }

    /** {@return the largest batch} */
    public int maxBatch() {
        return maxBatch;
    }
}

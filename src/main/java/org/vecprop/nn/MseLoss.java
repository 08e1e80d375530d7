package org.vecprop.nn;

import org.vecprop.contract.Checks;
import org.vecprop.kernel.Mse;

/**
 * Mean squared error over a batch, {@code mean((P - T)^2)} over all {@code batch x outputs}
 * elements, with the gradient {@code dP = 2 (P - T) / (batch * outputs)} written in the same
 * pass into a buffer allocated once for {@code maxBatch} rows.
 */
public final class MseLoss {
    private final int outputs, maxBatch;
    private final float[] gradient;

    /**
     * @param outputs columns of the prediction, {@code >= 1}
     * @param maxBatch the largest batch, {@code >= 1}
     */
    public MseLoss(int outputs, int maxBatch) {
        if (outputs < 1) {
            throw new IllegalArgumentException("outputs must be >= 1, got " + outputs);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        this.outputs = outputs;
        this.maxBatch = maxBatch;
        this.gradient = new float[Math.multiplyExact(outputs, maxBatch)];
    }

    /**
     * Computes the loss and writes dP into {@link #gradient()}.
     *
     * @param p predictions, {@code batch x outputs}, row stride {@code ldp}
     * @param t targets, {@code batch x outputs}, row stride {@code ldt}
     * @return the loss
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public float compute(float[] p, int pOff, int ldp, float[] t, int tOff, int ldt, int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch must be in [1, maxBatch = " + maxBatch
                    + "], got " + batch);
        }
        Checks.matrix("t", t, tOff, batch, outputs, ldt);
        return Mse.lossAndGradient(batch, outputs, p, pOff, ldp, t, tOff, ldt,
                gradient, 0, outputs);
    }

    /** @return dP of the last {@link #compute}: {@code batch x outputs}, row stride outputs */
    public float[] gradient() {
        return gradient;
    }

    /** @return columns of the prediction */
    public int outputs() {
        return outputs;
    }
}

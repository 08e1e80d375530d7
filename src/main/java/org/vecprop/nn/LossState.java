package org.vecprop.nn;

import java.util.Objects;
import org.vecprop.contract.Checks;
import org.vecprop.kernel.BinaryCrossEntropy;
import org.vecprop.kernel.CrossEntropy;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Softmax;
import org.vecprop.kernel.Workspace;

/**
 * A network's loss at work: the gradient buffer dP (the output layer's dA, {@code maxBatch x
 * outputs}) and the kernel call of its {@link Loss}. One per network, allocated with it.
 */
final class LossState {
    final Loss loss;
    private final int outputs, maxBatch;
    private final MseLoss mse; // the MSE path keeps its long-standing class
    private final float[] gradient;
    private final Workspace workspace; // the network's: its calls run one at a time

    LossState(Loss loss, int outputs, int maxBatch, Workspace workspace) {
        this.workspace = Objects.requireNonNull(workspace);
        this.loss = Objects.requireNonNull(loss, "loss must not be null");
        this.outputs = outputs;
        this.maxBatch = maxBatch;
        if (loss instanceof Loss.BinaryCrossEntropyWithLogits b && b.weights() != null
                && b.weights().length != outputs) {
            throw new IllegalArgumentException("posWeight has " + b.weights().length
                    + " weights, the network has " + outputs + " outputs");
        }
        this.mse = new MseLoss(outputs, maxBatch); // also checks that the buffer fits an array
        mse.useWorkspace(workspace);
        this.gradient = mse.gradient();
    }

    float[] gradient() {
        return gradient;
    }

    /** MSE or BCE against float targets; the caller has checked the batch. */
    float compute(float[] p, int batch, float[] t, int tOff, int ldt) {
        if (loss.takesLabels()) {
            throw new IllegalStateException("this network's loss, " + loss + ", takes class labels:"
                    + " call loss(int[] labels, int labelsOff)");
        }
        Objects.requireNonNull(t, "t must not be null");
        if (loss instanceof Loss.BinaryCrossEntropyWithLogits b) {
            Checks.matrix("t", t, tOff, batch, outputs, ldt);
            return BinaryCrossEntropy.lossAndGradient(batch, outputs, p, 0, outputs, t, tOff, ldt,
                    b.weights(), 0, gradient, 0, outputs, b.reduction(), workspace);
        }
        return mse.compute(p, 0, outputs, t, tOff, ldt, batch);
    }

    /** Cross-entropy against class labels; the caller has checked the batch. */
    float compute(float[] z, int batch, int[] labels, int labelsOff) {
        if (!(loss instanceof Loss.CrossEntropy ce)) {
            throw new IllegalStateException("this network's loss, " + loss + ", takes float targets:"
                    + " call loss(float[] t, int tOff, int ldt)");
        }
        Objects.requireNonNull(labels, "labels must not be null");
        return CrossEntropy.lossAndGradient(batch, outputs, z, 0, outputs, labels, labelsOff,
                gradient, 0, outputs, ce.reduction(), ce.labelSmoothing(), workspace);
    }

    /** The probabilities of the outputs {@code z} (softmax, or sigmoid per output) into dst. */
    void probabilities(float[] z, int batch, float[] dst, int dstOff, int lddst) {
        switch (loss) {
            case Loss.CrossEntropy ce -> Softmax.forward(batch, outputs, z, 0, outputs, dst, dstOff, lddst, workspace);
            case Loss.BinaryCrossEntropyWithLogits b -> Activation.SIGMOID.forward(batch, outputs, z, 0, outputs, dst, dstOff, lddst);
            case Loss.Mse m -> throw new IllegalStateException("an MSELoss() network's outputs are"
                    + " predictions, not probabilities: read them with output()");
        }
    }
}

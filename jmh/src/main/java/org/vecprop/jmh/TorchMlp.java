package org.vecprop.jmh;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;

/**
 * The MLP of {@link TrainStep} in PyTorch (libtorch 2.7.1, CPU) through DJL 0.36.0's NDArray API:
 * ReLU hidden layers, an identity output layer, bias everywhere, MSE loss, plain SGD.
 *
 * <p>The weights ({@code in x out}) and biases are NDArrays with gradients attached
 * ({@code requires_grad}), created once in a base manager, as are the input and target batches.
 * One {@link #step} is what a PyTorch training loop does: inside a {@link GradientCollector}
 * (grad mode on) the forward pass ({@code matMul}, {@code add}, {@code relu}) and the loss
 * ({@code mean((P - T)^2)}), then {@code backward}; after it (grad mode off, as under
 * {@code torch.no_grad()}) the update {@code w.subi(grad.mul(lr))} and {@code zero_grad} for
 * every parameter. The step's intermediates live in a sub-manager closed at the end of the step,
 * into which the parameters and the input batch are temporarily attached (so that the results of
 * operations on them land there too and are freed, and the parameters return to the base manager):
 * nothing accumulates across steps, which setup checks.
 *
 * <p>Only this class touches DJL, so that the other benchmarks never load libtorch.
 */
final class TorchMlp implements AutoCloseable {
    private final Engine engine;
    private final NDManager manager;
    private final NDArray[] params; // w0, b0, w1, b1, ...
    private final NDArray[] xs, ts;
    private final int layers;
    private final float lr;

    /**
     * @param sizes layer widths, input first
     * @param w weights per layer, {@code sizes[l] x sizes[l + 1]} row-major
     * @param b biases per layer
     * @param x input batches, each {@code batch x sizes[0]}
     * @param t target batches, each {@code batch x sizes[last]}
     */
    TorchMlp(int[] sizes, int batch, float[][] w, float[][] b, float[][] x, float[][] t, float lr) {
        this.engine = Engine.getEngine("PyTorch");
        this.manager = engine.newBaseManager();
        this.layers = sizes.length - 1;
        this.lr = lr;
        this.params = new NDArray[2 * layers];
        for (int l = 0; l < layers; l++) {
            params[2 * l] = manager.create(w[l], new Shape(sizes[l], sizes[l + 1]));
            params[2 * l + 1] = manager.create(b[l], new Shape(sizes[l + 1]));
        }
        for (NDArray p : params) {
            p.setRequiresGradient(true);
        }
        this.xs = new NDArray[x.length];
        this.ts = new NDArray[t.length];
        for (int i = 0; i < x.length; i++) {
            xs[i] = manager.create(x[i], new Shape(batch, sizes[0]));
            ts[i] = manager.create(t[i], new Shape(batch, sizes[layers]));
        }
    }

    /**
     * One SGD step on batch {@code i}.
     *
     * @param readLoss whether to copy the loss out ({@code loss.item()}); otherwise NaN is
     *     returned and the loss stays in libtorch
     */
    float step(int i, boolean readLoss) {
        float loss = Float.NaN;
        try (NDManager step = manager.newSubManager()) {
            step.tempAttachAll(params);
            step.tempAttachAll(xs[i]);
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray a = xs[i];
                for (int l = 0; l < layers; l++) {
                    NDArray z = a.matMul(params[2 * l]).add(params[2 * l + 1]);
                    a = l < layers - 1 ? Activation.relu(z) : z;
                }
                NDArray mse = a.sub(ts[i]).square().mean();
                collector.backward(mse);
                if (readLoss) {
                    loss = mse.getFloat();
                }
            }
            for (NDArray p : params) {
                p.subi(p.getGradient().mul(lr));
                JniUtils.zeroGrad((PtNDArray) p);
            }
        }
        return loss;
    }

    /** A copy of layer {@code l}'s weights ({@code bias == false}) or bias. */
    float[] parameter(int l, boolean bias) {
        return params[2 * l + (bias ? 1 : 0)].toFloatArray();
    }

    /** Overwrites layer {@code l}'s weights and bias (outside grad mode). */
    void set(int l, float[] w, float[] b) {
        params[2 * l].set(w);
        params[2 * l + 1].set(b);
    }

    /** How many arrays the base manager holds: constant from one step to the next, or a leak. */
    int managedArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}

package org.vecprop.jmh;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/**
 * The forward pass of a ReLU MLP (identity output layer, bias everywhere) in PyTorch (libtorch,
 * CPU) through DJL's NDArray API, for inference: weights, biases and the input tensor are created
 * once; {@link #forward} copies the caller's {@code float[]} into the input tensor, runs
 * {@code matMul}, {@code add} and {@code relu} per layer (eager mode, op by op, as DJL's NDArray
 * API runs them) and copies the result out with {@code toFloatArray}. No parameter requires a
 * gradient, so autograd records nothing.
 *
 * <p>Each call's intermediates live in a sub-manager closed at the end of the call, into which the
 * parameters and the input are temporarily attached (see {@link TorchMlp}): nothing accumulates
 * from call to call. libtorch allocates its tensors natively per op, and DJL a Java wrapper per
 * tensor; {@code -prof gc} shows the Java part.
 *
 * <p>Only this class and {@link TorchMlp} touch DJL, so that other benchmarks never load libtorch.
 */
final class TorchMlpForward implements AutoCloseable {
    private final NDManager manager;
    private final NDArray[] params; // w0, b0, w1, b1, ...
    private final NDArray x;
    private final int layers;

    /**
     * @param sizes layer widths, input first
     * @param batch rows of the input
     * @param w weights per layer, {@code sizes[l] x sizes[l + 1]} row-major
     * @param b biases per layer
     */
    TorchMlpForward(int[] sizes, int batch, float[][] w, float[][] b) {
        manager = Engine.getEngine("PyTorch").newBaseManager();
        layers = sizes.length - 1;
        params = new NDArray[2 * layers];
        for (int l = 0; l < layers; l++) {
            params[2 * l] = manager.create(w[l], new Shape(sizes[l], sizes[l + 1]));
            params[2 * l + 1] = manager.create(b[l], new Shape(sizes[l + 1]));
        }
        x = manager.create(new float[batch * sizes[0]], new Shape(batch, sizes[0]));
    }

    /**
     * One inference.
     *
     * @param input {@code batch x sizes[0]}, row-major
     * @return {@code batch x sizes[last]}, row-major, a new array
     */
    float[] forward(float[] input) {
        x.set(input);
        try (NDManager call = manager.newSubManager()) {
            call.tempAttachAll(params);
            call.tempAttachAll(x);
            NDArray a = x;
            for (int l = 0; l < layers; l++) {
                NDArray z = a.matMul(params[2 * l]).add(params[2 * l + 1]);
                a = l < layers - 1 ? Activation.relu(z) : z;
            }
            return a.toFloatArray();
        }
    }

    /** @return how many arrays the base manager holds: constant from call to call, or a leak */
    int managedArrays() {
        return manager.getManagedArrays().size();
    }

    @Override
    public void close() {
        manager.close();
    }
}

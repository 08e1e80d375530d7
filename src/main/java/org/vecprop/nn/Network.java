package org.vecprop.nn;

import java.util.List;
import org.vecprop.contract.Checks;
import org.vecprop.kernel.Activation;

/**
 * A stack of {@link Dense} layers with an MSE loss: forward, loss, backward, zeroGrad.
 *
 * <p>Every buffer is allocated when the network is built, for batches up to {@code maxBatch};
 * after the first call (which warms up the per-thread GEMM workspace) a training step or an
 * inference call allocates nothing.
 *
 * <p>Backward walks the layers from the top, each consuming the input gradient the layer above
 * produced: all gradients cost about two forward passes' worth of GEMMs, not one pass per
 * weight. The first layer does not compute the gradient of the data.
 *
 * <p>Thread-safety: a network is used by one thread at a time. For concurrent inference give
 * each thread {@link #sharingWeights(int)}, a network over the same (read-only) weights with
 * buffers of its own.
 */
public final class Network {
    private final Dense[] layers;
    private final List<Dense> layerList;
    private final MseLoss loss;
    private final int inputs, maxBatch;
    private int batch = -1;

    /**
     * Builds a network of ReLU hidden layers and an identity output layer, all with bias.
     *
     * @param sizes layer widths from the input to the output, e.g. {@code 2, 64, 64, 1}
     * @param maxBatch the largest batch
     * @param seed initialisation seed (layer l uses {@code seed + l})
     */
    public static Network mlp(int maxBatch, long seed, int... sizes) {
        if (sizes == null || sizes.length < 2) {
            throw new IllegalArgumentException("sizes must name at least an input and an output width");
        }
        Dense[] layers = new Dense[sizes.length - 1];
        for (int l = 0; l < layers.length; l++) {
            Activation act = l == layers.length - 1 ? Activation.IDENTITY : Activation.RELU;
            layers[l] = new Dense(sizes[l], sizes[l + 1], act, true, maxBatch, seed + l);
        }
        return new Network(layers);
    }

    /**
     * A network over the given layers, in order; each layer's inputs must equal the previous
     * layer's outputs, and all must share one maxBatch.
     */
    public Network(Dense... layers) {
        if (layers == null || layers.length == 0) {
            throw new IllegalArgumentException("a network needs at least one layer");
        }
        for (int l = 0; l < layers.length; l++) {
            if (layers[l] == null) {
                throw new IllegalArgumentException("layer " + l + " is null");
            }
            if (l > 0 && layers[l].inputs() != layers[l - 1].outputs()) {
                throw new IllegalArgumentException("layer " + l + " takes " + layers[l].inputs()
                        + " inputs but layer " + (l - 1) + " gives " + layers[l - 1].outputs());
            }
            if (layers[l].maxBatch() != layers[0].maxBatch()) {
                throw new IllegalArgumentException("layer " + l + " has maxBatch "
                        + layers[l].maxBatch() + ", layer 0 has " + layers[0].maxBatch());
            }
        }
        this.layers = layers.clone();
        this.layerList = List.of(this.layers);
        this.inputs = layers[0].inputs();
        this.maxBatch = layers[0].maxBatch();
        this.loss = new MseLoss(layers[layers.length - 1].outputs(), maxBatch);
    }

    /** A network over the same weights with buffers of its own, for inference on another thread. */
    public Network sharingWeights(int maxBatch) {
        Dense[] copies = new Dense[layers.length];
        for (int l = 0; l < layers.length; l++) {
            copies[l] = layers[l].sharingWeights(maxBatch);
        }
        return new Network(copies);
    }

    /**
     * Forward pass through every layer.
     *
     * @param x input, {@code batch x inputs} from {@code xOff} with row stride {@code ldx}; kept
     *     (not copied) until the next backward
     * @return the output buffer of the last layer, {@code batch x outputs}, row stride outputs
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public float[] forward(float[] x, int xOff, int ldx, int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch must be in [1, maxBatch = " + maxBatch
                    + "], got " + batch);
        }
        Checks.matrix("x", x, xOff, batch, inputs, ldx);
        float[] a = layers[0].forward(x, xOff, ldx, batch);
        for (int l = 1; l < layers.length; l++) {
            a = layers[l].forward(a, 0, layers[l - 1].outputs(), batch);
        }
        this.batch = batch;
        return a;
    }

    /**
     * The MSE loss of the last forward's output against {@code t}; also writes dP for
     * {@link #backward}.
     *
     * @param t targets, {@code batch x outputs}, row stride {@code ldt}
     */
    public float loss(float[] t, int tOff, int ldt) {
        requireForward();
        Dense last = layers[layers.length - 1];
        return loss.compute(last.output(), 0, last.outputs(), t, tOff, ldt, batch);
    }

    /**
     * Backward pass from the loss's dP through every layer.
     *
     * @param mode add to the gradient buffers or overwrite them
     */
    public void backward(Gradients mode) {
        requireForward();
        Dense last = layers[layers.length - 1];
        float[] grad = loss.gradient();
        int ld = last.outputs();
        for (int l = layers.length - 1; l >= 0; l--) {
            layers[l].backward(grad, 0, ld, mode, l > 0);
            grad = layers[l].inputGrad();
            ld = layers[l].inputs();
        }
    }

    /** Sets every gradient to zero. */
    public void zeroGrad() {
        for (Dense layer : layers) {
            layer.zeroGrad();
        }
    }

    private void requireForward() {
        if (batch < 0) {
            throw new IllegalStateException("no forward pass yet");
        }
    }

    /** @return the layers, input first (the live objects; the list itself is immutable) */
    public List<Dense> layers() {
        return layerList;
    }

    /** @return how many layers */
    public int depth() {
        return layers.length;
    }

    /** @return layer {@code l}, 0 being the input layer */
    public Dense layer(int l) {
        return layers[l];
    }

    /** @return the loss object (its gradient buffer holds dP of the last loss call) */
    public MseLoss lossFunction() {
        return loss;
    }

    /** @return rows of the last forward pass, -1 before the first */
    public int batch() {
        return batch;
    }

    /** @return the largest batch */
    public int maxBatch() {
        return maxBatch;
    }

    /** @return the number of trainable parameters */
    public long parameterCount() {
        long p = 0;
        for (Dense layer : layers) {
            p += (long) layer.inputs() * layer.outputs() + (layer.bias() == null ? 0 : layer.outputs());
        }
        return p;
    }
}

package org.vecprop.nn;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.vecprop.contract.Checks;
import org.vecprop.io.FileRejectedException;
import org.vecprop.io.SafeTensors;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Workspace;

/**
 * A stack of {@link Dense} layers with a {@link Loss} (MSE, softmax cross-entropy with labels, or
 * binary cross-entropy with logits): forward, loss, backward, zeroGrad; the predictions of a
 * classifier ({@link #probabilities}, {@link #argmax}, {@link #topK}); its parameters by name;
 * its weights saved to and loaded from safetensors files, and swapped while other threads serve
 * from them.
 *
 * <p>Every buffer is allocated when the network is built, for batches up to {@code maxBatch},
 * except the kernels' scratch (GEMM packing and the like), which the network owns and grows on
 * its first calls: after those, a training step or an inference call allocates nothing, on
 * whatever thread makes it (the network keeps no per-thread buffers, so a fresh virtual thread
 * per request that takes a network from a pool allocates nothing either).
 *
 * <p>Order of calls: {@link #forward}, then {@link #loss}, then {@link #backward} (any number of
 * times: each adds or writes the same gradients again, as long as the parameters have not changed
 * since the forward: an optimizer step, a write or a load needs a new forward first). A call out
 * of this order throws {@link IllegalStateException} and changes nothing. Every rejected call, for a bad argument or
 * the wrong order, leaves every weight, gradient and buffer as it was.
 *
 * <p>Backward walks the layers from the top, each consuming the input gradient the layer above
 * produced: all gradients cost about two forward passes' worth of GEMMs, not one pass per
 * weight. The lowest layer that computes a parameter gradient does not compute the gradient of
 * its input, and layers below it (all frozen) are not visited.
 *
 * <p><b>Saving and loading</b> ({@link #save}, {@link #load}, {@link #loadWeights}): the
 * safetensors file holds the tensors of the {@code torch.nn.Sequential} this network
 * corresponds to ({@link #modules()}), named and shaped as PyTorch's {@code state_dict()}:
 * {@code N.weight} is {@code out x in} (vecprop's {@code in x out} transposed), {@code N.bias}
 * has {@code out} elements, N counting modules with the activations. Its {@code __metadata__}
 * says so: {@code format = pt}, {@code vecprop.modules} (the module list), {@code vecprop.layout}
 * (the layout, in words). A file saved by PyTorch from such a model
 * ({@code safetensors.torch.save_file(model.state_dict(), path)}) loads with
 * {@link #loadWeights}. A file that cannot be loaded, malformed or of another network, is
 * refused with {@link FileRejectedException} and changes nothing. Memory, whatever the file
 * claims: {@link #load} of a file of {@code N} bytes allocates at most
 * {@code (SafeTensors.MAX_ALLOCATION_PER_BYTE + 8) x N + 4 x maxBatch x N} bytes plus 1 MiB (the
 * file's tensors, the layers' weights and gradients, the staged copies, the batch buffers), and
 * {@link #loadWeights} at most the reader's bound plus {@code 2 x N}.
 *
 * <p><b>Threads, and weights that change while others read them.</b> A network is used by one
 * thread at a time. For concurrent inference give each thread {@link #sharingWeights(int)}, a
 * network over the same weights with buffers of its own. The weights may then change while the
 * other networks compute (an optimizer step on this network, {@link #loadWeights} on any of them:
 * a hot model swap, a {@link Parameter} write), and the contract is: each forward pass computes
 * with one consistent version of every layer, all of the weights before a change or all of them
 * after it, never a mix, and no change is lost (changes are serialised, each starting from the one
 * before). A change of several layers (a step, a load) is one change to a forward pass on another
 * thread: its output is that of the old weights or of the new; a write through one
 * {@link Parameter} changes one layer. How: while the weights are shared, a change is made on a
 * copy, packed, and published at once (copy-on-write, so it allocates the network's size; a
 * reader still computing with the old version keeps it until it finishes); readers never wait
 * for a change except for the few nanoseconds in which a publication is in progress. A network
 * that shares its weights with no other is changed in place and allocates nothing.
 * ({@code WeightSwapStressTest} holds the contract under millions of forward passes against
 * concurrent swaps; {@code docs/failure-behaviour.md}.)
 */
public final class Network {
    private final Dense[] layers;
    private final List<Dense> layerList;
    private final LossState loss;
    /** The probabilities topK selects from (null for MSE, which selects from the outputs). */
    private final float[] probabilityBuffer;
    private final int inputs, maxBatch;
    private final Output output;
    private final List<Parameter> parameters;
    /** Shared with the networks made by sharingWeights: makes several layers' changes one. */
    private final WeightGroup group;
    /** This network's own scratch: the versions a forward reads, the ones a change prepares. */
    private final WeightVersion[] versions, pending;
    private int batch = -1;
    private boolean lossReady;

    /**
     * Builds a network of hidden layers with the given activation and an identity output layer,
     * all with bias: for example {@code mlp(64, 42, Activation.TANH, 10, 32, 32, 1)}. Each layer is
     * initialised for its activation (He for ReLU, Glorot otherwise; see {@link Dense}). For a
     * different activation in each layer, build the layers and pass them to
     * {@link #Network(Dense...)}.
     *
     * @param maxBatch the largest batch, {@code >= 1}
     * @param seed initialisation seed (layer l uses {@code seed + l})
     * @param hidden the activation of every layer but the last
     * @param sizes layer widths from the input to the output; at least two, each {@code >= 1}
     * @return the network
     * @throws NullPointerException if {@code hidden} or {@code sizes} is null
     * @throws IllegalArgumentException for fewer than two sizes, a size or maxBatch below 1, or
     *     buffers larger than a Java array
     */
    public static Network mlp(int maxBatch, long seed, Activation hidden, int... sizes) {
        return mlp(maxBatch, seed, Loss.mse(), hidden, sizes);
    }

    /**
     * Builds a network of hidden layers with the given activation and an identity output layer,
     * all with bias, trained with {@code loss}: for example a classifier
     * {@code mlp(64, 42, Loss.crossEntropy(), Activation.RELU, 784, 256, 128, 10)}, whose outputs
     * are the logits. Layers are initialised as {@link #mlp(int, long, Activation, int...)} does.
     *
     * @param maxBatch the largest batch, {@code >= 1}
     * @param seed initialisation seed (layer l uses {@code seed + l})
     * @param loss what {@link #loss} computes
     * @param hidden the activation of every layer but the last
     * @param sizes layer widths from the input to the output; at least two, each {@code >= 1}
     * @return the network
     * @throws NullPointerException if {@code loss}, {@code hidden} or {@code sizes} is null
     * @throws IllegalArgumentException for fewer than two sizes, a size or maxBatch below 1,
     *     buffers larger than a Java array, or positive weights for another number of outputs
     */
    public static Network mlp(int maxBatch, long seed, Loss loss, Activation hidden, int... sizes) {
        Objects.requireNonNull(loss, "loss must not be null");
        Objects.requireNonNull(hidden, "hidden must not be null");
        Objects.requireNonNull(sizes, "sizes must not be null");
        if (sizes.length < 2) {
            throw new IllegalArgumentException("sizes must hold at least 2 widths (input and"
                    + " output), got " + sizes.length);
        }
        for (int i = 0; i < sizes.length; i++) {
            if (sizes[i] < 1) {
                throw new IllegalArgumentException("sizes must all be >= 1, got " + sizes[i]
                        + " at index " + i);
            }
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        Dense[] layers = new Dense[sizes.length - 1];
        for (int l = 0; l < layers.length; l++) {
            Activation act = l == layers.length - 1 ? Activation.IDENTITY : hidden;
            layers[l] = new Dense(sizes[l], sizes[l + 1], act, true, maxBatch, seed + l);
        }
        return new Network(loss, layers);
    }

    /**
     * A classifier: ReLU hidden layers, an identity output layer of one logit per class, and
     * softmax cross-entropy ({@link Loss#crossEntropy()}); {@link #loss(int[], int)} takes the
     * labels, {@link #probabilities}, {@link #argmax} and {@link #topK} read the predictions. For
     * example {@code classifier(64, 42, 784, 256, 128, 10)} for Fashion-MNIST.
     *
     * @param maxBatch the largest batch, {@code >= 1}
     * @param seed initialisation seed (layer l uses {@code seed + l})
     * @param sizes layer widths from the input to the classes; at least two, each {@code >= 1}
     * @return the network
     * @throws NullPointerException if {@code sizes} is null
     * @throws IllegalArgumentException for fewer than two sizes, a size or maxBatch below 1, or
     *     buffers larger than a Java array
     */
    public static Network classifier(int maxBatch, long seed, int... sizes) {
        return mlp(maxBatch, seed, Loss.crossEntropy(), Activation.RELU, sizes);
    }

    /**
     * Builds a network of ReLU hidden layers and an identity output layer, all with bias.
     *
     * @param maxBatch the largest batch, {@code >= 1}
     * @param seed initialisation seed (layer l uses {@code seed + l})
     * @param sizes layer widths from the input to the output, e.g. {@code 2, 64, 64, 1}; at
     *     least two, each {@code >= 1}
     * @return the network
     * @throws NullPointerException if {@code sizes} is null
     * @throws IllegalArgumentException for fewer than two sizes, a size or maxBatch below 1, or
     *     buffers larger than a Java array
     */
    public static Network mlp(int maxBatch, long seed, int... sizes) {
        return mlp(maxBatch, seed, Activation.RELU, sizes);
    }

    /**
     * A network over the given layers, in order.
     *
     * @param layers at least one; each layer's inputs must equal the previous layer's outputs,
     *     all must share one maxBatch, and no layer may appear twice
     * @throws NullPointerException if {@code layers} or one of them is null
     * @throws IllegalArgumentException if the layers do not fit together
     */
    public Network(Dense... layers) {
        this(Loss.mse(), layers);
    }

    /**
     * A network over the given layers, in order, trained with {@code loss}.
     *
     * @param loss what {@link #loss} computes
     * @param layers at least one; each layer's inputs must equal the previous layer's outputs,
     *     all must share one maxBatch, and no layer may appear twice
     * @throws NullPointerException if {@code loss}, {@code layers} or one of them is null
     * @throws IllegalArgumentException if the layers do not fit together, or positive weights of
     *     a binary cross-entropy are not one per output
     */
    public Network(Loss loss, Dense... layers) {
        this(new WeightGroup(), Objects.requireNonNull(loss, "loss must not be null"), layers);
    }

    private Network(WeightGroup group, Loss lossKind, Dense... layers) {
        Objects.requireNonNull(layers, "layers must not be null");
        if (layers.length == 0) {
            throw new IllegalArgumentException("layers must hold at least one layer, got none");
        }
        Map<Dense, Integer> seen = new IdentityHashMap<>();
        for (int l = 0; l < layers.length; l++) {
            if (layers[l] == null) {
                throw new NullPointerException("layers must not contain null, got null at index " + l);
            }
            Integer before = seen.putIfAbsent(layers[l], l);
            if (before != null) {
                throw new IllegalArgumentException("layers must be distinct objects, got layer " + l
                        + " the same object as layer " + before
                        + ": each layer owns its buffers, use one object per position");
            }
            if (l > 0 && layers[l].inputs() != layers[l - 1].outputs()) {
                throw new IllegalArgumentException("layers must fit together, got layer " + l
                        + " taking " + layers[l].inputs() + " inputs but layer " + (l - 1)
                        + " giving " + layers[l - 1].outputs());
            }
            if (layers[l].maxBatch() != layers[0].maxBatch()) {
                throw new IllegalArgumentException("layers must share one maxBatch, got "
                        + layers[l].maxBatch() + " for layer " + l + " and " + layers[0].maxBatch()
                        + " for layer 0");
            }
        }
        this.layers = layers.clone();
        // One scratch for the whole network: its layers and its loss run one at a time, so a
        // network allocates nothing in vecprop on whatever thread calls it (a fresh virtual thread
        // per request that takes the network from a pool included).
        Workspace scratch = new Workspace();
        for (Dense layer : this.layers) {
            layer.useWorkspace(scratch);
        }
        this.layerList = List.of(this.layers);
        this.inputs = layers[0].inputs();
        this.maxBatch = layers[0].maxBatch();
        Dense last = layers[layers.length - 1];
        this.loss = new LossState(lossKind, last.outputs(), maxBatch, scratch);
        this.probabilityBuffer = lossKind instanceof Loss.Mse ? null : new float[maxBatch * last.outputs()];
        this.output = new Output(last.output(), last.outputs());
        List<Parameter> params = new ArrayList<>();
        int[] module = NetworkFile.moduleIndex(this.layers);
        for (int l = 0; l < layers.length; l++) {
            params.add(layers[l].weight().named(module[l] + ".weight"));
            if (layers[l].hasBias()) {
                params.add(layers[l].bias().named(module[l] + ".bias"));
            }
        }
        this.parameters = Collections.unmodifiableList(params);
        this.group = group;
        this.versions = new WeightVersion[layers.length];
        this.pending = new WeightVersion[layers.length];
    }

    /**
     * A network over the same weights with buffers of its own, for inference on another thread.
     * Its layers start frozen where this network's are.
     *
     * @param maxBatch the largest batch of the new network, {@code >= 1}
     * @return the new network
     * @throws IllegalArgumentException for a maxBatch below 1 or buffers larger than an array
     */
    public Network sharingWeights(int maxBatch) {
        return sharingWeights(maxBatch, WeightFormat.FLOAT32);
    }

    /**
     * As {@link #sharingWeights(int)}, reading the weights in {@code format}. With
     * {@link WeightFormat#BFLOAT16} (an opt-in for inference, never the default) every layer's
     * forward product reads the weights rounded to bfloat16, in half the bytes: at batch 1 to 3,
     * where reading the weights is most of a forward pass, it is faster (RESULTS.md states by how
     * much, and the outputs' difference from float32 on Fashion-MNIST). The bfloat16 form is made
     * once per version of the weights, so a hot swap or a training step reaches it too. The new
     * network computes forward passes and predictions only: {@link #backward} refuses.
     *
     * @param maxBatch the largest batch of the new network, {@code >= 1}
     * @param format how the new network reads the weights
     * @return the new network
     * @throws NullPointerException if {@code format} is null
     * @throws IllegalArgumentException for a maxBatch below 1 or buffers larger than an array
     */
    public Network sharingWeights(int maxBatch, WeightFormat format) {
        Objects.requireNonNull(format, "format must not be null");
        checkBatchLimit(maxBatch);
        Dense[] copies = new Dense[layers.length];
        group.lock.lock(); // no change of several layers is half-prepared while the sharer attaches
        try {
            for (int l = 0; l < layers.length; l++) {
                copies[l] = layers[l].sharingWeights(maxBatch, format);
            }
        } finally {
            group.lock.unlock();
        }
        return new Network(group, loss.loss, copies);
    }

    /**
     * Forward pass through every layer.
     *
     * @param x input, {@code batch x inputs} from {@code xOff} with row stride {@code ldx}; kept
     *     (not copied) until the next backward
     * @param xOff where row 0 of x starts
     * @param ldx the row stride of x, {@code >= inputs}
     * @param batch rows, {@code 1 <= batch <= maxBatch}
     * @return the output, {@code batch x outputs}: a view of the network's buffer, overwritten
     *     by the next forward (the same object as {@link #output()})
     * @throws NullPointerException if {@code x} is null
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public Output forward(float[] x, int xOff, int ldx, int batch) {
        Objects.requireNonNull(x, "x must not be null");
        checkBatch(batch);
        Checks.matrix("x", x, xOff, batch, inputs, ldx);
        // One version of every layer, read together: a change of several layers published by
        // another thread (a load, an optimizer step) is seen whole or not at all (WeightGroup).
        long seen;
        do {
            seen = group.stableSequence();
            for (int l = 0; l < layers.length; l++) {
                versions[l] = layers[l].cell().current;
            }
        } while (!group.unchangedSince(seen));
        float[] a = layers[0].forward(versions[0], x, xOff, ldx, batch);
        for (int l = 1; l < layers.length; l++) {
            a = layers[l].forward(versions[l], a, 0, layers[l - 1].outputs(), batch);
        }
        this.batch = batch;
        this.lossReady = false;
        output.rows(batch);
        return output;
    }

    /**
     * A test seam: run between two layers' publications, to widen the instant in which a reader
     * without the sequence lock would gather a mix of versions (so the stress test can show
     * the lock is what prevents it). Null, and read only while publishing, outside tests.
     */
    static volatile Runnable publicationPause;

    private static void checkBatchLimit(int maxBatch) {
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
    }

    /**
     * Changes the weights of every layer {@code change} names as one change: while the weights
     * are shared (see {@link #sharingWeights}), each changed layer gets a new version, prepared
     * and packed first and then published with the others at once, so a forward pass on another
     * thread computes with all the old layers or all the new ones; a layer shared with no other
     * is changed in place (no allocation). Changes of this network's weights made through any
     * network sharing them are serialised, each starting from the one before.
     */
    void changeWeights(WeightChange change) {
        group.lock.lock();
        int locked = 0;
        try {
            for (; locked < layers.length; locked++) {
                layers[locked].cell().lock.lock();
            }
            boolean publish = false;
            for (int l = 0; l < layers.length; l++) {
                WeightCell cell = layers[l].cell();
                if (!change.changes(l)) {
                    pending[l] = null;
                    continue;
                }
                WeightVersion v = cell.begin();
                if (v == cell.current) {
                    try {
                        change.change(l, v.weights, v.bias, v);
                    } catch (RuntimeException | Error e) {
                        // Written in part, perhaps: whatever was packed is stale now.
                        v.abandonRowRefresh();
                        v.changedInPlace(true);
                        throw e;
                    }
                } else {
                    change.change(l, v.weights, v.bias, null);
                }
                pending[l] = cell.finish(v, true);
                publish |= pending[l] != cell.current;
            }
            if (publish) {
                group.beginPublication();
                for (int l = 0; l < layers.length; l++) {
                    if (pending[l] != null) {
                        layers[l].cell().publish(pending[l]);
                        Runnable pause = publicationPause;
                        if (pause != null) {
                            pause.run();
                        }
                    }
                }
                group.endPublication();
            }
        } finally {
            java.util.Arrays.fill(pending, null);
            while (locked > 0) {
                layers[--locked].cell().lock.unlock();
            }
            group.lock.unlock();
        }
    }

    private void checkBatch(int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch must be in [1, maxBatch = " + maxBatch
                    + "], got " + batch);
        }
    }

    /** {@return the output of the last forward pass (0 rows before the first)} */
    public Output output() {
        return output;
    }

    /**
     * The loss of the last forward's output against float targets (MSE, or binary cross-entropy
     * with logits); also writes dP, its gradient with respect to the outputs, for
     * {@link #backward}.
     *
     * @param t targets, {@code batch x outputs}, row stride {@code ldt} (in [0, 1] for binary
     *     cross-entropy)
     * @param tOff where row 0 of t starts
     * @param ldt the row stride of t, {@code >= outputs}
     * @return the loss: {@code mean((P - T)^2)} over the batch's elements for MSE; see
     *     {@link org.vecprop.kernel.BinaryCrossEntropy} for binary cross-entropy
     * @throws IllegalStateException if there was no forward pass, or the loss takes class labels
     *     ({@link #loss(int[], int)})
     * @throws NullPointerException if {@code t} is null
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public float loss(float[] t, int tOff, int ldt) {
        Objects.requireNonNull(t, "t must not be null");
        requireForward();
        float value = loss.compute(layers[layers.length - 1].output(), batch, t, tOff, ldt);
        lossReady = true;
        return value;
    }

    /**
     * The cross-entropy of the last forward's outputs (logits) against one class label per row;
     * also writes dP, {@code (softmax - target) / batch} for the mean, for {@link #backward}, in
     * the same pass over the logits ({@link org.vecprop.kernel.CrossEntropy}).
     *
     * @param labels row i's class at {@code labels[labelsOff + i]}, each in {@code [0, outputs)}
     * @param labelsOff where row 0's label is
     * @return the loss (mean over the batch's rows, or their sum)
     * @throws IllegalStateException if there was no forward pass, or the loss takes float targets
     *     ({@link #loss(float[], int, int)})
     * @throws NullPointerException if {@code labels} is null
     * @throws IllegalArgumentException for a label outside {@code [0, outputs)}, naming the row
     *     and the value ({@code labels must be in [0, classes = 10), got 12 for row 3}), or
     *     IndexOutOfBoundsException for labels past the array; before any write
     */
    public float loss(int[] labels, int labelsOff) {
        Objects.requireNonNull(labels, "labels must not be null");
        requireForward();
        float value = loss.compute(layers[layers.length - 1].output(), batch, labels, labelsOff);
        lossReady = true;
        return value;
    }

    /**
     * The class probabilities of the last forward, {@code batch x outputs}: the softmax of each
     * row for cross-entropy, the sigmoid of each output for binary cross-entropy (vecprop's own
     * exp: the same bits everywhere). Allocates nothing.
     *
     * @param dst where to write, from {@code dstOff} with row stride {@code lddst}
     * @param dstOff where row 0 goes
     * @param lddst the row stride of dst, {@code >= outputs}
     * @throws IllegalStateException if there was no forward pass, or the loss is MSE (its outputs
     *     are predictions, not probabilities)
     * @throws NullPointerException if {@code dst} is null
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public void probabilities(float[] dst, int dstOff, int lddst) {
        Objects.requireNonNull(dst, "dst must not be null");
        requireForward();
        Checks.matrix("dst", dst, dstOff, batch, outputs(), lddst);
        loss.probabilities(layers[layers.length - 1].output(), batch, dst, dstOff, lddst);
    }

    /**
     * The index of the largest output of each row of the last forward: the predicted class of a
     * classifier (the largest logit is the largest probability; of equal outputs the lowest
     * index; a row with a NaN gives the first NaN's index: see {@link org.vecprop.kernel.TopK}).
     * Allocates nothing.
     *
     * @param dst row i's class goes to {@code dst[dstOff + i]}
     * @param dstOff where row 0's goes
     * @throws IllegalStateException if there was no forward pass
     * @throws NullPointerException if {@code dst} is null
     * @throws IndexOutOfBoundsException if dst is too short, before any write
     */
    public void argmax(int[] dst, int dstOff) {
        Objects.requireNonNull(dst, "dst must not be null");
        requireForward();
        org.vecprop.kernel.TopK.argmax(batch, outputs(), layers[layers.length - 1].output(), 0,
                outputs(), dst, dstOff);
    }

    /**
     * The {@code k} largest outputs of each row of the last forward, largest first (of equal
     * outputs the lower index first), with their probabilities: the softmax or sigmoid values for
     * a cross-entropy network, the outputs themselves for MSE. Allocates nothing (the
     * probabilities go through a buffer the network owns).
     *
     * @param k how many per row, {@code 0 <= k <= outputs}
     * @param index {@code batch x k} indices from {@code indexOff}, row stride {@code ldIndex}
     * @param indexOff where row 0's first index goes
     * @param ldIndex row stride of index, {@code >= max(1, k)}
     * @param values null, or {@code batch x k} probabilities (or outputs) from {@code valuesOff},
     *     row stride {@code ldValues}
     * @param valuesOff where row 0's first value goes
     * @param ldValues row stride of values, {@code >= max(1, k)}
     * @throws IllegalStateException if there was no forward pass
     * @throws NullPointerException if {@code index} is null
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public void topK(int k, int[] index, int indexOff, int ldIndex, float[] values, int valuesOff,
                     int ldValues) {
        Objects.requireNonNull(index, "index must not be null");
        requireForward();
        float[] out = layers[layers.length - 1].output();
        float[] source = out;
        if (!(loss.loss instanceof Loss.Mse)) {
            // Checked first, so that nothing is written for a bad call (the buffer is ours).
            Checks.topK(batch, outputs(), k, out, 0, outputs(), index, indexOff, ldIndex, values,
                    valuesOff, ldValues);
            loss.probabilities(out, batch, probabilityBuffer, 0, outputs());
            source = probabilityBuffer;
        }
        org.vecprop.kernel.TopK.select(batch, outputs(), k, source, 0, outputs(), index, indexOff,
                ldIndex, values, valuesOff, ldValues);
    }

    /**
     * Backward pass from the loss's dP through every layer down to the lowest one that is not
     * frozen; frozen layers get no parameter gradient.
     *
     * @param mode add to the gradient buffers or overwrite them
     * @throws NullPointerException if {@code mode} is null
     * @throws IllegalStateException if {@link #loss} was not called after the last forward, or
     *     the parameters of a layer it would visit changed since that forward (an optimizer
     *     step, a write, a load: forward again first)
     */
    public void backward(Gradients mode) {
        Objects.requireNonNull(mode, "mode must not be null");
        requireForward();
        if (!lossReady) {
            throw new IllegalStateException("backward needs loss(...) after the last forward");
        }
        if (layers[0].weightFormat() != WeightFormat.FLOAT32) {
            throw new IllegalStateException("a network reading " + layers[0].weightFormat()
                    + " weights computes forward passes only: train the float32 network whose"
                    + " weights it shares");
        }
        int lowest = 0;
        while (lowest < layers.length && layers[lowest].frozen()) {
            lowest++;
        }
        for (int l = lowest; l < layers.length; l++) {
            layers[l].requireParametersOfTheLastForward(); // every check before any write
        }
        Dense last = layers[layers.length - 1];
        float[] grad = loss.gradient();
        int ld = last.outputs();
        for (int l = layers.length - 1; l >= lowest; l--) {
            layers[l].backward(grad, 0, ld, mode, l > lowest);
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

    // ------------------------------------------------------------------------------ parameters

    /**
     * The weights and biases, in order, as named views (PyTorch's {@code named_parameters()}):
     * {@code 0.weight}, {@code 0.bias}, {@code 2.weight}... (see {@link Parameter}). No copy:
     * each view reads the layer's arrays, and its writes tell the layer.
     *
     * @return the parameters (an unmodifiable list, made once)
     */
    public List<Parameter> parameters() {
        return parameters;
    }

    /**
     * {@return the parameter of that name}
     *
     * @param name a parameter name, e.g. {@code "2.weight"}
     * @throws NullPointerException if {@code name} is null
     * @throws IllegalArgumentException if there is none, listing the names there are
     */
    public Parameter parameter(String name) {
        Objects.requireNonNull(name, "name must not be null");
        for (Parameter p : parameters) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        List<String> names = new ArrayList<>();
        parameters.forEach(p -> names.add(p.name()));
        throw new IllegalArgumentException("name must be one of " + names + ", got \"" + name + "\"");
    }

    /**
     * {@return the layer whose weights or bias {@code parameter} views}
     *
     * @param parameter one of {@link #parameters()}, or a layer's own {@link Dense#weight()} or
     *     {@link Dense#bias()} view
     * @throws NullPointerException if {@code parameter} is null
     * @throws IllegalArgumentException if it views no layer of this network (a network made by
     *     {@link #sharingWeights} has layers of its own, with views of their own)
     */
    public Dense layerOf(Parameter parameter) {
        Objects.requireNonNull(parameter, "parameter must not be null");
        for (Dense d : layers) {
            if (d.owns(parameter)) {
                return d;
            }
        }
        throw new IllegalArgumentException("parameter must view a layer of this network, got "
                + parameter.name() + ", which views another network's layer");
    }

    /**
     * The {@code torch.nn.Sequential} this network computes, as PyTorch would write its modules,
     * e.g. {@code Linear(2, 64), ReLU(), Linear(64, 1)} ({@code , bias=False} for a layer without
     * bias). Saved in the metadata of the network's safetensors file.
     *
     * @return the module list
     */
    public String modules() {
        return NetworkFile.modules(layers);
    }

    // ------------------------------------------------------------------------------ files

    /**
     * The weights as safetensors contents (PyTorch's names, shapes and layout; see the class
     * comment): copies, transposed to {@code out x in}.
     *
     * @return the contents, ready to {@link SafeTensors#write}
     */
    public SafeTensors toSafeTensors() {
        group.lock.lock(); // one version of every layer, even if another thread swaps meanwhile
        try {
            return NetworkFile.toSafeTensors(parameters, modules(), loss.loss);
        } finally {
            group.lock.unlock();
        }
    }

    /**
     * Saves the weights to a safetensors file (see the class comment for its layout).
     *
     * @param file where to write; replaced if it exists, never left half-written
     * @throws IOException if writing fails
     * @throws NullPointerException if {@code file} is null
     */
    public void save(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        toSafeTensors().write(file);
    }

    /**
     * Builds a network from a file {@link #save} wrote: its modules from the metadata, its
     * weights from the tensors.
     *
     * @param file a safetensors file with {@code vecprop.modules} metadata
     * @param maxBatch the largest batch of the new network, {@code >= 1}
     * @return the network
     * @throws org.vecprop.io.SafeTensorsFormatException if the file is malformed
     * @throws FileRejectedException if the file does not describe a network vecprop can build
     *     (no or an unreadable {@code vecprop.modules}, tensors that do not match its modules,
     *     a layer whose batch buffers at {@code maxBatch} would exceed a Java array);
     *     {@code SafeTensorsFormatException} is one too, so one {@code catch} covers both
     * @throws IOException if it cannot be read
     * @throws IllegalArgumentException for a maxBatch below 1
     * @throws NullPointerException if {@code file} is null
     */
    public static Network load(Path file, int maxBatch) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        return fromSafeTensors(SafeTensors.read(file), maxBatch);
    }

    /**
     * Builds a network from safetensors contents with {@code vecprop.modules} metadata.
     *
     * @param contents the file's contents
     * @param maxBatch the largest batch of the new network, {@code >= 1}
     * @return the network
     * @throws FileRejectedException if the contents do not describe a network vecprop can
     *     build, or their tensors do not match their modules (as {@link #load})
     * @throws IllegalArgumentException for a maxBatch below 1
     * @throws NullPointerException if {@code contents} is null
     */
    public static Network fromSafeTensors(SafeTensors contents, int maxBatch)
            throws FileRejectedException {
        Objects.requireNonNull(contents, "contents must not be null");
        String lossText = contents.metadata().get(NetworkFile.LOSS_KEY);
        Loss lossKind = lossText == null ? Loss.mse() : Loss.parse(lossText);
        Network net = new Network(lossKind, NetworkFile.layers(contents, maxBatch));
        net.loadWeights(contents);
        return net;
    }

    /**
     * Replaces this network's weights with a file's: every tensor must be there under this
     * network's parameter name with PyTorch's shape, and nothing else (PyTorch's
     * {@code load_state_dict(strict=True)}). The file is read and checked completely before any
     * weight changes; on any error nothing changes. Networks sharing these weights see the new
     * ones; optimizer momentum is kept.
     *
     * @param file a safetensors file: one {@link #save} wrote, or PyTorch's {@code state_dict()}
     *     of the same {@code nn.Sequential}
     * @throws org.vecprop.io.SafeTensorsFormatException if the file is malformed
     * @throws FileRejectedException if its tensors or metadata do not match this network
     *     (a tensor missing, of another shape or left over, another module list or layout);
     *     {@code SafeTensorsFormatException} is one too, so one {@code catch} covers both
     * @throws IOException if it cannot be read
     * @throws NullPointerException if {@code file} is null
     */
    public void loadWeights(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        loadWeights(SafeTensors.read(file));
    }

    /**
     * Replaces this network's weights with the tensors of safetensors contents, under the rules
     * of {@link #loadWeights(Path)}.
     *
     * @param contents the file's contents
     * @throws FileRejectedException if its tensors or metadata do not match this network
     *     (nothing changes)
     * @throws NullPointerException if {@code contents} is null
     */
    public void loadWeights(SafeTensors contents) throws FileRejectedException {
        Objects.requireNonNull(contents, "contents must not be null");
        List<float[]> staged = NetworkFile.stage(parameters, modules(), contents);
        changeWeights(new StagedWeights(staged));
    }

    /** A load's change: each layer's staged weight (in x out) and bias, in parameter order. */
    private final class StagedWeights implements WeightChange {
        private final float[][] weights, biases;

        StagedWeights(List<float[]> staged) {
            weights = new float[layers.length][];
            biases = new float[layers.length][];
            int i = 0;
            for (int l = 0; l < layers.length; l++) {
                weights[l] = staged.get(i++);
                if (layers[l].hasBias()) {
                    biases[l] = staged.get(i++);
                }
            }
        }

        @Override
        public boolean changes(int l) {
            return true;
        }

        @Override
        public void change(int l, float[] w, float[] b, WeightVersion inPlace) {
            // A load writes everything at once: its packed forms are repacked by the next product.
            System.arraycopy(weights[l], 0, w, 0, w.length);
            if (b != null) {
                System.arraycopy(biases[l], 0, b, 0, b.length);
            }
        }
    }

    // ------------------------------------------------------------------------------ accessors

    /** {@return the layers, input first (the live objects; the list itself is immutable)} */
    public List<Dense> layers() {
        return layerList;
    }

    /** {@return how many layers} */
    public int depth() {
        return layers.length;
    }

    /**
     * {@return layer {@code l}}
     *
     * @param l {@code 0 <= l < depth()}, 0 being the input layer
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public Dense layer(int l) {
        return layers[Indexes.check("l", l, layers.length, "depth()")];
    }

    /** {@return inputs per example} */
    public int inputs() {
        return inputs;
    }

    /** {@return outputs per example} */
    public int outputs() {
        return layers[layers.length - 1].outputs();
    }

    /** {@return the loss this network trains with} */
    public Loss lossFunction() {
        return loss.loss;
    }

    /**
     * {@return dP: the gradient of the last {@link #loss} call with respect to the outputs, {@code batch x outputs}, row stride {@code outputs} (the live buffer {@link #backward} starts from)}
     */
    public float[] lossGradient() {
        return loss.gradient();
    }

    /** {@return rows of the last forward pass, -1 before the first} */
    public int batch() {
        return batch;
    }

    /** {@return whether {@link #loss} has run since the last forward, so backward may run} */
    public boolean lossReady() {
        return lossReady;
    }

    /** {@return the largest batch} */
    public int maxBatch() {
        return maxBatch;
    }

    /** {@return the number of parameters, frozen ones included} */
    public long parameterCount() {
        long p = 0;
        for (Dense layer : layers) {
            p += (long) layer.inputs() * layer.outputs() + (layer.hasBias() ? layer.outputs() : 0);
        }
        return p;
    }

    /** {@return the modules, e.g. {@code Network[Linear(2, 64), ReLU(), Linear(64, 1)]}} */
    @Override
    public String toString() {
        return "Network[" + modules() + "]";
    }
}

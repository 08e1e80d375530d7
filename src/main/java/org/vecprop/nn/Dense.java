package org.vecprop.nn;

import java.util.Objects;
import java.util.SplittableRandom;
import org.vecprop.contract.Checks;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.PackedMatrix;
import org.vecprop.kernel.Workspace;

/**
 * A fully connected layer, {@code A = f(X·W + b)}, with its forward and backward passes fused.
 *
 * <p>Shapes and layout (row-major): input X is {@code batch x in}, weights W {@code in x out},
 * bias b {@code out}, output A {@code batch x out}. Buffers for up to {@code maxBatch} rows are
 * allocated once, in the constructor; forward and backward allocate nothing.
 *
 * <p><b>Forward</b> is one GEMM whose epilogue adds the bias and applies the activation (ReLU,
 * sigmoid, tanh or none) to each register tile before it is stored. Only A is kept for the
 * backward pass, because every activation here has a derivative that A alone determines, so Z
 * need not be stored: for ReLU, {@code A > 0} exactly when {@code Z > 0} (a NaN in Z gives a NaN
 * in A, and both compare false), so A serves as the mask; for sigmoid {@code σ'(Z) = A(1 - A)};
 * for tanh {@code tanh'(Z) = 1 - A²}.
 *
 * <p><b>Backward</b> reuses the gradient of the layer above ({@code dA}) rather than
 * differentiating per weight: one pass forms {@code dZ = dA ⊙ f'(Z)} from A (the
 * {@link Activation#backwardWithBiasGradient} kernel of the layer's activation) and sums
 * its columns into the bias gradient; then {@code dW (+)= Xᵀ·dZ} and, unless this is the first layer,
 * {@code dX = dZ·Wᵀ}, which becomes the dA of the layer below. The cost is two GEMMs of the
 * forward's size (one for the first layer).
 *
 * <p><b>Packed weights.</b> The forward product multiplies with the weights packed once into
 * the layout the GEMM's register tile reads ({@link PackedMatrix}), so inference at small batches
 * does not rearrange W on every call; the backward product {@code dX = dZ·Wᵀ} likewise with
 * {@code Wᵀ} packed. An optimizer step repacks both as it writes the weights, a block of rows
 * at a time while the block is in cache (no second pass over W); any other in-place change
 * leaves them to be repacked by the next product that reads them. The forward's copy is built
 * before a shared layer's new version is published, the backward's when first needed. Every way
 * to change them goes through the layer: an {@link Optimizer}'s steps, the writes of
 * {@link Parameter} ({@link #weight()}, {@link Network#parameters()}) and
 * {@link Network#loadWeights}; the weight array itself is not handed out (the layer-state rule of
 * {@code docs/conventions.md}: what a write must announce is reached through views, what the
 * layer produces and never caches, its outputs and gradients, as arrays). Products of at most
 * {@value #PLAIN_MAX_WORK} multiply-adds ({@code batch x in x out}) with fewer than
 * {@value #PACKED_MIN_WEIGHTS} weights read the weights as they are instead: there the GEMM's
 * small-problem paths, which pack nothing, are faster than any packed product (measured: a
 * 2-2-1 network's training step took 2.3 times as long with packing as without; 2x2x2 alone 29
 * against 53 ns). From 16 x 16 weights on the packed product is as fast or faster even for one
 * row (1x128x10 205 against 486 ns, 1x10x128 with Wᵀ 66 against 1,120 ns, 4x16x16 72 against
 * 128 ns: `GemmBenchmark`, Zen 5, loaded machine). Both give the same bits.
 *
 * <p><b>Frozen layers</b> ({@link #freeze()}, PyTorch's {@code requires_grad = False}): backward
 * computes no weight or bias gradient for them (only dX, when a layer below needs it), and
 * {@link Sgd} does not update them.
 *
 * <p>The layer remembers the input array passed to {@link #forward} (no copy): it must not
 * change before {@link #backward}. Not thread-safe: one layer per thread; for inference across
 * threads use {@link #sharingWeights} to give each thread its own buffers over the same weights,
 * which may then change while the others compute: each forward pass reads one consistent version
 * of the weights and bias (see {@link #sharingWeights} and {@link Network}).
 */
public final class Dense {
    private final int in, out, maxBatch;
    private final Activation activation;
    private final boolean withBias;
    private final WeightCell cell;             // shared by layers made with sharingWeights
    private final WeightFormat format;         // what this layer's forward reads

    /**
     * Forward and backward products up to this many multiply-adds use the unpacked weights,
     * unless there are {@link #PACKED_MIN_WEIGHTS} of them or more: the GEMM's direct path
     * serves them without packing ({@code GemmBlocking.DIRECT_MAX_WORK}).
     */
    static final long PLAIN_MAX_WORK = 16 * 16 * 16;
    /** Weights of at least this many floats are read packed at every batch; see the class comment. */
    static final int PACKED_MIN_WEIGHTS = 16 * 16;
    private final float[] weightGrad, biasGrad;
    private final float[] output, outputGrad, inputGrad;
    private final Parameter weightView, biasView;
    private boolean frozen;
    private float[] x;
    private int xOff, ldx, batch = -1;
    /** The version the last forward read, and its revision then: backward checks both. */
    private WeightVersion used;
    /**
     * The scratch of this layer's kernel calls (GEMM packing, the bias gradient's row, ...):
     * owned by the layer, or shared by every layer of the network it belongs to, so that a
     * layer allocates nothing in vecprop on whatever thread runs it, a fresh virtual thread per
     * request included. Used by one call at a time, as the layer is.
     */
    private Workspace workspace = new Workspace();
    private long usedRevision;

    /**
     * A layer with freshly initialised weights: He normal for ReLU, Glorot uniform for identity,
     * sigmoid and tanh, from {@code seed}; the bias (if any) starts at 0.
     *
     * @param in inputs per example, {@code >= 1}
     * @param out outputs per example, {@code >= 1}
     * @param activation what follows the affine map
     * @param withBias whether the layer has a bias
     * @param maxBatch the largest batch forward will accept, {@code >= 1}
     * @param seed the initialisation seed
     * @throws NullPointerException if {@code activation} is null
     * @throws IllegalArgumentException for a size below 1 or buffers larger than a Java array
     */
    public Dense(int in, int out, Activation activation, boolean withBias, int maxBatch, long seed) {
        this(in, out, activation, new float[checkedSize(in, out, maxBatch, activation)],
                withBias ? new float[out] : null, maxBatch);
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] weights = cell.current.weights; // nobody else can see the layer yet
        if (activation == Activation.RELU) {
            Init.he(weights, in, rnd);
        } else {
            Init.glorot(weights, in, out, rnd);
        }
    }

    private Dense(int in, int out, Activation activation, float[] weights, float[] bias,
                  int maxBatch) {
        this(in, out, activation, bias != null,
                new WeightCell(new WeightVersion(in, out, weights, bias)), WeightFormat.FLOAT32, maxBatch);
    }

    private Dense(int in, int out, Activation activation, boolean withBias, WeightCell cell,
                  WeightFormat format, int maxBatch) {
        checkedSize(in, out, maxBatch, activation);
        this.cell = cell;
        this.format = format;
        this.in = in;
        this.out = out;
        this.activation = activation;
        this.maxBatch = maxBatch;
        this.withBias = withBias;
        this.weightGrad = new float[in * out];
        this.biasGrad = withBias ? new float[out] : null;
        this.output = new float[maxBatch * out];
        this.outputGrad = new float[maxBatch * out];
        this.inputGrad = new float[maxBatch * in];
        this.weightView = new Parameter("weight", new Own(Parameter.Kind.WEIGHT), Parameter.Kind.WEIGHT);
        this.biasView = withBias ? new Parameter("bias", new Own(Parameter.Kind.BIAS), Parameter.Kind.BIAS) : null;
    }

    /** One of this layer's tensors, as its {@link Parameter} view reads and writes it. */
    private final class Own implements LayerTensor {
        private final Parameter.Kind kind;

        Own(Parameter.Kind kind) {
            this.kind = kind;
        }

        @Override
        public float[] values() {
            return kind == Parameter.Kind.WEIGHT ? weightArray() : biasArray();
        }

        @Override
        public float[] gradient() {
            return kind == Parameter.Kind.WEIGHT ? weightGrad : biasGrad;
        }

        @Override
        public void change(java.util.function.Consumer<float[]> write) {
            Dense.this.change(kind, write);
        }

        @Override
        public boolean frozen() {
            return frozen;
        }

        @Override
        public int rows() {
            return kind == Parameter.Kind.WEIGHT ? in : 1;
        }

        @Override
        public int cols() {
            return out;
        }
    }

    /** {@return whether {@code p} views this layer's weights or bias} */
    boolean owns(Parameter p) {
        return p.tensor() == weightView.tensor() || (biasView != null && p.tensor() == biasView.tensor());
    }

    /**
     * A layer with given weights (copied).
     *
     * @param in inputs per example, {@code >= 1}
     * @param out outputs per example, {@code >= 1}
     * @param activation what follows the affine map
     * @param weights {@code in x out} row-major from index 0 (a longer array is fine)
     * @param bias {@code out} elements from index 0, or null for a layer without bias
     * @param maxBatch the largest batch forward will accept, {@code >= 1}
     * @return the layer
     * @throws NullPointerException if {@code activation} or {@code weights} is null
     * @throws IllegalArgumentException or IndexOutOfBoundsException for bad sizes or arrays
     *     too short
     */
    public static Dense of(int in, int out, Activation activation, float[] weights, float[] bias,
                           int maxBatch) {
        checkedSize(in, out, maxBatch, activation);
        Objects.requireNonNull(weights, "weights must not be null");
        Checks.vector("weights", weights, 0, in * out);
        if (bias != null) {
            Checks.vector("bias", bias, 0, out);
        }
        return new Dense(in, out, activation, java.util.Arrays.copyOf(weights, in * out),
                bias == null ? null : java.util.Arrays.copyOf(bias, out), maxBatch);
    }

    /**
     * A layer over the same weights as this one, with buffers (and gradients) of its own: for
     * inference on another thread. Every change of the weights, made through any of the layers
     * that share them (an optimizer step, a {@link Parameter} write, a load), is seen by all of
     * them, and each forward pass computes with one consistent version: all of the weights and
     * bias before a change or all of them after it, never a mix, however the threads interleave
     * (see {@link #forward}). It starts frozen if this layer is.
     *
     * <p>Cost: while a layer's weights are shared, each change is made on a copy that is packed
     * and then published (copy-on-write: the change allocates the layer's size, and a reader
     * still computing with the old version keeps it until it finishes); a layer that shares with
     * no other is changed in place and allocates nothing.
     *
     * @param maxBatch the largest batch the new layer accepts, {@code >= 1}
     * @return the new layer
     * @throws IllegalArgumentException for a maxBatch below 1 or buffers larger than an array
     */
    public Dense sharingWeights(int maxBatch) {
        return sharingWeights(maxBatch, WeightFormat.FLOAT32);
    }

    /**
     * As {@link #sharingWeights(int)}, reading the weights in {@code format}: with
     * {@link WeightFormat#BFLOAT16} the new layer's forward product reads them rounded to
     * bfloat16, in half the bytes (made once per version of the weights, beside the float32
     * form); it computes forward passes only ({@link #backward} refuses).
     *
     * @param maxBatch the largest batch the new layer accepts, {@code >= 1}
     * @param format how the new layer reads the weights
     * @return the new layer
     * @throws NullPointerException if {@code format} is null
     * @throws IllegalArgumentException for a maxBatch below 1 or buffers larger than an array
     */
    public Dense sharingWeights(int maxBatch, WeightFormat format) {
        Objects.requireNonNull(format, "format must not be null");
        checkedSize(in, out, maxBatch, activation);
        cell.attach();
        Dense copy = new Dense(in, out, activation, withBias, cell, format, maxBatch);
        copy.frozen = frozen;
        return copy;
    }

    /** {@return how this layer's forward product reads the weights} */
    public WeightFormat weightFormat() {
        return format;
    }

    /** This layer's scratch (see {@link #workspace}). */
    Workspace workspace() {
        return workspace;
    }

    /** Makes this layer use a network's scratch: its layers run one at a time, so one is enough. */
    void useWorkspace(Workspace shared) {
        this.workspace = Objects.requireNonNull(shared);
    }

    private static int checkedSize(int in, int out, int maxBatch, Activation activation) {
        if (in < 1) {
            throw new IllegalArgumentException("in must be >= 1, got " + in);
        }
        if (out < 1) {
            throw new IllegalArgumentException("out must be >= 1, got " + out);
        }
        if (maxBatch < 1) {
            throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
        }
        Objects.requireNonNull(activation, "activation must not be null");
        long buffers = Math.max((long) in * out, (long) maxBatch * Math.max(in, out));
        if (buffers > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("in x out and maxBatch x max(in, out) must each be at"
                    + " most " + (Integer.MAX_VALUE - 8) + " (one Java array), got in = " + in
                    + ", out = " + out + ", maxBatch = " + maxBatch + ": " + buffers);
        }
        return in * out;
    }

    /**
     * Forward pass: {@code A = f(X·W + b)} for {@code batch} rows of X.
     *
     * @param x the input, {@code batch x in} from {@code xOff} with row stride {@code ldx}; kept
     *     (not copied) for {@link #backward}
     * @param xOff where row 0 of x starts
     * @param ldx the row stride of x, {@code >= in}
     * @param batch rows, {@code 1 <= batch <= maxBatch}
     * @return the output buffer, {@code batch x out} with row stride {@code out} (owned by the
     *     layer, overwritten by the next forward)
     * @throws NullPointerException if {@code x} is null
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public float[] forward(float[] x, int xOff, int ldx, int batch) {
        Objects.requireNonNull(x, "x must not be null");
        checkBatch(batch);
        Checks.matrix("x", x, xOff, batch, in, ldx);
        return forward(cell.current, x, xOff, ldx, batch);
    }

    /**
     * The forward pass with a version of the weights already read (by {@link Network#forward},
     * which reads every layer's at once); arguments checked.
     */
    float[] forward(WeightVersion version, float[] x, int xOff, int ldx, int batch) {
        if (format == WeightFormat.BFLOAT16) {
            // Always the packed bfloat16 form, whatever the size: one computation for every batch.
            Gemm.multiplyPackedBiasActivation(false, batch, 1f, x, xOff, ldx, version.packedBfloat16(),
                    0f, output, 0, out, version.bias, 0, activation, workspace);
        } else if (!readsPacked(batch)) {
            Gemm.multiplyBiasActivation(false, false, batch, out, in, 1f, x, xOff, ldx,
                    version.weights, 0, out, 0f, output, 0, out, version.bias, 0, activation, workspace);
        } else {
            Gemm.multiplyPackedBiasActivation(false, batch, 1f, x, xOff, ldx, version.packed(),
                    0f, output, 0, out, version.bias, 0, activation, workspace);
        }
        this.used = version;
        this.usedRevision = version.revision();
        this.x = x;
        this.xOff = xOff;
        this.ldx = ldx;
        this.batch = batch;
        return output;
    }

    /**
     * {@return whether a float32 layer's products at this batch read its packed weights (W
     * forward, Wᵀ for dX) rather than W as it is}
     */
    boolean readsPacked(int batch) {
        return (long) batch * in * out > PLAIN_MAX_WORK || (long) in * out >= PACKED_MIN_WEIGHTS;
    }

    /**
     * Backward pass for the batch of the last {@link #forward}: from the gradient of the loss
     * with respect to this layer's output, computes the weight and bias gradients (not for a
     * frozen layer) and, if asked, the gradient with respect to the input (the next layer
     * down's output gradient).
     *
     * @param dA {@code batch x out} from {@code dAOff} with row stride {@code ldda}
     * @param dAOff where row 0 of dA starts
     * @param ldda the row stride of dA, {@code >= out}
     * @param mode whether the weight and bias gradients are added to or replace what they hold
     * @param inputGradient whether to compute {@code dX = dZ·Wᵀ}; the first layer skips it
     * @throws IllegalStateException if there was no forward pass, or the weights or bias changed
     *     since it (an optimizer step, a write, a load: forward again first)
     * @throws NullPointerException if {@code dA} or {@code mode} is null
     * @throws IllegalArgumentException or IndexOutOfBoundsException before any write
     */
    public void backward(float[] dA, int dAOff, int ldda, Gradients mode, boolean inputGradient) {
        Objects.requireNonNull(dA, "dA must not be null");
        Objects.requireNonNull(mode, "mode must not be null");
        if (batch < 0) {
            throw new IllegalStateException("backward before forward");
        }
        if (format != WeightFormat.FLOAT32) {
            throw new IllegalStateException("a layer reading " + format + " weights computes"
                    + " forward passes only: train the float32 layer whose weights it shares");
        }
        requireParametersOfTheLastForward();
        Checks.matrix("dA", dA, dAOff, batch, out, ldda);
        if (frozen && !inputGradient) {
            return; // nothing to compute: no parameter gradient, no dX
        }
        boolean accumulate = mode == Gradients.ACCUMULATE;
        boolean parameterGradients = !frozen;
        // dZ = dA ⊙ f'(Z) from A, and db (+)= colsum(dZ), in one pass. For identity, dZ is dA.
        float[] dz = outputGrad;
        int dzOff = 0, lddz = out;
        boolean withDb = biasGrad != null && parameterGradients;
        if (activation == Activation.IDENTITY) {
            // dZ is dA itself: nothing to copy, only the bias gradient to sum.
            dz = dA;
            dzOff = dAOff;
            lddz = ldda;
            if (withDb) {
                Bias.gradient(batch, out, dA, dAOff, ldda, biasGrad, 0, accumulate, workspace);
            }
        } else if (withDb) {
            activation.backwardWithBiasGradient(batch, out, output, 0, out, dA, dAOff, ldda,
                    outputGrad, 0, out, biasGrad, 0, accumulate, workspace);
        } else {
            activation.backward(batch, out, output, 0, out, dA, dAOff, ldda, outputGrad, 0, out);
        }
        if (parameterGradients) {
            // dW (+)= Xᵀ·dZ: (in x batch)·(batch x out).
            Gemm.multiply(true, false, in, out, batch, 1f, x, xOff, ldx, dz, dzOff, lddz,
                    accumulate ? 1f : 0f, weightGrad, 0, out, workspace);
        }
        if (inputGradient) {
            // dX = dZ·Wᵀ: (batch x out)·(out x in). As forward: small products read W transposed
            // in place; the others read Wᵀ packed, kept current by the optimizer's step (same bits).
            if (!readsPacked(batch)) {
                Gemm.multiply(false, true, batch, in, out, 1f, dz, dzOff, lddz, used.weights, 0,
                        out, 0f, inputGrad, 0, in, workspace);
            } else {
                Gemm.multiplyPacked(false, batch, 1f, dz, dzOff, lddz, used.packedTransposed(workspace), 0f,
                        inputGrad, 0, in, workspace);
            }
        }
    }

    /**
     * Throws unless the weights and bias are those the last forward computed with: after an
     * optimizer step, a write or a load, the activations it kept belong to the old parameters,
     * and a gradient from them would be neither the old parameters' nor the new ones' (PyTorch
     * refuses the same: a tensor needed for the gradient modified in place).
     *
     * @throws IllegalStateException if they changed since the last forward
     */
    void requireParametersOfTheLastForward() {
        if (used != cell.current || used.revision() != usedRevision) {
            throw new IllegalStateException("backward needs a forward after the layer's"
                    + " parameters changed (an optimizer step, a write or a load): the last"
                    + " forward's activations were computed with the old ones");
        }
    }

    /**
     * Tells the layer its weights were changed in place through {@link #weightArray()} (tests
     * of this package; the library's own changes go through {@link #cell()}): the packed copy the
     * forward product reads is refreshed before the next forward. Only for a layer whose weights
     * no other layer shares.
     */
    void weightsChanged() {
        cell.lock.lock();
        try {
            if (!cell.exclusive()) {
                throw new IllegalStateException("weights shared with other layers change by publication only");
            }
            cell.current.changedInPlace(true);
        } finally {
            cell.lock.unlock();
        }
    }

    /** The cell holding this layer's weights, shared with the layers made by sharingWeights. */
    WeightCell cell() {
        return cell;
    }

    /**
     * Changes this layer's weights or its bias alone (a {@link Parameter} write), under the
     * cell's rule: in place when no other layer shares them, else on a copy published whole.
     */
    void change(Parameter.Kind kind, java.util.function.Consumer<float[]> write) {
        cell.lock.lock();
        try {
            boolean weights = kind == Parameter.Kind.WEIGHT;
            WeightVersion v = weights ? cell.begin() : cell.beginBias();
            write.accept(weights ? v.weights : v.bias);
            cell.publish(cell.finish(v, weights));
        } finally {
            cell.lock.unlock();
        }
    }

    /**
     * Freezes the layer (PyTorch's {@code requires_grad = False} on its parameters): from now on
     * backward computes no weight or bias gradient for it and {@link Sgd} does not update it;
     * it still passes the gradient on to the layers below. Its gradients are set to zero (they
     * are not read while it is frozen). Its momentum, if any, is kept for when it is unfrozen.
     */
    public void freeze() {
        frozen = true;
        zeroGrad();
    }

    /** Makes a frozen layer trainable again; its gradients start from zero. */
    public void unfreeze() {
        frozen = false;
    }

    /** {@return whether the layer is frozen (see {@link #freeze()})} */
    public boolean frozen() {
        return frozen;
    }

    /** Sets the weight and bias gradients to zero. */
    public void zeroGrad() {
        java.util.Arrays.fill(weightGrad, 0f);
        if (biasGrad != null) {
            java.util.Arrays.fill(biasGrad, 0f);
        }
    }

    private void checkBatch(int batch) {
        if (batch < 1 || batch > maxBatch) {
            throw new IllegalArgumentException("batch must be in [1, maxBatch = " + maxBatch
                    + "], got " + batch);
        }
    }

    /** {@return inputs per example} */
    public int inputs() {
        return in;
    }

    /** {@return outputs per example} */
    public int outputs() {
        return out;
    }

    /** {@return the activation} */
    public Activation activation() {
        return activation;
    }

    /** {@return the largest batch this layer accepts} */
    public int maxBatch() {
        return maxBatch;
    }

    /** {@return the rows of the last forward pass, or -1 before the first} */
    public int batch() {
        return batch;
    }

    /**
     * {@return the weights, {@code in x out}, as a named view whose writes refresh the layer (named {@code "weight"}; a network's {@link Network#parameters()} carry its names)}
     */
    public Parameter weight() {
        return weightView;
    }

    /** {@return the bias ({@code out}) as a named view, or null for a layer without bias} */
    public Parameter bias() {
        return biasView;
    }

    /** {@return whether the layer has a bias} */
    public boolean hasBias() {
        return withBias;
    }

    /**
     * The current version's weight array, {@code in x out} row-major: for this package, which
     * reads it or, for a layer that shares its weights with no other, writes it and tells the
     * layer.
     */
    float[] weightArray() {
        return cell.current.weights;
    }

    /** The current version's bias array, or null: for this package, as {@link #weightArray()}. */
    float[] biasArray() {
        return cell.current.bias;
    }

    /**
     * {@return the live weight gradient, {@code in x out} row-major (writable: an optimizer of your own, or gradient clipping, may change it)}
     */
    public float[] weightGrad() {
        return weightGrad;
    }

    /** {@return the live bias gradient ({@code out}), or null for a layer without bias} */
    public float[] biasGrad() {
        return biasGrad;
    }

    /** {@return the output buffer: {@code batch x out}, row stride {@code out}} */
    public float[] output() {
        return output;
    }

    /**
     * {@return dZ of the last backward pass of a ReLU, sigmoid or tanh layer: {@code batch x out}, row stride {@code out} (an identity layer uses its dA as dZ and leaves this untouched)}
     */
    public float[] outputGrad() {
        return outputGrad;
    }

    /** {@return dX of the last backward pass that computed it: {@code batch x in}, stride in} */
    public float[] inputGrad() {
        return inputGrad;
    }
}

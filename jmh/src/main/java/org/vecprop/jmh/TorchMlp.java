package org.vecprop.jmh;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;

/**
 * The MLP of {@link TrainStep} in PyTorch (libtorch 2.7.1, CPU) through DJL 0.36.0's NDArray API:
 * ReLU hidden layers, an identity output layer, bias everywhere, and one of TrainStep's two steps:
 * <ul>
 *   <li>{@link #mseSgd}: MSE loss ({@code mean((P - T)^2)}) and plain SGD, the update written
 *       as a PyTorch loop writes it: {@code w.subi(grad.mul(lr))}, then {@code zero_grad};</li>
 *   <li>{@link #classifierAdamW}: DJL's softmax cross-entropy,
 *       {@link Loss#softmaxCrossEntropyLoss()} (log-softmax over the classes, the label's entry
 *       picked with {@code gather}, negated, mean over the batch: PyTorch's
 *       {@code nn.CrossEntropyLoss()}), on int64 labels, and DJL's AdamW,
 *       {@link Optimizer#adamW()} with PyTorch's defaults set explicitly (learning rate 1e-3,
 *       betas 0.9 and 0.999, eps 1e-8, weight decay 0.01), called per parameter as DJL's
 *       {@code LocalParameterServer} calls it for one device, minus the gradient copy it makes
 *       for multi-device reduction.</li>
 * </ul>
 *
 * <h2>What DJL's AdamW computes</h2>
 * {@code AdamW.update} (DJL 0.36.0) passes, per parameter, the step count t (the largest update
 * count over the parameters, so the step number), the learning rate, the "bias-corrected" rate
 * {@code lrbc = (float) (lr·sqrt(1 - beta2^t) / (1 - beta1^t))} (computed in double from the float
 * betas) and the weight decay to libtorch through DJL's JNI ({@code adamUpdate} in
 * {@code ai_djl_pytorch_jni_PyTorchLibrary_optim.cc}), which, with grad mode off, does
 * <pre>
 *   g = grad.clone()                         (rescale 1 and clipping off: skipped)
 *   w -= w * lr * weight_decay               decoupled, scaled by lr: PyTorch's AdamW
 *   m = m * beta1 + (1 - beta1) * g
 *   v = v * beta2 + (1 - beta2) * g * g
 *   w -= m * lrbc / (sqrt(v) + eps)
 * </pre>
 * and then zeroes the gradient. The weight decay is decoupled as in {@code torch.optim.AdamW}
 * (computed as {@code w - (w·lr)·wd} rather than {@code w·(1 - lr·wd)}: rounding only). The
 * difference from PyTorch is eps: PyTorch adds it to the bias-corrected root,
 * {@code sqrt(v / (1 - beta2^t)) + eps}; DJL adds it to {@code sqrt(v)} before the correction,
 * which is PyTorch's formula with eps replaced by {@code eps / sqrt(1 - beta2^t)}: 31.6 eps at the
 * first step, 1.26 eps at step 1000, within 1% of eps from step 3,900 on. No constant eps makes the
 * two agree at every step, so eps is left at 1e-8, which DJL's formula approaches as training goes
 * on. It changes updates only where {@code |g|} is within a few hundred eps of 0, and costs the
 * same. The moments are created by DJL on the first update ({@code zerosLike}, detached from every
 * manager: freed only when the process exits).
 *
 * <h2>Memory</h2>
 * The weights ({@code in x out}) and biases are NDArrays with gradients attached
 * ({@code requires_grad}), created once in a base manager, as are the input and target batches.
 * One {@link #step} is what a PyTorch training loop does: inside a {@link GradientCollector}
 * (grad mode on) the forward pass ({@code matMul}, {@code add}, {@code relu}) and the loss, then
 * {@code backward}; after it (grad mode off, as under {@code torch.no_grad()}) the update of every
 * parameter and {@code zero_grad}. The step's intermediates live in a sub-manager closed at the
 * end of the step, into which the parameters and the batch are temporarily attached (so that the
 * results of operations on them land there too and are freed, and the parameters return to the
 * base manager): nothing accumulates across steps, which setup checks.
 *
 * <p>Only this class touches DJL, so that the other benchmarks never load libtorch.
 */
final class TorchMlp implements AutoCloseable {
    private final Engine engine;
    private final NDManager manager;
    private final NDArray[] params; // w0, b0, w1, b1, ...
    private final String[] ids; // DJL optimizer parameter ids, one per params entry
    private final NDArray[] xs, targets; // float targets, or int64 labels
    private final int layers;
    private final float lr;
    private final boolean classifier;
    private final Loss crossEntropy;
    private Optimizer adamW;

    private TorchMlp(int[] sizes, int batch, float[][] w, float[][] b, float[][] x, float[][] t,
                     int[][] labels, float lr) {
        this.engine = Engine.getEngine("PyTorch");
        this.manager = engine.newBaseManager();
        this.layers = sizes.length - 1;
        this.lr = lr;
        this.classifier = labels != null;
        this.params = new NDArray[2 * layers];
        this.ids = new String[2 * layers];
        for (int l = 0; l < layers; l++) {
            params[2 * l] = manager.create(w[l], new Shape(sizes[l], sizes[l + 1]));
            params[2 * l + 1] = manager.create(b[l], new Shape(sizes[l + 1]));
            ids[2 * l] = l + ".weight";
            ids[2 * l + 1] = l + ".bias";
        }
        for (NDArray p : params) {
            p.setRequiresGradient(true);
        }
        this.xs = new NDArray[x.length];
        this.targets = new NDArray[x.length];
        for (int i = 0; i < x.length; i++) {
            xs[i] = manager.create(x[i], new Shape(batch, sizes[0]));
            if (classifier) {
                long[] l64 = new long[batch];
                for (int r = 0; r < batch; r++) {
                    l64[r] = labels[i][r];
                }
                targets[i] = manager.create(l64, new Shape(batch));
            } else {
                targets[i] = manager.create(t[i], new Shape(batch, sizes[layers]));
            }
        }
        this.crossEntropy = classifier ? Loss.softmaxCrossEntropyLoss() : null;
        resetOptimizer();
    }

    /**
     * The MSE + SGD step.
     *
     * @param sizes layer widths, input first
     * @param w weights per layer, {@code sizes[l] x sizes[l + 1]} row-major
     * @param b biases per layer
     * @param x input batches, each {@code batch x sizes[0]}
     * @param t target batches, each {@code batch x sizes[last]}
     */
    static TorchMlp mseSgd(int[] sizes, int batch, float[][] w, float[][] b, float[][] x,
                           float[][] t, float lr) {
        return new TorchMlp(sizes, batch, w, b, x, t, null, lr);
    }

    /**
     * The softmax cross-entropy + AdamW step, with {@link ClassifierStepCheck}'s hyper-parameters.
     *
     * @param labels per batch, one class per row
     */
    static TorchMlp classifierAdamW(int[] sizes, int batch, float[][] w, float[][] b, float[][] x,
                                    int[][] labels) {
        return new TorchMlp(sizes, batch, w, b, x, null, labels, ClassifierStepCheck.LR);
    }

    /**
     * A new DJL AdamW (step count 0, no moments) for the classifier; nothing for SGD, which has no
     * state.
     */
    void resetOptimizer() {
        if (classifier) {
            adamW = Optimizer.adamW()
                    .optLearningRateTracker(Tracker.fixed(ClassifierStepCheck.LR))
                    .optBeta1(ClassifierStepCheck.BETA1)
                    .optBeta2(ClassifierStepCheck.BETA2)
                    .optEpsilon(ClassifierStepCheck.EPS)
                    .optWeightDecays(ClassifierStepCheck.WEIGHT_DECAY)
                    .build();
        }
    }

    /**
     * One training step on batch {@code i}.
     *
     * @param readLoss whether to copy the loss out ({@code loss.item()}); otherwise NaN is
     *     returned and the loss stays in libtorch
     * @param gradients null, or where to copy each parameter's gradient (in the order w0, b0, w1,
     *     ...) before the update
     */
    float step(int i, boolean readLoss, float[][] gradients) {
        float loss = Float.NaN;
        try (NDManager step = manager.newSubManager()) {
            step.tempAttachAll(params);
            step.tempAttachAll(xs[i], targets[i]);
            try (GradientCollector collector = engine.newGradientCollector()) {
                NDArray a = xs[i];
                for (int l = 0; l < layers; l++) {
                    NDArray z = a.matMul(params[2 * l]).add(params[2 * l + 1]);
                    a = l < layers - 1 ? Activation.relu(z) : z;
                }
                NDArray value = classifier
                        ? crossEntropy.evaluate(new NDList(targets[i]), new NDList(a))
                        : a.sub(targets[i]).square().mean();
                collector.backward(value);
                if (readLoss) {
                    loss = value.getFloat();
                }
            }
            for (int k = 0; k < params.length; k++) {
                NDArray p = params[k];
                NDArray grad = p.getGradient();
                if (gradients != null) {
                    gradients[k] = grad.toFloatArray();
                }
                if (classifier) {
                    adamW.update(ids[k], p, grad); // zeroes the gradient itself
                } else {
                    p.subi(grad.mul(lr));
                    JniUtils.zeroGrad((PtNDArray) p);
                }
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

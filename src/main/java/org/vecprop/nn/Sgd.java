package org.vecprop.nn;

import java.util.Map;
import java.util.Objects;
import org.vecprop.kernel.Update;

/**
 * Stochastic gradient descent with optional momentum and weight decay, set by name
 * ({@link SgdOptions}): {@code new Sgd(net, SgdOptions.learningRate(0.05f).withMomentum(0.9f))}.
 * Per element, PyTorch's {@code torch.optim.SGD} (no dampening, no Nesterov):
 * {@code g' = g + weightDecay * w}; with momentum {@code v = momentum * v + g'},
 * {@code w -= lr * v}; without, {@code w -= lr * g'} ({@link Update#sgd}); the bias gets no
 * weight decay. What every optimizer does (one pass that also zeroes the gradients, frozen layers
 * skipped, schedules, the non-finite guard, state files) is described by {@link Optimizer}.
 *
 * <p><b>State file</b> ({@link #saveState}): with momentum, one tensor per parameter,
 * {@code <parameter>.momentum_buffer} (PyTorch's name, PyTorch's {@code out x in} layout for a
 * weight's); none without. Metadata: {@code vecprop.optimizer = sgd}, {@code vecprop.steps},
 * {@code vecprop.modules}, {@code vecprop.momentum}, {@code vecprop.weightDecay}.
 *
 * <p>Velocity buffers are allocated once, at construction, for the network given; a step
 * allocates nothing. A rejected call changes no parameter, gradient, velocity or step count.
 */
public final class Sgd extends OptimizerCore {
    private final float momentum, weightDecay;

    /**
     * An optimizer for {@code network}, with its velocity buffers when there is momentum.
     *
     * @param network the network to train
     * @param options the learning rate (or schedule), momentum and weight decay
     * @throws NullPointerException if {@code network} or {@code options} is null
     */
    public Sgd(Network network, SgdOptions options) {
        super(network, Objects.requireNonNull(options, "options must not be null").schedule(),
                options.momentum() != 0f ? new String[] {"momentum_buffer"} : new String[0]);
        this.momentum = options.momentum();
        this.weightDecay = options.weightDecay();
    }

    @Override
    String kind() {
        return "sgd";
    }

    @Override
    Map<String, String> hyperParameters() {
        return Map.of("momentum", exact(momentum), "weightDecay", exact(weightDecay));
    }

    @Override
    void updateWeights(int l, float[] w, int off, int n, float lr, long step) {
        Update.sgd(n, w, off, network.layer(l).weightGrad(), off,
                momentum != 0f ? weightState[0][l] : null, off, lr, momentum, weightDecay, true);
    }

    @Override
    void updateBias(int l, float[] b, float lr, long step) {
        Update.sgd(b.length, b, 0, network.layer(l).biasGrad(), 0,
                momentum != 0f ? biasState[0][l] : null, 0, lr, momentum, 0f, true);
    }

    /** {@return the momentum factor} */
    public float momentum() {
        return momentum;
    }

    /** {@return the weight decay factor} */
    public float weightDecay() {
        return weightDecay;
    }

    /** The velocity of layer {@code l}'s weights (null without momentum): for tests. */
    float[] weightVelocity(int l) {
        return momentum != 0f ? weightState[0][l] : null;
    }

    /** The velocity of layer {@code l}'s bias (null without momentum or bias): for tests. */
    float[] biasVelocity(int l) {
        return momentum != 0f ? biasState[0][l] : null;
    }
}

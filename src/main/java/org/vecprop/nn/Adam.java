package org.vecprop.nn;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.vecprop.kernel.Update;

/**
 * Adam and AdamW ({@link AdamOptions#adam}, {@link AdamOptions#adamW}), PyTorch's
 * {@code torch.optim.Adam} and {@code torch.optim.AdamW} (non-amsgrad): bias-corrected moments,
 * eps outside the square root, AdamW's weight decay decoupled from the gradient and scaled by the
 * learning rate. Each layer's weights and bias, their gradients and both moments are read once and
 * written once per step, in one fused pass ({@link Update#adam}), which also zeroes the
 * gradients. Weight decay applies to the weights and the biases alike, as PyTorch applies it to
 * every parameter of a group. What every optimizer does (frozen layers skipped, schedules, the
 * non-finite guard, state files) is described by {@link Optimizer}.
 *
 * <p>Usage: {@code Optimizer opt = new Adam(net, AdamOptions.adamW(1e-3f));} then per batch
 * {@code net.forward(...); net.loss(...); net.backward(Gradients.ACCUMULATE); opt.step();}.
 *
 * <p><b>State file</b> ({@link #saveState}): per parameter {@code <parameter>.exp_avg} and
 * {@code <parameter>.exp_avg_sq} (PyTorch's names; PyTorch's {@code out x in} layout for a
 * weight's). Metadata: {@code vecprop.optimizer} ({@code adam} or {@code adamw}),
 * {@code vecprop.steps} (PyTorch's {@code step}), {@code vecprop.modules}, {@code vecprop.beta1},
 * {@code vecprop.beta2}, {@code vecprop.eps}, {@code vecprop.weightDecay}. A run of 2N steps and
 * a run of N steps, saved ({@link Network#save} and {@link #saveState}), loaded into a new
 * network and optimizer, and N more steps end with the same bits.
 *
 * <p>The two moment buffers (twice the parameters) are allocated once, at construction; a step
 * allocates nothing.
 */
public final class Adam extends OptimizerCore {
    private final AdamOptions options;

    /**
     * An optimizer for {@code network}, with zero moments.
     *
     * @param network the network to train
     * @param options the learning rate (or schedule), betas, eps and weight decay
     * @throws NullPointerException if {@code network} or {@code options} is null
     */
    public Adam(Network network, AdamOptions options) {
        super(network, Objects.requireNonNull(options, "options must not be null").schedule(),
                "exp_avg", "exp_avg_sq");
        this.options = options;
    }

    /** {@return the options this optimizer was made with (the learning rate may have been changed since)} */
    public AdamOptions options() {
        return options;
    }

    @Override
    String kind() {
        return options.decoupled() ? "adamw" : "adam";
    }

    @Override
    Map<String, String> hyperParameters() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("beta1", exact(options.beta1()));
        h.put("beta2", exact(options.beta2()));
        h.put("eps", exact(options.eps()));
        h.put("weightDecay", exact(options.weightDecay()));
        return h;
    }

    @Override
    void updateWeights(int l, float[] w, int off, int n, float lr, long step) {
        Update.adam(n, w, off, network.layer(l).weightGrad(), off, weightState[0][l], off,
                weightState[1][l], off, lr, options.beta1(), options.beta2(), options.eps(),
                options.weightDecay(), options.decoupled(), step, true);
    }

    @Override
    void updateBias(int l, float[] b, float lr, long step) {
        Update.adam(b.length, b, 0, network.layer(l).biasGrad(), 0, biasState[0][l], 0,
                biasState[1][l], 0, lr, options.beta1(), options.beta2(), options.eps(),
                options.weightDecay(), options.decoupled(), step, true);
    }

    /** The first moment of layer {@code l}'s weights: for tests. */
    float[] firstMoment(int l) {
        return weightState[0][l];
    }

    /** The second moment of layer {@code l}'s weights: for tests. */
    float[] secondMoment(int l) {
        return weightState[1][l];
    }
}

package org.vecprop.nn;

import org.vecprop.kernel.Stats;
import org.vecprop.kernel.Update;

/**
 * Stochastic gradient descent with optional momentum and weight decay. Each step reads every
 * gradient once, updates the parameter (and velocity) and, in the same pass, zeroes the
 * gradient, so {@code step} leaves the network ready for the next backward pass in
 * {@link Gradients#ACCUMULATE} mode with no separate zeroGrad pass.
 *
 * <p>Velocity buffers are allocated once, at construction, for the network given.
 */
public final class Sgd {
    private final Network network;
    private final float lr, momentum, weightDecay;
    private final float[][] weightVelocity, biasVelocity;
    private final double[] summary = new double[4];

    /**
     * @param network the network to train
     * @param lr learning rate, finite and {@code > 0}
     * @param momentum in {@code [0, 1)}; 0 for plain SGD
     * @param weightDecay L2 factor, {@code >= 0}; applied to weights, not biases
     */
    public Sgd(Network network, float lr, float momentum, float weightDecay) {
        if (network == null) {
            throw new IllegalArgumentException("network must not be null");
        }
        if (!(lr > 0f) || !Float.isFinite(lr)) {
            throw new IllegalArgumentException("lr must be finite and > 0, got " + lr);
        }
        if (!(momentum >= 0f && momentum < 1f)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (!(weightDecay >= 0f) || !Float.isFinite(weightDecay)) {
            throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
        }
        this.network = network;
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        int n = network.layers().size();
        this.weightVelocity = new float[n][];
        this.biasVelocity = new float[n][];
        if (momentum != 0f) {
            for (int l = 0; l < n; l++) {
                Dense d = network.layers().get(l);
                weightVelocity[l] = new float[d.weights().length];
                biasVelocity[l] = d.bias() == null ? null : new float[d.bias().length];
            }
        }
    }

    /** Applies one update to every parameter and zeroes every gradient. */
    public void step() {
        for (int l = 0; l < network.depth(); l++) {
            Dense d = network.layer(l);
            float[] w = d.weights(), g = d.weightGrad();
            Update.sgd(w.length, w, 0, g, 0, weightVelocity[l], 0, lr, momentum, weightDecay, true);
            d.weightsChanged();
            if (d.bias() != null) {
                Update.sgd(d.bias().length, d.bias(), 0, d.biasGrad(), 0, biasVelocity[l], 0,
                        lr, momentum, 0f, true);
            }
        }
    }

    /**
     * The non-finite guard: applies {@link #step()} only if every gradient is finite. Otherwise
     * nothing changes (parameters, velocities and gradients stay as they are, for inspection) and
     * the first offending layer is returned, so one bad batch cannot destroy a trained model.
     * Costs one extra read of the gradients ({@link Stats#summarize}), before the update.
     *
     * @return -1 if the step was applied, else the index of the first layer whose weight or bias
     *     gradient holds a NaN or an infinity
     */
    public int stepIfFinite() {
        for (int l = 0; l < network.depth(); l++) {
            Dense d = network.layer(l);
            if (!finite(d.weightGrad()) || d.biasGrad() != null && !finite(d.biasGrad())) {
                return l;
            }
        }
        step();
        return -1;
    }

    private boolean finite(float[] g) {
        Stats.summarize(1, g.length, g, 0, g.length, summary);
        return summary[Stats.NAN_COUNT] == 0
                && summary[Stats.INF_COUNT] == 0;
    }

    /** @return the learning rate */
    public float learningRate() {
        return lr;
    }
}

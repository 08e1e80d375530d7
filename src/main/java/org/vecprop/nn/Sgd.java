package org.vecprop.nn;

import java.util.Objects;
import java.util.OptionalInt;
import org.vecprop.kernel.Stats;
import org.vecprop.kernel.Update;

/**
 * Stochastic gradient descent with optional momentum and weight decay, set by name
 * ({@link SgdOptions}): {@code new Sgd(net, SgdOptions.learningRate(0.05f).withMomentum(0.9f))}.
 * Each step reads every gradient once, updates the parameter (and velocity) and, in the same
 * pass, zeroes the gradient, so {@code step} leaves the network ready for the next backward pass
 * in {@link Gradients#ACCUMULATE} mode with no separate zeroGrad pass. Frozen layers
 * ({@link Dense#freeze()}) are skipped: not updated, their gradients and velocities untouched.
 *
 * <p>The learning rate can change between steps: {@link #setLearningRate} fixes it,
 * {@link #setSchedule} (or the options' schedule) makes it a function of the step count.
 *
 * <p>Velocity buffers are allocated once, at construction, for the network given; a step
 * allocates nothing. A rejected call changes no parameter, gradient, velocity or step count.
 */
public final class Sgd {
    private final Network network;
    private final float momentum, weightDecay;
    private final float[][] weightVelocity, biasVelocity;
    private final double[] summary = new double[4];
    private LearningRateSchedule schedule; // null: the fixed rate
    private float rate;
    private long steps;

    /**
     * An optimizer for {@code network}, with its velocity buffers when there is momentum.
     *
     * @param network the network to train
     * @param options the learning rate (or schedule), momentum and weight decay
     * @throws NullPointerException if {@code network} or {@code options} is null
     */
    public Sgd(Network network, SgdOptions options) {
        Objects.requireNonNull(network, "network must not be null");
        Objects.requireNonNull(options, "options must not be null");
        this.network = network;
        this.schedule = options.schedule();
        this.momentum = options.momentum();
        this.weightDecay = options.weightDecay();
        int n = network.depth();
        this.weightVelocity = new float[n][];
        this.biasVelocity = new float[n][];
        if (momentum != 0f) {
            for (int l = 0; l < n; l++) {
                Dense d = network.layer(l);
                weightVelocity[l] = new float[d.weightArray().length];
                biasVelocity[l] = d.hasBias() ? new float[d.outputs()] : null;
            }
        }
    }

    /**
     * Applies one update to every parameter of every layer that is not frozen, and zeroes the
     * gradients it read.
     *
     * @throws IllegalStateException if the schedule gives a rate that is not finite and
     *     {@code >= 0} (nothing is changed)
     */
    public void step() {
        float lr = learningRate();
        for (int l = 0; l < network.depth(); l++) {
            Dense d = network.layer(l);
            if (d.frozen()) {
                continue;
            }
            float[] w = d.weightArray(), g = d.weightGrad();
            Update.sgd(w.length, w, 0, g, 0, weightVelocity[l], 0, lr, momentum, weightDecay, true);
            d.weightsChanged();
            if (d.hasBias()) {
                float[] b = d.biasArray();
                Update.sgd(b.length, b, 0, d.biasGrad(), 0, biasVelocity[l], 0,
                        lr, momentum, 0f, true);
            }
        }
        steps++;
    }

    /**
     * The non-finite guard: applies {@link #step()} only if every gradient it would read is
     * finite. Otherwise nothing changes (parameters, velocities, gradients and the step count
     * stay as they are, for inspection), so one bad batch cannot destroy a trained model. Costs
     * one extra read of the gradients ({@link Stats#summarize}), before the update.
     *
     * @return empty if the step was applied; else the index of the first layer (not frozen)
     *     whose weight or bias gradient holds a NaN or an infinity
     * @throws IllegalStateException if the schedule gives a rate that is not finite and
     *     {@code >= 0} (nothing is changed)
     */
    public OptionalInt stepIfFinite() {
        learningRate(); // a bad scheduled rate is reported whether or not the gradients are finite
        for (int l = 0; l < network.depth(); l++) {
            Dense d = network.layer(l);
            if (!d.frozen() && (!finite(d.weightGrad()) || d.hasBias() && !finite(d.biasGrad()))) {
                return OptionalInt.of(l);
            }
        }
        step();
        return OptionalInt.empty();
    }

    private boolean finite(float[] g) {
        Stats.summarize(1, g.length, g, 0, g.length, summary);
        return summary[Stats.NAN_COUNT] == 0
                && summary[Stats.INF_COUNT] == 0;
    }

    /**
     * {@return the learning rate the next step will use: the fixed rate, or the schedule's rate at {@link #steps()}}
     *
     * @throws IllegalStateException if the schedule gives a rate that is not finite and
     *     {@code >= 0}
     */
    public float learningRate() {
        if (schedule == null) {
            return rate;
        }
        float r = schedule.rate(steps);
        if (!(r >= 0f) || !Float.isFinite(r)) {
            throw new IllegalStateException("the learning-rate schedule gave " + r + " for step "
                    + steps + "; a rate must be finite and >= 0");
        }
        return r;
    }

    /**
     * Fixes the learning rate from the next step on, replacing any schedule (PyTorch: setting
     * {@code param_group['lr']}). Allocates nothing: it may be called before every step.
     *
     * @param learningRate finite, {@code > 0}
     * @throws IllegalArgumentException for a learning rate that is not finite and positive
     *     ({@code learningRate must be finite and > 0, got NaN})
     */
    public void setLearningRate(float learningRate) {
        this.rate = Schedules.positive("learningRate", learningRate);
        this.schedule = null;
    }

    /**
     * Takes the learning rate from {@code schedule} from the next step on, asked with the count
     * of steps applied so far (not reset).
     *
     * @param schedule the rate by step
     * @throws NullPointerException if {@code schedule} is null
     */
    public void setSchedule(LearningRateSchedule schedule) {
        this.schedule = Objects.requireNonNull(schedule, "schedule must not be null");
    }

    /** {@return the steps applied so far (refused ones not counted)} */
    public long steps() {
        return steps;
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
        return weightVelocity[l];
    }

    /** The velocity of layer {@code l}'s bias (null without momentum or bias): for tests. */
    float[] biasVelocity(int l) {
        return biasVelocity[l];
    }
}

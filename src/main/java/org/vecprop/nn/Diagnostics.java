package org.vecprop.nn;

import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Stats;

/**
 * What a user needs to see inside a training step, per layer: gradient L2 norms and largest
 * absolute values, NaN and infinity counts in activations and gradients, the share of ReLU units
 * dead for the whole batch, and whether the gradient norm vanishes or explodes from the last
 * layer to the first. This is how to find an unexpected NaN, a dead layer or a frozen one without
 * treating backward as a black box.
 *
 * <p>{@link #update} reads the network's buffers after a backward pass: one pass over each
 * layer's activations and gradients, vectorised, allocating nothing (the arrays here are sized
 * once for the network). Cost: about one extra read of the activations and parameters per step.
 */
public final class Diagnostics {
    /** First/last gradient-norm ratio below which the network is flagged as vanishing. */
    public static final double VANISHING_RATIO = 1e-3;
    /** First/last ratio above which, or a norm above {@link #EXPLODING_NORM}, it is exploding. */
    public static final double EXPLODING_RATIO = 1e3;
    /** A weight-gradient L2 norm above this is flagged as exploding. */
    public static final double EXPLODING_NORM = 1e4;
    /** A ReLU layer with at least this share of units dead for the whole batch is flagged. */
    public static final double DEAD_LAYER_SHARE = 0.9;

    private final int depth;
    private final double[] weightGradNorm, weightGradMax, biasGradNorm;
    private final long[] activationNaN, activationInf, gradNaN, gradInf;
    private final int[] deadUnits, units;
    private final boolean[] relu;
    private final double[] summary = new double[4];
    private int batch;

    /** Diagnostics sized for {@code network}. */
    public Diagnostics(Network network) {
        depth = network.depth();
        weightGradNorm = new double[depth];
        weightGradMax = new double[depth];
        biasGradNorm = new double[depth];
        activationNaN = new long[depth];
        activationInf = new long[depth];
        gradNaN = new long[depth];
        gradInf = new long[depth];
        deadUnits = new int[depth];
        units = new int[depth];
        relu = new boolean[depth];
        for (int l = 0; l < depth; l++) {
            relu[l] = network.layer(l).activation() == Activation.RELU;
        }
    }

    /**
     * Reads the network's activations and gradients (call after forward and backward).
     *
     * @throws IllegalArgumentException if the network has another depth than the one this was
     *     made for
     */
    public void update(Network network) {
        if (network.depth() != depth) {
            throw new IllegalArgumentException("network has " + network.depth()
                    + " layers, these diagnostics were made for " + depth);
        }
        batch = Math.max(0, network.batch());
        for (int l = 0; l < depth; l++) {
            Dense d = network.layer(l);
            units[l] = d.outputs();
            Stats.summarize(batch, d.outputs(), d.output(), 0, d.outputs(), summary);
            activationNaN[l] = (long) summary[Stats.NAN_COUNT];
            activationInf[l] = (long) summary[Stats.INF_COUNT];
            deadUnits[l] = d.activation() == Activation.RELU && batch > 0
                    ? Stats.deadColumns(batch, d.outputs(), d.output(), 0, d.outputs()) : 0;
            Stats.summarize(d.inputs(), d.outputs(), d.weightGrad(), 0, d.outputs(), summary);
            weightGradNorm[l] = Math.sqrt(summary[Stats.SUM_SQUARES]);
            weightGradMax[l] = summary[Stats.MAX_ABS];
            gradNaN[l] = (long) summary[Stats.NAN_COUNT];
            gradInf[l] = (long) summary[Stats.INF_COUNT];
            biasGradNorm[l] = 0;
            if (d.biasGrad() != null) {
                Stats.summarize(1, d.outputs(), d.biasGrad(), 0, d.outputs(), summary);
                biasGradNorm[l] = Math.sqrt(summary[Stats.SUM_SQUARES]);
                gradNaN[l] += (long) summary[Stats.NAN_COUNT];
                gradInf[l] += (long) summary[Stats.INF_COUNT];
            }
        }
    }

    /** @return L2 norm of layer l's weight gradient (finite entries) */
    public double weightGradNorm(int l) {
        return weightGradNorm[l];
    }

    /** @return largest |g| in layer l's weight gradient (finite entries) */
    public double weightGradMax(int l) {
        return weightGradMax[l];
    }

    /** @return L2 norm of layer l's bias gradient */
    public double biasGradNorm(int l) {
        return biasGradNorm[l];
    }

    /** @return NaN count in layer l's activations */
    public long activationNaN(int l) {
        return activationNaN[l];
    }

    /** @return infinity count in layer l's activations */
    public long activationInf(int l) {
        return activationInf[l];
    }

    /** @return NaN count in layer l's weight and bias gradients */
    public long gradientNaN(int l) {
        return gradNaN[l];
    }

    /** @return infinity count in layer l's weight and bias gradients */
    public long gradientInf(int l) {
        return gradInf[l];
    }

    /** @return the share of layer l's ReLU units with no positive output in the whole batch */
    public double deadShare(int l) {
        return units[l] == 0 ? 0 : (double) deadUnits[l] / units[l];
    }

    /** @return the dead share over all ReLU layers together */
    public double deadShare() {
        long dead = 0, all = 0;
        for (int l = 0; l < depth; l++) {
            dead += deadUnits[l];
            all += relu[l] ? units[l] : 0;
        }
        return all == 0 ? 0 : (double) dead / all;
    }

    /** @return total NaN and infinity count in all activations and gradients */
    public long nonFinite() {
        long n = 0;
        for (int l = 0; l < depth; l++) {
            n += activationNaN[l] + activationInf[l] + gradNaN[l] + gradInf[l];
        }
        return n;
    }

    /** @return first-layer over last-layer weight-gradient norm (NaN if the last is 0) */
    public double normRatio() {
        double last = weightGradNorm[depth - 1];
        return last == 0 ? Double.NaN : weightGradNorm[0] / last;
    }

    /** @return whether the gradient shrinks by more than {@link #VANISHING_RATIO} downwards */
    public boolean vanishing() {
        double r = normRatio();
        return depth > 1 && (r < VANISHING_RATIO || weightGradNorm[0] == 0 && weightGradNorm[depth - 1] > 0);
    }

    /** @return whether any gradient norm is huge or grows by more than {@link #EXPLODING_RATIO} */
    public boolean exploding() {
        for (int l = 0; l < depth; l++) {
            if (weightGradNorm[l] > EXPLODING_NORM || gradInf[l] > 0) {
                return true;
            }
        }
        return depth > 1 && normRatio() > EXPLODING_RATIO;
    }

    /** @return the first ReLU layer with at least {@link #DEAD_LAYER_SHARE} dead units, or -1 */
    public int deadLayer() {
        for (int l = 0; l < depth; l++) {
            if (relu[l] && deadShare(l) >= DEAD_LAYER_SHARE) {
                return l;
            }
        }
        return -1;
    }

    /**
     * @return whether nothing is flagged: no NaN or infinity, no vanishing or exploding gradient,
     *     no dead layer
     */
    public boolean healthy() {
        return nonFinite() == 0 && !vanishing() && !exploding() && deadLayer() < 0;
    }

    /** A short verdict: {@code ok}, or what is flagged (allocates: for printing). */
    public String verdict() {
        if (healthy()) {
            return "ok";
        }
        StringBuilder s = new StringBuilder();
        if (nonFinite() > 0) {
            for (int l = 0; l < depth; l++) {
                if (activationNaN[l] + activationInf[l] + gradNaN[l] + gradInf[l] > 0) {
                    s.append("NON-FINITE from layer ").append(l).append(" (")
                            .append(activationNaN[l] + gradNaN[l]).append(" NaN, ")
                            .append(activationInf[l] + gradInf[l]).append(" Inf) ");
                    break;
                }
            }
        }
        if (exploding()) {
            s.append("EXPLODING ");
        }
        if (vanishing()) {
            s.append("VANISHING ");
        }
        if (deadLayer() >= 0) {
            s.append("DEAD LAYER ").append(deadLayer()).append(String.format(" (%.0f%% of units) ",
                    100 * deadShare(deadLayer())));
        }
        return s.toString().trim();
    }

    /** One line per layer and one with the flags (allocates: for printing, not the hot path). */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int l = 0; l < depth; l++) {
            s.append(String.format("layer %d: |dW| %.3e max %.3e |db| %.3e dead %.1f%% nan %d/%d inf %d/%d%n",
                    l, weightGradNorm[l], weightGradMax[l], biasGradNorm[l], 100 * deadShare(l),
                    activationNaN[l], gradNaN[l], activationInf[l], gradInf[l]));
        }
        s.append(String.format("first/last |dW| ratio %.3e: %s", normRatio(), verdict()));
        return s.toString();
    }
}

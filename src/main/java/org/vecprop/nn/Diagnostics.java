package org.vecprop.nn;

import java.util.Objects;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Stats;

/**
 * What a user needs to see inside a training step, per layer: gradient L2 norms and largest
 * absolute values, NaN and infinity counts in activations and gradients, the share of ReLU units
 * dead for the whole batch, and whether the gradient norm vanishes or explodes from the last
 * layer to the first. This is how to find an unexpected NaN, a dead layer or a frozen one without
 * treating backward as a black box.
 *
 * <p>Each layer gets a {@link LayerState}, which tells apart the reasons a layer may not learn:
 * {@link LayerState#FROZEN} (frozen on purpose, {@link Dense#freeze()}: no gradient computed, no
 * update), {@link LayerState#DEAD} (its ReLU units are dead for the whole batch),
 * {@link LayerState#NO_GRADIENT} (trainable and alive, but its gradient is exactly zero: nothing
 * reaches it from above, say a dead layer there, or the loss gradient is zero). Frozen layers are
 * left out of the vanishing and exploding comparisons, which are between the lowest and the
 * highest trainable layer.
 *
 * <p><b>Update-to-weight ratio.</b> Each {@link #update} also compares every layer's weights
 * with those it saw at the previous call: {@code ||W_now - W_before|| / ||W_before||}, the
 * relative size of what the optimizer steps in between did to the layer (any optimizer). About
 * 1e-3 is the usual healthy value; far below {@link #UPDATE_RATIO_LOW}, the learning rate is too
 * small for the layer to move, above {@link #UPDATE_RATIO_HIGH} so large the layer is thrown
 * about. NaN before the second call.
 *
 * <p>{@link #update} reads the network's buffers after a backward pass: one pass over each
 * layer's activations and gradients, vectorised, and one over its weights for the update ratio,
 * allocating nothing (the arrays here, a copy of the weights among them, are sized once for the
 * network). Cost: about one extra read of the activations and two of the parameters per step.
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
    /**
     * An update-to-weight ratio above 0 but below this is flagged: the weights moved, by too
     * little to learn; the learning rate is far too small (healthy is about 1e-3).
     */
    public static final double UPDATE_RATIO_LOW = 1e-6;
    /** An update-to-weight ratio above this is flagged: the learning rate is far too large. */
    public static final double UPDATE_RATIO_HIGH = 1e-1;

    private final int depth;
    private final double[] weightGradNorm, weightGradMax, biasGradNorm;
    private final long[] activationNaN, activationInf, gradNaN, gradInf;
    private final int[] deadUnits, units, inputs;
    private final boolean[] relu, frozen;
    private final double[] summary = new double[4];
    /** Per layer: the weights at the previous update, and the ratio measured at the last one. */
    private final float[][] previousWeights;
    private final double[] updateRatio;
    private boolean havePrevious;
    private int batch;

    /** Why a layer does or does not learn, as of the last {@link #update}. */
    public enum LayerState {
        /** Nothing flagged: finite, alive, a nonzero gradient. */
        OK,
        /** Frozen by the caller ({@link Dense#freeze()}): no gradient computed, not updated. */
        FROZEN,
        /** A NaN or an infinity in the layer's activations or gradients. */
        NON_FINITE,
        /**
         * A ReLU layer with at least {@link #DEAD_LAYER_SHARE} of its units never positive in
         * the batch: they pass no gradient and their weights get none.
         */
        DEAD,
        /**
         * Trainable, finite and alive, but its weight and bias gradients are exactly zero:
         * nothing reached it from above (a dead layer higher up, a zero loss gradient), or no
         * backward pass has run since the gradients were last zeroed.
         */
        NO_GRADIENT
    }

    /**
     * Diagnostics sized for {@code network}.
     *
     * @param network the network whose shape these diagnostics take
     * @throws NullPointerException if {@code network} is null
     */
    public Diagnostics(Network network) {
        Objects.requireNonNull(network, "network must not be null");
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
        inputs = new int[depth];
        relu = new boolean[depth];
        frozen = new boolean[depth];
        previousWeights = new float[depth][];
        updateRatio = new double[depth];
        java.util.Arrays.fill(updateRatio, Double.NaN);
        for (int l = 0; l < depth; l++) {
            previousWeights[l] = new float[network.layer(l).inputs() * network.layer(l).outputs()];
            relu[l] = network.layer(l).activation() == Activation.RELU;
            inputs[l] = network.layer(l).inputs();
            units[l] = network.layer(l).outputs();
        }
    }

    /**
     * Reads the network's activations and gradients (call after forward and backward), and
     * which layers are frozen.
     *
     * @param network the network these diagnostics were made for, or one of the same shape
     * @throws NullPointerException if {@code network} is null
     * @throws IllegalArgumentException if the network's layers differ in number, size or
     *     activation from the one these diagnostics were made for (nothing is read)
     */
    public void update(Network network) {
        Objects.requireNonNull(network, "network must not be null");
        if (network.depth() != depth) {
            throw new IllegalArgumentException("network must have the " + depth + " layers these"
                    + " diagnostics were made for, got " + network.depth());
        }
        for (int l = 0; l < depth; l++) {
            Dense d = network.layer(l);
            if (d.inputs() != inputs[l] || d.outputs() != units[l]
                    || (d.activation() == Activation.RELU) != relu[l]) {
                throw new IllegalArgumentException("network must have the layers these diagnostics"
                        + " were made for, got layer " + l + " " + d.inputs() + " x " + d.outputs()
                        + " " + d.activation() + " where they expect " + inputs[l] + " x " + units[l]
                        + (relu[l] ? " RELU" : " without ReLU"));
            }
        }
        batch = Math.max(0, network.batch());
        for (int l = 0; l < depth; l++) {
            Dense d = network.layer(l);
            frozen[l] = d.frozen();
            Stats.summarize(batch, d.outputs(), d.output(), 0, d.outputs(), summary, d.workspace());
            activationNaN[l] = (long) summary[Stats.NAN_COUNT];
            activationInf[l] = (long) summary[Stats.INF_COUNT];
            deadUnits[l] = d.activation() == Activation.RELU && batch > 0
                    ? Stats.deadColumns(batch, d.outputs(), d.output(), 0, d.outputs()) : 0;
            Stats.summarize(d.inputs(), d.outputs(), d.weightGrad(), 0, d.outputs(), summary, d.workspace());
            weightGradNorm[l] = Math.sqrt(summary[Stats.SUM_SQUARES]);
            weightGradMax[l] = summary[Stats.MAX_ABS];
            gradNaN[l] = (long) summary[Stats.NAN_COUNT];
            gradInf[l] = (long) summary[Stats.INF_COUNT];
            biasGradNorm[l] = 0;
            if (d.biasGrad() != null) {
                Stats.summarize(1, d.outputs(), d.biasGrad(), 0, d.outputs(), summary, d.workspace());
                biasGradNorm[l] = Math.sqrt(summary[Stats.SUM_SQUARES]);
                gradNaN[l] += (long) summary[Stats.NAN_COUNT];
                gradInf[l] += (long) summary[Stats.INF_COUNT];
            }
            updateRatio[l] = compareWithPrevious(d.weightArray(), previousWeights[l]);
        }
        havePrevious = true;
    }

    /**
     * {@code ||w - before|| / ||before||} over the finite entries, then {@code before = w}; NaN
     * at the first update. A plain loop in double: diagnostics need no bits promise.
     */
    private double compareWithPrevious(float[] w, float[] before) {
        double diff = 0, norm = 0;
        for (int i = 0; i < w.length; i++) {
            double d = (double) w[i] - before[i];
            if (Double.isFinite(d)) {
                diff += d * d;
                norm += (double) before[i] * before[i];
            }
            before[i] = w[i];
        }
        if (!havePrevious) {
            return Double.NaN;
        }
        return norm > 0 ? Math.sqrt(diff / norm) : diff > 0 ? Double.POSITIVE_INFINITY : 0;
    }

    /**
     * {@return layer l's update-to-weight ratio: {@code ||W - W_before|| / ||W_before||} between the last two {@link #update}s (NaN before the second; 0 for a frozen layer)}
     *
     * @param l a layer, {@code 0 <= l < depth}
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public double updateRatio(int l) {
        return updateRatio[java.util.Objects.checkIndex(l, depth)];
    }

    /**
     * {@return the first trainable layer whose update ratio is out of range (above 0 but below {@link #UPDATE_RATIO_LOW}, or above {@link #UPDATE_RATIO_HIGH}; 0 means no step ran between the two updates and is not flagged), or -1}
     */
    public int updateRatioLayer() {
        for (int l = 0; l < depth; l++) {
            double r = updateRatio[l];
            if (frozen[l] || Double.isNaN(r)) {
                continue;
            }
            // 0 means no step ran between the two updates (diagnostics read twice), not a rate
            // too small: that shows as a ratio that is tiny but not zero.
            if (r > UPDATE_RATIO_HIGH || r > 0 && r < UPDATE_RATIO_LOW) {
                return l;
            }
        }
        return -1;
    }

    /**
     * {@return L2 norm of layer l's weight gradient (finite entries)}
     *
     * @param l a layer, {@code 0 <= l < depth}
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public double weightGradNorm(int l) {
        return weightGradNorm[Indexes.check("l", l, depth, "depth")];
    }

    /**
     * {@return largest |g| in layer l's weight gradient (finite entries)}
     *
     * @param l a layer, {@code 0 <= l < depth}
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public double weightGradMax(int l) {
        return weightGradMax[Indexes.check("l", l, depth, "depth")];
    }

    /**
     * {@return L2 norm of layer l's bias gradient}
     *
     * @param l a layer, {@code 0 <= l < depth}
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public double biasGradNorm(int l) {
        return biasGradNorm[Indexes.check("l", l, depth, "depth")];
    }

    /**
     * {@return NaN count in layer l's activations}
     *
     * @param l a layer, {@code 0 <= l < depth}
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public long activationNaN(int l) {
        return activationNaN[Indexes.check("l", l, depth, "depth")];
    }

    /**
     * {@return infinity count in layer l's activations}
     *
     * @param l a layer, {@code 0 <= l < depth}
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public long activationInf(int l) {
        return activationInf[Indexes.check("l", l, depth, "depth")];
    }

    /**
     * {@return NaN count in layer l's weight and bias gradients}
     *
     * @param l a layer, {@code 0 <= l < depth}
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public long gradientNaN(int l) {
        return gradNaN[Indexes.check("l", l, depth, "depth")];
    }

    /**
     * {@return infinity count in layer l's weight and bias gradients}
     *
     * @param l a layer, {@code 0 <= l < depth}
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public long gradientInf(int l) {
        return gradInf[Indexes.check("l", l, depth, "depth")];
    }

    /**
     * {@return the share of layer l's ReLU units with no positive output in the whole batch}
     *
     * @param l a layer, {@code 0 <= l < depth}
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public double deadShare(int l) {
        Indexes.check("l", l, depth, "depth");
        return units[l] == 0 ? 0 : (double) deadUnits[l] / units[l];
    }

    /**
     * {@return whether layer l was frozen at the last update}
     *
     * @param l a layer, {@code 0 <= l < depth}
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public boolean frozen(int l) {
        return frozen[Indexes.check("l", l, depth, "depth")];
    }

    /**
     * The first that applies of: {@link LayerState#FROZEN}, {@link LayerState#NON_FINITE},
     * {@link LayerState#DEAD}, {@link LayerState#NO_GRADIENT}, else {@link LayerState#OK}.
     *
     * @param l a layer, {@code 0 <= l < depth}
     * @return why layer l does or does not learn, as of the last update
     * @throws IndexOutOfBoundsException for a layer outside the network
     */
    public LayerState state(int l) {
        Indexes.check("l", l, depth, "depth");
        if (frozen[l]) {
            return LayerState.FROZEN;
        }
        if (activationNaN[l] + activationInf[l] + gradNaN[l] + gradInf[l] > 0) {
            return LayerState.NON_FINITE;
        }
        if (relu[l] && deadShare(l) >= DEAD_LAYER_SHARE) {
            return LayerState.DEAD;
        }
        if (weightGradNorm[l] == 0 && biasGradNorm[l] == 0) {
            return LayerState.NO_GRADIENT;
        }
        return LayerState.OK;
    }

    /** The lowest trainable layer, or -1. */
    private int lowestTrainable() {
        for (int l = 0; l < depth; l++) {
            if (!frozen[l]) {
                return l;
            }
        }
        return -1;
    }

    /** The highest trainable layer, or -1. */
    private int highestTrainable() {
        for (int l = depth - 1; l >= 0; l--) {
            if (!frozen[l]) {
                return l;
            }
        }
        return -1;
    }

    /**
     * {@return the first layer in state {@link LayerState#NO_GRADIENT} while another trainable layer has a nonzero gradient (so the zero is not simply "no backward yet"), or -1}
     */
    public int noGradientLayer() {
        boolean anyGradient = false;
        for (int l = 0; l < depth; l++) {
            anyGradient |= !frozen[l] && (weightGradNorm[l] > 0 || biasGradNorm[l] > 0);
        }
        if (!anyGradient) {
            return -1;
        }
        for (int l = 0; l < depth; l++) {
            if (state(l) == LayerState.NO_GRADIENT) {
                return l;
            }
        }
        return -1;
    }

    /** {@return the dead share over all ReLU layers together} */
    public double deadShare() {
        long dead = 0, all = 0;
        for (int l = 0; l < depth; l++) {
            dead += deadUnits[l];
            all += relu[l] ? units[l] : 0;
        }
        return all == 0 ? 0 : (double) dead / all;
    }

    /** {@return total NaN and infinity count in all activations and gradients} */
    public long nonFinite() {
        long n = 0;
        for (int l = 0; l < depth; l++) {
            n += activationNaN[l] + activationInf[l] + gradNaN[l] + gradInf[l];
        }
        return n;
    }

    /**
     * {@return the lowest trainable layer's weight-gradient norm over the highest one's (the first layer's over the last's when none is frozen); NaN if the highest is 0 or no layer is trainable}
     */
    public double normRatio() {
        int lo = lowestTrainable(), hi = highestTrainable();
        if (lo < 0) {
            return Double.NaN;
        }
        double last = weightGradNorm[hi];
        return last == 0 ? Double.NaN : weightGradNorm[lo] / last;
    }

    /**
     * {@return whether the gradient shrinks by more than {@link #VANISHING_RATIO} from the highest trainable layer to the lowest (frozen layers are not compared)}
     */
    public boolean vanishing() {
        int lo = lowestTrainable(), hi = highestTrainable();
        double r = normRatio();
        return lo >= 0 && lo < hi
                && (r < VANISHING_RATIO || weightGradNorm[lo] == 0 && weightGradNorm[hi] > 0);
    }

    /**
     * {@return whether any trainable layer's gradient norm is huge or infinite, or it grows by more than {@link #EXPLODING_RATIO} from the highest trainable layer to the lowest}
     */
    public boolean exploding() {
        for (int l = 0; l < depth; l++) {
            if (!frozen[l] && (weightGradNorm[l] > EXPLODING_NORM || gradInf[l] > 0)) {
                return true;
            }
        }
        int lo = lowestTrainable(), hi = highestTrainable();
        return lo >= 0 && lo < hi && normRatio() > EXPLODING_RATIO;
    }

    /** {@return the first ReLU layer with at least {@link #DEAD_LAYER_SHARE} dead units, or -1} */
    public int deadLayer() {
        for (int l = 0; l < depth; l++) {
            if (relu[l] && deadShare(l) >= DEAD_LAYER_SHARE) {
                return l;
            }
        }
        return -1;
    }

    /**
     * {@return whether nothing is flagged: no NaN or infinity, no vanishing or exploding gradient, no dead layer, no trainable layer without gradient while others have one (a frozen layer is not a problem)}
     */
    public boolean healthy() {
        return nonFinite() == 0 && !vanishing() && !exploding() && deadLayer() < 0
                && noGradientLayer() < 0 && updateRatioLayer() < 0;
    }

    /**
     * A short verdict: {@code ok}, or what is flagged; frozen layers are named after it, e.g.
     * {@code ok, FROZEN LAYER 0} (allocates: for printing).
     *
     * @return the verdict
     */
    public String verdict() {
        String frozenLayers = frozenLayers();
        if (healthy()) {
            return frozenLayers.isEmpty() ? "ok" : "ok, " + frozenLayers;
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
        if (noGradientLayer() >= 0) {
            s.append("NO GRADIENT IN LAYER ").append(noGradientLayer()).append(' ');
        }
        int u = updateRatioLayer();
        if (u >= 0) {
            s.append(updateRatio[u] > UPDATE_RATIO_HIGH ? "UPDATES TOO LARGE IN LAYER " : "UPDATES TOO SMALL IN LAYER ")
                    .append(u).append(String.format(java.util.Locale.ROOT, " (ratio %.1e) ", updateRatio[u]));
        }
        return (s + frozenLayers).trim();
    }

    /**
     * The verdict in words, with the numbers behind it: one sentence per finding (allocates: for
     * printing). For a healthy network, how the first trainable layer's gradient compares with
     * the last one's. For example: {@code "The gradient vanishes: layer 0's weight gradient
     * (norm 2.1e-07) is 1.6e-06 of layer 9's (1.3e-01), below the 1e-03 threshold, so the layers
     * nearest the input barely learn."}
     *
     * @return the explanation
     */
    public String explanation() {
        int lo = lowestTrainable(), hi = highestTrainable();
        StringBuilder s = new StringBuilder();
        if (nonFinite() > 0) {
            for (int l = 0; l < depth; l++) {
                long bad = activationNaN[l] + activationInf[l] + gradNaN[l] + gradInf[l];
                if (bad > 0) {
                    s.append(String.format(java.util.Locale.ROOT, "Layer %d holds %d NaN or"
                            + " infinite values in its activations or gradients; the layers after"
                            + " it inherit them. ", l, bad));
                    break;
                }
            }
        }
        if (vanishing()) {
            s.append(String.format(java.util.Locale.ROOT, "The gradient vanishes: layer %d's weight"
                    + " gradient (norm %.1e) is %.1e of layer %d's (%.1e), below the %.0e"
                    + " threshold, so the layers nearest the input barely learn. ",
                    lo, weightGradNorm[lo], weightGradNorm[lo] / weightGradNorm[hi], hi,
                    weightGradNorm[hi], VANISHING_RATIO));
        }
        if (exploding()) {
            int big = -1;
            for (int l = 0; l < depth && big < 0; l++) {
                if (!frozen[l] && (weightGradNorm[l] > EXPLODING_NORM || gradInf[l] > 0)) {
                    big = l;
                }
            }
            if (big >= 0) {
                s.append(String.format(java.util.Locale.ROOT, "The gradient explodes: layer %d's"
                        + " weight gradient has norm %.1e%s (the limit is %.0e); a step of SGD"
                        + " with it would throw the weights far off. ", big, weightGradNorm[big],
                        gradInf[big] > 0 ? " and infinite entries" : "", EXPLODING_NORM));
            } else {
                s.append(String.format(java.util.Locale.ROOT, "The gradient explodes: layer %d's"
                        + " weight gradient (norm %.1e) is %.1e times layer %d's (%.1e), above the"
                        + " %.0e threshold. ", lo, weightGradNorm[lo], normRatio(), hi,
                        weightGradNorm[hi], EXPLODING_RATIO));
            }
        }
        int dead = deadLayer();
        if (dead >= 0) {
            s.append(String.format(java.util.Locale.ROOT, "Layer %d is dead: %.0f%% of its ReLU"
                    + " units are never positive in the batch, so they pass no gradient. ", dead,
                    100 * deadShare(dead)));
        }
        int none = noGradientLayer();
        if (none >= 0) {
            s.append(String.format(java.util.Locale.ROOT, "Layer %d gets no gradient at all while"
                    + " others do: nothing reaches it from above. ", none));
        }
        int u = updateRatioLayer();
        if (u >= 0) {
            s.append(String.format(java.util.Locale.ROOT, updateRatio[u] > UPDATE_RATIO_HIGH
                    ? "Layer %d's weights moved by %.1e of their size since the last update, above"
                    + " %.0e: the learning rate is far too large (about 1e-3 is usual). "
                    : "Layer %d's weights moved by %.1e of their size since the last update, below"
                    + " %.0e: the learning rate is far too small. ",
                    u, updateRatio[u], updateRatio[u] > UPDATE_RATIO_HIGH ? UPDATE_RATIO_HIGH : UPDATE_RATIO_LOW));
        }
        if (s.isEmpty()) {
            if (lo >= 0 && lo < hi && weightGradNorm[hi] > 0) {
                s.append(String.format(java.util.Locale.ROOT, "Nothing flagged: layer %d's weight"
                        + " gradient (norm %.1e) is %.1e of layer %d's (%.1e), within [%.0e, %.0e]. ",
                        lo, weightGradNorm[lo], normRatio(), hi, weightGradNorm[hi],
                        VANISHING_RATIO, EXPLODING_RATIO));
            } else {
                s.append("Nothing flagged. ");
            }
        }
        String frozenLayers = frozenLayers();
        if (!frozenLayers.isEmpty()) {
            s.append(frozenLayers.startsWith("FROZEN LAYERS ") ? "Layers " + frozenLayers.substring(14)
                    + " are frozen on purpose (not compared, not updated)."
                    : "Layer " + frozenLayers.substring(13) + " is frozen on purpose (not compared,"
                    + " not updated).");
        }
        return s.toString().strip();
    }

    private String frozenLayers() {
        StringBuilder s = new StringBuilder();
        for (int l = 0; l < depth; l++) {
            if (frozen[l]) {
                s.append(s.isEmpty() ? "" : ", ").append(l);
            }
        }
        if (s.isEmpty()) {
            return "";
        }
        return (s.indexOf(",") < 0 ? "FROZEN LAYER " : "FROZEN LAYERS ") + s;
    }

    /**
     * One line per layer and one with the flags (allocates: for printing, not the hot path). A
     * frozen layer's line says FROZEN instead of its (zero) gradient norms.
     *
     * @return the report
     */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int l = 0; l < depth; l++) {
            if (frozen[l]) {
                s.append(String.format("layer %d: FROZEN (no gradient, not updated) dead %.1f%%"
                                + " nan %d/%d inf %d/%d%n", l, 100 * deadShare(l),
                        activationNaN[l], gradNaN[l], activationInf[l], gradInf[l]));
                continue;
            }
            s.append(String.format("layer %d: |dW| %.3e max %.3e |db| %.3e dead %.1f%% nan %d/%d inf %d/%d%s%n",
                    l, weightGradNorm[l], weightGradMax[l], biasGradNorm[l], 100 * deadShare(l),
                    activationNaN[l], gradNaN[l], activationInf[l], gradInf[l],
                    Double.isNaN(updateRatio[l]) ? "" : String.format(" update/weight %.1e", updateRatio[l])));
        }
        s.append(String.format("first/last |dW| ratio %.3e: %s", normRatio(), verdict()));
        return s.toString();
    }
}

package org.vecprop.nn;

import java.util.Objects;
import org.vecprop.contract.Checks;
import org.vecprop.kernel.Activation;

/**
 * Checks backpropagation against central finite differences computed in double precision, and
 * shows what backpropagation saves.
 *
 * <p>For every parameter θ (every weight and bias of every layer) the numerical gradient is
 * {@code (L(θ + h) - L(θ - h)) / 2h}, where L is the network's loss (MSE, cross-entropy or
 * binary cross-entropy with logits, with its reduction, smoothing and weights) evaluated by a
 * plain double-precision forward pass over the same float weights: truncation error {@code O(h²)} and
 * rounding far below float's, so the float backprop gradient is what is being tested. The error
 * of a parameter is {@code |backprop - numerical| / max(|backprop|, |numerical|, floor)}, with
 * {@code floor = 1e-3 * max|numerical|} so that parameters whose gradient is nearly zero are
 * judged against the gradient's overall scale rather than against rounding noise. A step that
 * crosses a ReLU kink makes the numerical side meaningless (the loss is not differentiable
 * there): such parameters, where some ReLU's on/off state differs between the {@code +h} and
 * {@code -h} evaluations, are counted as {@code atKink} and left out of the worst error.
 *
 * <p>Cost, the article's point in numbers: finite differences need {@code 2P} forward passes for
 * P parameters, backprop one backward pass (about two forwards' worth of GEMMs).
 *
 * <p>The check leaves the network as it found it: backprop runs on a network sharing its weights
 * ({@link Network#sharingWeights}) with buffers and gradients of its own, and the finite
 * differences move parameters only inside the double-precision evaluation. Frozen layers have
 * no backprop gradient and are not checked.
 */
public final class GradCheck {
    private GradCheck() {}

    /**
     * The outcome of a check.
     *
     * @param worstError the largest relative error (NaN if any is NaN)
     * @param worstParameter which parameter, e.g. {@code layer 0 W[1][2]}, or {@code none}
     * @param parameters the parameters checked (frozen layers' not counted)
     * @param above1e3 how many have a relative error above 1e-3
     * @param atKink how many were skipped because the step crossed a ReLU kink
     * @param backwardNanos the time of one backward pass
     * @param forwardNanos the time of one forward pass
     * @param finiteDifferenceNanos the time of all the finite differences
     */
    public record Result(double worstError, String worstParameter, long parameters,
                         long above1e3, long atKink, long backwardNanos, long forwardNanos,
                         long finiteDifferenceNanos) {
        /** {@return one line for people} */
        @Override
        public String toString() {
            return String.format("gradcheck: %d parameters (%d at a ReLU kink, skipped), %d with"
                    + " relative error above 1e-3, worst %.2e (%s); one backward %.1f us against %d"
                    + " forward passes of %.1f us = %.1f ms (finite differences here, in double:"
                    + " %.1f ms)",
                    parameters, atKink, above1e3, worstError, worstParameter, backwardNanos / 1e3,
                    2 * parameters, forwardNanos / 1e3, 2 * parameters * forwardNanos / 1e6,
                    finiteDifferenceNanos / 1e6);
        }
    }

    /**
     * Runs the check on one batch. Allocates (a network sharing the weights, the gradients of
     * every parameter): a tool for tests and debugging, not for a training loop.
     *
     * @param net the network; left unchanged
     * @param x inputs, {@code batch x inputs} from {@code xOff} with row stride {@code ldx}
     * @param xOff where row 0 of x starts
     * @param ldx the row stride of x, {@code >= inputs}
     * @param t targets, {@code batch x outputs} from {@code tOff} with row stride {@code ldt}
     * @param tOff where row 0 of t starts
     * @param ldt the row stride of t, {@code >= outputs}
     * @param batch rows, {@code >= 1} (any size: the check has buffers of its own)
     * @param h the finite-difference step, finite and {@code > 0}, e.g. 1e-4
     * @return the outcome
     * @throws NullPointerException if {@code net}, {@code x} or {@code t} is null
     * @throws IllegalArgumentException or IndexOutOfBoundsException for bad sizes, arrays too
     *     short or a bad step
     */
    public static Result check(Network net, float[] x, int xOff, int ldx, float[] t, int tOff,
                               int ldt, int batch, double h) {
        Objects.requireNonNull(net, "net must not be null");
        Objects.requireNonNull(x, "x must not be null");
        Objects.requireNonNull(t, "t must not be null");
        if (net.lossFunction().takesLabels()) {
            throw new IllegalStateException("this network's loss, " + net.lossFunction()
                    + ", takes class labels: call check(net, x, xOff, ldx, labels, labelsOff, batch, h)");
        }
        Checks.matrix("t", t, tOff, batch, net.outputs(), ldt);
        return check(net, x, xOff, ldx, t, tOff, ldt, null, 0, batch, h);
    }

    /**
     * Runs the check on one batch of a network whose loss takes class labels (cross-entropy), as
     * {@link #check(Network, float[], int, int, float[], int, int, int, double)} does for float
     * targets.
     *
     * @param net the network; left unchanged
     * @param x inputs, {@code batch x inputs} from {@code xOff} with row stride {@code ldx}
     * @param xOff where row 0 of x starts
     * @param ldx the row stride of x, {@code >= inputs}
     * @param labels row i's class at {@code labels[labelsOff + i]}, in {@code [0, outputs)}
     * @param labelsOff where row 0's label is
     * @param batch rows, {@code >= 1} (any size: the check has buffers of its own)
     * @param h the finite-difference step, finite and {@code > 0}, e.g. 1e-4
     * @return the outcome
     * @throws NullPointerException if {@code net}, {@code x} or {@code labels} is null
     * @throws IllegalStateException if the network's loss takes float targets
     * @throws IllegalArgumentException or IndexOutOfBoundsException for bad sizes, arrays too
     *     short, a label out of range or a bad step
     */
    public static Result check(Network net, float[] x, int xOff, int ldx, int[] labels,
                               int labelsOff, int batch, double h) {
        Objects.requireNonNull(net, "net must not be null");
        Objects.requireNonNull(x, "x must not be null");
        Objects.requireNonNull(labels, "labels must not be null");
        if (!net.lossFunction().takesLabels()) {
            throw new IllegalStateException("this network's loss, " + net.lossFunction()
                    + ", takes float targets: call check(net, x, xOff, ldx, t, tOff, ldt, batch, h)");
        }
        if (batch >= 1) {
            Checks.vector("labels", labels, labelsOff, batch);
            Checks.labelsInRange(labels, labelsOff, batch, net.outputs());
        }
        return check(net, x, xOff, ldx, null, 0, 0, labels, labelsOff, batch, h);
    }

    private static Result check(Network net, float[] x, int xOff, int ldx, float[] t, int tOff,
                                int ldt, int[] labels, int labelsOff, int batch, double h) {
        if (!(h > 0) || !Double.isFinite(h)) {
            throw new IllegalArgumentException("h must be finite and > 0, got " + h);
        }
        if (batch < 1) {
            throw new IllegalArgumentException("batch must be >= 1, got " + batch);
        }
        int inputs = net.inputs();
        Checks.matrix("x", x, xOff, batch, inputs, ldx);
        Network own = net.sharingWeights(batch);
        // Backprop, timed: forward and backward averaged over a few repetitions.
        int reps = 20;
        long f0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            own.forward(x, xOff, ldx, batch);
        }
        long forwardNanos = (System.nanoTime() - f0) / reps;
        if (labels != null) {
            own.loss(labels, labelsOff);
        } else {
            own.loss(t, tOff, ldt);
        }
        long b0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            own.backward(Gradients.OVERWRITE);
        }
        long backwardNanos = (System.nanoTime() - b0) / reps;

        long parameters = 0;
        for (Dense d : own.layers()) {
            if (!d.frozen()) {
                parameters += (long) d.inputs() * d.outputs() + (d.hasBias() ? d.outputs() : 0);
            }
        }
        if (parameters > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("net must have at most " + (Integer.MAX_VALUE - 8)
                    + " trainable parameters to check, got " + parameters);
        }
        double[] numerical = new double[(int) parameters];
        float[] backprop = new float[(int) parameters];
        String[] names = new String[(int) parameters];
        boolean[] kink = new boolean[(int) parameters];
        long[] pattern = new long[1];
        int idx = 0;
        long fd0 = System.nanoTime();
        for (int l = 0; l < own.depth(); l++) {
            Dense d = own.layer(l);
            if (d.frozen()) {
                continue;
            }
            for (int which = 0; which < 2; which++) {
                float[] p = which == 0 ? d.weightArray() : d.biasArray();
                float[] g = which == 0 ? d.weightGrad() : d.biasGrad();
                if (p == null) {
                    continue;
                }
                for (int i = 0; i < p.length; i++) {
                    double plus = lossInDouble(own, x, xOff, ldx, t, tOff, ldt, labels, labelsOff,
                            batch, l, which, i, h, pattern);
                    long plusPattern = pattern[0];
                    double minus = lossInDouble(own, x, xOff, ldx, t, tOff, ldt, labels, labelsOff,
                            batch, l, which, i, -h, pattern);
                    kink[idx] = plusPattern != pattern[0];
                    numerical[idx] = (plus - minus) / (2 * h);
                    backprop[idx] = g[i];
                    names[idx] = "layer " + l + (which == 0 ? " W[" + i / d.outputs() + "]["
                            + i % d.outputs() + "]" : " b[" + i + "]");
                    idx++;
                }
            }
        }
        long fdNanos = System.nanoTime() - fd0;
        double scale = 0;
        for (double v : numerical) {
            scale = Math.max(scale, Math.abs(v));
        }
        double floor = Math.max(1e-3 * scale, Double.MIN_NORMAL);
        double worst = 0;
        long above = 0, kinks = 0;
        String worstName = "none";
        for (int i = 0; i < idx; i++) {
            if (kink[i]) {
                kinks++;
                continue;
            }
            double err = Math.abs(backprop[i] - numerical[i])
                    / Math.max(Math.max(Math.abs(backprop[i]), Math.abs(numerical[i])), floor);
            if (!(err <= 1e-3)) {
                above++;
            }
            if (!(err <= worst)) { // NaN counts as worst
                worst = err;
                worstName = names[i];
            }
        }
        return new Result(worst, worstName, parameters, above, kinks, backwardNanos, forwardNanos,
                fdNanos);
    }

    /**
     * The network's loss in double precision with one parameter moved by {@code delta}: layer l's
     * weight ({@code which == 0}) or bias ({@code which == 1}) number {@code index}. Writes a
     * hash of every ReLU's on/off state into {@code pattern[0]}.
     */
    static double lossInDouble(Network net, float[] x, int xOff, int ldx, float[] t, int tOff,
                               int ldt, int[] labels, int labelsOff, int batch, int layer, int which,
                               int index, double delta, long[] pattern) {
        long hash = 1;
        int width = net.layer(0).inputs();
        double[] a = new double[batch * width];
        for (int r = 0; r < batch; r++) {
            for (int c = 0; c < width; c++) {
                a[r * width + c] = x[xOff + r * ldx + c];
            }
        }
        for (int l = 0; l < net.depth(); l++) {
            Dense d = net.layer(l);
            int in = d.inputs(), out = d.outputs();
            double[] z = new double[batch * out];
            for (int r = 0; r < batch; r++) {
                for (int j = 0; j < out; j++) {
                    double sum = 0;
                    if (d.hasBias()) {
                        sum = d.biasArray()[j] + (l == layer && which == 1 && j == index ? delta : 0);
                    }
                    for (int p = 0; p < in; p++) {
                        double w = d.weightArray()[p * out + j]
                                + (l == layer && which == 0 && p * out + j == index ? delta : 0);
                        sum += a[r * in + p] * w;
                    }
                    switch (d.activation()) {
                        case RELU -> {
                            hash = hash * 31 + (sum > 0 ? 1 : 0);
                            sum = Math.max(0, sum);
                        }
                        case SIGMOID -> sum = 1 / (1 + Math.exp(-sum));
                        case TANH -> sum = Math.tanh(sum);
                        case IDENTITY -> { }
                    }
                    z[r * out + j] = sum;
                }
            }
            a = z;
        }
        pattern[0] = hash;
        int outputs = net.outputs();
        double loss = 0;
        switch (net.lossFunction()) {
            case Loss.Mse m -> {
                for (int r = 0; r < batch; r++) {
                    for (int c = 0; c < outputs; c++) {
                        double diff = a[r * outputs + c] - t[tOff + r * ldt + c];
                        loss += diff * diff;
                    }
                }
                return loss / a.length;
            }
            case Loss.CrossEntropy ce -> {
                // -sum_j target_j log softmax_j, log softmax by log-sum-exp from the maximum
                double eps = ce.labelSmoothing();
                for (int r = 0; r < batch; r++) {
                    double max = Double.NEGATIVE_INFINITY, sum = 0, all = 0;
                    for (int c = 0; c < outputs; c++) {
                        max = Math.max(max, a[r * outputs + c]);
                    }
                    for (int c = 0; c < outputs; c++) {
                        sum += Math.exp(a[r * outputs + c] - max);
                        all += a[r * outputs + c];
                    }
                    double lse = max + Math.log(sum);
                    double zLabel = a[r * outputs + labels[labelsOff + r]];
                    loss += (1 - eps) * (lse - zLabel) + eps * (lse - all / outputs);
                }
                return ce.reduction() == org.vecprop.kernel.Reduction.MEAN ? loss / batch : loss;
            }
            case Loss.BinaryCrossEntropyWithLogits b -> {
                float[] pw = b.weights();
                for (int r = 0; r < batch; r++) {
                    for (int c = 0; c < outputs; c++) {
                        double z = a[r * outputs + c], y = t[tOff + r * ldt + c];
                        double w = pw == null ? 1 : pw[c];
                        // (1 - y) z + (1 + (w - 1) y) softplus(-z)
                        double softplus = Math.max(-z, 0) + Math.log1p(Math.exp(-Math.abs(z)));
                        loss += (1 - y) * z + (1 + (w - 1) * y) * softplus;
                    }
                }
                return b.reduction() == org.vecprop.kernel.Reduction.MEAN ? loss / a.length : loss;
            }
        }
    }
}

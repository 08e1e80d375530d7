package org.vecprop.nn;

import org.vecprop.kernel.Activation;

/**
 * Checks backpropagation against central finite differences computed in double precision, and
 * shows what backpropagation saves.
 *
 * <p>For every parameter θ (every weight and bias of every layer) the numerical gradient is
 * {@code (L(θ + h) - L(θ - h)) / 2h}, where L is the network's MSE loss evaluated by a plain
 * double-precision forward pass over the same float weights: truncation error {@code O(h²)} and
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
 */
public final class GradCheck {
    private GradCheck() {}

    /** The outcome of a check. */
    public record Result(double worstError, String worstParameter, long parameters,
                         long above1e3, long atKink, long backwardNanos, long forwardNanos,
                         long finiteDifferenceNanos) {
        /** One line for people. */
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
     * Runs the check on one batch.
     *
     * @param x inputs, {@code batch x inputs}, dense rows
     * @param t targets, {@code batch x outputs}, dense rows
     * @param h the finite-difference step, e.g. 1e-4
     */
    public static Result check(Network net, float[] x, float[] t, int batch, double h) {
        if (!(h > 0)) {
            throw new IllegalArgumentException("h must be > 0, got " + h);
        }
        int inputs = net.layer(0).inputs(), outputs = net.layer(net.depth() - 1).outputs();
        // Backprop, timed: forward and backward averaged over a few repetitions.
        int reps = 20;
        long f0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            net.forward(x, 0, inputs, batch);
        }
        long forwardNanos = (System.nanoTime() - f0) / reps;
        net.loss(t, 0, outputs);
        long b0 = System.nanoTime();
        for (int r = 0; r < reps; r++) {
            net.backward(Gradients.OVERWRITE);
        }
        long backwardNanos = (System.nanoTime() - b0) / reps;

        long parameters = net.parameterCount();
        double[] numerical = new double[(int) parameters];
        float[] backprop = new float[(int) parameters];
        String[] names = new String[(int) parameters];
        boolean[] kink = new boolean[(int) parameters];
        long[] pattern = new long[1];
        int idx = 0;
        long fd0 = System.nanoTime();
        for (int l = 0; l < net.depth(); l++) {
            Dense d = net.layer(l);
            for (int which = 0; which < 2; which++) {
                float[] p = which == 0 ? d.weights() : d.bias();
                float[] g = which == 0 ? d.weightGrad() : d.biasGrad();
                if (p == null) {
                    continue;
                }
                for (int i = 0; i < p.length; i++) {
                    double plus = lossInDouble(net, x, t, batch, l, which, i, h, pattern);
                    long plusPattern = pattern[0];
                    double minus = lossInDouble(net, x, t, batch, l, which, i, -h, pattern);
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
     * The MSE loss in double precision with one parameter moved by {@code delta}: layer l's
     * weight ({@code which == 0}) or bias ({@code which == 1}) number {@code index}. Writes a
     * hash of every ReLU's on/off state into {@code pattern[0]}.
     */
    static double lossInDouble(Network net, float[] x, float[] t, int batch,
                               int layer, int which, int index, double delta, long[] pattern) {
        long hash = 1;
        int width = net.layer(0).inputs();
        double[] a = new double[batch * width];
        for (int i = 0; i < a.length; i++) {
            a[i] = x[i];
        }
        for (int l = 0; l < net.depth(); l++) {
            Dense d = net.layer(l);
            int in = d.inputs(), out = d.outputs();
            double[] z = new double[batch * out];
            for (int r = 0; r < batch; r++) {
                for (int j = 0; j < out; j++) {
                    double sum = 0;
                    if (d.bias() != null) {
                        sum = d.bias()[j] + (l == layer && which == 1 && j == index ? delta : 0);
                    }
                    for (int p = 0; p < in; p++) {
                        double w = d.weights()[p * out + j]
                                + (l == layer && which == 0 && p * out + j == index ? delta : 0);
                        sum += a[r * in + p] * w;
                    }
                    if (d.activation() == Activation.RELU) {
                        hash = hash * 31 + (sum > 0 ? 1 : 0);
                        sum = Math.max(0, sum);
                    }
                    z[r * out + j] = sum;
                }
            }
            a = z;
        }
        double loss = 0;
        for (int i = 0; i < a.length; i++) {
            double diff = a[i] - t[i];
            loss += diff * diff;
        }
        pattern[0] = hash;
        return loss / a.length;
    }
}

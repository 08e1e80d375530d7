package org.vecprop.jmh;

import java.util.LinkedHashMap;
import java.util.Map;
import org.vecprop.io.SafeTensors;
import org.vecprop.io.Tensor;
import org.vecprop.nn.Adam;
import org.vecprop.nn.AdamOptions;
import org.vecprop.nn.Dense;
import org.vecprop.nn.Gradients;
import org.vecprop.nn.Network;
import org.vecprop.nn.Optimizer;
import org.vecprop.nn.Parameter;

/**
 * The first step of {@link TrainStep}'s classifier ({@code ce-adamw}: softmax cross-entropy, mean
 * over the batch, then AdamW) as vecprop computes it, and the checks that hold every other
 * implementation of that step to it before anything is timed. Each implementation starts from the
 * same weights, with zero moments, on batch 0.
 *
 * <h2>Hyper-parameters</h2>
 * {@code torch.optim.AdamW(params, lr=1e-3)}: betas (0.9, 0.999), eps 1e-8, weight decay 0.01
 * (decoupled, on every parameter, biases included), which is
 * {@link AdamOptions#adamW AdamOptions.adamW(1e-3f)}.
 *
 * <h2>What is checked, and the bounds</h2>
 * With u = 2^-24, B the batch and C the classes:
 * <ol>
 *   <li><b>The loss</b> against the exact one: the network's logits computed in double from the
 *       float32 weights and inputs ({@link MlpForwardCheck}, which also bounds how far any float32
 *       forward pass may lie from them, {@code e_ij} per logit), then
 *       {@code L* = mean_i (logsumexp(z_i) - z_i[y_i])} in double. A float32 implementation's loss
 *       must lie within
 *       <pre>  (1/B)·Σ_i [2·max_j e_ij + (C + 16)·u·(1 + 3·M_i)] + (B + 2)·u·L*</pre>
 *       of it, {@code M_i = max_j (|z_ij| + e_ij)}. The first term is the forward pass's error
 *       carried through the loss: {@code logsumexp} moves by at most the largest change of its
 *       arguments, and so does {@code z_y}, so a row's loss moves by at most
 *       {@code 2·max_j e_ij}. The second is evaluating one row's loss from float32 logits with the
 *       row's maximum subtracted first, in float32, with exp and log accurate to a few ulps: the
 *       C differences each rounded once (at most {@code 2u·M_i} through the softmax weights), C
 *       exponentials and their sum (relative {@code (C + 4)·u}, which is the absolute error of
 *       the log), the log, adding back the maximum and subtracting the label's logit (each
 *       {@code u} times at most {@code M_i + log C}); the constant covers it with room. The third
 *       is the mean of B non-negative terms summed in any order and divided by B. Every
 *       implementation is checked against {@code L*}, so any two agree within twice the bound.
 *       This bound is rigorous but assumes every rounding error of the forward pass lines up:
 *       for 784-256-128-10 at batch 64 it is about 0.4 of a loss near 2.6, which catches a sum
 *       instead of the mean or MSE instead of cross-entropy but not, say, shuffled labels. So the
 *       loss must also lie within a relative {@value #LOSS_TOLERANCE} of {@code L*}: an
 *       empirical tolerance, about 100 times the differences measured between vecprop, the
 *       reference, PyTorch and NumPy (near 1e-7 relative: rounding errors of opposite signs
 *       cancel in the sums), the counterpart of the relative 1e-4 the MSE step holds its
 *       losses to.</li>
 *   <li><b>The gradients</b> of every weight and bias, where they can be read (vecprop's are read
 *       after the backward pass, before the optimizer), against vecprop's: every element within
 *       {@value #GRADIENT_TOLERANCE} of the largest magnitude in its array (the tolerance
 *       {@link TrainStep}'s MSE step holds its weight changes, {@code lr·gradient}, to). vecprop's
 *       own are held to the scalar reference's this way.</li>
 *   <li><b>The updated weights</b> against AdamW's first step applied to vecprop's gradient G. At
 *       step 1 the moments are {@code (1 - beta1)·g} and {@code (1 - beta2)·g²}, and the bias
 *       corrections cancel them, so PyTorch's formula becomes
 *       {@code w1 = w0 - lr·wd·w0 - lr·g/(|g| + eps)}. DJL's optimizer adds eps to the
 *       uncorrected root (see {@link TorchMlp}): the same with {@code eps/sqrt(1 - beta2^t)} in
 *       place of eps, which {@link #checkUpdate} takes as an argument. The update is
 *       {@code -lr·sign(g)} wherever {@code |g| >> eps}, so it is sensitive to the gradient only
 *       near 0: with {@code δ} the gradient tolerance of the array, an element with
 *       {@code |G| > δ} has a gradient of the same sign in every implementation that passed check
 *       2, and {@code g/(|g| + eps)} moves by at most {@code eps·δ/(|G| - δ + eps)²}; it is
 *       checked to {@code lr} times that plus the float32 rounding of the step
 *       ({@code 3u·|w0| + 16u·lr}: the decay and the final subtraction, and the update's product,
 *       square root, sums and quotient, each relative u of at most lr). Where {@code |G| <= δ}
 *       the sign is not known and only the size is checked ({@code |w1 - w0 + lr·wd·w0| < lr});
 *       such elements must be fewer than half of all parameters, so the check cannot go blind.</li>
 * </ol>
 */
public final class ClassifierStepCheck {
    /** AdamW's learning rate; the other hyper-parameters are PyTorch's defaults, below. */
    public static final float LR = 1e-3f;
    static final float BETA1 = 0.9f, BETA2 = 0.999f, EPS = 1e-8f, WEIGHT_DECAY = 0.01f;
    /** Gradients agree to this fraction of the largest magnitude in their array. */
    static final double GRADIENT_TOLERANCE = 1e-3;
    /** Losses agree with the exact one to this relative tolerance (besides the rigorous bound). */
    static final double LOSS_TOLERANCE = 1e-5;
    private static final double U = 0x1p-24;

    private final TrainNet net;
    private final float[] x;
    private final int[] labels;
    private final float[][] w0, b0;
    private final double exactLoss, lossBound;
    private final float loss;
    private final float[][] gw, gb, w1, b1;

    private ClassifierStepCheck(TrainNet net, float[] x, int[] labels, float[][] w0, float[][] b0,
                                double exactLoss, double lossBound, float loss, float[][] gw,
                                float[][] gb, float[][] w1, float[][] b1) {
        this.net = net;
        this.x = x;
        this.labels = labels;
        this.w0 = w0;
        this.b0 = b0;
        this.exactLoss = exactLoss;
        this.lossBound = lossBound;
        this.loss = loss;
        this.gw = gw;
        this.gb = gb;
        this.w1 = w1;
        this.b1 = b1;
    }

    /** The options of vecprop's optimizer for this step. */
    static AdamOptions options() {
        return AdamOptions.adamW(LR);
    }

    /** {@return DJL's eps at step t in the terms of PyTorch's formula: eps / sqrt(1 - beta2^t)} */
    static double djlEffectiveEps(long t) {
        return EPS / Math.sqrt(1 - Math.pow(BETA2, t));
    }

    /**
     * vecprop's first step of {@code net} on its batch 0, from {@link Network#classifier}'s
     * initialisation: what {@link TrainStep} runs, for a caller outside the benchmark (the NumPy
     * fixture).
     *
     * @throws IllegalArgumentException if {@code net} is not a classifier
     * @throws IllegalStateException if vecprop's step fails its own checks
     */
    public static ClassifierStepCheck firstStep(TrainNet net) {
        if (!net.classifier()) {
            throw new IllegalArgumentException("net must be a ce-adamw net, got " + net);
        }
        Network network = Network.classifier(net.batch(), TrainNet.INIT_SEED, net.sizes());
        TrainNet.Data data = net.data();
        return firstStep(net, network, new Adam(network, options()), data.xs()[0], data.labels()[0]);
    }

    /**
     * Runs vecprop's first step on {@code network} (gradients zeroed first; {@code adam} must not
     * have stepped) and keeps the loss, the gradients and the updated weights; checks the loss
     * against the exact one and the update against the formula.
     */
    static ClassifierStepCheck firstStep(TrainNet net, Network network, Optimizer adam, float[] x,
                                         int[] labels) {
        if (adam.steps() != 0) {
            throw new IllegalStateException("the optimizer has stepped " + adam.steps() + " times");
        }
        int layers = net.layers(), batch = net.batch(), classes = net.outputs();
        float[][] w0 = new float[layers][], b0 = new float[layers][];
        for (int l = 0; l < layers; l++) {
            w0[l] = copy(network.layer(l).weight());
            b0[l] = copy(network.layer(l).bias());
        }
        String where = "train step " + net;
        MlpForwardCheck forward = MlpForwardCheck.of(net.sizes(), batch, w0, b0, x);
        forward.requireReluActive(where);
        double[] z = forward.exactOutputs(), e = forward.bounds();
        double sum = 0, spread = 0;
        for (int i = 0; i < batch; i++) {
            int o = i * classes;
            double max = Double.NEGATIVE_INFINITY, maxErr = 0, mag = 0;
            for (int j = 0; j < classes; j++) {
                max = Math.max(max, z[o + j]);
                maxErr = Math.max(maxErr, e[o + j]);
                mag = Math.max(mag, Math.abs(z[o + j]) + e[o + j]);
            }
            double s = 0;
            for (int j = 0; j < classes; j++) {
                s += Math.exp(z[o + j] - max);
            }
            sum += max + Math.log(s) - z[o + labels[i]];
            spread += 2 * maxErr + (classes + 16) * U * (1 + 3 * mag);
        }
        double exact = sum / batch;
        double bound = spread / batch + (batch + 2) * U * exact;

        network.zeroGrad();
        network.forward(x, 0, net.inputs(), batch);
        float loss = network.loss(labels, 0);
        network.backward(Gradients.ACCUMULATE);
        float[][] gw = new float[layers][], gb = new float[layers][];
        for (int l = 0; l < layers; l++) {
            Dense d = network.layer(l);
            gw[l] = d.weightGrad().clone();
            gb[l] = d.biasGrad().clone();
        }
        adam.step();
        float[][] w1 = new float[layers][], b1 = new float[layers][];
        for (int l = 0; l < layers; l++) {
            w1[l] = copy(network.layer(l).weight());
            b1[l] = copy(network.layer(l).bias());
        }
        ClassifierStepCheck c = new ClassifierStepCheck(net, x, labels, w0, b0, exact, bound, loss,
                gw, gb, w1, b1);
        c.checkLoss("vecprop", loss);
        c.checkUpdate("vecprop", w1, b1, EPS);
        return c;
    }

    private static float[] copy(Parameter p) {
        float[] a = new float[p.size()];
        p.copyTo(a, 0);
        return a;
    }

    /** {@return vecprop's first loss} */
    float loss() {
        return loss;
    }

    /** {@return the exact loss} */
    double exactLoss() {
        return exactLoss;
    }

    /** {@return how far a float32 implementation's loss may lie from the exact one} */
    double lossBound() {
        return lossBound;
    }

    /**
     * Throws unless {@code got} is within the bound of the exact loss and within the relative
     * tolerance {@value #LOSS_TOLERANCE} of it (NaN fails).
     *
     * @return {@code |got - exact| / exact}
     */
    double checkLoss(String who, float got) {
        double d = Math.abs(got - exactLoss);
        double tol = Math.min(lossBound, LOSS_TOLERANCE * exactLoss);
        if (!(d <= tol) || !(exactLoss > 0)) {
            throw new IllegalStateException(String.format("train step %s: %s loss %s, exact %.9g: "
                    + "error %.3g > %.3g (the bound %.3g, or %s of the loss)", net, who, got,
                    exactLoss, d, tol, lossBound, LOSS_TOLERANCE));
        }
        return d / exactLoss;
    }

    /** Throws unless every gradient is within the tolerance of vecprop's (NaN fails). */
    void checkGradients(String who, float[][] gotW, float[][] gotB) {
        for (int l = 0; l < net.layers(); l++) {
            gradients(who, l, "weights", gotW[l], gw[l]);
            gradients(who, l, "bias", gotB[l], gb[l]);
        }
    }

    private void gradients(String who, int l, String what, float[] got, float[] expected) {
        double tol = GRADIENT_TOLERANCE * maxAbs(expected);
        if (!(tol > 0)) {
            throw new IllegalStateException("train step " + net + ": vecprop's layer " + l + " " + what
                    + " gradient is all zeros: nothing to compare");
        }
        if (got.length != expected.length) {
            throw new IllegalStateException("train step " + net + ": " + who + "'s layer " + l + " "
                    + what + " gradient has " + got.length + " elements, not " + expected.length);
        }
        for (int i = 0; i < got.length; i++) {
            double d = Math.abs((double) got[i] - expected[i]);
            if (!(d <= tol + Float.MIN_NORMAL)) {
                throw new IllegalStateException(String.format("train step %s, layer %d %s gradient: "
                        + "%s has %s at element %d, vecprop %s (tolerance %.3g)", net, l, what, who,
                        got[i], i, expected[i], tol));
            }
        }
    }

    private static double maxAbs(float[] a) {
        double m = 0;
        for (float v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    /**
     * Throws unless the weights and biases after one step agree with AdamW's first step from
     * vecprop's gradients, with {@code eps} added to the bias-corrected root (see the class
     * comment).
     *
     * @param eps PyTorch's eps, or the one that makes DJL's formula PyTorch's
     *     ({@link #djlEffectiveEps})
     * @return how many elements had their size only checked (their gradient's sign is uncertain)
     */
    int checkUpdate(String who, float[][] gotW, float[][] gotB, double eps) {
        int loose = 0;
        long total = 0;
        for (int l = 0; l < net.layers(); l++) {
            loose += update(who, l, "weights", w0[l], gw[l], gotW[l], eps);
            loose += update(who, l, "bias", b0[l], gb[l], gotB[l], eps);
            total += w0[l].length + b0[l].length;
        }
        if (2L * loose >= total) {
            throw new IllegalStateException("train step " + net + ": " + loose + " of " + total
                    + " parameters have gradients too small for their update's sign to be checked");
        }
        return loose;
    }

    private int update(String who, int l, String what, float[] start, float[] g, float[] got,
                       double eps) {
        if (got.length != start.length) {
            throw new IllegalStateException("train step " + net + ": " + who + "'s layer " + l + " "
                    + what + " has " + got.length + " elements, not " + start.length);
        }
        double delta = GRADIENT_TOLERANCE * maxAbs(g);
        int loose = 0;
        boolean changed = false;
        for (int i = 0; i < start.length; i++) {
            double w = start[i], gi = g[i];
            double phi = gi / (Math.abs(gi) + eps);
            double decay = -(double) LR * WEIGHT_DECAY * w;
            double expected = decay - LR * phi;
            double change = (double) got[i] - w;
            double tol = 3 * U * Math.abs(w) + 16 * U * LR;
            if (Math.abs(gi) > delta) {
                double a = Math.abs(gi) - delta + eps;
                tol += LR * eps * delta / (a * a);
            } else {
                tol += LR * (1 + Math.abs(phi));
                loose++;
            }
            if (!(Math.abs(change - expected) <= tol)) {
                throw new IllegalStateException(String.format("train step %s, layer %d %s: %s changed "
                        + "element %d from %s by %.6g, AdamW's first step from vecprop's gradient %s "
                        + "by %.6g (tolerance %.3g)", net, l, what, who, i, start[i], change, g[i],
                        expected, tol));
            }
            changed |= change != 0;
        }
        if (!changed) {
            throw new IllegalStateException("train step " + net + ": " + who + " changed no element of "
                    + "layer " + l + " " + what);
        }
        return loose;
    }

    /**
     * The step as a safetensors fixture for {@code scripts/numpy_trainstep.py}: the batch
     * ({@code x}, {@code labels} as floats), per layer l the start ({@code w0.l}, {@code b0.l},
     * weights {@code in x out}), vecprop's gradients ({@code gw.l}, {@code gb.l}) and updated
     * parameters ({@code w1.l}, {@code b1.l}); in the metadata the net, vecprop's loss, the exact
     * loss and its bound, the hyper-parameters and the two tolerances (every number as Java
     * prints it, which reads back exactly).
     */
    public SafeTensors fixture() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        int batch = net.batch();
        t.put("x", Tensor.of(x, batch, net.inputs()));
        float[] lab = new float[batch];
        for (int i = 0; i < batch; i++) {
            lab[i] = labels[i];
        }
        t.put("labels", Tensor.of(lab, batch));
        for (int l = 0; l < net.layers(); l++) {
            int in = net.sizes()[l], out = net.sizes()[l + 1];
            t.put("w0." + l, Tensor.of(w0[l], in, out));
            t.put("b0." + l, Tensor.of(b0[l], out));
            t.put("gw." + l, Tensor.of(gw[l], in, out));
            t.put("gb." + l, Tensor.of(gb[l], out));
            t.put("w1." + l, Tensor.of(w1[l], in, out));
            t.put("b1." + l, Tensor.of(b1[l], out));
        }
        Map<String, String> m = new LinkedHashMap<>();
        m.put("net", net.toString());
        m.put("loss", Float.toString(loss));
        m.put("exact_loss", Double.toString(exactLoss));
        m.put("loss_bound", Double.toString(lossBound));
        m.put("lr", Float.toString(LR));
        m.put("beta1", Float.toString(BETA1));
        m.put("beta2", Float.toString(BETA2));
        m.put("eps", Float.toString(EPS));
        m.put("weight_decay", Float.toString(WEIGHT_DECAY));
        m.put("gradient_tolerance", Double.toString(GRADIENT_TOLERANCE));
        m.put("loss_tolerance", Double.toString(LOSS_TOLERANCE));
        return new SafeTensors(t, m);
    }
}

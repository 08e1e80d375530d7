package org.vecprop;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.Relu;
import org.vecprop.kernel.Simd;
import org.vecprop.nn.Dense;
import org.vecprop.nn.Diagnostics;
import org.vecprop.nn.GradCheck;
import org.vecprop.nn.Gradients;
import org.vecprop.nn.Network;
import org.vecprop.nn.Output;
import org.vecprop.nn.Sgd;
import org.vecprop.nn.SgdOptions;
import org.vecprop.reference.ReferenceBias;
import org.vecprop.reference.ReferenceGemm;
import org.vecprop.reference.ReferenceMse;
import org.vecprop.reference.ReferenceRelu;

/**
 * The demo, in parts chosen by argument ({@code kernels}, {@code seed}, {@code train},
 * {@code gradients}, {@code fashion}; none runs the first four, which need nothing but the JDK):
 * <ul>
 *   <li>{@code kernels}: the article's two-layer network, forward and backward, computed by the
 *       kernels, each intermediate beside the scalar reference's value and the article's;</li>
 *   <li>{@code seed}: the same network through the {@link Network} API, printing the weight
 *       gradients as the article's PyTorch snippet does;</li>
 *   <li>{@code train}: a 2-64-64-1 ReLU network learning {@code y = sin(3 x1) cos(2 x2)}, one line
 *       per epoch, then the diagnostics catching two planted problems, and telling a layer frozen
 *       on purpose from two layers that stop learning for other reasons;</li>
 *   <li>{@code gradients}: the failure modes measured ({@link GradientNorms}): a deep, narrow
 *       network with sigmoid, tanh and ReLU, and with an over-scaled initialisation, every
 *       layer's gradient norm per epoch, the diagnostics' verdicts, and a CSV for the plot;</li>
 *   <li>{@code fashion}: a 784-256-128-10 classifier trained on Fashion-MNIST with AdamW
 *       ({@link FashionDemo}); needs the dataset's files ({@code -Dvecprop.demo.fashion.data},
 *       default {@code /usr/share/datasets/fashion-mnist}) and writes into
 *       {@code -Dvecprop.demo.fashion.out} (default {@code results/fashion}).</li>
 * </ul>
 * Run it with {@code scripts/demo [kernels|seed|train|gradients|fashion]...}; {@code --help}
 * prints the usage, an unknown part stops the demo before anything runs (exit status 2).
 */
public final class Demo {
    private Demo() {}

    /** The article's inputs: X (1x2), W1 (2x2), W2 (2x1), T (1x1). */
    static final float[] X = {1f, 2f};
    static final float[] W1 = {0.5f, -0.3f, 0.2f, 0.8f};
    static final float[] W2 = {0.6f, -0.4f};
    static final float[] T = {1f};

    /** The article's printed results, for comparison (NaN where the article prints none). */
    static final Map<String, float[]> ARTICLE = Map.of(
            "prediction P", new float[] {0.02f},
            "loss", new float[] {0.9604f},
            "dW2 = A1ᵀ·dP", new float[] {-1.764f, -2.548f},
            "dW1 = Xᵀ·dZ1", new float[] {-1.176f, 0.784f, -2.352f, 1.568f});

    /**
     * The article's forward and backward pass, in order, with the kernels (or, when
     * {@code reference}, with the scalar reference implementations).
     *
     * @return every intermediate by name, in computation order
     */
    public static Map<String, float[]> articleExample(boolean reference) {
        float[] z1 = new float[2], a1 = new float[2], p = new float[1], dP = new float[1];
        float[] dW2 = new float[2], dA1 = new float[2], dZ1 = new float[2], dW1 = new float[4];
        float[] mask = new float[2], db = new float[2];
        float loss;
        if (reference) {
            ReferenceGemm.multiply(false, false, 1, 2, 2, 1f, X, 0, 2, W1, 0, 2, 0f, z1, 0, 2);
            ReferenceRelu.forward(1, 2, z1, 0, 2, a1, 0, 2);
            ReferenceGemm.multiply(false, false, 1, 1, 2, 1f, a1, 0, 2, W2, 0, 1, 0f, p, 0, 1);
            loss = ReferenceMse.lossAndGradient(1, 1, p, 0, 1, T, 0, 1, dP, 0, 1);
            ReferenceGemm.multiply(true, false, 2, 1, 1, 1f, a1, 0, 2, dP, 0, 1, 0f, dW2, 0, 1);
            ReferenceGemm.multiply(false, true, 1, 2, 1, 1f, dP, 0, 1, W2, 0, 1, 0f, dA1, 0, 2);
            ReferenceRelu.mask(1, 2, z1, 0, 2, mask, 0, 2);
            ReferenceRelu.backward(1, 2, z1, 0, 2, dA1, 0, 2, dZ1, 0, 2);
            ReferenceGemm.multiply(true, false, 2, 2, 1, 1f, X, 0, 2, dZ1, 0, 2, 0f, dW1, 0, 2);
            ReferenceBias.gradient(1, 2, dZ1, 0, 2, db, 0, false);
        } else {
            Gemm.multiply(false, false, 1, 2, 2, 1f, X, 0, 2, W1, 0, 2, 0f, z1, 0, 2);
            Relu.forward(1, 2, z1, 0, 2, a1, 0, 2);
            Gemm.multiply(false, false, 1, 1, 2, 1f, a1, 0, 2, W2, 0, 1, 0f, p, 0, 1);
            loss = Mse.lossAndGradient(1, 1, p, 0, 1, T, 0, 1, dP, 0, 1);
            Gemm.multiply(true, false, 2, 1, 1, 1f, a1, 0, 2, dP, 0, 1, 0f, dW2, 0, 1);
            Gemm.multiply(false, true, 1, 2, 1, 1f, dP, 0, 1, W2, 0, 1, 0f, dA1, 0, 2);
            Relu.mask(1, 2, z1, 0, 2, mask, 0, 2);
            Relu.backward(1, 2, z1, 0, 2, dA1, 0, 2, dZ1, 0, 2);
            Gemm.multiply(true, false, 2, 2, 1, 1f, X, 0, 2, dZ1, 0, 2, 0f, dW1, 0, 2);
            Bias.gradient(1, 2, dZ1, 0, 2, db, 0, false);
        }
        Map<String, float[]> steps = new LinkedHashMap<>();
        steps.put("Z1 = X·W1", z1);
        steps.put("A1 = relu(Z1)", a1);
        steps.put("prediction P", p);
        steps.put("loss", new float[] {loss});
        steps.put("dP = 2(P-T)/n", dP);
        steps.put("dW2 = A1ᵀ·dP", dW2);
        steps.put("dA1 = dP·W2ᵀ", dA1);
        steps.put("mask [Z1 > 0]", mask);
        steps.put("dZ1 = dA1 ⊙ mask", dZ1);
        steps.put("dW1 = Xᵀ·dZ1", dW1);
        steps.put("db1 = colsum(dZ1)", db);
        return steps;
    }

    /** Every part, in the order they run when named. */
    static final List<String> PARTS = List.of("kernels", "seed", "train", "gradients", "fashion");
    /** The parts that run without arguments: those that need nothing but the JDK. */
    static final List<String> BUILT_IN = List.of("kernels", "seed", "train", "gradients");

    static final String USAGE = """
            usage: scripts/demo [kernels|seed|train|gradients|fashion]...
              kernels    the article's two-layer network by the kernels, beside the reference
              seed       the same network through the Network API, its weight gradients
              train      a 2-64-64-1 network learning sin(3 x1) cos(2 x2), with diagnostics
              gradients  vanishing and exploding gradients measured in a deep, narrow network
              fashion    a 784-256-128-10 classifier trained on Fashion-MNIST with AdamW
                         (needs the Debian package dataset-fashion-mnist)
            Without a part: kernels, seed, train and gradients.""";

    /**
     * The parts {@code args} names, in order (all built-in parts when there are none), or null
     * when they ask for the usage ({@code -h}, {@code --help}).
     *
     * @throws IllegalArgumentException with a one-line message naming what is accepted, for an
     *     argument that is not a part
     */
    static List<String> parts(String... args) {
        if (args.length == 0) {
            return BUILT_IN;
        }
        for (String a : args) {
            if (a.equals("-h") || a.equals("--help")) {
                return null;
            }
        }
        for (String a : args) {
            if (!PARTS.contains(a)) {
                throw new IllegalArgumentException("unknown part '" + a + "': accepted are "
                        + String.join(", ", PARTS) + " (none: the first four), or --help");
            }
        }
        return List.of(args);
    }

    /**
     * Runs the parts {@code args} names. Every argument is checked before any part runs.
     *
     * @return the exit status: 0, 2 for a usage error (one line on {@code err}), 1 when a part
     *     failed (the reason on {@code err})
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        List<String> parts;
        try {
            parts = parts(args);
        } catch (IllegalArgumentException e) {
            err.println("demo: " + e.getMessage());
            return 2;
        }
        if (parts == null) {
            out.println(USAGE);
            return 0;
        }
        out.println(Simd.description());
        for (String part : parts) {
            int status = switch (part) {
                case "kernels" -> { kernels(); yield 0; }
                case "seed" -> { seed(); yield 0; }
                case "train" -> { train(); yield 0; }
                case "gradients" -> gradients(err);
                case "fashion" -> fashion(out, err);
                default -> throw new AssertionError(part); // parts() accepts only PARTS
            };
            if (status != 0) {
                return status;
            }
        }
        return 0;
    }

    /**
     * Runs the parts named in {@code args} ({@code --help} lists them), or the built-in ones;
     * exits with status 2 for an unknown part, 1 when a part fails.
     *
     * @param args the parts
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Where {@code gradients} writes its CSV: {@code -Dvecprop.demo.csv}, else results/. */
    static final String GRADIENTS_CSV = System.getProperty("vecprop.demo.csv",
            "results/gradient-norms.csv");

    static int gradients(PrintStream err) {
        System.out.println();
        System.out.println("== gradients: the same deep, narrow network with sigmoid, tanh and ReLU,"
                + " from one seed; and with weights 4x too large");
        try {
            GradientNorms.demo(20, 0.05f, 42, Path.of(GRADIENTS_CSV), System.out::println);
            return 0;
        } catch (IOException e) {
            err.println("gradients: could not write " + GRADIENTS_CSV + ": " + e.getMessage());
            return 1;
        }
    }

    /** Where {@code fashion} reads the dataset: {@code -Dvecprop.demo.fashion.data}, else Debian's folder. */
    static final Path FASHION_DATA = Path.of(System.getProperty("vecprop.demo.fashion.data",
            FashionDemo.DEFAULT_DATA.toString()));
    /** Where {@code fashion} writes: {@code -Dvecprop.demo.fashion.out}, else results/fashion. */
    static final Path FASHION_OUT = Path.of(System.getProperty("vecprop.demo.fashion.out", "results/fashion"));

    static int fashion(PrintStream out, PrintStream err) {
        out.println();
        out.println("== fashion: a 784-256-128-10 ReLU classifier trained on Fashion-MNIST with AdamW,"
                + " the configuration chosen on the validation split");
        if (!Files.isRegularFile(FASHION_DATA.resolve("train-images-idx3-ubyte.gz"))) {
            err.println("fashion: Fashion-MNIST is not in " + FASHION_DATA + "; install it with: sudo apt-get"
                    + " install dataset-fashion-mnist");
            return 1;
        }
        try {
            FashionDemo.demo(FASHION_DATA, FASHION_OUT, FashionDemo.CHOSEN, out::println);
            return 0;
        } catch (IOException e) {
            err.println("fashion: " + e.getMessage());
            return 1;
        }
    }

    static void kernels() {
        System.out.println();
        System.out.println("== kernels: the article's two-layer network, computed by the kernels");
        Map<String, float[]> kernels = articleExample(false);
        Map<String, float[]> reference = articleExample(true);
        System.out.printf("%-20s %-40s %-40s %s%n", "step", "kernels", "reference", "article");
        for (Map.Entry<String, float[]> e : kernels.entrySet()) {
            float[] article = ARTICLE.get(e.getKey());
            System.out.printf("%-20s %-40s %-40s %s%n", e.getKey(), format(e.getValue()),
                    format(reference.get(e.getKey())), article == null ? "" : format(article));
        }
    }

    /** The article's network as a {@link Network}: two layers, no bias. */
    public static Network articleNetwork() {
        return new Network(
                Dense.of(2, 2, Activation.RELU, W1, null, 1),
                Dense.of(2, 1, Activation.IDENTITY, W2, null, 1));
    }

    static void seed() {
        System.out.println();
        System.out.println("== seed: the article's network through the Network API");
        Network net = articleNetwork();
        Output p = net.forward(X, 0, 2, 1);
        float loss = net.loss(T, 0, 1);
        net.zeroGrad();
        net.backward(Gradients.ACCUMULATE);
        Map<String, float[]> ref = articleExample(true);
        System.out.printf("prediction %s   loss %.6f   (article: 0.02, 0.9604)%n",
                format(new float[] {p.get(0, 0)}), loss);
        System.out.println("W1.grad = " + matrix(net.layer(0).weightGrad(), 2)
                + "   reference " + matrix(ref.get("dW1 = Xᵀ·dZ1"), 2));
        System.out.println("W2.grad = " + matrix(net.layer(1).weightGrad(), 1)
                + "   reference " + matrix(ref.get("dW2 = A1ᵀ·dP"), 1));
        net.backward(Gradients.ACCUMULATE);
        System.out.println("a second backward without zero_grad doubles it: W2.grad = "
                + matrix(net.layer(1).weightGrad(), 1));
    }

    /** The regression task of the training demo: 4096 seeded points, 3584 to train, 512 to test. */
    public record Task(float[] xTrain, float[] yTrain, float[] xTest, float[] yTest) {
        /** @return the task for a seed */
        public static Task generate(long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            int n = 4096, train = 3584;
            float[] x = new float[2 * n], y = new float[n];
            for (int i = 0; i < n; i++) {
                x[2 * i] = (float) (rnd.nextDouble() * 2 - 1);
                x[2 * i + 1] = (float) (rnd.nextDouble() * 2 - 1);
                y[i] = (float) (Math.sin(3 * x[2 * i]) * Math.cos(2 * x[2 * i + 1]));
            }
            return new Task(java.util.Arrays.copyOf(x, 2 * train), java.util.Arrays.copyOf(y, train),
                    java.util.Arrays.copyOfRange(x, 2 * train, 2 * n),
                    java.util.Arrays.copyOfRange(y, train, n));
        }
    }

    /** The result of a training run. */
    public record Trained(Network network, float firstTestLoss, float finalTestLoss) {}

    /**
     * Trains a 2-64-64-1 network on the task with SGD (momentum 0.9), batch 64, reporting one
     * line per epoch to {@code out}.
     */
    public static Trained train(Task task, int epochs, float lr, long seed, Consumer<String> out) {
        int batch = 64, n = task.yTrain().length;
        Network net = Network.mlp(Math.max(batch, task.yTest().length), seed, 2, 64, 64, 1);
        Sgd sgd = new Sgd(net, SgdOptions.learningRate(lr).withMomentum(0.9f));
        Diagnostics diag = new Diagnostics(net);
        float[] xb = new float[2 * batch], yb = new float[batch];
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        float first = Float.NaN, last = Float.NaN;
        for (int epoch = 0; epoch < epochs; epoch++) {
            for (int i = n - 1; i > 0; i--) { // Fisher-Yates shuffle, seeded
                int j = rnd.nextInt(i + 1), tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            long t0 = System.nanoTime();
            double trainLoss = 0;
            int steps = 0;
            for (int start = 0; start < n; start += batch) {
                int rows = Math.min(batch, n - start);
                for (int r = 0; r < rows; r++) {
                    int src = order[start + r];
                    xb[2 * r] = task.xTrain()[2 * src];
                    xb[2 * r + 1] = task.xTrain()[2 * src + 1];
                    yb[r] = task.yTrain()[src];
                }
                net.forward(xb, 0, 2, rows);
                trainLoss += net.loss(yb, 0, 1);
                net.backward(Gradients.ACCUMULATE); // Sgd.step zeroes the gradients it reads
                if (start + batch >= n) {
                    diag.update(net); // the epoch's last step, before step() zeroes gradients
                }
                sgd.step();
                steps++;
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            net.forward(task.xTest(), 0, 2, task.yTest().length);
            last = net.loss(task.yTest(), 0, 1);
            if (epoch == 0) {
                first = last;
            }
            out.accept(String.format("epoch %2d  train %.5f  test %.5f  |dW| %.2e %.2e %.2e"
                            + "  dead %4.1f%%  %6.0f steps/s  %s",
                    epoch, trainLoss / steps, last, diag.weightGradNorm(0), diag.weightGradNorm(1),
                    diag.weightGradNorm(2), 100 * diag.deadShare(),
                    steps / seconds, diag.verdict()));
        }
        return new Trained(net, first, last);
    }

    static void train() {
        System.out.println();
        System.out.println("== train: 2-64-64-1 ReLU network, y = sin(3 x1) cos(2 x2), 4096 points"
                + " (3584 train, 512 test), SGD lr 0.05 momentum 0.9, batch 64");
        Task task = Task.generate(7);
        Trained t = train(task, 30, 0.05f, 7, System.out::println);
        System.out.printf("final test loss %.5f, %.1fx below the first epoch's %.5f%n",
                t.finalTestLoss(), t.firstTestLoss() / t.finalTestLoss(), t.firstTestLoss());

        float[] xb = java.util.Arrays.copyOf(task.xTrain(), 2 * 64);
        float[] yb = java.util.Arrays.copyOf(task.yTrain(), 64);
        GradCheck.Result check = GradCheck.check(t.network(), xb, 0, 2, yb, 0, 1, 64, 1e-4);
        System.out.println(check);

        System.out.println();
        System.out.println("== diagnostics on planted problems");
        System.out.println("-- a learning rate of 3 (60x too large): the gradients explode, step by step");
        Network hot = Network.mlp(64, 7, 2, 64, 64, 1);
        Sgd tooFast = new Sgd(hot, SgdOptions.learningRate(3f).withMomentum(0.9f));
        Diagnostics watch = new Diagnostics(hot);
        for (int step = 0; step < 40; step++) {
            int from = (step * 64) % (task.yTrain().length - 64);
            hot.forward(task.xTrain(), 2 * from, 2, 64);
            float loss = hot.loss(task.yTrain(), from, 1);
            hot.backward(Gradients.ACCUMULATE);
            watch.update(hot);
            System.out.printf("step %2d  loss %.3e  |dW| %.2e %.2e %.2e  %s%n", step, loss,
                    watch.weightGradNorm(0), watch.weightGradNorm(1), watch.weightGradNorm(2),
                    watch.verdict());
            if (!watch.healthy()) {
                System.out.println("   stopped: the diagnostics flagged the step before it was"
                        + " applied (layer 0 |dW| " + String.format("%.2e", watch.weightGradNorm(0))
                        + ", first/last ratio " + String.format("%.2e", watch.normRatio()) + ")");
                break;
            }
            tooFast.step();
        }
        System.out.println("-- a first-layer bias of -5: every first-layer ReLU is dead, the"
                + " network is frozen");
        Network net = Network.mlp(64, 7, 2, 64, 64, 1);
        net.parameter("0.bias").fill(-5f);
        net.forward(xb, 0, 2, 64);
        net.loss(yb, 0, 1);
        net.backward(Gradients.OVERWRITE);
        Diagnostics diag = new Diagnostics(net);
        diag.update(net);
        System.out.println(diag);

        System.out.println();
        System.out.println("== a frozen (non-updating) layer, and two layers that stop learning for"
                + " other reasons");
        System.out.println("20 SGD steps each (lr 0.05, momentum 0.9); how far layer 0's weights"
                + " moved, and what the diagnostics say:");
        for (Stalled s : stalledLayers(task)) {
            System.out.printf("%-50s layer 0 moved %.2e, layer 2 %.2e  states %s  -> %s%n",
                    s.what(), s.layer0Moved(), s.layer2Moved(), s.states(), s.verdict());
        }
    }

    /**
     * One of the three ways layer 0 of a 2-64-64-1 network stops learning.
     *
     * @param what how the network was set up
     * @param layer0Moved the largest change of a layer-0 weight over the steps
     * @param layer2Moved the largest change of a layer-2 (output) weight or bias
     * @param states the diagnostics' state of each layer after the last backward
     * @param verdict the diagnostics' verdict then
     */
    public record Stalled(String what, double layer0Moved, double layer2Moved,
                          java.util.List<Diagnostics.LayerState> states, String verdict) {}

    /**
     * Trains three copies of the 2-64-64-1 network for 20 steps: layer 0 frozen on purpose
     * ({@code Dense.freeze}), layer 0's ReLUs dead (its bias at -10), and layer 1's ReLUs dead
     * (its bias at -10), which leaves layer 0 alive and trainable but without gradient.
     *
     * @param task the data
     * @return the three runs, in that order
     */
    public static java.util.List<Stalled> stalledLayers(Task task) {
        java.util.List<Stalled> out = new java.util.ArrayList<>();
        String[] cases = {"frozen on purpose: layer(0).freeze()",
            "dead ReLUs: layer 0's bias set to -10",
            "no gradient from above: layer 1's bias set to -10"};
        for (int c = 0; c < cases.length; c++) {
            Network net = Network.mlp(64, 7, 2, 64, 64, 1);
            switch (c) {
                case 0 -> net.layer(0).freeze();
                case 1 -> net.parameter("0.bias").fill(-10f);
                default -> net.parameter("2.bias").fill(-10f);
            }
            float[] w0 = values(net, "0.weight"), w2 = values(net, "4.weight"), b2 = values(net, "4.bias");
            Sgd sgd = new Sgd(net, SgdOptions.learningRate(0.05f).withMomentum(0.9f));
            Diagnostics diag = new Diagnostics(net);
            for (int step = 0; step < 20; step++) {
                int from = (step * 64) % (task.yTrain().length - 64);
                net.forward(task.xTrain(), 2 * from, 2, 64);
                net.loss(task.yTrain(), from, 1);
                net.backward(Gradients.ACCUMULATE);
                diag.update(net);
                sgd.step();
            }
            java.util.List<Diagnostics.LayerState> states = new java.util.ArrayList<>();
            for (int l = 0; l < net.depth(); l++) {
                states.add(diag.state(l));
            }
            out.add(new Stalled(cases[c], maxChange(w0, values(net, "0.weight")),
                    Math.max(maxChange(w2, values(net, "4.weight")), maxChange(b2, values(net, "4.bias"))),
                    states, diag.verdict()));
        }
        return out;
    }

    private static float[] values(Network net, String parameter) {
        float[] v = new float[net.parameter(parameter).size()];
        net.parameter(parameter).copyTo(v, 0);
        return v;
    }

    private static double maxChange(float[] before, float[] after) {
        double max = 0;
        for (int i = 0; i < before.length; i++) {
            max = Math.max(max, Math.abs((double) after[i] - before[i]));
        }
        return max;
    }

    private static String matrix(float[] v, int cols) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i += cols) {
            s.append(i == 0 ? "[" : ", [");
            for (int j = 0; j < cols; j++) {
                s.append(j == 0 ? "" : ", ").append(String.format("%.4f", v[i + j]));
            }
            s.append(']');
        }
        return s.append(']').toString();
    }

    private static String format(float[] v) {
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < v.length; i++) {
            s.append(i == 0 ? "" : ", ").append(String.format("%.6g", v[i]));
        }
        return s.append(']').toString();
    }
}

package org.vecprop;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Simd;
import org.vecprop.nn.Diagnostics;
import org.vecprop.nn.Gradients;
import org.vecprop.nn.Network;
import org.vecprop.nn.Parameter;
import org.vecprop.nn.Sgd;
import org.vecprop.nn.SgdOptions;

/**
 * The article's failure modes, measured: the same deep, narrow network ({@value #HIDDEN} hidden
 * layers of {@value #WIDTH}, then {@value #WIDTH} → 1) trained from one seed with sigmoid, tanh and
 * ReLU, and once with ReLU and an over-scaled initialisation, recording every layer's
 * weight-gradient L2 norm at every step.
 *
 * <p>The chain rule says why they differ: the gradient reaching layer l is the loss gradient
 * multiplied, for every layer above l, by that layer's weights and its activation's derivative.
 * {@code σ'(z) <= 1/4} everywhere, so with weights of unit scale (Glorot) each sigmoid layer
 * shrinks it by a factor of about 4 or more, and ten of them by orders of magnitude: the first
 * layers barely learn (vanishing). {@code tanh'(0) = 1} and ReLU's derivative is 1 where a unit is
 * on, and He's initialisation is chosen so that the product keeps its scale. Weights four times
 * too large (N(0, 1) for a fan-in of 32, He being N(0, 1/16)) multiply activations and gradients
 * by about 4 per layer: the norms explode and one SGD step overflows the network.
 *
 * <p>Each epoch's norm of a layer is the mean over the epoch's steps of its weight gradient's L2
 * norm (as {@link Diagnostics} reads it, after backward and before the step); epoch 0 is one pass
 * over the training set at initialisation, without a step.
 */
public final class GradientNorms {
    private GradientNorms() {}

    /** Width of every hidden layer and of the input. */
    public static final int WIDTH = 32;
    /** Hidden layers; an identity output layer {@code WIDTH -> 1} follows them. */
    public static final int HIDDEN = 10;
    /** Batch size. */
    public static final int BATCH = 64;
    /** Training points (inputs uniform in [-1, 1]^WIDTH). */
    public static final int POINTS = 2048;

    /**
     * One configuration of the network.
     *
     * @param name how the run is labelled (CSV, plot, table)
     * @param activation the hidden layers' activation
     * @param init the initialisation, in words
     * @param weightScale every initial weight is multiplied by this (1: the layer's own init)
     */
    public record Run(String name, Activation activation, String init, float weightScale) {}

    /** The four runs: sigmoid, tanh, ReLU, and ReLU with weights 4x too large. */
    public static final List<Run> RUNS = List.of(
            new Run("sigmoid", Activation.SIGMOID, "Glorot uniform", 1f),
            new Run("tanh", Activation.TANH, "Glorot uniform", 1f),
            new Run("relu", Activation.RELU, "He normal", 1f),
            new Run("relu (init x4)", Activation.RELU, "He normal x 4 = N(0, 1)", 4f));

    /** The regression task: {@code y = sin(3 x·u)} for a fixed random unit vector u. */
    public record Task(float[] x, float[] y) {
        /** @return the task for a seed */
        public static Task generate(long seed) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] u = new double[WIDTH];
            double norm = 0;
            for (int j = 0; j < WIDTH; j++) {
                u[j] = rnd.nextDouble() * 2 - 1;
                norm += u[j] * u[j];
            }
            float[] x = new float[POINTS * WIDTH], y = new float[POINTS];
            for (int i = 0; i < POINTS; i++) {
                double dot = 0;
                for (int j = 0; j < WIDTH; j++) {
                    x[i * WIDTH + j] = (float) (rnd.nextDouble() * 2 - 1);
                    dot += x[i * WIDTH + j] * u[j] / Math.sqrt(norm);
                }
                y[i] = (float) Math.sin(3 * dot);
            }
            return new Task(x, y);
        }
    }

    /**
     * What one run measured.
     *
     * @param run the configuration
     * @param norms {@code norms[epoch][layer]}: mean weight-gradient norm; epochs that did not run
     *     (after a stop) are absent
     * @param loss mean training loss per epoch (epoch 0: at initialisation)
     * @param vanishingSteps per epoch, the steps the diagnostics flagged VANISHING
     * @param explodingSteps per epoch, the steps they flagged EXPLODING
     * @param steps steps per epoch
     * @param firstVerdict the diagnostics' verdict at the first step (at initialisation)
     * @param firstExplanation their explanation in words at that step
     * @param verdict the diagnostics' verdict at the last step that ran
     * @param explanation their explanation in words at that step
     * @param stopped why the run stopped early, or null
     */
    public record Result(Run run, double[][] norms, double[] loss, int[] vanishingSteps,
                         int[] explodingSteps, int steps, String firstVerdict,
                         String firstExplanation, String verdict, String explanation,
                         String stopped) {
        /** @return the first layer's norm over the last layer's at {@code epoch} */
        public double ratio(int epoch) {
            double[] n = norms[epoch];
            return n[0] / n[n.length - 1];
        }
    }

    /** The network of a run, initialised from {@code seed} (layer l from {@code seed + l}). */
    static Network network(Run run, long seed) {
        int[] sizes = new int[HIDDEN + 2];
        java.util.Arrays.fill(sizes, WIDTH);
        sizes[HIDDEN + 1] = 1;
        Network net = Network.mlp(BATCH, seed, run.activation(), sizes);
        if (run.weightScale() != 1f) {
            for (Parameter p : net.parameters()) {
                if (p.kind() == Parameter.Kind.WEIGHT) {
                    float[] w = new float[p.size()];
                    p.copyTo(w, 0);
                    for (int i = 0; i < w.length; i++) {
                        w[i] *= run.weightScale();
                    }
                    p.copyFrom(w, 0);
                }
            }
        }
        return net;
    }

    /**
     * Trains one run for {@code epochs} epochs of plain SGD (no momentum, so that a step is the
     * gradient itself), batches in a seeded shuffled order, and records the norms. A run whose
     * loss becomes NaN or infinite stops there.
     */
    public static Result run(Run run, Task task, int epochs, float lr, long seed) {
        Network net = network(run, seed);
        Sgd sgd = new Sgd(net, SgdOptions.learningRate(lr));
        Diagnostics diag = new Diagnostics(net);
        int layers = net.depth(), steps = POINTS / BATCH;
        List<double[]> norms = new ArrayList<>();
        double[] loss = new double[epochs + 1];
        int[] vanishing = new int[epochs + 1], exploding = new int[epochs + 1];
        float[] xb = new float[BATCH * WIDTH], yb = new float[BATCH];
        int[] order = new int[POINTS];
        for (int i = 0; i < POINTS; i++) {
            order[i] = i;
        }
        SplittableRandom rnd = new SplittableRandom(seed);
        String verdict = "", explanation = "", firstVerdict = null, firstExplanation = null;
        String stopped = null;
        for (int epoch = 0; epoch <= epochs && stopped == null; epoch++) {
            for (int i = POINTS - 1; i > 0; i--) { // Fisher-Yates, seeded: the same order every run
                int j = rnd.nextInt(i + 1), tmp = order[i];
                order[i] = order[j];
                order[j] = tmp;
            }
            double[] sum = new double[layers];
            double lossSum = 0;
            int done = 0;
            for (int s = 0; s < steps; s++) {
                for (int r = 0; r < BATCH; r++) {
                    int src = order[s * BATCH + r];
                    System.arraycopy(task.x(), src * WIDTH, xb, r * WIDTH, WIDTH);
                    yb[r] = task.y()[src];
                }
                net.forward(xb, 0, WIDTH, BATCH);
                float l = net.loss(yb, 0, 1);
                net.backward(Gradients.OVERWRITE);
                diag.update(net);
                verdict = diag.verdict();
                explanation = diag.explanation();
                if (firstVerdict == null) {
                    firstVerdict = verdict;
                    firstExplanation = explanation;
                }
                if (!Float.isFinite(l)) {
                    stopped = String.format(Locale.ROOT, "epoch %d, step %d: the loss is %s; the"
                            + " diagnostics say: %s", epoch, s, l, explanation);
                    break;
                }
                lossSum += l;
                vanishing[epoch] += diag.vanishing() ? 1 : 0;
                exploding[epoch] += diag.exploding() ? 1 : 0;
                for (int layer = 0; layer < layers; layer++) {
                    sum[layer] += diag.weightGradNorm(layer);
                }
                done++;
                if (epoch > 0) {
                    sgd.step();
                }
            }
            if (done == steps) {
                for (int layer = 0; layer < layers; layer++) {
                    sum[layer] /= steps;
                }
                norms.add(sum);
                loss[epoch] = lossSum / steps;
            }
        }
        return new Result(run, norms.toArray(double[][]::new),
                java.util.Arrays.copyOf(loss, norms.size()), vanishing, exploding, steps,
                firstVerdict, firstExplanation, verdict, explanation, stopped);
    }

    /** Runs every configuration, prints the tables and verdicts to {@code out}, writes the CSV. */
    public static List<Result> demo(int epochs, float lr, long seed, Path csv, Consumer<String> out)
            throws IOException {
        Task task = Task.generate(seed);
        out.accept(setup(epochs, lr, seed));
        out.accept("each cell: the layer's weight-gradient L2 norm, mean over the epoch's "
                + POINTS / BATCH + " steps (epoch 0: at initialisation, no step taken)");
        List<Result> results = new ArrayList<>();
        for (Run run : RUNS) {
            Result r = run(run, task, epochs, lr, seed);
            results.add(r);
            print(r, out);
        }
        out.accept("");
        out.accept("-- summary: first/last layer gradient-norm ratio (the chain rule's product of"
                + " " + HIDDEN + " layers) and the verdict at the end");
        out.accept(String.format(Locale.ROOT, "%-20s %12s %12s %14s  %s", "run", "at init",
                "last epoch", "loss init->end", "diagnostics"));
        for (Result r : results) {
            int last = r.norms().length - 1;
            out.accept(String.format(Locale.ROOT, "%-20s %12.2e %12s %14s  %s", r.run().name(),
                    r.ratio(0), last > 0 ? String.format(Locale.ROOT, "%.2e", r.ratio(last)) : "-",
                    last > 0 ? String.format(Locale.ROOT, "%.3f->%.3f", r.loss()[0], r.loss()[last])
                            : "-",
                    r.stopped() != null ? "stopped, " + r.verdict() : r.verdict()));
        }
        writeCsv(results, csv, epochs, lr, seed);
        out.accept("wrote " + csv);
        return results;
    }

    static String setup(int epochs, float lr, long seed) {
        return String.format(Locale.ROOT, "%d hidden layers of %d then %d -> 1, batch %d, %d points"
                + " of y = sin(3 x.u), plain SGD lr %s, %d epochs, seed %d", HIDDEN, WIDTH, WIDTH,
                BATCH, POINTS, lr, epochs, seed);
    }

    static void print(Result r, Consumer<String> out) {
        out.accept("");
        out.accept("-- " + r.run().name() + " (" + r.run().init() + "): weight-gradient norm of"
                + " layer 0 (next to the input) .. " + (r.norms()[0].length - 1) + " (output)");
        int layers = r.norms()[0].length;
        StringBuilder h = new StringBuilder(String.format(Locale.ROOT, "%-5s %8s", "epoch", "loss"));
        for (int l = 0; l < layers; l++) {
            h.append(String.format(Locale.ROOT, "%9s", "L" + l));
        }
        out.accept(h + String.format(Locale.ROOT, "%11s  %s", "first/last", "flagged steps"));
        for (int e = 0; e < r.norms().length; e++) {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%-5d %8.4g", e, r.loss()[e]));
            for (double n : r.norms()[e]) {
                s.append(String.format(Locale.ROOT, "%9.1e", n));
            }
            String f = r.vanishingSteps()[e] > 0 ? r.vanishingSteps()[e] + "/" + r.steps() + " VANISHING"
                    : r.explodingSteps()[e] > 0 ? r.explodingSteps()[e] + "/" + r.steps() + " EXPLODING"
                    : "-";
            out.accept(s + String.format(Locale.ROOT, "%11.2e  %s", r.ratio(e), f));
        }
        out.accept("at initialisation the diagnostics say: " + r.firstVerdict() + ". "
                + r.firstExplanation());
        if (r.stopped() != null) {
            out.accept("stopped at " + r.stopped());
        } else {
            out.accept("at the last step: " + r.verdict() + ". " + r.explanation());
        }
    }

    /** The norms as CSV, with the setup, machine and JDK in comment lines. */
    static void writeCsv(List<Result> results, Path csv, int epochs, float lr, long seed)
            throws IOException {
        StringBuilder s = new StringBuilder();
        s.append("# vecprop demo gradients: weight-gradient L2 norm per layer, mean over each epoch's steps\n");
        s.append("# setup: ").append(setup(epochs, lr, seed)).append('\n');
        s.append("# machine: ").append(machine()).append('\n');
        s.append("# jdk: ").append(System.getProperty("java.vm.vendor", "?")).append(' ')
                .append(System.getProperty("java.runtime.version", "?")).append('\n');
        s.append("# vecprop: ").append(Simd.description()).append('\n');
        s.append("run,activation,init,epoch,layer,weight_grad_norm\n");
        for (Result r : results) {
            for (int e = 0; e < r.norms().length; e++) {
                for (int l = 0; l < r.norms()[e].length; l++) {
                    s.append(r.run().name().replace(',', ';')).append(',')
                            .append(r.run().activation()).append(',')
                            .append(r.run().init().replace(',', ';')).append(',').append(e)
                            .append(',').append(l).append(',')
                            .append(String.format(Locale.ROOT, "%.6e", r.norms()[e][l])).append('\n');
                }
            }
        }
        Path parent = csv.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(csv, s, StandardCharsets.UTF_8);
    }

    /** The CPU model (Linux: /proc/cpuinfo), else the architecture; and the core count. */
    static String machine() {
        String model = System.getProperty("os.arch");
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).trim();
                    break;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: keep os.arch
        }
        return model + ", " + Runtime.getRuntime().availableProcessors() + " cores";
    }
}

package org.vecprop;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import org.vecprop.io.Idx;
import org.vecprop.kernel.Reduction;
import org.vecprop.kernel.Simd;
import org.vecprop.nn.Adam;
import org.vecprop.nn.AdamOptions;
import org.vecprop.nn.Diagnostics;
import org.vecprop.nn.Gradients;
import org.vecprop.nn.LearningRateSchedule;
import org.vecprop.nn.Loss;
import org.vecprop.nn.Network;
import org.vecprop.nn.Optimizer;

/**
 * {@code scripts/demo fashion}: a 784-256-128-10 ReLU classifier trained on Fashion-MNIST with
 * AdamW and softmax cross-entropy, on pixels scaled to {@code [0, 1]}.
 *
 * <p>The data are the four IDX files of Debian's {@code dataset-fashion-mnist} (60,000 training and
 * 10,000 test images of 28 x 28, 10 classes), read with {@link Idx}. The last
 * {@link Config#validation()} examples of the training set, shuffled as {@link BatchOrder} says,
 * are the validation split; each epoch visits the others in its own shuffled order, in batches of
 * {@link Config#batch()} copied into one reused buffer. The epoch count and every hyper-parameter
 * ({@link #CHOSEN}) were fixed in advance from validation accuracy only; the test set is read and
 * evaluated once, after the last epoch.
 *
 * <p>Per epoch it prints the mean training loss over the epoch's batches, the validation accuracy,
 * the epoch's training time, steps per second, the bytes allocated per step, the largest
 * update-to-weight ratio and the diagnostics' verdict (read at the epoch's last two steps); then
 * the test accuracy and the confusion matrix. The loop itself allocates nothing (batches are
 * copied into buffers made before the first epoch); what a step allocates is the library's:
 * much in the first epochs, while the JIT has not yet compiled the Vector API code (which
 * allocates every vector until it is compiled), and in steady state what
 * {@link Network#loss(int[], int)} allocates. It writes, into the output folder:
 * <ul>
 *   <li>{@code initial.safetensors}: the weights before the first step (the NumPy peer run,
 *       {@code scripts/fashion_numpy.py}, starts from them);</li>
 *   <li>{@code model.safetensors}: the trained classifier ({@link Network#save}; loadable by
 *       {@link Network#load} and {@code scripts/serve --model});</li>
 *   <li>{@code vecprop.json}: the configuration, every epoch, the test accuracy, the confusion
 *       matrix, the wall time, the machine and the JDK (the fields the NumPy run's JSON has, and
 *       more);</li>
 *   <li>{@code curves.csv} and {@code confusion.csv}: the same epochs and matrix as CSV, with the
 *       setup, machine and JDK in {@code #} comment lines.</li>
 * </ul>
 *
 * <p>As a program of its own ({@code FashionDemo --help}) it takes every hyper-parameter as an
 * option, and {@code --validation-only} trains and reports validation accuracy without reading the
 * test files: how the configuration was chosen.
 */
public final class FashionDemo {
    private FashionDemo() {}

    /** Fashion-MNIST's class names, by label. */
    public static final List<String> CLASSES = List.of("T-shirt/top", "Trouser", "Pullover", "Dress",
            "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    /** Where Debian's package {@code dataset-fashion-mnist} puts the files. */
    public static final Path DEFAULT_DATA = Path.of("/usr/share/datasets/fashion-mnist");
    /** The hidden layers' widths. */
    static final int[] HIDDEN = {256, 128};
    /** Rows per forward pass when evaluating. */
    static final int EVAL_BATCH = 1000;

    /**
     * The run's settings.
     *
     * @param epochs passes over the training split, in {@code [1, 30]}
     * @param batch examples per step, {@code >= 1}
     * @param lr AdamW's initial learning rate
     * @param lrMin the cosine schedule's final rate, reached at the last step
     * @param weightDecay AdamW's decoupled weight decay (on weights and biases, as PyTorch's)
     * @param labelSmoothing cross-entropy's label smoothing, in {@code [0, 1]}
     * @param validation training examples held out for validation
     * @param seed the weights' initialisation seed and the split's seed {@code S} (epoch e is
     *     shuffled with {@code S + 1 + e})
     */
    public record Config(int epochs, int batch, float lr, float lrMin, float weightDecay,
                         float labelSmoothing, int validation, long seed) {
        /**
         * Checks the values.
         *
         * @throws IllegalArgumentException for a value out of range, naming it
         */
        public Config {
            if (epochs < 1 || epochs > 30) {
                throw new IllegalArgumentException("epochs must be in [1, 30], got " + epochs);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("batch must be >= 1, got " + batch);
            }
            if (!(lr > 0f) || !Float.isFinite(lr)) {
                throw new IllegalArgumentException("lr must be finite and > 0, got " + lr);
            }
            if (!(lrMin >= 0f && lrMin <= lr)) {
                throw new IllegalArgumentException("lrMin must be in [0, lr = " + lr + "], got " + lrMin);
            }
            if (!(weightDecay >= 0f) || !Float.isFinite(weightDecay)) {
                throw new IllegalArgumentException("weightDecay must be finite and >= 0, got " + weightDecay);
            }
            if (!(labelSmoothing >= 0f && labelSmoothing <= 1f)) {
                throw new IllegalArgumentException("labelSmoothing must be in [0, 1], got " + labelSmoothing);
            }
            if (validation < 1) {
                throw new IllegalArgumentException("validation must be >= 1, got " + validation);
            }
        }

        /** {@return the setup in one line, for the console and the files' comments} */
        public String describe() {
            return String.format(Locale.ROOT, "784-256-128-10 ReLU, softmax cross-entropy%s, AdamW lr %s"
                            + " cosine to %s, weight decay %s, batch %d, %d epoch%s, validation %d, seed %d",
                    labelSmoothing == 0f ? "" : " (label smoothing " + plain(labelSmoothing) + ")", plain(lr),
                    plain(lrMin), plain(weightDecay), batch, epochs, epochs == 1 ? "" : "s", validation, seed);
        }

        /** A float as its shortest decimal, without an exponent: 0.00001, not 1.0E-5. */
        static String plain(float v) {
            return new java.math.BigDecimal(Float.toString(v)).stripTrailingZeros().toPlainString();
        }
    }

    /**
     * The configuration of {@code scripts/demo fashion}: batch 128, AdamW lr 2e-3 cosine to 1e-5,
     * weight decay 1e-2 (PyTorch's default), 15 epochs. Chosen from eight
     * {@code --validation-only} runs (results/fashion/README.md lists them with their validation
     * accuracy): every one ended between 0.9036 and 0.9080 on the 5000 validation images, within
     * the noise of that figure (its standard error is about 0.004), so the rule was the fewest
     * training steps among the runs within 0.002 of the best: this one, 0.9068, with half the
     * steps of the best (batch 64, 20 epochs). The test set played no part.
     */
    public static final Config CHOSEN = new Config(15, 128, 2e-3f, 1e-5f, 1e-2f, 0f, 5000, 42);

    /**
     * The data, as {@link Idx} reads them: images one per row, pixels in {@code [0, 1]}.
     *
     * @param trainX training images, {@code trainY.length x pixels}
     * @param trainY training labels
     * @param testX test images, or null when the test set was not read
     * @param testY test labels, or null
     * @param pixels pixels per image (the network's input width)
     * @param classes how many classes
     */
    public record Data(float[] trainX, int[] trainY, float[] testX, int[] testY, int pixels, int classes) {}

    /**
     * Reads the four files from {@code dir}: {@code train-images-idx3-ubyte.gz},
     * {@code train-labels-idx1-ubyte.gz}, {@code t10k-images-idx3-ubyte.gz},
     * {@code t10k-labels-idx1-ubyte.gz}.
     *
     * @param dir the folder
     * @param withTest whether to read the test files too
     * @return the data
     * @throws IOException if a file is missing, unreadable or refused by {@link Idx}
     */
    public static Data load(Path dir, boolean withTest) throws IOException {
        Idx.Dataset train = Idx.read(dir.resolve("train-images-idx3-ubyte.gz"),
                dir.resolve("train-labels-idx1-ubyte.gz"), CLASSES.size());
        float[] testX = null;
        int[] testY = null;
        if (withTest) {
            Idx.Dataset test = Idx.read(dir.resolve("t10k-images-idx3-ubyte.gz"),
                    dir.resolve("t10k-labels-idx1-ubyte.gz"), CLASSES.size());
            if (test.images().pixelsPerImage() != train.images().pixelsPerImage()) {
                throw new IOException("the test images have " + test.images().pixelsPerImage()
                        + " pixels, the training images " + train.images().pixelsPerImage());
            }
            testX = test.images().pixels();
            testY = test.labels();
        }
        return new Data(train.images().pixels(), train.labels(), testX, testY,
                train.images().pixelsPerImage(), CLASSES.size());
    }

    /**
     * One epoch's figures.
     *
     * @param epoch from 1
     * @param trainLoss mean of the epoch's batch losses
     * @param validationAccuracy share of the validation split classified right after the epoch
     * @param seconds the epoch's training time (steps only, not the validation pass)
     * @param stepsPerSecond steps over seconds
     * @param allocatedBytes bytes the training thread allocated during the epoch's steps, the
     *     diagnostics' reads excluded (-1 if the JVM cannot tell)
     * @param diagnosticsBytes bytes allocated by the diagnostics' two reads of the epoch: called
     *     twice an epoch, they run interpreted or in C1 for many epochs, where the Vector API
     *     allocates its vectors
     * @param verdict the diagnostics' verdict at the epoch's last step
     * @param updateRatio the largest per-layer update-to-weight ratio of the epoch's last step
     */
    public record Epoch(int epoch, double trainLoss, double validationAccuracy, double seconds,
                        double stepsPerSecond, long allocatedBytes, long diagnosticsBytes, String verdict,
                        double updateRatio) {
        /** {@return {@link #allocatedBytes()} per step, rounded, or -1} */
        long allocatedPerStep(int steps) {
            return allocatedBytes < 0 ? -1 : Math.round((double) allocatedBytes / steps);
        }
    }

    /**
     * What a run produced.
     *
     * @param config its settings
     * @param epochs one entry per epoch
     * @param testAccuracy the share of the test set classified right, NaN if not evaluated
     * @param confusion {@code confusion[true][predicted]} counts over the test set, or null
     * @param trainSeconds the sum of the epochs' training times
     * @param wallSeconds from the start of {@link #train} to its end (validation and test
     *     passes included, reading the files not)
     * @param network the trained network
     */
    public record Result(Config config, List<Epoch> epochs, double testAccuracy, int[][] confusion,
                         double trainSeconds, double wallSeconds, Network network) {}

    /**
     * Trains a classifier on {@code data} as {@code config} says, reporting each epoch to
     * {@code out}; evaluates the test set once at the end when {@code data} has it.
     *
     * @param data the data
     * @param config the settings
     * @param initial where to save the initial weights before the first step, or null
     * @param out receives one line per epoch and the closing lines
     * @return the run's figures and network
     * @throws IOException if the initial weights cannot be written
     * @throws IllegalArgumentException if the validation split is not smaller than the training set
     * @throws IllegalStateException if the loss becomes NaN or infinite
     */
    public static Result train(Data data, Config config, Path initial, Consumer<String> out)
            throws IOException {
        long start = System.nanoTime();
        int pixels = data.pixels(), examples = data.trainY().length;
        if (config.validation() >= examples) {
            throw new IllegalArgumentException("validation must be below the " + examples
                    + " training examples, got " + config.validation());
        }
        BatchOrder.Split split = BatchOrder.split(examples, config.validation(), config.seed());
        int n = split.train().length, batch = config.batch();
        int stepsPerEpoch = (n + batch - 1) / batch;
        int[] sizes = {pixels, HIDDEN[0], HIDDEN[1], data.classes()};
        Network net = config.labelSmoothing() == 0f
                ? Network.classifier(Math.max(batch, EVAL_BATCH), config.seed(), sizes)
                : Network.mlp(Math.max(batch, EVAL_BATCH), config.seed(),
                        Loss.crossEntropy(Reduction.MEAN, config.labelSmoothing()),
                        org.vecprop.kernel.Activation.RELU, sizes);
        if (initial != null) {
            createParent(initial);
            net.save(initial);
        }
        Optimizer opt = new Adam(net, AdamOptions.adamW(config.lr())
                .withWeightDecay(config.weightDecay())
                .withSchedule(LearningRateSchedule.cosine(config.lr(), config.lrMin(),
                        (long) config.epochs() * stepsPerEpoch)));
        Diagnostics diag = new Diagnostics(net);
        Evaluator eval = new Evaluator(net, pixels, data.classes());

        // Everything the loop touches is allocated here, once.
        int[] order = new int[n], train = split.train(), labels = data.trainY();
        float[] x = data.trainX(), xb = new float[batch * pixels];
        int[] yb = new int[batch];
        List<Epoch> epochs = new ArrayList<>();
        double trainSeconds = 0;
        for (int e = 0; e < config.epochs(); e++) {
            split.epoch(e, order);
            long bytes0 = allocatedBytes();
            long diagBytes = 0;
            long t0 = System.nanoTime();
            double lossSum = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                int from = s * batch, rows = Math.min(batch, n - from);
                for (int r = 0; r < rows; r++) {
                    int src = train[order[from + r]];
                    System.arraycopy(x, src * pixels, xb, r * pixels, pixels);
                    yb[r] = labels[src];
                }
                net.forward(xb, 0, pixels, rows);
                float loss = net.loss(yb, 0);
                if (!Float.isFinite(loss)) {
                    throw new IllegalStateException("epoch " + (e + 1) + ", step " + s + ": the loss is "
                            + loss + "; " + diag.explanation());
                }
                lossSum += loss;
                net.backward(Gradients.ACCUMULATE); // the optimizer's step zeroes what it reads
                if (s >= stepsPerEpoch - 2) {
                    long d0 = allocatedBytes();
                    diag.update(net); // the last two steps: the last update ratio is one step's
                    diagBytes += allocatedBytes() - d0;
                }
                opt.step();
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            long bytes1 = allocatedBytes();
            trainSeconds += seconds;
            double validation = eval.accuracy(x, split.validation(), split.validation().length, labels, null);
            double ratio = 0;
            for (int l = 0; l < net.depth(); l++) {
                ratio = Math.max(ratio, diag.updateRatio(l));
            }
            Epoch ep = new Epoch(e + 1, lossSum / stepsPerEpoch, validation, seconds,
                    stepsPerEpoch / seconds, bytes0 < 0 || bytes1 < 0 ? -1 : bytes1 - bytes0 - diagBytes,
                    bytes0 < 0 ? -1 : diagBytes, diag.verdict(), ratio);
            epochs.add(ep);
            long perStep = ep.allocatedPerStep(stepsPerEpoch);
            out.accept(String.format(Locale.ROOT, "epoch %2d/%d  train loss %.4f  validation accuracy"
                            + " %.4f  %5.1f s  %4.0f steps/s  %7s B/step  update/weight %.1e  %s",
                    ep.epoch(), config.epochs(), ep.trainLoss(), ep.validationAccuracy(), ep.seconds(),
                    ep.stepsPerSecond(), perStep < 0 ? "?" : Long.toString(perStep),
                    ep.updateRatio(), ep.verdict()));
        }
        double test = Double.NaN;
        int[][] confusion = null;
        if (data.testX() != null) {
            confusion = new int[data.classes()][data.classes()];
            int count = data.testY().length;
            test = eval.accuracy(data.testX(), null, count, data.testY(), confusion);
        }
        return new Result(config, epochs, test, confusion, trainSeconds,
                (System.nanoTime() - start) / 1e9, net);
    }

    /** Forward passes of {@link #EVAL_BATCH} rows through a reused buffer, and argmax. */
    static final class Evaluator {
        private final Network net;
        private final int pixels;
        private final float[] rows;
        private final int[] predicted = new int[EVAL_BATCH];

        Evaluator(Network net, int pixels, int classes) {
            this.net = net;
            this.pixels = pixels;
            this.rows = new float[EVAL_BATCH * pixels];
        }

        /**
         * The share of {@code count} examples classified right: example k is row
         * {@code index[k]} of x (row k when index is null); counts go to
         * {@code confusion[true][predicted]} when it is not null.
         */
        double accuracy(float[] x, int[] index, int count, int[] labels, int[][] confusion) {
            long correct = 0;
            for (int from = 0; from < count; from += EVAL_BATCH) {
                int n = Math.min(EVAL_BATCH, count - from);
                for (int r = 0; r < n; r++) {
                    int src = index == null ? from + r : index[from + r];
                    System.arraycopy(x, src * pixels, rows, r * pixels, pixels);
                }
                net.forward(rows, 0, pixels, n);
                net.argmax(predicted, 0);
                for (int r = 0; r < n; r++) {
                    int truth = labels[index == null ? from + r : index[from + r]];
                    if (predicted[r] == truth) {
                        correct++;
                    }
                    if (confusion != null) {
                        confusion[truth][predicted[r]]++;
                    }
                }
            }
            return (double) correct / count;
        }
    }

    /** HotSpot's thread bean, looked up once (the lookup allocates; the reading does not). */
    private static final com.sun.management.ThreadMXBean THREADS =
            ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean t
                    && t.isThreadAllocatedMemorySupported() && t.isThreadAllocatedMemoryEnabled() ? t : null;

    /** Bytes allocated by this thread so far, or -1 if the JVM does not say. Allocates nothing. */
    static long allocatedBytes() {
        return THREADS == null ? -1 : THREADS.getCurrentThreadAllocatedBytes();
    }

    // ---------------------------------------------------------------- the demo and its files

    /** {@return the JDK: vendor and runtime version} */
    static String jdk() {
        return System.getProperty("java.vm.vendor", "?") + " " + System.getProperty("java.runtime.version", "?");
    }

    /**
     * The demo: reads the data, trains with {@code config}, prints per epoch and the test
     * accuracy, writes the files into {@code outDir}.
     *
     * @param dataDir the folder with the four IDX files
     * @param outDir where the files go (created)
     * @param config the settings
     * @param out the console
     * @return the run
     * @throws IOException if a file cannot be read or written
     */
    public static Result demo(Path dataDir, Path outDir, Config config, Consumer<String> out)
            throws IOException {
        long t0 = System.nanoTime();
        Data data = load(dataDir, true);
        double loadSeconds = (System.nanoTime() - t0) / 1e9;
        out.accept(String.format(Locale.ROOT, "read %d training and %d test images of %d pixels from %s"
                        + " in %.1f s", data.trainY().length, data.testY().length, data.pixels(), dataDir,
                loadSeconds));
        out.accept(config.describe());
        out.accept("machine: " + GradientNorms.machine() + "; JDK " + jdk() + "; " + Simd.description());
        Result r = train(data, config, outDir.resolve("initial.safetensors"), out);
        out.accept(String.format(Locale.ROOT, "test accuracy %.4f (%d test images, evaluated once, after"
                        + " epoch %d)", r.testAccuracy(), data.testY().length, config.epochs()));
        out.accept(confusionTable(r.confusion()));
        r.network().save(outDir.resolve("model.safetensors"));
        writeJson(r, outDir.resolve("vecprop.json"), loadSeconds);
        writeCsv(r, outDir);
        out.accept(String.format(Locale.ROOT, "vecprop: test accuracy %.4f after %d epochs; training %.1f s,"
                        + " wall time %.1f s (reading the files %.1f s more) on %s, JDK %s",
                r.testAccuracy(), config.epochs(), r.trainSeconds(), r.wallSeconds(), loadSeconds,
                GradientNorms.machine(), jdk()));
        out.accept("wrote " + outDir.resolve("model.safetensors") + " (scripts/serve --model ...), "
                + outDir.resolve("initial.safetensors") + ", vecprop.json, curves.csv, confusion.csv");
        return r;
    }

    /** The confusion matrix as text: a row per true class, a column per predicted class. */
    static String confusionTable(int[][] c) {
        StringBuilder s = new StringBuilder("confusion matrix (rows: true class, columns: predicted)\n");
        s.append(String.format(Locale.ROOT, "%-12s", ""));
        for (int j = 0; j < c.length; j++) {
            s.append(String.format(Locale.ROOT, "%6d", j));
        }
        s.append("   recall\n");
        for (int i = 0; i < c.length; i++) {
            s.append(String.format(Locale.ROOT, "%d %-10s", i, CLASSES.get(i)));
            long row = 0;
            for (int j = 0; j < c.length; j++) {
                s.append(String.format(Locale.ROOT, "%6d", c[i][j]));
                row += c[i][j];
            }
            s.append(String.format(Locale.ROOT, "   %.3f", row == 0 ? 0 : (double) c[i][i] / row));
            if (i < c.length - 1) {
                s.append('\n');
            }
        }
        return s.toString();
    }

    static void writeJson(Result r, Path file, double loadSeconds) throws IOException {
        Config c = r.config();
        StringBuilder s = new StringBuilder("{\n");
        s.append(" \"runtime\": ").append(quote("vecprop")).append(",\n");
        s.append(" \"machine\": ").append(quote(GradientNorms.machine())).append(",\n");
        s.append(" \"jdk\": ").append(quote(jdk())).append(",\n");
        s.append(" \"simd\": ").append(quote(Simd.description())).append(",\n");
        s.append(" \"setup\": ").append(quote(c.describe())).append(",\n");
        s.append(" \"config\": {\"epochs\": ").append(c.epochs()).append(", \"batch\": ").append(c.batch())
                .append(", \"lr\": ").append(num(c.lr())).append(", \"lr_min\": ").append(num(c.lrMin()))
                .append(", \"weight_decay\": ").append(num(c.weightDecay()))
                .append(", \"label_smoothing\": ").append(num(c.labelSmoothing()))
                .append(", \"validation\": ").append(c.validation()).append(", \"seed\": ").append(c.seed())
                .append("},\n");
        s.append(" \"epochs\": [\n");
        for (int i = 0; i < r.epochs().size(); i++) {
            Epoch e = r.epochs().get(i);
            s.append("  {\"epoch\": ").append(e.epoch()).append(", \"train_loss\": ").append(num(e.trainLoss()))
                    .append(", \"validation_accuracy\": ").append(num(e.validationAccuracy()))
                    .append(", \"seconds\": ").append(num(e.seconds()))
                    .append(", \"steps_per_second\": ").append(num(e.stepsPerSecond()))
                    .append(", \"allocated_bytes\": ").append(e.allocatedBytes())
                    .append(", \"diagnostics_bytes\": ").append(e.diagnosticsBytes())
                    .append(", \"update_ratio\": ").append(num(e.updateRatio()))
                    .append(", \"verdict\": ").append(quote(e.verdict())).append('}')
                    .append(i < r.epochs().size() - 1 ? ",\n" : "\n");
        }
        s.append(" ],\n");
        s.append(" \"test_accuracy\": ").append(num(r.testAccuracy())).append(",\n");
        s.append(" \"train_seconds\": ").append(num(r.trainSeconds())).append(",\n");
        s.append(" \"wall_seconds\": ").append(num(r.wallSeconds())).append(",\n");
        s.append(" \"load_seconds\": ").append(num(loadSeconds)).append(",\n");
        s.append(" \"classes\": [");
        for (int i = 0; i < CLASSES.size(); i++) {
            s.append(i == 0 ? "" : ", ").append(quote(CLASSES.get(i)));
        }
        s.append("],\n \"confusion\": [\n");
        int[][] m = r.confusion();
        for (int i = 0; m != null && i < m.length; i++) {
            s.append("  ").append(java.util.Arrays.toString(m[i])).append(i < m.length - 1 ? ",\n" : "\n");
        }
        s.append(" ]\n}\n");
        createParent(file);
        Files.writeString(file, s, StandardCharsets.UTF_8);
    }

    static void writeCsv(Result r, Path dir) throws IOException {
        String head = "# setup: " + r.config().describe() + "\n# machine: " + GradientNorms.machine()
                + "\n# jdk: " + jdk() + "\n# simd: " + Simd.description() + "\n";
        StringBuilder s = new StringBuilder("# vecprop demo fashion: per-epoch figures\n").append(head);
        s.append("epoch,train_loss,validation_accuracy,seconds,steps_per_second,allocated_bytes,diagnostics_bytes,"
                + "update_ratio,verdict\n");
        for (Epoch e : r.epochs()) {
            s.append(e.epoch()).append(',').append(num(e.trainLoss())).append(',')
                    .append(num(e.validationAccuracy())).append(',').append(num(e.seconds())).append(',')
                    .append(num(e.stepsPerSecond())).append(',').append(e.allocatedBytes()).append(',')
                    .append(e.diagnosticsBytes()).append(',')
                    .append(num(e.updateRatio())).append(',').append(e.verdict().replace(',', ';')).append('\n');
        }
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("curves.csv"), s, StandardCharsets.UTF_8);
        s = new StringBuilder("# vecprop demo fashion: test confusion matrix, rows true class, columns"
                + " predicted; test accuracy " + num(r.testAccuracy()) + "\n").append(head);
        s.append("true");
        for (String c : CLASSES) {
            s.append(',').append(c);
        }
        s.append('\n');
        for (int i = 0; i < r.confusion().length; i++) {
            s.append(CLASSES.get(i));
            for (int v : r.confusion()[i]) {
                s.append(',').append(v);
            }
            s.append('\n');
        }
        Files.writeString(dir.resolve("confusion.csv"), s, StandardCharsets.UTF_8);
    }

    private static void createParent(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
    }

    private static String num(double v) {
        if (!Double.isFinite(v)) {
            return "null";
        }
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? String.valueOf((long) v)
                : String.format(Locale.ROOT, "%.6g", v).replaceFirst("(\\.\\d*?)0+(e|$)", "$1$2")
                        .replaceFirst("\\.(e|$)", "$1");
    }

    private static String quote(String v) {
        StringBuilder s = new StringBuilder("\"");
        for (char ch : v.toCharArray()) {
            switch (ch) {
                case '"' -> s.append("\\\"");
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                default -> {
                    if (ch < 0x20) {
                        s.append(String.format(Locale.ROOT, "\\u%04x", (int) ch));
                    } else {
                        s.append(ch);
                    }
                }
            }
        }
        return s.append('"').toString();
    }

    // ---------------------------------------------------------------- as a program of its own

    static final String USAGE = """
            usage: FashionDemo [--data DIR] [--out DIR] [--validation-only] [--epochs N] [--batch N]
                               [--lr X] [--lr-min X] [--weight-decay X] [--label-smoothing X]
                               [--validation N] [--seed N]
              Trains the 784-256-128-10 classifier on Fashion-MNIST (DIR: the four IDX files,
              default /usr/share/datasets/fashion-mnist) and writes its files into --out
              (default results/fashion). Defaults: the demo's configuration.
              --validation-only  reports validation accuracy only: the test files are not read and
                                 nothing is written (how the configuration was chosen)""";

    /** The options of a run as a program. */
    record Options(Path data, Path out, boolean validationOnly, Config config, boolean help) {}

    /**
     * Parses the program's options.
     *
     * @throws IllegalArgumentException with a one-line message for an unknown option, a missing or
     *     malformed value, or a value out of range
     */
    static Options parse(String[] args) {
        Path data = DEFAULT_DATA, out = Path.of("results", "fashion");
        boolean validationOnly = false;
        Config c = CHOSEN;
        int epochs = c.epochs(), batch = c.batch(), validation = c.validation();
        float lr = c.lr(), lrMin = c.lrMin(), wd = c.weightDecay(), ls = c.labelSmoothing();
        long seed = c.seed();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            switch (a) {
                case "-h", "--help" -> {
                    return new Options(data, out, validationOnly, c, true);
                }
                case "--validation-only" -> validationOnly = true;
                case "--data" -> data = Path.of(value(args, ++i, a));
                case "--out" -> out = Path.of(value(args, ++i, a));
                case "--epochs" -> epochs = (int) integer(value(args, ++i, a), a);
                case "--batch" -> batch = (int) integer(value(args, ++i, a), a);
                case "--validation" -> validation = (int) integer(value(args, ++i, a), a);
                case "--seed" -> seed = integer(value(args, ++i, a), a);
                case "--lr" -> lr = real(value(args, ++i, a), a);
                case "--lr-min" -> lrMin = real(value(args, ++i, a), a);
                case "--weight-decay" -> wd = real(value(args, ++i, a), a);
                case "--label-smoothing" -> ls = real(value(args, ++i, a), a);
                default -> throw new IllegalArgumentException("unknown option '" + a + "': accepted are --data,"
                        + " --out, --validation-only, --epochs, --batch, --lr, --lr-min, --weight-decay,"
                        + " --label-smoothing, --validation, --seed, --help");
            }
        }
        return new Options(data, out, validationOnly, new Config(epochs, batch, lr, lrMin, wd, ls, validation,
                seed), false);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static long integer(String v, String option) {
        try {
            long n = Long.parseLong(v);
            if (!option.equals("--seed") && (n < Integer.MIN_VALUE || n > Integer.MAX_VALUE)) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs an integer, got '" + v + "'");
        }
    }

    private static float real(String v, String option) {
        try {
            return Float.parseFloat(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(option + " needs a number, got '" + v + "'");
        }
    }

    /**
     * Runs as a program: 0 on success, 2 on a usage error (one line on {@code err}), 1 when a file
     * cannot be read or written.
     */
    static int run(String[] args, PrintStream out, PrintStream err) {
        Options o;
        try {
            o = parse(args);
        } catch (IllegalArgumentException e) {
            err.println("FashionDemo: " + e.getMessage());
            return 2;
        }
        if (o.help()) {
            out.println(USAGE);
            return 0;
        }
        try {
            if (o.validationOnly()) {
                Data data = load(o.data(), false);
                out.println(o.config().describe() + " (validation only: the test set is not read)");
                Result r = train(data, o.config(), null, out::println);
                Epoch last = r.epochs().getLast();
                out.printf(Locale.ROOT, "validation accuracy %.4f after %d epochs (best %.4f at epoch %d);"
                                + " training %.1f s%n", last.validationAccuracy(), last.epoch(),
                        r.epochs().stream().mapToDouble(Epoch::validationAccuracy).max().orElse(0),
                        r.epochs().stream().max(java.util.Comparator.comparingDouble(Epoch::validationAccuracy))
                                .orElseThrow().epoch(), r.trainSeconds());
            } else {
                demo(o.data(), o.out(), o.config(), out::println);
            }
            return 0;
        } catch (IOException e) {
            err.println("FashionDemo: " + e.getMessage());
            return 1;
        }
    }

    /**
     * Runs the demo with options ({@code --help} lists them).
     *
     * @param args the options
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }
}

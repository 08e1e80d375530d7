package org.vecprop.jmh;

import java.util.Arrays;
import java.util.Random;

/**
 * One {@link TrainStep} network and what it is trained with, parsed from the benchmark's
 * {@code net} parameter: {@code SIZES@BATCH[:STEP]}, layer widths from the input to the output
 * joined by {@code -}, the batch, and the step:
 * <ul>
 *   <li>{@code mse-sgd} (the default when {@code :STEP} is left out): identity output layer, MSE
 *       against float targets, plain SGD;</li>
 *   <li>{@code ce-adamw}: a classifier, softmax cross-entropy (mean over the batch) against one
 *       integer label per row, AdamW.</li>
 * </ul>
 * Hidden layers are ReLU in both. For example {@code 784-256-128-10@64},
 * {@code 784-256-128-10@64:ce-adamw}. {@code scripts/numpy_trainstep.py} parses the same
 * strings.
 *
 * @param sizes layer widths, input first
 * @param batch rows per step
 * @param classifier true for {@code ce-adamw}
 */
public record TrainNet(int[] sizes, int batch, boolean classifier) {
    /** Batches of data per net; step s uses batch {@code s mod BATCHES} (a power of two). */
    public static final int BATCHES = 8;
    /** The seed of the data. */
    static final long DATA_SEED = 2024;
    /** The seed of {@link org.vecprop.nn.Network}'s initialisation. */
    static final long INIT_SEED = 1;

    /**
     * Parses {@code SIZES@BATCH[:STEP]}.
     *
     * @throws IllegalArgumentException naming the spec if it is not one
     */
    public static TrainNet parse(String spec) {
        String body = spec;
        boolean classifier = false;
        int colon = spec.indexOf(':');
        if (colon >= 0) {
            body = spec.substring(0, colon);
            classifier = switch (spec.substring(colon + 1)) {
                case "mse-sgd" -> false;
                case "ce-adamw" -> true;
                default -> throw new IllegalArgumentException("net's step must be mse-sgd or ce-adamw, got "
                        + spec.substring(colon + 1) + " in " + spec);
            };
        }
        String[] parts = body.split("@");
        int[] sizes;
        int batch;
        try {
            if (parts.length != 2) {
                throw new NumberFormatException();
            }
            sizes = Arrays.stream(parts[0].split("-")).mapToInt(Integer::parseInt).toArray();
            batch = Integer.parseInt(parts[1]);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("net must be SIZES@BATCH[:STEP], e.g. "
                    + "784-256-128-10@64 or 784-256-128-10@64:ce-adamw, got " + spec);
        }
        if (sizes.length < 2 || batch < 1 || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
            throw new IllegalArgumentException("net must have at least two sizes, each >= 1, and a "
                    + "batch >= 1, got " + spec);
        }
        if (classifier && sizes[sizes.length - 1] < 2) {
            throw new IllegalArgumentException("a ce-adamw net needs at least 2 classes, got " + spec);
        }
        return new TrainNet(sizes, batch, classifier);
    }

    /** {@return the number of layers} */
    public int layers() {
        return sizes.length - 1;
    }

    /** {@return the input width} */
    public int inputs() {
        return sizes[0];
    }

    /** {@return the output width (the classes of a classifier)} */
    public int outputs() {
        return sizes[sizes.length - 1];
    }

    /**
     * The benchmark's data: {@link #BATCHES} batches drawn from {@code Random(2024)}, batch by
     * batch: the inputs ({@code batch x inputs}, uniform in [-1, 1)), then the batch's targets:
     * {@code batch x outputs} floats uniform in [-1, 1) for {@code mse-sgd}, {@code batch} labels
     * {@code nextInt(classes)} for {@code ce-adamw}.
     */
    public Data data() {
        Random r = new Random(DATA_SEED);
        float[][] xs = new float[BATCHES][], ts = new float[BATCHES][];
        int[][] labels = new int[BATCHES][];
        for (int i = 0; i < BATCHES; i++) {
            xs[i] = RandomData.uniform(r, batch * inputs());
            if (classifier) {
                labels[i] = new int[batch];
                for (int row = 0; row < batch; row++) {
                    labels[i][row] = r.nextInt(outputs());
                }
            } else {
                ts[i] = RandomData.uniform(r, batch * outputs());
            }
        }
        return new Data(xs, classifier ? null : ts, classifier ? labels : null);
    }

    /**
     * The batches of {@link #data()}.
     *
     * @param xs inputs per batch
     * @param ts float targets per batch ({@code mse-sgd}), else null
     * @param labels class labels per batch ({@code ce-adamw}), else null
     */
    public record Data(float[][] xs, float[][] ts, int[][] labels) {
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < sizes.length; i++) {
            s.append(i == 0 ? "" : "-").append(sizes[i]);
        }
        return s.append('@').append(batch).append(classifier ? ":ce-adamw" : "").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TrainNet t && Arrays.equals(sizes, t.sizes) && batch == t.batch
                && classifier == t.classifier;
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sizes) * 31 + batch * 2 + (classifier ? 1 : 0);
    }
}

package org.vecprop;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.vecprop.kernel.Activation;
import org.vecprop.kernel.Bias;
import org.vecprop.kernel.Gemm;
import org.vecprop.kernel.Mse;
import org.vecprop.kernel.Relu;
import org.vecprop.kernel.Simd;
import org.vecprop.kernel.Stats;
import org.vecprop.kernel.Update;
import org.vecprop.nn.Dense;
import org.vecprop.nn.Gradients;
import org.vecprop.nn.Network;
import org.vecprop.nn.Parameter;
import org.vecprop.nn.Sgd;
import org.vecprop.nn.SgdOptions;

/**
 * The same bits everywhere: a fixed set of kernel calls (every GEMM path and transpose, strided
 * layouts, several depth blocks, special values, the reductions, sigmoid and tanh forward, backward
 * and in the GEMM epilogue) and 100 training steps of a
 * 784-256-128-10 network, hashed. Every configuration {@code scripts/test} runs (512, 256 and
 * 128 bits, the scalar path without the incubator module, C1 only, {@code vectorBits=0}, and the
 * Vector API kernels interpreted) must print the same hash; {@code scripts/test} compares them
 * and fails on any difference. The hash is printed so two machines can compare it by eye.
 *
 * <p>Every hash must also equal the one pinned in {@code same-bits-pinned.txt} (a test resource):
 * an order change made the same way on every path would still give one hash everywhere, but a
 * different one, and that is a breaking change to be made deliberately (the file says how).
 *
 * <p>Within one JVM the test also checks that a cold run (partly interpreted) and a hot run give
 * the same hash. NaN results are hashed as the canonical NaN: Java does not specify NaN payloads.
 */
class SameBitsTest {
    /** Batch of the training run: small, so that the interpreted configuration stays quick. */
    static final int BATCH = 4;
    static final int STEPS = 100;

    @Test
    void everyConfigurationComputesThePinnedBits() throws IOException {
        Map<String, String> pinned = pinned();
        Map<String, String> cold = hashes();
        Map<String, String> hot = hashes();
        assertEquals(cold, hot, "the same calls gave different bits before and after JIT compilation");
        String config = System.getProperty("vecprop.config", "default");
        StringBuilder lines = new StringBuilder();
        hot.forEach((name, hash) -> {
            System.out.println("[vecprop] same-bits hash " + name + " " + hash + " (" + config + "; "
                    + Simd.description() + ")");
            lines.append(name).append(' ').append(hash).append('\n');
        });
        String dir = System.getProperty("vecprop.samebits.dir");
        if (dir != null) {
            Path file = Path.of(dir, config + ".txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, lines.toString(), StandardCharsets.UTF_8);
        }
        assertEquals(pinned.keySet(), hot.keySet(), "the pinned file " + PINNED + " names every hash, and only those");
        hot.forEach((name, hash) -> assertEquals(pinned.get(name), hash, "same-bits hash '" + name
                + "' differs from the one pinned in " + PINNED + ": the order of arithmetic changed."
                + " If that is deliberate it is a breaking change: update the pinned file and"
                + " CHANGELOG.md in the same commit, saying why"));
    }

    /** Where the pinned hashes live (a test resource: {@code src/test/resources/org/vecprop}). */
    static final String PINNED = "same-bits-pinned.txt";

    /** The pinned hashes by name: lines {@code name hash comment...}, {@code #} comments. */
    static Map<String, String> pinned() throws IOException {
        Map<String, String> pinned = new LinkedHashMap<>();
        try (var in = SameBitsTest.class.getResourceAsStream(PINNED)) {
            if (in == null) {
                throw new AssertionError(PINNED + " is missing from the test resources");
            }
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String t = line.strip();
                if (t.isEmpty() || t.startsWith("#")) {
                    continue;
                }
                String[] f = t.split("\\s+", 3);
                pinned.put(f[0], f[1]);
            }
        }
        return pinned;
    }

    /** Every named hash this test computes, in a fixed order. */
    static Map<String, String> hashes() {
        Map<String, String> hashes = new LinkedHashMap<>();
        hashes.put("reference", hash());
        Digest d = new Digest();
        classifierTraining(d);
        hashes.put("classifier-training", d.hex());
        Digest b = new Digest();
        bfloat16Inference(b);
        hashes.put("bfloat16-inference", b.hex());
        hashes.put("classification-kernels", ClassificationBits.hash());
        return hashes;
    }

    /** Runs every call and returns the SHA-256 of all their results, as hex. */
    static String hash() {
        Digest d = new Digest();
        kernels(d);
        training(d);
        return d.hex();
    }

    static void kernels(Digest d) {
        SplittableRandom rnd = new SplittableRandom(20261130);
        // GEMM: shapes through the tiny, direct and packed paths, a C narrow enough to be
        // computed transposed, depth over several blocks, every transpose, strided operands.
        int[][] shapes = {{1, 2, 2}, {3, 5, 4}, {2, 300, 40}, {4, 33, 300}, {17, 19, 23},
            {64, 10, 128}, {128, 10, 64}, {70, 90, 257}, {300, 3, 129}, {33, 200, 520}};
        for (int[] s : shapes) {
            int m = s[0], n = s[1], k = s[2];
            for (int t = 0; t < 4; t++) {
                boolean ta = (t & 1) != 0, tb = (t & 2) != 0;
                int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
                float[] a = values(rnd, (ta ? k : m) * lda), b = values(rnd, (tb ? n : k) * ldb);
                float[] c = values(rnd, m * ldc), bias = values(rnd, n);
                Gemm.multiply(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, ldc);
                d.add(c);
                Gemm.multiply(ta, tb, m, n, k, -0.75f, a, 0, lda, b, 0, ldb, 1.5f, c, 0, ldc);
                d.add(c);
                Gemm.multiplyBiasActivation(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0.5f, c, 0, ldc,
                        bias, 0, Activation.RELU);
                d.add(c);
                Gemm.multiplyParallel(ta, tb, m, n, k, 1f, a, 0, lda, b, 0, ldb, 0f, c, 0, ldc,
                        Runnable::run, 3);
                d.add(c);
                Gemm.multiplyBiasActivation(ta, tb, m, n, k, 2f, a, 0, lda, b, 0, ldb, 0f, c, 0, ldc,
                        bias, 0, t % 2 == 0 ? Activation.SIGMOID : Activation.TANH);
                d.add(c);
            }
        }
        // Special values through GEMM: NaN and infinities propagate the same way everywhere.
        float[] a = values(rnd, 40 * 50), b = values(rnd, 50 * 60), c = new float[40 * 60];
        a[7] = Float.NaN;
        a[130] = Float.POSITIVE_INFINITY;
        b[99] = Float.NEGATIVE_INFINITY;
        b[500] = -0f;
        Gemm.multiply(false, false, 40, 60, 50, 1f, a, 0, 50, b, 0, 60, 0f, c, 0, 60);
        d.add(c);
        // Element-wise kernels and the reductions, contiguous and strided, with a tail.
        for (int[] s : new int[][] {{1, 1000}, {7, 130}, {33, 64}, {1, 5000}, {300, 10}}) {
            int rows = s[0], cols = s[1], ld = cols + 5;
            float[] x = values(rnd, rows * ld), y = values(rnd, rows * ld), z = new float[rows * ld];
            x[3] = Float.NaN;
            y[1] = Float.POSITIVE_INFINITY;
            float[] db = values(rnd, cols), out = new float[rows * ld];
            Relu.forward(rows, cols, x, 0, ld, z, 0, ld);
            d.add(z);
            Relu.backwardWithBiasGradient(rows, cols, x, 0, ld, y, 0, ld, z, 0, ld, db, 0, true);
            d.add(z);
            d.add(db);
            Bias.add(rows, cols, x, 0, ld, db, 0, out, 0, ld);
            d.add(out);
            Bias.gradient(rows, cols, y, 0, ld, db, 0, false);
            d.add(db);
            d.add(Mse.loss(rows, cols, x, 0, ld, y, 0, ld));
            d.add(Mse.lossAndGradient(rows, cols, y, 0, ld, z, 0, ld, out, 0, ld));
            d.add(out);
            double[] summary = new double[4];
            Stats.summarize(rows, cols, x, 0, ld, summary);
            for (double v : summary) {
                d.add(v);
            }
            d.add(Stats.deadColumns(rows, cols, x, 0, ld));
            // Sigmoid and tanh over [-40, 40] (saturation, e^x near underflow) and special values,
            // then their backward passes from the stored activation, fused with db.
            float[] wide = x.clone();
            for (int i = 0; i < wide.length; i++) {
                wide[i] *= 40f;
            }
            wide[2] = Float.NEGATIVE_INFINITY;
            wide[4] = -0f;
            float[] act = new float[rows * ld];
            Activation.SIGMOID.forward(rows, cols, wide, 0, ld, act, 0, ld);
            d.add(act);
            Activation.SIGMOID.backwardWithBiasGradient(rows, cols, act, 0, ld, y, 0, ld, out, 0, ld, db, 0, true);
            d.add(out);
            d.add(db);
            Activation.TANH.forward(rows, cols, wide, 0, ld, act, 0, ld);
            d.add(act);
            Activation.TANH.backward(rows, cols, act, 0, ld, y, 0, ld, out, 0, ld);
            d.add(out);
            Activation.TANH.backwardWithBiasGradient(rows, cols, act, 0, ld, y, 0, ld, out, 0, ld, db, 0, false);
            d.add(out);
            d.add(db);
            float[] w = values(rnd, rows * cols), g = values(rnd, rows * cols), v = values(rnd, rows * cols);
            Update.sgd(rows * cols, w, 0, g, 0, v, 0, 0.01f, 0.9f, 1e-4f, true);
            d.add(w);
            d.add(v);
            d.add(g);
        }
        // The contiguous MSE over several chunks.
        float[] p = values(rnd, 70_001), t = values(rnd, 70_001), g = new float[70_001];
        d.add(Mse.lossAndGradient(1, 70_001, p, 0, 70_001, t, 0, 70_001, g, 0, 70_001));
        d.add(g);
    }

    /** 100 SGD steps with momentum of a 784-256-128-10 network, hashing every loss and the end state. */
    static void training(Digest d) {
        Network net = Network.mlp(BATCH, 7, 784, 256, 128, 10);
        Sgd sgd = new Sgd(net, SgdOptions.learningRate(0.01f).withMomentum(0.9f).withWeightDecay(1e-4f));
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = new float[BATCH * 784], y = new float[BATCH * 10];
        for (int step = 0; step < STEPS; step++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble();
            }
            for (int i = 0; i < y.length; i++) {
                y[i] = (float) rnd.nextDouble(-1, 1);
            }
            net.forward(x, 0, 784, BATCH);
            d.add(net.loss(y, 0, 10));
            net.backward(Gradients.ACCUMULATE);
            sgd.step();
        }
        for (Parameter p : net.parameters()) { // 0.weight, 0.bias, 2.weight, ...: layer by layer
            float[] values = new float[p.size()];
            p.copyTo(values, 0);
            d.add(values);
        }
        // A tanh and a sigmoid hidden layer: their fused forward and backward through training.
        Network smooth = new Network(new Dense(40, 48, Activation.TANH, true, BATCH, 3),
                new Dense(48, 33, Activation.SIGMOID, true, BATCH, 4),
                new Dense(33, 5, Activation.IDENTITY, true, BATCH, 5));
        Sgd smoothSgd = new Sgd(smooth, SgdOptions.learningRate(0.1f).withMomentum(0.9f));
        float[] xs = new float[BATCH * 40], ys = new float[BATCH * 5];
        for (int step = 0; step < 30; step++) {
            for (int i = 0; i < xs.length; i++) {
                xs[i] = (float) rnd.nextDouble(-2, 2);
            }
            for (int i = 0; i < ys.length; i++) {
                ys[i] = (float) rnd.nextDouble(-1, 1);
            }
            smooth.forward(xs, 0, 40, BATCH);
            d.add(smooth.loss(ys, 0, 5));
            smooth.backward(Gradients.ACCUMULATE);
            smoothSgd.step();
        }
        for (Parameter p : smooth.parameters()) {
            float[] values = new float[p.size()];
            p.copyTo(values, 0);
            d.add(values);
        }
    }

    /**
     * What a classifier's and a scorer's training compute: 60 AdamW steps of a 784-256-128-10 ReLU
     * classifier with softmax cross-entropy (label smoothing, the fused loss and gradient), a
     * cosine schedule, the probabilities of its last batch, then 30 Adam (L2) steps of a scorer
     * with binary cross-entropy and positive weights; every loss, the final parameters and the
     * optimizers' moments, hashed.
     */
    static void classifierTraining(Digest d) {
        Network net = Network.mlp(BATCH, 7, org.vecprop.nn.Loss.crossEntropy(org.vecprop.kernel.Reduction.MEAN, 0.1f),
                Activation.RELU, 784, 256, 128, 10);
        org.vecprop.nn.Adam adam = new org.vecprop.nn.Adam(net, org.vecprop.nn.AdamOptions.adamW(2e-3f)
                .withSchedule(org.vecprop.nn.LearningRateSchedule.cosine(2e-3f, 1e-4f, 60)));
        SplittableRandom rnd = new SplittableRandom(13);
        float[] x = new float[BATCH * 784];
        int[] labels = new int[BATCH];
        for (int step = 0; step < 60; step++) {
            for (int i = 0; i < x.length; i++) {
                x[i] = (float) rnd.nextDouble();
            }
            for (int i = 0; i < BATCH; i++) {
                labels[i] = rnd.nextInt(10);
            }
            net.forward(x, 0, 784, BATCH);
            d.add(net.loss(labels, 0));
            net.backward(Gradients.ACCUMULATE);
            adam.step();
        }
        net.forward(x, 0, 784, BATCH);
        float[] p = new float[BATCH * 10];
        net.probabilities(p, 0, 10);
        d.add(p);
        for (org.vecprop.io.Tensor t : adam.state().tensors().values()) { // parameters' moments, in order
            d.add(t.toArray());
        }
        for (Parameter param : net.parameters()) {
            float[] values = new float[param.size()];
            param.copyTo(values, 0);
            d.add(values);
        }
        Network scorer = Network.mlp(BATCH, 21, org.vecprop.nn.Loss.binaryCrossEntropyWithLogits(
                org.vecprop.kernel.Reduction.SUM, new float[] {0.5f, 2f, 4f}), Activation.TANH, 30, 40, 3);
        org.vecprop.nn.Adam l2 = new org.vecprop.nn.Adam(scorer, org.vecprop.nn.AdamOptions.adam(1e-2f).withWeightDecay(1e-3f));
        float[] xs = new float[BATCH * 30], ys = new float[BATCH * 3];
        for (int step = 0; step < 30; step++) {
            for (int i = 0; i < xs.length; i++) {
                xs[i] = (float) rnd.nextDouble(-2, 2);
            }
            for (int i = 0; i < ys.length; i++) {
                ys[i] = rnd.nextInt(2);
            }
            scorer.forward(xs, 0, 30, BATCH);
            d.add(scorer.loss(ys, 0, 3));
            scorer.backward(Gradients.OVERWRITE);
            l2.step();
        }
        for (Parameter param : scorer.parameters()) {
            float[] values = new float[param.size()];
            param.copyTo(values, 0);
            d.add(values);
        }
    }

    /**
     * Inference with bfloat16 weights (a different computation from float32, with its own same
     * bits): a 784-256-128-10 classifier read as bfloat16 at batches 1, 2, 3 and 4 (the one-row,
     * few-row and widened paths), before and after a swap of its weights, and its probabilities.
     */
    static void bfloat16Inference(Digest d) {
        Network net = Network.classifier(BATCH, 17, 784, 256, 128, 10);
        Network bf = net.sharingWeights(BATCH, org.vecprop.nn.WeightFormat.BFLOAT16);
        SplittableRandom rnd = new SplittableRandom(19);
        float[] x = values(rnd, BATCH * 784), p = new float[BATCH * 10];
        for (int swap = 0; swap < 2; swap++) {
            for (int batch = 1; batch <= BATCH; batch++) {
                d.add(bf.forward(x, 0, 784, batch).toArray());
            }
            bf.probabilities(p, 0, 10);
            d.add(p);
            for (Parameter param : net.parameters()) {
                param.copyFrom(values(rnd, param.size()), 0);
            }
        }
    }

    static float[] values(SplittableRandom rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextDouble(-1, 1);
        }
        return v;
    }

    /** SHA-256 over canonical float bits. */
    static final class Digest {
        private final MessageDigest sha;
        private final byte[] word = new byte[8];

        Digest() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }

        void add(float[] values) {
            for (float v : values) {
                add(v);
            }
        }

        void add(float v) {
            add((long) Float.floatToIntBits(v));
        }

        void add(double v) {
            add(Double.doubleToLongBits(v));
        }

        void add(long bits) {
            for (int i = 0; i < 8; i++) {
                word[i] = (byte) (bits >>> (8 * i));
            }
            sha.update(word);
        }

        String hex() {
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        }
    }
}

package org.vecprop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.vecprop.nn.Network;

/**
 * The Fashion-MNIST demo end to end on a small made-up dataset in the same four gzip IDX files
 * (4 x 4 images, 10 classes, each a fixed pattern plus noise: learnable in a few epochs): it
 * trains, evaluates the test set once, and writes the files the NumPy run, the plots and
 * {@code scripts/serve --model} read.
 */
class FashionDemoTest {
    @TempDir
    Path tmp;

    private static final int SIDE = 4;

    /** Writes an IDX file of unsigned bytes, gzip-compressed, as the dataset's files are. */
    private static void idx(Path file, int magic, int[] dims, byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream d = new DataOutputStream(b)) {
            d.writeInt(magic);
            for (int n : dims) {
                d.writeInt(n);
            }
            d.write(data);
        }
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
            o.write(b.toByteArray());
        }
    }

    /** {@code count} images of class {@code i % 10}: the class's pattern plus noise of +-40. */
    private static void write(Path dir, String prefix, int count, byte[][] patterns, long seed) throws IOException {
        SplittableRandom rnd = new SplittableRandom(seed);
        int pixels = SIDE * SIDE;
        byte[] images = new byte[count * pixels];
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            int c = rnd.nextInt(10);
            labels[i] = (byte) c;
            for (int p = 0; p < pixels; p++) {
                int v = (patterns[c][p] & 0xff) + rnd.nextInt(-40, 41);
                images[i * pixels + p] = (byte) Math.max(0, Math.min(255, v));
            }
        }
        idx(dir.resolve(prefix + "-images-idx3-ubyte.gz"), 0x803, new int[] {count, SIDE, SIDE}, images);
        idx(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), 0x801, new int[] {count}, labels);
    }

    private Path dataset() throws IOException {
        SplittableRandom rnd = new SplittableRandom(1);
        byte[][] patterns = new byte[10][SIDE * SIDE];
        for (byte[] p : patterns) {
            for (int i = 0; i < p.length; i++) {
                p[i] = (byte) (rnd.nextBoolean() ? 200 : 30);
            }
        }
        Path dir = Files.createDirectories(tmp.resolve("data"));
        write(dir, "train", 1200, patterns, 2);
        write(dir, "t10k", 300, patterns, 3);
        return dir;
    }

    @Test
    void trainsEvaluatesTheTestSetOnceAndWritesEveryFile() throws IOException {
        Path out = tmp.resolve("out");
        FashionDemo.Config config = new FashionDemo.Config(3, 32, 1e-2f, 1e-4f, 1e-4f, 0f, 200, 42);
        List<String> lines = new ArrayList<>();
        FashionDemo.Result r = FashionDemo.demo(dataset(), out, config, lines::add);

        assertEquals(3, r.epochs().size());
        for (FashionDemo.Epoch e : r.epochs()) {
            assertTrue(Double.isFinite(e.trainLoss()) && e.seconds() > 0, e.toString());
        }
        assertTrue(r.epochs().get(2).trainLoss() < r.epochs().get(0).trainLoss(), "the loss falls");
        assertTrue(r.epochs().get(2).validationAccuracy() > 0.9, "validation " + r.epochs().get(2));
        assertTrue(r.testAccuracy() > 0.9, "test " + r.testAccuracy());
        long total = 0;
        long diagonal = 0;
        for (int i = 0; i < 10; i++) {
            for (int j = 0; j < 10; j++) {
                total += r.confusion()[i][j];
            }
            diagonal += r.confusion()[i][i];
        }
        assertEquals(300, total, "every test image counted once");
        assertEquals(r.testAccuracy(), (double) diagonal / total, 0);
        assertEquals(1, lines.stream().filter(l -> l.startsWith("test accuracy ")).count(),
                "the test accuracy is printed once");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("epoch  3/3  train loss ")), lines.toString());

        // The trained model as scripts/serve --model loads it: the same predictions.
        Network saved = Network.load(out.resolve("model.safetensors"), 4);
        float[] x = new float[4 * SIDE * SIDE];
        for (int i = 0; i < x.length; i++) {
            x[i] = (i % 7) / 7f;
        }
        saved.forward(x, 0, SIDE * SIDE, 4);
        r.network().forward(x, 0, SIDE * SIDE, 4);
        int[] a = new int[4], b = new int[4];
        saved.argmax(a, 0);
        r.network().argmax(b, 0);
        assertArrayEquals(b, a);
        assertTrue(saved.modules().startsWith("Linear(16, 256), ReLU(), Linear(256, 128)"), saved.modules());
        // The initial weights (the NumPy run's start) are those before the first step.
        Network initial = Network.load(out.resolve("initial.safetensors"), 1);
        float[] w0 = new float[initial.parameter("0.weight").size()];
        float[] w1 = new float[w0.length];
        initial.parameter("0.weight").copyTo(w0, 0);
        Network.classifier(1, 42, 16, 256, 128, 10).parameter("0.weight").copyTo(w1, 0);
        assertArrayEquals(w1, w0, "the network's initialisation from the seed, untouched");

        String json = Files.readString(out.resolve("vecprop.json"));
        for (String key : new String[] {"\"runtime\": \"vecprop\"", "\"machine\": ", "\"jdk\": ", "\"test_accuracy\": ",
            "\"confusion\": [", "\"epochs\": [", "\"config\": {\"epochs\": 3, \"batch\": 32, \"lr\": 0.01,",
            "\"weight_decay\": 0.0001", "\"wall_seconds\": "}) {
            assertTrue(json.contains(key), key + " in " + json);
        }
        List<String> curves = Files.readAllLines(out.resolve("curves.csv"));
        assertTrue(curves.stream().anyMatch(l -> l.startsWith("# machine: ")));
        assertTrue(curves.stream().anyMatch(l -> l.startsWith("# jdk: ")));
        assertEquals(3, curves.stream().filter(l -> !l.startsWith("#") && !l.startsWith("epoch")).count());
        List<String> confusion = Files.readAllLines(out.resolve("confusion.csv"));
        assertEquals(11, confusion.stream().filter(l -> !l.startsWith("#")).count(), "header and 10 rows");
    }

    @Test
    void theValidationSplitMustLeaveTrainingData() throws IOException {
        FashionDemo.Data d = FashionDemo.load(dataset(), false);
        assertEquals(1200, d.trainY().length);
        assertEquals(null, d.testX(), "the test set is not read for --validation-only");
        FashionDemo.Config c = new FashionDemo.Config(1, 32, 1e-3f, 0f, 0f, 0f, 1200, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FashionDemo.train(d, c, null, line -> { }));
        assertEquals("validation must be below the 1200 training examples, got 1200", e.getMessage());
        FashionDemo.Result r = FashionDemo.train(d, new FashionDemo.Config(1, 32, 1e-3f, 0f, 0f, 0f, 200, 1), null,
                line -> { });
        assertTrue(Double.isNaN(r.testAccuracy()));
        assertFalse(r.epochs().isEmpty());
    }
}

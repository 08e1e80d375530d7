package org.vecprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@link Idx} on the real Fashion-MNIST files, where the Debian package
 * {@code dataset-fashion-mnist} has installed them ({@code /usr/share/datasets/fashion-mnist},
 * or the directory {@code -Dvecprop.fashionMnist=...} names); skipped, saying so, elsewhere.
 */
class FashionMnistTest {
    static final Path DIR = Path.of(System.getProperty("vecprop.fashionMnist",
            "/usr/share/datasets/fashion-mnist"));

    @Test
    void theRealFilesReadAsTheDatasetDescribesThem() throws IOException {
        assumeTrue(Files.isRegularFile(DIR.resolve("train-images-idx3-ubyte.gz")),
                "Fashion-MNIST is not installed in " + DIR + " (apt-get install dataset-fashion-mnist)");
        check("train", 60_000);
        check("t10k", 10_000);
    }

    static void check(String split, int count) throws IOException {
        Path images = DIR.resolve(split + "-images-idx3-ubyte.gz");
        Path labels = DIR.resolve(split + "-labels-idx1-ubyte.gz");
        assertArrayEquals(new int[] {count, 28, 28}, Idx.header(images).dims(), split);
        Idx.Dataset d = Idx.read(images, labels, 10);
        assertEquals(count, d.images().count());
        assertEquals(28, d.images().rows());
        assertEquals(28, d.images().cols());
        assertEquals(count * 28 * 28, d.images().pixels().length);
        assertEquals(count, d.labels().length);
        int[] perClass = new int[10];
        for (int label : d.labels()) {
            perClass[label]++; // in [0, 10): read(..., 10) checked every label
        }
        // The dataset is balanced: 6,000 (train) or 1,000 (test) images per class.
        for (int c = 0; c < 10; c++) {
            assertEquals(count / 10, perClass[c], split + " class " + c);
        }
        float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
        for (float p : d.images().pixels()) {
            min = Math.min(min, p);
            max = Math.max(max, p);
        }
        assertEquals(0f, min, split + ": darkest pixel");
        assertEquals(1f, max, split + ": brightest pixel");
        assertTrue(d.images().pixels()[28 * 14 + 14] >= 0f);
        System.out.printf("[vecprop] Fashion-MNIST %s: %d images of 28 x 28, labels 0..9, %d per"
                + " class%n", split, count, count / 10);
    }
}

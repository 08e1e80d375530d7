package org.vecprop.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Fashion-MNIST charts: vecprop's and NumPy's JSON (in the layouts the demo and
 * scripts/fashion_numpy.py write, made-up numbers) read back, both charts drawn, the summary's
 * difference, bad files refused with the reason.
 */
class FashionPlotTest {
    @TempDir
    Path tmp;

    private static final String VECPROP = """
            {
             "runtime": "vecprop",
             "machine": "Test CPU, 2 cores",
             "jdk": "Vendor 25+1",
             "setup": "784-256-128-10 ReLU, made-up numbers",
             "config": {"epochs": 2, "batch": 64},
             "epochs": [
              {"epoch": 1, "train_loss": 0.5, "validation_accuracy": 0.85, "seconds": 3.0, "steps_per_second": 287},
              {"epoch": 2, "train_loss": 0.35, "validation_accuracy": 0.87, "seconds": 2.5, "steps_per_second": 344}
             ],
             "test_accuracy": 0.8612,
             "classes": ["a", "b", "c"],
             "confusion": [
              [8, 1, 1],
              [0, 10, 0],
              [2, 0, 8]
             ]
            }
            """;

    // json.dump(indent=1) of fashion_numpy.py: no machine, setup or confusion
    private static final String NUMPY = """
            {
             "runtime": "numpy 2.4.6",
             "epochs": [
              {
               "epoch": 1,
               "train_loss": 0.51,
               "validation_accuracy": 0.849,
               "seconds": 5.0,
               "steps_per_second": 172
              },
              {
               "epoch": 2,
               "train_loss": 0.36,
               "validation_accuracy": 0.871,
               "seconds": 5.0,
               "steps_per_second": 172
              }
             ],
             "test_accuracy": 0.8591,
             "config": {"init": "x", "epochs": 2}
            }
            """;

    @Test
    void readsBothRunsAndDrawsTheCurvesAndTheMatrix() throws Exception {
        Path v = tmp.resolve("vecprop.json");
        Path n = tmp.resolve("numpy.json");
        Files.writeString(v, VECPROP);
        Files.writeString(n, NUMPY);
        FashionPlot.Run rv = FashionPlot.read(v);
        FashionPlot.Run rn = FashionPlot.read(n);
        assertEquals("vecprop", rv.name());
        assertEquals("numpy", rn.name());
        assertEquals("numpy 2.4.6", rn.runtime());
        assertEquals(2, rn.epochs().size());
        assertEquals(0.871, rn.epochs().get(1).validationAccuracy());
        assertEquals(5.5, rv.trainSeconds(), 1e-12);
        assertEquals(List.of("a", "b", "c"), rv.classes());
        assertArrayEquals(new long[] {2, 0, 8}, rv.confusion()[2]);
        assertNull(rn.confusion());
        assertEquals("", rn.machine());

        String summary = FashionPlot.summary(List.of(rv, rn));
        assertTrue(summary.contains("vecprop  test accuracy 0.8612 after 2 epochs, training 5.5 s"), summary);
        assertTrue(summary.contains("numpy    test accuracy 0.8591 after 2 epochs, training 10.0 s (numpy 2.4.6)"),
                summary);
        assertTrue(summary.contains("difference -0.21 accuracy points (numpy - vecprop)"), summary);

        Path curves = tmp.resolve("curves.png");
        assertEquals(0, Main.run(new String[] {"fashion-curves", v.toString(), n.toString(), "--plot",
            curves.toString()}));
        BufferedImage img = ImageIO.read(curves.toFile());
        assertEquals(Charts.WIDTH, img.getWidth());
        Path matrix = tmp.resolve("confusion.png");
        assertEquals(0, Main.run(new String[] {"confusion", v.toString(), "--plot", matrix.toString()}));
        assertEquals(Charts.WIDTH, ImageIO.read(matrix.toFile()).getWidth());
    }

    @Test
    void refusesFilesWithoutWhatTheChartsNeed() throws IOException {
        Path bad = tmp.resolve("bad.json");
        Files.writeString(bad, "[1, 2]");
        assertTrue(assertThrows(IOException.class, () -> FashionPlot.read(bad)).getMessage()
                .contains("expected a JSON object"));
        Files.writeString(bad, "{\"runtime\": \"x\", \"epochs\": []}");
        assertTrue(assertThrows(IOException.class, () -> FashionPlot.read(bad)).getMessage()
                .contains("no \"epochs\" list"));
        Files.writeString(bad, "{\"runtime\": \"x\", \"epochs\": [{\"epoch\": 1, \"train_loss\": 0.1}]}");
        assertTrue(assertThrows(IOException.class, () -> FashionPlot.read(bad)).getMessage()
                .contains("validation_accuracy"));
        Files.writeString(bad, VECPROP.replace("[2, 0, 8]", "[2, 0]"));
        assertTrue(assertThrows(IOException.class, () -> FashionPlot.read(bad)).getMessage()
                .contains("must be square"));
        Files.writeString(bad, "{\"epochs\": [{\"epoch\": 1}]}");
        assertTrue(assertThrows(IOException.class, () -> FashionPlot.read(bad)).getMessage()
                .contains("no \"runtime\""));
        Path numpy = tmp.resolve("numpy.json");
        Files.writeString(numpy, NUMPY);
        IOException e = assertThrows(IOException.class,
                () -> FashionPlot.saveConfusion(FashionPlot.read(numpy), tmp.resolve("c.png")));
        assertTrue(e.getMessage().contains("no \"confusion\""), e.getMessage());
        assertThrows(Main.UsageException.class, () -> Main.run(new String[] {"confusion", numpy.toString()}));
    }
}

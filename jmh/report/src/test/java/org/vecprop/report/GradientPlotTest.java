package org.vecprop.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gradient-norm chart: the demo's CSV read back, the last epoch drawn, bad files refused. */
class GradientPlotTest {
    @TempDir
    Path tmp;

    private static final String CSV = """
            # setup: 3 layers of 4, made-up numbers
            # machine: Test CPU
            # jdk: 25
            run,activation,init,epoch,layer,weight_grad_norm
            sigmoid,SIGMOID,glorot,1,1,1e-6
            sigmoid,SIGMOID,glorot,1,2,1e-3
            sigmoid,SIGMOID,glorot,1,3,1
            sigmoid,SIGMOID,glorot,2,1,2e-6
            sigmoid,SIGMOID,glorot,2,2,2e-3
            sigmoid,SIGMOID,glorot,2,3,0
            relu,RELU,he,2,1,0.5
            relu,RELU,he,2,2,0.6
            relu,RELU,he,2,3,0.7
            """;

    @Test
    void readsTheCsvAndDrawsTheLastEpoch() throws IOException {
        Path csv = tmp.resolve("norms.csv");
        Files.writeString(csv, CSV);
        GradientPlot.Data d = GradientPlot.read(csv);
        assertEquals(9, d.rows().size());
        assertEquals("3 layers of 4, made-up numbers", d.setup());
        assertEquals("Test CPU", d.machine());
        assertEquals(2, d.lastEpoch());
        Path png = tmp.resolve("g.png");
        assertEquals(2, GradientPlot.save(d, -1, png));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(Charts.WIDTH, img.getWidth());
        assertEquals(Charts.HEIGHT, img.getHeight());
        assertEquals(1, GradientPlot.save(d, 1, tmp.resolve("g1.png")));
        assertThrows(IOException.class, () -> GradientPlot.save(d, 7, tmp.resolve("g7.png")));
    }

    @Test
    void refusesAFileWithoutTheHeaderOrRows() throws IOException {
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "a,b,c\n1,2,3\n");
        IOException e = assertThrows(IOException.class, () -> GradientPlot.read(bad));
        assertTrue(e.getMessage().contains("expected the header"), e.getMessage());
        Files.writeString(bad, "run,activation,init,epoch,layer,weight_grad_norm\n");
        assertThrows(IOException.class, () -> GradientPlot.read(bad));
        Files.writeString(bad, "run,activation,init,epoch,layer,weight_grad_norm\nx,y,z,one,1,2\n");
        assertThrows(IOException.class, () -> GradientPlot.read(bad));
    }
}

package org.vecprop.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
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

/** The latency-against-load chart: rate rows of both CSV kinds read, others skipped, bad files refused. */
class LatencyPlotTest {
    @TempDir
    Path tmp;

    private static final String CSV = """
            # machine: Test CPU
            # jdk: 25
            # tool: h2load nghttp2/1.52.0
            backend,phase,offered_rps,achieved_rps,requests,errors,p50_us,p90_us,p99_us,p999_us,max_us
            vecprop,saturation,0,5000,1000,0,100,150,200,300,400
            vecprop,rate,1000,1000,1000,0,100,150,200,300,400
            vecprop,rate,2000,1900,2000,0,110,160,250,400,500
            onnxruntime,rate,1000,1000,1000,3,120,170,300,500,600
            vecprop,soak-min-1,1400,1400,84000,0,105,155,210,310,410
            """;

    @Test
    void drawsTheRateRowsOfEveryBackend() throws Exception {
        Path csv = tmp.resolve("load.csv");
        Files.writeString(csv, CSV);
        LatencyPlot.Data d = LatencyPlot.read(List.of(csv));
        assertEquals(3, d.points().size());
        assertEquals(List.of("machine: Test CPU", "jdk: 25", "tool: h2load nghttp2/1.52.0"), d.caption());
        assertEquals(3, d.points().get(2).errors());
        assertTrue(d.points().get(0).met());
        assertTrue(!d.points().get(1).met(), "1900 of 2000 is under 97%");
        Path png = tmp.resolve("l.png");
        assertEquals(0, Main.run(new String[] {"latency", csv.toString(), "--plot", png.toString(), "--title", "t"}));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(Charts.WIDTH, img.getWidth());
    }

    @Test
    void refusesAFileWithoutTheColumnsOrRateRows() throws IOException {
        Path bad = tmp.resolve("bad.csv");
        Files.writeString(bad, "backend,phase,offered_rps\nvecprop,rate,1\n");
        IOException e = assertThrows(IOException.class, () -> LatencyPlot.read(List.of(bad)));
        assertTrue(e.getMessage().contains("no column p50_us"), e.getMessage());
        Files.writeString(bad, CSV.replace(",rate,", ",other,"));
        e = assertThrows(IOException.class, () -> LatencyPlot.read(List.of(bad)));
        assertTrue(e.getMessage().contains("no rows with phase 'rate'"), e.getMessage());
    }
}

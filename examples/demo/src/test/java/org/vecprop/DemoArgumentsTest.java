package org.vecprop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The demo's arguments behave like a Unix command's: {@code --help} prints the usage and exits 0,
 * an unknown part prints one line naming what is accepted and exits non-zero before any part
 * runs, no argument runs the built-in parts only (the dataset is never needed then). The same for
 * FashionDemo's options.
 */
class DemoArgumentsTest {
    /** Runs {@code Demo.run} or {@code FashionDemo.run}, capturing both streams. */
    private record Run(int status, String out, String err) {}

    private static Run demo(boolean fashion, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try (PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
             PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            int status = fashion ? FashionDemo.run(args, o, e) : Demo.run(args, o, e);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        }
    }

    @Test
    void withoutArgumentsTheBuiltInPartsRunAndFashionIsNotAmongThem() {
        assertEquals(List.of("kernels", "seed", "train", "gradients"), Demo.parts());
        assertEquals(List.of("fashion", "kernels"), Demo.parts("fashion", "kernels"));
    }

    @Test
    void helpPrintsTheUsageAndSucceeds() {
        for (String h : new String[] {"--help", "-h"}) {
            Run r = demo(false, "kernels", h);
            assertEquals(0, r.status());
            assertTrue(r.out().startsWith("usage: scripts/demo [kernels|seed|train|gradients|fashion]..."), r.out());
            assertTrue(r.out().contains("fashion    a 784-256-128-10 classifier"), r.out());
            assertEquals("", r.err());
            assertTrue(!r.out().contains("=="), "no part ran: " + r.out());
        }
        assertNull(Demo.parts("--help"));
    }

    @Test
    void anUnknownPartIsOneLineNamingWhatIsAcceptedAndNothingRuns() {
        Run r = demo(false, "kernels", "fashoin");
        assertEquals(2, r.status());
        assertEquals("demo: unknown part 'fashoin': accepted are kernels, seed, train, gradients, fashion"
                + " (none: the first four), or --help" + System.lineSeparator(), r.err());
        assertEquals("", r.out(), "kernels, named first, did not run either");
        assertThrows(IllegalArgumentException.class, () -> Demo.parts("--verbose"));
    }

    @Test
    void fashionDemoOptionsAreParsedAndCheckedByName() {
        FashionDemo.Options o = FashionDemo.parse(new String[0]);
        assertEquals(FashionDemo.CHOSEN, o.config());
        assertEquals(FashionDemo.DEFAULT_DATA, o.data());
        assertEquals(Path.of("results", "fashion"), o.out());
        o = FashionDemo.parse(new String[] {"--epochs", "3", "--lr", "2e-3", "--batch", "128", "--seed", "-7",
            "--validation-only", "--data", "d", "--label-smoothing", "0.1"});
        assertEquals(3, o.config().epochs());
        assertEquals(2e-3f, o.config().lr());
        assertEquals(128, o.config().batch());
        assertEquals(-7, o.config().seed());
        assertEquals(0.1f, o.config().labelSmoothing());
        assertEquals(Path.of("d"), o.data());
        assertTrue(o.validationOnly());
        assertEquals(FashionDemo.CHOSEN.weightDecay(), o.config().weightDecay());

        Run r = demo(true, "--help");
        assertEquals(0, r.status());
        assertTrue(r.out().startsWith("usage: FashionDemo"), r.out());
        r = demo(true, "--epoch", "3");
        assertEquals(2, r.status());
        assertTrue(r.err().startsWith("FashionDemo: unknown option '--epoch': accepted are --data,"), r.err());
        assertEquals(1, r.err().lines().count());
        r = demo(true, "--epochs", "31");
        assertEquals(2, r.status());
        assertEquals("FashionDemo: epochs must be in [1, 30], got 31", r.err().strip());
        r = demo(true, "--lr", "fast");
        assertEquals("FashionDemo: --lr needs a number, got 'fast'", r.err().strip());
        r = demo(true, "--batch");
        assertEquals("FashionDemo: --batch needs a value", r.err().strip());
        r = demo(true, "--lr", "0.001", "--lr-min", "0.1");
        assertEquals("FashionDemo: lrMin must be in [0, lr = 0.001], got 0.1", r.err().strip());
    }

    @Test
    void aMissingDatasetIsReportedNotThrown() {
        Run r = demo(true, "--validation-only", "--data", "/nonexistent/fashion-mnist");
        assertEquals(1, r.status());
        assertTrue(r.err().startsWith("FashionDemo: ") && r.err().contains("/nonexistent/fashion-mnist"), r.err());
    }
}

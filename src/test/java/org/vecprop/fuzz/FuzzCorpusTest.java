package org.vecprop.fuzz;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;

/**
 * Every checked-in fuzz input (the seeds, and each finding kept as a regression input, named
 * {@code regression-*}) through its target's oracle ({@link Meter}): refused with a
 * FileRejectedException or read, nothing else thrown, allocation within the stated bound. Runs
 * in the ordinary suite at every width; {@code scripts/fuzz} grows the corpora.
 */
class FuzzCorpusTest {
    static Path corpusRoot() throws URISyntaxException {
        return Path.of(FuzzCorpusTest.class.getResource("/fuzz").toURI());
    }

    @TestFactory
    @Timeout(120)
    List<DynamicTest> everyCheckedInInputMeetsTheOracle() throws Exception {
        Path root = corpusRoot();
        List<DynamicTest> tests = new ArrayList<>();
        for (Map.Entry<String, FileTarget> t : FileTargets.ALL.entrySet()) {
            Path dir = root.resolve(t.getKey());
            assertTrue(Files.isDirectory(dir), "target " + t.getKey() + " has no corpus in " + dir);
            List<Path> inputs;
            try (Stream<Path> files = Files.list(dir)) {
                inputs = files.filter(Files::isRegularFile).sorted().toList();
            }
            assertFalse(inputs.isEmpty(), "target " + t.getKey() + " has an empty corpus");
            for (Path input : inputs) {
                tests.add(DynamicTest.dynamicTest(t.getKey() + "/" + input.getFileName(), () -> {
                    Meter meter = new Meter(t.getKey());
                    t.getValue().run(Files.readAllBytes(input), meter);
                }));
            }
        }
        return tests;
    }

    /** The corpus directories, for {@code HostileFileTest}'s mutations. */
    static List<byte[]> corpus(String target) throws IOException, URISyntaxException {
        List<byte[]> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(corpusRoot().resolve(target))) {
            for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
                out.add(Files.readAllBytes(p));
            }
        }
        return out;
    }
}

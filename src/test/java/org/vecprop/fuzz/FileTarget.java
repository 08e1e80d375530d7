package org.vecprop.fuzz;

import java.io.IOException;

/**
 * Something the fuzzers feed hostile files to: it takes one input and makes its reader calls
 * through {@link Meter#measure}, each with its stated allocation bound. To fuzz another
 * reader (the optimizer-state loader, say), implement this in a few lines, add it to
 * {@link FileTargets#ALL} under a name, and put a few small seed files in
 * {@code src/test/resources/fuzz/NAME/}: {@code scripts/fuzz NAME}, the short run of
 * {@code scripts/test} and {@code FuzzCorpusTest} pick it up from there.
 */
public interface FileTarget {
    /**
     * Reads {@code input} as a file (or several) with the reader under test.
     *
     * @param input the fuzzer's bytes
     * @param meter measures each reader call and holds it to the oracle
     * @throws IOException only for the harness's own temporary files
     */
    void run(byte[] input, Meter meter) throws IOException;
}

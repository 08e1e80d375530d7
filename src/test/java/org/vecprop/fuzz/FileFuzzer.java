package org.vecprop.fuzz;

/**
 * The entry point Jazzer calls ({@code fuzzerTestOneInput}, its standalone convention) for the
 * target named by {@code -Dvecprop.fuzz.target} (see {@link FileTargets}); scripts/fuzz runs it.
 */
public final class FileFuzzer {
    private FileFuzzer() {}

    private static final String NAME = System.getProperty("vecprop.fuzz.target", "safetensors");
    private static final FileTarget TARGET = FileTargets.get(NAME);
    private static final Meter METER = new Meter(NAME);

    /**
     * One input.
     *
     * @param data the fuzzer's bytes
     * @throws Exception for the harness's own I/O failing; findings are AssertionErrors
     */
    public static void fuzzerTestOneInput(byte[] data) throws Exception {
        TARGET.run(data, METER);
    }
}

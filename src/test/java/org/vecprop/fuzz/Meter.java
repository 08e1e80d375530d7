package org.vecprop.fuzz;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.vecprop.io.FileRejectedException;

/**
 * The oracle of the file fuzzers, one input at a time: each call a target makes is measured with
 * {@link #measure}. A call may return or refuse the file with a {@link FileRejectedException}
 * (the documented way); anything else it throws (any other exception, an {@link Error} such as
 * {@code OutOfMemoryError}) is a finding, and so is allocating more heap than the call's stated
 * bound. A finding is thrown as an {@link AssertionError} naming the call, so a fuzzer or a test
 * reports it. Hangs are the driver's to catch (Jazzer's {@code -timeout}, JUnit's timeout).
 */
public final class Meter {
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    /** Every bound's constant part: the readers' fixed buffers and objects. */
    public static final long CONSTANT = 1 << 20;

    private static Path dir;
    private int files;
    private final String target;

    Meter(String target) {
        this.target = target;
    }

    /** One call of a reader: what it returns, or null when it refused the file. */
    @FunctionalInterface
    public interface Read<T> {
        /** Runs the call. */
        T run() throws IOException;
    }

    /** {@return {@code bytes} written to a fresh temporary file (not measured), for readers that take a path} */
    public Path file(byte[] bytes) throws IOException {
        synchronized (Meter.class) {
            if (dir == null) {
                dir = Files.createTempDirectory("vecprop-fuzz");
                dir.toFile().deleteOnExit();
            }
        }
        Path f = dir.resolve(target + "-" + Thread.currentThread().threadId() + "-" + (files++ % 4));
        Files.write(f, bytes);
        f.toFile().deleteOnExit();
        return f;
    }

    /**
     * Runs {@code call} and holds it to the oracle.
     *
     * @param call what is called, for a finding's message
     * @param bound the most heap bytes the call may allocate (its stated bound)
     * @return the call's result, or null if it refused the file with a FileRejectedException
     * @throws AssertionError for anything else thrown, or more allocated than {@code bound}
     */
    public <T> T measure(String call, long bound, Read<T> read) {
        return measureOnce(call, bound, read, false);
    }

    /**
     * One measured call. Over the bound the first time, the call is made again: the first call
     * of a code path in a JVM also pays for loading, linking and (under Jazzer) instrumenting
     * classes on this thread, a one-time cost that no file size sets; only a second call over
     * the bound is a finding.
     */
    private <T> T measureOnce(String call, long bound, Read<T> read, boolean again) {
        long before = THREADS.getCurrentThreadAllocatedBytes();
        T result;
        try {
            result = read.run();
        } catch (FileRejectedException refused) {
            result = null;
            if (refused.getMessage() == null || refused.getMessage().length() > 2_000) {
                throw new AssertionError(target + ": " + call + " refused the file with a message of "
                        + (refused.getMessage() == null ? "null" : refused.getMessage().length()
                        + " characters") + ": a reason must be short and present", refused);
            }
        } catch (Throwable undocumented) {
            throw new AssertionError(target + ": " + call + " threw " + undocumented
                    + " (only FileRejectedException is documented for a file's content)", undocumented);
        }
        long used = THREADS.getCurrentThreadAllocatedBytes() - before;
        if (used > bound) {
            if (!again) {
                return measureOnce(call, bound, read, true);
            }
            throw new AssertionError(target + ": " + call + " allocated " + used + " bytes, over its"
                    + " bound of " + bound + " (twice in a row)");
        }
        return result;
    }
}

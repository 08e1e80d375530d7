package org.vecprop.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Assertions on a rejected call: the exception's type and its message. */
public final class Rejections {
    private Rejections() {}

    /** Asserts that {@code call} throws {@code type} with exactly {@code message}. */
    public static void rejects(Class<? extends RuntimeException> type, String message, Executable call) {
        RuntimeException e = assertThrows(type, call);
        assertEquals(message, e.getMessage());
    }

    /**
     * Asserts that {@code call} throws {@code type} with a message starting with {@code prefix}
     * (for messages whose tail states sizes the test does not care to spell out).
     */
    public static void rejectsWithPrefix(Class<? extends RuntimeException> type, String prefix,
                                         Executable call) {
        RuntimeException e = assertThrows(type, call);
        assertTrue(e.getMessage().startsWith(prefix), "\"" + e.getMessage() + "\" should start with \""
                + prefix + "\"");
    }
}

package org.vecprop.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.function.Executable;

/** Assertions on a rejected call: the exception's type and its message. */
public final class Rejections {
    private Rejections() {}

    /** Asserts that {@code call} throws {@code type} with exactly {@code message}. */
    public static void rejects(Class<? extends Exception> type, String message, Executable call) {
        Exception e = assertThrows(type, call);
        assertEquals(message, e.getMessage());
    }

    /**
     * Asserts that {@code call} throws exactly {@code type} (not a subclass: a file that does
     * not fit is a {@code FileRejectedException}, a malformed one a subclass) with exactly
     * {@code message}.
     */
    public static void rejectsExactly(Class<? extends Exception> type, String message, Executable call) {
        Exception e = assertThrows(type, call);
        assertEquals(type, e.getClass(), "the exception's class");
        assertEquals(message, e.getMessage());
    }

    /**
     * Asserts that {@code call} throws {@code type} with a message starting with {@code prefix}
     * (for messages whose tail states sizes the test does not care to spell out).
     */
    public static void rejectsWithPrefix(Class<? extends Exception> type, String prefix,
                                         Executable call) {
        Exception e = assertThrows(type, call);
        assertTrue(e.getMessage().startsWith(prefix), "\"" + e.getMessage() + "\" should start with \""
                + prefix + "\"");
    }

    /**
     * Asserts that {@code call} throws {@code type} with a message containing {@code fragment}
     * (the argument's name, say); {@code label} names the case in a failure.
     */
    public static void rejectsMentioning(Class<? extends Exception> type, String fragment, String label,
                                         Executable call) {
        Exception e = assertThrows(type, call, label);
        assertTrue(e.getMessage() != null && e.getMessage().contains(fragment),
                label + ": message '" + e.getMessage() + "' should contain '" + fragment + "'");
    }
}

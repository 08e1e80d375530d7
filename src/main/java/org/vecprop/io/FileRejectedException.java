package org.vecprop.io;

import java.io.IOException;

/**
 * vecprop refused a file: the message says why, and nothing was loaded from it (no weights
 * changed, no network built, nothing returned, no caller's array written).
 *
 * <p>One type for every reason a file is refused, so one {@code catch} covers them:
 * <ul>
 *   <li>a malformed file: {@link SafeTensorsFormatException} (a safetensors file that breaks
 *       the format) and {@link IdxFormatException} (an IDX dataset file that breaks its format
 *       or disagrees with its pair), both subclasses;</li>
 *   <li>a well-formed file that does not fit what it is loaded into (a network of other
 *       modules or shapes, a tensor missing or left over): this class itself.</li>
 * </ul>
 * It is an {@link IOException}, so code that already catches {@code IOException} around a load
 * (for a missing or unreadable file) handles a refused file too. Catch
 * {@code FileRejectedException} to tell "the file's contents were refused" apart from "the file
 * could not be read".
 */
public class FileRejectedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A refused file.
     *
     * @param message why the file was refused, naming the tensor, field or numbers at fault
     */
    public FileRejectedException(String message) {
        super(message);
    }
}

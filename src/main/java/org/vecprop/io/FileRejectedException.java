package org.vecprop.io;

import java.io.IOException;

/**
 * A file vecprop refuses to load, whatever the reason: malformed ({@link
 * SafeTensorsFormatException}), or well formed but not fitting what it is loaded into (a weights
 * file for another network, an optimizer state for other parameters). The message says why;
 * nothing was loaded. Catch this type for "this file cannot be loaded", or {@link IOException}
 * for that and the failures of reading it.
 */
public class FileRejectedException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception for a file that cannot be loaded.
     *
     * @param message what is wrong with the file
     */
    public FileRejectedException(String message) {
        super(message);
    }
}

package org.vecprop.io;

/**
 * A safetensors file that vecprop will not read: truncated, a header that is not the JSON the
 * format specifies, a dtype other than F32, offsets that overlap, leave gaps or run past the
 * data, a shape that does not match its bytes. The message names the problem (and the tensor,
 * where there is one, and the numbers). Nothing is returned from a file that fails any check.
 *
 * <p>A {@link FileRejectedException}, as every file vecprop refuses is.
 */
public final class SafeTensorsFormatException extends FileRejectedException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception for a malformed file.
     *
     * @param message what is wrong with the file
     */
    public SafeTensorsFormatException(String message) {
        super(message);
    }
}

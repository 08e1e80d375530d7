package org.vecprop.io;

/**
 * An IDX dataset file (the format of MNIST and Fashion-MNIST) that vecprop will not read: a
 * wrong magic number, an element type other than unsigned bytes, dimensions whose product
 * overflows or exceeds a limit, data cut short or followed by trailing bytes, a damaged gzip
 * stream, a label outside the classes asked for, or an images file and a labels file whose
 * counts disagree. The message names the cause and the numbers. Nothing is returned from a
 * file that fails any check, and no caller's array is written.
 *
 * <p>A {@link FileRejectedException}, as every file vecprop refuses is.
 */
public final class IdxFormatException extends FileRejectedException {
    private static final long serialVersionUID = 1L;

    /**
     * An exception for a malformed or mismatched IDX file.
     *
     * @param message what is wrong with the file, with its numbers
     */
    public IdxFormatException(String message) {
        super(message);
    }
}

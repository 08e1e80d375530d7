package org.vecprop.io;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import org.vecprop.contract.Checks;

/**
 * Reads IDX files, the format of MNIST and Fashion-MNIST, plain or gzip-compressed: images as
 * floats scaled to {@code [0, 1]}, labels as ints, checked completely before anything is
 * returned or written.
 *
 * <p><b>The format</b> (LeCun's MNIST page): a magic number of 4 bytes, two zero bytes, the
 * element type ({@code 0x08} for unsigned bytes) and the number of dimensions; then each
 * dimension as a big-endian unsigned 32-bit integer; then the elements, row-major. An images
 * file has magic {@code 0x00000803} (dimensions: count, rows, cols), a labels file
 * {@code 0x00000801} (dimension: count). A file is gzip-compressed when it starts with
 * the gzip magic bytes, whatever its name.
 *
 * <p><b>What is refused</b>, with an {@link IdxFormatException} naming the cause and the
 * numbers (nothing returned, no caller's array written): a file that does not start with two
 * zero bytes; an element type other than unsigned bytes (the other IDX types are named); the
 * wrong kind of file (a labels file where images are asked for); a dimension above
 * {@link Integer#MAX_VALUE} or dimensions whose product exceeds {@link #MAX_ELEMENTS} (one Java
 * array); data cut short or followed by trailing bytes; a damaged gzip stream (bad header, CRC-32
 * or length, bytes after the last member); a label not below the number of classes asked for; an
 * images file and a labels file whose counts disagree.
 *
 * <p><b>Cost, and memory whatever the header claims.</b> A plain file is checked against its
 * size before its data is read, so it is read once. A gzip file's decompressed size is not
 * known in advance, so it is read twice: a first pass checks its structure, length and CRC-32
 * in constant memory, the second decodes it into the result (about 0.2 s more for
 * Fashion-MNIST's 26 MB training images). Nothing is allocated from the header's claims before
 * the file has shown it holds that much: reading a file whose content (decompressed) is
 * {@code D} bytes allocates at most {@code 4 x D} bytes for the result plus 1 MiB on the Java
 * heap, where {@code D} is at most the file's size for a plain file and at most 1032 times it
 * for gzip (deflate's largest ratio), and the first pass stops at the first byte past what the
 * header claims. To cap what a file may make you allocate, read its {@link #header} first and
 * compare {@link Header#elements()} with your limit before {@link #readImages(Path, float[], int)}.
 *
 * <p>Thread-safety: every method is static and independent; a file changed while it is being
 * read is reported ({@code IdxFormatException}), and then a caller's array may be partly
 * written.
 */
public final class Idx {
    /** The magic number of an images file: unsigned bytes, 3 dimensions (count, rows, cols). */
    public static final int IMAGES_MAGIC = 0x00000803;
    /** The magic number of a labels file: unsigned bytes, 1 dimension (count). */
    public static final int LABELS_MAGIC = 0x00000801;
    /** The most elements a file may hold: what one Java array can. */
    public static final int MAX_ELEMENTS = Integer.MAX_VALUE - 8;

    private static final int CHUNK = 1 << 16;
    /** {@code i / 255f} for each byte value: the scaling, correctly rounded, without a divide per pixel. */
    private static final float[] SCALE = new float[256];

    static {
        for (int i = 0; i < 256; i++) {
            SCALE[i] = i / 255f;
        }
    }

    private Idx() {}

    /**
     * The header of an IDX file of unsigned bytes: its magic number and dimensions, as read (and
     * checked against the file's content) by {@link Idx#header}.
     */
    public static final class Header {
        private final int magic;
        private final int[] dims;
        private final long elements;
        private final int headerBytes;

        Header(int magic, int[] dims, long elements) {
            this.magic = magic;
            this.dims = dims;
            this.elements = elements;
            this.headerBytes = 4 + 4 * dims.length;
        }

        /** {@return the magic number, e.g. {@link #IMAGES_MAGIC}} */
        public int magic() {
            return magic;
        }

        /** {@return a copy of the dimensions, outermost (the count) first} */
        public int[] dims() {
            return dims.clone();
        }

        /** {@return the first dimension: how many images or labels} */
        public int count() {
            return dims[0];
        }

        /** {@return the elements of one item: the product of the dimensions after the first (1 for labels)} */
        public int itemSize() {
            long n = 1;
            for (int i = 1; i < dims.length; i++) {
                n *= dims[i];
            }
            return (int) n; // <= elements <= MAX_ELEMENTS, or 0
        }

        /** {@return the element count: the product of the dimensions} */
        public long elements() {
            return elements;
        }

        int headerBytes() {
            return headerBytes;
        }

        /** Equal when the magic numbers and dimensions are. */
        @Override
        public boolean equals(Object o) {
            return o instanceof Header h && h.magic == magic && Arrays.equals(h.dims, dims);
        }

        @Override
        public int hashCode() {
            return 31 * magic + Arrays.hashCode(dims);
        }

        /** {@return the magic number and dimensions, e.g. {@code IDX 0x00000803 [60000, 28, 28]}} */
        @Override
        public String toString() {
            return String.format("IDX 0x%08x %s", magic, Arrays.toString(dims));
        }
    }

    /**
     * Images read whole: {@code count} rows of {@code rows x cols} pixels each, row-major, one
     * image per row, each pixel {@code byte / 255f} in {@code [0, 1]}.
     *
     * @param pixels {@code count x (rows x cols)} floats, the caller's to keep (not copied)
     * @param count how many images
     * @param rows pixel rows per image
     * @param cols pixel columns per image
     */
    public record Images(float[] pixels, int count, int rows, int cols) {
        /** {@return the pixels of one image, {@code rows x cols}: the row length of {@link #pixels}} */
        public int pixelsPerImage() {
            return rows * cols;
        }
    }

    /**
     * An images file and its labels file, read as a pair whose counts agree.
     *
     * @param images the images
     * @param labels one label per image, each in {@code [0, classes)}
     */
    public record Dataset(Images images, int[] labels) {}

    /**
     * Reads and checks an IDX file of unsigned bytes (any number of dimensions, any magic of
     * type {@code 0x08}): its header, and that the content holds exactly the data the header
     * claims (for gzip: the whole stream decompressed in constant memory, CRC-32 checked).
     *
     * @param file the file, plain or gzip
     * @return its header
     * @throws IdxFormatException if the file breaks a rule (see the class comment)
     * @throws IOException if it cannot be read
     * @throws NullPointerException if {@code file} is null
     */
    public static Header header(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        return verified(file, 0);
    }

    /**
     * Reads an images file ({@code 0x00000803}) into a caller's array: image {@code i}'s
     * pixels, row-major, at {@code dst[dstOff + i * rows * cols ...]}, each {@code byte / 255f}.
     * The file is checked completely before the first write (a file changed during the read is
     * the one case that leaves {@code dst} partly written; it is reported).
     *
     * @param file the file, plain or gzip
     * @param dst where the pixels go: {@code count x rows x cols} floats from {@code dstOff}
     * @param dstOff where image 0 starts
     * @return the file's header ({@code [count, rows, cols]})
     * @throws IdxFormatException if the file breaks a rule or is not an images file
     * @throws IndexOutOfBoundsException if the pixels do not fit in {@code dst} (nothing written)
     * @throws IOException if it cannot be read
     * @throws NullPointerException if {@code file} or {@code dst} is null
     */
    public static Header readImages(Path file, float[] dst, int dstOff) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        Objects.requireNonNull(dst, "dst must not be null");
        Header h = verified(file, IMAGES_MAGIC);
        Checks.vector("dst", dst, dstOff, (int) h.elements());
        fill(file, h, dst, dstOff, null, 0);
        return h;
    }

    /**
     * Reads an images file ({@code 0x00000803}) into a new array, allocated once the
     * file has been checked.
     *
     * @param file the file, plain or gzip
     * @return the images
     * @throws IdxFormatException if the file breaks a rule or is not an images file
     * @throws IOException if it cannot be read
     * @throws NullPointerException if {@code file} is null
     */
    public static Images readImages(Path file) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        Header h = verified(file, IMAGES_MAGIC);
        float[] pixels = new float[(int) h.elements()];
        fill(file, h, pixels, 0, null, 0);
        return new Images(pixels, h.dims[0], h.dims[1], h.dims[2]);
    }

    /**
     * Reads a labels file ({@code 0x00000801}): one int in {@code [0, 255]} per label.
     *
     * @param file the file, plain or gzip
     * @return the labels
     * @throws IdxFormatException if the file breaks a rule or is not a labels file
     * @throws IOException if it cannot be read
     * @throws NullPointerException if {@code file} is null
     */
    public static int[] readLabels(Path file) throws IOException {
        return readLabels(file, 256);
    }

    /**
     * Reads a labels file ({@code 0x00000801}) whose labels must all be class indices
     * below {@code classes}.
     *
     * @param file the file, plain or gzip
     * @param classes the number of classes, in {@code [1, 256]}
     * @return the labels, each in {@code [0, classes)}
     * @throws IdxFormatException if the file breaks a rule, is not a labels file, or holds a
     *     label {@code >= classes} (the first one is named, with its index)
     * @throws IllegalArgumentException for {@code classes} outside {@code [1, 256]}
     * @throws IOException if it cannot be read
     * @throws NullPointerException if {@code file} is null
     */
    public static int[] readLabels(Path file, int classes) throws IOException {
        Objects.requireNonNull(file, "file must not be null");
        checkClasses(classes);
        Header h = verified(file, LABELS_MAGIC);
        int[] labels = new int[h.count()];
        fill(file, h, null, 0, labels, classes);
        return labels;
    }

    /**
     * Reads an images file and its labels file as one dataset: both are checked, and their
     * counts compared, before either's data is allocated.
     *
     * @param images the images file ({@code 0x00000803}), plain or gzip
     * @param labels the labels file ({@code 0x00000801}), plain or gzip
     * @param classes the number of classes, in {@code [1, 256]}; every label must be below it
     * @return the dataset
     * @throws IdxFormatException if either file breaks a rule, their counts differ, or a label is
     *     {@code >= classes}
     * @throws IllegalArgumentException for {@code classes} outside {@code [1, 256]}
     * @throws IOException if a file cannot be read
     * @throws NullPointerException if {@code images} or {@code labels} is null
     */
    public static Dataset read(Path images, Path labels, int classes) throws IOException {
        Objects.requireNonNull(images, "images must not be null");
        Objects.requireNonNull(labels, "labels must not be null");
        checkClasses(classes);
        Header hi = verified(images, IMAGES_MAGIC);
        Header hl = verified(labels, LABELS_MAGIC);
        if (hi.count() != hl.count()) {
            throw new IdxFormatException("the images file " + name(images) + " holds " + hi.count()
                    + " images but the labels file " + name(labels) + " holds " + hl.count()
                    + " labels: they are not a pair");
        }
        int[] l = new int[hl.count()];
        fill(labels, hl, null, 0, l, classes);
        float[] pixels = new float[(int) hi.elements()];
        fill(images, hi, pixels, 0, null, 0);
        return new Dataset(new Images(pixels, hi.dims[0], hi.dims[1], hi.dims[2]), l);
    }

    private static void checkClasses(int classes) {
        if (classes < 1 || classes > 256) {
            throw new IllegalArgumentException("classes must be in [1, 256] (a label is one"
                    + " unsigned byte), got " + classes);
        }
    }

    private static String name(Path file) {
        Path n = file.getFileName();
        return n == null ? file.toString() : n.toString();
    }

    // ------------------------------------------------------------------------------ reading

    /**
     * The header of {@code file} after a complete check of the file (one pass over a gzip
     * file's content in constant memory); {@code magic} is the kind asked for, 0 for any.
     */
    static Header verified(Path file, int magic) throws IOException {
        try (IdxStream s = new IdxStream(file)) {
            Header h = header(s, magic);
            long dataBytes = h.elements();
            if (!s.gzip()) {
                long actual = s.size() - h.headerBytes();
                if (actual < dataBytes) {
                    throw new IdxFormatException(s.name() + ": truncated: its dimensions "
                            + dimsText(h.dims) + " need " + dataBytes + " bytes of data after the "
                            + h.headerBytes() + "-byte header, the file holds " + actual + " ("
                            + (dataBytes - actual) + " missing)");
                }
                if (actual > dataBytes) {
                    throw new IdxFormatException(s.name() + ": " + (actual - dataBytes) + " trailing"
                            + (actual - dataBytes == 1 ? " byte" : " bytes") + " after the " + dataBytes + " bytes of data its dimensions "
                            + dimsText(h.dims) + " claim");
                }
                return h;
            }
            byte[] chunk = new byte[CHUNK];
            long read = 0;
            while (read < dataBytes) {
                int n = s.read(chunk, 0, (int) Math.min(CHUNK, dataBytes - read));
                if (n < 0) {
                    throw new IdxFormatException(s.name() + ": truncated: its dimensions "
                            + dimsText(h.dims) + " need " + dataBytes + " bytes of data after the "
                            + h.headerBytes() + "-byte header, the decompressed file holds " + read
                            + " (" + (dataBytes - read) + " missing)");
                }
                read += n;
            }
            // One more read: the end of the content (where the last gzip trailer is checked),
            // or the first byte too many, where the pass stops.
            if (s.read(chunk, 0, 1) > 0) {
                throw new IdxFormatException(s.name() + ": trailing bytes: the decompressed data"
                        + " goes on past the " + dataBytes + " bytes its dimensions "
                        + dimsText(h.dims) + " claim");
            }
            return h;
        }
    }

    /**
     * Decodes the data of a checked file into {@code pixels} (scaled) or {@code labels}
     * (checked against {@code classes}); package-private for the test of a file that changes
     * between the check and this pass.
     */
    static void fill(Path file, Header expected, float[] pixels, int off, int[] labels,
                             int classes) throws IOException {
        try (IdxStream s = new IdxStream(file)) {
            Header h = header(s, expected.magic());
            if (!h.equals(expected)) {
                throw changed(s);
            }
            byte[] chunk = new byte[CHUNK];
            long total = h.elements();
            int done = 0;
            while (done < total) {
                int n = s.read(chunk, 0, (int) Math.min(CHUNK, total - done));
                if (n < 0) {
                    throw changed(s);
                }
                if (pixels != null) {
                    for (int i = 0; i < n; i++) {
                        pixels[off + done + i] = SCALE[chunk[i] & 0xff];
                    }
                } else {
                    for (int i = 0; i < n; i++) {
                        int label = chunk[i] & 0xff;
                        if (label >= classes) {
                            throw new IdxFormatException(s.name() + ": label " + label + " at index "
                                    + (done + i) + " is not below classes = " + classes);
                        }
                        labels[done + i] = label;
                    }
                }
                done += n;
            }
            if (s.read(chunk, 0, 1) > 0) {
                throw changed(s);
            }
        }
    }

    private static IdxFormatException changed(IdxStream s) {
        return new IdxFormatException(s.name() + ": the file changed while it was being read"
                + " (its content no longer matches what was checked)");
    }

    /** Reads and checks the header at the start of the content; {@code magic} 0 takes any kind. */
    private static Header header(IdxStream s, int magic) throws IOException {
        byte[] b = new byte[4];
        readHeaderBytes(s, b, 4, "magic number");
        int m = (b[0] & 0xff) << 24 | (b[1] & 0xff) << 16 | (b[2] & 0xff) << 8 | (b[3] & 0xff);
        if (b[0] != 0 || b[1] != 0) {
            throw new IdxFormatException(String.format("%s: not an IDX file: it starts with 0x%02x"
                    + " 0x%02x (magic 0x%08x), an IDX file with two zero bytes", s.name(),
                    b[0] & 0xff, b[1] & 0xff, m));
        }
        int type = b[2] & 0xff, rank = b[3] & 0xff;
        if (type != 0x08) {
            throw new IdxFormatException(String.format("%s: element type 0x%02x (%s, magic 0x%08x);"
                    + " vecprop reads unsigned bytes (0x08) only", s.name(), type, typeName(type), m));
        }
        if (magic != 0 && m != magic) {
            throw new IdxFormatException(String.format("%s: magic 0x%08x (%d dimension%s) where %s"
                    + " file's 0x%08x (%s) is expected%s", s.name(), m, rank, rank == 1 ? "" : "s",
                    magic == IMAGES_MAGIC ? "an images" : "a labels", magic,
                    magic == IMAGES_MAGIC ? "3 dimensions: count, rows, cols" : "1 dimension: count",
                    m == LABELS_MAGIC ? ": is it a labels file?" : m == IMAGES_MAGIC
                    ? ": is it an images file?" : ""));
        }
        if (rank == 0) {
            throw new IdxFormatException(String.format("%s: magic 0x%08x declares 0 dimensions;"
                    + " an IDX file has at least 1 (the count)", s.name(), m));
        }
        byte[] d = new byte[4 * rank];
        readHeaderBytes(s, d, 4 + 4 * rank, (4 + 4 * rank) + "-byte header");
        int[] dims = new int[rank];
        long elements = 1;
        for (int i = 0; i < rank; i++) {
            long v = (d[4 * i] & 0xffL) << 24 | (d[4 * i + 1] & 0xff) << 16 | (d[4 * i + 2] & 0xff) << 8
                    | (d[4 * i + 3] & 0xff);
            if (v > Integer.MAX_VALUE) {
                throw new IdxFormatException(s.name() + ": dimension " + i + " is " + v + ", more than "
                        + Integer.MAX_VALUE);
            }
            dims[i] = (int) v;
        }
        // Each dimension is below 2^31 and each running product at most MAX_ELEMENTS before it
        // is multiplied again: no long overflow. One item (all dimensions but the count) must fit
        // too, or a count of 0 would let any item size through.
        long item = 1;
        for (int i = 1; i < rank; i++) {
            item *= dims[i];
            if (item > MAX_ELEMENTS) {
                throw new IdxFormatException(s.name() + ": dimensions " + dimsText(dims) + ": one item ("
                        + dimsText(Arrays.copyOfRange(dims, 1, rank)) + ") holds " + product(
                        Arrays.copyOfRange(dims, 1, rank)) + " elements, more than " + MAX_ELEMENTS
                        + " (one Java array)");
            }
        }
        elements = item * dims[0];
        if (elements > MAX_ELEMENTS) {
            throw new IdxFormatException(s.name() + ": dimensions " + dimsText(dims) + " hold "
                    + product(dims) + " elements, more than " + MAX_ELEMENTS + " (one Java array)");
        }
        return new Header(m, dims, elements);
    }

    /**
     * The product of the dimensions as text (it may exceed a long): exact up to 24 digits, else
     * in scientific notation with four significant digits, so that a message stays short for
     * any of the 255 dimensions a header may declare (a fuzzed header with 255 dimensions near
     * 2^30 gave a product of 2,300 digits).
     */
    private static String product(int[] dims) {
        java.math.BigInteger p = java.math.BigInteger.ONE;
        for (int d : dims) {
            p = p.multiply(java.math.BigInteger.valueOf(d));
        }
        String t = p.toString();
        return t.length() <= 24 ? t : "about " + t.charAt(0) + "." + t.substring(1, 4) + "e" + (t.length() - 1);
    }

    /** Dimensions listed in a message; beyond them the message gives the first ones, the last and the count. */
    static final int LISTED_DIMENSIONS = 8;

    /** The dimensions as text, {@code "60000 x 28 x 28"}; at most {@link #LISTED_DIMENSIONS} of them listed. */
    private static String dimsText(int[] dims) {
        StringBuilder s = new StringBuilder();
        int n = dims.length;
        if (n <= LISTED_DIMENSIONS) {
            for (int i = 0; i < n; i++) {
                s.append(i == 0 ? "" : " x ").append(dims[i]);
            }
            return s.toString();
        }
        for (int i = 0; i < LISTED_DIMENSIONS - 2; i++) {
            s.append(i == 0 ? "" : " x ").append(dims[i]);
        }
        return s.append(" x ... x ").append(dims[n - 1]).append(" (").append(n).append(" dimensions)").toString();
    }

    private static void readHeaderBytes(IdxStream s, byte[] into, int headerBytes, String what)
            throws IOException {
        int done = 0;
        while (done < into.length) {
            int n = s.read(into, done, into.length - done);
            if (n < 0) {
                long have = headerBytes - into.length + done;
                throw new IdxFormatException(s.name() + ": truncated: the " + (s.gzip()
                        ? "decompressed " : "") + "file ends after " + have + " bytes, inside its "
                        + what);
            }
            done += n;
        }
    }

    private static String typeName(int type) {
        return switch (type) {
            case 0x09 -> "signed bytes";
            case 0x0b -> "16-bit integers";
            case 0x0c -> "32-bit integers";
            case 0x0d -> "32-bit floats";
            case 0x0e -> "64-bit floats";
            default -> "not an IDX element type";
        };
    }
}

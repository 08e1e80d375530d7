package org.vecprop.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The bytes of an IDX file, plain or gzip-compressed (told apart by the gzip magic bytes, not by
 * the file's name), read strictly: for gzip, every member's header is parsed (RFC 1952: FEXTRA,
 * FNAME, FCOMMENT, FHCRC checked, reserved flags rejected), its CRC-32 and length checked
 * against its trailer, members may follow one another, and anything after the last one is an
 * error rather than ignored (as {@link java.util.zip.GZIPInputStream} may).
 *
 * <p>Memory: one 64 KiB input buffer on the heap; the {@link Inflater}'s state is native memory
 * (zlib's, about 256 KiB) released by {@link #close()}.
 */
final class IdxStream implements AutoCloseable {
    private static final int BUFFER = 1 << 16;

    private final Path file;
    private final FileChannel channel;
    private final long size;
    private final boolean gzip;
    private final byte[] in = new byte[BUFFER];
    private int inPos, inLimit;
    private long consumed;   // compressed bytes taken from the file so far (gzip), or bytes (plain)
    private Inflater inflater;
    private final CRC32 crc = new CRC32();
    private long memberBytes; // decompressed bytes of the current member
    private boolean ended;

    IdxStream(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        boolean ok = false;
        try {
            this.size = channel.size();
            fill();
            this.gzip = inLimit >= 2 && (in[0] & 0xff) == 0x1f && (in[1] & 0xff) == 0x8b;
            if (gzip) {
                inflater = new Inflater(true);
                memberHeader(false);
            }
            ok = true;
        } finally {
            if (!ok) {
                close();
            }
        }
    }

    /** {@return whether the file is gzip-compressed} */
    boolean gzip() {
        return gzip;
    }

    /** {@return the file's size in bytes} */
    long size() {
        return size;
    }

    /** The file's name, for messages. */
    String name() {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }

    /**
     * Reads up to {@code len} bytes of the (decompressed) content into {@code out}.
     *
     * @return how many, or -1 at the end of the content
     * @throws IdxFormatException for a damaged gzip stream or bytes after it
     */
    int read(byte[] out, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!gzip) {
            if (inPos == inLimit && !fill()) {
                return -1;
            }
            int n = Math.min(len, inLimit - inPos);
            System.arraycopy(in, inPos, out, off, n);
            inPos += n;
            return n;
        }
        while (true) {
            if (ended) {
                return -1;
            }
            int n;
            try {
                n = inflater.inflate(out, off, len);
            } catch (DataFormatException e) {
                throw new IdxFormatException(name() + ": the gzip data is damaged ("
                        + e.getMessage() + ") near compressed byte " + compressedPosition());
            }
            if (n > 0) {
                crc.update(out, off, n);
                memberBytes += n;
                return n;
            }
            if (inflater.finished()) {
                memberEnd();
                continue;
            }
            if (inflater.needsDictionary()) {
                throw new IdxFormatException(name() + ": the gzip data asks for a preset"
                        + " dictionary, which gzip does not allow");
            }
            if (inflater.needsInput()) {
                if (inPos == inLimit && !fill()) {
                    throw new IdxFormatException(name() + ": truncated: the gzip stream ends"
                            + " (after " + size + " bytes) before its compressed data does");
                }
                inflater.setInput(in, inPos, inLimit - inPos);
                inPos = inLimit;
            }
        }
    }

    /** Where the inflater stands in the file, for messages. */
    private long compressedPosition() {
        return consumed - (inLimit - inPos) - inflater.getRemaining();
    }

    /** Refills the input buffer; false at the end of the file. */
    private boolean fill() throws IOException {
        ByteBuffer b = ByteBuffer.wrap(in);
        int n;
        do {
            n = channel.read(b);
        } while (n == 0);
        if (n < 0) {
            inPos = inLimit = 0;
            return false;
        }
        inPos = 0;
        inLimit = n;
        consumed += n;
        return true;
    }

    /** One byte of the compressed file (gzip framing), or -1 at its end. */
    private int nextRaw() throws IOException {
        if (inPos == inLimit && !fill()) {
            return -1;
        }
        return in[inPos++] & 0xff;
    }

    private int raw(String what) throws IOException {
        int b = nextRaw();
        if (b < 0) {
            throw new IdxFormatException(name() + ": truncated: the file ends inside the gzip "
                    + what + " (after " + size + " bytes)");
        }
        return b;
    }

    /**
     * Parses a gzip member header (RFC 1952) at the cursor, its magic bytes 0x1f 0x8b already
     * read when {@code magicRead}.
     */
    private void memberHeader(boolean magicRead) throws IOException {
        CRC32 headerCrc = new CRC32();
        int[] fixed = new int[10];
        for (int i = 0; i < 10; i++) {
            fixed[i] = magicRead && i < 2 ? (i == 0 ? 0x1f : 0x8b) : raw("header");
            headerCrc.update(fixed[i]);
        }
        if (fixed[2] != 8) {
            throw new IdxFormatException(name() + ": gzip compression method " + fixed[2]
                    + " is not deflate (8)");
        }
        int flags = fixed[3];
        if ((flags & 0xe0) != 0) {
            throw new IdxFormatException(String.format("%s: gzip header flags 0x%02x set reserved"
                    + " bits", name(), flags));
        }
        if ((flags & 4) != 0) { // FEXTRA
            int lo = raw("header"), hi = raw("header");
            headerCrc.update(lo);
            headerCrc.update(hi);
            for (int n = lo | hi << 8; n > 0; n--) {
                headerCrc.update(raw("header's extra field"));
            }
        }
        for (int bit : new int[] {8, 16}) { // FNAME, FCOMMENT: zero-terminated
            if ((flags & bit) != 0) {
                int c;
                do {
                    c = raw(bit == 8 ? "header's file name" : "header's comment");
                    headerCrc.update(c);
                } while (c != 0);
            }
        }
        if ((flags & 2) != 0) { // FHCRC
            int stored = raw("header") | raw("header") << 8;
            if (stored != (int) (headerCrc.getValue() & 0xffff)) {
                throw new IdxFormatException(String.format("%s: the gzip header's checksum is"
                        + " 0x%04x, its bytes give 0x%04x", name(), stored, headerCrc.getValue() & 0xffff));
            }
        }
        inflater.reset();
        crc.reset();
        memberBytes = 0;
        if (inPos < inLimit) {
            inflater.setInput(in, inPos, inLimit - inPos);
            inPos = inLimit;
        }
    }

    /** After a member's deflate data: its trailer, then another member or the end of the file. */
    private void memberEnd() throws IOException {
        // The inflater holds the bytes it did not use: the trailer and what follows.
        int remaining = inflater.getRemaining();
        inPos = inLimit - remaining;
        long storedCrc = 0, storedSize = 0;
        for (int i = 0; i < 4; i++) {
            storedCrc |= (long) raw("trailer") << (8 * i);
        }
        for (int i = 0; i < 4; i++) {
            storedSize |= (long) raw("trailer") << (8 * i);
        }
        if (storedCrc != crc.getValue()) {
            throw new IdxFormatException(String.format("%s: the gzip data's CRC-32 is 0x%08x, its"
                    + " trailer says 0x%08x (the data is damaged)", name(), crc.getValue(), storedCrc));
        }
        if (storedSize != (memberBytes & 0xffffffffL)) {
            throw new IdxFormatException(name() + ": the gzip data holds " + memberBytes
                    + " bytes, its trailer says " + storedSize + " (mod 2^32)");
        }
        long at = consumed - (inLimit - inPos); // where the next byte would be
        int b0 = nextRaw();
        if (b0 < 0) {
            ended = true;
            return;
        }
        int b1 = nextRaw();
        if (b0 != 0x1f || b1 != 0x8b) {
            throw new IdxFormatException(name() + ": " + (size - at) + " bytes follow the gzip"
                    + " stream at byte " + at + " and are not another gzip member (it would start"
                    + " with 0x1f 0x8b)");
        }
        memberHeader(true); // another member: concatenated gzip files are one stream
    }

    @Override
    public void close() throws IOException {
        if (inflater != null) {
            inflater.end();
        }
        channel.close();
    }
}

package org.vecprop.fuzz;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * What a file's content amounts to once decompressed, measured independently of vecprop's
 * reader (with the JDK's {@link GZIPInputStream}): the D in the IDX reader's bound. A plain file
 * is its own size; a gzip file the bytes the JDK decodes before the stream ends or breaks.
 */
final class Decompressed {
    private Decompressed() {}

    static long size(byte[] file) {
        if (file.length < 2 || (file[0] & 0xff) != 0x1f || (file[1] & 0xff) != 0x8b) {
            return file.length;
        }
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(file))) {
            for (int r; (r = in.read(buf)) > 0; ) {
                n += r;
            }
        } catch (IOException | RuntimeException broken) {
            // The JDK stops at the first damage; what it decoded so far is what exists.
        }
        return Math.max(n, file.length);
    }
}

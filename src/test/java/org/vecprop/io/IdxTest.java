package org.vecprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Idx}: small IDX files written here, plain and gzip-compressed (by the JDK's writer and
 * by hand, with every optional gzip header field and several members), read back exactly; and
 * a table of broken files, each refused with its cause and numbers, nothing returned and no
 * caller's array written.
 */
class IdxTest {
    @TempDir
    Path dir;

    /** An IDX file's bytes: magic, big-endian dimensions, then {@code data}. */
    static byte[] idx(int magic, int[] dims, byte[] data) {
        ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
        b.putInt(magic);
        for (int d : dims) {
            b.putInt(d);
        }
        return b.put(data).array();
    }

    static byte[] gzip(byte[] content) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
                gz.write(content);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A gzip member written by hand (RFC 1952) with the optional fields {@code flags} asks for:
     * 4 FEXTRA, 8 FNAME, 16 FCOMMENT, 2 FHCRC.
     */
    static byte[] gzipMember(byte[] content, int flags) {
        ByteArrayOutputStream h = new ByteArrayOutputStream();
        h.writeBytes(new byte[] {0x1f, (byte) 0x8b, 8, (byte) flags, 1, 2, 3, 4, 0, 3});
        if ((flags & 4) != 0) {
            h.writeBytes(new byte[] {3, 0, 'a', 'b', 'c'});
        }
        if ((flags & 8) != 0) {
            h.writeBytes("train-images-idx3-ubyte\0".getBytes());
        }
        if ((flags & 16) != 0) {
            h.writeBytes("a comment\0".getBytes());
        }
        if ((flags & 2) != 0) {
            CRC32 c = new CRC32();
            c.update(h.toByteArray());
            h.write((int) c.getValue() & 0xff);
            h.write((int) (c.getValue() >> 8) & 0xff);
        }
        Deflater d = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        d.setInput(content);
        d.finish();
        byte[] buf = new byte[content.length + 1024];
        int n = d.deflate(buf);
        d.end();
        h.write(buf, 0, n);
        CRC32 crc = new CRC32();
        crc.update(content);
        ByteBuffer trailer = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        trailer.putInt((int) crc.getValue()).putInt(content.length);
        h.writeBytes(trailer.array());
        return h.toByteArray();
    }

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    Path write(String name, byte[] bytes) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, bytes);
        return f;
    }

    static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        if (n > 1) {
            b[0] = 0;
            b[1] = (byte) 255; // both ends of the scale
        }
        return b;
    }

    static void assertScaled(byte[] data, float[] pixels, int off) {
        for (int i = 0; i < data.length; i++) {
            float expected = (data[i] & 0xff) / 255f;
            assertEquals(Float.floatToIntBits(expected), Float.floatToIntBits(pixels[off + i]),
                    "pixel " + i + " (byte " + (data[i] & 0xff) + ")");
        }
    }

    @Test
    void imagesAndLabelsReadBackExactlyFromPlainAndGzipFiles() throws IOException {
        int count = 5, rows = 3, cols = 4;
        byte[] pixels = randomBytes(count * rows * cols, 1);
        byte[] labels = {0, 9, 3, 3, 7};
        byte[] images = idx(Idx.IMAGES_MAGIC, new int[] {count, rows, cols}, pixels);
        byte[] labelFile = idx(Idx.LABELS_MAGIC, new int[] {count}, labels);
        List<byte[]> encodings = List.of(images, gzip(images), gzipMember(images, 0),
                gzipMember(images, 2 | 4 | 8 | 16),
                concat(gzipMember(Arrays.copyOf(images, 20), 8), gzipMember(Arrays.copyOfRange(images, 20,
                        images.length), 16)));
        int k = 0;
        for (byte[] encoded : encodings) {
            String what = "encoding " + k;
            Path f = write("images" + k++, encoded);
            Idx.Header h = Idx.header(f);
            assertArrayEquals(new int[] {count, rows, cols}, h.dims(), what);
            assertEquals(Idx.IMAGES_MAGIC, h.magic());
            assertEquals(count, h.count());
            assertEquals(rows * cols, h.itemSize());
            assertEquals(count * rows * cols, h.elements());
            assertEquals("IDX 0x00000803 [5, 3, 4]", h.toString());
            Idx.Images im = Idx.readImages(f);
            assertEquals(count, im.count());
            assertEquals(rows, im.rows());
            assertEquals(cols, im.cols());
            assertEquals(rows * cols, im.pixelsPerImage());
            assertScaled(pixels, im.pixels(), 0);
            // Into a caller's array at an offset: the window and nothing else.
            float[] dst = new float[pixels.length + 7];
            Arrays.fill(dst, -1f);
            assertEquals(h, Idx.readImages(f, dst, 3), what);
            assertScaled(pixels, dst, 3);
            for (int i : new int[] {0, 1, 2, dst.length - 4, dst.length - 3, dst.length - 2, dst.length - 1}) {
                assertEquals(-1f, dst[i], what + ": dst[" + i + "] outside the window");
            }
        }
        for (byte[] encoded : List.of(labelFile, gzip(labelFile), gzipMember(labelFile, 2 | 8))) {
            Path f = write("labels" + k++, encoded);
            assertArrayEquals(new int[] {0, 9, 3, 3, 7}, Idx.readLabels(f, 10));
            assertArrayEquals(new int[] {0, 9, 3, 3, 7}, Idx.readLabels(f));
            assertEquals(Idx.LABELS_MAGIC, Idx.header(f).magic());
            assertEquals(1, Idx.header(f).itemSize());
        }
        Idx.Dataset ds = Idx.read(write("pair-images", gzip(images)), write("pair-labels", labelFile), 10);
        assertScaled(pixels, ds.images().pixels(), 0);
        assertArrayEquals(new int[] {0, 9, 3, 3, 7}, ds.labels());
        // Labels up to 255 without a class count; an empty file of each kind.
        byte[] all = new byte[256];
        for (int i = 0; i < 256; i++) {
            all[i] = (byte) i;
        }
        int[] back = Idx.readLabels(write("all", idx(Idx.LABELS_MAGIC, new int[] {256}, all)));
        assertEquals(255, back[255]);
        assertEquals(0, Idx.readImages(write("none", idx(Idx.IMAGES_MAGIC, new int[] {0, 28, 28},
                new byte[0]))).pixels().length);
        assertEquals(0, Idx.readLabels(write("nolabels", gzip(idx(Idx.LABELS_MAGIC, new int[] {0},
                new byte[0]))), 10).length);
    }

    /** A broken file: what is wrong, its bytes, the exact message, and how it is read. */
    record Bad(String what, byte[] bytes, String message, Kind kind) {}

    enum Kind { IMAGES, LABELS_10, ANY }

    static final int[] DIMS = {3, 2, 4};
    static final byte[] DATA = randomBytes(24, 2);
    static final byte[] GOOD = idx(Idx.IMAGES_MAGIC, DIMS, DATA);

    /** Broken contents: each is tested plain and gzip-compressed (the message adjusted for gzip). */
    static List<Bad> badContents() {
        List<Bad> l = new ArrayList<>();
        l.add(new Bad("empty", new byte[0], "truncated: the file ends after 0 bytes, inside its"
                + " magic number", Kind.IMAGES));
        l.add(new Bad("two bytes", new byte[] {0, 0}, "truncated: the file ends after 2 bytes, inside"
                + " its magic number", Kind.ANY));
        l.add(new Bad("not IDX", "PK\3\4 a zip file".getBytes(), "not an IDX file: it starts with 0x50"
                + " 0x4b (magic 0x504b0304), an IDX file with two zero bytes", Kind.IMAGES));
        l.add(new Bad("float elements", idx(0x00000d03, DIMS, new byte[96]), "element type 0x0d (32-bit"
                + " floats, magic 0x00000d03); vecprop reads unsigned bytes (0x08) only", Kind.IMAGES));
        l.add(new Bad("signed bytes", idx(0x00000901, new int[] {2}, new byte[2]), "element type 0x09"
                + " (signed bytes, magic 0x00000901); vecprop reads unsigned bytes (0x08) only", Kind.ANY));
        l.add(new Bad("unknown element type", idx(0x00000703, DIMS, DATA), "element type 0x07 (not an"
                + " IDX element type, magic 0x00000703); vecprop reads unsigned bytes (0x08) only",
                Kind.IMAGES));
        l.add(new Bad("labels where images are asked for", idx(Idx.LABELS_MAGIC, new int[] {3}, new byte[3]),
                "magic 0x00000801 (1 dimension) where an images file's 0x00000803 (3 dimensions: count,"
                        + " rows, cols) is expected: is it a labels file?", Kind.IMAGES));
        l.add(new Bad("images where labels are asked for", GOOD, "magic 0x00000803 (3 dimensions) where"
                + " a labels file's 0x00000801 (1 dimension: count) is expected: is it an images file?",
                Kind.LABELS_10));
        l.add(new Bad("two dimensions where images are asked for", idx(0x00000802, new int[] {3, 8}, DATA),
                "magic 0x00000802 (2 dimensions) where an images file's 0x00000803 (3 dimensions: count,"
                        + " rows, cols) is expected", Kind.IMAGES));
        l.add(new Bad("no dimensions", new byte[] {0, 0, 8, 0}, "magic 0x00000800 declares 0"
                + " dimensions; an IDX file has at least 1 (the count)", Kind.ANY));
        l.add(new Bad("header cut in its dimensions", Arrays.copyOf(GOOD, 10), "truncated: the file ends"
                + " after 10 bytes, inside its 16-byte header", Kind.IMAGES));
        l.add(new Bad("a dimension past int", idx(Idx.IMAGES_MAGIC, new int[] {1, -1, 1}, new byte[0]),
                "dimension 1 is 4294967295, more than 2147483647", Kind.IMAGES));
        l.add(new Bad("dimensions whose product overflows an array", idx(Idx.IMAGES_MAGIC,
                new int[] {65536, 65536, 2}, new byte[0]), "dimensions 65536 x 65536 x 2 hold 8589934592"
                + " elements, more than 2147483639 (one Java array)", Kind.IMAGES));
        l.add(new Bad("dimensions whose product is far past an int", idx(Idx.IMAGES_MAGIC,
                new int[] {Integer.MAX_VALUE, 1000, 1000}, new byte[0]), "dimensions 2147483647 x 1000"
                + " x 1000 hold 2147483647000000 elements, more than 2147483639 (one Java array)",
                Kind.IMAGES));
        l.add(new Bad("one item past an array", idx(Idx.IMAGES_MAGIC,
                new int[] {1, Integer.MAX_VALUE, Integer.MAX_VALUE}, new byte[0]), "dimensions 1 x"
                + " 2147483647 x 2147483647: one item (2147483647 x 2147483647) holds 4611686014132420609"
                + " elements, more than 2147483639 (one Java array)", Kind.IMAGES));
        l.add(new Bad("no images of an impossible size", idx(Idx.IMAGES_MAGIC, new int[] {0, 65536, 65536},
                new byte[0]), "dimensions 0 x 65536 x 65536: one item (65536 x 65536) holds 4294967296"
                + " elements, more than 2147483639 (one Java array)", Kind.IMAGES));
        l.add(new Bad("data cut short", Arrays.copyOf(GOOD, GOOD.length - 4), "truncated: its dimensions"
                + " 3 x 2 x 4 need 24 bytes of data after the 16-byte header, the file holds 20 (4 missing)",
                Kind.IMAGES));
        l.add(new Bad("no data at all", Arrays.copyOf(GOOD, 16), "truncated: its dimensions 3 x 2 x 4 need"
                + " 24 bytes of data after the 16-byte header, the file holds 0 (24 missing)", Kind.ANY));
        l.add(new Bad("a trailing byte", concat(GOOD, new byte[1]), "1 trailing byte after the 24 bytes"
                + " of data its dimensions 3 x 2 x 4 claim", Kind.IMAGES));
        l.add(new Bad("a header claiming 2 GB", idx(Idx.IMAGES_MAGIC, new int[] {2_000_000, 1000, 1},
                DATA), "truncated: its dimensions 2000000 x 1000 x 1 need 2000000000 bytes of data after"
                + " the 16-byte header, the file holds 24 (1999999976 missing)", Kind.IMAGES));
        l.add(new Bad("a label past the classes", idx(Idx.LABELS_MAGIC, new int[] {4}, new byte[] {1, 9,
                10, 3}), "label 10 at index 2 is not below classes = 10", Kind.LABELS_10));
        l.add(new Bad("a label of 255", idx(Idx.LABELS_MAGIC, new int[] {2}, new byte[] {0, (byte) 255}),
                "label 255 at index 1 is not below classes = 10", Kind.LABELS_10));
        return l;
    }

    /** For gzip, truncation and trailing bytes are counted in decompressed bytes. */
    static String gzipMessage(String plain) {
        return plain.replace("the file ends after", "the decompressed file ends after")
                .replace(", the file holds", ", the decompressed file holds")
                .replace("1 trailing byte after the 24 bytes of data its dimensions 3 x 2 x 4 claim",
                        "trailing bytes: the decompressed data goes on past the 24 bytes its dimensions"
                                + " 3 x 2 x 4 claim");
    }

    /** Broken gzip framing around a good IDX file. */
    static List<Bad> badGzip() {
        byte[] gz = gzipMember(GOOD, 0);
        int n = gz.length;
        List<Bad> l = new ArrayList<>();
        byte[] crc = gz.clone();
        crc[n - 8] ^= 1;
        l.add(new Bad("gzip CRC-32 wrong", crc, "the gzip data's CRC-32 is 0x", Kind.IMAGES));
        byte[] size = gz.clone();
        size[n - 4] += 1;
        l.add(new Bad("gzip length wrong", size, "the gzip data holds 40 bytes, its trailer says 41"
                + " (mod 2^32)", Kind.IMAGES));
        l.add(new Bad("gzip cut in the trailer", Arrays.copyOf(gz, n - 3), "truncated: the file ends"
                + " inside the gzip trailer (after " + (n - 3) + " bytes)", Kind.IMAGES));
        l.add(new Bad("gzip cut in its data", Arrays.copyOf(gz, 16), "truncated: the gzip stream ends"
                + " (after 16 bytes) before its compressed data does", Kind.IMAGES));
        l.add(new Bad("gzip cut in its header", Arrays.copyOf(gz, 6), "truncated: the file ends inside"
                + " the gzip header (after 6 bytes)", Kind.IMAGES));
        l.add(new Bad("bytes after the gzip stream", concat(gz, new byte[] {1, 2, 3}), "3 bytes follow"
                + " the gzip stream at byte " + n + " and are not another gzip member (it would start"
                + " with 0x1f 0x8b)", Kind.IMAGES));
        l.add(new Bad("a zero byte after the gzip stream", concat(gz, new byte[1]), "1 bytes follow"
                + " the gzip stream at byte " + n, Kind.IMAGES));
        byte[] method = gz.clone();
        method[2] = 7;
        l.add(new Bad("gzip method not deflate", method, "gzip compression method 7 is not deflate (8)",
                Kind.IMAGES));
        byte[] reserved = gz.clone();
        reserved[3] = (byte) 0x20;
        l.add(new Bad("gzip reserved flag", reserved, "gzip header flags 0x20 set reserved bits", Kind.IMAGES));
        byte[] hcrc = gzipMember(GOOD, 2 | 8);
        hcrc[10] ^= 1; // a letter of the file name: the header checksum no longer matches
        l.add(new Bad("gzip header checksum wrong", hcrc, "the gzip header's checksum is 0x", Kind.IMAGES));
        byte[] damaged = gz.clone();
        damaged[10] = (byte) 0xff; // deflate block type 3: reserved
        l.add(new Bad("gzip data damaged", damaged, "the gzip data is damaged (", Kind.IMAGES));
        return l;
    }

    /** Reads {@code f} as {@code kind} asks, into a sentinel-filled caller's array for images. */
    static void read(Path f, Kind kind, float[] dst) throws IOException {
        switch (kind) {
            case IMAGES -> Idx.readImages(f, dst, 0);
            case LABELS_10 -> Idx.readLabels(f, 10);
            case ANY -> Idx.header(f);
        }
    }

    @TestFactory
    List<DynamicTest> brokenFilesAreRefusedWithTheirCauseAndNothingWritten() {
        List<Bad> all = new ArrayList<>();
        for (Bad b : badContents()) {
            all.add(b);
            all.add(new Bad(b.what() + " (gzip)", gzip(b.bytes()), gzipMessage(b.message()), b.kind()));
        }
        all.addAll(badGzip());
        List<DynamicTest> tests = new ArrayList<>();
        for (Bad bad : all) {
            tests.add(DynamicTest.dynamicTest(bad.what(), () -> {
                Path f = write("bad.idx", bad.bytes());
                float[] dst = new float[64];
                Arrays.fill(dst, -1f);
                IdxFormatException e = assertThrows(IdxFormatException.class, () -> read(f, bad.kind(), dst));
                assertTrue(e.getMessage().startsWith("bad.idx: " + bad.message()), bad.what() + ": \""
                        + e.getMessage() + "\" should start with \"bad.idx: " + bad.message() + "\"");
                float[] untouched = new float[64];
                Arrays.fill(untouched, -1f);
                assertArrayEquals(untouched, dst, bad.what() + ": the caller's array was written");
                if (bad.kind() == Kind.IMAGES) {
                    assertThrows(IdxFormatException.class, () -> Idx.readImages(f), bad.what());
                }
                if (!bad.message().startsWith("magic") && !bad.message().startsWith("label")) {
                    // A fault of the file itself, not of the kind asked for: header() finds it too.
                    assertThrows(IdxFormatException.class, () -> Idx.header(f), bad.what());
                }
            }));
        }
        return tests;
    }

    /**
     * A header may declare up to 255 dimensions: the refusal lists a few and counts the rest,
     * and gives a product past 24 digits in scientific notation. Found by the fuzzer: 255
     * dimensions near 2^30 made a message of 2,551 characters (the 2,300-digit product and
     * every dimension); and dimensions of 1 under the limit made the truncation message list
     * all of them.
     */
    @Test
    void aHeaderWithManyDimensionsIsRefusedWithAShortMessage() throws IOException {
        int[] huge = new int[255];
        java.util.Arrays.fill(huge, 1_195_853_639);
        Path file = dir.resolve("many-huge.idx");
        Files.write(file, idx(0x000008ff, huge, new byte[0]));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.header(file));
        assertTrue(e.getMessage().length() < 400, e.getMessage().length() + " characters: " + e.getMessage());
        assertTrue(e.getMessage().contains("1195853639 x 1195853639 x 1195853639 x 1195853639 x 1195853639"
                + " x 1195853639 x ... x 1195853639 (254 dimensions)"), e.getMessage());
        assertTrue(e.getMessage().contains("holds about 5.373e2305 elements, more than 2147483639"), e.getMessage());
        int[] ones = new int[255];
        java.util.Arrays.fill(ones, 1);
        ones[0] = 5;
        Path truncated = dir.resolve("many-ones.idx");
        Files.write(truncated, idx(0x000008ff, ones, new byte[2]));
        IdxFormatException t = assertThrows(IdxFormatException.class, () -> Idx.header(truncated));
        assertTrue(t.getMessage().length() < 400, t.getMessage().length() + " characters: " + t.getMessage());
        assertTrue(t.getMessage().contains("5 x 1 x 1 x 1 x 1 x 1 x ... x 1 (255 dimensions)"), t.getMessage());
    }

    @Test
    void aPairWhoseCountsDisagreeIsRefusedBeforeEitherIsRead() throws IOException {
        Path images = write("imgs", GOOD); // 3 images
        Path labels = write("lbls.gz", gzip(idx(Idx.LABELS_MAGIC, new int[] {2}, new byte[] {1, 2})));
        IdxFormatException e = assertThrows(IdxFormatException.class, () -> Idx.read(images, labels, 10));
        assertEquals("the images file imgs holds 3 images but the labels file lbls.gz holds 2 labels:"
                + " they are not a pair", e.getMessage());
        Path badLabel = write("lbls3", idx(Idx.LABELS_MAGIC, new int[] {3}, new byte[] {1, 2, 12}));
        assertEquals("lbls3: label 12 at index 2 is not below classes = 10",
                assertThrows(IdxFormatException.class, () -> Idx.read(images, badLabel, 10)).getMessage());
        assertEquals(3, Idx.read(images, badLabel, 13).labels().length, "13 classes take label 12");
    }

    @Test
    void aFileChangedBetweenTheCheckAndTheReadIsReported() throws IOException {
        // The check pass saw one file, the read pass finds another: reported, not trusted. (The
        // caller's array may then be partly written: the one case the class comment names.)
        for (boolean gz : new boolean[] {false, true}) {
            Path f = write("changing", gz ? gzip(GOOD) : GOOD);
            Idx.Header checked = Idx.verified(f, Idx.IMAGES_MAGIC);
            float[] dst = new float[24];
            Files.write(f, gz ? gzip(idx(Idx.IMAGES_MAGIC, new int[] {2, 2, 4}, new byte[16]))
                    : idx(Idx.IMAGES_MAGIC, new int[] {2, 2, 4}, new byte[16]));
            assertEquals("changing: the file changed while it was being read (its content no longer"
                    + " matches what was checked)", assertThrows(IdxFormatException.class,
                    () -> Idx.fill(f, checked, dst, 0, null, 0)).getMessage(), "other dims, gzip " + gz);
            Files.write(f, gz ? gzip(Arrays.copyOf(GOOD, GOOD.length - 3)) : Arrays.copyOf(GOOD, GOOD.length - 3));
            assertEquals("changing: the file changed while it was being read (its content no longer"
                    + " matches what was checked)", assertThrows(IdxFormatException.class,
                    () -> Idx.fill(f, checked, dst, 0, null, 0)).getMessage(), "cut short, gzip " + gz);
            Files.write(f, gz ? gzip(concat(GOOD, new byte[2])) : concat(GOOD, new byte[2]));
            assertEquals("changing: the file changed while it was being read (its content no longer"
                    + " matches what was checked)", assertThrows(IdxFormatException.class,
                    () -> Idx.fill(f, checked, dst, 0, null, 0)).getMessage(), "grown, gzip " + gz);
        }
    }

    @Test
    void badCallsAreRefusedBeforeAnyWrite() throws IOException {
        Path images = write("imgs", GOOD);
        float[] small = new float[30];
        Arrays.fill(small, -1f);
        rejects(IndexOutOfBoundsException.class, "dst must fit in its array: 24 elements at dstOff = 7 need 31, but dst.length is 30",
                () -> Idx.readImages(images, small, 7));
        for (float v : small) {
            assertEquals(-1f, v, "nothing written");
        }
        rejects(NullPointerException.class, "dst must not be null", () -> Idx.readImages(images, null, 0));
        rejects(NullPointerException.class, "file must not be null", () -> Idx.readImages(null, small, 0));
        rejects(NullPointerException.class, "file must not be null", () -> Idx.readImages(null));
        rejects(NullPointerException.class, "file must not be null", () -> Idx.header(null));
        rejects(NullPointerException.class, "file must not be null", () -> Idx.readLabels(null, 10));
        rejects(NullPointerException.class, "images must not be null", () -> Idx.read(null, images, 10));
        rejects(NullPointerException.class, "labels must not be null", () -> Idx.read(images, null, 10));
        rejects(IllegalArgumentException.class, "classes must be in [1, 256] (a label is one unsigned"
                + " byte), got 0", () -> Idx.readLabels(images, 0));
        rejects(IllegalArgumentException.class, "classes must be in [1, 256] (a label is one unsigned"
                + " byte), got 257", () -> Idx.read(images, images, 257));
        assertThrows(java.nio.file.NoSuchFileException.class, () -> Idx.header(dir.resolve("missing")));
    }
}

package org.vecprop.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.vecprop.testing.Rejections.rejects;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link SafeTensors}: the bytes it writes against the format written out by hand, round trips
 * bit for bit (special values, empty and scalar tensors, through a file and through memory), and
 * a table of malformed files, each rejected with its reason, from a file and from memory alike.
 */
class SafeTensorsTest {

    /** A file's bytes from a header text and raw data, the header length as given. */
    static byte[] file(long headerLength, String header, byte[] data) {
        byte[] h = header.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(8 + h.length + data.length).order(ByteOrder.LITTLE_ENDIAN)
                .putLong(headerLength).put(h).put(data).array();
    }

    /** A file's bytes with the true header length. */
    static byte[] file(String header, byte[] data) {
        return file(header.getBytes(StandardCharsets.UTF_8).length, header, data);
    }

    static byte[] floats(float... v) {
        ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
        for (float f : v) {
            b.putFloat(f);
        }
        return b.array();
    }

    @Test
    void writesTheFormatByteForByte() {
        // Written out from the format's description: u64 LE header length, the JSON header
        // padded with spaces to a multiple of 8, the data little-endian.
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("w", Tensor.of(new float[] {1f, -2f, 0.5f, 3f, 4f, 5f}, 2, 3));
        t.put("b", Tensor.of(new float[] {7f}, 1));
        SafeTensors st = new SafeTensors(t, Map.of("format", "pt"));
        String header = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2,3],\"data_offsets\":[0,24]},"
                + "\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[24,28]}}";
        int padded = (header.length() + 7) / 8 * 8;
        String paddedHeader = header + " ".repeat(padded - header.length());
        byte[] expected = file(paddedHeader, floats(1f, -2f, 0.5f, 3f, 4f, 5f, 7f));
        assertArrayEquals(expected, st.toBytes());
        assertEquals(0, (8 + padded) % 8, "the data starts 8-byte aligned");
    }

    static final float[] SPECIALS = {0f, -0f, Float.MIN_VALUE, -Float.MIN_NORMAL, Float.MAX_VALUE,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN,
        Float.intBitsToFloat(0x7fc00123), 1e-40f, 1f / 3};

    static SafeTensors sample() {
        Map<String, Tensor> t = new LinkedHashMap<>();
        t.put("specials", Tensor.of(SPECIALS, SPECIALS.length));
        float[] big = new float[3 * 70_000]; // several read and write chunks
        Random rnd = new Random(1);
        for (int i = 0; i < big.length; i++) {
            big[i] = Float.intBitsToFloat(rnd.nextInt()); // every bit pattern, NaNs included
        }
        t.put("big.weight", Tensor.of(big, 3, 70_000));
        t.put("empty", Tensor.of(new float[0], 4, 0));
        t.put("scalar", Tensor.of(new float[] {42f}));
        t.put("naïve ünïcode \"quoted\" \\ \n", Tensor.of(new float[] {1f, 2f}, 2, 1));
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", "pt");
        meta.put("note", "tab\there, quote \" and € and \u0001");
        return new SafeTensors(t, meta);
    }

    static void assertSameBits(SafeTensors expected, SafeTensors actual) {
        assertEquals(new ArrayList<>(expected.tensors().keySet()),
                new ArrayList<>(actual.tensors().keySet()), "names in order");
        assertEquals(expected.metadata(), actual.metadata());
        for (String name : expected.tensors().keySet()) {
            Tensor e = expected.tensors().get(name), a = actual.tensors().get(name);
            assertArrayEquals(e.shape(), a.shape(), name);
            for (int i = 0; i < e.size(); i++) {
                if (Float.floatToRawIntBits(e.get(i)) != Float.floatToRawIntBits(a.get(i))) {
                    throw new AssertionError(name + "[" + i + "]: bits "
                            + Integer.toHexString(Float.floatToRawIntBits(e.get(i))) + " became "
                            + Integer.toHexString(Float.floatToRawIntBits(a.get(i))));
                }
            }
        }
    }

    @Test
    void roundTripsBitForBitThroughAFileAndThroughMemory(@TempDir Path dir) throws IOException {
        SafeTensors st = sample();
        Path f = dir.resolve("sample.safetensors");
        st.write(f);
        assertSameBits(st, SafeTensors.read(f));
        assertSameBits(st, SafeTensors.read(st.toBytes()));
        assertArrayEquals(st.toBytes(), Files.readAllBytes(f), "the file holds toBytes()");
        // Overwriting leaves one file and no temporary one behind.
        new SafeTensors(Map.of("x", Tensor.of(new float[] {1f}, 1)), Map.of()).write(f);
        assertEquals(1, SafeTensors.read(f).tensors().size());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(f), files.toList());
        }
        assertEquals(0, SafeTensors.read(new SafeTensors(Map.of(), Map.of()).toBytes()).tensors().size());
    }

    @Test
    void readsWhatOtherWritersWrite() throws IOException {
        // Whitespace and newlines, metadata last, entries in another order than their data,
        // an empty tensor between two others, a header padded with spaces: all allowed.
        String header = "{\n  \"b\": {\"shape\": [2], \"dtype\": \"F32\", \"data_offsets\": [8, 16]},\n"
                + "  \"e\": {\"dtype\": \"F32\", \"shape\": [0, 3], \"data_offsets\": [8, 8]},\n"
                + "  \"a\": {\"data_offsets\": [0, 8], \"dtype\": \"F32\", \"shape\": [1, 2]},\n"
                + "  \"__metadata__\": {\"format\": \"pt\", \"k\": \"caf\\u00e9 \\ud83d\\ude00\"}\n}   ";
        SafeTensors st = SafeTensors.read(file(header, floats(1f, 2f, 3f, 4f)));
        assertEquals(List.of("b", "e", "a"), new ArrayList<>(st.tensors().keySet()));
        assertArrayEquals(new float[] {3f, 4f}, st.tensors().get("b").toArray());
        assertArrayEquals(new float[] {1f, 2f}, st.tensors().get("a").toArray());
        assertArrayEquals(new int[] {0, 3}, st.tensors().get("e").shape());
        assertEquals("café \uD83D\uDE00", st.metadata().get("k"));
    }

    /** A file whose header is {@code header} with raw bytes put in from header byte {@code at}. */
    static byte[] withBytes(String header, int at, int... bytes) {
        byte[] f = file(header, new byte[0]);
        for (int i = 0; i < bytes.length; i++) {
            f[8 + at + i] = (byte) bytes[i];
        }
        return f;
    }

    /** One malformed file: what is wrong, the bytes, the message expected (a fragment). */
    record Bad(String what, byte[] bytes, String message) {}

    static final String OK_ENTRY = "{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    static List<Bad> badFiles() {
        byte[] two = floats(1f, 2f);
        List<Bad> l = new ArrayList<>();
        l.add(new Bad("empty file", new byte[0], "truncated: the file is 0 bytes, shorter than the"
                + " 8-byte header length"));
        l.add(new Bad("5 bytes", new byte[5], "truncated: the file is 5 bytes"));
        l.add(new Bad("huge header length", file(Long.MAX_VALUE, "{}", new byte[0]),
                "header length 9223372036854775807 exceeds the limit of 100000000 bytes"));
        l.add(new Bad("header length with the top bit set", file(-8L, "{}", new byte[0]),
                "header length 18446744073709551608 exceeds the limit of 100000000 bytes"));
        l.add(new Bad("header length just past the limit", file(100_000_001L, "{}", new byte[0]),
                "header length 100000001 exceeds the limit"));
        l.add(new Bad("header length past the file", file(1000, "{\"a\":" + OK_ENTRY + "}", two),
                "truncated, or a wrong header length: the header length is 1000 bytes but only 62"
                        + " bytes follow it (the file is 70 bytes)"));
        l.add(new Bad("data cut short", file("{\"a\":" + OK_ENTRY + "}", floats(1f)),
                "truncated: tensor \"a\" (bytes 0..8) runs past the end of the data (4 bytes)"));
        l.add(new Bad("trailing bytes", file("{\"a\":" + OK_ENTRY + "}", floats(1f, 2f, 3f)),
                "the file holds 12 bytes of data but its tensors cover only 8"));
        l.add(new Bad("dtype F16", file("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                new byte[4]), "tensor \"a\" has dtype F16; vecprop reads F32 only"));
        l.add(new Bad("dtype BF16", file("{\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                new byte[4]), "tensor \"a\" has dtype BF16; vecprop reads F32 only"));
        l.add(new Bad("dtype I64", file("{\"a\":{\"dtype\":\"I64\",\"shape\":[1],\"data_offsets\":[0,8]}}",
                new byte[8]), "tensor \"a\" has dtype I64; vecprop reads F32 only"));
        l.add(new Bad("shape larger than its bytes",
                file("{\"a\":{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[0,8]}}", two),
                "tensor \"a\": data_offsets [0, 8] span 8 bytes, but F32 shape [3] needs 12"));
        l.add(new Bad("shape smaller than its bytes",
                file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1,1],\"data_offsets\":[0,8]}}", two),
                "tensor \"a\": data_offsets [0, 8] span 8 bytes, but F32 shape [1, 1] needs 4"));
        l.add(new Bad("shape overflowing an array",
                file("{\"a\":{\"dtype\":\"F32\",\"shape\":[65536,65536],\"data_offsets\":[0,8]}}", two),
                "tensor \"a\": shape [65536, 65536] has more than 2147483639 elements (one Java array)"));
        l.add(new Bad("dimension beyond int",
                file("{\"a\":{\"dtype\":\"F32\",\"shape\":[0,99999999999],\"data_offsets\":[0,0]}}",
                        new byte[0]), "tensor \"a\": shape dimension 1 is 99999999999, more than"
                        + " 2147483639 (one Java array) (at header byte 31)"));
        l.add(new Bad("offsets that overlap", file("{\"a\":" + OK_ENTRY + ",\"b\":"
                        + "{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", floats(1f, 2f, 3f)),
                "tensor \"b\" (bytes 4..8) overlaps tensor \"a\" (bytes 0..8)"));
        l.add(new Bad("the same bytes twice", file("{\"a\":" + OK_ENTRY + ",\"b\":" + OK_ENTRY + "}", two),
                "overlaps tensor"));
        l.add(new Bad("a gap between tensors", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],"
                        + "\"data_offsets\":[4,8]}}", two),
                "a gap of 4 bytes in the data before tensor \"a\" (bytes 4..8)"));
        l.add(new Bad("offsets past the end", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[8,16]}}", two),
                "truncated: tensor \"a\" (bytes 8..16) runs past the end of the data (8 bytes)"));
        l.add(new Bad("offsets backwards", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[8,0]}}", two), "tensor \"a\": data_offsets [8, 0] end before they begin"));
        l.add(new Bad("offset beyond long", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,9223372036854775808]}}", two), "integer larger than"));
        l.add(new Bad("three offsets", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,4,8]}}", two), "tensor \"a\": data_offsets must be [begin, end], got 3 integers (at header byte 47)"));
        l.add(new Bad("negative dimension", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],"
                        + "\"data_offsets\":[0,8]}}", two), "header: unsupported JSON value (a safetensors header holds only"
                        + " objects, arrays, strings and integers >= 0), found '-' at header byte 29"));
        l.add(new Bad("fractional offset", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,8.0]}}", two), "only integers are supported"));
        l.add(new Bad("leading zero", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[02],"
                        + "\"data_offsets\":[0,8]}}", two), "integer with a leading zero"));
        l.add(new Bad("missing field", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2]}}", two),
                "tensor \"a\": missing field \"data_offsets\""));
        l.add(new Bad("unknown field", file("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,8],\"stride\":[1]}}", two),
                "tensor \"a\": unknown field \"stride\""));
        l.add(new Bad("entry not an object", file("{\"a\":[1,2]}", new byte[0]),
                "tensor \"a\": its entry is not an object"));
        l.add(new Bad("shape not an array", file("{\"a\":{\"dtype\":\"F32\",\"shape\":\"2\","
                        + "\"data_offsets\":[0,8]}}", two), "tensor \"a\": shape is not an array"));
        l.add(new Bad("dtype not a string", file("{\"a\":{\"dtype\":32,\"shape\":[2],"
                        + "\"data_offsets\":[0,8]}}", two), "tensor \"a\": dtype is not a string"));
        l.add(new Bad("duplicate tensor", file("{\"a\":" + OK_ENTRY + ",\"a\":" + OK_ENTRY + "}", two),
                "duplicate key \"a\""));
        l.add(new Bad("duplicate field", file("{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\","
                        + "\"shape\":[2],\"data_offsets\":[0,8]}}", two), "duplicate key \"dtype\""));
        l.add(new Bad("metadata value not a string", file("{\"__metadata__\":{\"n\":1}}", new byte[0]),
                "__metadata__: the value of \"n\" is not a string"));
        l.add(new Bad("metadata not an object", file("{\"__metadata__\":\"x\"}", new byte[0]),
                "__metadata__ must be an object of strings"));
        l.add(new Bad("header not an object", file("[]", new byte[0]),
                "header must be a JSON object starting with '{'"));
        l.add(new Bad("empty header", file("", new byte[0]), "header must be a JSON object"));
        l.add(new Bad("garbage after the header", file("{} x", new byte[0]),
                "the header length says 4 bytes, but the header's JSON object ends after 2 and"
                        + " header byte 3 ('x') is not whitespace padding: the header length is too"
                        + " large (by 2 bytes if the object is the whole header), or other bytes"
                        + " follow the object"));
        l.add(new Bad("unterminated header", file("{\"a\":", new byte[0]), "unexpected end of header"));
        l.add(new Bad("true", file("{\"a\":true}", new byte[0]), "unsupported JSON value (a safetensors header holds only objects, arrays,"
                + " strings and integers >= 0), found 't' at header byte 5"));
        l.add(new Bad("null", file("{\"a\":null}", new byte[0]), "found 'n' at header byte 5"));
        l.add(new Bad("an object nested in an entry", file("{\"a\":{\"b\":{\"c\":{}}}}", new byte[0]),
                "tensor \"a\": unknown field \"b\" at header byte 6 (an entry holds dtype, shape and"
                        + " data_offsets)"));
        l.add(new Bad("an object nested in the metadata", file("{\"__metadata__\":{\"b\":{\"c\":{}}}}",
                new byte[0]), "__metadata__: the value of \"b\" is not a string (at header byte 21)"));
        l.add(new Bad("duplicate metadata key", file("{\"__metadata__\":{\"k\":\"1\",\"k\":\"2\"}}",
                new byte[0]), "__metadata__: duplicate key \"k\" at header byte 25"));
        l.add(new Bad("duplicate metadata", file("{\"__metadata__\":{},\"__metadata__\":{}}",
                new byte[0]), "header: duplicate key \"__metadata__\" at header byte 19"));
        l.add(new Bad("65 dimensions", file("{\"a\":{\"dtype\":\"F32\",\"shape\":["
                        + "1,".repeat(64) + "1],\"data_offsets\":[0,4]}}", floats(1f)),
                "tensor \"a\": shape has more than 64 dimensions (at header byte 157)"));
        l.add(new Bad("raw newline in a string", file("{\"a\n\":{}}", new byte[0]),
                "header: raw control character 0x0a in a string (it must be escaped) at header byte 3"));
        l.add(new Bad("bad escape", file("{\"a\\x\":{}}", new byte[0]), "unknown escape \\x"));
        l.add(new Bad("unpaired surrogate", file("{\"\\ud800\":{}}", new byte[0]),
                "unpaired surrogate escape"));
        l.add(new Bad("missing comma", file("{\"a\":" + OK_ENTRY + " \"b\":" + OK_ENTRY + "}", two),
                "expected ',' or '}'"));
        byte[] notUtf8 = file("{\"a\":{}}", new byte[0]);
        notUtf8[8 + 2] = (byte) 0xff;
        l.add(new Bad("invalid UTF-8", notUtf8, "header: a string holds bytes that are not valid"
                + " UTF-8 (0xff cannot start a character) at header byte 2"));
        // Every way a UTF-8 sequence inside a string can be wrong, each named.
        l.add(new Bad("overlong UTF-8", withBytes("{\"ab\":{}}", 2, 0xc0, 0x80),
                "not valid UTF-8 (U+0000 encoded in 2 bytes is an overlong form) at header byte 2"));
        l.add(new Bad("a surrogate in UTF-8", withBytes("{\"abc\":{}}", 2, 0xed, 0xa0, 0x80),
                "not valid UTF-8 (U+D800 encoded in 3 bytes is a surrogate) at header byte 2"));
        l.add(new Bad("UTF-8 beyond Unicode", withBytes("{\"abcd\":{}}", 2, 0xf4, 0x90, 0x80, 0x80),
                "not valid UTF-8 (U+110000 encoded in 4 bytes is beyond Unicode) at header byte 2"));
        l.add(new Bad("UTF-8 cut short", withBytes("{\"abc\":{}}", 2, 0xe2, 0x82, '"'),
                "not valid UTF-8 (0xe2 starts a 3-byte character that is cut short) at header byte 2"));

        // The header length wrong by a few bytes, the file otherwise right: the message says what
        // the length claims and where the JSON object really ends, not "not valid UTF-8".
        String header = "{\"a\":" + OK_ENTRY + "}";
        int h = header.length();
        l.add(new Bad("header length 4 too large, data starting with a zero byte",
                file(h + 4, header, floats(1f, 2f)),
                "the header length says " + (h + 4) + " bytes, but the header's JSON object ends after "
                        + h + " and header byte " + h + " (byte 0x00) is not whitespace padding: the"
                        + " header length is too large (by 4 bytes if the object is the whole header),"
                        + " or other bytes follow the object"));
        l.add(new Bad("header length 4 too large, data starting with a byte that is not UTF-8",
                file(h + 4, header, floats(Float.intBitsToFloat(0x3f8000ff), 2f)),
                "header byte " + h + " (byte 0xff) is not whitespace padding: the header length is too"
                        + " large (by 4 bytes if the object is the whole header)"));
        l.add(new Bad("header length 4 too small", file(h - 4, header, floats(1f, 2f)),
                "the header ends inside its JSON object: the header length (" + (h - 4) + " bytes) is"
                        + " too small, or the header is cut short (header: "));
        l.add(new Bad("header length 1 too small", file(h - 1, header, floats(1f, 2f)),
                "the header ends inside its JSON object: the header length (" + (h - 1) + " bytes) is"
                        + " too small, or the header is cut short (header: expected ',' or '}', found"
                        + " the end of the header at header byte " + (h - 1) + ")"));
        return l;
    }

    /**
     * Each malformed file, from memory and from a file: a {@link SafeTensorsFormatException}
     * naming the problem (and nothing returned).
     */
    @TestFactory
    List<DynamicTest> malformedFilesAreRejectedWithTheirReason(@TempDir Path dir) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Bad bad : badFiles()) {
            tests.add(DynamicTest.dynamicTest(bad.what(), () -> {
                SafeTensorsFormatException e = assertThrows(SafeTensorsFormatException.class,
                        () -> SafeTensors.read(bad.bytes()), bad.what());
                assertTrue(e.getMessage().contains(bad.message()), bad.what() + ": \""
                        + e.getMessage() + "\" should contain \"" + bad.message() + "\"");
                Path f = dir.resolve(bad.what().replaceAll("\\W", "_") + ".safetensors");
                Files.write(f, bad.bytes());
                SafeTensorsFormatException fromFile = assertThrows(SafeTensorsFormatException.class,
                        () -> SafeTensors.read(f), bad.what() + " (file)");
                assertEquals(e.getMessage(), fromFile.getMessage(), bad.what() + ": file and memory agree");
            }));
        }
        return tests;
    }

    @Test
    void aMissingFileIsAnIOExceptionNotARefusal(@TempDir Path dir) {
        // "Could not read" and "read and refused" are told apart: only the second is a
        // FileRejectedException.
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(dir.resolve("missing")));
        assertEquals(java.nio.file.NoSuchFileException.class, e.getClass());
    }

    @Test
    void aHugeHeaderLengthAllocatesNothingLarge() {
        // The length is checked before the header is allocated: a reader that trusted it would
        // try to allocate the claimed bytes and fail with OutOfMemoryError instead.
        for (long n : new long[] {Long.MAX_VALUE, 1L << 40, Integer.MAX_VALUE, 100_000_000L}) {
            assertThrows(SafeTensorsFormatException.class,
                    () -> SafeTensors.read(file(n, "{}", new byte[0])), "length " + n);
        }
    }

    @Test
    void contentsAreCheckedAndImmutable() {
        rejects(IllegalArgumentException.class, "tensors must not use the name __metadata__ (the"
                        + " header's key for the metadata)",
                () -> new SafeTensors(Map.of("__metadata__", Tensor.of(new float[1], 1)), Map.of()));
        rejects(NullPointerException.class, "tensors must not be null", () -> new SafeTensors(null, Map.of()));
        rejects(NullPointerException.class, "metadata must not be null", () -> new SafeTensors(Map.of(), null));
        Map<String, Tensor> withNull = new LinkedHashMap<>();
        withNull.put("a", null);
        rejects(NullPointerException.class, "tensors must not map a name to null, got null for \"a\"",
                () -> new SafeTensors(withNull, Map.of()));
        Map<String, Tensor> nullName = new LinkedHashMap<>();
        nullName.put(null, Tensor.of(new float[1], 1));
        rejects(NullPointerException.class, "tensors must not hold a null name",
                () -> new SafeTensors(nullName, Map.of()));
        Map<String, String> nullValue = new LinkedHashMap<>();
        nullValue.put("k", null);
        rejects(NullPointerException.class, "metadata must not map a key to null, got null for \"k\"",
                () -> new SafeTensors(Map.of(), nullValue));
        Map<String, String> nullKey = new LinkedHashMap<>();
        nullKey.put(null, "v");
        rejects(NullPointerException.class, "metadata must not hold a null key",
                () -> new SafeTensors(Map.of(), nullKey));
        rejects(IllegalArgumentException.class, "metadata must hold text UTF-8 can encode, got the"
                        + " value \"x\uDC00\" with an unpaired surrogate at index 1",
                () -> new SafeTensors(Map.of(), Map.of("k", "x\uDC00")));
        rejects(IllegalArgumentException.class, "tensors must hold text UTF-8 can encode, got the"
                + " name \"\uD800x\" with an unpaired surrogate at index 0",
                () -> new SafeTensors(Map.of("\uD800x", Tensor.of(new float[1], 1)), Map.of()));
        Map<String, Tensor> mutable = new LinkedHashMap<>();
        mutable.put("a", Tensor.of(new float[] {1f}, 1));
        SafeTensors st = new SafeTensors(mutable, Map.of());
        mutable.put("b", Tensor.of(new float[] {2f}, 1));
        assertEquals(1, st.tensors().size(), "the map is copied");
        assertThrows(UnsupportedOperationException.class, () -> st.tensors().clear());

        float[] data = {1f, 2f, 3f, 4f, 5f, 6f};
        Tensor t = Tensor.of(data, 2, 3);
        data[0] = 99f;
        assertEquals(1f, t.get(0), "the data is copied");
        t.toArray()[1] = 99f;
        t.shape()[0] = 99;
        assertEquals(2f, t.get(1));
        assertArrayEquals(new int[] {2, 3}, t.shape());
        assertEquals(2, t.rank());
        assertEquals(3, t.dim(1));
        assertEquals(6, t.size());
        assertEquals("F32[2, 3]", t.toString());
        assertEquals(Tensor.of(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 2, 3), t);
        assertFalse(t.equals(Tensor.of(new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 3, 2)), "shape counts");
        assertFalse(Tensor.of(new float[] {0f}, 1).equals(Tensor.of(new float[] {-0f}, 1)), "bits count");
        rejects(IllegalArgumentException.class, "data.length must be the element count of shape"
                        + " [2, 3], 6, got 5",
                () -> Tensor.of(new float[5], 2, 3));
        rejects(IllegalArgumentException.class, "shape must have at most 2147483639 elements (one"
                        + " Java array), got [65536, 65536]", () -> Tensor.of(new float[0], 65536, 65536));
        rejects(IllegalArgumentException.class, "shape must hold dimensions >= 0, got -1 at index 1",
                () -> Tensor.of(new float[0], 2, -1));
        rejects(NullPointerException.class, "data must not be null", () -> Tensor.of(null, 1));
        rejects(IndexOutOfBoundsException.class, "index must be in [0, size() = 6), got 6", () -> t.get(6));
        rejects(IndexOutOfBoundsException.class, "index must be in [0, size() = 6), got -1", () -> t.get(-1));
        rejects(IndexOutOfBoundsException.class, "axis must be in [0, rank() = 2), got 2", () -> t.dim(2));
        rejects(IndexOutOfBoundsException.class, "axis must be in [0, rank() = 2), got -1", () -> t.dim(-1));
        float[] dst = {9f, 9f, 9f, 9f, 9f, 9f, 9f};
        rejects(IndexOutOfBoundsException.class, "dst: 6 elements at dstOff 2 run past dst.length 7",
                () -> t.copyTo(dst, 2));
        rejects(NullPointerException.class, "dst must not be null", () -> t.copyTo(null, 0));
        assertArrayEquals(new float[] {9f, 9f, 9f, 9f, 9f, 9f, 9f}, dst, "a rejected copy writes nothing");
        t.copyTo(dst, 1);
        assertArrayEquals(new float[] {9f, 1f, 2f, 3f, 4f, 5f, 6f}, dst);
    }
}

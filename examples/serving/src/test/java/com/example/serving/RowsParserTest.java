package com.example.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The body parser on its own: numbers read exactly as {@link Float#parseFloat} reads them (on the
 * fast path and off it), rows placed where they belong, and each malformed body refused with a
 * 400 naming where. The HTTP-level cases are in {@link PredictionServerTest}.
 */
class RowsParserTest {
    static final long SEED = 20261207L;

    /** Parses {@code {"input": [s]}} with a one-value model. */
    static float one(String number) throws HttpError {
        byte[] b = ("{\"input\": [" + number + "]}").getBytes(StandardCharsets.US_ASCII);
        float[] dst = new float[1];
        assertEquals(1, new RowsParser(1, 1).parse(b, b.length, dst));
        return dst[0];
    }

    static void assertSameFloat(String s) throws HttpError {
        float want = Float.parseFloat(s);
        if (Float.isInfinite(want)) {
            HttpError e = assertThrows(HttpError.class, () -> one(s), s);
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains("beyond float32's range"), e.getMessage());
        } else {
            float got = one(s);
            assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(got),
                    s + ": parsed " + got + ", Float.parseFloat gives " + want);
        }
    }

    @Test
    void everyNumberReadsAsFloatParseFloatReadsIt() throws HttpError {
        Random r = new Random(SEED);
        for (int i = 0; i < 20_000; i++) {
            // Random decimal strings: 1-25 digits, a point somewhere or none, an exponent or none.
            StringBuilder s = new StringBuilder();
            if (r.nextBoolean()) {
                s.append('-');
            }
            int digits = 1 + r.nextInt(r.nextBoolean() ? 8 : 25);
            int point = r.nextInt(digits + 1);
            boolean leadingZero = point == 0 || r.nextInt(4) == 0;
            if (leadingZero) {
                s.append("0.");
                for (int d = 0; d < digits; d++) {
                    s.append((char) ('0' + r.nextInt(10)));
                }
            } else {
                s.append((char) ('1' + r.nextInt(9)));
                for (int d = 1; d < digits; d++) {
                    if (d == point) {
                        s.append('.');
                    }
                    s.append((char) ('0' + r.nextInt(10)));
                }
            }
            if (r.nextInt(3) == 0) {
                s.append(r.nextBoolean() ? 'e' : 'E');
                int k = r.nextInt(3);
                s.append(k == 0 ? "" : k == 1 ? "+" : "-");
                s.append(r.nextInt(r.nextBoolean() ? 12 : 60));
            }
            assertSameFloat(s.toString());
            // Random float32 values in the forms encoders write: Java's and Python's shortest.
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isFinite(f)) {
                assertSameFloat(Float.toString(f));
                assertSameFloat(Double.toString(f));
                assertSameFloat(String.format(java.util.Locale.ROOT, "%.9e", f));
            }
        }
        // The fast path's edges: 2^24 and one past, 10^10 and 10^11, halfway cases, zeros.
        for (String s : new String[] {"16777216", "16777217", "16777217e0", "1677721.7", "1e10", "1e11", "1e-10",
                "1e-11", "9999999e10", "0", "-0", "0.0", "-0.0e5", "0e999", "3.4028235e38", "3.4028236e38",
                "1.4e-45", "7e-46", "1e-46", "0.1", "0.2", "0.3", "2.5", "0.5000000298023224"}) {
            assertSameFloat(s);
        }
    }

    @Test
    void rowsLandAtTheirPlace() throws HttpError {
        byte[] b = "{\"inputs\":[[1,2,3],[4,5,6]]}".getBytes(StandardCharsets.US_ASCII);
        float[] dst = new float[9];
        java.util.Arrays.fill(dst, -7f);
        assertEquals(2, new RowsParser(3, 3).parse(b, b.length, dst));
        assertEquals("[1.0, 2.0, 3.0, 4.0, 5.0, 6.0, -7.0, -7.0, -7.0]", java.util.Arrays.toString(dst));
        // Only the first length bytes count; a UTF-8 byte-order mark is skipped.
        byte[] padded = "\u00ef\u00bb\u00bf{\"input\":[9,8,7]}garbage".getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(1, new RowsParser(3, 3).parse(padded, padded.length - 7, dst));
        assertEquals(9f, dst[0]);
    }

    @Test
    void malformedBodiesNameWhereTheyBreak() {
        RowsParser p = new RowsParser(2, 2);
        String[][] cases = {
                {"", "the body ends at byte 0"},
                {"  ", "the body ends at byte 2"},
                {"{\"input\": [1, 2]", "the body ends at byte 16"},
                {"{\"input\": [1 2]}", "malformed JSON at byte 13 ('2'): expected ',' or ']' after value 0"},
                {"{\"inputs\": [[1, 2] [3, 4]]}", "expected ',' or ']' after row 0"},
                {"{\"inputs\": [[1, 2], [3, 4], [5, 6]]}", "too many rows"},
                {"{\"input\": [1, 2], }", "expected a member name"},
                {"{input: [1, 2]}", "malformed JSON at byte 1 ('i'): expected a member name in double quotes"},
                {"{\"input\": [1, 2]}}", "unexpected bytes after the JSON object"},
                {"{\"input\"\u0001: [1, 2]}", "byte 0x01"},
                {"{\"in\u0001put\": [1, 2]}", "a control character inside a member name"},
                {"{\"input\": [1, 2], \"extra\": 1}", "unknown member \"extra\""},
                {"{\"input\": [1, 2], \"inputs\": [[1, 2]]}", "more than one of \"input\" and \"inputs\""},
        };
        for (String[] c : cases) {
            byte[] b = c[0].getBytes(StandardCharsets.ISO_8859_1);
            HttpError e = assertThrows(HttpError.class, () -> p.parse(b, b.length, new float[4]), c[0]);
            assertEquals(400, e.status());
            assertTrue(e.getMessage().contains(c[1]), c[0] + " -> " + e.getMessage());
            assertTrue(e.getMessage().indexOf('\n') < 0 && e.getMessage().chars().allMatch(ch -> ch >= 0x20 && ch < 0x7F),
                    "not one printable line: " + e.getMessage());
        }
    }

    @Test
    void aParserIsReusableAfterARefusal() throws HttpError {
        RowsParser p = new RowsParser(2, 1);
        byte[] bad = "{\"input\": [1, x]}".getBytes(StandardCharsets.US_ASCII);
        assertThrows(HttpError.class, () -> p.parse(bad, bad.length, new float[2]));
        byte[] good = "{\"input\": [1, 2]}".getBytes(StandardCharsets.US_ASCII);
        float[] dst = new float[2];
        assertEquals(1, p.parse(good, good.length, dst));
        assertEquals(2f, dst[1]);
    }
}

package com.example.serving;

import java.nio.charset.StandardCharsets;

/**
 * Reads the body of {@code POST /predict} straight into a caller's {@code float[]}: one pass over
 * the bytes, no tree, no boxing. The body is a JSON object with exactly one member:
 * <pre>
 *   {"input":  [x1, x2, ..., xn]}                     one row
 *   {"inputs": [[x1, ..., xn], [x1, ..., xn], ...]}   a batch of 1 to maxRows rows
 * </pre>
 * where n is the model's number of inputs. Row r lands at {@code dst[r * n .. r * n + n)}.
 *
 * <p>The model's contract for inputs: every value a finite float32. JSON has no NaN or infinity,
 * so the tokens {@code NaN}, {@code Infinity} and {@code -Infinity} (which some encoders write) are
 * refused by name, and so is a number whose float32 rounding overflows (|x| of about 3.4e38 or
 * more); values that round to zero or a subnormal are taken as they round. Anything else that is
 * not exactly this shape (a missing, unknown or repeated member, a row of the wrong length, an
 * empty batch, more than maxRows rows, a string or {@code null} where a number belongs, trailing
 * bytes, a nesting that is not the one above) is refused with a one-line reason naming the byte
 * offset or the row and column. Every refusal is an {@link HttpError} with status 400.
 *
 * <p>Numbers are converted exactly as {@link Float#parseFloat} does (correctly rounded). Short
 * ones (at most 7 significant digits and a decimal exponent within 10 of the point) take a path
 * that allocates nothing: the integer digits and the power of ten are both exact floats, so one
 * float division or multiplication is the correctly rounded result (Clinger's fast path). Longer
 * ones go through {@link Float#parseFloat}, which needs a {@code String} (a few dozen bytes).
 *
 * <p>Not thread-safe; one parser per thread or pooled slot (it keeps a small buffer for member names).
 */
public final class RowsParser {
    /** Exact float powers of ten: 10^k for k <= 10 (5^10 < 2^24, so each is a float exactly). */
    private static final float[] POW10 = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
    private static final long FAST_MAX_MANTISSA = 1L << 24;

    private final int inputs, maxRows;
    private final StringBuilder name = new StringBuilder(16);
    private byte[] b;
    private int pos, end;

    /**
     * @param inputs values per row, {@code >= 1}
     * @param maxRows the most rows a body may carry, {@code >= 1}
     */
    public RowsParser(int inputs, int maxRows) {
        if (inputs < 1 || maxRows < 1) {
            throw new IllegalArgumentException("inputs and maxRows must be >= 1, got " + inputs + ", " + maxRows);
        }
        this.inputs = inputs;
        this.maxRows = maxRows;
    }

    /**
     * Parses {@code body[0, length)} into {@code dst}.
     *
     * @param body the request body, UTF-8 JSON
     * @param length how many bytes of it
     * @param dst receives the rows, row-major; at least {@code maxRows * inputs} long
     * @return the number of rows, {@code 1 <= rows <= maxRows}
     * @throws HttpError (400) naming what is wrong; {@code dst} then holds whatever was read
     */
    public int parse(byte[] body, int length, float[] dst) throws HttpError {
        if (dst.length < (long) maxRows * inputs) {
            throw new IllegalArgumentException("dst holds " + dst.length + " floats, needs " + (long) maxRows * inputs);
        }
        this.b = body;
        this.pos = 0;
        this.end = length;
        try {
            skipBom();
            skipWs();
            expect('{', "the body must be a JSON object: {\"input\": [...]} or {\"inputs\": [[...], ...]}");
            skipWs();
            if (peek() == '}') {
                throw bad("the object is empty: it needs \"input\" (one row) or \"inputs\" (a batch)");
            }
            int rows = -1;
            while (true) {
                int at = pos;
                String key = memberName();
                skipWs();
                expect(':', "expected ':' after the member name");
                skipWs();
                boolean one = key.equals("input");
                if (!one && !key.equals("inputs")) {
                    throw new HttpError(400, "unknown member \"" + printable(key) + "\" at byte " + at
                            + ": the body takes \"input\" (one row) or \"inputs\" (a batch of rows)");
                }
                if (rows >= 0) {
                    throw new HttpError(400, "the body has more than one of \"input\" and \"inputs\" (at byte "
                            + at + "): give exactly one");
                }
                rows = one ? oneRow(dst) : batch(dst);
                skipWs();
                int c = next("expected ',' or '}' after the member");
                if (c == '}') {
                    break;
                }
                if (c != ',') {
                    pos--;
                    throw bad("expected ',' or '}' after the member");
                }
                skipWs();
            }
            skipWs();
            if (pos < end) {
                throw bad("unexpected bytes after the JSON object");
            }
            return rows;
        } finally {
            this.b = null;
        }
    }

    private int oneRow(float[] dst) throws HttpError {
        if (peek() != '[') {
            throw bad("\"input\" must be an array of " + inputs + " numbers");
        }
        row(dst, 0, -1);
        return 1;
    }

    private int batch(float[] dst) throws HttpError {
        expect('[', "\"inputs\" must be an array of rows, each an array of " + inputs + " numbers");
        skipWs();
        if (peek() == ']') {
            throw bad("\"inputs\" is empty: send 1 to " + maxRows + " rows");
        }
        int rows = 0;
        while (true) {
            if (rows == maxRows) {
                throw new HttpError(400, "too many rows: \"inputs\" holds more than " + maxRows
                        + ", the most one request may carry");
            }
            if (peek() != '[') {
                throw bad("row " + rows + " of \"inputs\" must be an array of " + inputs + " numbers");
            }
            row(dst, rows * inputs, rows);
            rows++;
            skipWs();
            int c = next("expected ',' or ']' after row " + (rows - 1));
            if (c == ']') {
                return rows;
            }
            if (c != ',') {
                pos--;
                throw bad("expected ',' or ']' after row " + (rows - 1));
            }
            skipWs();
        }
    }

    /** One row {@code [x, ...]} at {@code pos} into {@code dst[off, off + inputs)}; row -1 is "input". */
    private void row(float[] dst, int off, int row) throws HttpError {
        String where = row < 0 ? "\"input\"" : "row " + row;
        pos++; // '['
        skipWs();
        int n = 0;
        if (peek() == ']') {
            throw bad(where + " is empty: the model takes " + inputs + " values per row");
        }
        while (true) {
            if (n == inputs) {
                throw new HttpError(400, where + " has more than " + inputs + " values: the model takes "
                        + inputs + " per row");
            }
            dst[off + n] = number(where, n);
            n++;
            skipWs();
            int c = next("expected ',' or ']' in " + where);
            if (c == ']') {
                break;
            }
            if (c != ',') {
                pos--;
                throw bad("expected ',' or ']' after value " + (n - 1) + " of " + where);
            }
            skipWs();
        }
        if (n != inputs) {
            throw new HttpError(400, where + " has " + n + " values: the model takes " + inputs + " per row");
        }
    }

    /** A JSON number at {@code pos}, as float32; refuses non-numbers, NaN/Infinity and overflow. */
    private float number(String where, int col) throws HttpError {
        int start = pos;
        if (pos >= end) {
            throw bad("the body ends inside " + where);
        }
        boolean negative = b[pos] == '-';
        if (negative) {
            pos++;
        }
        if (pos < end && (b[pos] == 'N' || b[pos] == 'I')) {
            throw new HttpError(400, "value " + col + " of " + where + " is NaN or Infinity (byte " + start
                    + "): these are not JSON numbers, and the model takes finite numbers only");
        }
        if (pos >= end || b[pos] < '0' || b[pos] > '9') {
            throw new HttpError(400, "value " + col + " of " + where + " is not a number (byte " + start
                    + "): rows hold JSON numbers only");
        }
        long mantissa = 0;
        int digits = 0; // significant digits in mantissa (leading zeros not counted)
        int exp10 = 0;
        boolean exact = true; // mantissa holds every digit
        if (b[pos] == '0') {
            pos++;
            if (pos < end && b[pos] >= '0' && b[pos] <= '9') {
                throw new HttpError(400, "value " + col + " of " + where + " has a leading zero (byte " + start
                        + "): not a JSON number");
            }
        } else {
            while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
                if (digits < 18) {
                    mantissa = mantissa * 10 + (b[pos] - '0');
                    digits++;
                } else {
                    exact = false;
                }
                pos++;
            }
        }
        if (pos < end && b[pos] == '.') {
            pos++;
            if (pos >= end || b[pos] < '0' || b[pos] > '9') {
                throw new HttpError(400, "value " + col + " of " + where + " has no digit after '.' (byte "
                        + start + "): not a JSON number");
            }
            while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
                if (digits < 18) {
                    mantissa = mantissa * 10 + (b[pos] - '0');
                    if (mantissa != 0) {
                        digits++;
                    }
                    exp10--;
                } else {
                    exact = false;
                }
                pos++;
            }
        }
        if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
            pos++;
            boolean expNegative = false;
            if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
                expNegative = b[pos] == '-';
                pos++;
            }
            if (pos >= end || b[pos] < '0' || b[pos] > '9') {
                throw new HttpError(400, "value " + col + " of " + where + " has no digit in its exponent (byte "
                        + start + "): not a JSON number");
            }
            int e = 0;
            while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
                if (e < 100_000) {
                    e = e * 10 + (b[pos] - '0');
                }
                pos++;
            }
            exp10 += expNegative ? -e : e;
        }
        float v;
        if (exact && mantissa <= FAST_MAX_MANTISSA && exp10 >= -10 && exp10 <= 10) {
            // Both operands are exact floats, so one rounding: the correctly rounded value.
            v = exp10 >= 0 ? (float) mantissa * POW10[exp10] : (float) mantissa / POW10[-exp10];
            v = negative ? -v : v;
        } else {
            v = Float.parseFloat(new String(b, start, pos - start, StandardCharsets.ISO_8859_1));
        }
        if (Float.isInfinite(v)) {
            throw new HttpError(400, "value " + col + " of " + where + " is "
                    + printable(new String(b, start, Math.min(pos - start, 40), StandardCharsets.ISO_8859_1))
                    + ", beyond float32's range (about 3.4e38): the model takes finite numbers only");
        }
        return v;
    }

    /** A member name {@code "..."} at {@code pos}, JSON escapes decoded; long names are cut. */
    private String memberName() throws HttpError {
        if (peek() != '"') {
            throw bad("expected a member name in double quotes");
        }
        pos++;
        name.setLength(0);
        while (true) {
            if (pos >= end) {
                throw bad("the body ends inside a member name");
            }
            int c = b[pos++] & 0xFF;
            if (c == '"') {
                return name.toString();
            }
            if (c < 0x20) {
                pos--;
                throw bad("a control character inside a member name");
            }
            if (c == '\\') {
                if (pos >= end) {
                    throw bad("the body ends inside a member name");
                }
                int e = b[pos++];
                switch (e) {
                    case '"', '\\', '/' -> c = e;
                    case 'b' -> c = '\b';
                    case 'f' -> c = '\f';
                    case 'n' -> c = '\n';
                    case 'r' -> c = '\r';
                    case 't' -> c = '\t';
                    case 'u' -> {
                        if (end - pos < 4) {
                            throw bad("a \\u escape needs four hex digits");
                        }
                        int u = 0;
                        for (int k = 0; k < 4; k++) {
                            int h = Character.digit(b[pos++], 16);
                            if (h < 0) {
                                pos--;
                                throw bad("a \\u escape needs four hex digits");
                            }
                            u = u * 16 + h;
                        }
                        c = u;
                    }
                    default -> {
                        pos--;
                        throw bad("an unknown escape in a member name");
                    }
                }
            }
            if (name.length() < 64) {
                name.append((char) c); // bytes >= 0x80 kept one char each: good enough to compare and show
            }
        }
    }

    private void skipBom() {
        if (end >= 3 && (b[0] & 0xFF) == 0xEF && (b[1] & 0xFF) == 0xBB && (b[2] & 0xFF) == 0xBF) {
            pos = 3;
        }
    }

    private void skipWs() {
        while (pos < end && (b[pos] == ' ' || b[pos] == '\n' || b[pos] == '\r' || b[pos] == '\t')) {
            pos++;
        }
    }

    private int peek() {
        return pos < end ? b[pos] & 0xFF : -1;
    }

    private int next(String what) throws HttpError {
        if (pos >= end) {
            throw bad("the body ends early: " + what);
        }
        return b[pos++] & 0xFF;
    }

    private void expect(char c, String what) throws HttpError {
        if (peek() != c) {
            throw bad(what);
        }
        pos++;
    }

    private HttpError bad(String what) {
        if (pos >= end) {
            return new HttpError(400, "malformed JSON: the body ends at byte " + end + ": " + what);
        }
        int c = b[pos] & 0xFF;
        String seen = c >= 0x21 && c < 0x7F ? "'" + (char) c + "'" : String.format("byte 0x%02x", c);
        return new HttpError(400, "malformed JSON at byte " + pos + " (" + seen + "): " + what);
    }

    /** The text with anything outside printable ASCII replaced, so a reason stays one clean line. */
    static String printable(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return out.toString();
    }
}

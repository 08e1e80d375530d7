package org.vecprop.io;

/**
 * The subset of JSON a safetensors header uses, read from its bytes strictly and token by token,
 * and written plainly. Nothing here is a general JSON library: what a safetensors header does
 * not need is rejected, not guessed.
 *
 * <p>Read: objects, arrays, strings (every JSON escape, surrogate pairs checked, raw control
 * characters rejected, UTF-8 decoded strictly inside strings: no overlong forms, no encoded
 * surrogates, nothing above U+10FFFF) and non-negative integers up to {@link Long#MAX_VALUE}
 * (no sign, fraction, exponent or leading zero); JSON whitespace between tokens. Not read:
 * {@code true}, {@code false}, {@code null}, negative or fractional numbers.
 *
 * <p>The reader builds no tree: {@code SafeTensors} asks for the token it expects next (an
 * object's key, a string, an integer) and builds its own values as it goes, so a header of
 * {@code n} bytes costs a small multiple of {@code n} in memory whatever it holds, and an error
 * names the byte where the header first departs from what the format allows. Bytes outside
 * strings are ASCII by construction; a byte of 0x80 or above there is reported as such, not as
 * "invalid UTF-8", because it usually means the header length is wrong (the header then runs
 * into the tensor data, or stops short of its end).
 */
final class Json {
    private final byte[] b;
    /** Strings the format repeats in every entry, returned without allocating a new String. */
    private final String[] common;
    private int pos;

    /**
     * A reader of {@code header}; {@code common} are the strings its format repeats (the
     * caller's vocabulary: this reader knows JSON, not safetensors).
     */
    Json(byte[] header, String[] common) {
        this.b = header;
        this.common = common;
    }

    /** {@return where the cursor is, in bytes from the start of the header} */
    int position() {
        return pos;
    }

    /** {@return the header's length in bytes} */
    int length() {
        return b.length;
    }

    /** {@return whether the header has no more bytes} */
    boolean atEnd() {
        return pos >= b.length;
    }

    /** {@return the byte at the cursor (0..255), or -1 at the end} */
    int peek() {
        return pos < b.length ? b[pos] & 0xff : -1;
    }

    /** Moves past JSON whitespace (space, tab, newline, carriage return). */
    void skipWhitespace() {
        while (pos < b.length) {
            byte c = b[pos];
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    /** Skips whitespace, then consumes {@code c} or throws naming what is there instead. */
    void expect(char c) throws SafeTensorsFormatException {
        skipWhitespace();
        if (peek() != c) {
            throw unexpected("expected '" + c + "'");
        }
        pos++;
    }

    /**
     * Skips whitespace and consumes {@code c} if it is next.
     *
     * @return whether it was
     */
    boolean consume(char c) {
        skipWhitespace();
        if (peek() == c) {
            pos++;
            return true;
        }
        return false;
    }

    /**
     * After an element of an object or array: consumes ',' (returns true: another element
     * follows) or the closing {@code close} (returns false).
     */
    boolean next(char close) throws SafeTensorsFormatException {
        skipWhitespace();
        int c = peek();
        if (c == ',') {
            pos++;
            return true;
        }
        if (c == close) {
            pos++;
            return false;
        }
        throw unexpected("expected ',' or '" + close + "'");
    }

    /**
     * The kind of value at the cursor, after whitespace: '{', '[', '"' or '0' (an integer);
     * anything else is not in the subset and throws.
     */
    char valueKind() throws SafeTensorsFormatException {
        skipWhitespace();
        int c = peek();
        if (c == '{' || c == '[' || c == '"') {
            return (char) c;
        }
        if (c >= '0' && c <= '9') {
            return '0';
        }
        if (c < 0) {
            throw error("unexpected end of header");
        }
        throw unexpected("unsupported JSON value"
                + " (a safetensors header holds only objects, arrays, strings and integers >= 0)");
    }

    /** Reads a non-negative integer at the cursor (after whitespace). */
    long integer() throws SafeTensorsFormatException {
        skipWhitespace();
        int start = pos;
        long v = 0;
        while (pos < b.length && b[pos] >= '0' && b[pos] <= '9') {
            int digit = b[pos] - '0';
            if (v > (Long.MAX_VALUE - digit) / 10) {
                pos = start;
                throw error("integer larger than " + Long.MAX_VALUE);
            }
            v = v * 10 + digit;
            pos++;
        }
        if (pos == start) {
            throw unexpected("expected an integer >= 0");
        }
        if (pos - start > 1 && b[start] == '0') {
            pos = start;
            throw error("integer with a leading zero");
        }
        if (pos < b.length && (b[pos] == '.' || b[pos] == 'e' || b[pos] == 'E')) {
            throw error("only integers are supported, not fractions or exponents");
        }
        return v;
    }

    /** Reads a string at the cursor (after whitespace), decoding escapes and UTF-8. */
    String string() throws SafeTensorsFormatException {
        skipWhitespace();
        if (peek() != '"') {
            throw unexpected("expected a string");
        }
        int start = ++pos;
        // Fast path: printable ASCII without escapes, the common case, one exact allocation
        // (none for the strings every header repeats).
        int end = start;
        while (end < b.length && b[end] >= 0x20 && b[end] != '"' && b[end] != '\\') {
            end++;
        }
        if (end < b.length && b[end] == '"') {
            pos = end + 1;
            return ascii(start, end - start);
        }
        // Slow path: escapes or non-ASCII. Decoded into one scratch buffer kept for the whole
        // header (a string has at most as many chars as bytes), then copied once into the
        // String, so a string costs its own size and nothing more.
        int n = 0;
        for (int i = start; i < end; i++) {
            chars = ensure(chars, n + 1);
            chars[n++] = (char) b[i]; // b[i] in [0x20, 0x7f)
        }
        pos = end;
        while (true) {
            if (pos >= b.length) {
                throw error("unterminated string (the header ends inside it)");
            }
            int c = b[pos] & 0xff;
            if (c == '"') {
                pos++;
                return new String(chars, 0, n);
            }
            if (c < 0x20) {
                throw error(String.format("raw control character 0x%02x in a string (it must be"
                        + " escaped)", c));
            }
            chars = ensure(chars, n + 2);
            if (c == '\\') {
                n = escape(chars, n);
            } else if (c < 0x80) {
                chars[n++] = (char) c;
                pos++;
            } else {
                n += Character.toChars(utf8(c), chars, n);
            }
        }
    }

    /** Scratch for decoding strings, grown on demand to the longest string's length. */
    private char[] chars = new char[64];

    /** {@code buf}, or a larger copy holding at least {@code need} chars. */
    private char[] ensure(char[] buf, int need) {
        if (need <= buf.length) {
            return buf;
        }
        // Grow by doubling, never past the header's length plus the two chars one step adds.
        return java.util.Arrays.copyOf(buf, Math.max(need, Math.min(2 * buf.length, b.length + 2)));
    }

    /** The string of {@code len} ASCII bytes at {@code start}: a shared constant where there is one. */
    private String ascii(int start, int len) {
        if (len == 0) {
            return "";
        }
        for (String word : common) {
            if (word.length() == len && matches(word, start)) {
                return word;
            }
        }
        return new String(b, start, len, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    private boolean matches(String s, int at) {
        for (int i = 0; i < s.length(); i++) {
            if (b[at + i] != s.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** One escape at the cursor (the backslash), decoded into {@code out} at {@code n}; returns the new n. */
    private int escape(char[] out, int n) throws SafeTensorsFormatException {
        if (pos + 1 >= b.length) {
            throw error("unterminated escape (the header ends inside it)");
        }
        int e = b[pos + 1] & 0xff;
        char c;
        switch (e) {
            case '"' -> c = '"';
            case '\\' -> c = '\\';
            case '/' -> c = '/';
            case 'b' -> c = '\b';
            case 'f' -> c = '\f';
            case 'n' -> c = '\n';
            case 'r' -> c = '\r';
            case 't' -> c = '\t';
            case 'u' -> {
                pos += 2;
                char u = hex4();
                if (Character.isHighSurrogate(u)) {
                    if (pos + 1 >= b.length || b[pos] != '\\' || b[pos + 1] != 'u') {
                        throw error("unpaired surrogate escape (a high surrogate not followed by \\u)");
                    }
                    pos += 2;
                    char low = hex4();
                    if (!Character.isLowSurrogate(low)) {
                        pos -= 6;
                        throw error("unpaired surrogate escape (\\u" + hex(low) + " after a high surrogate)");
                    }
                    out[n] = u;
                    out[n + 1] = low;
                    return n + 2;
                }
                if (Character.isLowSurrogate(u)) {
                    pos -= 6;
                    throw error("unpaired surrogate escape (a low surrogate first)");
                }
                out[n] = u;
                return n + 1;
            }
            default -> throw error("unknown escape \\" + (e >= 0x20 && e < 0x7f ? String.valueOf((char) e)
                    : String.format("(byte 0x%02x)", e)));
        }
        pos += 2;
        out[n] = c;
        return n + 1;
    }

    private static String hex(char c) {
        return String.format("%04x", (int) c);
    }

    private char hex4() throws SafeTensorsFormatException {
        if (pos + 4 > b.length) {
            throw error("truncated \\u escape (the header ends inside it)");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(b[pos + i], 16);
            if (d < 0) {
                throw error("bad \\u escape (not 4 hex digits)");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    /**
     * Decodes the multi-byte UTF-8 sequence starting with {@code lead} at the cursor, strictly,
     * and moves past it.
     */
    private int utf8(int lead) throws SafeTensorsFormatException {
        int n, cp, min;
        if ((lead & 0xe0) == 0xc0) {
            n = 1;
            cp = lead & 0x1f;
            min = 0x80;
        } else if ((lead & 0xf0) == 0xe0) {
            n = 2;
            cp = lead & 0x0f;
            min = 0x800;
        } else if ((lead & 0xf8) == 0xf0) {
            n = 3;
            cp = lead & 0x07;
            min = 0x10000;
        } else {
            throw error(String.format("a string holds bytes that are not valid UTF-8 (0x%02x"
                    + " cannot start a character)", lead));
        }
        for (int i = 1; i <= n; i++) {
            if (pos + i >= b.length || (b[pos + i] & 0xc0) != 0x80) {
                throw error(String.format("a string holds bytes that are not valid UTF-8 (0x%02x"
                        + " starts a %d-byte character that is cut short)", lead, n + 1));
            }
            cp = cp << 6 | (b[pos + i] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            throw error(String.format("a string holds bytes that are not valid UTF-8 (U+%04X"
                    + " encoded in %d bytes is %s)", cp, n + 1, cp < min ? "an overlong form"
                    : cp > 0x10ffff ? "beyond Unicode" : "a surrogate"));
        }
        pos += n + 1;
        return cp;
    }

    /** An error at the cursor naming what was found there. */
    SafeTensorsFormatException unexpected(String what) {
        return error(what + ", found " + found());
    }

    /** {@return what is at the cursor, for a message: 'x', byte 0x00 or the end of the header} */
    String found() {
        int c = peek();
        return c < 0 ? "the end of the header"
                : c >= 0x20 && c < 0x7f ? "'" + (char) c + "'"
                : String.format("byte 0x%02x", c);
    }

    /** An error at the cursor: "header: WHAT at byte N". */
    SafeTensorsFormatException error(String what) {
        return new SafeTensorsFormatException("header: " + what + " at header byte " + pos);
    }

    /** Appends {@code s} as a JSON string literal, escaping quotes, backslashes and controls. */
    static void writeString(StringBuilder out, String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}

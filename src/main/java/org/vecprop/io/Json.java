package org.vecprop.io;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The subset of JSON a safetensors header uses, read strictly and written plainly. Nothing here
 * is a general JSON library: what a safetensors header does not need is rejected, not guessed.
 *
 * <p>Read: UTF-8 (malformed bytes rejected); objects (duplicate keys rejected), arrays,
 * strings (every JSON escape, surrogate pairs checked, raw control characters rejected) and
 * non-negative integers up to {@link Long#MAX_VALUE} (no sign, fraction, exponent or leading
 * zero); JSON whitespace between tokens and after the value. Not read: {@code true},
 * {@code false}, {@code null}, negative or fractional numbers, nesting deeper than
 * {@link #MAX_DEPTH}. Results: {@code Map<String, Object>} (insertion-ordered), {@code
 * List<Object>}, {@code String}, {@code Long}.
 */
final class Json {
    /** Containers inside containers: header, tensor entry, shape or offsets array. */
    static final int MAX_DEPTH = 3;

    private final String text;
    private int pos;

    private Json(String text) {
        this.text = text;
    }

    /**
     * Parses one JSON object from UTF-8 bytes.
     *
     * @throws SafeTensorsFormatException naming the problem and its character position
     */
    static Map<String, Object> parseObject(byte[] utf8) throws SafeTensorsFormatException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(utf8)).toString();
        } catch (CharacterCodingException e) {
            throw new SafeTensorsFormatException("header is not valid UTF-8");
        }
        Json p = new Json(text);
        p.skipWhitespace();
        if (p.pos >= text.length() || text.charAt(p.pos) != '{') {
            throw new SafeTensorsFormatException("header must be a JSON object starting with '{'");
        }
        Map<String, Object> value = p.object(1);
        p.skipWhitespace();
        if (p.pos != text.length()) {
            throw p.error("unexpected text after the header object");
        }
        return value;
    }

    private Object value(int depth) throws SafeTensorsFormatException {
        skipWhitespace();
        if (pos >= text.length()) {
            throw error("unexpected end of header");
        }
        char c = text.charAt(pos);
        if (c == '{' || c == '[') {
            if (depth >= MAX_DEPTH) {
                throw error("nesting deeper than " + MAX_DEPTH + " levels");
            }
            return c == '{' ? object(depth + 1) : array(depth + 1);
        }
        if (c == '"') {
            return string();
        }
        if (c >= '0' && c <= '9') {
            return number();
        }
        throw error("unsupported JSON value starting with '" + c + "'"
                + " (a safetensors header holds only objects, arrays, strings and integers >= 0)");
    }

    private Map<String, Object> object(int depth) throws SafeTensorsFormatException {
        pos++; // '{'
        Map<String, Object> map = new LinkedHashMap<>();
        skipWhitespace();
        if (peek() == '}') {
            pos++;
            return map;
        }
        while (true) {
            skipWhitespace();
            if (peek() != '"') {
                throw error("expected a string key");
            }
            int keyAt = pos;
            String key = string();
            skipWhitespace();
            expect(':');
            Object v = value(depth);
            if (map.putIfAbsent(key, v) != null) {
                pos = keyAt;
                throw error("duplicate key \"" + key + "\"");
            }
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == '}') {
                return map;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or '}'");
            }
        }
    }

    private List<Object> array(int depth) throws SafeTensorsFormatException {
        pos++; // '['
        List<Object> list = new ArrayList<>();
        skipWhitespace();
        if (peek() == ']') {
            pos++;
            return list;
        }
        while (true) {
            list.add(value(depth));
            skipWhitespace();
            char c = peek();
            pos++;
            if (c == ']') {
                return list;
            }
            if (c != ',') {
                pos--;
                throw error("expected ',' or ']'");
            }
        }
    }

    private Long number() throws SafeTensorsFormatException {
        int start = pos;
        long v = 0;
        while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
            int digit = text.charAt(pos) - '0';
            if (v > (Long.MAX_VALUE - digit) / 10) {
                pos = start;
                throw error("integer larger than " + Long.MAX_VALUE);
            }
            v = v * 10 + digit;
            pos++;
        }
        if (pos - start > 1 && text.charAt(start) == '0') {
            pos = start;
            throw error("integer with a leading zero");
        }
        if (pos < text.length() && (text.charAt(pos) == '.' || text.charAt(pos) == 'e'
                || text.charAt(pos) == 'E')) {
            throw error("only integers are supported, not fractions or exponents");
        }
        return v;
    }

    private String string() throws SafeTensorsFormatException {
        pos++; // opening quote
        StringBuilder s = new StringBuilder();
        while (true) {
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            char c = text.charAt(pos++);
            if (c == '"') {
                return s.toString();
            }
            if (c < 0x20) {
                pos--;
                throw error("raw control character in a string (it must be escaped)");
            }
            if (c != '\\') {
                s.append(c);
                continue;
            }
            if (pos >= text.length()) {
                throw error("unterminated escape");
            }
            char e = text.charAt(pos++);
            switch (e) {
                case '"' -> s.append('"');
                case '\\' -> s.append('\\');
                case '/' -> s.append('/');
                case 'b' -> s.append('\b');
                case 'f' -> s.append('\f');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                case 't' -> s.append('\t');
                case 'u' -> {
                    char u = hex4();
                    if (Character.isHighSurrogate(u)) {
                        if (!text.startsWith("\\u", pos)) {
                            throw error("unpaired surrogate escape");
                        }
                        pos += 2;
                        char low = hex4();
                        if (!Character.isLowSurrogate(low)) {
                            throw error("unpaired surrogate escape");
                        }
                        s.append(u).append(low);
                    } else if (Character.isLowSurrogate(u)) {
                        throw error("unpaired surrogate escape");
                    } else {
                        s.append(u);
                    }
                }
                default -> {
                    pos--;
                    throw error("unknown escape \\" + e);
                }
            }
        }
    }

    private char hex4() throws SafeTensorsFormatException {
        if (pos + 4 > text.length()) {
            throw error("truncated \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(text.charAt(pos + i), 16);
            if (d < 0) {
                throw error("bad \\u escape");
            }
            v = v * 16 + d;
        }
        pos += 4;
        return (char) v;
    }

    private void expect(char c) throws SafeTensorsFormatException {
        if (peek() != c) {
            throw error("expected '" + c + "'");
        }
        pos++;
    }

    /** The character at the cursor, or 0 at the end (never a valid token start here). */
    private char peek() {
        return pos < text.length() ? text.charAt(pos) : 0;
    }

    private void skipWhitespace() {
        while (pos < text.length()) {
            char c = text.charAt(pos);
            if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
                return;
            }
            pos++;
        }
    }

    private SafeTensorsFormatException error(String what) {
        return new SafeTensorsFormatException("header: " + what + " at character " + pos);
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

package dev.kaapanamigrate.opensearch.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A position in UTF-8 JSON held in a byte array, with the few reads a search answer needs: whitespace, strings (with
 * escapes and multi-byte characters decoded as Jackson decodes them), literals, numbers and skipping a value. Reading
 * past the end throws {@link IOException}, never an index exception. Not thread-safe; one per page.
 */
public final class JsonCursor {

    private final byte[] in;
    private int pos;

    /**
     * Starts at the first byte.
     *
     * @param in the JSON (not copied)
     */
    public JsonCursor(byte[] in) {
        this.in = in;
    }

    /**
     * The bytes read.
     *
     * @return the array given, not a copy
     */
    byte[] bytes() {
        return in;
    }

    /**
     * The current position.
     *
     * @return the index of the next byte to read
     */
    int position() {
        return pos;
    }

    /**
     * Skips whitespace and returns the next byte without consuming it.
     *
     * @return the next byte
     * @throws IOException at the end of the input
     */
    byte peek() throws IOException {
        while (pos < in.length) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b;
            }
            pos++;
        }
        throw truncated();
    }

    /** Whether only whitespace is left. */
    boolean atEnd() {
        while (pos < in.length) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return false;
            }
            pos++;
        }
        return true;
    }

    /**
     * Consumes the next non-whitespace byte, which must be the given one.
     *
     * @param c the expected character (ASCII)
     * @throws IOException when another byte comes
     */
    void expect(char c) throws IOException {
        byte b = peek();
        if (b != c) {
            throw unexpected("'" + c + "'");
        }
        pos++;
    }

    /**
     * After a member or element: consumes a comma and answers {@code true}, or consumes the closing byte and answers
     * {@code false}.
     *
     * @param close {@code '}'} or {@code ']'}
     * @return whether another member or element follows
     * @throws IOException when neither comes
     */
    boolean next(char close) throws IOException {
        byte b = peek();
        pos++;
        if (b == ',') {
            return true;
        }
        if (b == close) {
            return false;
        }
        pos--;
        throw unexpected("',' or '" + close + "'");
    }

    /**
     * Opens an object or array: consumes the opening byte and answers whether it is empty (then the closing byte is
     * consumed too).
     *
     * @param open  {@code '{'} or {@code '['}
     * @param close the matching closing byte
     * @return {@code true} when the container has no member
     * @throws IOException when the container does not start here
     */
    boolean openEmpty(char open, char close) throws IOException {
        expect(open);
        if (peek() == close) {
            pos++;
            return true;
        }
        return false;
    }

    /**
     * At a string ({@code "} next): the index just past its closing quote when it is plain ASCII without escapes and
     * control characters (its content then lies between the opening quote and that index minus one), or {@code -1},
     * leaving the position unchanged.
     *
     * @return the end, or {@code -1}
     * @throws IOException when no string starts here or the input ends inside it
     */
    int plainStringEnd() throws IOException {
        if (peek() != '"') {
            throw unexpected("a string");
        }
        for (int i = pos + 1; i < in.length; i++) {
            byte b = in[i];
            if (b == '"') {
                return i + 1;
            }
            if (b == '\\' || b < 0x20) { // a negative byte is a multi-byte character
                return -1;
            }
        }
        throw truncated();
    }

    /**
     * Consumes a plain string found by {@link #plainStringEnd()}.
     *
     * @param end what it returned
     */
    void skipTo(int end) {
        pos = end;
    }

    /**
     * Reads a string, decoding escapes and UTF-8.
     *
     * @return the string
     * @throws IOException when it is not a well-formed JSON string
     */
    String string() throws IOException {
        int end = plainStringEnd();
        if (end >= 0) {
            String s = new String(in, pos + 1, end - pos - 2, StandardCharsets.ISO_8859_1);
            pos = end;
            return s;
        }
        pos++;
        StringBuilder b = new StringBuilder();
        while (true) {
            int c = byteAt(pos++) & 0xFF;
            if (c == '"') {
                return b.toString();
            }
            if (c == '\\') {
                escape(b);
            } else if (c < 0x20) {
                pos--;
                throw unexpected("no unescaped control character in a string");
            } else if (c < 0x80) {
                b.append((char) c);
            } else {
                multiByte(b, c);
            }
        }
    }

    private void escape(StringBuilder b) throws IOException {
        int e = byteAt(pos++);
        switch (e) {
            case '"' -> b.append('"');
            case '\\' -> b.append('\\');
            case '/' -> b.append('/');
            case 'b' -> b.append('\b');
            case 'f' -> b.append('\f');
            case 'n' -> b.append('\n');
            case 'r' -> b.append('\r');
            case 't' -> b.append('\t');
            case 'u' -> {
                int v = 0;
                for (int i = 0; i < 4; i++) {
                    int d = Character.digit(byteAt(pos++), 16);
                    if (d < 0) {
                        pos--;
                        throw unexpected("four hex digits after \\u");
                    }
                    v = v << 4 | d;
                }
                b.append((char) v);
            }
            default -> {
                pos--;
                throw unexpected("a valid escape");
            }
        }
    }

    /** UTF-8 as Jackson's byte parser decodes it: continuation bytes checked, four bytes as a surrogate pair. */
    private void multiByte(StringBuilder b, int lead) throws IOException {
        int extra;
        int v;
        if ((lead & 0xE0) == 0xC0) {
            extra = 1;
            v = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            extra = 2;
            v = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            extra = 3;
            v = lead & 0x07;
        } else {
            pos--;
            throw unexpected("a UTF-8 lead byte");
        }
        for (int i = 0; i < extra; i++) {
            int c = byteAt(pos++) & 0xFF;
            if ((c & 0xC0) != 0x80) {
                pos--;
                throw unexpected("a UTF-8 continuation byte");
            }
            v = v << 6 | (c & 0x3F);
        }
        if (extra == 3) {
            v -= 0x10000;
            b.append((char) (0xD800 + (v >> 10))).append((char) (0xDC00 + (v & 0x3FF)));
        } else {
            b.append((char) v);
        }
    }

    /**
     * At a number: consumes it, checking JSON's grammar ({@code -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?}).
     *
     * @return the index of its first byte; the number ends at {@link #position()}
     * @throws IOException when it is not a JSON number
     */
    int number() throws IOException {
        peek();
        int start = pos;
        if (in.length > pos && in[pos] == '-') {
            pos++;
        }
        int first = pos;
        int digits = digits();
        if (digits == 0 || in[first] == '0' && digits > 1) {
            pos = start;
            throw unexpected("a number (no leading zero)");
        }
        if (pos < in.length && in[pos] == '.') {
            pos++;
            if (digits() == 0) {
                throw unexpected("a digit after the decimal point");
            }
        }
        if (pos < in.length && (in[pos] == 'e' || in[pos] == 'E')) {
            pos++;
            if (pos < in.length && (in[pos] == '+' || in[pos] == '-')) {
                pos++;
            }
            if (digits() == 0) {
                throw unexpected("a digit in the exponent");
            }
        }
        return start;
    }

    private int digits() {
        int from = pos;
        while (pos < in.length && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos - from;
    }

    /**
     * Consumes a literal.
     *
     * @param word {@code true}, {@code false} or {@code null}
     * @throws IOException when another word is there
     */
    void literal(String word) throws IOException {
        peek();
        for (int i = 0; i < word.length(); i++) {
            if (byteAt(pos + i) != word.charAt(i)) {
                throw unexpected("'" + word + "'");
            }
        }
        pos += word.length();
    }

    /**
     * Consumes a member name and answers which of the given names (ASCII bytes) it is; a name with escapes is decoded
     * first.
     *
     * @param names the names looked for
     * @return the index of the equal name, or {@code -1}
     * @throws IOException when no string is here
     */
    int name(byte[][] names) throws IOException {
        int end = plainStringEnd();
        if (end < 0) {
            String s = string();
            for (int i = 0; i < names.length; i++) {
                if (s.equals(new String(names[i], StandardCharsets.ISO_8859_1))) {
                    return i;
                }
            }
            return -1;
        }
        int from = pos + 1;
        pos = end;
        for (int i = 0; i < names.length; i++) {
            if (Arrays.equals(in, from, end - 1, names[i], 0, names[i].length)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Skips one value of any kind (its inside is not checked beyond what finding its end needs).
     *
     * @throws IOException when the input ends first
     */
    void skipValue() throws IOException {
        byte b = peek();
        if (b == '"') {
            skipString();
        } else if (b == '{' || b == '[') {
            int depth = 0;
            do {
                b = byteAt(pos);
                if (b == '"') {
                    skipString();
                    continue;
                }
                if (b == '{' || b == '[') {
                    depth++;
                } else if (b == '}' || b == ']') {
                    depth--;
                }
                pos++;
            } while (depth > 0);
        } else {
            int from = pos;
            while (pos < in.length && b != ',' && b != '}' && b != ']' && b != ' ' && b != '\n' && b != '\r'
                    && b != '\t') {
                b = ++pos < in.length ? in[pos] : 0;
            }
            if (pos == from) {
                throw unexpected("a value");
            }
        }
    }

    private void skipString() throws IOException {
        pos++;
        while (true) {
            byte b = byteAt(pos++);
            if (b == '"') {
                return;
            }
            if (b == '\\') {
                pos++;
            }
        }
    }

    private byte byteAt(int i) throws IOException {
        if (i >= in.length) {
            throw truncated();
        }
        return in[i];
    }

    private IOException truncated() {
        return new IOException("the JSON ends early (after " + in.length + " bytes)");
    }

    /**
     * An error naming what was expected and where.
     *
     * @param expected what should have come
     * @return the exception
     */
    IOException unexpected(String expected) {
        String found = pos < in.length ? "byte 0x" + Integer.toHexString(in[pos] & 0xFF) : "the end";
        return new IOException("malformed JSON at byte " + pos + ": found " + found + ", expected " + expected);
    }
}

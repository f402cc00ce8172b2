package dev.kaapanamigrate.opensearch.internal;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.DigestException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;

/**
 * The canonical hash of a JSON value (a document's {@code _source}), read straight from its UTF-8 bytes
 * ({@link JsonCursor}) without building a tree. Two values have the same hash exactly when they are equal as JSON:
 * object members compared as a set (key order ignored), arrays in order, numbers by value ({@code 1}, {@code 1.0}
 * and {@code 1e0} are equal), strings by their characters. Format (version 1), fed to SHA-256, of which the first 16 bytes are the hash:
 * <ul>
 *   <li>object: {@code 'o'}, member count, then per member in ascending key order ({@link String#compareTo}) the key
 *   as a string and the value;</li>
 *   <li>array: {@code 'a'}, element count, the elements;</li>
 *   <li>string: {@code 's'}, UTF-8 length, UTF-8 bytes;</li>
 *   <li>number: {@code 'n'}, length, the canonical decimal (ASCII): {@code 0}, or the value without trailing zeros in
 *   plain notation ({@link BigDecimal#toPlainString()}), in scientific notation ({@link BigDecimal#toString()}) when
 *   its exponent exceeds 64;</li>
 *   <li>{@code true} {@code 't'}, {@code false} {@code 'f'}, {@code null} {@code 'z'}.</li>
 * </ul>
 * Counts and lengths are unsigned LEB128 varints. One instance per thread (it reuses its buffers). The encoding is
 * written straight from the input bytes (plain ASCII text without a {@code String}, plain decimals without a
 * {@link BigDecimal}); {@code CanonicalJsonTest} holds it to the straightforward version 1 encoder (over Jackson's
 * parser) on generated JSON.
 */
public final class CanonicalJson {

    /** Bytes of a hash. */
    public static final int HASH_BYTES = 16;

    private final MessageDigest sha;
    private final byte[] digest = new byte[32];
    private byte[] buf = new byte[8192];
    private int size;
    // members of the objects being encoded, a stack: an object's members lie above those of its enclosing objects
    private String[] keys = new String[64];
    private int[] from = new int[64];
    private int[] to = new int[64];
    private int top;
    private int[] order = new int[64];
    // where a member's key bytes lie in the buffer (members read from bytes with a plain ASCII key)
    private int[] keyAt = new int[64];
    private int[] keyEnd = new int[64];
    private long[] keyHead = new long[64];
    // where the bytes of the plain string encoded last begin
    private int stringFrom;
    private byte[] scratch = new byte[8192];
    // the last sorted root object's plain keys (concatenated, each ending at lastRootKeyEnd) and their sorted order
    private int lastRootMembers = -1;
    private byte[] lastRootKeys = new byte[1024];
    private int[] lastRootKeyEnd = new int[64];
    private int[] lastRootOrder = new int[64];

    /** Creates an encoder. */
    public CanonicalJson() {
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Hashes the JSON value at the cursor and leaves the cursor just after it: the same hash as version 1 gave through
     * Jackson's parser for the same value, without a parser's tokens and field-name symbol table. Plain ASCII strings
     * and keys are copied as bytes; strings with escapes or other characters are decoded as the parser decodes them.
     *
     * @param c the cursor, before the value
     * @return the 16-byte hash
     * @throws IOException when the JSON is malformed
     */
    public byte[] hash(JsonCursor c) throws IOException {
        size = 0;
        top = 0;
        value(c);
        return finishHash();
    }

    private byte[] finishHash() {
        sha.reset();
        sha.update(buf, 0, size);
        try {
            sha.digest(digest, 0, digest.length);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return Arrays.copyOf(digest, HASH_BYTES);
    }

    private void push(String key, int start, int end) {
        if (top == keys.length) {
            keys = Arrays.copyOf(keys, top * 2);
            from = Arrays.copyOf(from, top * 2);
            to = Arrays.copyOf(to, top * 2);
            keyAt = Arrays.copyOf(keyAt, top * 2);
            keyEnd = Arrays.copyOf(keyEnd, top * 2);
            keyHead = Arrays.copyOf(keyHead, top * 2);
        }
        keys[top] = key;
        from[top] = start;
        to[top] = end;
        top++;
    }

    /**
     * Compares two members' keys as {@link String#compareTo} does. A member read from bytes with a plain ASCII key
     * has no {@code String}: its key is the bytes {@code keyAt..keyEnd} of the buffer, whose byte order is
     * {@code compareTo}'s order for ASCII.
     */
    private int compareKeys(int a, int b) {
        String ka = keys[a];
        String kb = keys[b];
        if (ka == null && kb == null) {
            int c = Long.compareUnsigned(keyHead[a], keyHead[b]);
            return c != 0 ? c : Arrays.compare(buf, keyAt[a], keyEnd[a], buf, keyAt[b], keyEnd[b]);
        }
        return key(a).compareTo(key(b));
    }

    /**
     * The first 8 bytes of a key, big-endian, zero-padded: where two heads differ, their unsigned order is the keys'
     * byte order (a key that ends first pads with zeros, which sort first); equal heads need the full comparison.
     */
    private long head(int keyFrom, int keyTo) {
        long h = 0;
        for (int i = 0; i < 8; i++) {
            h = h << 8 | (keyFrom + i < keyTo ? buf[keyFrom + i] & 0xFF : 0);
        }
        return h;
    }

    private String key(int m) {
        String k = keys[m];
        return k != null ? k : new String(buf, keyAt[m], keyEnd[m] - keyAt[m], StandardCharsets.ISO_8859_1);
    }

    // ---- reading UTF-8 bytes (JsonCursor) ----

    private void value(JsonCursor c) throws IOException {
        switch (c.peek()) {
            case '{' -> object(c);
            case '[' -> {
                put((byte) 'a');
                int countAt = size;
                reserveCount();
                long n = 0;
                if (!c.openEmpty('[', ']')) {
                    do {
                        value(c);
                        n++;
                    } while (c.next(']'));
                }
                patchCount(countAt, n);
            }
            case '"' -> string(c);
            case 't' -> {
                c.literal("true");
                put((byte) 't');
            }
            case 'f' -> {
                c.literal("false");
                put((byte) 'f');
            }
            case 'n' -> {
                c.literal("null");
                put((byte) 'z');
            }
            default -> number(c);
        }
    }

    private void object(JsonCursor c) throws IOException {
        boolean root = size == 0; // the value hashed, not one inside it
        put((byte) 'o');
        int countAt = size;
        reserveCount();
        int base = top;
        boolean sorted = true;
        if (!c.openEmpty('{', '}')) {
            do {
                int at = size;
                String key = string(c);
                int keyFrom = stringFrom;
                int keyTo = size;
                c.expect(':');
                value(c);
                push(key, at, size);
                keyAt[top - 1] = keyFrom;
                keyEnd[top - 1] = keyTo;
                if (key == null) {
                    keyHead[top - 1] = head(keyFrom, keyTo);
                }
                if (top - base > 1 && compareKeys(top - 2, top - 1) > 0) {
                    sorted = false;
                }
            } while (c.next('}'));
        }
        int n = top - base;
        if (!sorted) {
            if (order.length < n) {
                order = new int[Math.max(n, order.length * 2)];
            }
            if (root && sameKeysAsLastRoot(n)) {
                System.arraycopy(lastRootOrder, 0, order, 0, n);
            } else {
                sortMembers(base, n);
                if (root) {
                    rememberRoot(n);
                }
            }
            relay(base, n);
        }
        top = base;
        patchCount(countAt, n);
    }

    /**
     * Whether the root object just read has the plain keys, in the same order, of the last root object whose members
     * were sorted: then the sorted order is the same. The documents of an index mostly share their key sequence, and
     * comparing each key once with the one at its place costs less than sorting.
     */
    private boolean sameKeysAsLastRoot(int n) {
        if (n != lastRootMembers) {
            return false;
        }
        int offset = 0;
        for (int m = 0; m < n; m++) {
            if (keys[m] != null || !Arrays.equals(buf, keyAt[m], keyEnd[m], lastRootKeys, offset, lastRootKeyEnd[m])) {
                return false;
            }
            offset = lastRootKeyEnd[m];
        }
        return true;
    }

    /** Keeps the root object's plain keys and their sorted order for {@link #sameKeysAsLastRoot}. */
    private void rememberRoot(int n) {
        lastRootMembers = -1;
        if (lastRootKeyEnd.length < n) {
            lastRootKeyEnd = new int[Math.max(n, lastRootKeyEnd.length * 2)];
            lastRootOrder = new int[lastRootKeyEnd.length];
        }
        int offset = 0;
        for (int m = 0; m < n; m++) {
            if (keys[m] != null) {
                return; // a decoded key: no byte form to compare with
            }
            int len = keyEnd[m] - keyAt[m];
            if (lastRootKeys.length < offset + len) {
                lastRootKeys = Arrays.copyOf(lastRootKeys, Math.max(offset + len, lastRootKeys.length * 2));
            }
            System.arraycopy(buf, keyAt[m], lastRootKeys, offset, len);
            offset += len;
            lastRootKeyEnd[m] = offset;
        }
        System.arraycopy(order, 0, lastRootOrder, 0, n);
        lastRootMembers = n;
    }

    /**
     * Encodes a string: a plain ASCII one straight from the input bytes (then {@code null} is returned and its bytes in
     * the buffer start at {@link #stringFrom}), any other decoded (then it is returned).
     */
    private String string(JsonCursor c) throws IOException {
        int end = c.plainStringEnd();
        if (end < 0) {
            String s = c.string();
            string(s);
            return s;
        }
        int start = c.position() + 1;
        int len = end - start - 1;
        put((byte) 's');
        varint(len);
        stringFrom = size;
        put(c.bytes(), start, len);
        c.skipTo(end);
        return null;
    }

    private void number(JsonCursor c) throws IOException {
        int start = c.number();
        int end = c.position();
        byte[] in = c.bytes();
        int dot = -1;
        boolean zero = true;
        boolean plain = end - start <= 40;
        for (int i = start; i < end && plain; i++) {
            byte b = in[i];
            if (b == '.') {
                dot = i;
            } else if (b == 'e' || b == 'E') {
                plain = false;
            } else if (b >= '1' && b <= '9') {
                zero = false;
            }
        }
        if (!plain) {
            number(new String(in, start, end - start, StandardCharsets.ISO_8859_1));
            return;
        }
        put((byte) 'n');
        if (zero) {
            varint(1);
            put((byte) '0');
            return;
        }
        int last = end;
        if (dot >= 0) {
            while (in[last - 1] == '0') {
                last--;
            }
            if (last == dot + 1) {
                last = dot;
            }
        }
        varint(last - start);
        put(in, start, last - start);
    }

    /** Puts the members {@code base..base+n-1} into {@code order} in ascending key order, stable. */
    private void sortMembers(int base, int n) {
        for (int i = 0; i < n; i++) {
            int m = base + i;
            int j = i;
            while (j > 0 && compareKeys(order[j - 1], m) > 0) {
                order[j] = order[j - 1];
                j--;
            }
            order[j] = m;
        }
    }

    /** Re-lays the members {@code base..base+n-1} (contiguous in the buffer) in the sequence {@code order} gives. */
    private void relay(int base, int n) {
        int bodyFrom = from[base];
        int len = size - bodyFrom;
        if (scratch.length < len) {
            scratch = new byte[Math.max(len, scratch.length * 2)];
        }
        System.arraycopy(buf, bodyFrom, scratch, 0, len);
        int at = bodyFrom;
        for (int i = 0; i < n; i++) {
            int m = order[i];
            int l = to[m] - from[m];
            System.arraycopy(scratch, from[m] - bodyFrom, buf, at, l);
            at += l;
        }
    }

    private void string(String s) {
        int len = s.length();
        for (int i = 0; i < len; i++) {
            if (s.charAt(i) >= 0x80) {
                byte[] b = s.getBytes(StandardCharsets.UTF_8);
                put((byte) 's');
                varint(b.length);
                put(b, b.length);
                return;
            }
        }
        put((byte) 's');
        varint(len);
        ensure(len);
        for (int i = 0; i < len; i++) {
            buf[size + i] = (byte) s.charAt(i);
        }
        size += len;
    }

    private void number(String text) {
        String c = canonicalNumber(text);
        int len = c.length();
        put((byte) 'n');
        varint(len);
        ensure(len);
        for (int i = 0; i < len; i++) {
            buf[size + i] = (byte) c.charAt(i);
        }
        size += len;
    }

    /**
     * The canonical text of a JSON number.
     *
     * @param text the number as written
     * @return the canonical decimal
     */
    public static String canonicalNumber(String text) {
        String plain = plainDecimal(text);
        if (plain != null) {
            return plain;
        }
        BigDecimal d = new BigDecimal(text);
        if (d.signum() == 0) {
            return "0";
        }
        d = d.stripTrailingZeros();
        long exponent = (long) d.precision() - d.scale() - 1;
        return Math.abs(exponent) > 64 ? d.toString() : d.toPlainString();
    }

    /**
     * The canonical text of a short plain decimal ({@code -?digits(.digits)?}, no leading zero, at most 40 characters,
     * so its exponent is far within the plain range) without a {@link BigDecimal}: trailing fraction zeros and a bare
     * point dropped, zero as {@code 0}; {@code null} for anything else.
     */
    static String plainDecimal(String t) {
        int n = t.length();
        if (n == 0 || n > 40) {
            return null;
        }
        int start = t.charAt(0) == '-' ? 1 : 0;
        int dot = -1;
        boolean zero = true;
        for (int i = start; i < n; i++) {
            char c = t.charAt(i);
            if (c == '.') {
                if (dot >= 0) {
                    return null;
                }
                dot = i;
            } else if (c < '0' || c > '9') {
                return null;
            } else if (c != '0') {
                zero = false;
            }
        }
        int intEnd = dot < 0 ? n : dot;
        if (intEnd == start || dot == n - 1 || (t.charAt(start) == '0' && intEnd - start > 1)) {
            return null;
        }
        if (zero) {
            return "0";
        }
        int end = n;
        if (dot >= 0) {
            while (t.charAt(end - 1) == '0') {
                end--;
            }
            if (end == dot + 1) {
                end = dot;
            }
        }
        return end == n ? t : t.substring(0, end);
    }

    // Counts are written as a fixed 5-byte placeholder and then compacted into a varint.
    private void reserveCount() {
        ensure(5);
        size += 5;
    }

    private void patchCount(int countAt, long n) {
        int len = 0;
        long x = n;
        do {
            byte b = (byte) (x & 0x7F);
            x >>>= 7;
            buf[countAt + len++] = (byte) (x != 0 ? b | 0x80 : b);
        } while (x != 0);
        int shift = 5 - len;
        if (shift > 0) {
            System.arraycopy(buf, countAt + 5, buf, countAt + len, size - countAt - 5);
            size -= shift;
        }
    }

    private void varint(long n) {
        long x = n;
        do {
            byte b = (byte) (x & 0x7F);
            x >>>= 7;
            put((byte) (x != 0 ? b | 0x80 : b));
        } while (x != 0);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }

    private void put(byte b) {
        if (size == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        buf[size++] = b;
    }

    private void put(byte[] b, int len) {
        put(b, 0, len);
    }

    private void put(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }
}
